#include "store/sqlite/search_match.hpp"

#include <sqlite3.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace mimicom {
namespace {

// The tokenizer of prospects_fts, created once per connection.
struct Tokenizer {
  fts5_tokenizer api{};
  Fts5Tokenizer* tok = nullptr;
  ~Tokenizer() {
    if (tok) api.xDelete(tok);
  }
  std::vector<std::string> tokens(std::string_view text) const {
    std::vector<std::string> out;
    api.xTokenize(tok, &out, FTS5_TOKENIZE_DOCUMENT, text.data(), static_cast<int>(text.size()),
                  [](void* ctx, int, const char* t, int n, int, int) -> int {
                    static_cast<std::vector<std::string>*>(ctx)->emplace_back(t, static_cast<size_t>(n));
                    return SQLITE_OK;
                  });
    return out;
  }
};

fts5_api* fts5_of(sqlite3* db) {
  fts5_api* api = nullptr;
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, nullptr) == SQLITE_OK) {
    sqlite3_bind_pointer(st, 1, &api, "fts5_api_ptr", nullptr);
    sqlite3_step(st);
  }
  sqlite3_finalize(st);
  return api;
}

// A query's terms: the tokens of its quoted phrases, in order, each but the last of its
// phrase exact, the last a prefix. No term: nothing matches.
struct Term {
  std::string token;
  bool prefix;
};
using Terms = std::vector<Term>;

Terms parse(const Tokenizer& t, std::string_view q) {
  Terms out;
  size_t i = 0;
  while ((i = q.find('"', i)) != std::string_view::npos) {
    size_t end = q.find('"', i + 1);
    if (end == std::string_view::npos) break;
    auto tokens = t.tokens(q.substr(i + 1, end - i - 1));
    for (size_t k = 0; k < tokens.size(); ++k) out.push_back({std::move(tokens[k]), k + 1 == tokens.size()});
    i = end + 1;
  }
  return out;
}

bool term_in(const Term& term, const std::vector<std::string>& doc) {
  for (const std::string& got : doc)
    if (term.prefix ? std::string_view(got).starts_with(term.token) : got == term.token) return true;
  return false;
}

// mimicom_search_terms(query): the query for prospects_fts, one term per token (see the header).
void terms(sqlite3_context* ctx, int, sqlite3_value** argv) {
  auto* t = static_cast<Tokenizer*>(sqlite3_user_data(ctx));
  const char* q = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
  std::string out;
  for (const Term& term : parse(*t, q ? q : "")) {
    if (!out.empty()) out += ' ';
    out += '"' + term.token + '"';  // a token never holds '"': the tokenizer cuts there
    if (term.prefix) out += '*';
  }
  if (out.empty()) out = "\"\"";  // an empty phrase: FTS5 matches nothing (an empty query is an error)
  sqlite3_result_text(ctx, out.data(), static_cast<int>(out.size()), SQLITE_TRANSIENT);
}

void match(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  auto* t = static_cast<Tokenizer*>(sqlite3_user_data(ctx));
  auto* query = static_cast<Terms*>(sqlite3_get_auxdata(ctx, 0));
  if (!query) {
    const char* q = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
    query = new Terms(parse(*t, q ? q : ""));
    sqlite3_set_auxdata(ctx, 0, query, [](void* p) { delete static_cast<Terms*>(p); });
    query = static_cast<Terms*>(sqlite3_get_auxdata(ctx, 0));  // null when SQLite could not keep it
    if (!query) {
      sqlite3_result_error_nomem(ctx);
      return;
    }
  }
  if (query->empty()) {
    sqlite3_result_int(ctx, 0);
    return;
  }
  std::vector<std::vector<std::string>> columns;
  columns.reserve(static_cast<size_t>(argc - 1));
  for (int c = 1; c < argc; ++c) {
    const char* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[c]));
    columns.push_back(text ? t->tokens({text, static_cast<size_t>(sqlite3_value_bytes(argv[c]))})
                           : std::vector<std::string>{});
  }
  for (const Term& term : *query) {
    bool found = false;
    for (const auto& col : columns) found = found || term_in(term, col);
    if (!found) {
      sqlite3_result_int(ctx, 0);
      return;
    }
  }
  sqlite3_result_int(ctx, 1);
}

}  // namespace

void register_search_match(sqlite3* db) {
  fts5_api* api = fts5_of(db);
  if (!api) throw std::runtime_error("SQLite has no FTS5");
  auto t = std::make_unique<Tokenizer>();
  void* ud = nullptr;
  if (api->xFindTokenizer(api, "unicode61", &ud, &t->api) != SQLITE_OK)
    throw std::runtime_error("FTS5 has no unicode61 tokenizer");
  const char* args[] = {"remove_diacritics", "2"};
  if (t->api.xCreate(ud, args, 2, &t->tok) != SQLITE_OK) throw std::runtime_error("FTS5's unicode61 tokenizer refused remove_diacritics 2");
  if (sqlite3_create_function_v2(db, "mimicom_search_terms", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, t.get(), terms,
                                 nullptr, nullptr, nullptr) != SQLITE_OK)
    throw std::runtime_error("mimicom_search_terms does not register");
  // From here SQLite owns the tokenizer: it deletes it with mimicom_search_match (the
  // connection drops both functions together), or at once when the registration fails.
  int rc = sqlite3_create_function_v2(db, "mimicom_search_match", -1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, t.release(),
                                      match, nullptr, nullptr, [](void* p) { delete static_cast<Tokenizer*>(p); });
  if (rc != SQLITE_OK) throw std::runtime_error("mimicom_search_match does not register");
}

}  // namespace mimicom
