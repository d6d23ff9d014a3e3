#pragma once
// The rules of exports: which columns exist, how a request's filter is read, and how
// prospects are written as CSV, JSON Lines or XLSX. No store access; callable from any
// thread (one ExportWriter per thread).
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/models/export.hpp"
#include "core/models/prospect.hpp"
#include "core/prospects.hpp"

namespace mimicom {

enum class ExportFormat { Csv, Xlsx, Jsonl };

std::optional<ExportFormat> parse_export_format(std::string_view name);
std::string_view export_format_name(ExportFormat f);
std::string_view export_extension(ExportFormat f);  // "csv", "xlsx", "jsonl"

struct ExportOptions {
  ExportFormat format = ExportFormat::Csv;
  bool bom = false;       // CSV: a UTF-8 byte order mark first (Excel then reads accents right)
  char separator = ',';   // CSV: ',' or ';'
};

// The core columns, in their default order: id, the prospect's fields, tags, the dates.
// A request may also name "custom:<name>" (a custom field).
const std::vector<std::string>& export_columns();

// Checks a list of column names: empty → export_columns(); unknown names, duplicates and
// empty custom names are errors (Error::Invalid, field "columns").
Result<std::vector<std::string>> check_export_columns(const std::vector<std::string>& columns);

// The JSON text of a request's filter — an object with the names of GET /prospects' query
// parameters, values as text, numbers, booleans or arrays — as those parameters, then as
// the one ProspectFilter (parse_prospect_filter). Error::Invalid with "filter.<name>" fields.
Result<ProspectFilter> export_filter_from_json(const std::string& filter_json);
// The same object, checked, in its canonical stored form (every value as text).
Result<std::string> canonical_export_filter(const std::string& filter_json);

// "prospects-2026-11-25-42.csv": the name a download is offered under (ASCII only).
std::string export_download_name(const Export& e);

// One column resolved for writing.
struct ExportColumn {
  enum class Kind { Text, Integer, Number, Bool, Date, Tags, Custom };
  Kind kind = Kind::Text;
  int field = 0;      // which core field (internal index)
  std::string name;   // the header text: the column's name
  std::string custom; // Kind::Custom: the custom field's name
};
std::vector<ExportColumn> resolve_export_columns(const std::vector<std::string>& checked_columns);

// Pure formatting, one row appended to `out` (no line end for CSV; "\n" for JSON Lines).
// CSV: every text cell goes through the formula rule of core/csv_writer.hpp; numbers as
// numbers, tags joined with ',', dates ISO 8601 UTC, booleans true/false.
void append_csv_header(std::string& out, const std::vector<ExportColumn>& cols, char sep);
void append_csv_row(std::string& out, const Prospect& p, const std::vector<ExportColumn>& cols, char sep);
// JSON Lines: one object per prospect, keys the column names, null for empty values, tags
// as an array, numbers and booleans as such.
void append_jsonl_row(std::string& out, const Prospect& p, const std::vector<ExportColumn>& cols);
// A JSON string literal of `s` (quotes included).
void append_json_string(std::string& out, std::string_view s);

// Writes one export file at `path` (created or truncated). begin() once, write() per
// prospect, finish() to complete it: finish flushes, syncs the file to disk (fsync) and
// closes it. Destroying a writer without finish() leaves an incomplete file behind, which the
// caller deletes. Errors: Internal (disk full, …), Invalid for what the format cannot hold
// (more rows than an XLSX sheet has).
class ExportWriter {
 public:
  virtual ~ExportWriter() = default;
  virtual Status begin(const std::vector<ExportColumn>& cols) = 0;
  virtual Status write(const Prospect& p) = 0;
  virtual Status finish() = 0;
};
// `tmp_dir`: unused since XLSX files are streamed by core/xlsx_writer.hpp (no temporary
// file); kept so callers need not change.
Result<std::unique_ptr<ExportWriter>> open_export_writer(const ExportOptions& o, const std::string& path,
                                                         const std::string& tmp_dir);

// Rows an XLSX sheet holds below its header.
inline constexpr long long kXlsxMaxRows = 1048575;

}  // namespace mimicom
