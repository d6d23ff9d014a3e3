#pragma once
// A small streaming XLSX writer: one worksheet, rows written one after the other, the file a
// ZIP written as it goes (memory stays flat whatever the number of rows).
//
// Why not libxlsxwriter (which MimiCom used before): it hard-codes zlib's default level
// (6) and first writes the sheet to a temporary file it copies back into the ZIP, with an
// fprintf and a malloc per cell; exporting 1,000,000 prospects took ~30 s, 43 % of it in
// zlib, 21 % in kernel copies of the temporary file. Here the sheet's XML is appended into
// one reused buffer (no allocation per cell, std::to_chars for numbers), handed in 1 MiB
// blocks to a second thread that computes the CRC-32 and deflates at level 1 (raw deflate)
// straight into the output file: XML generation and compression overlap on two cores.
//
// What it writes: [Content_Types].xml, _rels/.rels, docProps/{app,core}.xml,
// xl/workbook.xml (with the hidden _xlnm._FilterDatabase name of the autofilter),
// xl/_rels/workbook.xml.rels, xl/styles.xml (style 1: bold) and xl/worksheets/sheet1.xml
// (first row frozen, an autofilter over every written row and column). Cells: numbers
// (finite doubles, shortest exact text), booleans (t="b"), inline strings (never a formula);
// text is XML-escaped, the characters XML 1.0 forbids are dropped (control characters) or
// replaced with U+FFFD (invalid UTF-8, U+FFFE/U+FFFF), and cut at Excel's 32,767 characters.
// The ZIP uses ZIP64 records for the sheet when its sizes or offsets need them.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace mimicom {

class XlsxWriter {
 public:
  // Excel's limits.
  static constexpr long long kMaxRows = 1048576;  // header included
  static constexpr int kMaxColumns = 16384;
  static constexpr size_t kMaxCellChars = 32767;  // UTF-16 code units

  struct Options {
    std::string sheet_name = "Sheet1";
    bool freeze_first_row = true;
    bool autofilter = true;
    bool force_zip64 = false;  // tests: ZIP64 records even when nothing needs them
    int level = 1;             // zlib level (1 = Z_BEST_SPEED)
  };

  XlsxWriter();
  // Without finish(): the compression thread is stopped and the file closed, incomplete.
  ~XlsxWriter();
  XlsxWriter(const XlsxWriter&) = delete;
  XlsxWriter& operator=(const XlsxWriter&) = delete;

  // Creates (or truncates) the file at `path`.
  Status open(const std::string& path, const Options& o);

  // One row: begin_row(), then one call per column, left to right, then end_row().
  // begin_row fails (Error::Invalid) past Excel's 1,048,576 rows.
  Status begin_row();
  void text(std::string_view s);       // an inline string
  void bold_text(std::string_view s);  // an inline string in the bold style (headers)
  void number(double v);               // not finite: the cell is left empty
  void integer(long long v);
  void boolean(bool v);
  void empty();                        // no cell in this column
  Status end_row();

  // Ends the sheet, writes the other parts and the ZIP's central directory, then flushes,
  // syncs the file to disk (fsync) if `sync`, and closes it.
  Status finish(bool sync = true);

  long long rows() const { return rows_; }

  // The escaped XML text of `s` as it goes inside <t>…</t>, appended to `out` (exposed for
  // tests). Returns whether it was cut at kMaxCellChars.
  static bool append_xml_text(std::string& out, std::string_view s, size_t max_chars = kMaxCellChars);
  // "A", "Z", "AA", … for a 0-based column.
  static void append_column_name(std::string& out, int col);

 private:
  struct Impl;
  void cell_ref(std::string_view type_attr);
  void string_cell(std::string_view s, bool bold);
  Status hand_off();

  std::unique_ptr<Impl> impl_;
  std::string buf_;  // the sheet XML not yet handed to the compression thread
  std::string row_num_;
  long long rows_ = 0;
  int col_ = 0, max_cols_ = 0;
  Options o_;
};

}  // namespace mimicom
