#include "store/sqlite/presorted_index.hpp"

#include "core/big_alloc.hpp"
#include "core/thread_name.hpp"
#include "store/sqlite/index_pages.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace mimicom {
namespace {

// ---- The statement ----

bool ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || (c & 0x80); }
bool ident_char(char c) { return ident_start(c) || std::isdigit(static_cast<unsigned char>(c)) || c == '$'; }

struct Lexer {
  std::string_view s;
  size_t i = 0;

  void space() {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  }
  bool keyword(std::string_view k) {
    space();
    if (s.size() - i < k.size()) return false;
    for (size_t j = 0; j < k.size(); ++j)
      if (std::toupper(static_cast<unsigned char>(s[i + j])) != k[j]) return false;
    if (i + k.size() < s.size() && ident_char(s[i + k.size()])) return false;
    i += k.size();
    return true;
  }
  bool punct(char c) {
    space();
    if (i < s.size() && s[i] == c) {
      ++i;
      return true;
    }
    return false;
  }
  std::optional<std::string> ident() {
    space();
    if (i >= s.size()) return std::nullopt;
    char open = s[i];
    if (open == '"' || open == '`' || open == '[') {
      char close = open == '[' ? ']' : open;
      std::string out;
      for (++i; i < s.size(); ++i) {
        if (s[i] != close) {
          out += s[i];
        } else if (close != ']' && i + 1 < s.size() && s[i + 1] == close) {
          out += close;
          ++i;
        } else {
          ++i;
          return out;
        }
      }
      return std::nullopt;
    }
    if (!ident_start(open)) return std::nullopt;
    size_t from = i;
    while (i < s.size() && ident_char(s[i])) ++i;
    return std::string(s.substr(from, i - from));
  }
};

std::string quoted(const std::string& name) {
  std::string out = "\"";
  for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// ---- SQLite calls that throw ----

void run(sqlite3* db, const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string what = err ? err : sqlite3_errmsg(db);
    sqlite3_free(err);
    throw std::runtime_error(what + " (" + sql.substr(0, 80) + ")");
  }
}

class Stmt {
 public:
  Stmt(sqlite3* db, const std::string& sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql.c_str(), static_cast<int>(sql.size()), &st_, nullptr) != SQLITE_OK)
      throw std::runtime_error(std::string(sqlite3_errmsg(db)) + " (" + sql.substr(0, 80) + ")");
  }
  ~Stmt() { sqlite3_finalize(st_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  bool step() {
    int rc = sqlite3_step(st_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw std::runtime_error(sqlite3_errmsg(db_));
  }
  sqlite3_stmt* get() const { return st_; }
  void text(int i, const std::string& v) {
    sqlite3_bind_text(st_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* st_ = nullptr;
};

long long one_int(sqlite3* db, const std::string& sql) {
  Stmt s(db, sql);
  if (!s.step()) throw std::runtime_error("no row: " + sql);
  return sqlite3_column_int64(s.get(), 0);
}

// ---- The keys read ----

// The large arrays here are Big (core/big_alloc.hpp): mapped, in huge pages, and unmapped whole.

// The values of one column, each a type byte and its bytes in an arena, and each row's value
// as a code: 0 for NULL, else 1 + the value's number. Values are looked up as they are read,
// so each is there once, unless nearly all are distinct (then each row appends its own);
// renumber() sorts them and leaves each once.
class Column {
 public:
  struct Value {
    uint32_t off;  // in arena_: the type, then the bytes
    uint32_t len;  // the bytes, without the type
  };

  Big<uint32_t> codes;  // per row
  bool has_real = false;

  uint32_t add(int type, const void* p, size_t n) {
    if (type == SQLITE_NULL) return 0;
    if (type == SQLITE_FLOAT) has_real = true;
    if (n == 0) p = "";  // SQLite gives no pointer for an empty blob
    if (plain_) return append(type, p, n);
    if (++present_ == kPlainAfter && values_.size() > kPlainAfter * 9 / 10) {
      // Nearly every value distinct (an e-mail): looking each up costs more than it saves.
      plain_ = true;
      Big<uint64_t>().swap(slots_);
      return append(type, p, n);
    }
    uint64_t h = hash_of(type, p, n);
    if ((values_.size() + 1) * 2 > slots_.size()) grow();
    size_t mask = slots_.size() - 1;
    const uint64_t tag = (h & 0xFFFFFFFF00000000ull);
    for (size_t at = h & mask;; at = (at + 1) & mask) {
      uint64_t slot = slots_[at];
      if (slot == 0) {
        uint32_t code = append(type, p, n);
        slots_[at] = tag | code;
        return code;
      }
      if ((slot & 0xFFFFFFFF00000000ull) != tag) continue;
      uint32_t code = static_cast<uint32_t>(slot);
      const Value& v = values_[code - 1];
      if (v.len == n && arena_[v.off] == type && std::memcmp(arena_.data() + v.off + 1, p, n) == 0) return code;
    }
  }

  uint32_t append(int type, const void* p, size_t n) {
    if (values_.size() >= UINT32_MAX - 1 || arena_.size() + n + 1 > UINT32_MAX)
      throw std::runtime_error("too many keys");
    values_.push_back({static_cast<uint32_t>(arena_.size()), static_cast<uint32_t>(n)});
    arena_.push_back(static_cast<char>(type));
    arena_.insert(arena_.end(), static_cast<const char*>(p), static_cast<const char*>(p) + n);
    return static_cast<uint32_t>(values_.size());
  }

  void release() {
    Big<uint32_t>().swap(codes);
    Big<char>().swap(arena_);
    Big<Value>().swap(values_);
    Big<uint64_t>().swap(slots_);
  }

  void done_reading() {
    slots_.clear();
    slots_.shrink_to_fit();
    arena_.shrink_to_fit();
  }

  // The number of values: once renumbered, codes go from 1 to it.
  size_t distinct() const { return values_.size(); }
  int type(uint32_t code) const { return arena_[values_[code - 1].off]; }
  const char* bytes(uint32_t code) const { return arena_.data() + values_[code - 1].off + 1; }
  uint32_t len(uint32_t code) const { return values_[code - 1].len; }
  long long integer(uint32_t code) const {
    long long v;
    std::memcpy(&v, bytes(code), sizeof v);
    return v;
  }
  double real(uint32_t code) const {
    double v;
    std::memcpy(&v, bytes(code), sizeof v);
    return v;
  }

  bool identical(uint32_t a, uint32_t b) const {
    return type(a) == type(b) && len(a) == len(b) && std::memcmp(bytes(a), bytes(b), len(a)) == 0;
  }

  // SQLite's order of two values (BINARY collation): numbers, then text, then blobs.
  int compare(uint32_t a, uint32_t b) const {
    int ta = type(a), tb = type(b);
    int ca = ta == SQLITE_FLOAT ? SQLITE_INTEGER : ta, cb = tb == SQLITE_FLOAT ? SQLITE_INTEGER : tb;
    if (ca != cb) return ca < cb ? -1 : 1;
    if (ca == SQLITE_INTEGER) {
      if (ta == SQLITE_INTEGER && tb == SQLITE_INTEGER) {
        long long x = integer(a), y = integer(b);
        return x < y ? -1 : x > y;
      }
      // Only speed depends on this one being exact (a unique key with reals is not built here).
      long double x = ta == SQLITE_INTEGER ? static_cast<long double>(integer(a)) : real(a);
      long double y = tb == SQLITE_INTEGER ? static_cast<long double>(integer(b)) : real(b);
      return x < y ? -1 : x > y;
    }
    uint32_t la = len(a), lb = len(b);
    int c = std::memcmp(bytes(a), bytes(b), std::min(la, lb));
    if (c != 0) return c < 0 ? -1 : 1;
    return la < lb ? -1 : la > lb;
  }

  // Renumbers the values in SQLite's order: afterwards a smaller code is a smaller value or,
  // for an integer and a real of equal value, an equal one, and the values lie in the arena in
  // that order (a fill reads them sorted: in order of their rows, each was a cache miss).
  // Once; then the column is only read.
  void renumber() {
    std::call_once(renumbered_, [this] {
      Big<uint32_t> numbers, texts, blobs;
      for (uint32_t code = 1; code <= values_.size(); ++code) {
        int t = type(code);
        (t == SQLITE_TEXT ? texts : t == SQLITE_BLOB ? blobs : numbers).push_back(code);
      }
      // Equal numbers: integers first, so that the same integer twice is side by side.
      std::sort(numbers.begin(), numbers.end(), [&](uint32_t a, uint32_t b) {
        int c = compare(a, b);
        return c != 0 ? c < 0 : type(a) < type(b);
      });
      sort_bytes(texts);
      sort_bytes(blobs);
      Big<uint32_t> to(values_.size() + 1, 0);
      Big<char> arena;
      arena.reserve(arena_.size());
      Big<Value> values;
      values.reserve(values_.size());
      uint32_t last = 0;
      for (const auto* group : {&numbers, &texts, &blobs})
        for (uint32_t code : *group) {
          const Value& v = values_[code - 1];
          // A value met again (a column read without looking values up) keeps one code.
          if (last != 0 && identical(last, code)) {
            to[code] = to[last];
            continue;
          }
          last = code;
          values.push_back({static_cast<uint32_t>(arena.size()), v.len});
          arena.insert(arena.end(), arena_.begin() + static_cast<long>(v.off),
                       arena_.begin() + static_cast<long>(v.off + 1 + v.len));
          to[code] = static_cast<uint32_t>(values.size());
        }
      for (uint32_t& c : codes) c = to[c];
      arena_.swap(arena);
      values_.swap(values);
    });
  }

 private:
  // Sorts values of one of the byte classes (text, blobs) in memcmp-then-length order: on
  // their next 8 bytes, then each run of equal ones on the 8 after (a radix of 64-bit digits:
  // e-mails share long prefixes, and a comparison sort of them stalled on the arena).
  void sort_bytes(Big<uint32_t>& codes) const {
    struct Item {
      uint64_t digit;  // bytes [depth, depth + 8), big-endian, zeros past the end
      uint32_t rest;   // the length when it ends within them, else a larger number
      uint32_t code;
    };
    Big<Item> items(codes.size());
    for (size_t k = 0; k < codes.size(); ++k) items[k].code = codes[k];
    struct Range {
      size_t from, to;
      uint32_t depth;
    };
    std::vector<Range> todo{{0, items.size(), 0}};
    while (!todo.empty()) {
      Range r = todo.back();
      todo.pop_back();
      for (size_t k = r.from; k < r.to; ++k) {
        Item& it = items[k];
        uint32_t n = len(it.code);
        const auto* b = reinterpret_cast<const unsigned char*>(bytes(it.code));
        uint64_t d = 0;
        for (uint32_t j = 0; j < 8; ++j) d = (d << 8) | (r.depth + j < n ? b[r.depth + j] : 0u);
        it.digit = d;
        // A shorter value equal so far is a prefix of the longer: it comes first.
        it.rest = n <= r.depth + 8 ? n : r.depth + 9;
      }
      std::sort(items.begin() + static_cast<long>(r.from), items.begin() + static_cast<long>(r.to),
                [](const Item& x, const Item& y) { return x.digit != y.digit ? x.digit < y.digit : x.rest < y.rest; });
      for (size_t k = r.from; k < r.to;) {
        size_t e = k + 1;
        while (e < r.to && items[e].digit == items[k].digit && items[e].rest == items[k].rest) ++e;
        if (e - k > 1 && items[k].rest == r.depth + 9) todo.push_back({k, e, r.depth + 8});
        k = e;
      }
    }
    for (size_t k = 0; k < codes.size(); ++k) codes[k] = items[k].code;
  }

  // A slot: the high half of the value's hash, its code in the low half; 0 for empty. The
  // slot's place comes from the low half of the hash: a table of up to 2^32 slots.
  void grow() {
    Big<uint64_t> slots(std::max<size_t>(64, slots_.size() * 2), 0);
    size_t mask = slots.size() - 1;
    for (uint64_t slot : slots_) {
      if (slot == 0) continue;
      uint32_t code = static_cast<uint32_t>(slot);
      const Value& v = values_[code - 1];
      size_t at = hash_of(arena_[v.off], arena_.data() + v.off + 1, v.len) & mask;
      while (slots[at] != 0) at = (at + 1) & mask;
      slots[at] = slot;
    }
    slots_.swap(slots);
  }
  static uint64_t hash_of(int type, const void* p, size_t n) {
    uint64_t h = std::hash<std::string_view>{}(std::string_view(static_cast<const char*>(p), n));
    return h ^ (static_cast<uint64_t>(type) * 0x9E3779B97F4A7C15ull);
  }

  Big<char> arena_;
  Big<Value> values_;
  Big<uint64_t> slots_;  // open addressing over values_: see grow()
  bool plain_ = false;   // values appended without a look-up: codes may repeat a value
  size_t present_ = 0;   // values read (not NULL)
  static constexpr size_t kPlainAfter = 4096;
  std::once_flag renumbered_;
};

// ---- The virtual table that gives one index's sorted keys to an INSERT ----

// One key of an index: its columns' codes (the first in the high half when there are two)
// and the row's rowid. Sorted by code, they are in the index's order.
struct Key {
  uint64_t codes;
  long long rowid;
};

struct Feed {
  std::vector<const Column*> columns;  // the index's, in order
  const Big<Key>* order = nullptr;
};
constexpr int kFeedColumns = 3;  // c0, c1, r: indexes of one or two columns

struct FeedTable {
  sqlite3_vtab base{};
  Feed* feed;
};
struct FeedCursor {
  sqlite3_vtab_cursor base{};
  size_t at = 0;
};

int feed_connect(sqlite3* db, void* aux, int, const char* const*, sqlite3_vtab** out, char**) {
  int rc = sqlite3_declare_vtab(db, "CREATE TABLE x(c0, c1, r)");
  if (rc != SQLITE_OK) return rc;
  auto* t = new FeedTable;
  t->feed = static_cast<Feed*>(aux);
  *out = &t->base;
  return SQLITE_OK;
}
int feed_disconnect(sqlite3_vtab* t) {
  delete reinterpret_cast<FeedTable*>(t);
  return SQLITE_OK;
}
int feed_best_index(sqlite3_vtab*, sqlite3_index_info* info) {
  info->estimatedCost = 1;
  return SQLITE_OK;
}
int feed_open(sqlite3_vtab*, sqlite3_vtab_cursor** out) {
  *out = &(new FeedCursor)->base;
  return SQLITE_OK;
}
int feed_close(sqlite3_vtab_cursor* c) {
  delete reinterpret_cast<FeedCursor*>(c);
  return SQLITE_OK;
}
int feed_filter(sqlite3_vtab_cursor* c, int, const char*, int, sqlite3_value**) {
  reinterpret_cast<FeedCursor*>(c)->at = 0;
  return SQLITE_OK;
}
int feed_next(sqlite3_vtab_cursor* c) {
  ++reinterpret_cast<FeedCursor*>(c)->at;
  return SQLITE_OK;
}
const Feed& feed_of(sqlite3_vtab_cursor* c) { return *reinterpret_cast<FeedTable*>(c->pVtab)->feed; }
int feed_eof(sqlite3_vtab_cursor* c) { return reinterpret_cast<FeedCursor*>(c)->at >= feed_of(c).order->size(); }
int feed_column(sqlite3_vtab_cursor* c, sqlite3_context* ctx, int i) {
  const Feed& f = feed_of(c);
  const Key& key = (*f.order)[reinterpret_cast<FeedCursor*>(c)->at];
  if (i == kFeedColumns - 1) {
    sqlite3_result_int64(ctx, key.rowid);
    return SQLITE_OK;
  }
  if (static_cast<size_t>(i) >= f.columns.size()) {
    sqlite3_result_null(ctx);
    return SQLITE_OK;
  }
  const Column& col = *f.columns[i];
  uint32_t code = f.columns.size() == 1 ? static_cast<uint32_t>(key.codes)
                  : i == 0              ? static_cast<uint32_t>(key.codes >> 32)
                                        : static_cast<uint32_t>(key.codes & 0xFFFFFFFFu);
  if (code == 0) {
    sqlite3_result_null(ctx);
    return SQLITE_OK;
  }
  switch (col.type(code)) {
    case SQLITE_INTEGER:
      sqlite3_result_int64(ctx, col.integer(code));
      break;
    case SQLITE_FLOAT:
      sqlite3_result_double(ctx, col.real(code));
      break;
    case SQLITE_TEXT:
      sqlite3_result_text(ctx, col.bytes(code), static_cast<int>(col.len(code)), SQLITE_STATIC);
      break;
    default:
      sqlite3_result_blob(ctx, col.bytes(code), static_cast<int>(col.len(code)), SQLITE_STATIC);
      break;
  }
  return SQLITE_OK;
}
int feed_rowid(sqlite3_vtab_cursor* c, sqlite3_int64* out) {
  *out = static_cast<sqlite3_int64>(reinterpret_cast<FeedCursor*>(c)->at);
  return SQLITE_OK;
}

sqlite3_module make_feed_module() {
  sqlite3_module m{};
  m.xConnect = feed_connect;  // no xCreate: eponymous only
  m.xBestIndex = feed_best_index;
  m.xDisconnect = feed_disconnect;
  m.xOpen = feed_open;
  m.xClose = feed_close;
  m.xFilter = feed_filter;
  m.xNext = feed_next;
  m.xEof = feed_eof;
  m.xColumn = feed_column;
  m.xRowid = feed_rowid;
  return m;
}
const sqlite3_module kFeedModule = make_feed_module();
constexpr const char* kFeedName = "mimicom_sorted_keys";
constexpr const char* kShapeTable = "mimicom_index_shape";
constexpr const char* kShapeIndex = "mimicom_index_shape_i";
constexpr const char* kFillTable = "mimicom_index_fill";

// ---- An index's records, as SQLite writes them ----

// A record (https://sqlite.org/fileformat2.html, "Record Format"): the header's size, each
// value's serial type, then the values. An index's record is its key's values and the rowid.
// Integers take the fewest bytes that hold them (0 and 1 none: serial types 8 and 9, schema
// format 4); text and blobs their bytes. No reals: an index with reals in its key is not
// written here (see write_pages).
class Records {
 public:
  explicit Records(const Feed& f) : f_(f) {}

  // The payload of key k, without writing it.
  uint64_t size(const Key& k) const {
    uint64_t header = 0, body = 0;
    for (size_t c = 0; c < f_.columns.size(); ++c) {
      uint64_t type = serial(c, code_of(k, c), nullptr);
      header += varint_size(type);
      body += body_size(type);
    }
    uint64_t rowid = int_type(k.rowid);
    header += varint_size(rowid);
    body += body_size(rowid);
    return header_total(header) + body;
  }

  // Writes key k's record at `out` (size(k) bytes); returns its size.
  uint32_t write(const Key& k, uint8_t* out) const {
    uint64_t types[kFeedColumns];
    long long ints[kFeedColumns];
    const size_t n = f_.columns.size();
    uint64_t header = 0;
    for (size_t c = 0; c < n; ++c) {
      types[c] = serial(c, code_of(k, c), &ints[c]);
      header += varint_size(types[c]);
    }
    types[n] = int_type(k.rowid);
    ints[n] = k.rowid;
    header += varint_size(types[n]);
    const uint64_t total_header = header_total(header);
    uint8_t* p = put_varint(out, total_header);
    for (size_t c = 0; c <= n; ++c) p = put_varint(p, types[c]);
    for (size_t c = 0; c <= n; ++c) {
      uint64_t t = types[c];
      if (t >= 12) {
        const Column& col = *f_.columns[c];
        uint32_t code = code_of(k, c);
        std::memcpy(p, col.bytes(code), col.len(code));
        p += col.len(code);
      } else if (t >= 1 && t <= 6) {
        size_t bytes = body_size(t);
        auto v = static_cast<uint64_t>(ints[c]);
        for (size_t b = bytes; b-- > 0;) {
          p[b] = static_cast<uint8_t>(v);
          v >>= 8;
        }
        p += bytes;
      }
    }
    return static_cast<uint32_t>(p - out);
  }

 private:
  uint32_t code_of(const Key& k, size_t c) const {
    if (f_.columns.size() == 1) return static_cast<uint32_t>(k.codes);
    return c == 0 ? static_cast<uint32_t>(k.codes >> 32) : static_cast<uint32_t>(k.codes & 0xFFFFFFFFu);
  }
  // The serial type of column c's value `code`; its integer in *v when it is one.
  uint64_t serial(size_t c, uint32_t code, long long* v) const {
    if (code == 0) return 0;
    const Column& col = *f_.columns[c];
    switch (col.type(code)) {
      case SQLITE_INTEGER: {
        long long x = col.integer(code);
        if (v) *v = x;
        return int_type(x);
      }
      case SQLITE_TEXT:
        return 2ull * col.len(code) + 13;
      case SQLITE_BLOB:
        return 2ull * col.len(code) + 12;
      default:
        throw std::logic_error("a real number in a key written as pages");
    }
  }
  static uint64_t int_type(long long x) {
    if (x == 0) return 8;
    if (x == 1) return 9;
    uint64_t u = x < 0 ? ~static_cast<uint64_t>(x) : static_cast<uint64_t>(x);
    if (u <= 127) return 1;
    if (u <= 32767) return 2;
    if (u <= 8388607) return 3;
    if (u <= 2147483647) return 4;
    if (u <= 140737488355327ll) return 5;
    return 6;
  }
  static uint64_t body_size(uint64_t type) {
    static constexpr uint8_t kInts[] = {0, 1, 2, 3, 4, 6, 8, 8, 0, 0, 0, 0};
    return type < 12 ? kInts[type] : (type - 12) / 2;
  }
  static uint64_t varint_size(uint64_t v) {
    uint64_t n = 1;
    while (v >= 0x80 && n < 9) {
      v >>= 7;
      ++n;
    }
    return n;
  }
  // The header's size counts its own varint.
  static uint64_t header_total(uint64_t types) {
    uint64_t n = types + 1;
    while (varint_size(n) + types > n) ++n;
    return n;
  }
  static uint8_t* put_varint(uint8_t* p, uint64_t v) {
    // Values here are under 2^56: groups of 7 bits, high first.
    uint8_t tmp[9];
    int n = 0;
    do {
      tmp[n++] = static_cast<uint8_t>((v & 0x7F) | 0x80);
      v >>= 7;
    } while (v != 0);
    tmp[0] &= 0x7F;
    while (n > 0) *p++ = tmp[--n];
    return p;
  }

  const Feed& f_;
};

// ---- An index's b-tree written as pages ----

// What writing pages needs of the database: its header (page 1) and its pages' geometry.
struct FileShape {
  std::string page1;
  uint32_t page_size = 0, usable = 0;
};

uint32_t get2(const std::string& b, size_t at) {
  return (static_cast<uint32_t>(static_cast<uint8_t>(b[at])) << 8) | static_cast<uint8_t>(b[at + 1]);
}
uint32_t get4(const std::string& b, size_t at) { return (get2(b, at) << 16) | get2(b, at + 2); }

// Why the keys of `feed` cannot be written as pages into `db` (empty: they can; then `shape`
// is filled).
std::string pages_refused(sqlite3* db, const Feed& feed, const Big<Key>& order, FileShape& shape) {
  // Equal keys are in rowid order in the index; an integer and a real of equal value have two
  // codes here (ordered by code, not by rowid).
  for (const Column* c : feed.columns)
    if (c->has_real) return "real numbers in the key";
  if (one_int(db, "SELECT count(*) FROM pragma_module_list WHERE name = 'sqlite_dbpage'") == 0)
    return "no sqlite_dbpage in this SQLite";
  if (one_int(db, "PRAGMA auto_vacuum") != 0) return "auto_vacuum (pointer-map pages)";
  {
    Stmt e(db, "PRAGMA encoding");
    if (!e.step() || std::string_view(reinterpret_cast<const char*>(sqlite3_column_text(e.get(), 0))) != "UTF-8")
      return "not a UTF-8 database";
  }
  {
    Stmt p(db, "SELECT data FROM sqlite_dbpage WHERE pgno = 1");
    if (!p.step()) return "no page 1";
    const void* data = sqlite3_column_blob(p.get(), 0);
    shape.page1.assign(static_cast<const char*>(data), static_cast<size_t>(sqlite3_column_bytes(p.get(), 0)));
  }
  const std::string& h = shape.page1;
  if (h.size() < 100 || h.compare(0, 16, std::string("SQLite format 3\0", 16)) != 0) return "an unknown header";
  shape.page_size = get2(h, 16) == 1 ? 65536 : get2(h, 16);
  shape.usable = shape.page_size - static_cast<uint8_t>(h[20]);
  if (shape.page_size != h.size() || shape.usable < 480) return "an unknown page size";
  if (get4(h, 44) != 4) return "schema format " + std::to_string(get4(h, 44));
  // A statement still running would keep the connection's read transaction (and its page
  // count, which these pages make stale) past the commit.
  for (sqlite3_stmt* st = sqlite3_next_stmt(db, nullptr); st; st = sqlite3_next_stmt(db, st))
    if (sqlite3_stmt_busy(st)) return "a statement is running on the connection";
  Records records(feed);
  const uint32_t limit = IndexPages::max_local(shape.usable);
  for (const Key& k : order)
    if (records.size(k) > limit) return "a key longer than a page holds";
  return {};
}

// Writes the b-tree of `order` into the index whose root page, an empty leaf, is `root`: the
// other pages after the file's last one, then the file's new page count in page 1. These must
// be the last writes of the transaction: SQLite's b-tree layer keeps the page count it read
// when the transaction began, so a page it allocated after them would be one of them.
void write_pages(sqlite3* db, const Feed& feed, const Big<Key>& order, uint32_t root, FileShape& shape) {
  const long long pages_before = one_int(db, "PRAGMA page_count");
  if (pages_before < root || pages_before >= UINT32_MAX - 1) throw std::runtime_error("unexpected page count");
  Stmt put(db, "INSERT INTO sqlite_dbpage (pgno, data) VALUES (?1, ?2)");
  const int size = static_cast<int>(shape.page_size);
  auto write = [&](uint32_t number, const uint8_t* page) {
    sqlite3_bind_int64(put.get(), 1, number);
    sqlite3_bind_blob(put.get(), 2, page, size, SQLITE_STATIC);
    put.step();
    sqlite3_reset(put.get());
  };
  IndexPages pages(shape.page_size, shape.usable, root, static_cast<uint32_t>(pages_before) + 1, write);
  Records records(feed);
  std::vector<uint8_t> record(IndexPages::max_local(shape.usable));
  for (const Key& k : order) pages.add(record.data(), records.write(k, record.data()));
  uint32_t highest = pages.finish();
  if (highest > pages_before) {
    std::string& h = shape.page1;
    for (int b = 0; b < 4; ++b) h[28 + b] = static_cast<char>(highest >> (24 - 8 * b));
    write(1, reinterpret_cast<const uint8_t*>(h.data()));
  }
}

}  // namespace

std::optional<IndexStatement> parse_index_statement(std::string_view sql) {
  Lexer l{sql};
  IndexStatement out;
  out.sql = std::string(sql);
  if (!l.keyword("CREATE")) return std::nullopt;
  out.unique = l.keyword("UNIQUE");
  if (!l.keyword("INDEX")) return std::nullopt;
  if (l.keyword("IF") && !(l.keyword("NOT") && l.keyword("EXISTS"))) return std::nullopt;
  auto name = l.ident();
  if (!name || !l.keyword("ON")) return std::nullopt;
  auto table = l.ident();
  if (!table || !l.punct('(')) return std::nullopt;
  out.name = *name;
  out.table = *table;
  do {
    auto column = l.ident();
    if (!column) return std::nullopt;
    l.keyword("ASC");
    out.columns.push_back(*column);
  } while (l.punct(','));
  if (!l.punct(')') || out.columns.size() > 2) return std::nullopt;
  l.space();
  if (l.i < sql.size()) {
    if (!l.keyword("WHERE")) return std::nullopt;
    l.space();
    out.where = std::string(sql.substr(l.i));
    while (!out.where.empty() && std::isspace(static_cast<unsigned char>(out.where.back()))) out.where.pop_back();
    if (out.where.empty()) return std::nullopt;
  }
  return out;
}

// The keys are read by two threads, each on its own connection, each a part of the columns:
// those of the first index (the unique e-mail: its sort is the longest, and it is built first),
// and the others. Each index is sorted by the thread of its part (the second when it needs
// columns of both), and built only if the version its keys were read at is the writer's.
struct PresortedIndexes::State {
  std::string path, table, version_sql;
  std::vector<IndexStatement> indexes;

  struct Part {
    std::vector<size_t> columns;  // in `columns`
    std::vector<size_t> indexes;  // those this part sorts, in order
    Big<long long> rowids;
    long long version = 0;
    bool done = false;  // read (or failed: error)
    std::string error;
    std::thread thread;
  };
  // Written by a part's thread until it is done, then only read.
  std::vector<std::string> column_names;
  std::vector<std::unique_ptr<Column>> columns;
  std::vector<std::vector<size_t>> index_columns;  // per index: its columns in `columns`
  std::vector<int> owner;                          // per index: the part that reads its rows
  std::vector<int> column_part;                    // per column: the part that reads it
  std::vector<size_t> last_use;                    // per column: the last index that needs it
  std::vector<Big<uint8_t>> in_index;              // per partial index: 1 if the row is in it
  Part parts[2];

  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::optional<Big<Key>>> sorted;  // per index, once ready
  std::vector<std::string> failed;              // per index: why not, once known
  std::vector<bool> known;
  std::vector<long long> version_of;  // per index: the version its keys were read at
  std::vector<bool> as_pages;         // per index built: written as pages (else by an imposter)
  std::vector<std::string> pages_refused;  // per index built otherwise: why not as pages
  std::atomic<bool> stop{false};
  // The index the writer builds (or skipped) last: a part sorts at most two ahead of it, so
  // the sorted keys of at most three indexes are in memory.
  size_t building = 0;
  static constexpr size_t kAhead = 2;
  size_t next_sort = 0;       // the next index to sort, by either thread
  size_t unsorted[2] = {0, 0};  // per part: the indexes of its rows not sorted yet

  void publish(size_t i, std::optional<Big<Key>> order, std::string why, long long version = 0) {
    std::lock_guard lock(mu);
    sorted[i] = std::move(order);
    failed[i] = std::move(why);
    version_of[i] = version;
    known[i] = true;
    cv.notify_all();
  }

  void plan() {
    for (const auto& ix : indexes) {
      std::vector<size_t> mine;
      for (const auto& c : ix.columns) {
        auto it =
            std::find_if(column_names.begin(), column_names.end(), [&](const auto& n) { return same_name(n, c); });
        if (it == column_names.end()) {
          column_names.push_back(c);
          it = column_names.end() - 1;
        }
        mine.push_back(static_cast<size_t>(it - column_names.begin()));
      }
      index_columns.push_back(std::move(mine));
    }
    last_use.assign(column_names.size(), 0);
    for (size_t k = 0; k < column_names.size(); ++k) {
      columns.push_back(std::make_unique<Column>());
      bool first = std::find(index_columns[0].begin(), index_columns[0].end(), k) != index_columns[0].end();
      column_part.push_back(first ? 0 : 1);
      parts[column_part.back()].columns.push_back(k);
    }
    for (size_t i = 0; i < indexes.size(); ++i) {
      bool first = true;
      for (size_t c : index_columns[i]) {
        first = first && column_part[c] == 0;
        last_use[c] = i;
      }
      owner.push_back(first ? 0 : 1);
      parts[owner.back()].indexes.push_back(i);
      ++unsorted[owner.back()];
    }
    in_index.resize(indexes.size());
  }

  void run_part(int p) {
    Part& part = parts[p];
    try {
      read(part);
    } catch (const std::exception& e) {
      part.error = std::string("reading the keys: ") + e.what();
    }
    {
      std::lock_guard lock(mu);
      part.done = true;
      cv.notify_all();
    }
    // Then both threads sort the indexes, each taking the lowest not taken yet (so the one the
    // writer waits for next comes first), once the columns it needs are read. Each part's
    // thread had its own before: the one that read the e-mails stood idle while the other
    // sorted the phones' million values (0.37 s the writer waited, in a 1M-row import).
    while (true) {
      size_t i;
      std::string why;
      {
        std::unique_lock lock(mu);
        if (next_sort >= indexes.size()) break;
        i = next_sort;
        auto columns_read = [&] {
          if (stop) return true;
          for (size_t c : index_columns[i])
            if (!parts[column_part[c]].done) return false;
          return true;
        };
        cv.wait(lock, columns_read);
        if (next_sort != i) continue;  // the other thread took it meanwhile
        ++next_sort;
        const Part& own = parts[owner[i]];
        for (size_t c : index_columns[i]) {
          const Part& other = parts[column_part[c]];
          if (!other.error.empty()) why = other.error;
          else if (other.done && other.version != own.version) why = "the rows changed between the two reads";
        }
        if (!own.error.empty()) why = own.error;
        if (why.empty() && stop) why = "stopped";
      }
      // Its values are put in order at once, its keys only when the writer is near (each
      // index's sorted keys are ~16 bytes a row: at most kAhead + 1 of them wait).
      if (why.empty()) {
        try {
          renumber(i);
        } catch (const std::exception& e) {
          why = std::string("sorting the keys: ") + e.what();
        }
      }
      if (why.empty()) {
        std::unique_lock lock(mu);
        cv.wait(lock, [&] { return i <= building + kAhead || stop; });
        if (stop) why = "stopped";
      }
      if (!why.empty()) {
        publish(i, std::nullopt, why);
      } else {
        try {
          sort_index(i);
        } catch (const std::exception& e) {
          publish(i, std::nullopt, std::string("sorting the keys: ") + e.what());
        }
      }
      bool last = false;
      {
        std::lock_guard lock(mu);
        last = --unsorted[owner[i]] == 0;
      }
      if (last) Big<long long>().swap(parts[owner[i]].rowids);  // no other index needs them
    }
  }

  void read(Part& part) {
    std::string select = "SELECT rowid";
    for (size_t c : part.columns) select += ", " + quoted(column_names[c]);
    std::vector<size_t> partial;
    for (size_t i : part.indexes)
      if (!indexes[i].where.empty()) {
        select += ", CASE WHEN (" + indexes[i].where + ") THEN 1 ELSE 0 END";
        partial.push_back(i);
      }
    select += " FROM " + quoted(table) + " ORDER BY rowid";

    sqlite3* raw = nullptr;
    int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
    std::unique_ptr<sqlite3, int (*)(sqlite3*)> db(raw, sqlite3_close_v2);
    if (rc != SQLITE_OK) throw std::runtime_error(raw ? sqlite3_errmsg(raw) : "cannot open the base");
    sqlite3_busy_timeout(db.get(), 5000);
    run(db.get(), "BEGIN");
    part.version = one_int(db.get(), version_sql);
    const auto rows = static_cast<size_t>(one_int(db.get(), "SELECT count(*) FROM " + quoted(table)));
    Stmt s(db.get(), select);
    sqlite3_stmt* st = s.get();
    const int n = static_cast<int>(part.columns.size());
    std::vector<Column*> cols;
    for (size_t c : part.columns) {
      cols.push_back(columns[c].get());
      cols.back()->codes.reserve(rows);
    }
    part.rowids.reserve(rows);
    for (size_t i : partial) in_index[i].reserve(rows);
    while (s.step()) {
      if (part.rowids.size() >= UINT32_MAX - 1) throw std::runtime_error("too many rows");
      if ((part.rowids.size() & 0xFFFF) == 0 && stop) throw std::runtime_error("stopped");
      part.rowids.push_back(sqlite3_column_int64(st, 0));
      for (int k = 0; k < n; ++k) {
        int t = sqlite3_column_type(st, k + 1);
        Column& col = *cols[k];
        uint32_t code = 0;
        if (t == SQLITE_INTEGER) {
          long long v = sqlite3_column_int64(st, k + 1);
          code = col.add(t, &v, sizeof v);
        } else if (t == SQLITE_FLOAT) {
          double v = sqlite3_column_double(st, k + 1);
          code = col.add(t, &v, sizeof v);
        } else if (t == SQLITE_TEXT) {
          const unsigned char* p = sqlite3_column_text(st, k + 1);
          code = col.add(t, p, static_cast<size_t>(sqlite3_column_bytes(st, k + 1)));
        } else if (t == SQLITE_BLOB) {
          const void* p = sqlite3_column_blob(st, k + 1);
          code = col.add(t, p, static_cast<size_t>(sqlite3_column_bytes(st, k + 1)));
        }
        col.codes.push_back(code);
      }
      for (size_t k = 0; k < partial.size(); ++k)
        in_index[partial[k]].push_back(sqlite3_column_int(st, n + 1 + static_cast<int>(k)) != 0);
    }
    run(db.get(), "COMMIT");
    for (Column* c : cols) c->done_reading();
  }

  // Its columns' values in SQLite's order (the longest part of a sort when most values are
  // distinct, as phones are), done once per column.
  void renumber(size_t i) {
    for (size_t c : index_columns[i]) columns[c]->renumber();
  }

  void sort_index(size_t i) {
    const IndexStatement& ix = indexes[i];
    const auto& cols = index_columns[i];
    const Part& part = parts[owner[i]];
    if (ix.unique)
      for (size_t c : cols)
        if (columns[c]->has_real) return publish(i, std::nullopt, "real numbers in a unique key");
    const Big<uint8_t>* keep = ix.where.empty() ? nullptr : &in_index[i];
    renumber(i);
    const auto& c0 = columns[cols[0]]->codes;
    const Big<uint32_t>* c1 = cols.size() > 1 ? &columns[cols[1]]->codes : nullptr;
    // Counting sorts of the rows, by the second column, then by the first: each keeps the order
    // it was given, so equal keys stay in rowid order (the order the rows were read in), as the
    // index has them. Codes are dense (1 to the number of values, 0 for NULL). Against a
    // comparison sort of the keys: 10 indexes of 1M rows, ~0.5 s of the sorters' CPU.
    const auto rows = static_cast<uint32_t>(part.rowids.size());
    auto kept = [&](uint32_t row) { return !keep || (*keep)[row]; };
    auto starts = [](size_t values) { return Big<uint32_t>(values + 2, 0); };
    Big<uint32_t> by_second;  // the rows kept, by the second column's code
    if (c1) {
      Big<uint32_t> at = starts(columns[cols[1]]->distinct());
      uint32_t n = 0;
      for (uint32_t row = 0; row < rows; ++row) {
        if (!kept(row)) continue;
        ++at[(*c1)[row] + 1];
        ++n;
      }
      for (size_t v = 1; v < at.size(); ++v) at[v] += at[v - 1];
      by_second.resize(n);
      for (uint32_t row = 0; row < rows; ++row)
        if (kept(row)) by_second[at[(*c1)[row]]++] = row;
    }
    auto each_row = [&](auto&& f) {
      if (c1) {
        for (uint32_t row : by_second) f(row);
      } else {
        for (uint32_t row = 0; row < rows; ++row)
          if (kept(row)) f(row);
      }
    };
    Big<uint32_t> at = starts(columns[cols[0]]->distinct());
    uint32_t n = 0;
    each_row([&](uint32_t row) {
      ++at[c0[row] + 1];
      ++n;
    });
    for (size_t v = 1; v < at.size(); ++v) at[v] += at[v - 1];
    Big<Key> order(n);
    each_row([&](uint32_t row) {
      uint64_t k = c1 ? (static_cast<uint64_t>(c0[row]) << 32) | (*c1)[row] : c0[row];
      order[at[c0[row]]++] = {k, part.rowids[row]};
    });
    Big<uint32_t>().swap(by_second);
    if (ix.unique) {
      // Equal values have equal codes here: a unique key has no real numbers.
      for (size_t k = 1; k < order.size(); ++k) {
        uint64_t v = order[k].codes;
        bool null_in_key = c1 ? ((v >> 32) == 0 || (v & 0xFFFFFFFFu) == 0) : v == 0;
        if (v == order[k - 1].codes && !null_in_key) return publish(i, std::nullopt, "the same key twice");
      }
    }
    publish(i, std::move(order), {}, part.version);
  }
};

PresortedIndexes::PresortedIndexes(std::string path, std::string table, std::vector<IndexStatement> indexes,
                                   std::string version_sql)
    : s_(std::make_unique<State>()) {
  s_->path = std::move(path);
  s_->table = std::move(table);
  s_->version_sql = std::move(version_sql);
  s_->indexes = std::move(indexes);
  const size_t n = s_->indexes.size();
  s_->sorted.resize(n);
  s_->failed.resize(n);
  s_->known.resize(n);
  s_->version_of.resize(n);
  s_->as_pages.resize(n);
  s_->pages_refused.resize(n);
  if (n == 0) return;
  s_->plan();
  for (int p = 0; p < 2; ++p)
    if (!s_->parts[p].columns.empty() || !s_->parts[p].indexes.empty())
      s_->parts[p].thread = std::thread([s = s_.get(), p] {
        name_this_thread("index-keys-" + std::to_string(p + 1));
        s->run_part(p);
      });
}

PresortedIndexes::~PresortedIndexes() {
  {
    std::lock_guard lock(s_->mu);
    s_->stop = true;
    s_->cv.notify_all();
  }
  for (auto& part : s_->parts)
    if (part.thread.joinable()) part.thread.join();
}

bool PresortedIndexes::usable(sqlite3* db) {
  int defensive = 1;
  if (sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, -1, &defensive) != SQLITE_OK) return false;
  return defensive == 0;
}

bool PresortedIndexes::written_as_pages(size_t i) const { return s_->as_pages.at(i); }
const std::string& PresortedIndexes::why_not_pages(size_t i) const { return s_->pages_refused.at(i); }

void PresortedIndexes::forget_pages(sqlite3* db) { sqlite3_db_release_memory(db); }

std::optional<std::string> PresortedIndexes::build(sqlite3* db, size_t i, long long version) {
  Big<Key> order;
  struct Release {  // the columns no later index needs, once this one is built (or not)
    State& s;
    size_t i;
    ~Release() {
      for (size_t c : s.index_columns[i])
        if (s.last_use[c] == i) s.columns[c]->release();
      Big<uint8_t>().swap(s.in_index[i]);
    }
  } release{*s_, i};
  {
    std::unique_lock lock(s_->mu);
    s_->building = std::max(s_->building, i);
    s_->cv.notify_all();
    s_->cv.wait(lock, [&] { return s_->known[i]; });
    if (!s_->sorted[i]) return s_->failed[i];
    order = std::move(*s_->sorted[i]);
    s_->sorted[i].reset();
  }
  if (version != s_->version_of[i]) return "the rows changed since they were read";
  const IndexStatement& ix = s_->indexes[i];

  struct Imposter {  // off again, whatever happens
    sqlite3* db;
    ~Imposter() { sqlite3_test_control(SQLITE_TESTCTRL_IMPOSTER, db, "main", 0, 0); }
  };
  struct WritableSchema {
    sqlite3* db;
    bool on = false;
    ~WritableSchema() {
      if (on) sqlite3_exec(db, "PRAGMA writable_schema = OFF", nullptr, nullptr, nullptr);
    }
  };
  struct Module {
    sqlite3* db;
    bool on = false;
    ~Module() {
      if (on) sqlite3_create_module_v2(db, kFeedName, nullptr, nullptr, nullptr);
    }
  };

  run(db, "SAVEPOINT mimicom_presorted");
  try {
    // The index, empty, made on a copy of the table, then given its own name, table and statement.
    std::string table_sql;
    {
      Stmt s(db, "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?1");
      s.text(1, s_->table);
      if (!s.step()) throw std::runtime_error("no table " + s_->table);
      table_sql = reinterpret_cast<const char*>(sqlite3_column_text(s.get(), 0));
    }
    Lexer l{table_sql};
    if (!l.keyword("CREATE") || !l.keyword("TABLE")) throw std::runtime_error("unexpected table statement");
    auto name = l.ident();
    if (!name || !same_name(*name, s_->table) || !l.punct('(')) throw std::runtime_error("unexpected table statement");
    run(db, std::string("CREATE TABLE ") + kShapeTable + " (" + table_sql.substr(l.i));
    std::string columns;
    for (const auto& c : ix.columns) columns += (columns.empty() ? "" : ", ") + quoted(c);
    run(db, std::string("CREATE ") + (ix.unique ? "UNIQUE " : "") + "INDEX " + kShapeIndex + " ON " + kShapeTable +
                " (" + columns + ")" + (ix.where.empty() ? "" : " WHERE " + ix.where));
    {
      Stmt x(db, std::string("PRAGMA index_xinfo(") + kShapeIndex + ")");
      size_t keys = 0;
      while (x.step()) {
        if (sqlite3_column_int(x.get(), 5) == 0) continue;  // the rowid
        const char* n = reinterpret_cast<const char*>(sqlite3_column_text(x.get(), 2));
        const char* coll = reinterpret_cast<const char*>(sqlite3_column_text(x.get(), 4));
        if (keys >= ix.columns.size() || !n || !same_name(n, ix.columns[keys]) || sqlite3_column_int(x.get(), 3) != 0 ||
            !coll || std::string_view(coll) != "BINARY")
          throw std::runtime_error("not plain ascending columns of BINARY collation");
        ++keys;
      }
      if (keys != ix.columns.size()) throw std::runtime_error("unexpected index columns");
      // A column of REAL affinity stores whole reals as integers, and CREATE INDEX does the same
      // in the index: these keys would be written otherwise (equal, not the same bytes).
      for (const auto& c : ix.columns) {
        Stmt t(db, std::string("SELECT upper(type) FROM pragma_table_xinfo('") + kShapeTable + "') WHERE name = ?1");
        t.text(1, c);
        std::string type = t.step() ? reinterpret_cast<const char*>(sqlite3_column_text(t.get(), 0)) : "";
        bool real = type.find("INT") == std::string::npos &&
                    (type.find("REAL") != std::string::npos || type.find("FLOA") != std::string::npos ||
                     type.find("DOUB") != std::string::npos);
        if (real) throw std::runtime_error("a column of REAL affinity");
      }
    }
    long long schema_version = one_int(db, "PRAGMA schema_version");
    {
      WritableSchema ws{db};
      run(db, "PRAGMA writable_schema = ON");
      ws.on = true;
      Stmt u(db, "UPDATE sqlite_schema SET name = ?1, tbl_name = ?2, sql = ?3 WHERE type = 'index' AND name = ?4");
      u.text(1, ix.name);
      u.text(2, s_->table);
      u.text(3, ix.sql);
      u.text(4, kShapeIndex);
      u.step();
      if (sqlite3_changes(db) != 1) throw std::runtime_error("the index made on the copy is not in the schema");
      run(db, "PRAGMA schema_version = " + std::to_string(schema_version + 1));
    }
    run(db, std::string("DROP TABLE ") + kShapeTable);
    long long root;
    {
      // Read after the DROP: with auto_vacuum, dropping a table may move another's root page.
      Stmt s(db, "SELECT rootpage FROM sqlite_schema WHERE type = 'index' AND name = ?1 AND tbl_name = ?2");
      s.text(1, ix.name);
      s.text(2, s_->table);
      if (!s.step()) throw std::runtime_error("the renamed index is not in the schema");
      root = sqlite3_column_int64(s.get(), 0);
    }

    Feed feed;
    for (size_t c : s_->index_columns[i]) feed.columns.push_back(s_->columns[c].get());
    feed.order = &order;
    FileShape shape;
    std::string refused = pages_refused(db, feed, order, shape);
    if (refused.empty()) {
      write_pages(db, feed, order, static_cast<uint32_t>(root), shape);
      run(db, "RELEASE mimicom_presorted");
      s_->as_pages[i] = true;
      return std::nullopt;
    }
    s_->pages_refused[i] = refused;

    // Else its b-tree as a table of its keys and rowids, filled by SQLite.
    std::string keys;  // "c0, " or "c0, c1, "
    for (size_t k = 0; k < ix.columns.size(); ++k) keys += "c" + std::to_string(k) + ", ";
    {
      Imposter off{db};
      sqlite3_test_control(SQLITE_TESTCTRL_IMPOSTER, db, "main", 1, static_cast<int>(root));
      run(db,
          std::string("CREATE TABLE ") + kFillTable + " (" + keys + "r, PRIMARY KEY (" + keys + "r)) WITHOUT ROWID");
    }
    // A SQLite built without test controls made a real table: then nothing is written here.
    if (one_int(db, std::string("SELECT count(*) FROM sqlite_schema WHERE name = '") + kFillTable + "'") != 0)
      throw std::runtime_error("no imposter tables in this SQLite");

    {
      Module m{db};
      if (sqlite3_create_module_v2(db, kFeedName, &kFeedModule, &feed, nullptr) != SQLITE_OK)
        throw std::runtime_error(sqlite3_errmsg(db));
      m.on = true;
      run(db, std::string("INSERT INTO ") + kFillTable + " SELECT " + keys + "r FROM " + kFeedName);
      if (static_cast<size_t>(sqlite3_changes64(db)) != order.size()) throw std::runtime_error("keys missing");
    }
    // Forgets the imposter table (it was never in sqlite_schema).
    sqlite3_test_control(SQLITE_TESTCTRL_IMPOSTER, db, "main", 0, 1);
    run(db, "RELEASE mimicom_presorted");
    return std::nullopt;
  } catch (const std::exception& e) {
    sqlite3_exec(db, "ROLLBACK TO mimicom_presorted", nullptr, nullptr, nullptr);
    sqlite3_exec(db, "RELEASE mimicom_presorted", nullptr, nullptr, nullptr);
    sqlite3_test_control(SQLITE_TESTCTRL_IMPOSTER, db, "main", 0, 1);
    return e.what();
  }
}

}  // namespace mimicom
