#include "store/sqlite/custom_fields_json.hpp"

#include <gtest/gtest.h>

namespace mimicom {

TEST(CustomFieldsJson, RoundTripsTextWithEscapesAndUnicode) {
  CustomFields f = {{"linkedin", "https://linkedin.com/in/élodie"},
                    {"note", "ligne 1\nligne \"2\" \\ tab\t€ 🎉"},
                    {"ctrl", std::string("a\x01" "b")}};
  EXPECT_EQ(custom_fields_from_json(custom_fields_to_json(f)), (CustomFields{f[2], f[0], f[1]}))
      << "keys come back sorted, as stored";
}

TEST(CustomFieldsJson, ReadsEscapedUnicodeAndOtherWriters) {
  EXPECT_EQ(custom_fields_from_json(R"( { "a" : "\u00e9\ud83c\udf89" , "b":"x" } )"),
            (CustomFields{{"a", "é🎉"}, {"b", "x"}}));
  EXPECT_EQ(custom_fields_from_json(R"({"n": 12, "ok": true})"), (CustomFields{{"n", "12"}, {"ok", "true"}}))
      << "values that are not text are kept as their JSON text";
}

TEST(CustomFieldsJson, AnythingElseGivesNoFields) {
  for (const char* bad : {"", "[]", "\"x\"", "{", "{\"a\":\"b\"", "{\"a\":\"\\ud800\"}", "nul"})
    EXPECT_TRUE(custom_fields_from_json(bad).empty()) << bad;
  EXPECT_TRUE(custom_fields_from_json("{}").empty());
}

}  // namespace mimicom
