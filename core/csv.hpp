// Reading user-supplied CSV files: guessing their encoding and separator from the
// first bytes (sniff_csv), transcoding them to UTF-8 (Utf8Transcoder, to_utf8) and
// splitting the UTF-8 text into records, in a stream (CsvReader).
//
// Everything here is pure code over bytes in memory: no I/O, no global state. Free
// functions may be called from any thread; an object (Utf8Transcoder, CsvReader) may
// be used by one thread at a time. Problems meant for the user are in French.
//
// The import job streams a file like this:
//   Utf8Transcoder tr(sniff.encoding);  CsvReader rd(sniff.separator);
//   for each chunk read from disk: { text.clear(); tr.feed(chunk, text); rd.feed(text);
//                                    while (rd.next(rec)) handle(rec); }
//   text.clear(); tr.finish(text); rd.feed(text); rd.finish(); while (rd.next(rec)) ...
// Offsets (CsvRecord::end_offset) count bytes of the UTF-8 text fed to the reader. They
// equal file offsets only for UTF-8 files (with the BOM's 3 bytes added for Utf8Bom):
// a checkpointed import of another encoding must record where it is in the file some
// other way (e.g. restart the transcoder at a line boundary it knows).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mimicom {

enum class TextEncoding { Utf8, Utf8Bom, Utf16LE, Utf16BE, Windows1252 };

// Returns "UTF-8", "UTF-8 (BOM)", "UTF-16LE", "UTF-16BE" or "Windows-1252".
std::string_view encoding_name(TextEncoding enc);

// The size of the head sniff_csv expects: a shorter head is taken as the whole file.
inline constexpr size_t kSniffHeadBytes = 256 * 1024;

struct CsvSniff {
  TextEncoding encoding = TextEncoding::Utf8;
  char separator = ',';
  std::vector<std::string> header;             // trimmed, never empty, all distinct
  std::vector<std::vector<std::string>> rows;  // the first <= 20 data rows, UTF-8
  bool looks_binary = false;
  std::string problem;  // French, for the user; empty when the file looks importable
};

// Guesses how to read a CSV file from its first bytes (`head`: the first
// kSniffHeadBytes of the file, or the whole file when it is shorter).
//  * Encoding: by BOM (UTF-8, UTF-16 LE/BE); UTF-16 without BOM when NUL bytes
//    alternate with ASCII; else UTF-8 if the bytes are valid UTF-8, or hold more
//    valid multi-byte sequences than invalid bytes (stray bytes then read as U+FFFD;
//    a sequence cut by the end of a full-size head is not an error), else Windows-1252
//    (which also reads ISO-8859-1 correctly, except for the unused C1 controls).
//  * Binary content (known magic numbers such as xlsx/xls/pdf/png/zip, or more than
//    5 % of control bytes / NUL runs): looks_binary, problem starting with
//    "ce fichier n'est pas un CSV (contenu binaire)", nothing else filled.
//  * Separator among , ; TAB | : the one whose field count (quotes respected) is the
//    same on the most of the first 50 records, the header's count first; a file where
//    no candidate gives >= 2 fields is read as one column with ','.
//  * header: the first record, trimmed; an empty name becomes "colonne_N" (N from 1),
//    a repeated one gets "_2", "_3"...
//  * problem: "le fichier est vide" (nothing but blank lines), "le fichier ne contient
//    que la ligne d'en-tête" (whole file given and no data row), or a header problem.
// When head is full-size, a last record that the cut may have truncated is not shown.
CsvSniff sniff_csv(std::string_view head);

// Converts a stream of bytes in `enc` to UTF-8, chunk by chunk; chunks may split a
// character anywhere (partial sequences are kept until the next feed). A leading BOM
// is removed (UTF-8 ones also when enc is Utf8). Invalid input never fails:
//  * UTF-8: each maximal invalid subsequence becomes U+FFFD (as WHATWG decoders do);
//  * UTF-16: a lone surrogate, or an odd final byte, becomes U+FFFD;
//  * Windows-1252: every byte maps (0x81 0x8D 0x8F 0x90 0x9D to the C1 controls).
// NUL characters are passed through (CsvReader drops them).
class Utf8Transcoder {
 public:
  explicit Utf8Transcoder(TextEncoding enc) : enc_(enc) {}

  // Appends to `out` the UTF-8 of every complete character of `chunk`.
  void feed(std::string_view chunk, std::string& out);
  // Appends whatever is left (U+FFFD for an incomplete character). Call once, last.
  void finish(std::string& out);

 private:
  // Converts from p[0..n), appending to out; returns how many bytes were used
  // (fewer than n only when the tail is an incomplete character and !final).
  size_t convert(const unsigned char* p, size_t n, bool final, std::string& out);
  bool strip_bom();  // on pending_, at the start; false while more bytes are needed

  TextEncoding enc_;
  bool at_start_ = true;
  unsigned char pending_[8];  // an incomplete character (and, at the start, the BOM)
  size_t npending_ = 0;
  uint32_t high_surrogate_ = 0;  // UTF-16: a high surrogate waiting for its pair
};

// How many leading bytes of `s` are valid UTF-8 (complete sequences only). When the rest is
// the valid start of a sequence cut by the end of `s`, *cut is set (the caller may complete
// it with the next chunk); otherwise the rest starts with an invalid byte.
size_t utf8_valid_prefix(std::string_view s, bool* cut);

// One-shot form of Utf8Transcoder.
std::string to_utf8(std::string_view bytes, TextEncoding enc);

struct CsvRecord {
  std::vector<std::string> fields;  // unquoted values; line breaks inside quotes kept as in the file
  uint64_t line = 0;                // 1-based physical line where the record starts
  uint64_t end_offset = 0;          // offset in the fed text just after the record and its line end
  uint64_t next_line = 0;           // physical line number of the text at end_offset (for resuming)
  std::string error;                // French, for this record only; empty when fine
};

// A streaming RFC 4180 reader over UTF-8 text, lenient where files in the wild are:
//  * line ends CRLF, LF or a bare CR; a missing final line end;
//  * empty lines (and lines holding only NUL bytes) are skipped, never records;
//  * quoted fields may hold the separator, doubled quotes ("") and line breaks;
//  * a quote inside an unquoted field, and text after a closing quote, are kept as is;
//  * NUL bytes are dropped anywhere (they still count in offsets);
//  * errors stay on their record, and reading goes on with the next record:
//    "guillemet non fermé en fin de fichier" (the field runs to the end of the text),
//    "champ trop long (...)" (the field is emptied; memory stays bounded),
//    "trop de champs (...)" (fields beyond max_fields are dropped).
// The reader does not check the number of fields: the caller compares with the header.
// Pull design: feed() text, then next() until it returns false, then feed() again;
// after the last feed(), finish() and next() until false. The reader holds at most the
// unread part of what was fed plus the record being built; records are reused
// (pass the same CsvRecord to next() to avoid allocations).
class CsvReader {
 public:
  // separator must not be '"', CR, LF or NUL (std::invalid_argument otherwise).
  explicit CsvReader(char separator, size_t max_field_bytes = size_t{32} << 20, size_t max_fields = 16384);

  // Makes the reader start in the middle of a text, at a record boundary: `offset`
  // and `line` are a previous record's end_offset and next_line, and the text fed next
  // must start there. Records, lines and offsets then come out exactly as if the whole
  // text had been read. Call before the first feed().
  void start_at(uint64_t offset, uint64_t line);

  // Appends text (any size, any split, even inside a CRLF).
  void feed(std::string_view chunk);
  // Declares the end of the text: the last record no longer needs a line end.
  void finish();
  // Fills `out` with the next complete record and returns true; returns false when
  // more text is needed (or, after finish(), at the end). `out` is overwritten.
  bool next(CsvRecord& out);

 private:
  enum class State : uint8_t { RecordStart, FieldStart, Unquoted, Quoted, QuoteInQuoted };

  void begin_record();
  void start_field();
  void end_field();
  void append(const char* p, size_t n);
  void too_many_fields();               // end_field's rare case
  void field_too_long(std::string& f);  // append's
  void add_error(std::string_view msg);
  // Moves the finished record to out unless it is a blank line; true if moved.
  bool emit(CsvRecord& out, uint64_t end_offset);
  // Where a line end at buf_[p] (CR or LF) finishes; false if that needs more text.
  bool line_end(size_t p, size_t& after) const;

  char sep_;
  size_t max_field_bytes_;
  size_t max_fields_;

  std::string buf_;  // fed text not yet parsed starts at buf_[pos_]
  size_t pos_ = 0;
  uint64_t buf_offset_ = 0;  // offset of buf_[0] in the whole text
  uint64_t line_ = 1;        // physical line at buf_[pos_]
  bool finished_ = false;
  State state_ = State::RecordStart;

  // The record being built.
  std::vector<std::string> fields_;  // fields_[0..nfields_) are done; fields_[nfields_] is open
  size_t nfields_ = 0;
  bool field_open_ = false;     // fields_[nfields_] is the current field
  bool field_discard_ = false;  // the current field is too long, or one too many
  bool any_quote_ = false;
  uint64_t record_line_ = 0;
  std::string error_;
};

}  // namespace mimicom
