#include "core/exports.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "core/clock.hpp"
#include "core/csv_writer.hpp"
#include "core/xlsx_writer.hpp"

namespace mimicom {

namespace {

using K = ExportColumn::Kind;

enum Field {
  kId, kFirstName, kLastName, kEmail, kPhone, kCompany, kJobTitle, kSector, kCity, kPostalCode, kRegion, kCountry,
  kCompanySize, kEmployees, kAnnualRevenue, kSource, kStatus, kOwner, kNotes, kTags, kOptedOut, kCreatedAt,
  kUpdatedAt, kLastContactAt
};

struct CoreColumn {
  const char* name;
  K kind;
};
// In Field order.
constexpr CoreColumn kCore[] = {
    {"id", K::Integer},          {"first_name", K::Text},   {"last_name", K::Text},   {"email", K::Text},
    {"phone", K::Text},          {"company", K::Text},      {"job_title", K::Text},   {"sector", K::Text},
    {"city", K::Text},           {"postal_code", K::Text},  {"region", K::Text},      {"country", K::Text},
    {"company_size", K::Text},   {"employees", K::Integer}, {"annual_revenue", K::Number}, {"source", K::Text},
    {"status", K::Text},         {"owner", K::Text},        {"notes", K::Text},       {"tags", K::Tags},
    {"opted_out", K::Bool},      {"created_at", K::Date},   {"updated_at", K::Date},  {"last_contact_at", K::Date},
};

// A text field's value; nullptr when absent.
const std::string* text_of(const Prospect& p, int field) {
  auto opt = [](const std::optional<std::string>& v) { return v ? &*v : nullptr; };
  switch (field) {
    case kFirstName: return opt(p.first_name);
    case kLastName: return opt(p.last_name);
    case kEmail: return opt(p.email);
    case kPhone: return opt(p.phone);
    case kCompany: return opt(p.company);
    case kJobTitle: return opt(p.job_title);
    case kSector: return opt(p.sector);
    case kCity: return opt(p.city);
    case kPostalCode: return opt(p.postal_code);
    case kRegion: return opt(p.region);
    case kCountry: return &p.country;
    case kCompanySize: return opt(p.company_size);
    case kSource: return opt(p.source);
    case kStatus: return &p.status;
    case kOwner: return opt(p.owner);
    case kNotes: return opt(p.notes);
    default: return nullptr;
  }
}

std::optional<long long> integer_of(const Prospect& p, int field) {
  switch (field) {
    case kId: return p.id;
    case kEmployees: return p.employees;
    case kCreatedAt: return p.created_at;
    case kUpdatedAt: return p.updated_at;
    case kLastContactAt: return p.last_contact_at;
    default: return std::nullopt;
  }
}

const std::string* custom_of(const Prospect& p, const std::string& name) {
  // custom_fields is sorted by key.
  auto it = std::lower_bound(p.custom_fields.begin(), p.custom_fields.end(), name,
                             [](const auto& kv, const std::string& k) { return kv.first < k; });
  return it != p.custom_fields.end() && it->first == name ? &it->second : nullptr;
}

void append_integer(std::string& out, long long v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

// Plain decimal notation, the shortest that reads back to the same value (12000000, 0.5).
void append_number(std::string& out, double v) {
  char buf[400];
  auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
  out.append(buf, r.ptr);
}

// "2026-11-25T04:42:50Z" without a call to the C library's time functions per cell.
void append_date(std::string& out, long long t) {
  long long days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
  long long secs = t - days * 86400;
  // Howard Hinnant's civil_from_days.
  long long z = days + 719468;
  long long era = (z >= 0 ? z : z - 146096) / 146097;
  long long doe = z - era * 146097;
  long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  long long y = yoe + era * 400;
  long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  long long mp = (5 * doy + 2) / 153;
  long long d = doy - (153 * mp + 2) / 5 + 1;
  long long m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
  char buf[20];
  auto two = [](char* at, long long v) {
    at[0] = static_cast<char>('0' + v / 10);
    at[1] = static_cast<char>('0' + v % 10);
  };
  if (y < 0 || y > 9999) {  // not a date a spreadsheet shows: the number of seconds
    append_integer(out, t);
    return;
  }
  two(buf, y / 100);
  two(buf + 2, y % 100);
  buf[4] = '-';
  two(buf + 5, m);
  buf[7] = '-';
  two(buf + 8, d);
  buf[10] = 'T';
  two(buf + 11, secs / 3600);
  buf[13] = ':';
  two(buf + 14, secs / 60 % 60);
  buf[16] = ':';
  two(buf + 17, secs % 60);
  out.append(buf, 19);
  out += 'Z';
}

void append_tags(std::string& out, const std::vector<std::string>& tags) {
  for (size_t i = 0; i < tags.size(); ++i) {
    if (i) out += ',';
    out += tags[i];
  }
}

// The text of a non-text cell in CSV, or of any cell (text) in `scratch`; false when empty.
bool cell_text(const Prospect& p, const ExportColumn& c, std::string& scratch, std::string_view& view) {
  scratch.clear();
  switch (c.kind) {
    case K::Text: {
      const std::string* s = text_of(p, c.field);
      if (!s) return false;
      view = *s;
      return true;
    }
    case K::Custom: {
      const std::string* s = custom_of(p, c.custom);
      if (!s) return false;
      view = *s;
      return true;
    }
    case K::Integer: {
      auto v = integer_of(p, c.field);
      if (!v) return false;
      append_integer(scratch, *v);
      break;
    }
    case K::Number:
      if (!p.annual_revenue) return false;
      append_number(scratch, *p.annual_revenue);
      break;
    case K::Bool:
      scratch = p.opted_out ? "true" : "false";
      break;
    case K::Date: {
      auto v = integer_of(p, c.field);
      if (!v) return false;
      append_date(scratch, *v);
      break;
    }
    case K::Tags:
      if (p.tags.empty()) return false;
      append_tags(scratch, p.tags);
      break;
  }
  view = scratch;
  return true;
}

}  // namespace

std::optional<ExportFormat> parse_export_format(std::string_view name) {
  if (name == "csv") return ExportFormat::Csv;
  if (name == "xlsx") return ExportFormat::Xlsx;
  if (name == "jsonl") return ExportFormat::Jsonl;
  return std::nullopt;
}

std::string_view export_format_name(ExportFormat f) {
  switch (f) {
    case ExportFormat::Csv: return "csv";
    case ExportFormat::Xlsx: return "xlsx";
    case ExportFormat::Jsonl: return "jsonl";
  }
  return "csv";
}

std::string_view export_extension(ExportFormat f) { return export_format_name(f); }

const std::vector<std::string>& export_columns() {
  static const std::vector<std::string> cols = [] {
    std::vector<std::string> v;
    for (const auto& c : kCore) v.emplace_back(c.name);
    return v;
  }();
  return cols;
}

Result<std::vector<std::string>> check_export_columns(const std::vector<std::string>& columns) {
  if (columns.empty()) return export_columns();
  std::vector<FieldError> errors;
  std::set<std::string> seen;
  for (const auto& c : columns) {
    if (c.starts_with("custom:")) {
      std::string_view name = std::string_view(c).substr(7);
      if (name.empty() || name.size() > 64) {
        errors.push_back({"columns", "nom de champ personnalisé vide ou trop long : « " + c + " »"});
        continue;
      }
    } else if (std::find(export_columns().begin(), export_columns().end(), c) == export_columns().end()) {
      errors.push_back({"columns", "colonne inconnue « " + c.substr(0, 80) + " »"});
      continue;
    }
    if (!seen.insert(c).second) errors.push_back({"columns", "colonne demandée deux fois « " + c + " »"});
  }
  if (!errors.empty()) return fail(Error::Invalid(std::move(errors)));
  return columns;
}

namespace {

// The filter object as GET /prospects query parameters; errors name "filter.<key>".
Result<std::multimap<std::string, std::string>> filter_params(const std::string& filter_json) {
  auto j = nlohmann::json::parse(filter_json, nullptr, false);
  if (j.is_null() || j.is_discarded()) j = nlohmann::json::object();
  if (!j.is_object()) return fail(Error::Invalid("filter", "objet attendu (les paramètres de GET /prospects)"));
  std::multimap<std::string, std::string> params;
  std::vector<FieldError> errors;
  auto scalar = [](const nlohmann::json& v, std::string& out) {
    if (v.is_string()) out = v.get<std::string>();
    else if (v.is_boolean()) out = v.get<bool>() ? "true" : "false";
    else if (v.is_number_integer()) out = std::to_string(v.get<long long>());
    else return false;
    return true;
  };
  for (const auto& [k, v] : j.items()) {
    std::string text;
    if (v.is_null()) continue;
    if (v.is_array()) {
      bool ok = true;
      for (const auto& item : v) {
        std::string one;
        if (!scalar(item, one)) ok = false;
        text += (text.empty() ? "" : ",") + one;
      }
      if (!ok) {
        errors.push_back({"filter." + k, "liste de textes ou de nombres attendue"});
        continue;
      }
      if (v.empty()) continue;
    } else if (!scalar(v, text)) {
      errors.push_back({"filter." + k, "texte, nombre, booléen ou liste attendu"});
      continue;
    }
    params.emplace(k, std::move(text));
  }
  if (!errors.empty()) return fail(Error::Invalid(std::move(errors)));
  return params;
}

}  // namespace

Result<ProspectFilter> export_filter_from_json(const std::string& filter_json) {
  auto params = filter_params(filter_json);
  if (!params) return fail(params.error());
  auto f = parse_prospect_filter(*params);
  if (!f) {
    auto e = f.error();
    for (auto& fe : e.fields) fe.field = "filter." + fe.field;
    return fail(std::move(e));
  }
  return f;
}

Result<std::string> canonical_export_filter(const std::string& filter_json) {
  auto params = filter_params(filter_json);
  if (!params) return fail(params.error());
  if (auto f = export_filter_from_json(filter_json); !f) return fail(f.error());
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [k, v] : *params) {
    auto& slot = out[k];
    slot = slot.is_string() ? slot.get<std::string>() + "," + v : v;
  }
  return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string export_download_name(const Export& e) {
  std::string date = format_iso8601(e.created_at).substr(0, 10);
  std::string ext = e.format;
  for (char& c : ext)
    if (!(c >= 'a' && c <= 'z')) c = 'x';
  return "prospects-" + date + "-" + std::to_string(e.id) + "." + ext;
}

std::vector<ExportColumn> resolve_export_columns(const std::vector<std::string>& checked) {
  std::vector<ExportColumn> out;
  for (const auto& name : checked) {
    ExportColumn c;
    c.name = name;
    if (name.starts_with("custom:")) {
      c.kind = K::Custom;
      c.custom = name.substr(7);
    } else {
      for (int i = 0; i < static_cast<int>(std::size(kCore)); ++i)
        if (name == kCore[i].name) {
          c.kind = kCore[i].kind;
          c.field = i;
        }
    }
    out.push_back(std::move(c));
  }
  return out;
}

void append_csv_header(std::string& out, const std::vector<ExportColumn>& cols, char sep) {
  for (size_t i = 0; i < cols.size(); ++i) {
    if (i) out += sep;
    append_csv_field(out, cols[i].name, sep);
  }
}

void append_csv_row(std::string& out, const Prospect& p, const std::vector<ExportColumn>& cols, char sep) {
  thread_local std::string scratch;
  std::string_view v;
  for (size_t i = 0; i < cols.size(); ++i) {
    if (i) out += sep;
    if (!cell_text(p, cols[i], scratch, v)) continue;
    // Numbers, dates and booleans are ours: only text can carry a formula.
    bool text = cols[i].kind == K::Text || cols[i].kind == K::Custom || cols[i].kind == K::Tags;
    append_csv_field(out, v, sep, text);
  }
}

void append_json_string(std::string& out, std::string_view s) {
  static const char* hex = "0123456789abcdef";
  out += '"';
  size_t from = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.substr(from, i - from));
    from = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        out += "\\u00";
        out += hex[c >> 4];
        out += hex[c & 15];
    }
  }
  out.append(s.substr(from));
  out += '"';
}

void append_jsonl_row(std::string& out, const Prospect& p, const std::vector<ExportColumn>& cols) {
  thread_local std::string scratch;
  std::string_view v;
  out += '{';
  for (size_t i = 0; i < cols.size(); ++i) {
    if (i) out += ',';
    append_json_string(out, cols[i].name);
    out += ':';
    const auto& c = cols[i];
    if (c.kind == K::Tags) {
      out += '[';
      for (size_t t = 0; t < p.tags.size(); ++t) {
        if (t) out += ',';
        append_json_string(out, p.tags[t]);
      }
      out += ']';
      continue;
    }
    if (!cell_text(p, c, scratch, v)) {
      out += "null";
      continue;
    }
    if (c.kind == K::Integer || c.kind == K::Number || c.kind == K::Bool) out.append(v);
    else append_json_string(out, v);
  }
  out += "}\n";
}

namespace {

Status sync_and_close(std::FILE* f, const std::string& path) {
  bool ok = std::fflush(f) == 0;
  ok = ::fsync(::fileno(f)) == 0 && ok;
  ok = std::fclose(f) == 0 && ok;
  if (!ok) return fail(Error::Internal("écriture de " + path + " impossible (disque plein ?)"));
  return {};
}

// CSV and JSON Lines: rows formatted into a large buffer, written 1 MiB at a time.
class TextExportWriter final : public ExportWriter {
 public:
  TextExportWriter(const ExportOptions& o, std::FILE* f, std::string path) : o_(o), f_(f), path_(std::move(path)) {
    buf_.reserve(kFlush + 64 * 1024);
  }
  ~TextExportWriter() override {
    if (f_) std::fclose(f_);
  }

  Status begin(const std::vector<ExportColumn>& cols) override {
    cols_ = cols;
    if (o_.format == ExportFormat::Csv) {
      if (o_.bom) buf_ += "\xEF\xBB\xBF";
      append_csv_header(buf_, cols_, o_.separator);
      buf_ += "\r\n";
    }
    return {};
  }

  Status write(const Prospect& p) override {
    if (o_.format == ExportFormat::Csv) {
      append_csv_row(buf_, p, cols_, o_.separator);
      buf_ += "\r\n";
    } else {
      append_jsonl_row(buf_, p, cols_);
    }
    if (buf_.size() >= kFlush) return flush();
    return {};
  }

  Status finish() override {
    if (auto st = flush(); !st) return st;
    std::FILE* f = f_;
    f_ = nullptr;
    return sync_and_close(f, path_);
  }

 private:
  Status flush() {
    if (!buf_.empty() && std::fwrite(buf_.data(), 1, buf_.size(), f_) != buf_.size())
      return fail(Error::Internal("écriture de " + path_ + " impossible (disque plein ?)"));
    buf_.clear();
    return {};
  }

  static constexpr size_t kFlush = 1 << 20;
  ExportOptions o_;
  std::FILE* f_;
  std::string path_;
  std::string buf_;
  std::vector<ExportColumn> cols_;
};

// XLSX with our streaming writer (core/xlsx_writer.hpp: why not libxlsxwriter): rows go
// through a reused buffer to a compression thread and straight into the file, so memory stays
// flat whatever the rows. Text is always an inline string cell — never a formula, whatever it
// starts with.
class XlsxExportWriter final : public ExportWriter {
 public:
  explicit XlsxExportWriter(std::string path) : path_(std::move(path)) {}

  Status begin(const std::vector<ExportColumn>& cols) override {
    cols_ = cols;
    XlsxWriter::Options o;
    o.sheet_name = "Prospects";
    if (auto st = xlsx_.open(path_, o); !st) return st;
    if (auto st = xlsx_.begin_row(); !st) return st;
    for (const auto& c : cols_) xlsx_.bold_text(c.name);
    return xlsx_.end_row();
  }

  Status write(const Prospect& p) override {
    if (row_ >= kXlsxMaxRows)
      return fail(Error::Invalid("format", "une feuille XLSX contient au plus 1 048 575 lignes : exportez en CSV"));
    ++row_;
    if (auto st = xlsx_.begin_row(); !st) return st;
    std::string_view v;
    for (const auto& c : cols_) {
      switch (c.kind) {
        case K::Integer:
          if (auto n = integer_of(p, c.field)) xlsx_.integer(*n);
          else xlsx_.empty();
          break;
        case K::Number:
          if (p.annual_revenue) xlsx_.number(*p.annual_revenue);
          else xlsx_.empty();
          break;
        case K::Bool:
          xlsx_.boolean(p.opted_out);
          break;
        default:
          if (cell_text(p, c, scratch_, v)) xlsx_.text(v);
          else xlsx_.empty();
      }
    }
    return xlsx_.end_row();
  }

  // Writes the sheet's end, the workbook and the ZIP directory, then syncs and closes.
  Status finish() override { return xlsx_.finish(true); }

 private:
  std::string path_;
  XlsxWriter xlsx_;
  std::vector<ExportColumn> cols_;
  long long row_ = 0;
  std::string scratch_;
};

}  // namespace

Result<std::unique_ptr<ExportWriter>> open_export_writer(const ExportOptions& o, const std::string& path,
                                                         const std::string& /*tmp_dir*/) {
  if (o.format == ExportFormat::Xlsx) return std::unique_ptr<ExportWriter>(std::make_unique<XlsxExportWriter>(path));
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return fail(Error::Internal("création de " + path + " impossible"));
  return std::unique_ptr<ExportWriter>(std::make_unique<TextExportWriter>(o, f, path));
}

}  // namespace mimicom
