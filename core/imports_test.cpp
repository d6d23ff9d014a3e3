#include "core/imports.hpp"

#include <gtest/gtest.h>

#include <array>

#include "core/csv_writer.hpp"

namespace mimicom {
namespace {

TEST(ProposeMapping, FrenchAndEnglishNamesAccentsAndCaseIgnored) {
  std::vector<std::string> header = {"Prénom", "NOM", "Raison sociale", "Courriel", "Tél.", "Code postal",
                                     "Chiffre d'affaires", "First name", "Secteur d'activité", "Effectif",
                                     "Fonction", "Mots-clés", "Couleur préférée", ""};
  auto m = propose_mapping(header);
  std::vector<std::string> expected = {"first_name", "last_name",  "company",      "email",     "phone",
                                       "postal_code", "annual_revenue", "custom:First name", "sector",
                                       "company_size", "job_title", "tags", "custom:Couleur préférée", ""};
  EXPECT_EQ(m, expected);  // "First name" comes after "Prénom": a field goes to its first column
}

TEST(ProposeMapping, LongAccentedNamesAreCutOnACharacterAndStayValid) {
  std::string name = std::string(63, 'a') + "é";
  auto m = propose_mapping({"Email", name});
  EXPECT_EQ(m[1], "custom:" + std::string(63, 'a'));
  EXPECT_TRUE(check_mapping({"Email", name}, {{"Email", "email"}, {name, m[1]}}));
}

TEST(ProposeMapping, EnglishExport) {
  auto m = propose_mapping({"First Name", "Last Name", "Email Address", "Company", "Phone Number", "Job Title",
                            "Annual Revenue", "Lead Source", "Status"});
  EXPECT_EQ(m, (std::vector<std::string>{"first_name", "last_name", "email", "company", "phone", "job_title",
                                         "annual_revenue", "source", "status"}));
}

TEST(CheckMapping, ReportsEveryProblemByColumn) {
  std::vector<std::string> header = {"A", "B", "C", "D"};
  auto r = check_mapping(header, {{"A", "email"}, {"B", "email"}, {"C", "couleur"}, {"Z", "city"}, {"D", "custom:"}});
  ASSERT_FALSE(r);
  std::vector<std::string> fields;
  for (const auto& f : r.error().fields) fields.push_back(f.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"mapping.B", "mapping.C", "mapping.Z", "mapping.D"}));
}

TEST(CheckMapping, NeedsAnEmailOrAPhone) {
  auto r = check_mapping({"Ville"}, {{"Ville", "city"}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().fields[0].field, "mapping");
  auto ok = check_mapping({"Tel", "Ville", "X"}, {{"Tel", "phone"}, {"X", "custom:Couleur"}});
  ASSERT_TRUE(ok);
  EXPECT_EQ(*ok, (std::vector<std::string>{"phone", "", "custom:Couleur"}));
}

CsvRecord record(std::vector<std::string> fields, uint64_t line = 2) {
  CsvRecord r;
  r.fields = std::move(fields);
  r.line = line;
  return r;
}

TEST(ImportRowConverter, SpreadsheetValuesBecomeProspectValues) {
  ImportRowConverter conv({"E", "Statut", "Effectif", "Tags", "Désinscrit", "CA", "Couleur"},
                          {"email", "status", "company_size", "tags", "opted_out", "annual_revenue", "custom:Couleur"},
                          "moi@mimicom.fr");
  ImportRow row;
  ImportReject rej;
  ASSERT_TRUE(conv.convert(record({" A@B.fr ", "Qualifié", "50 à 249 salariés", "salon; web | vip", "oui",
                                   "12 500,5", "bleu"}),
                           row, rej))
      << rej.reason;
  const Prospect& p = row.prospect;
  EXPECT_EQ(p.email, "a@b.fr");
  EXPECT_EQ(p.status, "qualified");
  EXPECT_EQ(p.company_size, "50-249");
  EXPECT_EQ(p.tags, (std::vector<std::string>{"salon", "vip", "web"}));
  EXPECT_TRUE(p.opted_out);
  EXPECT_DOUBLE_EQ(*p.annual_revenue, 12500.5);
  EXPECT_EQ(p.owner, "moi@mimicom.fr");
  EXPECT_EQ(p.custom_fields, (std::vector<std::pair<std::string, std::string>>{{"Couleur", "bleu"}}));
  EXPECT_EQ(import_key(p), "e:a@b.fr");
}

TEST(ImportRowConverter, CountsTheValuesItRewroteIntoTheirNormalForm) {
  ImportRowConverter conv({"E", "Tél", "Statut", "Taille", "Pays", "Ville"},
                          {"email", "phone", "status", "company_size", "country", "city"}, "");
  ImportRow row;
  ImportReject rej;
  // E-mail case, phone format, status label, headcount, country name: 5 fixes; the city's
  // surrounding spaces are not counted (trimmed, not corrected).
  ASSERT_TRUE(conv.convert(record({"A@B.fr", "06 12 34 56 78", "Contacté", "12", "France", " Lyon "}), row, rej))
      << rej.reason;
  EXPECT_EQ(row.fixed, 5);
  // Values already in their normal form: nothing fixed.
  ASSERT_TRUE(conv.convert(record({" a@b.fr ", "+33612345678", "contacted", "10-49", "FR", "Lyon"}), row, rej))
      << rej.reason;
  EXPECT_EQ(row.fixed, 0);
}

TEST(ImportRowConverter, HeadcountsBecomeBands) {
  ImportRowConverter conv({"E", "Effectif"}, {"email", "company_size"}, "");
  ImportRow row;
  ImportReject rej;
  for (auto [in, band] : std::vector<std::pair<std::string, std::string>>{
           {"3", "1-9"}, {"10-49", "10-49"}, {"1 200", "1000+"}, {"250 à 999", "250-999"}, {"1000+", "1000+"}}) {
    ASSERT_TRUE(conv.convert(record({"a@b.fr", in}), row, rej)) << in << ": " << rej.reason;
    EXPECT_EQ(row.prospect.company_size, band) << in;
  }
}

TEST(ImportRowConverter, StatusesAndCountriesByCodeOrLabel) {
  ImportRowConverter conv({"E", "Statut", "Pays"}, {"email", "status", "country"}, "");
  ImportRow row;
  ImportReject rej;
  for (auto [status, country, want_status, want_country] : std::vector<std::array<std::string, 4>>{
           {"won", "BE", "won", "BE"},
           {" Gagné ", "Belgique", "won", "BE"},
           {"RDV", "fr", "meeting", "FR"},
           {"À contacter", "suisse", "new", "CH"},
           {"LOST", "De", "lost", "DE"}}) {
    ASSERT_TRUE(conv.convert(record({"a@b.fr", status, country}), row, rej)) << status << ": " << rej.reason;
    EXPECT_EQ(row.prospect.status, want_status) << status;
    EXPECT_EQ(row.prospect.country, want_country) << country;
  }
  EXPECT_FALSE(conv.convert(record({"a@b.fr", "Peut-être", "FR"}), row, rej));
  EXPECT_NE(rej.reason.find("Peut-être"), std::string::npos) << rej.reason;
}

TEST(ImportRowConverter, RejectsWithLineCellsAndEveryReason) {
  ImportRowConverter conv({"E", "Désinscrit", "Statut"}, {"email", "opted_out", "status"}, "");
  ImportRow row;
  ImportReject rej;
  EXPECT_FALSE(conv.convert(record({"x", "peut-être", "archivé"}, 9), row, rej));
  EXPECT_EQ(rej.line, 9);
  EXPECT_EQ(rej.cells, R"(["x","peut-être","archivé"])");
  EXPECT_NE(rej.reason.find("désinscrit : « peut-être » n'est ni oui ni non"), std::string::npos) << rej.reason;
  EXPECT_NE(rej.reason.find("e-mail :"), std::string::npos) << rej.reason;
  EXPECT_NE(rej.reason.find("statut :"), std::string::npos) << rej.reason;
}

TEST(ImportRowConverter, RowWithoutEmailNorPhoneSaysSoOnce) {
  ImportRowConverter conv({"E", "Ville"}, {"email", "city"}, "");
  ImportRow row;
  ImportReject rej;
  EXPECT_FALSE(conv.convert(record({"", "Lyon"}), row, rej));
  EXPECT_EQ(rej.reason, "e-mail : un e-mail ou un téléphone est requis");
}

TEST(MergeDuplicate, PoliciesAndWhatAnImportNeverUndoes) {
  Prospect existing;
  existing.id = 4;
  existing.email = "a@b.fr";
  existing.city = "Lyon";
  existing.opted_out = true;
  existing.status = "won";
  existing.tags = {"salon"};
  ImportRow row;
  row.prospect.email = "a@b.fr";
  row.prospect.city = "Paris";
  row.prospect.company = "Acme";
  row.prospect.status = "new";
  row.prospect.tags = {"web"};
  for (const char* f : {"email", "city", "company", "status", "tags"}) row.given |= import_field_bit(f);

  EXPECT_FALSE(merge_duplicate(existing, row, DuplicatePolicy::Skip));
  auto fill = merge_duplicate(existing, row, DuplicatePolicy::FillEmpty);
  ASSERT_TRUE(fill);
  EXPECT_EQ(fill->city, "Lyon");
  EXPECT_EQ(fill->company, "Acme");
  EXPECT_EQ(fill->status, "won");
  EXPECT_EQ(fill->tags, (std::vector<std::string>{"salon", "web"}));
  auto over = merge_duplicate(existing, row, DuplicatePolicy::Overwrite);
  ASSERT_TRUE(over);
  EXPECT_EQ(over->city, "Paris");
  EXPECT_EQ(over->status, "new");
  EXPECT_TRUE(over->opted_out);  // consent withdrawn stays withdrawn
  EXPECT_EQ(over->id, 4);
  EXPECT_FALSE(merge_duplicate(*over, row, DuplicatePolicy::Overwrite));  // nothing left to change

  // What changed, field by field: the store writes those columns only.
  uint32_t changed = 1;
  Prospect p = existing;
  EXPECT_FALSE(merge_duplicate_into(p, row, DuplicatePolicy::Skip, &changed));
  EXPECT_EQ(changed, 0u);
  ASSERT_TRUE(merge_duplicate_into(p, row, DuplicatePolicy::FillEmpty, &changed));
  EXPECT_EQ(changed, import_field_bit("company") | import_field_bit("tags"));
  p = existing;
  row.prospect.custom_fields = {{"budget", "12"}};
  ASSERT_TRUE(merge_duplicate_into(p, row, DuplicatePolicy::Overwrite, &changed));
  EXPECT_EQ(changed, import_field_bit("city") | import_field_bit("company") | import_field_bit("status") |
                         import_field_bit("tags") | kMergedCustomFields);
  EXPECT_FALSE(merge_duplicate_into(p, row, DuplicatePolicy::Overwrite, &changed));
  EXPECT_EQ(changed, 0u);
}

// The plain text columns are set without going through a ProspectInput: the same values and
// the same limits as apply_prospect_input, for each of them.
TEST(ImportRowConverter, TextColumnsFollowTheRulesOfTheApi) {
  const std::vector<std::string> fields = {"first_name", "last_name", "company", "job_title", "sector", "city",
                                           "postal_code", "region", "source", "owner", "notes"};
  std::vector<std::string> header = {"E"}, targets = {"email"}, cells = {"a@b.fr"};
  ProspectInput input = {{"email", std::string("a@b.fr")}};
  for (const auto& f : fields) {
    header.push_back("col " + f);
    targets.push_back(f);
    cells.push_back("  é " + f + " \t");
    input.emplace_back(f, "  é " + f + " \t");
  }
  ImportRowConverter conv(header, targets, "moi@x.fr");
  ImportRow row;
  ImportReject rej;
  ASSERT_TRUE(conv.convert(record(cells), row, rej)) << rej.reason;
  auto api = apply_prospect_input(Prospect{}, input);
  ASSERT_TRUE(api);
  for (const auto& f : fields) {
    auto rule = prospect_text_rule(f);
    ASSERT_TRUE(rule) << f;
    EXPECT_EQ(row.prospect.*rule->member, (*api).*rule->member) << f;
    EXPECT_EQ(row.prospect.*rule->member, "é " + f) << f;
  }
  // At the limit passes, one character more is refused with the API's message.
  for (const auto& f : fields) {
    auto rule = prospect_text_rule(f);
    ImportRowConverter one({"E", "T"}, {"email", f}, "");
    std::string at(rule->max - 1, 'x');
    at = "é" + at;  // counted in characters, not bytes
    EXPECT_TRUE(one.convert(record({"a@b.fr", at}), row, rej)) << f << ": " << rej.reason;
    EXPECT_FALSE(one.convert(record({"a@b.fr", at + "y"}), row, rej)) << f;
    auto refused = apply_prospect_input(Prospect{}, {{"email", std::string("a@b.fr")}, {f, at + "y"}});
    ASSERT_FALSE(refused) << f;
    EXPECT_NE(rej.reason.find(refused.error().fields[0].message), std::string::npos) << rej.reason;
  }
  // The owner: the importing user's unless the row names one.
  ImportRowConverter owned({"E", "Commercial"}, {"email", "owner"}, "moi@x.fr");
  ASSERT_TRUE(owned.convert(record({"a@b.fr", "  "}), row, rej));
  EXPECT_EQ(row.prospect.owner, "moi@x.fr");
  ASSERT_TRUE(owned.convert(record({"a@b.fr", " lui@x.fr "}), row, rej));
  EXPECT_EQ(row.prospect.owner, "lui@x.fr");
}

}  // namespace
}  // namespace mimicom
