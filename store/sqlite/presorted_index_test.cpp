#include "store/sqlite/presorted_index.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <random>
#include <string>
#include <vector>

namespace mimicom {
namespace {

TEST(IndexStatement, ReadsThePlainShapes) {
  auto a = parse_index_statement("CREATE UNIQUE INDEX prospects_email ON prospects (email) WHERE email IS NOT NULL");
  ASSERT_TRUE(a);
  EXPECT_TRUE(a->unique);
  EXPECT_EQ(a->name, "prospects_email");
  EXPECT_EQ(a->table, "prospects");
  EXPECT_EQ(a->columns, std::vector<std::string>{"email"});
  EXPECT_EQ(a->where, "email IS NOT NULL");

  auto b = parse_index_statement("create index if not exists \"a \"\"b\" ON [t] (x ASC,`y`)");
  ASSERT_TRUE(b);
  EXPECT_FALSE(b->unique);
  EXPECT_EQ(b->name, "a \"b");
  EXPECT_EQ(b->table, "t");
  EXPECT_EQ(b->columns, (std::vector<std::string>{"x", "y"}));
  EXPECT_TRUE(b->where.empty());
}

TEST(IndexStatement, RefusesWhatIsNotPlainColumns) {
  for (const char* sql : {"CREATE INDEX i ON t (x DESC)", "CREATE INDEX i ON t (x COLLATE NOCASE)",
                          "CREATE INDEX i ON t (lower(x))", "CREATE INDEX main.i ON t (x)", "CREATE INDEX i ON t (x",
                          "CREATE INDEX i ON t (x) WHERE", "CREATE INDEX i ON t (x) LIMIT 1", "CREATE TABLE t (x)"})
    EXPECT_FALSE(parse_index_statement(sql)) << sql;
}

class Presorted : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("mimicom-presorted-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "t.db").string();
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db_), SQLITE_OK);
    exec("PRAGMA journal_mode = WAL");
    exec("CREATE TABLE versions (v INTEGER)");
    exec("INSERT INTO versions VALUES (1)");
    exec("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b INTEGER, c, u TEXT, n TEXT NOT NULL DEFAULT 'x')");
  }
  void TearDown() override {
    sqlite3_close(db_);
    std::filesystem::remove_all(dir_);
  }

  void exec(const std::string& sql) {
    char* err = nullptr;
    int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
    ASSERT_EQ(rc, SQLITE_OK) << (err ? err : "") << " in " << sql;
  }
  std::string text(const std::string& sql) {
    sqlite3_stmt* st = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr), SQLITE_OK) << sqlite3_errmsg(db_);
    std::string out;
    bool first = true;
    while (sqlite3_step(st) == SQLITE_ROW) {
      if (!first) out += "\n";
      first = false;
      const unsigned char* v = sqlite3_column_text(st, 0);
      out += v ? reinterpret_cast<const char*>(v) : "NULL";
    }
    sqlite3_finalize(st);
    return out;
  }

  // Rows of every storage class, with repeated values, NULLs, text sharing long prefixes and
  // numbers mixing integers and reals (a free column `c`); `u` is unique text or NULL.
  void fill(int rows, unsigned seed = 7) {
    std::mt19937 rng(seed);
    exec("BEGIN");
    sqlite3_stmt* st = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db_, "INSERT INTO t (a, b, c, u) VALUES (?, ?, ?, ?)", -1, &st, nullptr), SQLITE_OK);
    const std::vector<std::string> words = {
        "Lyon", "lyon", "Lyon ",  "Lyonnais",      "Lyonnais-du-Sud", "Paris",
        "",     "Évry", "Zürich", "prefixprefixA", "prefixprefixB",   "prefixprefix"};
    for (int i = 0; i < rows; ++i) {
      int r = static_cast<int>(rng() % 100);
      if (r < 10)
        sqlite3_bind_null(st, 1);
      else
        sqlite3_bind_text(st, 1, words[rng() % words.size()].c_str(), -1, SQLITE_TRANSIENT);
      if (r % 7 == 0)
        sqlite3_bind_null(st, 2);
      else
        sqlite3_bind_int64(st, 2, static_cast<long long>(rng() % 50) - 25);
      switch (rng() % 5) {
        case 0:
          sqlite3_bind_null(st, 3);
          break;
        case 1:
          sqlite3_bind_int64(st, 3, static_cast<long long>(rng() % 20));
          break;
        case 2:
          sqlite3_bind_double(st, 3, static_cast<double>(rng() % 40) / 2.0);
          break;
        case 3:
          sqlite3_bind_text(st, 3, words[rng() % words.size()].c_str(), -1, SQLITE_TRANSIENT);
          break;
        default: {
          unsigned char blob[3] = {static_cast<unsigned char>(rng() % 4), 0, static_cast<unsigned char>(rng() % 2)};
          sqlite3_bind_blob(st, 3, blob, 1 + static_cast<int>(rng() % 3), SQLITE_TRANSIENT);
        }
      }
      if (i % 3 == 0)
        sqlite3_bind_null(st, 4);
      else
        sqlite3_bind_text(st, 4, ("u" + std::to_string(i * 7919 % 100003)).c_str(), -1, SQLITE_TRANSIENT);
      ASSERT_EQ(sqlite3_step(st), SQLITE_DONE);
      sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    exec("COMMIT");
  }

  // Builds the indexes of `sqls` (dropped first when they exist) with PresortedIndexes, each in
  // its own transaction: the reasons of those it did not build, "" for those it built.
  // With bump_after_first, the version changes after the first is built (the keys are read by then).
  std::vector<std::string> build(const std::vector<std::string>& sqls, bool bump_after_first = false) {
    std::vector<IndexStatement> ixs;
    for (const auto& s : sqls) {
      auto ix = parse_index_statement(s);
      EXPECT_TRUE(ix) << s;
      ixs.push_back(*ix);
      exec("DROP INDEX IF EXISTS \"" + ix->name + "\"");
    }
    PresortedIndexes p(path_, "t", ixs, "SELECT v FROM versions");
    std::vector<std::string> out;
    for (size_t i = 0; i < ixs.size(); ++i) {
      exec("BEGIN IMMEDIATE");
      long long version = std::stoll(text("SELECT v FROM versions"));
      auto why = p.build(db_, i, version);
      exec("COMMIT");
      PresortedIndexes::forget_pages(db_);
      out.push_back(why.value_or(""));
      if (!why) how_.push_back(p.written_as_pages(i) ? "pages" : "imposter: " + p.why_not_pages(i));
      if (bump_after_first && i == 0) exec("UPDATE versions SET v = v + 1");
    }
    return out;
  }

  // Builds `sql`, an index of `table` (one the fixture did not make): why not, if not built.
  std::optional<std::string> build_one(const std::string& table, const std::string& sql) {
    auto ix = parse_index_statement(sql);
    EXPECT_TRUE(ix) << sql;
    if (!ix) return "not parsed";
    PresortedIndexes p(path_, table, {*ix}, "SELECT v FROM versions");
    exec("BEGIN IMMEDIATE");
    auto why = p.build(db_, 0, 1);
    exec("COMMIT");
    PresortedIndexes::forget_pages(db_);
    if (!why) how_.push_back(p.written_as_pages(0) ? "pages" : "imposter: " + p.why_not_pages(0));
    return why;
  }

  // What a query finds through index `name` and through the table alone, for `where`.
  void expect_same_through_index(const std::string& name, const std::string& cols, const std::string& where) {
    std::string through = text("SELECT group_concat(id) FROM (SELECT id FROM t INDEXED BY " + name + " WHERE " + where +
                               " ORDER BY " + cols + ", id)");
    std::string plain = text("SELECT group_concat(id) FROM (SELECT id FROM t NOT INDEXED WHERE " + where +
                             " ORDER BY " + cols + ", id)");
    EXPECT_EQ(through, plain) << name << " " << where;
  }

  std::vector<std::string> how_;  // per index built: "pages", or "imposter: " and why
  std::filesystem::path dir_;
  std::string path_;
  sqlite3* db_ = nullptr;
};

TEST_F(Presorted, BuildsIndexesSQLiteFindsRightAndChecksClean) {
  ASSERT_TRUE(PresortedIndexes::usable(db_));
  fill(20000);
  const std::vector<std::string> sqls = {
      "CREATE UNIQUE INDEX t_u ON t (u) WHERE u IS NOT NULL",
      "CREATE INDEX t_a ON t (a, b)",
      "CREATE INDEX t_c ON t (c)",
      "CREATE INDEX t_b ON t (b, a) WHERE b > 0",
      "CREATE INDEX t_n ON t (n, c)",
  };
  auto why = build(sqls);
  for (size_t i = 0; i < sqls.size(); ++i) EXPECT_EQ(why[i], "") << sqls[i];
  // Written as pages, but those with reals in their keys (then an integer and a real of equal
  // value are in rowid order: not the order of their codes).
  EXPECT_EQ(how_, (std::vector<std::string>{"pages", "pages", "imposter: real numbers in the key", "pages",
                                            "imposter: real numbers in the key"}));
  EXPECT_EQ(text("PRAGMA integrity_check"), "ok");
  for (const auto& s : sqls) {
    auto ix = parse_index_statement(s);
    EXPECT_EQ(
        text("SELECT sql FROM sqlite_schema WHERE type = 'index' AND name = '" + ix->name + "' AND tbl_name = 't'"), s);
  }
  EXPECT_EQ(text("SELECT count(*) FROM sqlite_schema WHERE name LIKE 'mimicom%'"), "0");
  EXPECT_EQ(text("SELECT count(*) FROM t INDEXED BY t_b WHERE b > 0"), text("SELECT count(*) FROM t WHERE b > 0"));
  for (const char* v : {"'Lyon'", "'Lyon '", "'prefixprefix'", "''", "'Zürich'"})
    expect_same_through_index("t_a", "a, b", std::string("a = ") + v);
  expect_same_through_index("t_a", "a, b", "a > 'Lyon' AND a < 'Paris'");
  expect_same_through_index("t_a", "a, b", "a IS NULL");
  for (const char* w : {"c = 3", "c = 3.5", "c > 2 AND c < 9", "c = 'Paris'", "c = x'01'", "c IS NULL", "c > x'00'"})
    expect_same_through_index("t_c", "c", w);
  expect_same_through_index("t_b", "b, a", "b > 0 AND b = 7");
  // The unique rule holds after the build, and an update keeps every index right.
  std::string taken = text("SELECT u FROM t WHERE u IS NOT NULL LIMIT 1");
  EXPECT_NE(sqlite3_exec(db_, ("INSERT INTO t (u) VALUES ('" + taken + "')").c_str(), nullptr, nullptr, nullptr),
            SQLITE_OK);
  exec("UPDATE t SET a = 'Lyon', c = 2.5, b = 3 WHERE id % 11 = 0");
  exec("DELETE FROM t WHERE id % 13 = 0");
  EXPECT_EQ(text("PRAGMA integrity_check"), "ok");
  expect_same_through_index("t_a", "a, b", "a = 'Lyon'");
}

// The connection that wrote an index as pages goes on writing through it: SQLite's b-tree layer
// must not keep what it knew of the root page, an empty leaf (one leaf here, three levels below).
TEST_F(Presorted, TheConnectionThatWroteThePagesWritesThroughTheIndexAfter) {
  fill(100);
  EXPECT_EQ(build({"CREATE INDEX t_a ON t (a, b)", "CREATE UNIQUE INDEX t_u ON t (u)"}),
            (std::vector<std::string>{"", ""}));
  EXPECT_EQ(how_, (std::vector<std::string>{"pages", "pages"}));
  exec("INSERT INTO t (a, b, u) VALUES ('Lyon', 3, 'new'), ('A', 1, 'new2')");
  exec("UPDATE t SET a = 'Paris' WHERE id % 3 = 0");
  exec("DELETE FROM t WHERE id % 5 = 0");
  EXPECT_EQ(text("PRAGMA integrity_check"), "ok");
  expect_same_through_index("t_a", "a, b", "a = 'Paris'");
  expect_same_through_index("t_a", "a, b", "a = 'Lyon'");
  EXPECT_EQ(text("SELECT count(*) FROM t INDEXED BY t_u WHERE u = 'new'"), "1");
}

// Small pages make deep trees of few keys. Partial indexes of the first k rows for every k up to
// 150, then for every 11th up to 2000 (each tree's last leaf and last interior pages fall at
// every place), then a tree of 4 levels; keys of every length a page holds (up to its local payload),
// some with rowids of 8 bytes.
TEST_F(Presorted, TreesOfEveryShapeWrittenAsPagesCheckClean) {
  sqlite3_close(db_);
  std::filesystem::remove_all(dir_);
  std::filesystem::create_directories(dir_);
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db_), SQLITE_OK);
  exec("PRAGMA page_size = 512");
  exec("PRAGMA journal_mode = WAL");
  exec("CREATE TABLE versions (v INTEGER)");
  exec("INSERT INTO versions VALUES (1)");
  exec("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b INTEGER, c, u TEXT, n TEXT NOT NULL DEFAULT 'x')");
  // Texts of 1 to 80 bytes (a record's local limit on these pages is 94 bytes); row k's rowid
  // is k, but every 50th is over 2^62.
  exec("WITH RECURSIVE r(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM r WHERE k < 2000) "
       "INSERT INTO t (id, a, b, c) SELECT CASE WHEN k % 50 = 7 THEN (1 << 62) + k ELSE k END, "
       "printf('%.*c', 1 + (k * 2654435761) % 80, char(97 + k % 3)) || char(97 + (k * 40503) % 26), "
       "(k * 69069) % 1000 - 500, k FROM r");
  std::vector<int> counts;
  for (int k = 1; k <= 150; ++k) counts.push_back(k);
  for (int k = 161; k <= 2000; k += 11) counts.push_back(k);
  for (int k : counts) {
    SCOPED_TRACE(k);
    how_.clear();
    ASSERT_EQ(build({"CREATE INDEX t_a ON t (a, b) WHERE c <= " + std::to_string(k)}), std::vector<std::string>{""});
    ASSERT_EQ(how_, std::vector<std::string>{"pages"});
    ASSERT_EQ(text("PRAGMA integrity_check"), "ok");
    ASSERT_EQ(text("SELECT count(*) FROM t INDEXED BY t_a WHERE c <= " + std::to_string(k) + " AND a > ''"),
              std::to_string(k));
  }
  how_.clear();
  EXPECT_EQ(build({"CREATE INDEX t_a ON t (a, b)", "CREATE INDEX t_b ON t (b)"}), (std::vector<std::string>{"", ""}));
  EXPECT_EQ(how_, (std::vector<std::string>{"pages", "pages"}));
  EXPECT_EQ(text("PRAGMA integrity_check"), "ok");
  EXPECT_EQ(text("SELECT count(*) FROM t INDEXED BY t_a WHERE a > ''"), "2000");
  // Its depth, as SQLite's own analysis of the pages sees it.
  EXPECT_EQ(text("SELECT max(length(path) - length(replace(path, '/', ''))) FROM dbstat WHERE name = 't_a'"), "4");
  expect_same_through_index("t_a", "a, b", "a > 'b' AND a < 'c'");
  expect_same_through_index("t_b", "b", "b BETWEEN -10 AND 10");
}

// Each integer in the fewest bytes that hold it, text, blobs and NULLs, as SQLite reads them back.
TEST_F(Presorted, ValuesOfEveryKindAndSizeAreWrittenAsSQLiteReadsThem) {
  exec("INSERT INTO t (b, c) VALUES (0, NULL), (1, x''), (-1, x'00ff'), (127, ''), (128, 'é'), (-128, 1), (-129, -1), "
       "(32767, 0), (32768, 32768), (-32769, 'z'), (8388607, x'01'), (8388608, 8388608), (2147483647, -2147483649), "
       "(2147483648, 140737488355328), (140737488355327, -140737488355329), (9223372036854775807, 2), "
       "(-9223372036854775808, -9223372036854775808), (NULL, 9223372036854775807)");
  exec("INSERT INTO t (b, c) SELECT b, c FROM t");  // each value twice: equal keys in rowid order
  EXPECT_EQ(build({"CREATE INDEX t_b ON t (b)", "CREATE INDEX t_bc ON t (b, c)", "CREATE INDEX t_cb ON t (c, b)"}),
            (std::vector<std::string>{"", "", ""}));
  EXPECT_EQ(how_, (std::vector<std::string>{"pages", "pages", "pages"}));
  EXPECT_EQ(text("PRAGMA integrity_check"), "ok");
  for (const char* w : {"b = 0", "b = 1", "b = -1", "b = 128", "b = -129", "b = 32768", "b = 8388608",
                        "b = 2147483648", "b = 140737488355327", "b = 9223372036854775807",
                        "b = -9223372036854775808", "b IS NULL", "b > 100 AND b < 10000000"})
    expect_same_through_index("t_b", "b", w);
  for (const char* w : {"c = x''", "c = x'00ff'", "c = ''", "c = 'é'", "c = -2147483649", "c IS NULL", "c > 1"})
    expect_same_through_index("t_cb", "c, b", w);
}

// A key longer than a page's local payload (1002 bytes on these 4 KiB pages) would need overflow
// pages: that index goes through the imposter, and is right.
TEST_F(Presorted, AKeyLongerThanAPageHoldsIsInsertedThroughTheImposter) {
  fill(300);
  exec("UPDATE t SET a = printf('%.*c', 5000, 'x') || id WHERE id % 100 = 0");
  EXPECT_EQ(build({"CREATE INDEX t_a ON t (a)", "CREATE INDEX t_b ON t (b)"}), (std::vector<std::string>{"", ""}));
  EXPECT_EQ(how_, (std::vector<std::string>{"imposter: a key longer than a page holds", "pages"}));
  EXPECT_EQ(text("PRAGMA integrity_check"), "ok");
  expect_same_through_index("t_a", "a", "a > 'x'");
}

TEST_F(Presorted, ADuplicateInAUniqueKeyIsLeftToCreateIndexAndNothingChanges) {
  fill(2000);
  exec("UPDATE t SET u = 'twice' WHERE id IN (5, 1500)");
  auto why = build({"CREATE UNIQUE INDEX t_u ON t (u)", "CREATE INDEX t_a ON t (a)"});
  EXPECT_NE(why[0], "");
  EXPECT_EQ(why[1], "") << "the other index is built";
  EXPECT_EQ(text("SELECT count(*) FROM sqlite_schema WHERE name = 't_u' OR name LIKE 'mimicom%'"), "0");
  EXPECT_EQ(text("PRAGMA integrity_check"), "ok");
  EXPECT_NE(sqlite3_exec(db_, "CREATE UNIQUE INDEX t_u ON t (u)", nullptr, nullptr, nullptr), SQLITE_OK);
}

// Past a few thousand values nearly all distinct, a column is read without looking values up:
// a value met twice is still found, whether the first was read before that or after.
TEST_F(Presorted, ADuplicateInAUniqueKeyReadWithoutLookUpsIsFound) {
  fill(20000);
  for (const char* ids : {"(5, 15000)", "(12000, 18000)"}) {
    SCOPED_TRACE(ids);
    exec("UPDATE t SET u = 'v' || id WHERE u = 'twice'");
    exec(std::string("UPDATE t SET u = 'twice' WHERE id IN ") + ids);
    auto why = build({"CREATE UNIQUE INDEX t_u ON t (u)"});
    EXPECT_NE(why[0], "");
    EXPECT_EQ(text("SELECT count(*) FROM sqlite_schema WHERE name = 't_u' OR name LIKE 'mimicom%'"), "0");
  }
  exec("UPDATE t SET u = 'v' || id WHERE u = 'twice'");
  EXPECT_EQ(build({"CREATE UNIQUE INDEX t_u ON t (u)"})[0], "");
  EXPECT_EQ(text("PRAGMA integrity_check"), "ok");
}

TEST_F(Presorted, NullsMayRepeatInAUniqueKey) {
  fill(3000);  // a third of u is NULL
  auto why = build({"CREATE UNIQUE INDEX t_u ON t (u)"});
  EXPECT_EQ(why[0], "");
  EXPECT_EQ(text("PRAGMA integrity_check"), "ok");
  EXPECT_EQ(text("SELECT count(*) FROM t INDEXED BY t_u WHERE u IS NULL"), "1000");
}

TEST_F(Presorted, RealNumbersInAUniqueKeyAreLeftToCreateIndex) {
  exec("INSERT INTO t (c) VALUES (1), (1.0), (2.5)");
  auto why = build({"CREATE UNIQUE INDEX t_c ON t (c)"});
  EXPECT_NE(why[0], "");
  EXPECT_EQ(text("SELECT count(*) FROM sqlite_schema WHERE name = 't_c'"), "0");
}

// Both indexes on the first index's column: their keys are read by the same thread, before the
// first is built (an index of another column is read by the other thread, which may start after
// the change, and then rightly builds it).
TEST_F(Presorted, RowsChangedSinceTheReadAreLeftToCreateIndex) {
  fill(500);
  auto why = build({"CREATE INDEX t_b ON t (b)", "CREATE INDEX t_b2 ON t (b) WHERE b > 0"}, true);
  EXPECT_EQ(why[0], "");
  EXPECT_NE(why[1], "");
  EXPECT_EQ(text("SELECT count(*) FROM sqlite_schema WHERE name = 't_b2' OR name LIKE 'mimicom%'"), "0");
  EXPECT_EQ(text("PRAGMA integrity_check"), "ok");
}

TEST_F(Presorted, AnIndexOfAnotherCollationIsLeftToCreateIndex) {
  exec("CREATE TABLE nc (id INTEGER PRIMARY KEY, a TEXT COLLATE NOCASE)");
  exec("INSERT INTO nc (a) VALUES ('b'), ('A'), ('a')");
  auto why = build_one("nc", "CREATE INDEX nc_a ON nc (a)");
  EXPECT_TRUE(why);
  EXPECT_EQ(text("SELECT count(*) FROM sqlite_schema WHERE name = 'nc_a' OR name LIKE 'mimicom%'"), "0");
}

TEST_F(Presorted, AColumnOfRealAffinityIsLeftToCreateIndex) {
  exec("CREATE TABLE r (id INTEGER PRIMARY KEY, x REAL)");
  exec("INSERT INTO r (x) VALUES (1), (2.5), (NULL)");
  auto why = build_one("r", "CREATE INDEX r_x ON r (x)");
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("REAL"), std::string::npos) << *why;
  EXPECT_EQ(text("SELECT count(*) FROM sqlite_schema WHERE name = 'r_x' OR name LIKE 'mimicom%'"), "0");
}

TEST_F(Presorted, AnEmptyTableGetsItsEmptyIndex) {
  auto why = build({"CREATE INDEX t_a ON t (a, b)"});
  EXPECT_EQ(why[0], "");
  EXPECT_EQ(text("PRAGMA integrity_check"), "ok");
  exec("INSERT INTO t (a, b) VALUES ('x', 1)");
  EXPECT_EQ(text("SELECT count(*) FROM t INDEXED BY t_a WHERE a = 'x'"), "1");
}

}  // namespace
}  // namespace mimicom
