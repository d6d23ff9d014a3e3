// The one formula rule of every file MimiCom writes for a spreadsheet, case by case.
#include "core/csv_writer.hpp"

#include <gtest/gtest.h>

namespace mimicom {
namespace {

TEST(FormulaRule, CellsStartingWithAFormulaCharacterAreRisks) {
  for (const char* f : {"=1+1", "=HYPERLINK(\"http://x\")", "+1+1", "-1+1", "@SUM(A1)", "+", "-", "=", "@",
                        "-cmd|' /C calc'!A0", "+33 6 12 34 56 78", "-2-", "+1.", "+.5", "--1"})
    EXPECT_TRUE(looks_like_formula(f)) << f;
}

TEST(FormulaRule, TabAndCarriageReturnFirstAreRisks) {
  for (const char* f : {"\tx", "\t", "\r=x", "\rabc", "\t1"}) EXPECT_TRUE(looks_like_formula(f)) << f;
}

TEST(FormulaRule, LeadingSpacesAndQuotesDoNotHideAFormula) {
  for (const char* f : {"  =x", " @a", "\"=x", "'=x", " \" ' +x", "''-a"}) EXPECT_TRUE(looks_like_formula(f)) << f;
}

TEST(FormulaRule, NumbersAndPhonesAreNotRisks) {
  // A spreadsheet reads these as numbers; an E.164 phone must stay as it is.
  for (const char* f : {"+33612345678", "-12", "+1", "-4.5", "+1,5", " -7", "'+33612345678", "12", "0612345678"})
    EXPECT_FALSE(looks_like_formula(f)) << f;
}

TEST(FormulaRule, OrdinaryTextIsNotARisk) {
  for (const char* f : {"", "Acme", "a=b", "1-2", "jean@x.fr", "   ", "\"\"", "Jean-Luc", "x\t=y", "€ 12"})
    EXPECT_FALSE(looks_like_formula(f)) << f;
}

TEST(CsvField, RisksGetAnApostropheInsideQuotes) {
  std::string out;
  append_csv_field(out, "=HYPERLINK(\"x\")", ';');
  EXPECT_EQ(out, "\"'=HYPERLINK(\"\"x\"\")\"");
  out.clear();
  append_csv_field(out, "+33612345678", ';');
  EXPECT_EQ(out, "+33612345678");
  out.clear();
  append_csv_field(out, "-cmd", ',', false);  // neutralisation off: as it is
  EXPECT_EQ(out, "-cmd");
}

TEST(CsvField, QuotedOnlyWhenNeeded) {
  std::string out;
  append_csv_field(out, "a;b", ';');
  EXPECT_EQ(out, "\"a;b\"");
  out.clear();
  append_csv_field(out, "a,b", ';');
  EXPECT_EQ(out, "a,b");
  out.clear();
  append_csv_field(out, "a,b", ',');
  EXPECT_EQ(out, "\"a,b\"");
  out.clear();
  append_csv_field(out, "ligne 1\nligne 2", ',');
  EXPECT_EQ(out, "\"ligne 1\nligne 2\"");
  out.clear();
  append_csv_field(out, "dit \"oui\"", ',');
  EXPECT_EQ(out, "\"dit \"\"oui\"\"\"");
  out.clear();
  append_csv_field(out, "Élodie", ',');
  EXPECT_EQ(out, "Élodie");
}

}  // namespace
}  // namespace mimicom
