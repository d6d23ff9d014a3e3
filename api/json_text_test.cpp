#include "api/json_text.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace mimicom::api {

namespace {
std::string as_json(std::string_view s) {
  std::string out;
  append_json_string(out, s);
  return out;
}
}  // namespace

TEST(JsonText, EscapesQuotesBackslashesAndControls) {
  EXPECT_EQ(as_json("a\"b\\c\n\t\x01"), R"("a\"b\\c\n\t\u0001")");
  EXPECT_EQ(as_json("Élodie — 10 000 €"), "\"Élodie — 10 000 €\"");
  EXPECT_EQ(as_json("<img src=x onerror=alert(1)>"), "\"<img src=x onerror=alert(1)>\"");
}

TEST(JsonText, InvalidUtf8BecomesReplacementCharacters) {
  for (std::string bad : {std::string("caf\xE9"), std::string("\xC0\xAF"), std::string("\xED\xA0\x80"),
                          std::string("x\xF0\x9F"), std::string("\xFF\xFE", 2), std::string("a\0b", 3)}) {
    auto text = as_json(bad);
    auto parsed = nlohmann::json::parse(text, nullptr, false);
    ASSERT_FALSE(parsed.is_discarded()) << text;
  }
  EXPECT_EQ(nlohmann::json::parse(as_json("caf\xE9")).get<std::string>(), "caf\xEF\xBF\xBD");
}

TEST(JsonText, RoundTripsThroughAParser) {
  std::string all;
  for (int c = 1; c < 0x80; ++c) all.push_back(static_cast<char>(c));
  all += "日本語 🎉";
  EXPECT_EQ(nlohmann::json::parse(as_json(all)).get<std::string>(), all);
}

TEST(JsonText, NumbersAreShortestAndNonFiniteIsNull) {
  std::string out;
  append_json_number(out, 1200000.5);
  out += ' ';
  append_json_number(out, 0.1);
  out += ' ';
  append_json_number(out, -42LL);
  out += ' ';
  append_json_number(out, std::nan(""));
  EXPECT_EQ(out, "1200000.5 0.1 -42 null");
}

}  // namespace mimicom::api
