#include "core/csv.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace mimicom {
namespace {

using Fields = std::vector<std::string>;
using namespace std::string_literals;

bool same_record(const CsvRecord& a, const CsvRecord& b) {
  return a.fields == b.fields && a.line == b.line && a.end_offset == b.end_offset && a.next_line == b.next_line &&
         a.error == b.error;
}

// Reads text fed in chunks whose sizes come from next_size (0 = all at once).
template <typename NextSize>
std::vector<CsvRecord> read_chunked(std::string_view text, char sep, NextSize next_size, size_t max_field = 32 << 20) {
  CsvReader reader(sep, max_field);
  std::vector<CsvRecord> records;
  CsvRecord rec;
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t n = std::min(text.size() - pos, std::max<size_t>(1, next_size()));
    reader.feed(text.substr(pos, n));
    pos += n;
    while (reader.next(rec)) records.push_back(rec);
  }
  reader.finish();
  while (reader.next(rec)) records.push_back(rec);
  return records;
}

std::vector<CsvRecord> read_all(std::string_view text, char sep = ',', size_t max_field = 32 << 20) {
  return read_chunked(
      text, sep, [&] { return text.size(); }, max_field);
}

std::vector<Fields> fields_of(const std::vector<CsvRecord>& records) {
  std::vector<Fields> out;
  for (const CsvRecord& r : records) out.push_back(r.fields);
  return out;
}

// A file with every tricky construct, used by the chunking and resume tests.
const std::string kMessy =
    "nom,notes,ville\r\n"
    "Dupont,\"a, b\",Paris\r\n"
    "\"Martin\",\"dit \"\"le grand\"\"\",Lyon\n"
    "Durand,\"ligne 1\r\nligne 2\nligne 3\rfin\",Nice\r"
    "Petit,5\" pouces,Lille\n"
    "\n\r\n"
    "\"Roux\"x,,\0Nantes\r\n"
    "Blanc,\"é€œ\",Metz\r\n"
    "\r\n\r\n"
    "Noir,\"pas fermé\n,fin"s;

TEST(CsvReader, SplitsSimpleRecordsWithLf) {
  auto r = read_all("a,b,c\n1,2,3\n");
  EXPECT_EQ(fields_of(r), (std::vector<Fields>{{"a", "b", "c"}, {"1", "2", "3"}}));
  EXPECT_EQ(r[0].line, 1u);
  EXPECT_EQ(r[1].line, 2u);
  EXPECT_EQ(r[0].end_offset, 6u);
  EXPECT_EQ(r[1].end_offset, 12u);
}

TEST(CsvReader, AcceptsCrLfLfAndBareCrLineEnds) {
  auto r = read_all("a,b\r\nc,d\ne,f\rg,h");
  EXPECT_EQ(fields_of(r), (std::vector<Fields>{{"a", "b"}, {"c", "d"}, {"e", "f"}, {"g", "h"}}));
  EXPECT_EQ(r[3].line, 4u);
  EXPECT_EQ(r[0].end_offset, 5u);
}

TEST(CsvReader, ReadsLastRecordWithoutFinalNewline) {
  auto r = read_all("a,b\n1,2");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[1].fields, (Fields{"1", "2"}));
  EXPECT_EQ(r[1].end_offset, 7u);
  EXPECT_TRUE(r[1].error.empty());
}

TEST(CsvReader, LastRecordWaitsForFinishWithoutNewline) {
  CsvReader reader(',');
  CsvRecord rec;
  reader.feed("a,b");
  EXPECT_FALSE(reader.next(rec));
  reader.finish();
  ASSERT_TRUE(reader.next(rec));
  EXPECT_EQ(rec.fields, (Fields{"a", "b"}));
  EXPECT_FALSE(reader.next(rec));
}

TEST(CsvReader, SkipsTrailingAndInnerBlankLines) {
  auto r = read_all("a,b\n\n1,2\r\n\r\n\n\r\r\n");
  EXPECT_EQ(fields_of(r), (std::vector<Fields>{{"a", "b"}, {"1", "2"}}));
  EXPECT_EQ(r[1].line, 3u);
}

TEST(CsvReader, KeepsQuotedEmptyFieldLineAsRecord) {
  auto r = read_all("\"\"\n");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].fields, (Fields{""}));
}

TEST(CsvReader, QuotedFieldsHoldSeparatorsDoubledQuotesAndLineBreaks) {
  auto r = read_all("\"a,b\",\"say \"\"hi\"\"\",\"l1\r\nl2\nl3\"\nnext,x\n");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].fields, (Fields{"a,b", "say \"hi\"", "l1\r\nl2\nl3"}));
  EXPECT_EQ(r[1].line, 4u);  // the quoted field spanned lines 1-3
  EXPECT_EQ(r[1].fields, (Fields{"next", "x"}));
}

TEST(CsvReader, KeepsStrayQuoteInUnquotedFieldLiterally) {
  auto r = read_all("écran 27\" pouces,a\"b\"c\n");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].fields, (Fields{"écran 27\" pouces", "a\"b\"c"}));
  EXPECT_TRUE(r[0].error.empty());
}

TEST(CsvReader, KeepsTextAfterClosingQuote) {
  auto r = read_all("\"abc\"def,x\n");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].fields, (Fields{"abcdef", "x"}));
}

TEST(CsvReader, ReportsUnterminatedQuoteAtEndOfFile) {
  auto r = read_all("a,b\n1,\"open\n2,3\n");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[1].fields, (Fields{"1", "open\n2,3\n"}));
  EXPECT_EQ(r[1].error, "guillemet non fermé en fin de fichier");
  EXPECT_EQ(r[1].line, 2u);
}

TEST(CsvReader, RemovesNulBytes) {
  auto r = read_all(std::string("a\0b,\0\n\0\n\"c\0d\",e\0\n", 18));
  EXPECT_EQ(fields_of(r), (std::vector<Fields>{{"ab", ""}, {"cd", "e"}}));
}

TEST(CsvReader, ReadsTenMegabyteField) {
  const std::string big(10 << 20, 'x');
  const std::string text = "a,b\n1,\"" + big + "\"\n2,3\n";
  auto r = read_all(text);
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[1].fields[1].size(), big.size());
  EXPECT_TRUE(r[1].error.empty());
  EXPECT_EQ(r[2].fields, (Fields{"2", "3"}));
}

TEST(CsvReader, TooLongFieldErrorsOnItsRecordAndReadingContinues) {
  const std::string text = "a,b\n1," + std::string(100, 'x') + "\n2,\"" + std::string(100, 'y') + "\"\n3,4\n";
  auto r = read_chunked(
      text, ',', [] { return 7; }, 50);
  ASSERT_EQ(r.size(), 4u);
  EXPECT_TRUE(r[1].error.starts_with("champ trop long")) << r[1].error;
  EXPECT_EQ(r[1].fields, (Fields{"1", ""}));
  EXPECT_TRUE(r[2].error.starts_with("champ trop long"));
  EXPECT_EQ(r[3].fields, (Fields{"3", "4"}));
  EXPECT_TRUE(r[3].error.empty());
  EXPECT_EQ(r[3].line, 4u);
}

TEST(CsvReader, TooManyFieldsErrorsAndDropsTheExtra) {
  CsvReader reader(',', 1000, 3);
  reader.feed("a,b,c,d,e\nf,g\n");
  reader.finish();
  CsvRecord rec;
  ASSERT_TRUE(reader.next(rec));
  EXPECT_EQ(rec.fields, (Fields{"a", "b", "c"}));
  EXPECT_TRUE(rec.error.starts_with("trop de champs")) << rec.error;
  ASSERT_TRUE(reader.next(rec));
  EXPECT_EQ(rec.fields, (Fields{"f", "g"}));
  EXPECT_TRUE(rec.error.empty());
}

TEST(CsvReader, KeepsCellsStartingWithFormulaCharactersVerbatim) {
  auto r = read_all("=1+2,+33,-x,@a,<script>alert(1)</script>\n");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].fields, (Fields{"=1+2", "+33", "-x", "@a", "<script>alert(1)</script>"}));
}

// Long runs of text are searched 16 bytes at a time: a separator, quote, line end or NUL byte
// at any place of a long field, with respect to those 16 bytes, is found.
TEST(CsvReader, StopBytesAtEveryPlaceOfALongFieldAreFound) {
  for (size_t len = 0; len < 50; ++len) {
    const std::string a(len, 'a'), q(len, 'q');
    std::string text = a + ";" + a + "b\n\"" + q + "\";\"" + q + "\"\"" + q + "\"\r" + a + std::string(1, '\0') + a + ";\n";
    auto records = read_all(text, ';');
    ASSERT_EQ(records.size(), 3u) << len;
    EXPECT_EQ(records[0].fields, (Fields{a, a + "b"})) << len;
    EXPECT_EQ(records[1].fields, (Fields{q, q + "\"" + q})) << len;
    EXPECT_EQ(records[2].fields, (Fields{a + a, ""})) << len;
  }
}

TEST(CsvReader, RejectsQuoteAsSeparator) { EXPECT_THROW(CsvReader('"'), std::invalid_argument); }

TEST(CsvReader, MessyFileGivesExpectedRecords) {
  auto r = read_all(kMessy);
  ASSERT_EQ(r.size(), 8u);
  EXPECT_EQ(r[3].fields, (Fields{"Durand", "ligne 1\r\nligne 2\nligne 3\rfin", "Nice"}));
  EXPECT_EQ(r[3].line, 4u);
  EXPECT_EQ(r[4].fields, (Fields{"Petit", "5\" pouces", "Lille"}));
  EXPECT_EQ(r[4].line, 8u);  // the quoted field spanned lines 4-7
  EXPECT_EQ(r[5].fields, (Fields{"Rouxx", "", "Nantes"}));
  EXPECT_EQ(r[5].line, 11u);
  EXPECT_EQ(r[7].error, "guillemet non fermé en fin de fichier");
  EXPECT_EQ(r[7].end_offset, kMessy.size());
}

TEST(CsvReader, ByteAtATimeGivesSameRecordsAndOffsets) {
  const auto whole = read_all(kMessy);
  const auto bytewise = read_chunked(kMessy, ',', [] { return 1; });
  ASSERT_EQ(bytewise.size(), whole.size());
  for (size_t i = 0; i < whole.size(); ++i) EXPECT_TRUE(same_record(whole[i], bytewise[i])) << "record " << i;
}

TEST(CsvReader, RandomChunkSizesGiveSameRecordsAndOffsets) {
  const auto whole = read_all(kMessy);
  std::mt19937 rng(42);
  for (int round = 0; round < 200; ++round) {
    std::uniform_int_distribution<size_t> size(1, 1 + round % 40);
    const auto chunked = read_chunked(kMessy, ',', [&] { return size(rng); });
    ASSERT_EQ(chunked.size(), whole.size());
    for (size_t i = 0; i < whole.size(); ++i) ASSERT_TRUE(same_record(whole[i], chunked[i])) << round << " " << i;
  }
}

TEST(CsvReader, ResumingAtEndOffsetGivesSameFollowingRecords) {
  const auto whole = read_all(kMessy);
  for (size_t k = 0; k < whole.size(); ++k) {
    CsvReader reader(',');
    reader.start_at(whole[k].end_offset, whole[k].next_line);
    reader.feed(std::string_view(kMessy).substr(whole[k].end_offset));
    reader.finish();
    CsvRecord rec;
    size_t i = k + 1;
    while (reader.next(rec)) {
      ASSERT_LT(i, whole.size());
      EXPECT_TRUE(same_record(rec, whole[i])) << "resume after " << k << ", record " << i;
      ++i;
    }
    EXPECT_EQ(i, whole.size());
  }
}

TEST(CsvReader, CrLfSplitAcrossChunksIsOneLineEnd) {
  CsvReader reader(';');
  CsvRecord rec;
  reader.feed("a;b\r");
  EXPECT_FALSE(reader.next(rec));
  reader.feed("\nc;d\r\n");
  ASSERT_TRUE(reader.next(rec));
  EXPECT_EQ(rec.end_offset, 5u);
  ASSERT_TRUE(reader.next(rec));
  EXPECT_EQ(rec.line, 2u);
  EXPECT_EQ(rec.fields, (Fields{"c", "d"}));
}

// --- transcoding

TEST(ToUtf8, DecodesWindows1252Accents) {
  EXPECT_EQ(to_utf8("caf\xE9 \x80 \x9C"
                    "uvre \xC7\xE0",
                    TextEncoding::Windows1252),
            "café € œuvre Çà");
}

TEST(ToUtf8, MapsUnassignedWindows1252BytesToC1Controls) {
  EXPECT_EQ(to_utf8("\x81", TextEncoding::Windows1252), "\xC2\x81");
}

TEST(ToUtf8, DecodesUtf16LittleEndianWithBomAndSurrogates) {
  // BOM, "é", U+1F600 as a surrogate pair, "a"
  const std::string le("\xFF\xFE\xE9\x00\x3D\xD8\x00\xDE\x61\x00", 10);
  EXPECT_EQ(to_utf8(le, TextEncoding::Utf16LE),
            "é\xF0\x9F\x98\x80"
            "a");
}

TEST(ToUtf8, DecodesUtf16BigEndianWithBom) {
  const std::string be("\xFE\xFF\x00\xE9\x20\xAC", 6);
  EXPECT_EQ(to_utf8(be, TextEncoding::Utf16BE), "é€");
}

TEST(ToUtf8, ReplacesLoneSurrogatesAndOddByte) {
  const std::string le("\x00\xD8\x61\x00\x00\xDC\x62", 7);  // high alone, 'a', low alone, odd byte
  EXPECT_EQ(to_utf8(le, TextEncoding::Utf16LE),
            "\xEF\xBF\xBD"
            "a\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(to_utf8(std::string("\x3D\xD8", 2), TextEncoding::Utf16LE), "\xEF\xBF\xBD");
}

TEST(ToUtf8, StripsUtf8BomAndReplacesInvalidBytes) {
  EXPECT_EQ(to_utf8("\xEF\xBB\xBFnom", TextEncoding::Utf8Bom), "nom");
  EXPECT_EQ(to_utf8("\xEF\xBB\xBFnom", TextEncoding::Utf8), "nom");
  EXPECT_EQ(to_utf8("a\xFF"
                    "b\xC3",
                    TextEncoding::Utf8),
            "a\xEF\xBF\xBD"
            "b\xEF\xBF\xBD");
  EXPECT_EQ(to_utf8("\xE2\x82"
                    "x",
                    TextEncoding::Utf8),
            "\xEF\xBF\xBD"
            "x");  // one U+FFFD for the cut €
  EXPECT_EQ(to_utf8("\xED\xA0\x80", TextEncoding::Utf8), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
  EXPECT_EQ(to_utf8("é€😀", TextEncoding::Utf8), "é€😀");
}

TEST(Utf8Transcoder, ByteAtATimeEqualsWholeForEveryEncoding) {
  const std::vector<std::pair<TextEncoding, std::string>> inputs = {
      {TextEncoding::Utf8Bom,
       "\xEF\xBB\xBF"
       "nom;ville\r\nL\xC3\xA9"
       "a;S\xC3\xA8te \xE2\x82\xAC \xF0\x9F\x98\x80\xFF\n"},
      {TextEncoding::Utf8,
       "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80"
       "abc\xE2\x82"},
      {TextEncoding::Windows1252, "caf\xE9;\x80;\x9C\n"},
      {TextEncoding::Utf16LE, std::string("\xFF\xFE\xE9\x00\x3D\xD8\x00\xDE\x00\xDC\x61\x00\x62", 13)},
      {TextEncoding::Utf16BE, std::string("\xFE\xFF\x00\xE9\xD8\x3D\xDE\x00\x00\x61", 10)},
      {TextEncoding::Utf8Bom, "\xEF\xBB"},
  };
  std::mt19937 rng(7);
  for (const auto& [enc, bytes] : inputs) {
    const std::string whole = to_utf8(bytes, enc);
    for (int round = 0; round < 50; ++round) {
      std::uniform_int_distribution<size_t> size(1, 1 + round % 5);
      Utf8Transcoder tr(enc);
      std::string out;
      for (size_t pos = 0; pos < bytes.size();) {
        const size_t n = std::min(bytes.size() - pos, round == 0 ? size_t{1} : size(rng));
        tr.feed(std::string_view(bytes).substr(pos, n), out);
        pos += n;
      }
      tr.finish(out);
      ASSERT_EQ(out, whole) << encoding_name(enc) << " round " << round;
    }
  }
}

// --- sniffing

TEST(SniffCsv, PicksSemicolonForFrenchExcelWithDecimalCommas) {
  const auto s = sniff_csv("Nom;Montant;Taux\r\nDupont;12,5;0,2\r\nMartin;3,25;1,5\r\nDurand;4;2\r\n");
  EXPECT_EQ(s.separator, ';');
  EXPECT_EQ(s.header, (Fields{"Nom", "Montant", "Taux"}));
  ASSERT_EQ(s.rows.size(), 3u);
  EXPECT_EQ(s.rows[0], (Fields{"Dupont", "12,5", "0,2"}));
  EXPECT_TRUE(s.problem.empty()) << s.problem;
  EXPECT_EQ(s.encoding, TextEncoding::Utf8);
}

TEST(SniffCsv, PicksCommaWhenQuotedFieldsHoldSemicolons) {
  const auto s = sniff_csv("nom,notes\nA,\"x; y; z\"\nB,\"p;q\"\nC,r\n");
  EXPECT_EQ(s.separator, ',');
  EXPECT_EQ(s.rows.size(), 3u);
}

TEST(SniffCsv, PicksTabAndPipe) {
  EXPECT_EQ(sniff_csv("a\tb\tc\n1,5\t2\t3\n").separator, '\t');
  EXPECT_EQ(sniff_csv("a|b\n1|2\n").separator, '|');
}

TEST(SniffCsv, SingleColumnFileUsesComma) {
  const auto s = sniff_csv("email\na@b.fr\nc@d.fr\n");
  EXPECT_EQ(s.separator, ',');
  EXPECT_EQ(s.header, (Fields{"email"}));
  EXPECT_EQ(s.rows.size(), 2u);
}

TEST(SniffCsv, DetectsUtf8BomAndStripsIt) {
  const auto s = sniff_csv("\xEF\xBB\xBFPrénom;Nom\nLéa;Roux\n");
  EXPECT_EQ(s.encoding, TextEncoding::Utf8Bom);
  EXPECT_EQ(s.header, (Fields{"Prénom", "Nom"}));
}

TEST(SniffCsv, DetectsWindows1252AndTranscodesPreview) {
  const auto s = sniff_csv(
      "Pr\xE9nom;Soci\xE9t\xE9\nL\xE9"
      "a;\x80 \x9C"
      "uvre\n");
  EXPECT_EQ(s.encoding, TextEncoding::Windows1252);
  EXPECT_EQ(s.header, (Fields{"Prénom", "Société"}));
  ASSERT_EQ(s.rows.size(), 1u);
  EXPECT_EQ(s.rows[0], (Fields{"Léa", "€ œuvre"}));
}

TEST(SniffCsv, CutMultibyteSequenceAtEndOfFullHeadStaysUtf8) {
  std::string head = "nom,ville\n";
  while (head.size() < kSniffHeadBytes - 20) head += "Léa,Sète\n";
  while (head.size() < kSniffHeadBytes - 1) head += "x";
  head += "\xC3";  // first byte of "é", cut by the head's end
  ASSERT_EQ(head.size(), kSniffHeadBytes);
  EXPECT_EQ(sniff_csv(head).encoding, TextEncoding::Utf8);
}

TEST(SniffCsv, DetectsUtf16WithBom) {
  const std::string utf8 = "nom;ville\r\nLéa;Sète\r\n";
  std::string le = "\xFF\xFE";
  for (char32_t c : std::u32string(U"nom;ville\r\nLéa;Sète\r\n")) {
    le.push_back(static_cast<char>(c & 0xFF));
    le.push_back(static_cast<char>(c >> 8));
  }
  const auto s = sniff_csv(le);
  EXPECT_EQ(s.encoding, TextEncoding::Utf16LE);
  EXPECT_FALSE(s.looks_binary);
  EXPECT_EQ(s.separator, ';');
  EXPECT_EQ(s.header, (Fields{"nom", "ville"}));
  ASSERT_EQ(s.rows.size(), 1u);
  EXPECT_EQ(s.rows[0], (Fields{"Léa", "Sète"}));
  EXPECT_EQ(to_utf8(le, s.encoding), utf8);
}

TEST(SniffCsv, DetectsUtf16WithoutBomInsteadOfBinary) {
  std::string be;
  for (char c : std::string("a,b\n1,2\n")) {
    be.push_back('\0');
    be.push_back(c);
  }
  const auto s = sniff_csv(be);
  EXPECT_EQ(s.encoding, TextEncoding::Utf16BE);
  EXPECT_FALSE(s.looks_binary);
  EXPECT_EQ(s.header, (Fields{"a", "b"}));
}

TEST(SniffCsv, FlagsBinaryFileRenamedCsv) {
  std::string bin;
  std::mt19937 rng(1);
  for (int i = 0; i < 5000; ++i) bin.push_back(static_cast<char>(rng()));
  const auto s = sniff_csv(bin);
  EXPECT_TRUE(s.looks_binary);
  EXPECT_EQ(s.problem, "ce fichier n'est pas un CSV (contenu binaire)");
  EXPECT_TRUE(s.header.empty());
}

TEST(SniffCsv, FlagsExcelWorkbookRenamedCsvWithHint) {
  const auto s = sniff_csv(std::string("PK\x03\x04\x14\x00\x06\x00[Content_Types].xml", 27));
  EXPECT_TRUE(s.looks_binary);
  EXPECT_TRUE(s.problem.starts_with("ce fichier n'est pas un CSV (contenu binaire)")) << s.problem;
}

TEST(SniffCsv, AFewNulBytesDoNotMakeAFileBinary) {
  std::string text = "a,b\n";
  for (int i = 0; i < 100; ++i) text += "x,y\n";
  text += std::string(500, '\0');  // padding at the end, one place
  text[10] = '\0';
  const auto s = sniff_csv(text);
  EXPECT_FALSE(s.looks_binary) << s.problem;
  EXPECT_EQ(s.header, (Fields{"a", "b"}));
}

TEST(SniffCsv, ReportsEmptyFile) {
  EXPECT_EQ(sniff_csv("").problem, "le fichier est vide");
  EXPECT_EQ(sniff_csv("\r\n\n  \n").problem, "le fichier est vide");
  EXPECT_FALSE(sniff_csv("").looks_binary);
}

TEST(SniffCsv, ReportsHeaderOnlyFile) {
  const auto s = sniff_csv("nom;email\r\n\r\n");
  EXPECT_EQ(s.header, (Fields{"nom", "email"}));
  EXPECT_TRUE(s.rows.empty());
  EXPECT_EQ(s.problem, "le fichier ne contient que la ligne d'en-tête, aucune donnée");
}

TEST(SniffCsv, NamesEmptyAndDuplicateHeaders) {
  const auto s = sniff_csv(" Nom ;;Email;Nom;email;Nom_2;Nom\n1;2;3;4;5;6;7\n");
  EXPECT_EQ(s.header, (Fields{"Nom", "colonne_2", "Email", "Nom_3", "email", "Nom_2", "Nom_4"}));
}

TEST(SniffCsv, ShowsAtMostTwentyRows) {
  std::string text = "a;b\n";
  for (int i = 0; i < 50; ++i) text += std::to_string(i) + ";x\n";
  const auto s = sniff_csv(text);
  ASSERT_EQ(s.rows.size(), 20u);
  EXPECT_EQ(s.rows[19][0], "19");
}

}  // namespace
}  // namespace mimicom
