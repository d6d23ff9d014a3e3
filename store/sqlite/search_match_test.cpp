// mimicom_search_match against FTS5 itself, with prospects_fts's options (no positions): the
// same rows, the same queries, the same answer; and the terms mimicom_search_terms makes.
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
         " tokenize = 'unicode61 remove_diacritics 2', columnsize = 0, detail = none);");
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
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) out.insert(sqlite3_column_int64(st, 0));
    EXPECT_EQ(rc, SQLITE_DONE) << sqlite3_errmsg(db_) << " (" << match << ")";
    sqlite3_finalize(st);
    return out;
  }

  std::string terms(const std::string& q) {
    sqlite3_stmt* st;
    sqlite3_prepare_v2(db_, "SELECT mimicom_search_terms(?1)", -1, &st, nullptr);
    sqlite3_bind_text(st, 1, fts_query(q).c_str(), -1, SQLITE_TRANSIENT);
    std::string out = sqlite3_step(st) == SQLITE_ROW ? reinterpret_cast<const char*>(sqlite3_column_text(st, 0)) : "(error)";
    sqlite3_finalize(st);
    return out;
  }

  // Both ways of answering `q` (as the prospects list turns a search into a query).
  void expect_same(const std::string& q) {
    std::string m = fts_query(q);
    if (m.empty()) return;
    auto indexed = ids("SELECT rowid FROM f WHERE f MATCH mimicom_search_terms(?1)", m);
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

// An index without positions cannot match a phrase (FTS5 refuses the query): a word the
// tokenizer cuts in two becomes its tokens, each but the last exact.
TEST_F(SearchMatch, WordsTheTokenizerCutsBecomeSeparateTerms) {
  EXPECT_EQ(terms("Dup"), "\"dup\"*");
  EXPECT_EQ(terms("Élodie martin"), "\"elodie\"* \"martin\"*");
  EXPECT_EQ(terms("l’Équipe"), "\"l\" \"equipe\"*");
  EXPECT_EQ(terms("n°42 x"), "\"n\" \"42\"* \"x\"*");
  EXPECT_EQ(terms("’"), "\"\"");
  EXPECT_EQ(terms("’ martin"), "\"martin\"*");
  add("La belle équipe", "l’Équipe");
  add("l", "équipement");
  add("Le N°42", "~");
  exec("INSERT INTO f (f) VALUES ('rebuild')");
  EXPECT_EQ(ids("SELECT rowid FROM f WHERE f MATCH mimicom_search_terms(?1)", fts_query("l’équipe")), (std::set<long long>{1, 2}));
  EXPECT_EQ(ids("SELECT rowid FROM f WHERE f MATCH mimicom_search_terms(?1)", fts_query("n°4")), (std::set<long long>{3}));
  EXPECT_TRUE(ids("SELECT rowid FROM f WHERE f MATCH mimicom_search_terms(?1)", fts_query("’")).empty());
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
