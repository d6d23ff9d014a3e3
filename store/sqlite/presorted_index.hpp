#pragma once
// PresortedIndexes: builds a bulk load's deferred indexes from keys read once and sorted in
// memory, written straight into each index's b-tree, instead of one CREATE INDEX each (each of
// which reads the whole table again and sorts its keys on the writer's thread).
//
// How: two threads of their own read, each on a read-only connection in one snapshot, the key
// columns of the indexes (one the first index's, the other the rest) with the rows' rowids and
// the store's data version, and sort each index's keys while the writer writes the previous
// one (at most two ahead, and each column freed after its last index: memory stays bounded;
// a 1M-row import's peak RSS was 218-243 MB, against 213-214 MB with CREATE INDEX). The
// writer, in its transaction, makes the index empty with its original definition (the
// procedure of SQLite's "ALTER TABLE" page: an index made on a copy of the table is renamed in
// sqlite_schema, which is written with writable_schema on and the schema version bumped), then
// writes its b-tree's pages itself (index_pages.hpp) through the sqlite_dbpage table, inside
// the transaction, after the file's last page. When it cannot (reals in the key: an integer and
// a real of equal value are then in rowid order, not in the order of our codes; a key longer
// than a page holds; another page format), it inserts the sorted keys into the index's b-tree
// through an imposter table (sqlite3_test_control(SQLITE_TESTCTRL_IMPOSTER), the mechanism of
// the sqlite3 shell's .imposter) fed by a virtual table over the sorted arrays.
//
// What it relies on, and checks:
// - Written as pages, the keys are in SQLite's order: ours is SQLite's for integers, text and
//   blobs (BINARY collation: memcmp, then length; NULL first; then by rowid). Through the
//   imposter, SQLite places every key where its own comparison says: our order only makes it
//   fast.
// - A unique index gets no key twice: equal keys (no NULL in them) are found in our sorted
//   order, whose comparison is SQLite's for the types it accepts in a unique key (integers,
//   text, blobs; a real number in a unique key's column sends that index to CREATE INDEX).
// - The data is the one read: the caller gives the version its transaction sees, and an
//   index whose version differs is not built here.
// - The index has plain columns of BINARY collation, ascending (checked on the index made on
//   the copy of the table); anything else is not built here.
// When build() answers with a reason, it changed nothing: the caller runs CREATE INDEX.
//
// Threads: build() is called by one thread, the one that owns the connection it is given.
#include <sqlite3.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mimicom {

// A CREATE INDEX statement as sqlite_schema keeps it, when it is of the shape built here:
// CREATE [UNIQUE] INDEX name ON table (column [ASC][, column [ASC]]) [WHERE condition]: one or
// two columns (each key is two 32-bit codes).
struct IndexStatement {
  std::string sql;  // the statement itself
  std::string name;
  std::string table;
  bool unique = false;
  std::vector<std::string> columns;
  std::string where;  // the condition of a partial index; empty: none
};
std::optional<IndexStatement> parse_index_statement(std::string_view sql);

class PresortedIndexes {
 public:
  // Starts reading `table` of the base at `path` for `indexes` (all on that table), and
  // `version_sql` (one integer) in the same snapshot.
  PresortedIndexes(std::string path, std::string table, std::vector<IndexStatement> indexes, std::string version_sql);
  ~PresortedIndexes();
  PresortedIndexes(const PresortedIndexes&) = delete;
  PresortedIndexes& operator=(const PresortedIndexes&) = delete;

  // Builds indexes[i] into `db`, which is in a write transaction and has no index of that name,
  // if `version` is the one read. nullopt: built; otherwise why not (and nothing changed).
  std::optional<std::string> build(sqlite3* db, size_t i, long long version);

  // After build() wrote an index as pages, once its transaction has ended (committed or rolled
  // back) and before `db` reads again: drops the connection's cached pages, among which the
  // index's root as SQLite's b-tree layer knew it (an empty leaf: it does not read a page it
  // holds in its cache again).
  static void forget_pages(sqlite3* db);

  // How indexes[i] was built, once build() built it: as pages, or through an imposter table
  // (then why_not_pages(i) says why).
  bool written_as_pages(size_t i) const;
  const std::string& why_not_pages(size_t i) const;

  // Whether `db` lets build() work (not defensive: its schema can be written): checked by the
  // caller, to skip the read when it would be for nothing (build() would fail and change nothing).
  static bool usable(sqlite3* db);

 private:
  struct State;
  std::unique_ptr<State> s_;
};

}  // namespace mimicom
