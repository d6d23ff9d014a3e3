#pragma once
// mimicom_search_match(query, column...): whether the columns of one row match a full-text
// query built by fts_query (core/prospects.hpp: quoted phrases, each a prefix, all required)
// exactly as prospects_fts would match them once the row is indexed: the text is cut into
// tokens by FTS5's own tokenizer (unicode61 remove_diacritics 2) of the same connection, a
// phrase matches consecutive tokens of one column, its last token as a prefix, and an empty
// phrase is ignored beside others (alone, it matches nothing), as FTS5 does.
//
// Search asks it for the prospects a bulk load has not yet put into the full-text index (see
// bulk_mode in migrations/002 and the search catch-up of the store), so that search answers
// right, only slower, until the catch-up ends.
struct sqlite3;

namespace mimicom {

// Registers the function on `db`. Throws std::runtime_error when FTS5 or its tokenizer is
// missing.
void register_search_match(sqlite3* db);

}  // namespace mimicom
