#include "store/sqlite/sqlite_store.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <thread>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>
#include <mutex>
#include <unordered_map>
#include <variant>

#include "core/clock.hpp"
#include "core/embedded.hpp"
#include "core/imports.hpp"
#include "core/thread_name.hpp"
#include "store/sqlite/custom_fields_json.hpp"
#include "store/sqlite/presorted_index.hpp"
#include "store/sqlite/prospect_keys.hpp"
#include "store/sqlite/search_match.hpp"
#include "store/sqlite/sql_file.hpp"
#include "store/sqlite/wal_checkpointer.hpp"

namespace mimicom {
namespace {

using Bind = std::variant<std::monostate, long long, double, std::string>;

// One connection with its prepared statements: the named queries, prepared at open, and
// the statements built from filters, prepared on first use and kept (bounded).
class Connection {
 public:
  Connection(const std::string& path, int cache_kib)
      : db_(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_NOMUTEX, 5000) {
    // 16 KiB pages for a new base (a base made before keeps its 4 KiB ones: SQLite changes the
    // page size only of an empty file, or in a VACUUM). Fewer, fuller pages make a big import
    // faster, its load and its index builds both: 1M rows, ten A/B rounds, on average 14.1 s
    // end to end against 15.5 s. They cost a re-import of the same file some of that: 7.8 s
    // against 7.4 s on average: it copies more bytes (strace -c, one re-import on each: 400,715
    // preads of 16 KiB against 728,189 of 4 KiB, 89,487 pwrites against 138,605).
    // 8 KiB pages gained less on the import and cost the same. The prospects list answers as
    // fast (3,541-3,946 requests/s against 3,388-3,628).
    db_.exec("PRAGMA page_size = " + std::to_string(kPageSize));
    db_.exec("PRAGMA journal_mode = WAL");
    db_.exec("PRAGMA synchronous = NORMAL");
    db_.exec("PRAGMA foreign_keys = ON");
    db_.exec("PRAGMA temp_store = MEMORY");
    db_.exec("PRAGMA cache_size = -" + std::to_string(cache_kib));
    register_search_match(db_.getHandle());
  }

  static constexpr int kPageSize = 16 * 1024;

  SQLite::Database& db() { return db_; }

  void prepare_named(const std::map<std::string, std::string>& queries) {
    for (const auto& [name, sql] : queries) {
      try {
        named_.emplace(name, std::make_unique<SQLite::Statement>(db_, sql));
      } catch (const SQLite::Exception& e) {
        throw std::runtime_error("query '" + name + "' does not prepare: " + e.what());
      }
    }
  }

  // A named query, reset and with its bindings cleared.
  SQLite::Statement& q(const std::string& name) {
    auto it = named_.find(name);
    if (it == named_.end()) throw std::logic_error("no query named " + name);
    it->second->tryReset();  // reset() would rethrow the previous run's error
    it->second->clearBindings();
    return *it->second;
  }

  // A raw statement in use, reset when it goes (its read snapshot ends with it, error or not).
  class RawStatement {
   public:
    explicit RawStatement(sqlite3_stmt* st) : st_(st) {}
    ~RawStatement() { sqlite3_reset(st_); }
    RawStatement(const RawStatement&) = delete;
    RawStatement& operator=(const RawStatement&) = delete;
    operator sqlite3_stmt*() const { return st_; }

   private:
    sqlite3_stmt* st_;
  };

  // A named query as SQLite's own statement, reset and with its bindings cleared: for the
  // import's look-ups, which read a whole prospect for each row of a file imported again
  // (SQLiteCpp's Column takes and drops a shared pointer for every value read).
  RawStatement raw(const std::string& name) {
    auto it = raw_.find(name);
    if (it == raw_.end()) {
      const std::string& sql = q(name).getQuery();
      sqlite3_stmt* st = nullptr;
      int rc = sqlite3_prepare_v3(db_.getHandle(), sql.c_str(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                                  &st, nullptr);
      if (rc != SQLITE_OK) throw SQLite::Exception(db_.getHandle(), rc);
      it = raw_.emplace(name, std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)>(st, sqlite3_finalize)).first;
    }
    sqlite3_stmt* st = it->second.get();
    sqlite3_clear_bindings(st);
    return RawStatement(st);
  }

  // Steps a raw statement: whether it gave a row; an error throws.
  bool step(sqlite3_stmt* st) {
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw SQLite::Exception(db_.getHandle(), rc);
  }

  // A statement for generated SQL, cached by its text.
  SQLite::Statement& dynamic(const std::string& sql) {
    auto it = dynamic_.find(sql);
    if (it == dynamic_.end()) {
      if (dynamic_.size() >= 256) dynamic_.clear();
      it = dynamic_.emplace(sql, std::make_unique<SQLite::Statement>(db_, sql)).first;
    }
    it->second->tryReset();  // reset() would rethrow the previous run's error
    it->second->clearBindings();
    return *it->second;
  }

 private:
  SQLite::Database db_;
  std::unordered_map<std::string, std::unique_ptr<SQLite::Statement>> named_;
  std::unordered_map<std::string, std::unique_ptr<SQLite::Statement>> dynamic_;
  // Declared last: finalized before the connection closes.
  std::unordered_map<std::string, std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)>> raw_;
};

class Pool {
 public:
  class Lease {
   public:
    Lease(Pool& p, std::unique_ptr<Connection> c) : pool_(p), conn_(std::move(c)) {}
    ~Lease() { pool_.give_back(std::move(conn_)); }
    Connection* operator->() { return conn_.get(); }
    Connection& operator*() { return *conn_; }

   private:
    Pool& pool_;
    std::unique_ptr<Connection> conn_;
  };

  void add(std::unique_ptr<Connection> c) { free_.push_back(std::move(c)); }

  // Waits for a free connection. The pool is sized to the server's worker threads so that
  // this rarely waits: a strict first-come-first-served handoff was tried and made convoys
  // (p99 × 20) on two cores.
  Lease take() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !free_.empty(); });
    auto c = std::move(free_.back());
    free_.pop_back();
    return Lease(*this, std::move(c));
  }

 private:
  void give_back(std::unique_ptr<Connection> c) {
    // A statement left mid-result keeps its read snapshot open: the connection would then
    // serve stale data to its next user and block WAL checkpoints. Reset them all.
    sqlite3* h = c->db().getHandle();
    for (sqlite3_stmt* st = sqlite3_next_stmt(h, nullptr); st; st = sqlite3_next_stmt(h, st))
      if (sqlite3_stmt_busy(st)) sqlite3_reset(st);
    {
      std::lock_guard lock(mu_);
      free_.push_back(std::move(c));
    }
    cv_.notify_one();
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Connection>> free_;
};

// BEGIN IMMEDIATE … COMMIT, rolled back when left without commit (exception or early return).
class WriteTx {
 public:
  explicit WriteTx(SQLite::Database& db) : db_(db) { db_.exec("BEGIN IMMEDIATE"); }
  ~WriteTx() {
    if (!done_) {
      try {
        db_.exec("ROLLBACK");
      } catch (...) {
      }
    }
  }
  void commit() {
    db_.exec("COMMIT");
    done_ = true;
  }

 private:
  SQLite::Database& db_;
  bool done_ = false;
};

class ReadTx {
 public:
  explicit ReadTx(SQLite::Database& db) : db_(db) { db_.exec("BEGIN"); }
  ~ReadTx() {
    try {
      db_.exec("COMMIT");
    } catch (...) {
    }
  }

 private:
  SQLite::Database& db_;
};

bool is_unique_violation(const SQLite::Exception& e) {
  return e.getExtendedErrorCode() == SQLITE_CONSTRAINT_UNIQUE ||
         e.getExtendedErrorCode() == SQLITE_CONSTRAINT_PRIMARYKEY;
}

// Runs `f`, turning SQLite exceptions into error values.
template <class F>
auto guarded(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const SQLite::Exception& e) {
    return fail(Error::Internal(std::string("database: ") + e.what()));
  }
}

// Text is bound without a copy: every caller steps the statement while the value lives, and
// statements are reset and cleared before their next use.
void bind_opt(SQLite::Statement& s, int i, const std::optional<std::string>& v) {
  if (v) s.bindNoCopy(i, *v);
  else s.bind(i);
}
void bind_opt(SQLite::Statement& s, int i, const std::optional<long long>& v) {
  if (v) s.bind(i, static_cast<int64_t>(*v));
  else s.bind(i);
}
void bind_opt(SQLite::Statement& s, int i, const std::optional<double>& v) {
  if (v) s.bind(i, *v);
  else s.bind(i);
}
void bind_value(SQLite::Statement& s, int i, const Bind& b) {
  if (auto* v = std::get_if<long long>(&b)) s.bind(i, static_cast<int64_t>(*v));
  else if (auto* d = std::get_if<double>(&b)) s.bind(i, *d);
  else if (auto* t = std::get_if<std::string>(&b)) s.bind(i, *t);
  else s.bind(i);
}

std::optional<std::string> col_text(SQLite::Statement& s, int i) {
  auto c = s.getColumn(i);
  if (c.isNull()) return std::nullopt;
  return c.getString();
}
std::optional<long long> col_int(SQLite::Statement& s, int i) {
  auto c = s.getColumn(i);
  if (c.isNull()) return std::nullopt;
  return c.getInt64();
}

// Binds ?1..?23 of prospect-insert / prospect-update; created/updated, when not 0, replace
// the prospect's own (bulk loads stamp rows without copying them).
void bind_prospect(SQLite::Statement& s, const Prospect& p, long long created = 0, long long updated = 0) {
  bind_opt(s, 1, p.first_name);
  bind_opt(s, 2, p.last_name);
  bind_opt(s, 3, p.email);
  bind_opt(s, 4, p.phone);
  bind_opt(s, 5, p.company);
  bind_opt(s, 6, p.job_title);
  bind_opt(s, 7, p.sector);
  bind_opt(s, 8, p.city);
  bind_opt(s, 9, p.postal_code);
  bind_opt(s, 10, p.region);
  s.bind(11, p.country);
  bind_opt(s, 12, p.company_size);
  bind_opt(s, 13, p.employees);
  bind_opt(s, 14, p.annual_revenue);
  bind_opt(s, 15, p.source);
  s.bind(16, p.status);
  bind_opt(s, 17, p.owner);
  bind_opt(s, 18, p.notes);
  s.bind(19, custom_fields_to_json(p.custom_fields));
  s.bind(20, p.opted_out ? 1 : 0);
  s.bind(21, static_cast<int64_t>(created ? created : p.created_at));
  s.bind(22, static_cast<int64_t>(updated ? updated : p.updated_at));
  bind_opt(s, 23, p.last_contact_at);
}

// Binds prospect-insert / prospect-insert-or-skip: the prospect (?1..?23) and `rev` (?24),
// the writing transaction's version (bump_version).
void bind_new_prospect(SQLite::Statement& s, const Prospect& p, long long rev, long long created, long long updated) {
  bind_prospect(s, p, created, updated);
  s.bind(24, static_cast<int64_t>(rev));
}

// Binds the column `name` of prospects (an import field or custom_fields) from `p` at `i`.
void bind_prospect_column(SQLite::Statement& s, int i, const Prospect& p, std::string_view name) {
  for (const auto& f : import_text_fields()) {
    if (f.name == name) {
      bind_opt(s, i, p.*f.member);
      return;
    }
  }
  if (name == "country") s.bind(i, p.country);
  else if (name == "status") s.bind(i, p.status);
  else if (name == "employees") bind_opt(s, i, p.employees);
  else if (name == "annual_revenue") bind_opt(s, i, p.annual_revenue);
  else if (name == "last_contact_at") bind_opt(s, i, p.last_contact_at);
  else if (name == "opted_out") s.bind(i, p.opted_out ? 1 : 0);
  else if (name == "custom_fields") s.bind(i, custom_fields_to_json(p.custom_fields));
  else throw std::logic_error("no prospect column " + std::string(name));
}

// The revision a writing transaction stamps on the prospects it changes (see migrations/003).
constexpr const char* kCurrentRev = "(SELECT version FROM data_versions WHERE name = 'prospects')";

constexpr const char* kJobColumns =
    "id, type, params, state, done, total, unit, checkpoint, attempt, max_attempts, worker, lease_until, "
    "heartbeat_at, cancel_requested, result, error, created_by, created_at, updated_at, started_at, finished_at";

constexpr const char* kProspectColumns =
    "id, first_name, last_name, email, phone, company, job_title, sector, city, postal_code, region, country, "
    "company_size, employees, annual_revenue, source, status, owner, notes, custom_fields, opted_out, "
    "created_at, updated_at, last_contact_at, "
    "(SELECT segment_id FROM prospect_segments WHERE prospect_id = prospects.id)";

// Reads a row selected with kProspectColumns (tags are read separately).
Prospect read_prospect(SQLite::Statement& s) {
  Prospect p;
  p.id = s.getColumn(0).getInt64();
  p.first_name = col_text(s, 1);
  p.last_name = col_text(s, 2);
  p.email = col_text(s, 3);
  p.phone = col_text(s, 4);
  p.company = col_text(s, 5);
  p.job_title = col_text(s, 6);
  p.sector = col_text(s, 7);
  p.city = col_text(s, 8);
  p.postal_code = col_text(s, 9);
  p.region = col_text(s, 10);
  p.country = s.getColumn(11).getString();
  p.company_size = col_text(s, 12);
  p.employees = col_int(s, 13);
  if (auto c = s.getColumn(14); !c.isNull()) p.annual_revenue = c.getDouble();
  p.source = col_text(s, 15);
  p.status = s.getColumn(16).getString();
  p.owner = col_text(s, 17);
  p.notes = col_text(s, 18);
  {
    auto c = s.getColumn(19);
    p.custom_fields = custom_fields_from_json(std::string_view(c.getText(), c.getBytes()));
  }
  p.opted_out = s.getColumn(20).getInt() != 0;
  p.created_at = s.getColumn(21).getInt64();
  p.updated_at = s.getColumn(22).getInt64();
  p.last_contact_at = col_int(s, 23);
  if (s.getColumnCount() > 24) p.segment_id = col_int(s, 24);  // the import's look-ups do not read it
  return p;
}

// Column i of a raw statement's row into `dst`, reusing its memory; NULL resets it.
void column_text_into(sqlite3_stmt* st, int i, std::optional<std::string>& dst) {
  const unsigned char* t = sqlite3_column_text(st, i);
  if (!t) {
    dst.reset();
    return;
  }
  size_t n = static_cast<size_t>(sqlite3_column_bytes(st, i));
  if (dst) dst->assign(reinterpret_cast<const char*>(t), n);
  else dst.emplace(reinterpret_cast<const char*>(t), n);
}

// Like read_prospect, into an existing prospect whose strings' memory is reused (streams, the
// import's look-ups); tags are cleared, for the caller to fill.
void read_prospect_into(sqlite3_stmt* st, Prospect& p) {
  auto text = [&](int i, std::optional<std::string>& dst) { column_text_into(st, i, dst); };
  auto integer = [&](int i) -> std::optional<long long> {
    if (sqlite3_column_type(st, i) == SQLITE_NULL) return std::nullopt;
    return sqlite3_column_int64(st, i);
  };
  p.id = sqlite3_column_int64(st, 0);
  text(1, p.first_name);
  text(2, p.last_name);
  text(3, p.email);
  text(4, p.phone);
  text(5, p.company);
  text(6, p.job_title);
  text(7, p.sector);
  text(8, p.city);
  text(9, p.postal_code);
  text(10, p.region);
  p.country.assign(reinterpret_cast<const char*>(sqlite3_column_text(st, 11)),
                   static_cast<size_t>(sqlite3_column_bytes(st, 11)));
  text(12, p.company_size);
  p.employees = integer(13);
  if (sqlite3_column_type(st, 14) == SQLITE_NULL) p.annual_revenue.reset();
  else p.annual_revenue = sqlite3_column_double(st, 14);
  text(15, p.source);
  p.status.assign(reinterpret_cast<const char*>(sqlite3_column_text(st, 16)),
                  static_cast<size_t>(sqlite3_column_bytes(st, 16)));
  text(17, p.owner);
  text(18, p.notes);
  {
    const char* t = reinterpret_cast<const char*>(sqlite3_column_text(st, 19));
    size_t n = static_cast<size_t>(sqlite3_column_bytes(st, 19));
    if (n <= 2) p.custom_fields.clear();  // "{}": the common case, without parsing
    else p.custom_fields = custom_fields_from_json(std::string_view(t, n));
  }
  p.opted_out = sqlite3_column_int(st, 20) != 0;
  p.created_at = sqlite3_column_int64(st, 21);
  p.updated_at = sqlite3_column_int64(st, 22);
  p.last_contact_at = integer(23);
  if (sqlite3_column_count(st) > 24) p.segment_id = integer(24);  // the import's look-ups do not read it
  p.tags.clear();  // read separately
}

// What segmentation encodes (core/segment_features.hpp): the other columns stay empty.
// The custom fields are JSON to parse: read only when a custom field is encoded ('{}' else).
constexpr const char* kFeatureColumns =
    "id, sector, region, company_size, source, status, annual_revenue, employees, job_title, '{}'";
constexpr const char* kFeatureColumnsCustom =
    "id, sector, region, company_size, source, status, annual_revenue, employees, job_title, custom_fields";

void read_features_into(sqlite3_stmt* st, Prospect& p) {
  auto text = [&](int i, std::optional<std::string>& dst) { column_text_into(st, i, dst); };
  p.id = sqlite3_column_int64(st, 0);
  text(1, p.sector);
  text(2, p.region);
  text(3, p.company_size);
  text(4, p.source);
  p.status.assign(reinterpret_cast<const char*>(sqlite3_column_text(st, 5)),
                  static_cast<size_t>(sqlite3_column_bytes(st, 5)));
  if (sqlite3_column_type(st, 6) == SQLITE_NULL) p.annual_revenue.reset();
  else p.annual_revenue = sqlite3_column_double(st, 6);
  if (sqlite3_column_type(st, 7) == SQLITE_NULL) p.employees.reset();
  else p.employees = sqlite3_column_int64(st, 7);
  text(8, p.job_title);
  const char* t = reinterpret_cast<const char*>(sqlite3_column_text(st, 9));
  size_t n = static_cast<size_t>(sqlite3_column_bytes(st, 9));
  if (n <= 2) p.custom_fields.clear();
  else p.custom_fields = custom_fields_from_json(std::string_view(t, n));
  p.tags.clear();
}

// The WHERE clause of a filter. Column names are literals from this function; every value
// is bound.
struct Where {
  std::string sql;  // "" or " WHERE …"
  std::vector<Bind> binds;
};

// `search_from`: the first prospect id not yet in the full-text index (0: none; see
// search_backlog_from), read in the transaction that runs the query.
Where build_where(const ProspectFilter& f, long long search_from) {
  std::vector<std::string> parts;
  Where w;
  auto in_list = [&](const char* column, const std::vector<std::string>& values) {
    if (values.empty()) return;
    std::string s = std::string(column) + (values.size() == 1 ? " = ?" : " IN (");
    if (values.size() > 1) {
      for (size_t i = 0; i < values.size(); ++i) s += i ? ",?" : "?";
      s += ')';
    }
    for (const auto& v : values) w.binds.emplace_back(v);
    parts.push_back(std::move(s));
  };
  in_list("status", f.status);
  in_list("sector", f.sector);
  in_list("region", f.region);
  in_list("city", f.city);
  in_list("company_size", f.company_size);
  in_list("owner", f.owner);
  in_list("source", f.source);
  if (!f.tags.empty()) {
    std::string s = "id IN (SELECT prospect_id FROM prospect_tags WHERE tag IN (";
    for (size_t i = 0; i < f.tags.size(); ++i) s += i ? ",?" : "?";
    s += "))";
    for (const auto& v : f.tags) w.binds.emplace_back(v);
    parts.push_back(std::move(s));
  }
  if (!f.ids.empty()) {
    // One bound JSON array, so any number of ids shares one prepared statement.
    std::string arr = "[";
    for (size_t i = 0; i < f.ids.size(); ++i) arr += (i ? "," : "") + std::to_string(f.ids[i]);
    arr += ']';
    parts.push_back("id IN (SELECT value FROM json_each(?))");
    w.binds.emplace_back(std::move(arr));
  }
  if (!f.segment.empty()) {
    std::string arr = "[";
    for (size_t i = 0; i < f.segment.size(); ++i) arr += (i ? "," : "") + std::to_string(f.segment[i]);
    arr += ']';
    parts.push_back("id IN (SELECT prospect_id FROM prospect_segments WHERE segment_id IN (SELECT value FROM json_each(?)))");
    w.binds.emplace_back(std::move(arr));
  }
  if (!f.q.empty()) {
    std::string match = fts_query(f.q);
    if (match.empty()) {
      parts.push_back("0");  // only punctuation: nothing can match
    } else {
      if (search_from <= 0) {
        parts.push_back("id IN (SELECT rowid FROM prospects_fts WHERE prospects_fts MATCH mimicom_search_terms(?))");
        w.binds.emplace_back(std::move(match));
      } else {
        // The rows a bulk load left out of the index are matched one by one, the same way
        // (search_match.hpp). One IN list keeps the plan of the indexed search (an OR made
        // SQLite scan the whole table).
        parts.push_back(
            "id IN (SELECT rowid FROM prospects_fts WHERE prospects_fts MATCH mimicom_search_terms(?) UNION ALL "
            "SELECT id FROM prospects WHERE id >= ? AND "
            "mimicom_search_match(?, first_name, last_name, company, email, job_title, city))");
        w.binds.emplace_back(match);
        w.binds.emplace_back(search_from);
        w.binds.emplace_back(std::move(match));
      }
    }
  }
  if (f.opted_out) {
    parts.push_back("opted_out = ?");
    w.binds.emplace_back(*f.opted_out ? 1LL : 0LL);
  }
  if (f.created_from) {
    parts.push_back("created_at >= ?");
    w.binds.emplace_back(*f.created_from);
  }
  if (f.created_to) {
    parts.push_back("created_at < ?");
    w.binds.emplace_back(*f.created_to);
  }
  if (f.contacted_from) {
    parts.push_back("last_contact_at >= ?");
    w.binds.emplace_back(*f.contacted_from);
  }
  if (f.contacted_to) {
    parts.push_back("last_contact_at < ?");
    w.binds.emplace_back(*f.contacted_to);
  }
  for (size_t i = 0; i < parts.size(); ++i) w.sql += (i ? " AND " : " WHERE ") + parts[i];
  return w;
}

void bind_all(SQLite::Statement& s, const std::vector<Bind>& binds, int first = 1) {
  for (size_t i = 0; i < binds.size(); ++i) bind_value(s, first + static_cast<int>(i), binds[i]);
}

// The first prospect id not yet in the full-text index, 0 when every prospect is in it.
long long search_backlog_from(Connection& c) {
  auto& q = c.q("search-backlog-from");
  long long v = q.executeStep() ? q.getColumn(0).getInt64() : 0;
  q.tryReset();
  return v;
}

// The WHERE clause of `f` as of the caller's transaction (see build_where).
Where where_on(Connection& c, const ProspectFilter& f) {
  return build_where(f, f.q.empty() ? 0 : search_backlog_from(c));
}

// Inside a writing transaction: turns the per-row full-text triggers off for the prospects it
// adds, and at finish() indexes them all in one statement, then turns the triggers back on
// (still inside the transaction, so other connections never see them off). See bulk_mode in
// migrations/002. The insert trigger is dropped for the batch and created again at finish():
// even when its WHEN clause says no, running it cost ~1.7 µs a row (a sub-program and a
// subquery per row).
//
// With `defer` (a bulk load, ImportBatch::defer_search), or when an earlier load left rows out
// of the index already, the rows added stay out of it: bulk_mode keeps saying from which id
// on rows are not indexed, after the commit too, until the search catch-up indexes them.
// Every writer keeps that rule: rows are added with ids above every existing one, and the
// triggers never touch the rows from that id on.
class BulkMode {
 public:
  BulkMode(Connection& c, bool defer = false) : c_(c) {
    backlog_from_ = search_backlog_from(c_);
    if (!backlog_from_) {
      auto& m = c_.q("prospect-max-id");
      m.executeStep();
      first_after_ = m.getColumn(0).getInt64();
      m.tryReset();
      set(first_after_ + 1);
      if (defer) backlog_from_ = first_after_ + 1;
    }
    auto& t = c_.q("prospect-fts-insert-trigger");
    if (t.executeStep()) insert_trigger_ = t.getColumn(0).getString();
    t.tryReset();
    if (!insert_trigger_.empty()) c_.db().exec("DROP TRIGGER prospects_fts_insert");
  }
  void finish() {
    if (!backlog_from_) {
      auto& f = c_.q("prospect-fts-add-range");
      f.bind(1, static_cast<int64_t>(first_after_));
      f.exec();
      set(0);
    }
    if (!insert_trigger_.empty()) c_.db().exec(insert_trigger_);
  }

 private:
  void set(long long v) {
    auto& s = c_.q("bulk-mode-set");
    s.bind(1, static_cast<int64_t>(v));
    s.exec();
  }
  Connection& c_;
  long long first_after_ = 0;
  long long backlog_from_ = 0;  // rows from this id on stay out of the index (0: none)
  std::string insert_trigger_;  // its CREATE TRIGGER statement
};

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(const SqliteOptions& o) : cache_kib_(o.cache_kib) {
    std::filesystem::path path(o.path);
    if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
    auto first = std::make_unique<Connection>(o.path, o.cache_kib);
    migrate(first->db());
    // The log is copied into the base on a thread of its own rather than by the commit that
    // reaches 1000 pages (see wal_checkpointer.hpp). 1M-row import, five A/B rounds: its index
    // builds 1.47-1.98 s against 1.94-2.26 s, its job 6.12-6.84 s against 6.40-7.04 s. A commit
    // past 4000 pages of log waits for a checkpoint, so that the log starts over instead of
    // growing: 99 MB of log at most instead of 533 MB; five alternated rounds, system time
    // 1.17-1.60 s against 1.65-3.18 s, the job 3.13-4.26 s (median 3.59) against 3.37-4.22 s (3.67).
    checkpointer_ = std::make_unique<WalCheckpointer>(o.path);
    auto watch = [&](Connection& c) { checkpointer_->watch(c.db().getHandle()); };
    watch(*first);
    auto queries = load_queries();
    first->prepare_named(queries);
    pool_.add(std::move(first));
    for (int i = 1; i < std::max(1, o.connections); ++i) {
      auto c = std::make_unique<Connection>(o.path, o.cache_kib);
      watch(*c);
      c->prepare_named(queries);
      pool_.add(std::move(c));
    }
    // Bulk loads have their own connection, whose large page cache stays warm from one batch
    // to the next: an import touches every index, and with the pool's small caches the same
    // pages were evicted and rewritten again and again.
    bulk_conn_ = std::make_unique<Connection>(o.path, kBulkCacheKib);
    watch(*bulk_conn_);
    // Bulk loads only add parents (prospects, then their tags): the per-row foreign-key work
    // SQLite does for an inserted parent is wasted there (~5 µs a row).
    bulk_conn_->db().exec("PRAGMA foreign_keys = OFF");
    bulk_conn_->prepare_named(queries);
    // Indexes a bulk load deferred and will not build any more (its job stopped for good).
    build_deferred_on(*bulk_conn_, std::nullopt, {});
    // Pending segment assignments whose job ended (a crash between its batches and its end).
    {
      WriteTx tx(bulk_conn_->db());
      drop_stale_staging(*bulk_conn_);
      tx.commit();
    }
    // Prospects a bulk load left out of the full-text index (it stopped before its catch-up
    // ended): indexed in the background from now on.
    if (search_backlog_from(*bulk_conn_)) catch_up_search_index(false);
  }

  ~SqliteStore() override {
    {
      std::lock_guard lock(catch_up_mu_);
      closing_ = true;
    }
    if (catch_up_thread_.joinable()) catch_up_thread_.join();  // after its chunk: the rest is for the next start
  }

  Status catch_up_search_index(bool wait) override {
    std::unique_lock lock(catch_up_mu_);
    if (!catch_up_running_ && !closing_) {
      if (catch_up_thread_.joinable()) catch_up_thread_.join();  // ended: only its join is left
      catch_up_running_ = true;
      catch_up_error_.clear();
      catch_up_thread_ = std::thread([this] {
        name_this_thread("search-index");
        catch_up_loop();
      });
    }
    if (!wait) return {};
    catch_up_cv_.wait(lock, [&] { return !catch_up_running_; });
    if (!catch_up_error_.empty()) return fail(Error::Internal("index de recherche : " + catch_up_error_));
    return {};
  }

  // ---- users ----
  Result<User> create_user(const NewUser& u) override {
    return guarded([&]() -> Result<User> {
      auto c = pool_.take();
      auto& s = c->q("user-create");
      s.bind(1, u.email);
      s.bind(2, u.name);
      s.bind(3, u.role);
      s.bind(4, u.password_hash);
      s.bind(5, static_cast<int64_t>(now_unix()));
      try {
        s.exec();
      } catch (const SQLite::Exception& e) {
        if (is_unique_violation(e)) return fail(Error::Conflict("email", "un compte existe déjà avec cet e-mail"));
        throw;
      }
      return get_user_on(*c, c->db().getLastInsertRowid());
    });
  }

  Result<User> get_user(long long id) override {
    return guarded([&]() -> Result<User> {
      auto c = pool_.take();
      return get_user_on(*c, id);
    });
  }

  Result<UserCredentials> find_user_by_email(const std::string& email) override {
    return guarded([&]() -> Result<UserCredentials> {
      auto c = pool_.take();
      auto& s = c->q("user-by-email");
      s.bind(1, email);
      if (!s.executeStep()) return fail(Error::NotFound("aucun compte pour cet e-mail"));
      UserCredentials uc{read_user(s), s.getColumn(6).getString()};
      return uc;
    });
  }

  Result<std::vector<User>> list_users() override {
    return guarded([&]() -> Result<std::vector<User>> {
      auto c = pool_.take();
      auto& s = c->q("user-list");
      std::vector<User> out;
      while (s.executeStep()) out.push_back(read_user(s));
      return out;
    });
  }

  Result<User> update_user(long long id, const UserPatch& p) override {
    return guarded([&]() -> Result<User> {
      auto c = pool_.take();
      auto& s = c->q("user-update");
      s.bind(1, static_cast<int64_t>(id));
      bind_opt(s, 2, p.name);
      bind_opt(s, 3, p.role);
      bind_opt(s, 4, p.password_hash);
      if (p.disabled) s.bind(5, *p.disabled ? 1 : 0);
      else s.bind(5);
      if (s.exec() == 0) return fail(Error::NotFound("utilisateur", id));
      return get_user_on(*c, id);
    });
  }

  Status delete_user(long long id) override {
    return guarded([&]() -> Status {
      auto c = pool_.take();
      auto& s = c->q("user-delete");
      s.bind(1, static_cast<int64_t>(id));
      if (s.exec() == 0) return fail(Error::NotFound("utilisateur", id));
      return {};
    });
  }

  Result<long long> count_users() override {
    return guarded([&]() -> Result<long long> {
      auto c = pool_.take();
      auto& s = c->q("user-count");
      s.executeStep();
      return s.getColumn(0).getInt64();
    });
  }

  // ---- sessions ----
  Status create_session(const Session& x) override {
    return guarded([&]() -> Status {
      auto c = pool_.take();
      auto& s = c->q("session-create");
      s.bind(1, x.token_hash);
      s.bind(2, static_cast<int64_t>(x.user_id));
      s.bind(3, x.csrf_token);
      s.bind(4, static_cast<int64_t>(x.created_at));
      s.bind(5, static_cast<int64_t>(x.expires_at));
      s.exec();
      return {};
    });
  }

  Result<Session> get_session(const std::string& token_hash, long long now) override {
    return guarded([&]() -> Result<Session> {
      auto c = pool_.take();
      auto& s = c->q("session-get");
      s.bind(1, token_hash);
      s.bind(2, static_cast<int64_t>(now));
      if (!s.executeStep()) return fail(Error::Unauthorized("session expirée"));
      return Session{s.getColumn(0).getString(), s.getColumn(1).getInt64(), s.getColumn(2).getString(),
                     s.getColumn(3).getInt64(), s.getColumn(4).getInt64()};
    });
  }

  Status delete_session(const std::string& token_hash) override {
    return guarded([&]() -> Status {
      auto c = pool_.take();
      auto& s = c->q("session-delete");
      s.bind(1, token_hash);
      s.exec();
      return {};
    });
  }

  Status delete_expired_sessions(long long now) override {
    return guarded([&]() -> Status {
      auto c = pool_.take();
      auto& s = c->q("session-delete-expired");
      s.bind(1, static_cast<int64_t>(now));
      s.exec();
      return {};
    });
  }

  // ---- API tokens ----
  Result<ApiToken> create_api_token(const ApiToken& t) override {
    return guarded([&]() -> Result<ApiToken> {
      auto c = pool_.take();
      auto& s = c->q("api-token-create");
      s.bind(1, static_cast<int64_t>(t.user_id));
      s.bind(2, t.name);
      s.bind(3, t.prefix);
      s.bind(4, t.token_hash);
      s.bind(5, static_cast<int64_t>(t.created_at ? t.created_at : now_unix()));
      s.exec();
      ApiToken out = t;
      out.id = c->db().getLastInsertRowid();
      if (!out.created_at) out.created_at = now_unix();
      return out;
    });
  }

  Result<ApiToken> find_api_token(const std::string& token_hash, long long now) override {
    return guarded([&]() -> Result<ApiToken> {
      auto c = pool_.take();
      auto& s = c->q("api-token-find");
      s.bind(1, token_hash);
      if (!s.executeStep()) return fail(Error::Unauthorized("jeton d'API invalide ou révoqué"));
      ApiToken t = read_token(s);
      s.reset();
      // Only a stale stamp is rewritten: an UPDATE takes the write lock even when it changes
      // nothing, and token-authenticated reads must not queue behind writers.
      if (!t.last_used_at || *t.last_used_at < now - 60) {
        auto& touch = c->q("api-token-touch");
        touch.bind(1, static_cast<int64_t>(t.id));
        touch.bind(2, static_cast<int64_t>(now));
        touch.exec();
        t.last_used_at = now;
      }
      return t;
    });
  }

  Result<std::vector<ApiToken>> list_api_tokens(std::optional<long long> user_id) override {
    return guarded([&]() -> Result<std::vector<ApiToken>> {
      auto c = pool_.take();
      auto& s = c->q("api-token-list");
      bind_opt(s, 1, user_id);
      std::vector<ApiToken> out;
      while (s.executeStep()) out.push_back(read_token(s));
      return out;
    });
  }

  Status revoke_api_token(long long id, std::optional<long long> user_id) override {
    return guarded([&]() -> Status {
      auto c = pool_.take();
      auto& s = c->q("api-token-revoke");
      s.bind(1, static_cast<int64_t>(id));
      bind_opt(s, 2, user_id);
      if (s.exec() == 0) return fail(Error::NotFound("jeton", id));
      return {};
    });
  }

  // ---- prospects ----
  Result<Prospect> create_prospect(const Prospect& in) override {
    return guarded([&]() -> Result<Prospect> {
      auto c = pool_.take();
      Prospect p = in;
      long long now = now_unix();
      if (!p.created_at) p.created_at = now;
      if (!p.updated_at) p.updated_at = now;
      WriteTx tx(c->db());
      const long long rev = bump_version(*c);
      if (email_taken_without_index(*c, p.email, 0))
        return fail(Error::Conflict("email", "un prospect existe déjà avec cet e-mail"));
      auto& s = c->q("prospect-insert");
      bind_new_prospect(s, p, rev, 0, 0);
      try {
        s.exec();
      } catch (const SQLite::Exception& e) {
        if (is_unique_violation(e)) return fail(Error::Conflict("email", "un prospect existe déjà avec cet e-mail"));
        throw;
      }
      p.id = c->db().getLastInsertRowid();
      write_tags(*c, p.id, p.tags, false);
      tx.commit();
      return p;
    });
  }

  Result<Prospect> get_prospect(long long id) override {
    return guarded([&]() -> Result<Prospect> {
      auto c = pool_.take();
      ReadTx tx(c->db());
      return get_prospect_on(*c, id);
    });
  }

  Result<Prospect> update_prospect(const Prospect& in) override {
    return guarded([&]() -> Result<Prospect> {
      auto c = pool_.take();
      Prospect p = in;
      p.updated_at = now_unix();
      WriteTx tx(c->db());
      bump_version(*c);
      if (email_taken_without_index(*c, p.email, p.id))
        return fail(Error::Conflict("email", "un autre prospect a déjà cet e-mail"));
      auto& s = c->q("prospect-update");
      bind_prospect(s, p);
      s.bind(24, static_cast<int64_t>(p.id));
      int changed;
      try {
        changed = s.exec();
      } catch (const SQLite::Exception& e) {
        if (is_unique_violation(e))
          return fail(Error::Conflict("email", "un autre prospect a déjà cet e-mail"));
        throw;
      }
      if (changed == 0) return fail(Error::NotFound("prospect", p.id));
      write_tags(*c, p.id, p.tags, true);
      tx.commit();
      return p;
    });
  }

  Status delete_prospect(long long id) override {
    return guarded([&]() -> Status {
      auto c = pool_.take();
      WriteTx tx(c->db());
      bump_version(*c);  // first: the tombstone takes the new version
      auto& s = c->q("prospect-delete");
      s.bind(1, static_cast<int64_t>(id));
      if (s.exec() == 0) return fail(Error::NotFound("prospect", id));
      tx.commit();
      return {};
    });
  }

  Result<ProspectPage> list_prospects(const ProspectQuery& query) override {
    return guarded([&]() -> Result<ProspectPage> {
      auto c = pool_.take();
      ReadTx tx(c->db());
      Where w = where_on(*c, query.filter);
      const auto& col = query.sort.field;  // whitelisted by parse_prospect_query
      const char* dir = query.sort.descending ? " DESC" : "";
      std::string sql = std::string("SELECT ") + kProspectColumns + " FROM prospects" + w.sql + " ORDER BY " + col +
                        dir + (col == "id" ? "" : std::string(", id") + dir) + " LIMIT ? OFFSET ?";
      auto& s = c->dynamic(sql);
      bind_all(s, w.binds);
      int n = static_cast<int>(w.binds.size());
      s.bind(n + 1, static_cast<int64_t>(query.per_page));
      s.bind(n + 2, static_cast<int64_t>((query.page - 1) * query.per_page));
      ProspectPage page;
      while (s.executeStep()) page.items.push_back(read_prospect(s));
      s.reset();
      attach_tags(*c, page.items);
      page.total = count_on(*c, query.filter, w);
      return page;
    });
  }

  Result<long long> count_prospects(const ProspectFilter& f) override {
    return guarded([&]() -> Result<long long> {
      auto c = pool_.take();
      ReadTx tx(c->db());
      return count_on(*c, f, where_on(*c, f));
    });
  }

  Result<long long> bulk_update_prospects(const ProspectFilter& f, const BulkAction& a) override {
    return guarded([&]() -> Result<long long> {
      auto c = pool_.take();
      WriteTx tx(c->db());
      Where w = where_on(*c, f);
      bump_version(*c);  // first: rows and tombstones written below take the new version
      std::string and_ = w.sql.empty() ? " WHERE" : " AND";
      // A tag change is a change of the prospect: the rows that gain (or lose) the tag take
      // the new revision, stamped before the tags change (the filter may be on that tag).
      if (a.kind == BulkAction::Kind::AddTag || a.kind == BulkAction::Kind::RemoveTag) {
        std::string sql = std::string("UPDATE prospects SET rev = ") + kCurrentRev + w.sql + and_ + " id " +
                          (a.kind == BulkAction::Kind::AddTag ? "NOT IN" : "IN") +
                          " (SELECT prospect_id FROM prospect_tags WHERE tag = ?)";
        auto& s = c->dynamic(sql);
        bind_all(s, w.binds);
        bind_value(s, static_cast<int>(w.binds.size()) + 1, Bind(a.value));
        s.exec();
      }
      std::string sql;
      std::vector<Bind> binds;
      switch (a.kind) {
        case BulkAction::Kind::SetStatus:
          sql = std::string("UPDATE prospects SET status = ?, updated_at = ?, rev = ") + kCurrentRev + w.sql + and_ +
                " status <> ?";
          binds = {a.value, now_unix()};
          binds.insert(binds.end(), w.binds.begin(), w.binds.end());
          binds.emplace_back(a.value);
          break;
        case BulkAction::Kind::AddTag:
          sql = "INSERT OR IGNORE INTO prospect_tags (tag, prospect_id) SELECT ?, id FROM prospects" + w.sql;
          binds = {a.value};
          binds.insert(binds.end(), w.binds.begin(), w.binds.end());
          break;
        case BulkAction::Kind::RemoveTag:
          sql = "DELETE FROM prospect_tags WHERE tag = ? AND prospect_id IN (SELECT id FROM prospects" + w.sql + ")";
          binds = {a.value};
          binds.insert(binds.end(), w.binds.begin(), w.binds.end());
          break;
        case BulkAction::Kind::Delete:
          sql = "DELETE FROM prospects" + w.sql;
          binds = w.binds;
          break;
      }
      auto& s = c->dynamic(sql);
      bind_all(s, binds);
      long long changed = s.exec();
      tx.commit();
      return changed;
    });
  }

  Result<Facets> prospect_facets() override {
    return guarded([&]() -> Result<Facets> {
      auto c = pool_.take();
      ReadTx tx(c->db());
      long long version = data_version(*c);
      {
        std::lock_guard lock(cache_mu_);
        if (facets_ && facets_version_ == version) return *facets_;
      }
      Facets f;
      for (const char* field : {"status", "sector", "region", "company_size", "source", "owner"}) {
        auto& s = c->dynamic(std::string("SELECT ") + field + ", count(*) FROM prospects WHERE " + field +
                             " IS NOT NULL GROUP BY " + field + " ORDER BY 2 DESC, 1 LIMIT 500");
        std::vector<FacetValue> values;
        while (s.executeStep()) values.push_back({s.getColumn(0).getString(), s.getColumn(1).getInt64()});
        s.reset();
        f.fields.emplace_back(field, std::move(values));
      }
      auto& s = c->dynamic("SELECT tag, count(*) FROM prospect_tags GROUP BY tag ORDER BY 2 DESC, 1 LIMIT 500");
      std::vector<FacetValue> tags;
      while (s.executeStep()) tags.push_back({s.getColumn(0).getString(), s.getColumn(1).getInt64()});
      s.reset();
      f.fields.emplace_back("tags", std::move(tags));
      std::lock_guard lock(cache_mu_);
      facets_ = f;
      facets_version_ = version;
      return f;
    });
  }

  Result<long long> insert_prospects(std::span<const Prospect> ps) override {
    return guarded([&]() -> Result<long long> {
      auto c = bulk();
      WriteTx tx(c->db());
      const long long rev = bump_version(*c);
      KeysScope keyed(*this, *c);
      BulkMode mode(*c);
      long long inserted = 0;
      long long now = now_unix();
      for (const auto& in : ps) {
        if (keyed) {
          if ((in.email || in.phone) && existing_id(*c, in)) continue;
          long long created = in.created_at ? in.created_at : now;
          insert_new(*c, in, created, in.updated_at ? in.updated_at : created, rev);
          ++inserted;
          continue;
        }
        if (!in.email && in.phone) {
          auto& dup = c->q("prospect-id-by-phone");
          dup.bind(1, *in.phone);
          bool exists = dup.executeStep();
          dup.tryReset();
          if (exists) continue;
        }
        auto& s = c->q("prospect-insert-or-skip");
        long long created = in.created_at ? in.created_at : now;
        bind_new_prospect(s, in, rev, created, in.updated_at ? in.updated_at : created);
        if (s.exec() == 0) continue;
        ++inserted;
        if (!in.tags.empty()) write_tags(*c, c->db().getLastInsertRowid(), in.tags, false);
      }
      mode.finish();
      tx.commit();
      keyed.committed();
      return inserted;
    });
  }


  Result<std::vector<long long>> prospect_ids(const ProspectFilter& f) override {
    return guarded([&]() -> Result<std::vector<long long>> {
      auto c = pool_.take();
      ReadTx tx(c->db());
      Where w = where_on(*c, f);
      auto& s = c->dynamic("SELECT id FROM prospects" + w.sql + " ORDER BY id");
      bind_all(s, w.binds);
      std::vector<long long> ids;
      while (s.executeStep()) ids.push_back(s.getColumn(0).getInt64());
      s.reset();
      return ids;
    });
  }

  Result<long long> read_prospect_changes(long long after, const ProspectChangeVisitor& v) override {
    return guarded([&]() -> Result<long long> {
      auto c = pool_.take();
      ReadTx tx(c->db());
      long long version = data_version(*c);
      if (after >= version) return version;
      bool all = after < 0;
      if (!all) {
        auto& d = c->q("kpi-deleted-since");
        d.bind(1, static_cast<int64_t>(after));
        while (d.executeStep()) v.deleted(d.getColumn(0).getInt64());
        d.reset();
      }
      auto text = [](SQLite::Statement& st, int i) -> std::optional<std::string_view> {
        auto col = st.getColumn(i);
        if (col.isNull()) return std::nullopt;
        const char* p = col.getText();
        return std::string_view(p, static_cast<size_t>(col.getBytes()));
      };
      auto& r = all ? c->q("kpi-rows-all") : c->q("kpi-rows-since");
      if (!all) r.bind(1, static_cast<int64_t>(after));
      KpiRowView row;
      while (r.executeStep()) {
        row.id = r.getColumn(0).getInt64();
        row.status = text(r, 1).value_or("");
        row.sector = text(r, 2);
        row.region = text(r, 3);
        row.city = text(r, 4);
        row.company_size = text(r, 5);
        row.owner = text(r, 6);
        row.source = text(r, 7);
        row.opted_out = r.getColumn(8).getInt() != 0;
        row.created_at = r.getColumn(9).getInt64();
        row.last_contact_at = col_int(r, 10);
        row.has_email = r.getColumn(11).getInt() != 0;
        row.has_phone = r.getColumn(12).getInt() != 0;
        row.has_company = r.getColumn(13).getInt() != 0;
        v.row(row);
      }
      r.reset();
      auto& t = all ? c->q("kpi-tags-all") : c->q("kpi-tags-since");
      if (!all) t.bind(1, static_cast<int64_t>(after));
      while (t.executeStep()) v.tag(t.getColumn(0).getInt64(), *text(t, 1));
      t.reset();
      return version;
    });
  }

  Result<ImportTotals> import_totals() override {
    return guarded([&]() -> Result<ImportTotals> {
      auto c = pool_.take();
      auto& s = c->q("kpi-import-totals");
      s.executeStep();
      ImportTotals t{s.getColumn(0).getInt64(), s.getColumn(1).getInt64(), s.getColumn(2).getInt64(),
                     s.getColumn(3).getInt64()};
      s.reset();
      return t;
    });
  }

  Status stream_prospects(const ProspectFilter& f, long long after_id, long long chunk_rows,
                          const std::function<bool(std::vector<Prospect>&)>& each) override {
    return stream_rows(f, after_id, chunk_rows, kProspectColumns, read_prospect_into, true, each);
  }

  Status stream_segment_features(const ProspectFilter& f, long long after_id, long long chunk_rows, bool with_tags,
                                 bool with_custom, const std::function<bool(std::vector<Prospect>&)>& each) override {
    return stream_rows(f, after_id, chunk_rows, with_custom ? kFeatureColumnsCustom : kFeatureColumns,
                       read_features_into, with_tags, each);
  }

  // ---- jobs ----
  Result<Job> create_job(const NewJob& j, long long now_ms) override {
    return guarded([&]() -> Result<Job> {
      auto c = pool_.take();
      return get_job_on(*c, insert_job(*c, j, now_ms));
    });
  }

  Result<Job> get_job(long long id) override {
    return guarded([&]() -> Result<Job> {
      auto c = pool_.take();
      return get_job_on(*c, id);
    });
  }

  Result<std::pair<std::vector<Job>, long long>> list_jobs(const JobFilter& f) override {
    return guarded([&]() -> Result<std::pair<std::vector<Job>, long long>> {
      auto c = pool_.take();
      ReadTx tx(c->db());
      std::string where;
      std::vector<Bind> binds;
      auto add = [&](const char* sql, Bind b) {
        where += where.empty() ? " WHERE " : " AND ";
        where += sql;
        binds.push_back(std::move(b));
      };
      if (f.type) add("type = ?", *f.type);
      if (f.state) add("state = ?", *f.state);
      if (f.created_by) add("created_by = ?", *f.created_by);
      auto& s = c->dynamic(std::string("SELECT ") + kJobColumns + " FROM jobs" + where + " ORDER BY id DESC LIMIT ? OFFSET ?");
      bind_all(s, binds);
      s.bind(static_cast<int>(binds.size()) + 1, static_cast<int64_t>(f.limit));
      s.bind(static_cast<int>(binds.size()) + 2, static_cast<int64_t>(f.offset));
      std::vector<Job> jobs;
      while (s.executeStep()) jobs.push_back(read_job(s));
      s.reset();
      auto& n = c->dynamic("SELECT count(*) FROM jobs" + where);
      bind_all(n, binds);
      n.executeStep();
      long long total = n.getColumn(0).getInt64();
      n.reset();
      return std::pair{std::move(jobs), total};
    });
  }

  Result<std::optional<Job>> lease_job(const std::string& worker, long long now_ms, long long lease_ms) override {
    return guarded([&]() -> Result<std::optional<Job>> {
      auto c = pool_.take();
      // Most polls find nothing: look first without taking the write lock.
      {
        ReadTx rtx(c->db());
        auto& probe = c->q("job-next");
        probe.bind(1, static_cast<int64_t>(now_ms));
        bool any = probe.executeStep();
        probe.tryReset();
        if (!any) return std::optional<Job>();
      }
      WriteTx tx(c->db());
      for (const char* q : {"job-fail-exhausted", "job-cancel-orphaned"}) {
        auto& s = c->q(q);
        s.bind(1, static_cast<int64_t>(now_ms));
        s.exec();
      }
      auto& next = c->q("job-next");
      next.bind(1, static_cast<int64_t>(now_ms));
      if (!next.executeStep()) {
        next.tryReset();
        tx.commit();
        return std::optional<Job>();
      }
      long long id = next.getColumn(0).getInt64();
      next.tryReset();
      auto& lease = c->q("job-lease");
      lease.bind(1, static_cast<int64_t>(id));
      lease.bind(2, worker);
      lease.bind(3, static_cast<int64_t>(now_ms + lease_ms));
      lease.bind(4, static_cast<int64_t>(now_ms));
      lease.exec();
      auto job = get_job_on(*c, id);
      tx.commit();
      if (!job) return fail(job.error());
      return std::optional<Job>(std::move(*job));
    });
  }

  Result<JobControl> heartbeat_job(const JobFence& f, long long done, long long total, long long now_ms,
                                   long long lease_ms) override {
    return guarded([&]() -> Result<JobControl> {
      auto c = pool_.take();
      auto& s = c->q("job-heartbeat");
      s.bind(1, static_cast<int64_t>(f.job_id));
      s.bind(2, f.attempt);
      s.bind(3, static_cast<int64_t>(now_ms + lease_ms));
      s.bind(4, static_cast<int64_t>(now_ms));
      s.bind(5, static_cast<int64_t>(done));
      s.bind(6, static_cast<int64_t>(total));
      if (s.exec() == 0) return fail(lost_lease(f));
      auto& q = c->q("job-cancel-requested");
      q.bind(1, static_cast<int64_t>(f.job_id));
      JobControl ctl;
      if (q.executeStep()) ctl.cancel_requested = q.getColumn(0).getInt() != 0;
      q.tryReset();
      return ctl;
    });
  }

  Status checkpoint_job(const JobFence& f, const std::string& checkpoint, long long done, long long total,
                        long long now_ms) override {
    return guarded([&]() -> Status {
      auto c = pool_.take();
      if (!write_checkpoint(*c, f, checkpoint, done, total, now_ms)) return fail(lost_lease(f));
      return {};
    });
  }

  Status finish_job(const JobFence& f, const std::string& state, const std::string& result, const std::string& error,
                    long long now_ms) override {
    return guarded([&]() -> Status {
      auto c = pool_.take();
      auto& s = c->q("job-finish");
      s.bind(1, static_cast<int64_t>(f.job_id));
      s.bind(2, f.attempt);
      s.bind(3, state);
      s.bind(4, result);
      s.bind(5, error);
      s.bind(6, static_cast<int64_t>(now_ms));
      if (s.exec() == 0) return fail(lost_lease(f));
      return {};
    });
  }

  Status release_job(const JobFence& f, long long now_ms) override {
    return guarded([&]() -> Status {
      auto c = pool_.take();
      auto& s = c->q("job-release");
      s.bind(1, static_cast<int64_t>(f.job_id));
      s.bind(2, f.attempt);
      s.bind(3, static_cast<int64_t>(now_ms));
      if (s.exec() == 0) return fail(lost_lease(f));
      return {};
    });
  }

  Result<Job> cancel_job(long long id, long long now_ms) override {
    return guarded([&]() -> Result<Job> {
      auto c = pool_.take();
      WriteTx tx(c->db());
      int changed = 0;
      for (const char* q : {"job-cancel-queued", "job-cancel-running"}) {
        auto& s = c->q(q);
        s.bind(1, static_cast<int64_t>(id));
        s.bind(2, static_cast<int64_t>(now_ms));
        changed += s.exec();
        if (changed) break;
      }
      auto job = get_job_on(*c, id);
      if (!job) return job;
      if (!changed) return fail(Error::Conflict("state", "cette tâche est déjà terminée (" + job->state + ")"));
      tx.commit();
      return job;
    });
  }

  Result<Job> retry_job(long long id, long long now_ms) override {
    return guarded([&]() -> Result<Job> {
      auto c = pool_.take();
      WriteTx tx(c->db());
      auto& s = c->q("job-retry");
      s.bind(1, static_cast<int64_t>(id));
      s.bind(2, static_cast<int64_t>(now_ms));
      int changed = s.exec();
      auto job = get_job_on(*c, id);
      if (!job) return job;
      if (!changed)
        return fail(Error::Conflict("state", "seule une tâche échouée ou annulée peut être relancée (état : " +
                                                 job->state + ")"));
      tx.commit();
      return job;
    });
  }

  Result<std::vector<std::pair<long long, std::string>>> running_jobs(long long now_ms) override {
    return guarded([&]() -> Result<std::vector<std::pair<long long, std::string>>> {
      auto c = pool_.take();
      auto& s = c->q("job-running-workers");
      s.bind(1, static_cast<int64_t>(now_ms));
      std::vector<std::pair<long long, std::string>> out;
      while (s.executeStep()) out.emplace_back(s.getColumn(0).getInt64(), s.getColumn(1).getString());
      return out;
    });
  }

  Status expire_job_lease(long long id, const std::string& worker) override {
    return guarded([&]() -> Status {
      auto c = pool_.take();
      auto& s = c->q("job-expire-lease");
      s.bind(1, static_cast<int64_t>(id));
      s.bind(2, worker);
      s.exec();
      return {};
    });
  }

  Status add_job_log(long long job_id, const std::string& level, const std::string& message,
                     long long now_ms) override {
    return guarded([&]() -> Status {
      auto c = pool_.take();
      auto& s = c->q("job-log-add");
      s.bind(1, static_cast<int64_t>(job_id));
      s.bind(2, static_cast<int64_t>(now_ms));
      s.bind(3, level);
      s.bind(4, message);
      s.exec();
      return {};
    });
  }

  Result<std::vector<JobLog>> job_logs(long long job_id, long long after_id, long long limit) override {
    return guarded([&]() -> Result<std::vector<JobLog>> {
      auto c = pool_.take();
      auto& s = c->q("job-logs");
      s.bind(1, static_cast<int64_t>(job_id));
      s.bind(2, static_cast<int64_t>(after_id));
      s.bind(3, static_cast<int64_t>(limit));
      std::vector<JobLog> out;
      while (s.executeStep())
        out.push_back({s.getColumn(0).getInt64(), s.getColumn(1).getInt64(), s.getColumn(2).getInt64(),
                       s.getColumn(3).getString(), s.getColumn(4).getString()});
      return out;
    });
  }

  // ---- imports ----
  Result<ImportFile> create_import(const ImportFile& f) override {
    return guarded([&]() -> Result<ImportFile> {
      auto c = pool_.take();
      auto& s = c->q("import-create");
      bind_opt(s, 1, f.created_by);
      s.bind(2, f.file_name);
      s.bind(3, f.path);
      s.bind(4, static_cast<int64_t>(f.size));
      s.bind(5, f.encoding);
      s.bind(6, f.separator);
      s.bind(7, nlohmann::json(f.header).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
      s.bind(8, static_cast<int64_t>(f.created_at ? f.created_at : now_unix()));
      s.exec();
      return get_import_on(*c, c->db().getLastInsertRowid());
    });
  }

  Result<ImportFile> get_import(long long id) override {
    return guarded([&]() -> Result<ImportFile> {
      auto c = pool_.take();
      return get_import_on(*c, id);
    });
  }

  Result<std::vector<ImportFile>> list_imports(std::optional<long long> created_by, long long limit) override {
    return guarded([&]() -> Result<std::vector<ImportFile>> {
      auto c = pool_.take();
      auto& s = c->q("import-list");
      bind_opt(s, 1, created_by);
      s.bind(2, static_cast<int64_t>(limit));
      std::vector<ImportFile> out;
      while (s.executeStep()) out.push_back(read_import(s));
      return out;
    });
  }

  Result<Job> start_import(long long import_id, const std::string& mapping, const std::string& on_duplicate,
                           const NewJob& j, long long now_ms) override {
    return guarded([&]() -> Result<Job> {
      auto c = pool_.take();
      WriteTx tx(c->db());
      long long job_id = insert_job(*c, j, now_ms);
      auto& u = c->q("import-start");
      u.bind(1, static_cast<int64_t>(import_id));
      u.bind(2, mapping);
      u.bind(3, on_duplicate);
      u.bind(4, static_cast<int64_t>(job_id));
      if (u.exec() == 0) {
        auto existing = get_import_on(*c, import_id);
        if (!existing) return fail(existing.error());
        return fail(Error::Conflict("import", "cet import est déjà lancé"));
      }
      auto job = get_job_on(*c, job_id);
      if (!job) return job;
      tx.commit();
      return job;
    });
  }

  Result<ImportCounts> import_batch(const ImportBatch& b, const JobFence& fence,
                                    const std::function<std::string(const ImportCounts&)>& checkpoint, long long done,
                                    long long total, long long now_ms) override {
    return guarded([&]() -> Result<ImportCounts> {
      auto c = bulk();
      WriteTx tx(c->db());
      const long long rev = bump_version(*c);
      KeysScope keyed(*this, *c, b.keyed);
      BulkMode mode(*c, b.defer_search);
      ImportCounts n;
      long long now = now_ms / 1000;
      // The prospect a duplicate row names, read into the same strings row after row (a file
      // imported again reads a prospect for every row).
      Prospect existing;
      // A row whose key a prospect has, that prospect read into `existing` (unless with skip).
      auto duplicate = [&](const ImportRow& row) {
        ++(row.duplicate_in_file ? n.duplicates_in_file : n.duplicates_existing);
        if (b.policy != DuplicatePolicy::Skip && merge_existing(*c, existing, row, b.policy, now)) ++n.updated;
      };
      // Whether prospect `id` has `key` in its column `col` (3: e-mail, 4: phone) still; then it
      // is read into `existing` (unless with skip).
      auto still_has = [&](long long id, int col, const std::string& key) {
        auto get = c->raw("prospect-get-for-import");
        sqlite3_bind_int64(get, 1, id);
        if (!c->step(get)) return false;
        const auto* v = sqlite3_column_text(get, col);
        bool same = v && std::string_view(reinterpret_cast<const char*>(v),
                                          static_cast<size_t>(sqlite3_column_bytes(get, col))) == key;
        if (same && b.policy != DuplicatePolicy::Skip) read_prospect_into(get, existing);
        return same;
      };
      if (keyed && b.expected_rows > 0) keys_.reserve(static_cast<size_t>(b.expected_rows));
      for (const auto& row : b.rows) {
        const Prospect& in = row.prospect;
        if (keyed) {
          // The keys' hashes, as the reader computed them.
          const uint64_t eh = ProspectKeys::email_key(in.email, row.email_key),
                         ph = ProspectKeys::phone_key(in.phone, row.phone_key);
          // The in-memory keys say, exactly, which prospect has the key. A prospect to merge
          // into is read once: its key checks the candidate (one statement a row instead of two).
          if (b.policy != DuplicatePolicy::Skip) {
            const bool by_email = in.email.has_value();
            const std::string& key = by_email ? *in.email : *in.phone;
            long long candidate = by_email ? keys_.email_hashed(eh) : keys_.phone_hashed(ph);
            if (candidate > 0 && still_has(candidate, by_email ? 3 : 4, key)) {
              duplicate(row);
              continue;
            }
          }
          long long id = existing_id(*c, in, eh, ph);
          if (!id) {
            insert_new(*c, in, now, now, rev, eh, ph);
            ++n.inserted;
            continue;
          }
          if (b.policy != DuplicatePolicy::Skip) {
            auto get = c->raw("prospect-get-for-import");
            sqlite3_bind_int64(get, 1, id);
            c->step(get);  // it exists: existing_id checked it in this transaction
            read_prospect_into(get, existing);
          }
          duplicate(row);
          continue;
        }
        // An e-mail seen earlier in the file is a prospect by now: with `skip`, a probe of the
        // e-mail index confirms it (the file's key set holds hashes) and nothing else is done.
        // (A phone seen earlier may not be stored anywhere — its row was skipped as a duplicate
        // of another key — so phone-keyed rows take the full path below.)
        if (row.duplicate_in_file && in.email && b.policy == DuplicatePolicy::Skip) {
          auto& probe = c->q("prospect-id-by-email");
          probe.bind(1, *in.email);
          bool exists = probe.executeStep();
          probe.tryReset();
          if (exists) {
            ++n.duplicates_in_file;
            continue;
          }
        }
        // The reader's hint (find_known_prospects): the prospect that had this e-mail then,
        // trusted when it has it still. The unique index makes it the only one.
        if (row.known_id > 0 && still_has(row.known_id, 3, *in.email)) {
          duplicate(row);
          continue;
        }
        // New rows: the insert is the lookup (the unique e-mail index refuses a duplicate), so
        // try it first, and look the prospect up only when it exists. While most rows turn
        // out to exist (a file imported again), look up first instead; a hint saying that no
        // prospect had the e-mail tries the insert first.
        bool insert_first = row.known_id == 0 || n.duplicates_existing * 2 <= n.inserted + 8;
        if (in.email && !row.duplicate_in_file && insert_first) {
          auto& s = c->q("prospect-insert-or-skip");
          bind_new_prospect(s, in, rev, now, now);
          if (s.exec() > 0) {
            if (!in.tags.empty()) write_tags(*c, c->db().getLastInsertRowid(), in.tags, false);
            ++n.inserted;
            continue;
          }
        }
        bool found;
        {
          auto find = c->raw(in.email ? "prospect-get-by-email" : "prospect-get-by-phone");
          const std::string& key = in.email ? *in.email : *in.phone;
          sqlite3_bind_text(find, 1, key.data(), static_cast<int>(key.size()), SQLITE_STATIC);
          found = c->step(find);
          if (found && b.policy != DuplicatePolicy::Skip) read_prospect_into(find, existing);
        }
        if (!found) {
          insert_new(*c, in, now, now, rev);
          ++n.inserted;
          continue;
        }
        duplicate(row);
      }
      for (const auto& r : b.rejects) {
        auto& s = c->q("import-reject-add");
        s.bind(1, static_cast<int64_t>(b.import_id));
        s.bind(2, static_cast<int64_t>(r.line));
        s.bind(3, r.cells);
        s.bind(4, r.reason);
        s.exec();
        ++n.rejected;
      }
      if (!write_checkpoint(*c, fence, checkpoint(n), done, total, now_ms)) return fail(lost_lease(fence));
      mode.finish();
      tx.commit();
      keyed.committed();
      if (b.last && b.keyed) keys_.clear();
      return n;
    });
  }

  // In a re-import of a file too small for the keys in memory (ImportBatch::keyed) every row
  // looks its e-mail up in the index before anything else. When the writer is the slower stage,
  // the reader, which waits for it meanwhile, looks them up here on a connection of the pool;
  // the writer then reads the prospect by its id (see import_batch). Not while the e-mail
  // index is deferred: a bulk load's writer has the keys in memory.
  void find_known_prospects(ImportBatch& b) override {
    try {
      auto c = pool_.take();
      ReadTx tx(c->db());
      if (!index_exists(*c, "prospects_email")) return;
      auto find = c->raw("prospect-id-by-email");
      for (auto& row : b.rows) {
        if (!row.prospect.email || row.duplicate_in_file) continue;
        const std::string& e = *row.prospect.email;
        sqlite3_bind_text(find, 1, e.data(), static_cast<int>(e.size()), SQLITE_STATIC);
        row.known_id = c->step(find) ? sqlite3_column_int64(find, 0) : 0;
        sqlite3_reset(find);
      }
    } catch (const std::exception&) {  // hints only: the rows not looked up keep -1
    }
  }

  // Inserts a prospect known to be new, with its tags, and notes its keys when they are kept in
  // memory (a load without the key indexes). Returns its id.
  // email_h, phone_h: the keys' hashes (ProspectKeys::email_key, phone_key) when the caller
  // has them, 0 to compute them here.
  long long insert_new(Connection& c, const Prospect& in, long long created, long long updated, long long rev,
                       uint64_t email_h = 0, uint64_t phone_h = 0) {
    auto& s = c.q("prospect-insert");
    bind_new_prospect(s, in, rev, created, updated);
    s.exec();
    long long id = c.db().getLastInsertRowid();
    if (keys_.loaded())
      keys_.note_hashed(id, ProspectKeys::email_key(in.email, email_h), ProspectKeys::phone_key(in.phone, phone_h));
    if (!in.tags.empty()) write_tags(c, id, in.tags, false);
    return id;
  }

  // Applies a duplicate row to the prospect it names (read into `existing`, tags not yet):
  // returns whether the prospect changed (and was written).
  bool merge_existing(Connection& c, Prospect& existing, const ImportRow& row, DuplicatePolicy policy, long long now) {
    if (!row.prospect.tags.empty()) {  // tags are only added to: without any, the existing ones stay as they are
      auto& t = c.q("prospect-tags");
      t.bind(1, static_cast<int64_t>(existing.id));
      while (t.executeStep()) existing.tags.push_back(t.getColumn(0).getString());
      t.tryReset();
    }
    const size_t tags_before = existing.tags.size();
    uint32_t changed = 0;
    if (!merge_duplicate_into(existing, row, policy, &changed)) return false;
    existing.updated_at = now;
    update_columns(c, existing, changed);
    // A merge only adds tags: they changed when there are more.
    if (existing.tags.size() != tags_before) write_tags(c, existing.id, existing.tags, true);
    if (keys_.loaded()) keys_.note(existing.id, existing.email, existing.phone);
    return true;
  }

  // Writes the columns of `p` that a merge changed (bits of import_field_bit, and
  // kMergedCustomFields), its updated_at and its revision, and no others: an UPDATE rewrites the
  // entries of every index on a column it names (and the search index's row when it names a
  // searched column), whether the value changed or not. Importing a file again that fills
  // 10,134 prospects wrote 1.4 GB when every column was named.
  void update_columns(Connection& c, const Prospect& p, uint32_t changed) {
    const auto& fields = import_fields();
    std::string sql = "UPDATE prospects SET ";
    std::vector<std::string_view> columns;
    for (size_t i = 0; i < fields.size(); ++i)
      if ((changed & (uint32_t{1} << i)) && fields[i] != "tags") columns.push_back(fields[i]);
    if (changed & kMergedCustomFields) columns.push_back("custom_fields");
    for (size_t i = 0; i < columns.size(); ++i)
      sql += std::string(columns[i]) + " = ?" + std::to_string(i + 1) + ", ";
    sql += "updated_at = ?" + std::to_string(columns.size() + 1) + ", rev = " + kCurrentRev + " WHERE id = ?" +
           std::to_string(columns.size() + 2);
    auto& u = c.dynamic(sql);
    for (size_t i = 0; i < columns.size(); ++i) bind_prospect_column(u, static_cast<int>(i + 1), p, columns[i]);
    u.bind(static_cast<int>(columns.size() + 1), static_cast<int64_t>(p.updated_at));
    u.bind(static_cast<int>(columns.size() + 2), static_cast<int64_t>(p.id));
    u.exec();
  }

  // ---- the search catch-up (see catch_up_search_index) ----

  // Prospect ids a chunk of the catch-up indexes, in one transaction: ~0.3 s of writing.
  static constexpr long long kSearchChunkIds = 50000;
  static constexpr int kFtsAutomerge = 4;  // FTS5's default
  // Pages a step of compact_search_index writes: ~0.1 s (a 1M-prospect index: 13 steps).
  static constexpr int kFtsMergePages = 1000;

  // Whether a load still defers indexes (it has not ended).
  static bool load_pending(Connection& c) {
    auto& pending = c.q("deferred-index-count");
    pending.executeStep();
    bool loading = pending.getColumn(0).getInt64() > 0;
    pending.tryReset();
    return loading;
  }

  void catch_up_loop() {
    std::string error;
    try {
      bool indexed = false, complete = false;
      while (!closing_) {
        {
          auto c = bulk();
          if (load_pending(*c)) break;  // a load is not done: its end starts the catch-up again
          bulk_cache(*c, kBulkCacheKib);
          WriteTx tx(c->db());
          long long from = search_backlog_from(*c);
          if (!from) {
            complete = true;
            break;
          }
          long long to = from + kSearchChunkIds;
          auto& add = c->q("prospect-fts-add-between");
          add.bind(1, static_cast<int64_t>(from));
          add.bind(2, static_cast<int64_t>(to));
          add.exec();
          auto& more = c->q("prospect-id-from");
          more.bind(1, static_cast<int64_t>(to));
          bool left = more.executeStep();
          more.tryReset();
          // FTS5 merges its index segments as they pile up, chunk after chunk. With automatic
          // merging off until the last chunk (FTS5 still merges a level that reaches 16
          // segments), a catch-up of 1M prospects writes ~1.5 s less, and searches afterwards
          // take the same time as on an optimised index (measured). The setting is
          // persistent and written in the chunk's transaction: a crash leaves it off only
          // while a backlog is left, whose catch-up at the next start turns it on again.
          auto& merge = c->q("prospect-fts-automerge");
          merge.bind(1, left ? 0 : kFtsAutomerge);
          merge.exec();
          auto& set = c->q("bulk-mode-set");
          set.bind(1, static_cast<int64_t>(left ? to : 0));
          set.exec();
          tx.commit();
          indexed = true;
        }
        // Between two chunks, the other users of the bulk connection get their turn.
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
      if (indexed && complete) compact_search_index();
    } catch (const std::exception& e) {
      error = e.what();
    }
    std::lock_guard lock(catch_up_mu_);
    catch_up_running_ = false;
    catch_up_error_ = error;
    catch_up_cv_.notify_all();
  }

  // After a catch-up: merges the search index's segments into one, kFtsMergePages pages per
  // transaction (other writers get their turn between two), as FTS5's 'optimize' would in one.
  // The chunks leave a dozen segments on low levels, and FTS5's automatic merging then rewrote
  // the big ones again and again under later small writes: the 10,090 updates of a 1M-row file
  // imported again (policy fill_empty) took 3.3-3.6 s with the segments the catch-up leaves,
  // 0.9-1.2 s once they are merged (in the sqlite3 module, batches of 100). The merge takes
  // ~1 s for 1M prospects. A crash in the middle leaves a right index, merged less.
  void compact_search_index() {
    // FTS5 ends the merge when one segment is left; the bound is a safety (10M pages).
    for (int step = 0; step < 10000 && !closing_; ++step) {
      {
        auto c = bulk();
        if (load_pending(*c)) return;  // a load began: its own catch-up merges at its end
        WriteTx tx(c->db());
        sqlite3* db = c->db().getHandle();
        const sqlite3_int64 before = sqlite3_total_changes64(db);
        auto& merge = c->q("prospect-fts-merge");
        merge.bind(1, -kFtsMergePages);
        merge.exec();
        // The command counts as one change; the pages it wrote count as more.
        const bool worked = sqlite3_total_changes64(db) - before > 1;
        tx.commit();
        if (!worked) return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }

  // ---- the in-memory keys (see prospect_keys.hpp), on the bulk connection only ----

  // Inside a writing transaction of the bulk connection: whether the unique e-mail index is
  // missing (deferred by a bulk load), and if so the in-memory keys, loaded or brought up to
  // date with what other writers did since the last batch. A transaction that does not commit
  // leaves keys that may name its rolled-back rows: they are dropped, and loaded again next time.
  class KeysScope {
   public:
    // wanted: a large import's batch (ImportBatch::keyed), which uses the keys even when the
    // key indexes are there.
    KeysScope(SqliteStore& s, Connection& c, bool wanted = false) : s_(s) {
      const bool indexed = s.index_exists(c, "prospects_email");
      on_ = !indexed || wanted;
      if (!on_) {
        if (s.keys_.loaded()) s.keys_.clear();  // built again: the memory goes back
        s.bulk_cache(c, kBulkCacheKib);
        return;
      }
      // Without its random-access indexes a load only appends pages: a small cache does, and
      // the memory serves the keys instead (a 1M-row import stays under 300 MB). With them
      // (a large file imported into a base that has its prospects already), the rows read
      // their prospects' pages: the large cache.
      s.bulk_cache(c, indexed ? kBulkCacheKib : kLoadCacheKib);
      long long version = s.data_version(c);
      if (s.keys_.loaded()) {
        auto& q = c.q("prospect-keys-since");
        q.bind(1, static_cast<int64_t>(s.keys_.revision()));
        while (q.executeStep()) s.keys_.note(q.getColumn(0).getInt64(), col_text(q, 1), col_text(q, 2));
        q.tryReset();
      } else if (indexed) {
        for (bool emails : {true, false}) {
          auto q = c.raw(emails ? "prospect-emails-all" : "prospect-phones-all");
          std::optional<std::string> key = std::string();
          while (c.step(q)) {
            key->assign(reinterpret_cast<const char*>(sqlite3_column_text(q, 1)),
                        static_cast<size_t>(sqlite3_column_bytes(q, 1)));
            if (emails) s.keys_.note(sqlite3_column_int64(q, 0), key, std::nullopt);
            else s.keys_.note(sqlite3_column_int64(q, 0), std::nullopt, key);
          }
        }
      } else {
        auto& q = c.q("prospect-keys-all");
        while (q.executeStep()) s.keys_.note(q.getColumn(0).getInt64(), col_text(q, 1), col_text(q, 2));
        q.tryReset();
      }
      s.keys_.set_loaded(version);  // this transaction's own version: its rows are noted as written
    }
    ~KeysScope() {
      if (on_ && !committed_) s_.keys_.clear();
    }
    void committed() { committed_ = true; }
    explicit operator bool() const { return on_; }

   private:
    SqliteStore& s_;
    bool on_ = false, committed_ = false;
  };

  // Sets the bulk connection's page cache (pages beyond a smaller size are freed at once).
  void bulk_cache(Connection& c, int kib) {
    if (bulk_cache_kib_ == kib) return;
    c.db().exec("PRAGMA cache_size = -" + std::to_string(kib));
    bulk_cache_kib_ = kib;
  }

  static bool schema_has(Connection& c, const char* type, const std::string& name) {
    auto& q = c.q("schema-has");
    q.bind(1, type);
    q.bind(2, name);
    bool found = q.executeStep();
    q.tryReset();
    return found;
  }
  static bool index_exists(Connection& c, const char* name) { return schema_has(c, "index", name); }

  // The id of the prospect with `in`'s key (its e-mail, else its phone: the oldest with it),
  // 0 when none, exactly: a candidate of the in-memory keys is checked against its row, and
  // one that fails the check is looked up in the table (a full scan without the index: only
  // after a collision of hashes or a change by another writer to that very key).
  long long existing_id(Connection& c, const Prospect& in) {
    return existing_id(c, in, ProspectKeys::email_key(in.email), ProspectKeys::phone_key(in.phone));
  }
  // The same with the keys' hashes (ProspectKeys::email_key, phone_key).
  long long existing_id(Connection& c, const Prospect& in, uint64_t email_h, uint64_t phone_h) {
    const bool by_email = in.email.has_value();
    const std::string& key = by_email ? *in.email : *in.phone;
    long long id = by_email ? keys_.email_hashed(email_h) : keys_.phone_hashed(phone_h);
    if (id == 0) return 0;
    if (id > 0) {
      auto& k = c.q("prospect-keys-of");
      k.bind(1, static_cast<int64_t>(id));
      bool same = false;
      if (k.executeStep()) {
        auto col = k.getColumn(by_email ? 0 : 1);
        same = !col.isNull() && col.getString() == key;
      }
      k.tryReset();
      if (same) return id;
    }
    auto& q = by_email ? c.q("prospect-id-by-email") : c.q("prospect-oldest-id-by-phone");
    q.bind(1, key);
    id = q.executeStep() ? q.getColumn(0).getInt64() : 0;
    q.tryReset();
    if (by_email) keys_.settle_email_hashed(email_h, id);
    else keys_.settle_phone_hashed(phone_h, id);
    return id;
  }

  // The unique e-mail rule for writers of the pool while the index is deferred: whether
  // another prospect than `id` has `email` (a full scan, inside the caller's transaction).
  bool email_taken_without_index(Connection& c, const std::optional<std::string>& email, long long id) {
    if (!email || index_exists(c, "prospects_email")) return false;
    auto& q = c.q("prospect-email-taken");
    q.bind(1, *email);
    q.bind(2, static_cast<int64_t>(id));
    bool taken = q.executeStep();
    q.tryReset();
    return taken;
  }

  Result<std::vector<std::string>> defer_prospect_indexes(long long job_id, long long max_existing) override {
    return guarded([&]() -> Result<std::vector<std::string>> {
      auto c = bulk();
      WriteTx tx(c->db());
      std::vector<std::string> names;
      bool others = false;
      {
        auto& jobs = c->q("deferred-index-jobs");
        while (jobs.executeStep()) others = others || jobs.getColumn(0).getInt64() != job_id;
        jobs.tryReset();
      }
      {
        auto& own = c->q("deferred-indexes-of-job");
        own.bind(1, static_cast<int64_t>(job_id));
        while (own.executeStep()) names.push_back(own.getColumn(0).getString());
        own.tryReset();
      }
      if (!names.empty() || others) return names;  // deferred by an earlier attempt, or by another load
      auto& count = c->q("prospect-count-upto");
      count.bind(1, static_cast<int64_t>(max_existing + 1));
      count.executeStep();
      bool small = count.getColumn(0).getInt64() <= max_existing;
      count.tryReset();
      if (!small) return names;
      std::vector<std::pair<std::string, std::string>> found;
      {
        auto& list = c->q("deferrable-prospect-indexes");
        while (list.executeStep()) found.emplace_back(list.getColumn(0).getString(), list.getColumn(1).getString());
        list.tryReset();
      }
      for (const auto& [name, sql] : found) {
        auto& add = c->q("deferred-index-add");
        add.bind(1, name);
        add.bind(2, sql);
        add.bind(3, static_cast<int64_t>(job_id));
        add.exec();
        c->db().exec("DROP INDEX \"" + name + "\"");  // a name from sqlite_master
        names.push_back(name);
      }
      tx.commit();
      return names;
    });
  }

  Result<long long> build_deferred_indexes(std::optional<long long> job_id,
                                           const std::function<void(const std::string&)>& each) override {
    return guarded([&]() -> Result<long long> {
      auto c = bulk();
      // The load is over: its keys go (a load still running loads them again), and the cache
      // its own size back (the index builds set theirs while they run).
      keys_.clear();
      bulk_cache(*c, kBulkCacheKib);
      return build_deferred_on(*c, job_id, each);
    });
  }

  Result<std::vector<ImportReject>> import_rejects(long long import_id, long long after_line,
                                                   long long limit) override {
    return guarded([&]() -> Result<std::vector<ImportReject>> {
      auto c = pool_.take();
      auto& s = c->q("import-rejects");
      s.bind(1, static_cast<int64_t>(import_id));
      s.bind(2, static_cast<int64_t>(after_line));
      s.bind(3, static_cast<int64_t>(limit));
      std::vector<ImportReject> out;
      while (s.executeStep())
        out.push_back({s.getColumn(0).getInt64(), s.getColumn(1).getString(), s.getColumn(2).getString()});
      return out;
    });
  }

  // ---- exports ----
  Result<std::pair<Export, Job>> create_export(const Export& e, const std::function<NewJob(long long)>& j,
                                               long long now_ms) override {
    return guarded([&]() -> Result<std::pair<Export, Job>> {
      auto c = pool_.take();
      WriteTx tx(c->db());
      auto& s = c->q("export-create");
      bind_opt(s, 1, e.created_by);
      s.bind(2, e.format);
      s.bind(3, e.options);
      s.bind(4, e.filter);
      s.bind(5, nlohmann::json(e.columns).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
      s.bind(6, static_cast<int64_t>(e.created_at ? e.created_at : now_ms / 1000));
      s.exec();
      long long id = c->db().getLastInsertRowid();
      long long job_id = insert_job(*c, j(id), now_ms);
      auto& u = c->q("export-set-job");
      u.bind(1, static_cast<int64_t>(id));
      u.bind(2, static_cast<int64_t>(job_id));
      u.exec();
      auto saved = get_export_on(*c, id);
      if (!saved) return fail(saved.error());
      auto job = get_job_on(*c, job_id);
      if (!job) return fail(job.error());
      tx.commit();
      return std::pair<Export, Job>{std::move(*saved), std::move(*job)};
    });
  }

  Result<Export> get_export(long long id) override {
    return guarded([&]() -> Result<Export> {
      auto c = pool_.take();
      return get_export_on(*c, id);
    });
  }

  Result<std::vector<Export>> list_exports(std::optional<long long> created_by, long long limit) override {
    return guarded([&]() -> Result<std::vector<Export>> {
      auto c = pool_.take();
      auto& s = c->q("export-list");
      bind_opt(s, 1, created_by);
      s.bind(2, static_cast<int64_t>(limit));
      std::vector<Export> out;
      while (s.executeStep()) out.push_back(read_export(s));
      return out;
    });
  }

  Result<Export> finish_export(long long id, const JobFence& fence, const std::string& file_name, long long size,
                               long long rows, long long expires_at) override {
    return guarded([&]() -> Result<Export> {
      auto c = pool_.take();
      WriteTx tx(c->db());
      auto& s = c->q("export-finish");
      s.bind(1, static_cast<int64_t>(id));
      s.bind(2, file_name);
      s.bind(3, static_cast<int64_t>(size));
      s.bind(4, static_cast<int64_t>(rows));
      s.bind(5, static_cast<int64_t>(expires_at));
      s.bind(6, static_cast<int64_t>(fence.job_id));
      s.bind(7, fence.attempt);
      if (s.exec() == 0) {
        auto existing = get_export_on(*c, id);
        if (!existing) return fail(existing.error());
        return fail(lost_lease(fence));
      }
      auto out = get_export_on(*c, id);
      if (!out) return out;
      tx.commit();
      return out;
    });
  }

  Result<std::vector<Export>> expire_exports(long long now) override {
    return guarded([&]() -> Result<std::vector<Export>> {
      auto c = pool_.take();
      WriteTx tx(c->db());
      std::vector<Export> out;
      {
        auto& s = c->q("export-expired");
        s.bind(1, static_cast<int64_t>(now));
        while (s.executeStep()) out.push_back(read_export(s));
        s.reset();
      }
      for (const auto& e : out) {
        auto& u = c->q("export-expire");
        u.bind(1, static_cast<int64_t>(e.id));
        u.exec();
      }
      tx.commit();
      return out;
    });
  }

  // ---- segmentations ----
  Result<std::pair<Segmentation, Job>> create_segmentation(const Segmentation& in,
                                                           const std::function<NewJob(long long)>& j,
                                                           long long now_ms) override {
    return guarded([&]() -> Result<std::pair<Segmentation, Job>> {
      auto c = pool_.take();
      WriteTx tx(c->db());
      auto& s = c->q("segmentation-create");
      bind_opt(s, 1, in.created_by);
      s.bind(2, in.name);
      s.bind(3, in.params);
      s.bind(4, static_cast<int64_t>(in.created_at ? in.created_at : now_ms / 1000));
      s.exec();
      long long id = c->db().getLastInsertRowid();
      long long job_id = insert_job(*c, j(id), now_ms);
      set_segmentation_job(*c, id, job_id);
      auto saved = get_segmentation_on(*c, id, false);
      if (!saved) return fail(saved.error());
      auto job = get_job_on(*c, job_id);
      if (!job) return fail(job.error());
      tx.commit();
      return std::pair<Segmentation, Job>{std::move(*saved), std::move(*job)};
    });
  }

  Result<Segmentation> get_segmentation(long long id, bool with_model) override {
    return guarded([&]() -> Result<Segmentation> {
      auto c = pool_.take();
      ReadTx tx(c->db());
      return get_segmentation_on(*c, id, with_model);
    });
  }

  Result<std::pair<std::vector<Segmentation>, long long>> list_segmentations(std::optional<long long> created_by,
                                                                             long long limit,
                                                                             long long offset) override {
    return guarded([&]() -> Result<std::pair<std::vector<Segmentation>, long long>> {
      auto c = pool_.take();
      ReadTx tx(c->db());
      auto& s = c->q("segmentation-list");
      bind_opt(s, 1, created_by);
      s.bind(2, static_cast<int64_t>(limit));
      s.bind(3, static_cast<int64_t>(offset));
      std::vector<Segmentation> out;
      while (s.executeStep()) out.push_back(read_segmentation(s));
      s.reset();
      for (auto& x : out) x.segments = segments_of(*c, x.id);
      auto& n = c->q("segmentation-count");
      bind_opt(n, 1, created_by);
      n.executeStep();
      long long total = n.getColumn(0).getInt64();
      n.reset();
      return std::pair{std::move(out), total};
    });
  }

  Result<Segmentation> save_segmentation_fit(long long id, const JobFence& fence, const std::string& result,
                                             const std::string& model, const std::vector<Segment>& segments,
                                             const std::string& checkpoint, long long done, long long total,
                                             long long now_ms) override {
    return guarded([&]() -> Result<Segmentation> {
      auto c = pool_.take();
      WriteTx tx(c->db());
      auto& s = c->q("segmentation-finish-fit");
      s.bind(1, static_cast<int64_t>(id));
      s.bind(2, result);
      s.bind(3, model);
      s.bind(4, static_cast<int64_t>(fence.job_id));
      s.bind(5, fence.attempt);
      if (s.exec() == 0) return fail(lost_lease(fence));
      // The fit and the checkpoint that moves the job past it commit together, so a fit is
      // saved once; clearing first keeps that true even for a caller that saves twice.
      auto& d = c->q("segment-clear");
      d.bind(1, static_cast<int64_t>(id));
      d.exec();
      for (const auto& seg : segments) {
        auto& ins = c->q("segment-insert");
        ins.bind(1, static_cast<int64_t>(id));
        ins.bind(2, seg.index);
        ins.bind(3, seg.auto_name);
        ins.bind(4, static_cast<int64_t>(seg.size));
        ins.bind(5, seg.profile);
        ins.exec();
      }
      if (!write_checkpoint(*c, fence, checkpoint, done, total, now_ms)) return fail(lost_lease(fence));
      auto out = get_segmentation_on(*c, id, false);
      if (!out) return out;
      tx.commit();
      return out;
    });
  }

  Result<long long> prospects_revision() override {
    return guarded([&]() -> Result<long long> {
      auto c = pool_.take();
      return data_version(*c);
    });
  }

  // A run's pending assignment is a table of its own, with prospect_segments' columns: the
  // last batch drops prospect_segments and renames it, so putting a million ids in place
  // costs one index build instead of a million index inserts and deletes.
  static std::string staging_table(long long id) { return "segment_staging_" + std::to_string(id); }

  // Drops the pending assignments no job will finish: their run is gone or its job ended.
  static void drop_stale_staging(Connection& c) {
    std::vector<std::string> tables;
    {
      auto& s = c.q("segment-staging-tables");
      while (s.executeStep()) tables.push_back(s.getColumn(0).getString());
      s.tryReset();
    }
    for (const auto& t : tables) {
      long long run = std::stoll(t.substr(std::string_view("segment_staging_").size()));
      auto& a = c.q("segmentation-applying");
      a.bind(1, static_cast<int64_t>(run));
      bool needed = a.executeStep();
      a.tryReset();
      if (!needed) c.db().exec("DROP TABLE IF EXISTS " + staging_table(run));
    }
  }

  Status write_segment_batch(long long id, const JobFence& fence, const SegmentBatch& b,
                             std::span<const std::pair<long long, long long>> assignments,
                             const std::string& checkpoint, long long done, long long total,
                             long long now_ms) override {
    return guarded([&]() -> Status {
      // The bulk connection: its large cache keeps the staged table's pages warm between
      // batches (foreign keys are off there; deleted prospects are left out at the last batch).
      auto c = bulk();
      WriteTx tx(c->db());
      auto& check = c->q("segmentation-job-check");
      check.bind(1, static_cast<int64_t>(fence.job_id));
      check.bind(2, fence.attempt);
      bool held = check.executeStep();
      check.tryReset();
      if (!held) return fail(lost_lease(fence));
      if (b.first || b.last) {
        auto& e = c->q("segmentation-exists");
        e.bind(1, static_cast<int64_t>(id));
        bool exists = e.executeStep();
        e.tryReset();
        if (!exists) return fail(Error::NotFound(std::string("ce découpage a été supprimé")));
      }
      const std::string table = staging_table(id);
      if (b.first) {
        drop_stale_staging(*c);
        c->db().exec("DROP TABLE IF EXISTS " + table);
        c->db().exec("CREATE TABLE " + table +
                     " (prospect_id INTEGER PRIMARY KEY REFERENCES prospects (id) ON DELETE CASCADE,"
                     " segment_id INTEGER NOT NULL REFERENCES segments (id) ON DELETE CASCADE)");
      } else if (!schema_has(*c, "table", table)) {
        return fail(Error::Conflict("segmentation", "l'affectation en cours de ce découpage a été perdue : relancez-la"));
      }
      if (!assignments.empty()) {
        // Raw statements of many rows each: a million rows through the C API, one statement
        // run per 128 rows (per row, starting the statement cost as much as the insert).
        sqlite3* db = c->db().getHandle();
        auto prepare = [&](size_t rows) -> sqlite3_stmt* {
          std::string sql = "INSERT OR REPLACE INTO " + table + " (prospect_id, segment_id) VALUES (?, ?)";
          for (size_t i = 1; i < rows; ++i) sql += ", (?, ?)";
          sqlite3_stmt* raw = nullptr;
          if (sqlite3_prepare_v2(db, sql.c_str(), static_cast<int>(sql.size()), &raw, nullptr) != SQLITE_OK) return nullptr;
          return raw;
        };
        constexpr size_t kRows = 128;
        using Stmt = std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)>;
        Stmt many(assignments.size() >= kRows ? prepare(kRows) : nullptr, sqlite3_finalize);
        auto run = [&](sqlite3_stmt* st, std::span<const std::pair<long long, long long>> rows) -> bool {
          int k = 1;
          for (const auto& [prospect, segment] : rows) {
            sqlite3_bind_int64(st, k++, prospect);
            sqlite3_bind_int64(st, k++, segment);
          }
          bool ok = sqlite3_step(st) == SQLITE_DONE;
          sqlite3_reset(st);
          return ok;
        };
        auto error = [&] { return fail(Error::Internal(std::string("database: ") + sqlite3_errmsg(db))); };
        if (assignments.size() >= kRows && !many) return error();
        size_t i = 0;
        for (; i + kRows <= assignments.size(); i += kRows)
          if (!run(many.get(), assignments.subspan(i, kRows))) return error();
        if (i < assignments.size()) {
          Stmt rest(prepare(assignments.size() - i), sqlite3_finalize);
          if (!rest || !run(rest.get(), assignments.subspan(i))) return error();
        }
      }
      if (b.last) {
        // Prospects deleted since they were read (their tombstones are newer than the read; one
        // whose id was taken again by a new prospect stays, as that prospect exists).
        SQLite::Statement gone(c->db(), "DELETE FROM " + table +
                                            " WHERE prospect_id IN (SELECT t.id FROM prospect_tombstones t WHERE t.rev > ?1"
                                            " AND NOT EXISTS (SELECT 1 FROM prospects p WHERE p.id = t.id))");
        gone.bind(1, static_cast<int64_t>(b.read_revision));
        gone.exec();
        bump_version(*c);  // counts of segment filters are cached by version
        c->db().exec("DROP TABLE prospect_segments");
        c->db().exec("ALTER TABLE " + table + " RENAME TO prospect_segments");
        c->q("segmentation-unapply-all").exec();
        auto& a = c->q("segmentation-set-applied");
        a.bind(1, static_cast<int64_t>(id));
        a.bind(2, static_cast<int64_t>(now_ms / 1000));
        a.exec();
      }
      if (!write_checkpoint(*c, fence, checkpoint, done, total, now_ms)) return fail(lost_lease(fence));
      tx.commit();
      return {};
    });
  }

  Result<Job> start_segmentation_apply(long long id, const NewJob& j, long long now_ms) override {
    return guarded([&]() -> Result<Job> {
      auto c = pool_.take();
      WriteTx tx(c->db());
      auto run = get_segmentation_on(*c, id, false);
      if (!run) return fail(run.error());
      if (run->state != "ready") return fail(Error::Conflict("state", "ce découpage n'est pas encore prêt"));
      long long job_id = insert_job(*c, j, now_ms);
      set_segmentation_job(*c, id, job_id);
      auto job = get_job_on(*c, job_id);
      if (!job) return job;
      tx.commit();
      return job;
    });
  }

  Result<Segment> update_segment(long long id, long long segment_id, const std::optional<std::string>& name,
                                 const std::optional<std::string>& description) override {
    return guarded([&]() -> Result<Segment> {
      auto c = pool_.take();
      WriteTx tx(c->db());
      auto current = get_segment_on(*c, id, segment_id);
      if (!current) return current;
      std::optional<std::string> new_name = current->name;
      if (name) new_name = name->empty() ? std::nullopt : name;
      auto& s = c->q("segment-rename");
      s.bind(1, static_cast<int64_t>(id));
      s.bind(2, static_cast<int64_t>(segment_id));
      bind_opt(s, 3, new_name);
      s.bind(4, description ? *description : current->description);
      s.exec();
      auto out = get_segment_on(*c, id, segment_id);
      if (!out) return out;
      tx.commit();
      return out;
    });
  }

  Status delete_segmentation(long long id) override {
    return guarded([&]() -> Status {
      auto c = pool_.take();
      WriteTx tx(c->db());
      auto run = get_segmentation_on(*c, id, false);
      if (!run) return fail(run.error());
      bump_version(*c);
      // Faster than the cascade row by row when the run is the applied one.
      if (run->applied_at) c->q("prospect-segments-clear").exec();
      c->db().exec("DROP TABLE IF EXISTS " + staging_table(id));
      auto& s = c->q("segmentation-delete");
      s.bind(1, static_cast<int64_t>(id));
      s.exec();
      tx.commit();
      return {};
    });
  }

 private:
  // The streams: keyset chunks of `columns`, each row read by `read` into a reused prospect,
  // then (with `tags`) the chunk's tags.
  Status stream_rows(const ProspectFilter& f, long long after_id, long long chunk_rows, const char* columns,
                     void (*read)(sqlite3_stmt*, Prospect&), bool tags,
                     const std::function<bool(std::vector<Prospect>&)>& each) {
    return guarded([&]() -> Status {
      std::vector<Prospect> chunk;
      long long last = after_id;
      const long long limit = std::max(1LL, chunk_rows);
      while (true) {
        size_t n = 0;
        {
          auto c = pool_.take();
          ReadTx tx(c->db());
          // Built in the chunk's transaction: a search reads the full-text backlog of now.
          Where w = where_on(*c, f);
          // Keyset paging on the primary key: each chunk starts where the previous one ended,
          // whatever was inserted or deleted between them.
          std::string sql = std::string("SELECT ") + columns + " FROM prospects" +
                            (w.sql.empty() ? " WHERE id > ?" : w.sql + " AND id > ?") + " ORDER BY id LIMIT ?";
          // A raw statement (prepared per chunk: ~0.1 ms for thousands of rows): rows are
          // read through the C API into reused prospects, without a wrapper per cell.
          sqlite3* db = c->db().getHandle();
          sqlite3_stmt* raw = nullptr;
          if (sqlite3_prepare_v2(db, sql.c_str(), static_cast<int>(sql.size()), &raw, nullptr) != SQLITE_OK)
            return fail(Error::Internal(std::string("database: ") + sqlite3_errmsg(db)));
          std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> st(raw, sqlite3_finalize);
          int k = 1;
          for (const auto& b : w.binds) {
            if (auto* v = std::get_if<long long>(&b)) sqlite3_bind_int64(raw, k, *v);
            else if (auto* d = std::get_if<double>(&b)) sqlite3_bind_double(raw, k, *d);
            else if (auto* t = std::get_if<std::string>(&b))
              sqlite3_bind_text(raw, k, t->data(), static_cast<int>(t->size()), SQLITE_STATIC);
            else sqlite3_bind_null(raw, k);
            ++k;
          }
          sqlite3_bind_int64(raw, k, last);
          sqlite3_bind_int64(raw, k + 1, limit);
          int rc;
          while ((rc = sqlite3_step(raw)) == SQLITE_ROW) {
            if (n == chunk.size()) chunk.emplace_back();
            read(raw, chunk[n++]);
          }
          if (rc != SQLITE_DONE) return fail(Error::Internal(std::string("database: ") + sqlite3_errmsg(db)));
          // The chunk's tags in one range read of the (prospect_id, tag) index, merged in id
          // order (a correlated subquery per row took half of the time of a whole export).
          if (n > 0 && tags) {
            auto& t = c->q("prospect-tags-range");
            t.bind(1, static_cast<int64_t>(chunk[0].id));
            t.bind(2, static_cast<int64_t>(chunk[n - 1].id));
            size_t i = 0;
            while (t.executeStep()) {
              long long pid = t.getColumn(0).getInt64();
              while (i < n && chunk[i].id < pid) ++i;
              if (i == n) break;
              if (chunk[i].id == pid) {
                auto col = t.getColumn(1);
                chunk[i].tags.emplace_back(col.getText(), static_cast<size_t>(col.getBytes()));
              }
            }
            t.tryReset();
          }
        }
        if (n == 0) return {};
        chunk.resize(n);
        last = chunk.back().id;
        if (!each(chunk)) return {};
        if (static_cast<long long>(n) < limit) return {};
      }
    });
  }

  static Error lost_lease(const JobFence& f) {
    return Error::Conflict("job", "la tâche " + std::to_string(f.job_id) + " n'est plus tenue par la tentative " +
                                      std::to_string(f.attempt));
  }

  // See build_deferred_indexes. An index is forgotten and built in one transaction: a crash
  // leaves it either listed or built.
  long long build_deferred_on(Connection& c, std::optional<long long> job_id,
                              const std::function<void(const std::string&)>& each) {
    std::vector<std::pair<std::string, std::string>> todo;
    {
      auto& s = c.q("deferred-indexes-of-job");
      bind_opt(s, 1, job_id);
      while (s.executeStep()) todo.emplace_back(s.getColumn(0).getString(), s.getColumn(1).getString());
      s.tryReset();
    }
    if (todo.empty()) return 0;
    // SQLite sorts an index's keys on worker threads only when the sorter spills to temporary
    // files (temp_store = MEMORY keeps it on one thread) and its memory, the page cache, holds a
    // part of the keys: then each part is sorted by a thread. 10 list indexes of 1M rows: 13.9 s
    // with the large cache in memory, 7.8 s so (the files stay in the page cache of the system).
    bulk_cache(c, kIndexBuildCacheKib);
    c.db().exec("PRAGMA temp_store = FILE");
    c.db().exec("PRAGMA threads = " + std::to_string(std::clamp(std::thread::hardware_concurrency(), 1u, 8u)));
    struct SorterBack {
      SqliteStore& s;
      Connection& c;
      ~SorterBack() {
        try {
          c.db().exec("PRAGMA threads = 0");
          c.db().exec("PRAGMA temp_store = MEMORY");
          s.bulk_cache(c, kBulkCacheKib);
        } catch (...) {  // a pragma does not fail on an open connection; nothing to do if it did
        }
      }
    } back{*this, c};
    // Those of one or two plain columns from keys read once, on threads of their own, and
    // written sorted into their b-trees (see presorted_index.hpp); the others, and any that
    // cannot be built so (the rows changed since they were read, a duplicate in a unique key…),
    // by CREATE INDEX. The 10 indexes of a 1M-row import, three A/B rounds: 3.9-4.8 s against
    // 6.6-6.9 s by CREATE INDEX; the process's peak RSS 218-243 MB against 213-214 MB. Their
    // b-trees written as pages rather than through imposter tables: 2.6-2.8 s against 4.5-4.7 s
    // (two A/B rounds).
    sqlite3* h = c.db().getHandle();
    std::vector<IndexStatement> fast;
    std::vector<std::optional<size_t>> fast_of(todo.size());
    if (PresortedIndexes::usable(h)) {
      for (size_t k = 0; k < todo.size(); ++k) {
        auto st = parse_index_statement(todo[k].second);
        if (!st || st->name != todo[k].first || st->table != "prospects") continue;
        fast_of[k] = fast.size();
        fast.push_back(std::move(*st));
      }
    }
    std::unique_ptr<PresortedIndexes> presorted;
    if (!fast.empty())
      presorted = std::make_unique<PresortedIndexes>(sqlite3_db_filename(h, "main"), "prospects", std::move(fast),
                                                     "SELECT version FROM data_versions WHERE name = 'prospects'");
    long long built = 0;
    for (size_t k = 0; k < todo.size(); ++k) {
      const auto& [name, sql] = todo[k];
      if (each) each(name);
      // After the transaction ends, committed or not (declared first: destroyed after it).
      struct ForgetPages {
        sqlite3* h;
        bool on = false;
        ~ForgetPages() {
          if (on) PresortedIndexes::forget_pages(h);
        }
      } forget{h};
      WriteTx tx(c.db());
      auto& done = c.q("deferred-index-built");
      done.bind(1, name);
      if (done.exec() == 0) continue;  // built meanwhile by another sweep
      bool presorted_built = false;
      if (presorted && fast_of[k] && !index_exists(c, name.c_str())) {
        auto why = presorted->build(h, *fast_of[k], data_version(c));
        if (why) spdlog::info("index {} : CREATE INDEX ({})", name, *why);
        presorted_built = !why;
        forget.on = presorted_built;
      }
      if (!presorted_built) {
        // IF NOT EXISTS: a migration run meanwhile may have created it again.
        std::string create = sql;
        for (std::string_view head : {"CREATE INDEX ", "CREATE UNIQUE INDEX "})
          if (create.starts_with(head) && !create.starts_with(std::string(head) + "IF NOT EXISTS "))
            create.insert(head.size(), "IF NOT EXISTS ");
        c.db().exec(create);
      }
      tx.commit();
      ++built;
    }
    return built;
  }

  bool write_checkpoint(Connection& c, const JobFence& f, const std::string& checkpoint, long long done,
                        long long total, long long now_ms) {
    auto& s = c.q("job-checkpoint");
    s.bind(1, static_cast<int64_t>(f.job_id));
    s.bind(2, f.attempt);
    s.bind(3, checkpoint);
    s.bind(4, static_cast<int64_t>(done));
    s.bind(5, static_cast<int64_t>(total));
    s.bind(6, static_cast<int64_t>(now_ms));
    return s.exec() > 0;
  }

  static Job read_job(SQLite::Statement& s) {
    Job j;
    j.id = s.getColumn(0).getInt64();
    j.type = s.getColumn(1).getString();
    j.params = s.getColumn(2).getString();
    j.state = s.getColumn(3).getString();
    j.done = s.getColumn(4).getInt64();
    j.total = s.getColumn(5).getInt64();
    j.unit = s.getColumn(6).getString();
    j.checkpoint = s.getColumn(7).getString();
    j.attempt = s.getColumn(8).getInt();
    j.max_attempts = s.getColumn(9).getInt();
    j.worker = s.getColumn(10).getString();
    j.lease_until_ms = s.getColumn(11).getInt64();
    j.heartbeat_ms = s.getColumn(12).getInt64();
    j.cancel_requested = s.getColumn(13).getInt() != 0;
    j.result = s.getColumn(14).getString();
    j.error = s.getColumn(15).getString();
    j.created_by = col_int(s, 16);
    j.created_ms = s.getColumn(17).getInt64();
    j.updated_ms = s.getColumn(18).getInt64();
    j.started_ms = col_int(s, 19);
    j.finished_ms = col_int(s, 20);
    return j;
  }

  // A new queued job; returns its id.
  static long long insert_job(Connection& c, const NewJob& j, long long now_ms) {
    auto& s = c.q("job-create");
    s.bind(1, j.type);
    s.bind(2, j.params);
    s.bind(3, j.unit);
    s.bind(4, j.max_attempts);
    bind_opt(s, 5, j.created_by);
    s.bind(6, static_cast<int64_t>(now_ms));
    s.exec();
    return c.db().getLastInsertRowid();
  }

  Result<Job> get_job_on(Connection& c, long long id) {
    auto& s = c.q("job-get");
    s.bind(1, static_cast<int64_t>(id));
    if (!s.executeStep()) return fail(Error::NotFound("tâche", id));
    Job j = read_job(s);
    s.tryReset();
    return j;
  }

  static ImportFile read_import(SQLite::Statement& s) {
    ImportFile f;
    f.id = s.getColumn(0).getInt64();
    f.created_by = col_int(s, 1);
    f.file_name = s.getColumn(2).getString();
    f.path = s.getColumn(3).getString();
    f.size = s.getColumn(4).getInt64();
    f.encoding = s.getColumn(5).getString();
    f.separator = s.getColumn(6).getString();
    auto header = nlohmann::json::parse(s.getColumn(7).getString(), nullptr, false);
    if (header.is_array())
      for (const auto& h : header) f.header.push_back(h.is_string() ? h.get<std::string>() : std::string());
    f.mapping = s.getColumn(8).getString();
    f.on_duplicate = s.getColumn(9).getString();
    f.job_id = col_int(s, 10);
    f.created_at = s.getColumn(11).getInt64();
    return f;
  }

  Result<ImportFile> get_import_on(Connection& c, long long id) {
    auto& s = c.q("import-get");
    s.bind(1, static_cast<int64_t>(id));
    if (!s.executeStep()) return fail(Error::NotFound("import", id));
    ImportFile f = read_import(s);
    s.tryReset();
    return f;
  }

  static Export read_export(SQLite::Statement& s) {
    Export e;
    e.id = s.getColumn(0).getInt64();
    e.created_by = col_int(s, 1);
    e.format = s.getColumn(2).getString();
    e.options = s.getColumn(3).getString();
    e.filter = s.getColumn(4).getString();
    auto cols = nlohmann::json::parse(s.getColumn(5).getString(), nullptr, false);
    if (cols.is_array())
      for (const auto& c : cols) e.columns.push_back(c.is_string() ? c.get<std::string>() : std::string());
    e.job_id = col_int(s, 6);
    e.state = s.getColumn(7).getString();
    e.file_name = s.getColumn(8).getString();
    e.size = s.getColumn(9).getInt64();
    e.rows = s.getColumn(10).getInt64();
    e.created_at = s.getColumn(11).getInt64();
    e.expires_at = col_int(s, 12);
    return e;
  }

  Result<Export> get_export_on(Connection& c, long long id) {
    auto& s = c.q("export-get");
    s.bind(1, static_cast<int64_t>(id));
    if (!s.executeStep()) return fail(Error::NotFound("export", id));
    Export e = read_export(s);
    s.tryReset();
    return e;
  }

  static User read_user(SQLite::Statement& s) {
    return User{s.getColumn(0).getInt64(), s.getColumn(1).getString(), s.getColumn(2).getString(),
                s.getColumn(3).getString(), s.getColumn(4).getInt64(), s.getColumn(5).getInt() != 0};
  }

  static ApiToken read_token(SQLite::Statement& s) {
    ApiToken t;
    t.id = s.getColumn(0).getInt64();
    t.user_id = s.getColumn(1).getInt64();
    t.name = s.getColumn(2).getString();
    t.prefix = s.getColumn(3).getString();
    t.token_hash = s.getColumn(4).getString();
    t.created_at = s.getColumn(5).getInt64();
    t.last_used_at = col_int(s, 6);
    t.revoked = s.getColumn(7).getInt() != 0;
    return t;
  }

  Result<User> get_user_on(Connection& c, long long id) {
    auto& s = c.q("user-get");
    s.bind(1, static_cast<int64_t>(id));
    if (!s.executeStep()) return fail(Error::NotFound("utilisateur", id));
    return read_user(s);
  }

  static void set_segmentation_job(Connection& c, long long id, long long job_id) {
    auto& u = c.q("segmentation-set-job");
    u.bind(1, static_cast<int64_t>(id));
    u.bind(2, static_cast<int64_t>(job_id));
    u.exec();
  }

  static Segmentation read_segmentation(SQLite::Statement& s) {
    Segmentation x;
    x.id = s.getColumn(0).getInt64();
    x.created_by = col_int(s, 1);
    x.name = s.getColumn(2).getString();
    x.params = s.getColumn(3).getString();
    x.job_id = col_int(s, 4);
    x.state = s.getColumn(5).getString();
    x.result = s.getColumn(6).getString();
    x.model = s.getColumn(7).getString();
    x.applied_at = col_int(s, 8);
    x.created_at = s.getColumn(9).getInt64();
    return x;
  }

  static Segment read_segment(SQLite::Statement& s) {
    Segment g;
    g.id = s.getColumn(0).getInt64();
    g.segmentation_id = s.getColumn(1).getInt64();
    g.index = s.getColumn(2).getInt();
    g.auto_name = s.getColumn(3).getString();
    g.name = col_text(s, 4);
    g.description = s.getColumn(5).getString();
    g.size = s.getColumn(6).getInt64();
    g.profile = s.getColumn(7).getString();
    return g;
  }

  std::vector<Segment> segments_of(Connection& c, long long id) {
    auto& s = c.q("segment-list");
    s.bind(1, static_cast<int64_t>(id));
    std::vector<Segment> out;
    while (s.executeStep()) out.push_back(read_segment(s));
    s.reset();
    return out;
  }

  Result<Segment> get_segment_on(Connection& c, long long id, long long segment_id) {
    auto& s = c.q("segment-get");
    s.bind(1, static_cast<int64_t>(id));
    s.bind(2, static_cast<int64_t>(segment_id));
    if (!s.executeStep()) return fail(Error::NotFound("segment", segment_id));
    Segment g = read_segment(s);
    s.reset();
    return g;
  }

  Result<Segmentation> get_segmentation_on(Connection& c, long long id, bool with_model) {
    auto& s = c.q("segmentation-get");
    s.bind(1, static_cast<int64_t>(id));
    if (!s.executeStep()) return fail(Error::NotFound("segmentation", id));
    Segmentation x = read_segmentation(s);
    s.reset();
    if (!with_model) x.model.clear();
    x.segments = segments_of(c, id);
    return x;
  }

  Result<Prospect> get_prospect_on(Connection& c, long long id) {
    auto& s = c.q("prospect-get");
    s.bind(1, static_cast<int64_t>(id));
    if (!s.executeStep()) return fail(Error::NotFound("prospect", id));
    Prospect p = read_prospect(s);
    s.reset();
    auto& t = c.q("prospect-tags");
    t.bind(1, static_cast<int64_t>(id));
    while (t.executeStep()) p.tags.push_back(t.getColumn(0).getString());
    return p;
  }

  void attach_tags(Connection& c, std::vector<Prospect>& items) {
    if (items.empty()) return;
    // One placeholder per id (a statement per page size, cached): cheaper than json_each.
    std::string sql = "SELECT prospect_id, tag FROM prospect_tags WHERE prospect_id IN (";
    std::unordered_map<long long, Prospect*> by_id;
    for (auto& p : items) {
      sql += by_id.empty() ? "?" : ",?";
      by_id[p.id] = &p;
    }
    sql += ") ORDER BY prospect_id, tag";
    auto& s = c.dynamic(sql);
    for (size_t i = 0; i < items.size(); ++i) s.bind(static_cast<int>(i + 1), static_cast<int64_t>(items[i].id));
    while (s.executeStep()) by_id[s.getColumn(0).getInt64()]->tags.push_back(s.getColumn(1).getString());
    s.reset();
  }

  void write_tags(Connection& c, long long id, const std::vector<std::string>& tags, bool clear_first) {
    if (clear_first) {
      auto& d = c.q("prospect-tags-clear");
      d.bind(1, static_cast<int64_t>(id));
      d.exec();
    }
    for (const auto& tag : tags) {
      auto& s = c.q("prospect-tag-add");
      s.bind(1, static_cast<int64_t>(id));
      s.bind(2, tag);
      s.exec();
    }
  }

  // Returns the transaction's version, the `rev` of the prospects it writes.
  long long bump_version(Connection& c) {
    auto& s = c.q("data-version-bump");
    s.bind(1, "prospects");
    if (!s.executeStep()) throw std::logic_error("no prospects row in data_versions");
    long long v = s.getColumn(0).getInt64();
    s.tryReset();
    return v;
  }

  long long data_version(Connection& c) {
    auto& s = c.q("data-version");
    s.bind(1, "prospects");
    s.executeStep();
    long long v = s.getColumn(0).getInt64();
    s.reset();
    return v;
  }

  // The total of a filter, from the cache while no prospect changed since it was counted.
  long long count_on(Connection& c, const ProspectFilter& f, const Where& w) {
    long long version = data_version(c);
    std::string key = f.key();
    {
      std::lock_guard lock(cache_mu_);
      if (auto it = counts_.find(key); it != counts_.end() && it->second.first == version) return it->second.second;
    }
    auto& s = c.dynamic("SELECT count(*) FROM prospects" + w.sql);
    bind_all(s, w.binds);
    s.executeStep();
    long long total = s.getColumn(0).getInt64();
    s.reset();
    std::lock_guard lock(cache_mu_);
    if (counts_.size() > 4096) counts_.clear();
    counts_[key] = {version, total};
    return total;
  }

  static std::map<std::string, std::string> load_queries() {
    std::map<std::string, std::string> all;
    for (const auto& f : embedded_files()) {
      if (!f.path.starts_with("store/sqlite/queries/")) continue;
      auto parsed = parse_named_queries(f.data);
      if (!parsed) throw std::runtime_error(std::string(f.path) + ": " + parsed.error().fields[0].message);
      for (auto& [k, v] : *parsed)
        if (!all.emplace(k, v).second) throw std::runtime_error("query '" + k + "' defined in two files");
    }
    return all;
  }

  // Applies, in order, each embedded migration not yet recorded, each in its own transaction.
  static void migrate(SQLite::Database& db) {
    db.exec("CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)");
    for (const auto& f : embedded_files()) {
      if (!f.path.starts_with("store/sqlite/migrations/")) continue;
      std::string name(f.path.substr(f.path.rfind('/') + 1));
      SQLite::Statement check(db, "SELECT 1 FROM schema_migrations WHERE name = ?");
      check.bind(1, name);
      if (check.executeStep()) continue;
      WriteTx tx(db);
      db.exec(std::string(f.data));
      SQLite::Statement rec(db, "INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)");
      rec.bind(1, name);
      rec.bind(2, static_cast<int64_t>(now_unix()));
      rec.exec();
      tx.commit();
    }
  }

  // The bulk connection, one user at a time (writers queue on the file's lock anyway).
  struct BulkLease {
    std::unique_lock<std::mutex> lock;
    Connection* conn;
    Connection* operator->() { return conn; }
    Connection& operator*() { return *conn; }
  };
  BulkLease bulk() { return {std::unique_lock(bulk_mu_), bulk_conn_.get()}; }
  static constexpr int kBulkCacheKib = 64 * 1024;
  static constexpr int kLoadCacheKib = 8 * 1024;  // during a load without the key indexes
  static constexpr int kIndexBuildCacheKib = 4 * 1024;  // the sorter's part of the keys per thread
  int bulk_cache_kib_ = kBulkCacheKib;            // under bulk_mu_

  int cache_kib_;
  // Before the connections: they call it when they commit, until they are closed.
  std::unique_ptr<WalCheckpointer> checkpointer_;
  Pool pool_;
  std::mutex bulk_mu_;
  std::unique_ptr<Connection> bulk_conn_;
  ProspectKeys keys_;  // under bulk_mu_: see KeysScope
  // The search catch-up's thread and its state, under catch_up_mu_ (closing_ is also read by
  // the thread between chunks).
  std::mutex catch_up_mu_;
  std::condition_variable catch_up_cv_;
  std::thread catch_up_thread_;
  bool catch_up_running_ = false;
  std::atomic<bool> closing_ = false;
  std::string catch_up_error_;
  std::mutex cache_mu_;
  std::unordered_map<std::string, std::pair<long long, long long>> counts_;  // filter key → (version, total)
  std::optional<Facets> facets_;
  long long facets_version_ = -1;
};

}  // namespace

Result<std::unique_ptr<Store>> open_sqlite_store(const SqliteOptions& options) {
  // Before SQLite's first use in the process (later, SQLite refuses and keeps its defaults):
  // no memory statistics, which took a global mutex around every allocation SQLite makes
  // (the load of a 1M-row import: 10.0 / 10.1 s with them, 8.8 / 9.1 s without). Nothing here
  // reads them.
  static const int configured = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  (void)configured;
  try {
    return std::unique_ptr<Store>(std::make_unique<SqliteStore>(options));
  } catch (const std::exception& e) {
    return fail(Error::Internal("cannot open the SQLite store " + options.path + ": " + e.what()));
  }
}

Result<std::unique_ptr<Store>> open_store(const std::string& url) {
  if (url.starts_with("mongodb://") || url.starts_with("mongodb+srv://"))
    return fail(Error::Invalid("store", "the MongoDB store is not built yet; use a SQLite path"));
  std::string path = url.starts_with("sqlite:") ? url.substr(7) : url;
  return open_sqlite_store({.path = path});
}

}  // namespace mimicom
