#pragma once
// Writing CSV that spreadsheets open safely. Pure functions, thread-safe.
#include <string>
#include <string_view>

namespace mimicom {

// THE formula rule, shared by every file MimiCom writes for a spreadsheet (exports, the
// rejected rows of an import). A text cell is a formula risk when it starts with a tab or a
// carriage return, or when, after any leading spaces and quotes (" or '), it starts with
// = + - or @ — except when the cell is only a number ("+33612345678", "-12", "-4.5", " 7"):
// a spreadsheet reads those as numbers, never as formulas, and an E.164 phone must stay
// readable.
bool looks_like_formula(std::string_view cell);

// Appends one field: quoted when it holds the separator, a quote or a line break (quotes
// doubled). With `neutralise`, a cell that looks like a formula is prefixed with an
// apostrophe, which spreadsheets show as text and do not evaluate.
void append_csv_field(std::string& out, std::string_view cell, char sep, bool neutralise = true);

}  // namespace mimicom
