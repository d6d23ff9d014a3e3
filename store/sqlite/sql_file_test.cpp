#include "store/sqlite/sql_file.hpp"

#include <gtest/gtest.h>

#include "core/embedded.hpp"

namespace mimicom {

TEST(NamedQueries, SplitsBlocksAndKeepsTheirSql) {
  auto q = parse_named_queries("-- header\n-- name: a\n-- purpose\nSELECT 1;\n\n-- name: b\nSELECT 2;\n");
  ASSERT_TRUE(q);
  EXPECT_EQ(q->size(), 2u);
  EXPECT_NE(q->at("a").find("SELECT 1;"), std::string::npos);
  EXPECT_EQ(q->at("b"), "SELECT 2;\n");
}

TEST(NamedQueries, RefusesDuplicatesAndEmptyBlocks) {
  EXPECT_FALSE(parse_named_queries("-- name: a\nSELECT 1;\n-- name: a\nSELECT 2;\n"));
  EXPECT_FALSE(parse_named_queries("-- name: a\n-- only a comment\n-- name: b\nSELECT 2;\n"));
  EXPECT_FALSE(parse_named_queries("-- name:\nSELECT 1;\n"));
}

TEST(NamedQueries, EveryEmbeddedQueryFileParses) {
  int files = 0;
  for (const auto& f : embedded_files()) {
    if (!f.path.starts_with("store/sqlite/queries/")) continue;
    ++files;
    EXPECT_TRUE(parse_named_queries(f.data)) << f.path;
  }
  EXPECT_GE(files, 3);
}

}  // namespace mimicom
