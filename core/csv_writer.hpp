#pragma once
// Writing CSV that spreadsheets open safely. Pure functions, thread-safe.
#include <string>
#include <string_view>

namespace mimicom {

// Whether a spreadsheet would take this text cell for a formula: it starts, after any spaces
// or quotes, with = + - @, or starts with a tab or a carriage return.
bool looks_like_formula(std::string_view cell);

// Appends one field: quoted when it holds the separator, a quote or a line break (quotes
// doubled). With `neutralise`, a cell that looks like a formula is prefixed with an
// apostrophe, which spreadsheets show as text and do not evaluate.
void append_csv_field(std::string& out, std::string_view cell, char sep, bool neutralise = true);

}  // namespace mimicom
