// The streaming XLSX writer: text escaping and the characters XML forbids, cells, the sheet's
// frozen pane and autofilter, the ZIP read back with unzip (-t, -p), every part well-formed
// XML (python3), the ZIP64 records with the forced flag, and openpyxl reading values back.
#include "core/xlsx_writer.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace mimicom {
namespace {

namespace fs = std::filesystem;

std::string xml_text(std::string_view s, size_t max = XlsxWriter::kMaxCellChars, bool* cut = nullptr) {
  std::string out;
  bool c = XlsxWriter::append_xml_text(out, s, max);
  if (cut) *cut = c;
  return out;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Debian's python3 (where apt installs python3-openpyxl), else the first on the PATH.
std::string python() { return std::filesystem::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3"; }

bool has(const std::string& cmd) { return std::system((std::string("command -v ") + cmd + " >/dev/null 2>&1").c_str()) == 0; }

TEST(XlsxText, EscapesMarkupAndQuotes) {
  EXPECT_EQ(xml_text("a&b<c>d\"e'f"), "a&amp;b&lt;c&gt;d&quot;e&apos;f");
  EXPECT_EQ(xml_text("=SUM(A1:A2)"), "=SUM(A1:A2)");  // text, as it is
  EXPECT_EQ(xml_text("Élodie ✓ 😀"), "Élodie ✓ 😀");
  EXPECT_EQ(xml_text("tab\there\nline\r"), "tab\there\nline\r");
}

TEST(XlsxText, DropsControlCharactersAndReplacesInvalidUtf8) {
  EXPECT_EQ(xml_text(std::string("a\x00" "b\x01\x1f" "c\x7f", 7)), "abc\x7f");  // DEL is allowed in XML 1.0
  EXPECT_EQ(xml_text("a\xff" "b"), "a\xEF\xBF\xBD" "b");
  EXPECT_EQ(xml_text("\xC3"), "\xEF\xBF\xBD");                       // truncated sequence
  EXPECT_EQ(xml_text("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");        // overlong
  EXPECT_EQ(xml_text("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // a surrogate
  EXPECT_EQ(xml_text("\xEF\xBF\xBE"), "\xEF\xBF\xBD");                // U+FFFE
  EXPECT_EQ(xml_text("\xF4\x90\x80\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(XlsxText, KeepsALiteralExcelEscape) {
  EXPECT_EQ(xml_text("a_x0041_b"), "a_x005F_x0041_b");
  EXPECT_EQ(xml_text("snake_case_x"), "snake_case_x");
}

TEST(XlsxText, CutsAtTheCellLimitOnACharacterBoundary) {
  bool cut = false;
  EXPECT_EQ(xml_text(std::string(40000, 'a'), XlsxWriter::kMaxCellChars, &cut), std::string(32767, 'a'));
  EXPECT_TRUE(cut);
  EXPECT_EQ(xml_text("ééé", 2, &cut), "éé");
  EXPECT_TRUE(cut);
  EXPECT_EQ(xml_text("a😀", 2, &cut), "a");  // an emoji is two UTF-16 units
  EXPECT_TRUE(cut);
  EXPECT_EQ(xml_text("a&b", 3, &cut), "a&amp;b");
  EXPECT_FALSE(cut);
}

TEST(XlsxText, ColumnNames) {
  std::string s;
  for (int c : {0, 25, 26, 51, 701, 702, 16383}) {
    XlsxWriter::append_column_name(s, c);
    s += ' ';
  }
  EXPECT_EQ(s, "A Z AA AZ ZZ AAA XFD ");
}

class XlsxFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("mimicom-xlsx-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write_sample(const std::string& name, bool zip64) {
    std::string path = (dir_ / name).string();
    XlsxWriter w;
    XlsxWriter::Options o;
    o.sheet_name = "Prospects";
    o.force_zip64 = zip64;
    EXPECT_TRUE(w.open(path, o));
    EXPECT_TRUE(w.begin_row());
    for (const char* h : {"id", "name", "revenue", "opted_out", "notes"}) w.bold_text(h);
    EXPECT_TRUE(w.end_row());
    EXPECT_TRUE(w.begin_row());
    w.integer(7);
    w.text("=HYPERLINK(\"x\") & <b>");
    w.number(12000000.5);
    w.boolean(true);
    w.text(std::string(" lead\x01 \xff", 9));
    EXPECT_TRUE(w.end_row());
    EXPECT_TRUE(w.begin_row());
    w.integer(-3);
    w.empty();
    w.number(0.1);
    w.boolean(false);
    w.number(std::nan(""));
    EXPECT_TRUE(w.end_row());
    EXPECT_TRUE(w.finish());
    return path;
  }

  std::string part(const std::string& path, const std::string& name) {
    std::string out = (dir_ / "part.xml").string(), pattern;
    for (char c : name) {  // unzip reads names as wildcard patterns: [Content_Types].xml
      if (c == '[' || c == ']' || c == '*' || c == '?') pattern += '\\';
      pattern += c;
    }
    EXPECT_EQ(std::system(("unzip -p '" + path + "' '" + pattern + "' > '" + out + "'").c_str()), 0) << name;
    return slurp(out);
  }

  int unzip_t(const std::string& path) {
    return std::system(("unzip -tq '" + path + "' > '" + (dir_ / "unzip.log").string() + "' 2>&1").c_str());
  }

  fs::path dir_;
};

const char* const kParts[] = {"[Content_Types].xml", "_rels/.rels", "docProps/app.xml", "docProps/core.xml",
                              "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml",
                              "xl/worksheets/sheet1.xml"};

TEST_F(XlsxFile, CellsPaneAndAutofilter) {
  if (!has("unzip")) GTEST_SKIP() << "unzip is not installed";
  std::string path = write_sample("a.xlsx", false);
  EXPECT_EQ(unzip_t(path), 0) << slurp(dir_ / "unzip.log");
  std::string sheet = part(path, "xl/worksheets/sheet1.xml");
  EXPECT_NE(sheet.find("<pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/>"),
            std::string::npos);
  EXPECT_NE(sheet.find("<autoFilter ref=\"A1:E3\"/>"), std::string::npos);
  EXPECT_NE(sheet.find("<c r=\"A1\" s=\"1\" t=\"inlineStr\"><is><t>id</t></is></c>"), std::string::npos);
  EXPECT_NE(sheet.find("<c r=\"A2\"><v>7</v></c>"), std::string::npos);
  EXPECT_NE(sheet.find("<c r=\"B2\" t=\"inlineStr\"><is><t>=HYPERLINK(&quot;x&quot;) &amp; &lt;b&gt;</t></is></c>"),
            std::string::npos);
  EXPECT_NE(sheet.find("<c r=\"C2\"><v>12000000.5</v></c>"), std::string::npos);
  EXPECT_NE(sheet.find("<c r=\"D2\" t=\"b\"><v>1</v></c>"), std::string::npos);
  EXPECT_NE(sheet.find("<c r=\"E2\" t=\"inlineStr\"><is><t xml:space=\"preserve\"> lead \xEF\xBF\xBD</t></is></c>"),
            std::string::npos) << sheet;
  EXPECT_NE(sheet.find("<row r=\"3\"><c r=\"A3\"><v>-3</v></c><c r=\"C3\"><v>0.1</v></c><c r=\"D3\" t=\"b\"><v>0</v></c></row>"),
            std::string::npos) << sheet;
  EXPECT_EQ(sheet.find("<f>"), std::string::npos);
  std::string wb = part(path, "xl/workbook.xml");
  EXPECT_NE(wb.find("<sheet name=\"Prospects\" sheetId=\"1\" r:id=\"rId1\"/>"), std::string::npos);
  EXPECT_NE(wb.find("<definedName name=\"_xlnm._FilterDatabase\" localSheetId=\"0\" hidden=\"1\">Prospects!$A$1:$E$3"
                    "</definedName>"),
            std::string::npos) << wb;
  std::string styles = part(path, "xl/styles.xml");
  EXPECT_NE(styles.find("<xf numFmtId=\"0\" fontId=\"1\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyFont=\"1\"/>"),
            std::string::npos);
  EXPECT_NE(styles.find("<font><b/>"), std::string::npos);
}

TEST_F(XlsxFile, ASheetNameWithASpaceIsQuotedInTheFilterName) {
  if (!has("unzip")) GTEST_SKIP() << "unzip is not installed";
  std::string path = (dir_ / "q.xlsx").string();
  XlsxWriter w;
  XlsxWriter::Options o;
  o.sheet_name = "L'équipe & co";
  ASSERT_TRUE(w.open(path, o));
  ASSERT_TRUE(w.begin_row());
  w.bold_text("a");
  w.bold_text("b");
  ASSERT_TRUE(w.end_row());
  ASSERT_TRUE(w.finish(false));
  std::string wb = part(path, "xl/workbook.xml");
  EXPECT_NE(wb.find("<sheet name=\"L'équipe &amp; co\""), std::string::npos) << wb;
  EXPECT_NE(wb.find(">'L''équipe &amp; co'!$A$1:$B$1</definedName>"), std::string::npos) << wb;
}

TEST_F(XlsxFile, EveryPartIsWellFormedXml) {
  if (!has("unzip") || !has(python())) GTEST_SKIP() << "unzip or python3 is not installed";
  std::string path = write_sample("a.xlsx", false);
  for (const char* name : kParts) {
    std::string xml = part(path, name);
    std::string file = (dir_ / "p.xml").string();
    std::ofstream(file, std::ios::binary) << xml;
    EXPECT_EQ(std::system((python() + " -c 'import sys,xml.etree.ElementTree as E; E.parse(sys.argv[1])' '" + file + "'").c_str()), 0)
        << name << ": " << xml;
  }
}

TEST_F(XlsxFile, ForcedZip64RecordsAreReadByUnzip) {
  if (!has("unzip")) GTEST_SKIP() << "unzip is not installed";
  std::string path = write_sample("z.xlsx", true);
  EXPECT_EQ(unzip_t(path), 0) << slurp(dir_ / "unzip.log");
  std::string zip = slurp(path);
  // The ZIP64 end record and its locator, then the classic end record pointing to them.
  size_t z64 = zip.rfind(std::string("PK\x06\x06", 4));
  size_t loc = zip.rfind(std::string("PK\x06\x07", 4));
  size_t eocd = zip.rfind(std::string("PK\x05\x06", 4));
  ASSERT_NE(z64, std::string::npos);
  ASSERT_NE(loc, std::string::npos);
  ASSERT_NE(eocd, std::string::npos);
  EXPECT_EQ(loc, z64 + 56);
  EXPECT_EQ(eocd, loc + 20);
  EXPECT_EQ(eocd + 22, zip.size());
  auto u64 = [&](size_t at) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(zip[at + i]);
    return v;
  };
  EXPECT_EQ(u64(loc + 8), z64);           // the locator points to the ZIP64 end record
  EXPECT_EQ(u64(z64 + 24), 8u);           // entries
  EXPECT_EQ(u64(z64 + 48) + u64(z64 + 40), z64);  // directory offset + size
  EXPECT_EQ(zip.substr(eocd + 12, 8), std::string(8, '\xFF'));  // sizes deferred to ZIP64
  // Every central header carries a ZIP64 extra field with its sizes and offset.
  size_t n = 0;
  for (size_t at = zip.find(std::string("PK\x01\x02", 4)); at != std::string::npos;
       at = zip.find(std::string("PK\x01\x02", 4), at + 4)) {
    ++n;
    EXPECT_EQ(zip.substr(at + 20, 8), std::string(8, '\xFF'));
    EXPECT_EQ(zip.substr(at + 42, 4), std::string(4, '\xFF'));
    size_t name_len = static_cast<unsigned char>(zip[at + 28]) | (static_cast<unsigned char>(zip[at + 29]) << 8);
    EXPECT_EQ(zip.substr(at + 46 + name_len, 4), std::string("\x01\x00\x18\x00", 4));
  }
  EXPECT_EQ(n, 8u);
  std::string sheet = part(path, "xl/worksheets/sheet1.xml");
  EXPECT_NE(sheet.find("<c r=\"C2\"><v>12000000.5</v></c>"), std::string::npos);
  if (has(python())) {
    EXPECT_EQ(std::system((python() + " -c 'import sys,zipfile; z=zipfile.ZipFile(sys.argv[1]); "
                           "sys.exit(z.testzip() is not None)' '" + path + "'").c_str()),
              0);
  }
}

TEST_F(XlsxFile, ManyRowsStreamThroughTheCompressionThread) {
  if (!has("unzip")) GTEST_SKIP() << "unzip is not installed";
  std::string path = (dir_ / "big.xlsx").string();
  XlsxWriter w;
  ASSERT_TRUE(w.open(path, {}));
  const std::string note(200, 'n');
  for (int r = 0; r < 30000; ++r) {
    ASSERT_TRUE(w.begin_row());
    w.integer(r);
    w.text(note);
    w.number(r * 0.5);
    ASSERT_TRUE(w.end_row());
  }
  ASSERT_TRUE(w.finish());
  EXPECT_EQ(unzip_t(path), 0) << slurp(dir_ / "unzip.log");
  std::string sheet = part(path, "xl/worksheets/sheet1.xml");
  EXPECT_GT(sheet.size(), 6u << 20);  // several blocks
  EXPECT_NE(sheet.find("<row r=\"30000\"><c r=\"A30000\"><v>29999</v></c>"), std::string::npos);
  EXPECT_NE(sheet.find("<autoFilter ref=\"A1:C30000\"/>"), std::string::npos);
}

TEST_F(XlsxFile, RefusesRowsPastExcelsLimit) {
  XlsxWriter w;
  ASSERT_TRUE(w.open((dir_ / "full.xlsx").string(), {}));
  for (long long r = 0; r < XlsxWriter::kMaxRows; ++r) {
    ASSERT_TRUE(w.begin_row());
    ASSERT_TRUE(w.end_row());
  }
  auto st = w.begin_row();
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, Error::Code::Invalid);
}

TEST_F(XlsxFile, DestroyedWithoutFinishStopsCleanly) {
  XlsxWriter w;
  ASSERT_TRUE(w.open((dir_ / "partial.xlsx").string(), {}));
  for (int r = 0; r < 20000; ++r) {
    ASSERT_TRUE(w.begin_row());
    w.text("some text to fill the blocks, some text to fill the blocks");
    ASSERT_TRUE(w.end_row());
  }
}  // no crash, no hang

TEST_F(XlsxFile, OpenpyxlReadsTheValuesBack) {
  if (!has("unzip") || std::system((python() + " -c 'import openpyxl' >/dev/null 2>&1").c_str()) != 0)
    GTEST_SKIP() << "python3-openpyxl is not installed";
  for (bool zip64 : {false, true}) {
    std::string path = write_sample(zip64 ? "o64.xlsx" : "o.xlsx", zip64);
    std::string script = (dir_ / "read.py").string();
    std::ofstream(script) << R"(import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb["Prospects"]
rows = [[c.value for c in r] for r in ws.iter_rows()]
assert rows[0] == ["id", "name", "revenue", "opted_out", "notes"], rows[0]
assert ws["A1"].font.b and not ws["A2"].font.b
assert rows[1] == [7, '=HYPERLINK("x") & <b>', 12000000.5, True, " lead \ufffd"], rows[1]
assert rows[2] == [-3, None, 0.1, False, None], rows[2]
assert ws.freeze_panes == "A2", ws.freeze_panes
assert ws.auto_filter.ref == "A1:E3", ws.auto_filter.ref
assert ws["B2"].data_type == "s", ws["B2"].data_type
)";
    EXPECT_EQ(std::system((python() + " '" + script + "' '" + path + "'").c_str()), 0) << (zip64 ? "zip64" : "zip");
  }
}

}  // namespace
}  // namespace mimicom
