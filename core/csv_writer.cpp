#include "core/csv_writer.hpp"

namespace mimicom {

bool looks_like_formula(std::string_view cell) {
  if (cell.empty()) return false;
  if (cell[0] == '\t' || cell[0] == '\r') return true;
  size_t i = 0;
  while (i < cell.size() && (cell[i] == ' ' || cell[i] == '"' || cell[i] == '\'')) ++i;
  if (i == cell.size()) return false;
  char c = cell[i];
  return c == '=' || c == '+' || c == '-' || c == '@';
}

void append_csv_field(std::string& out, std::string_view cell, char sep, bool neutralise) {
  bool formula = neutralise && looks_like_formula(cell);
  bool quote = formula || cell.find_first_of(std::string{sep, '"', '\n', '\r'}) != std::string_view::npos;
  if (!quote) {
    out.append(cell);
    return;
  }
  out += '"';
  if (formula) out += '\'';
  for (char ch : cell) {
    if (ch == '"') out += '"';
    out += ch;
  }
  out += '"';
}

}  // namespace mimicom
