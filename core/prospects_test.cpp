#include "core/prospects.hpp"

#include <gtest/gtest.h>

namespace mimicom {

namespace {
bool has_field_error(const Error& e, const std::string& field) {
  for (const auto& f : e.fields)
    if (f.field == field) return true;
  return false;
}
}  // namespace

TEST(ProspectInput, NormalisesEmailPhoneAndTrimsText) {
  auto p = apply_prospect_input({}, {{"first_name", std::string("  Élodie ")},
                                     {"email", std::string("  Elodie.Martin@ACME.fr ")},
                                     {"phone", std::string("06 12 34 56 78")},
                                     {"company", std::string("")}});
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->first_name, "Élodie");
  EXPECT_EQ(p->email, "elodie.martin@acme.fr");
  EXPECT_EQ(p->phone, "+33612345678");
  EXPECT_FALSE(p->company);  // empty text is no value
  EXPECT_EQ(p->status, "new");
  EXPECT_EQ(p->country, "FR");
}

TEST(ProspectInput, ReportsEveryFieldErrorAtOnce) {
  auto p = apply_prospect_input({}, {{"email", std::string("pas-un-email")},
                                     {"phone", std::string("12")},
                                     {"status", std::string("gagné")},
                                     {"company_size", std::string("énorme")},
                                     {"employees", std::string("beaucoup")},
                                     {"annual_revenue", -5.0},
                                     {"colour", std::string("bleu")}});
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().code, Error::Code::Invalid);
  for (const char* f : {"email", "phone", "status", "company_size", "employees", "annual_revenue", "colour"})
    EXPECT_TRUE(has_field_error(p.error(), f)) << f;
}

TEST(ProspectInput, AFieldGivenTwiceIsAnError) {
  auto p = apply_prospect_input({}, {{"email", std::string("a@b.fr")},
                                     {"city", std::string("Lyon")},
                                     {"city", std::string("Paris")}});
  ASSERT_FALSE(p);
  ASSERT_EQ(p.error().fields.size(), 1u);
  EXPECT_EQ(p.error().fields[0], (FieldError{"city", "champ donné deux fois"}));
}

TEST(ProspectInput, RequiresAnEmailOrAPhone) {
  auto p = apply_prospect_input({}, {{"first_name", std::string("Jean")}});
  ASSERT_FALSE(p);
  EXPECT_TRUE(has_field_error(p.error(), "email"));
  EXPECT_TRUE(has_field_error(p.error(), "phone"));
  EXPECT_TRUE(apply_prospect_input({}, {{"phone", std::string("+33 1 42 68 53 00")}}));
}

TEST(ProspectInput, PatchCanClearAFieldButNotTheLastContactMeans) {
  auto base = apply_prospect_input({}, {{"email", std::string("a@b.fr")}, {"phone", std::string("0612345678")}});
  ASSERT_TRUE(base);
  auto cleared = apply_prospect_input(*base, {{"phone", std::monostate{}}});
  ASSERT_TRUE(cleared);
  EXPECT_FALSE(cleared->phone);
  auto none = apply_prospect_input(*cleared, {{"email", std::monostate{}}});
  EXPECT_FALSE(none);
}

TEST(ProspectInput, TagsAreTrimmedSortedAndUnique) {
  auto p = apply_prospect_input({}, {{"email", std::string("a@b.fr")}, {"tags", std::string(" vip, salon ,vip,,")}});
  ASSERT_TRUE(p);
  EXPECT_EQ(p->tags, (std::vector<std::string>{"salon", "vip"}));
}

TEST(ProspectInput, SpreadsheetNumbersAreAccepted) {
  auto p = apply_prospect_input({}, {{"email", std::string("a@b.fr")},
                                     {"annual_revenue", std::string("1 250 000,50")},
                                     {"employees", std::string("42")}});
  ASSERT_TRUE(p) << p.error().fields[0].message;
  EXPECT_DOUBLE_EQ(*p->annual_revenue, 1250000.5);
  EXPECT_EQ(*p->employees, 42);
  EXPECT_FALSE(apply_prospect_input({}, {{"email", std::string("a@b.fr")}, {"employees", 2.5}}));
}

TEST(ProspectInput, TextIsStoredVerbatimIncludingMarkupAndFormulas) {
  auto p = apply_prospect_input({}, {{"email", std::string("a@b.fr")},
                                     {"first_name", std::string("<img src=x onerror=alert(1)>")},
                                     {"company", std::string("=HYPERLINK(\"x\")")}});
  ASSERT_TRUE(p);
  EXPECT_EQ(p->first_name, "<img src=x onerror=alert(1)>");
  EXPECT_EQ(p->company, "=HYPERLINK(\"x\")");
}

TEST(ProspectInput, LengthLimitsCountCharactersNotBytes) {
  std::string accented;
  for (int i = 0; i < 255; ++i) accented += "é";  // 510 bytes, 255 characters
  EXPECT_TRUE(apply_prospect_input({}, {{"email", std::string("a@b.fr")}, {"company", accented}}));
  EXPECT_FALSE(apply_prospect_input({}, {{"email", std::string("a@b.fr")}, {"company", accented + "e"}}));
}

TEST(ProspectQuery, ParsesFiltersPagingAndSort) {
  std::multimap<std::string, std::string> params = {
      {"status", "new,contacted"}, {"sector", "Industrie"}, {"page", "3"}, {"per_page", "25"}, {"sort", "-company"}};
  auto q = parse_prospect_query(params);
  ASSERT_TRUE(q);
  EXPECT_EQ(q->filter.status, (std::vector<std::string>{"new", "contacted"}));
  EXPECT_EQ(q->filter.sector, (std::vector<std::string>{"Industrie"}));
  EXPECT_EQ(q->page, 3);
  EXPECT_EQ(q->per_page, 25);
  EXPECT_EQ(q->sort.field, "company");
  EXPECT_TRUE(q->sort.descending);
}

TEST(ProspectQuery, RefusesUnknownSortFiltersAndOversizedPages) {
  for (auto params : std::vector<std::multimap<std::string, std::string>>{
           {{"sort", "password_hash"}}, {{"sort", "id; DROP TABLE prospects"}}, {{"per_page", "501"}},
           {{"page", "0"}}, {{"colour", "bleu"}}, {{"status", "gagné"}}}) {
    EXPECT_FALSE(parse_prospect_query(params)) << params.begin()->first;
  }
}

TEST(ProspectFilter, KeyIgnoresOrderOfAlternatives) {
  ProspectFilter a, b;
  a.sector = {"BTP", "Santé"};
  b.sector = {"Santé", "BTP"};
  EXPECT_EQ(a.key(), b.key());
  b.region = {"Bretagne"};
  EXPECT_NE(a.key(), b.key());
}

TEST(FtsQuery, QuotesWordsAsPrefixesSoSyntaxCannotBeInjected) {
  EXPECT_EQ(fts_query("dup"), "\"dup\"*");
  EXPECT_EQ(fts_query("jean.dupont@acme"), "\"jean\"* \"dupont\"* \"acme\"*");
  EXPECT_EQ(fts_query("\"a\" OR NEAR("), "\"a\"* \"OR\"* \"NEAR\"*");
  EXPECT_EQ(fts_query("Élodie"), "\"Élodie\"*");
  EXPECT_EQ(fts_query(" ;;; "), "");
}

}  // namespace mimicom
