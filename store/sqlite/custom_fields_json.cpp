#include "store/sqlite/custom_fields_json.hpp"

#include <nlohmann/json.hpp>
#include <optional>

namespace mimicom {

std::string custom_fields_to_json(const CustomFields& fields) {
  if (fields.empty()) return "{}";  // most prospects: written for each row of an import
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [k, v] : fields) j[k] = v;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

namespace {

void append_utf8(std::string& out, unsigned cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// The flat form only: strings with the escapes nlohmann writes. nullopt = use the full parser.
std::optional<CustomFields> parse_flat(std::string_view s) {
  CustomFields out;
  size_t i = 0;
  auto skip_ws = [&] {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\n' || s[i] == '\t' || s[i] == '\r')) ++i;
  };
  auto hex4 = [&](unsigned& v) {
    if (i + 4 > s.size()) return false;
    v = 0;
    for (int k = 0; k < 4; ++k) {
      char c = s[i++];
      v <<= 4;
      if (c >= '0' && c <= '9') v |= c - '0';
      else if (c >= 'a' && c <= 'f') v |= c - 'a' + 10;
      else if (c >= 'A' && c <= 'F') v |= c - 'A' + 10;
      else return false;
    }
    return true;
  };
  auto string = [&](std::string& dst) -> bool {
    if (i >= s.size() || s[i] != '"') return false;
    ++i;
    while (i < s.size()) {
      char c = s[i++];
      if (c == '"') return true;
      if (c != '\\') {
        dst += c;
        continue;
      }
      if (i >= s.size()) return false;
      switch (s[i++]) {
        case '"': dst += '"'; break;
        case '\\': dst += '\\'; break;
        case '/': dst += '/'; break;
        case 'b': dst += '\b'; break;
        case 'f': dst += '\f'; break;
        case 'n': dst += '\n'; break;
        case 'r': dst += '\r'; break;
        case 't': dst += '\t'; break;
        case 'u': {
          unsigned cp;
          if (!hex4(cp)) return false;
          if (cp >= 0xD800 && cp < 0xDC00) {
            unsigned lo;
            if (i + 2 > s.size() || s[i] != '\\' || s[i + 1] != 'u') return false;
            i += 2;
            if (!hex4(lo) || lo < 0xDC00 || lo > 0xDFFF) return false;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          } else if (cp >= 0xDC00 && cp < 0xE000) {
            return false;
          }
          append_utf8(dst, cp);
          break;
        }
        default: return false;
      }
    }
    return false;
  };
  skip_ws();
  if (i >= s.size() || s[i++] != '{') return std::nullopt;
  skip_ws();
  if (i < s.size() && s[i] == '}') {
    ++i;
    skip_ws();
    return i == s.size() ? std::optional(out) : std::nullopt;
  }
  while (true) {
    std::string k, v;
    skip_ws();
    if (!string(k)) return std::nullopt;
    skip_ws();
    if (i >= s.size() || s[i++] != ':') return std::nullopt;
    skip_ws();
    if (!string(v)) return std::nullopt;
    out.emplace_back(std::move(k), std::move(v));
    skip_ws();
    if (i >= s.size()) return std::nullopt;
    char c = s[i++];
    if (c == '}') break;
    if (c != ',') return std::nullopt;
  }
  skip_ws();
  if (i != s.size()) return std::nullopt;
  return out;
}

}  // namespace

CustomFields custom_fields_from_json(std::string_view text) {
  if (auto flat = parse_flat(text)) return std::move(*flat);
  CustomFields out;
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) return out;
  for (auto it = j.begin(); it != j.end(); ++it)
    out.emplace_back(it.key(), it->is_string() ? it->get<std::string>() : it->dump());
  return out;
}

}  // namespace mimicom
