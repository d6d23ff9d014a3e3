// Export rules and writers: columns, the filter as JSON, and each format written to a real
// file then read back (CSV quoting, BOM and separator; JSON Lines escaping; XLSX unzipped).
#include "core/exports.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace mimicom {
namespace {

using json = nlohmann::json;

Prospect sample() {
  Prospect p;
  p.id = 7;
  p.first_name = "Élodie";
  p.last_name = "Martin; \"la grande\"";
  p.email = "elodie@acme.fr";
  p.phone = "+33612345678";
  p.company = "=HYPERLINK(\"http://x\")";
  p.city = "Lyon";
  p.postal_code = "06300";
  p.employees = 120;
  p.annual_revenue = 12000000.5;
  p.notes = "ligne 1\nligne 2\ttab \\ fin";
  p.tags = {"salon", "vip"};
  p.custom_fields = {{"couleur", "bleu"}, {"taille", "-3"}};
  p.opted_out = true;
  p.created_at = 1764045770;  // 2025-11-25T04:42:50Z
  p.updated_at = 1764045770;
  return p;
}

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class ExportWriters : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("mimicom-exports-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string write(const ExportOptions& o, const std::vector<std::string>& columns, const std::vector<Prospect>& ps,
                    const std::string& name) {
    auto path = dir_ / name;
    auto w = open_export_writer(o, path.string(), dir_.string());
    EXPECT_TRUE(w);
    auto cols = resolve_export_columns(*check_export_columns(columns));
    EXPECT_TRUE((*w)->begin(cols));
    for (const auto& p : ps) EXPECT_TRUE((*w)->write(p));
    EXPECT_TRUE((*w)->finish());
    return path.string();
  }

  std::filesystem::path dir_;
};

TEST(ExportColumns, DefaultIsEveryCoreFieldAndTags) {
  auto cols = check_export_columns({});
  ASSERT_TRUE(cols);
  EXPECT_EQ(cols->front(), "id");
  EXPECT_NE(std::find(cols->begin(), cols->end(), "tags"), cols->end());
  EXPECT_NE(std::find(cols->begin(), cols->end(), "annual_revenue"), cols->end());
  EXPECT_TRUE(check_export_columns({"email", "custom:couleur"}));
}

TEST(ExportColumns, UnknownDuplicateAndEmptyCustomNamesAreRefused) {
  auto bad = check_export_columns({"email", "emial", "email", "custom:"});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().fields.size(), 3u);
  for (const auto& f : bad.error().fields) EXPECT_EQ(f.field, "columns");
}

TEST(ExportFilter, SameNamesAsTheListQueryAsJson) {
  auto f = export_filter_from_json(R"({"status": ["new", "contacted"], "city": "Lyon", "ids": [3, 4],
                                       "opted_out": false, "q": "dup"})");
  ASSERT_TRUE(f) << f.error().message;
  EXPECT_EQ(f->status, (std::vector<std::string>{"new", "contacted"}));
  EXPECT_EQ(f->city, (std::vector<std::string>{"Lyon"}));
  EXPECT_EQ(f->ids, (std::vector<long long>{3, 4}));
  EXPECT_EQ(f->opted_out, false);
  EXPECT_EQ(f->q, "dup");
  EXPECT_TRUE(export_filter_from_json("{}")->empty());
  EXPECT_EQ(*canonical_export_filter(R"({"status": ["new", "won"], "ids": [1]})"),
            R"({"ids":"1","status":"new,won"})");
}

TEST(ExportFilter, ErrorsNameTheFilterField) {
  auto f = export_filter_from_json(R"({"statut": "new", "status": "perdu?", "city": {"a": 1}})");
  ASSERT_FALSE(f);
  std::set<std::string> fields;
  for (const auto& e : f.error().fields) fields.insert(e.field);
  EXPECT_EQ(fields, (std::set<std::string>{"filter.city"}));  // type errors first
  f = export_filter_from_json(R"({"statut": "new", "status": "perdu?"})");
  ASSERT_FALSE(f);
  fields.clear();
  for (const auto& e : f.error().fields) fields.insert(e.field);
  EXPECT_EQ(fields, (std::set<std::string>{"filter.statut", "filter.status"}));
}

TEST(ExportName, AsciiDateAndId) {
  Export e;
  e.id = 1234;
  e.format = "csv";
  e.created_at = 1795564800;  // 2026-11-25
  EXPECT_EQ(export_download_name(e), "prospects-2026-11-25-1234.csv");
}

TEST(ExportCsv, QuotesNeutralisesAndKeepsNumbersAndPhones) {
  std::string out;
  auto cols = resolve_export_columns({"id", "first_name", "last_name", "phone", "company", "employees",
                                      "annual_revenue", "notes", "tags", "opted_out", "created_at",
                                      "last_contact_at", "custom:taille", "custom:absent"});
  append_csv_row(out, sample(), cols, ',');
  EXPECT_EQ(out,
            "7,Élodie,\"Martin; \"\"la grande\"\"\",+33612345678,\"'=HYPERLINK(\"\"http://x\"\")\",120,12000000.5,"
            "\"ligne 1\nligne 2\ttab \\ fin\",\"salon,vip\",true,2025-11-25T04:42:50Z,,-3,");
}

TEST_F(ExportWriters, CsvWithBomAndSemicolon) {
  std::string text = slurp(write({ExportFormat::Csv, true, ';'}, {"first_name", "last_name", "tags", "custom:couleur"},
                                 {sample()}, "a.csv"));
  EXPECT_EQ(text,
            "\xEF\xBB\xBF"
            "first_name;last_name;tags;custom:couleur\r\n"
            "Élodie;\"Martin; \"\"la grande\"\"\";salon,vip;bleu\r\n");
}

TEST_F(ExportWriters, CsvWithoutBomAndComma) {
  std::string text = slurp(write({ExportFormat::Csv, false, ','}, {"last_name", "tags"}, {sample()}, "b.csv"));
  EXPECT_EQ(text, "last_name,tags\r\n\"Martin; \"\"la grande\"\"\",\"salon,vip\"\r\n");
}

TEST_F(ExportWriters, JsonLinesEscapesAndTypes) {
  Prospect p = sample();
  p.first_name = std::string("ctl\x01") + "\"q\"";
  std::string text = slurp(write({ExportFormat::Jsonl}, {}, {p, Prospect{}}, "c.jsonl"));
  std::istringstream lines(text);
  std::string line;
  std::vector<json> rows;
  while (std::getline(lines, line)) rows.push_back(json::parse(line));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_NE(text.find("\\u0001"), std::string::npos);
  EXPECT_EQ(rows[0]["first_name"], std::string("ctl\x01") + "\"q\"");
  EXPECT_EQ(rows[0]["notes"], "ligne 1\nligne 2\ttab \\ fin");
  EXPECT_EQ(rows[0]["company"], "=HYPERLINK(\"http://x\")");  // data, not a spreadsheet: as it is
  EXPECT_EQ(rows[0]["employees"], 120);
  EXPECT_EQ(rows[0]["annual_revenue"], 12000000.5);
  EXPECT_EQ(rows[0]["tags"], json({"salon", "vip"}));
  EXPECT_EQ(rows[0]["opted_out"], true);
  EXPECT_EQ(rows[0]["created_at"], "2025-11-25T04:42:50Z");
  EXPECT_TRUE(rows[1]["email"].is_null());
  EXPECT_EQ(rows[1]["tags"], json::array());
}

// The XLSX file is a zip: its sheet is read back with the unzip command.
TEST_F(ExportWriters, XlsxHasTypedCellsFrozenHeaderAndAutofilter) {
  if (std::system("command -v unzip >/dev/null 2>&1") != 0) GTEST_SKIP() << "unzip is not installed";
  std::string path = write({ExportFormat::Xlsx}, {"id", "phone", "company", "employees", "annual_revenue", "tags"},
                           {sample(), sample()}, "d.xlsx");
  std::string sheet_path = (dir_ / "sheet1.xml").string();
  ASSERT_EQ(std::system(("unzip -p '" + path + "' xl/worksheets/sheet1.xml > '" + sheet_path + "'").c_str()), 0);
  std::string sheet = slurp(sheet_path);
  EXPECT_NE(sheet.find("state=\"frozen\""), std::string::npos);
  EXPECT_NE(sheet.find("<autoFilter ref=\"A1:F3\"/>"), std::string::npos);
  EXPECT_NE(sheet.find("<c r=\"A2\"><v>7</v></c>"), std::string::npos) << sheet.substr(0, 2000);
  EXPECT_NE(sheet.find("<c r=\"D2\"><v>120</v></c>"), std::string::npos);
  EXPECT_NE(sheet.find("<c r=\"E2\"><v>12000000.5</v></c>"), std::string::npos);
  EXPECT_NE(sheet.find("<c r=\"B2\" t=\"inlineStr\"><is><t>+33612345678</t></is></c>"), std::string::npos);
  // A formula-looking text is a string cell, never an <f> formula.
  EXPECT_NE(sheet.find("<c r=\"C2\" t=\"inlineStr\"><is><t>=HYPERLINK(&quot;http://x&quot;)</t></is></c>"),
            std::string::npos);
  EXPECT_EQ(sheet.find("<f>"), std::string::npos);
  EXPECT_NE(sheet.find("<t>salon,vip</t>"), std::string::npos);
}

}  // namespace
}  // namespace mimicom
