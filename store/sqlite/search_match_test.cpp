// mimicom_search_match against FTS5 itself: the same rows, the same queries, the same answer.
#include "store/sqlite/search_match.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <random>
#include <set>
#include <string>
#include <vector>

#include "core/prospects.hpp"

namespace mimicom {
namespace {

class SearchMatch : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(sqlite3_open(":memory:", &db_), SQLITE_OK);
    register_search_match(db_);
    exec("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b TEXT);"
         "CREATE VIRTUAL TABLE f USING fts5 (a, b, content = 't', content_rowid = 'id',"
         " tokenize = 'unicode61 remove_diacritics 2');");
  }
  void TearDown() override { sqlite3_close(db_); }

  void exec(const std::string& sql) { ASSERT_EQ(sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db_); }

  void add(const std::string& a, const std::string& b) {
    sqlite3_stmt* st;
    sqlite3_prepare_v2(db_, "INSERT INTO t (a, b) VALUES (?1, nullif(?2, '~'))", -1, &st, nullptr);
    sqlite3_bind_text(st, 1, a.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, b.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_step(st);
    sqlite3_finalize(st);
  }

  std::set<long long> ids(const char* sql, const std::string& match) {
    sqlite3_stmt* st;
    EXPECT_EQ(sqlite3_prepare_v2(db_, sql, -1, &st, nullptr), SQLITE_OK) << sqlite3_errmsg(db_);
    sqlite3_bind_text(st, 1, match.c_str(), -1, SQLITE_TRANSIENT);
    std::set<long long> out;
    while (sqlite3_step(st) == SQLITE_ROW) out.insert(sqlite3_column_int64(st, 0));
    sqlite3_finalize(st);
    return out;
  }

  // Both ways of answering `q` (as the prospects list turns a search into a query).
  void expect_same(const std::string& q) {
    std::string m = fts_query(q);
    if (m.empty()) return;
    auto indexed = ids("SELECT rowid FROM f WHERE f MATCH ?1", m);
    auto scanned = ids("SELECT id FROM t WHERE mimicom_search_match(?1, a, b)", m);
    EXPECT_EQ(indexed, scanned) << q << " → " << m;
  }

  sqlite3* db_ = nullptr;
};

TEST_F(SearchMatch, AccentsCasePrefixesAndPunctuationAsTheIndex) {
  add("Élodie Martin-Dupont", "l’équipe ŒUVRE");
  add("elodie", "DUPONT & fils");
  add("Jean.Dupont@acme.fr", "~");
  add("Ça va", "Straße 12b");
  add("Zoë O'Neil", "n°42 Ärger");
  exec("INSERT INTO f (f) VALUES ('rebuild')");
  for (const char* q : {"elo", "Élodie", "ELODIE martin", "dupont", "dup acme", "jean.dupont@acme", "l’équipe", "equipe",
                        "oeuvre", "œuvre", "ca", "ça va", "strasse", "straße", "12", "12b", "zoe", "o'neil", "neil o",
                        "n°42", "arger", "’", "martin ’", "tin", "dupont fils", "Martin-Dupont", "x"})
    expect_same(q);
}

// Random rows and queries over a small alphabet of words, accents and separators.
TEST_F(SearchMatch, RandomRowsAndQueriesAgreeWithTheIndex) {
  const std::vector<std::string> words = {"Élo", "élodie", "ELODIE", "Martin", "martinez", "dupont", "Dupond", "œuvre",
                                          "oeuvre", "ça", "Ça", "Straße", "strasse", "n°4", "42", "l’", "d'", "x", "xy"};
  const std::vector<std::string> seps = {" ", "-", ".", "@", "’", ", ", "  ", "_"};
  std::mt19937 rng(7);
  auto pick = [&](const std::vector<std::string>& v) { return v[rng() % v.size()]; };
  auto text = [&](int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s += (i ? pick(seps) : "") + pick(words);
    return s;
  };
  for (int i = 0; i < 300; ++i) add(text(1 + rng() % 4), rng() % 5 ? text(1 + rng() % 3) : "~");
  exec("INSERT INTO f (f) VALUES ('rebuild')");
  for (int i = 0; i < 300; ++i) {
    std::string q = text(1 + rng() % 3);
    // Prefixes: cut the query's last word at random.
    if (rng() % 2 && q.size() > 2) q.resize(q.size() - rng() % 2);
    expect_same(q);
  }
}

}  // namespace
}  // namespace mimicom
