#include "core/csv_writer.hpp"

namespace mimicom {

namespace {

// "+33612345678", "-12", "-4.5", "+1,5": a sign, digits, at most one decimal point or comma
// followed by digits, nothing else.
bool signed_number(std::string_view s) {
  size_t i = 1;  // s[0] is the sign
  size_t digits = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++digits;
  if (digits == 0) return false;
  if (i < s.size() && (s[i] == '.' || s[i] == ',')) {
    ++i;
    size_t decimals = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++decimals;
    if (decimals == 0) return false;
  }
  return i == s.size();
}

}  // namespace

bool looks_like_formula(std::string_view cell) {
  if (cell.empty()) return false;
  if (cell[0] == '\t' || cell[0] == '\r') return true;
  size_t i = 0;
  while (i < cell.size() && (cell[i] == ' ' || cell[i] == '"' || cell[i] == '\'')) ++i;
  if (i == cell.size()) return false;
  char c = cell[i];
  if (c == '=' || c == '@') return true;
  if (c == '+' || c == '-') return !signed_number(cell.substr(i));
  return false;
}

void append_csv_field(std::string& out, std::string_view cell, char sep, bool neutralise) {
  // Exports write tens of millions of cells: the full rule runs only when the first character
  // can start a risk.
  bool formula = false;
  if (neutralise && !cell.empty()) {
    char c = cell[0];
    if (c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r' || c == ' ' || c == '"' || c == '\'')
      formula = looks_like_formula(cell);
  }
  bool quote = formula;
  if (!quote) {
    // One table lookup a byte: the characters that make a field quoted, per separator.
    struct Table {
      bool special[256] = {};
    };
    thread_local Table table;
    thread_local char table_sep = 0;
    if (table_sep != sep) {
      table = Table{};
      for (unsigned char c : {static_cast<unsigned char>(sep), static_cast<unsigned char>('"'),
                              static_cast<unsigned char>('\n'), static_cast<unsigned char>('\r')})
        table.special[c] = true;
      table_sep = sep;
    }
    const auto* p = reinterpret_cast<const unsigned char*>(cell.data());
    const auto* end = p + cell.size();
    while (p < end && !table.special[*p]) ++p;
    quote = p < end;
  }
  if (!quote) {
    out.append(cell);
    return;
  }
  out += '"';
  if (formula) out += '\'';
  size_t from = 0;
  for (size_t i = 0; i < cell.size(); ++i)
    if (cell[i] == '"') {
      out.append(cell.substr(from, i + 1 - from));
      out += '"';
      from = i + 1;
    }
  out.append(cell.substr(from));
  out += '"';
}

}  // namespace mimicom
