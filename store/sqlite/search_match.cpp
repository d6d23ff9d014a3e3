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

// A query's phrases, each as its tokens (the last one a prefix); no phrase: nothing matches.
using Phrases = std::vector<std::vector<std::string>>;

Phrases parse(const Tokenizer& t, std::string_view q) {
  Phrases out;
  size_t i = 0;
  while ((i = q.find('"', i)) != std::string_view::npos) {
    size_t end = q.find('"', i + 1);
    if (end == std::string_view::npos) break;
    auto tokens = t.tokens(q.substr(i + 1, end - i - 1));
    if (!tokens.empty()) out.push_back(std::move(tokens));
    i = end + 1;
  }
  return out;
}

bool phrase_in(const std::vector<std::string>& phrase, const std::vector<std::string>& doc) {
  if (doc.size() < phrase.size()) return false;
  for (size_t start = 0; start + phrase.size() <= doc.size(); ++start) {
    size_t k = 0;
    for (; k < phrase.size(); ++k) {
      const std::string& want = phrase[k];
      const std::string& got = doc[start + k];
      bool last = k + 1 == phrase.size();
      if (last ? !std::string_view(got).starts_with(want) : got != want) break;
    }
    if (k == phrase.size()) return true;
  }
  return false;
}

void match(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  auto* t = static_cast<Tokenizer*>(sqlite3_user_data(ctx));
  auto* phrases = static_cast<Phrases*>(sqlite3_get_auxdata(ctx, 0));
  if (!phrases) {
    const char* q = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
    phrases = new Phrases(parse(*t, q ? q : ""));
    sqlite3_set_auxdata(ctx, 0, phrases, [](void* p) { delete static_cast<Phrases*>(p); });
    phrases = static_cast<Phrases*>(sqlite3_get_auxdata(ctx, 0));  // null when SQLite could not keep it
    if (!phrases) {
      sqlite3_result_error_nomem(ctx);
      return;
    }
  }
  if (phrases->empty()) {
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
  for (const auto& phrase : *phrases) {
    bool found = false;
    for (const auto& col : columns) found = found || phrase_in(phrase, col);
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
  // From here SQLite owns the tokenizer: it deletes it with the function, or at once when the
  // registration fails.
  int rc = sqlite3_create_function_v2(db, "mimicom_search_match", -1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, t.release(),
                                      match, nullptr, nullptr, [](void* p) { delete static_cast<Tokenizer*>(p); });
  if (rc != SQLITE_OK) throw std::runtime_error("mimicom_search_match does not register");
}

}  // namespace mimicom
