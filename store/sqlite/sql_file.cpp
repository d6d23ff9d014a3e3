#include "store/sqlite/sql_file.hpp"

namespace mimicom {

Result<std::map<std::string, std::string>> parse_named_queries(std::string_view text) {
  std::map<std::string, std::string> out;
  std::string name, body;
  bool has_code = false;
  auto finish = [&]() -> Status {
    if (name.empty()) return {};
    if (!has_code) return fail(Error::Invalid("sql", "query '" + name + "' has no SQL"));
    if (!out.emplace(name, body).second) return fail(Error::Invalid("sql", "query '" + name + "' defined twice"));
    return {};
  };
  size_t pos = 0;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view line = text.substr(pos, eol - pos);
    pos = eol + 1;
    constexpr std::string_view kTag = "-- name:";
    if (line.starts_with(kTag)) {
      if (auto st = finish(); !st) return fail(st.error());
      std::string_view n = line.substr(kTag.size());
      while (!n.empty() && (n.front() == ' ' || n.front() == '\t')) n.remove_prefix(1);
      while (!n.empty() && (n.back() == ' ' || n.back() == '\r' || n.back() == '\t')) n.remove_suffix(1);
      if (n.empty()) return fail(Error::Invalid("sql", "a '-- name:' line without a name"));
      name = n;
      body.clear();
      has_code = false;
      continue;
    }
    if (name.empty()) continue;  // the file's header comment
    body.append(line);
    body.push_back('\n');
    std::string_view t = line;
    while (!t.empty() && (t.front() == ' ' || t.front() == '\t' || t.front() == '\r')) t.remove_prefix(1);
    if (!t.empty() && !t.starts_with("--")) has_code = true;
  }
  if (auto st = finish(); !st) return fail(st.error());
  return out;
}

}  // namespace mimicom
