#pragma once
// Two SQL functions over a full-text query built by fts_query (core/prospects.hpp: quoted
// words, each a prefix, all required), cut into tokens by FTS5's own tokenizer (unicode61
// remove_diacritics 2) of the same connection:
//
// - mimicom_search_terms(query): the query prospects_fts is asked, one term per token, each
//   but the last token of a word exact, the last a prefix (`"l’équipe"*` → `"l" "equipe"*`).
//   The index keeps no positions (detail = none, migrations/009): it cannot match a phrase,
//   only tokens, so a word that the tokenizer cuts in two (a typographic apostrophe, `n°42`)
//   becomes its tokens, each required somewhere in the row. A query without a token becomes
//   `""`, which matches nothing (as FTS5 does with an empty word alone; beside others it is
//   ignored).
// - mimicom_search_match(query, column...): whether one row's columns hold every term of
//   mimicom_search_terms(query), exactly as prospects_fts would match them once the row is
//   indexed.
//
// Search asks mimicom_search_match for the prospects a bulk load has not yet put into the
// full-text index (see bulk_mode in migrations/002 and the search catch-up of the store), so
// that search answers right, only slower, until the catch-up ends.
struct sqlite3;

namespace mimicom {

// Registers both functions on `db`. Throws std::runtime_error when FTS5 or its tokenizer is
// missing.
void register_search_match(sqlite3* db);

}  // namespace mimicom
