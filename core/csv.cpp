#include "core/csv.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <map>
#include <stdexcept>
#include <unordered_set>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace mimicom {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD in UTF-8

void append_utf8(uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    const char b[2] = {static_cast<char>(0xC0 | (cp >> 6)), static_cast<char>(0x80 | (cp & 0x3F))};
    out.append(b, 2);
  } else if (cp < 0x10000) {
    const char b[3] = {static_cast<char>(0xE0 | (cp >> 12)), static_cast<char>(0x80 | ((cp >> 6) & 0x3F)),
                       static_cast<char>(0x80 | (cp & 0x3F))};
    out.append(b, 3);
  } else {
    const char b[4] = {static_cast<char>(0xF0 | (cp >> 18)), static_cast<char>(0x80 | ((cp >> 12) & 0x3F)),
                       static_cast<char>(0x80 | ((cp >> 6) & 0x3F)), static_cast<char>(0x80 | (cp & 0x3F))};
    out.append(b, 4);
  }
}

// Windows-1252 bytes 0x80-0x9F; the five unassigned ones map to the C1 controls.
constexpr std::array<uint16_t, 32> kCp1252High = {0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                                  0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
                                                  0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                                  0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

enum class SeqStatus { Ok, Invalid, Incomplete };

// Checks the UTF-8 sequence at p[i]; len is its length (Ok), the length of the
// maximal valid prefix to replace by one U+FFFD (Invalid), or the bytes present
// (Incomplete: the text ends inside a sequence that is valid so far).
SeqStatus utf8_sequence(const unsigned char* p, size_t n, size_t i, size_t& len) {
  const unsigned c = p[i];
  if (c < 0x80) {
    len = 1;
    return SeqStatus::Ok;
  }
  size_t need;
  if (c < 0xC2) {
    len = 1;
    return SeqStatus::Invalid;
  } else if (c < 0xE0) {
    need = 2;
  } else if (c < 0xF0) {
    need = 3;
  } else if (c < 0xF5) {
    need = 4;
  } else {
    len = 1;
    return SeqStatus::Invalid;
  }
  unsigned lo = 0x80, hi = 0xBF;
  if (c == 0xE0) lo = 0xA0;
  if (c == 0xED) hi = 0x9F;  // no surrogates
  if (c == 0xF0) lo = 0x90;  // no overlong forms
  if (c == 0xF4) hi = 0x8F;  // <= U+10FFFF
  for (size_t k = 1; k < need; ++k) {
    if (i + k >= n) {
      len = k;
      return SeqStatus::Incomplete;
    }
    const unsigned d = p[i + k];
    const bool ok = k == 1 ? (d >= lo && d <= hi) : (d >= 0x80 && d <= 0xBF);
    if (!ok) {
      len = k;
      return SeqStatus::Invalid;
    }
  }
  len = need;
  return SeqStatus::Ok;
}

// True if bytes read as UTF-8: valid, or mostly valid — more valid multi-byte
// sequences than invalid bytes (a UTF-8 file with a few stray Windows-1252 bytes
// pasted in; those become U+FFFD). Windows-1252 text almost never holds valid
// multi-byte sequences. A sequence cut by the end is allowed when allow_cut_end.
bool is_valid_utf8(std::string_view bytes, bool allow_cut_end) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const size_t n = bytes.size();
  size_t i = 0, valid = 0, invalid = 0;
  while (i < n) {
    if (p[i] < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    switch (utf8_sequence(p, n, i, len)) {
      case SeqStatus::Ok:
        i += len;
        ++valid;
        break;
      case SeqStatus::Invalid:
        i += len;
        ++invalid;
        break;
      case SeqStatus::Incomplete:
        if (!allow_cut_end) ++invalid;
        i = n;
        break;
    }
  }
  return invalid == 0 || valid > invalid;
}

bool starts_with_bytes(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

}  // namespace

std::string_view encoding_name(TextEncoding enc) {
  switch (enc) {
    case TextEncoding::Utf8:
      return "UTF-8";
    case TextEncoding::Utf8Bom:
      return "UTF-8 (BOM)";
    case TextEncoding::Utf16LE:
      return "UTF-16LE";
    case TextEncoding::Utf16BE:
      return "UTF-16BE";
    case TextEncoding::Windows1252:
      return "Windows-1252";
  }
  return "?";
}

size_t utf8_valid_prefix(std::string_view s, bool* cut) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  *cut = false;
  while (i < n) {
    while (i + 8 <= n) {
      uint64_t w;
      std::memcpy(&w, p + i, 8);
      if (w & 0x8080808080808080ULL) break;
      i += 8;
    }
    if (i >= n) break;
    size_t len = 0;
    SeqStatus st = utf8_sequence(p, n, i, len);
    if (st == SeqStatus::Incomplete) *cut = true;
    if (st != SeqStatus::Ok) return i;
    i += len;
  }
  return n;
}

// ---------------------------------------------------------------------------
// Utf8Transcoder

size_t Utf8Transcoder::convert(const unsigned char* p, size_t n, bool final, std::string& out) {
  switch (enc_) {
    case TextEncoding::Utf8:
    case TextEncoding::Utf8Bom: {
      size_t i = 0;
      while (i < n) {
        const size_t run = i;
        while (i + 8 <= n) {
          uint64_t w;
          std::memcpy(&w, p + i, 8);
          if (w & 0x8080808080808080ULL) break;
          i += 8;
        }
        while (i < n && p[i] < 0x80) ++i;
        if (i > run) out.append(reinterpret_cast<const char*>(p + run), i - run);
        // Valid multi-byte sequences are copied in runs too.
        const size_t mb_run = i;
        size_t len = 0;
        SeqStatus st = SeqStatus::Ok;
        while (i < n && p[i] >= 0x80) {
          st = utf8_sequence(p, n, i, len);
          if (st != SeqStatus::Ok) break;
          i += len;
        }
        if (i > mb_run) out.append(reinterpret_cast<const char*>(p + mb_run), i - mb_run);
        if (i < n && p[i] >= 0x80) {
          if (st == SeqStatus::Incomplete && !final) return i;
          out.append(kReplacement);
          i += len;
        }
      }
      return n;
    }
    case TextEncoding::Windows1252: {
      size_t i = 0;
      while (i < n) {
        const size_t run = i;
        while (i < n && p[i] < 0x80) ++i;
        if (i > run) out.append(reinterpret_cast<const char*>(p + run), i - run);
        while (i < n && p[i] >= 0x80) {
          append_utf8(p[i] < 0xA0 ? kCp1252High[p[i] - 0x80] : p[i], out);
          ++i;
        }
      }
      return n;
    }
    case TextEncoding::Utf16LE:
    case TextEncoding::Utf16BE: {
      const bool le = enc_ == TextEncoding::Utf16LE;
      size_t i = 0;
      for (; i + 1 < n; i += 2) {
        const uint32_t u = le ? (p[i] | (p[i + 1] << 8)) : ((p[i] << 8) | p[i + 1]);
        if (high_surrogate_ != 0) {
          if (u >= 0xDC00 && u <= 0xDFFF) {
            append_utf8(0x10000 + ((high_surrogate_ - 0xD800) << 10) + (u - 0xDC00), out);
            high_surrogate_ = 0;
            continue;
          }
          out.append(kReplacement);
          high_surrogate_ = 0;
        }
        if (u >= 0xD800 && u <= 0xDBFF) {
          high_surrogate_ = u;
        } else if (u >= 0xDC00 && u <= 0xDFFF) {
          out.append(kReplacement);
        } else {
          append_utf8(u, out);
        }
      }
      if (final) {
        if (high_surrogate_ != 0) out.append(kReplacement);
        high_surrogate_ = 0;
        if (i < n) out.append(kReplacement);
        return n;
      }
      return i;
    }
  }
  return n;
}

bool Utf8Transcoder::strip_bom() {
  std::string_view bom;
  switch (enc_) {
    case TextEncoding::Utf8:
    case TextEncoding::Utf8Bom:
      bom = "\xEF\xBB\xBF";
      break;
    case TextEncoding::Utf16LE:
      bom = "\xFF\xFE";
      break;
    case TextEncoding::Utf16BE:
      bom = "\xFE\xFF";
      break;
    case TextEncoding::Windows1252:
      return true;
  }
  const std::string_view have(reinterpret_cast<const char*>(pending_), npending_);
  if (have.size() < bom.size() && bom.starts_with(have)) return false;
  if (have.starts_with(bom)) {
    std::memmove(pending_, pending_ + bom.size(), npending_ - bom.size());
    npending_ -= bom.size();
  }
  return true;
}

void Utf8Transcoder::feed(std::string_view chunk, std::string& out) {
  const auto* p = reinterpret_cast<const unsigned char*>(chunk.data());
  const size_t n = chunk.size();
  size_t i = 0;
  // First complete what is pending (or the BOM), a few bytes at a time.
  while ((npending_ > 0 || at_start_) && i < n) {
    const size_t first = i;
    while (npending_ < 4 && i < n) pending_[npending_++] = p[i++];
    if (at_start_) {
      if (!strip_bom()) return;  // all of chunk is in pending_
      at_start_ = false;
    }
    const size_t used = convert(pending_, npending_, false, out);
    const size_t left = npending_ - used;
    const size_t taken = std::min(i - first, npending_);  // the BOM may have been dropped
    if (left <= taken) {                                  // what is left came from chunk: read it from there
      i -= left;
      npending_ = 0;
    } else {
      std::memmove(pending_, pending_ + used, left);
      npending_ = left;
      if (used == 0 && npending_ == 4) break;  // cannot happen: 4 bytes always decide
    }
  }
  if (i >= n || npending_ > 0) return;
  const size_t used = convert(p + i, n - i, false, out);
  npending_ = n - i - used;
  std::memcpy(pending_, p + i + used, npending_);
}

void Utf8Transcoder::finish(std::string& out) {
  if (at_start_) strip_bom();  // a short text: no more bytes will come
  at_start_ = false;
  convert(pending_, npending_, true, out);
  npending_ = 0;
}

std::string to_utf8(std::string_view bytes, TextEncoding enc) {
  std::string out;
  out.reserve(bytes.size() + bytes.size() / 8);
  Utf8Transcoder tr(enc);
  tr.feed(bytes, out);
  tr.finish(out);
  return out;
}

// ---------------------------------------------------------------------------
// CsvReader

namespace {

// The first position from `p` on (up to `n`) whose byte ends a run of text: `first` (the
// separator, or the quote inside quotes), CR, LF or NUL. 16 bytes at a time where the text allows
// (a field of a file's notes runs for a hundred bytes and more), then byte by byte.
inline size_t find_stop(const char* b, size_t p, size_t n, char first) {
#if defined(__SSE2__)
  const __m128i v0 = _mm_set1_epi8(first), v1 = _mm_set1_epi8('\r'), v2 = _mm_set1_epi8('\n'), v3 = _mm_setzero_si128();
  while (p + 16 <= n) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + p));
    const __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, v0), _mm_cmpeq_epi8(x, v1)),
                                     _mm_or_si128(_mm_cmpeq_epi8(x, v2), _mm_cmpeq_epi8(x, v3)));
    const int mask = _mm_movemask_epi8(hit);
    if (mask != 0) return p + static_cast<size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
    p += 16;
  }
#endif
  while (p < n && b[p] != first && b[p] != '\r' && b[p] != '\n' && b[p] != '\0') ++p;
  return p;
}

}  // namespace

CsvReader::CsvReader(char separator, size_t max_field_bytes, size_t max_fields)
    : sep_(separator), max_field_bytes_(max_field_bytes), max_fields_(std::max<size_t>(max_fields, 1)) {
  if (separator == '"' || separator == '\r' || separator == '\n' || separator == '\0') {
    throw std::invalid_argument("CsvReader: invalid separator");
  }
}

void CsvReader::start_at(uint64_t offset, uint64_t line) {
  buf_offset_ = offset;
  line_ = line;
}

void CsvReader::feed(std::string_view chunk) {
  if (pos_ > 0) {
    buf_.erase(0, pos_);
    buf_offset_ += pos_;
    pos_ = 0;
  }
  buf_.append(chunk);
}

void CsvReader::finish() { finished_ = true; }

void CsvReader::add_error(std::string_view msg) {
  if (!error_.empty()) error_ += " ; ";
  error_ += msg;
}

void CsvReader::begin_record() {
  nfields_ = 0;
  any_quote_ = false;
  error_.clear();
  record_line_ = line_;
  start_field();
}

// start_field, end_field and append run for every field: inline, with their rare cases apart.
inline void CsvReader::start_field() {
  field_discard_ = false;
  if (nfields_ >= max_fields_) [[unlikely]] {
    field_open_ = false;
    field_discard_ = true;
    return;
  }
  if (nfields_ == fields_.size()) [[unlikely]] {
    fields_.emplace_back();
  } else {
    fields_[nfields_].clear();
  }
  field_open_ = true;
}

inline void CsvReader::end_field() {
  if (field_open_) [[likely]] {
    ++nfields_;
  } else {
    too_many_fields();
  }
  field_open_ = false;
}

void CsvReader::too_many_fields() {
  if (error_.find("trop de champs") == std::string::npos) {
    add_error("trop de champs (plus de " + std::to_string(max_fields_) + "), les suivants sont ignorés");
  }
}

inline void CsvReader::append(const char* p, size_t n) {
  if (field_discard_) return;
  std::string& f = fields_[nfields_];
  if (f.size() + n > max_field_bytes_) [[unlikely]] {
    field_too_long(f);
    return;
  }
  f.append(p, n);
}

void CsvReader::field_too_long(std::string& f) {
  add_error("champ trop long (colonne " + std::to_string(nfields_ + 1) + ", plus de " +
            std::to_string(max_field_bytes_) + " octets)");
  f.clear();
  f.shrink_to_fit();
  field_discard_ = true;
}

bool CsvReader::emit(CsvRecord& out, uint64_t end_offset) {
  if (nfields_ == 1 && fields_[0].empty() && !any_quote_ && error_.empty()) return false;  // blank line
  out.fields.resize(nfields_);
  for (size_t i = 0; i < nfields_; ++i) out.fields[i].swap(fields_[i]);
  out.line = record_line_;
  out.end_offset = end_offset;
  out.next_line = line_;
  out.error = error_;
  return true;
}

bool CsvReader::line_end(size_t p, size_t& after) const {
  if (buf_[p] == '\n') {
    after = p + 1;
    return true;
  }
  if (p + 1 < buf_.size()) {
    after = buf_[p + 1] == '\n' ? p + 2 : p + 1;
    return true;
  }
  after = p + 1;
  return finished_;
}

bool CsvReader::next(CsvRecord& out) {
  const char* b = buf_.data();
  const size_t n = buf_.size();
  size_t p = pos_;
  for (;;) {
    if (p == n) {
      pos_ = p;
      if (!finished_ || state_ == State::RecordStart) return false;
      if (state_ == State::Quoted) add_error("guillemet non fermé en fin de fichier");
      end_field();
      state_ = State::RecordStart;
      return emit(out, buf_offset_ + p);
    }
    switch (state_) {
      case State::RecordStart:
        begin_record();
        state_ = State::FieldStart;
        break;
      case State::FieldStart:
        if (b[p] == '"') {
          any_quote_ = true;
          ++p;
          state_ = State::Quoted;
        } else {
          state_ = State::Unquoted;
        }
        break;
      case State::Unquoted: {
        size_t q = find_stop(b, p, n, sep_);
        if (q > p) append(b + p, q - p);
        p = q;
        if (p == n) break;
        const char c = b[p];
        if (c == sep_) {
          end_field();
          start_field();
          ++p;
          state_ = State::FieldStart;
        } else if (c == '\0') {
          ++p;
        } else {
          size_t after;
          if (!line_end(p, after)) {
            pos_ = p;
            return false;
          }
          end_field();
          ++line_;
          p = after;
          state_ = State::RecordStart;
          if (emit(out, buf_offset_ + p)) {
            pos_ = p;
            return true;
          }
        }
        break;
      }
      case State::Quoted: {
        size_t q = find_stop(b, p, n, '"');
        if (q > p) append(b + p, q - p);
        p = q;
        if (p == n) break;
        const char c = b[p];
        if (c == '"') {
          ++p;
          state_ = State::QuoteInQuoted;
        } else if (c == '\0') {
          ++p;
        } else {
          size_t after;
          if (!line_end(p, after)) {
            pos_ = p;
            return false;
          }
          append(b + p, after - p);
          ++line_;
          p = after;
        }
        break;
      }
      case State::QuoteInQuoted:
        if (b[p] == '"') {
          append(b + p, 1);
          ++p;
          state_ = State::Quoted;
        } else {
          state_ = State::Unquoted;  // closing quote; any text after it is kept as is
        }
        break;
    }
  }
}

// ---------------------------------------------------------------------------
// sniff_csv

namespace {

constexpr std::string_view kBinaryProblem = "ce fichier n'est pas un CSV (contenu binaire)";

// Returns a problem text if the bytes start like a known binary format.
std::string binary_magic(std::string_view h) {
  if (starts_with_bytes(h, "PK\x03\x04") || starts_with_bytes(h, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")) {
    return std::string(kBinaryProblem) +
           " : c'est sans doute un classeur Excel ou une archive ; enregistrez-le au format CSV";
  }
  static constexpr std::string_view kMagics[] = {"%PDF-",
                                                 "\x89PNG",
                                                 "GIF8",
                                                 "\xFF\xD8\xFF",
                                                 "\x1F\x8B",
                                                 "\x7F"
                                                 "ELF",
                                                 "7z\xBC\xAF",
                                                 "Rar!",
                                                 "SQLite format 3"};
  for (std::string_view m : kMagics) {
    if (starts_with_bytes(h, m)) return std::string(kBinaryProblem);
  }
  return {};
}

// Control bytes that text files do not hold, and runs of NUL bytes (a run of NULs
// padding a file counts once: it is one place).
bool mostly_binary(std::string_view t) {
  if (t.empty()) return false;
  size_t suspicious = 0;
  for (size_t i = 0; i < t.size(); ++i) {
    const auto c = static_cast<unsigned char>(t[i]);
    if (c == 0) {
      if (i == 0 || t[i - 1] != '\0') ++suspicious;
    } else if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') || c == 0x7F) {
      ++suspicious;
    }
  }
  return suspicious * 20 > t.size();  // > 5 %
}

// UTF-16 without BOM: NUL bytes on one parity, almost none on the other.
bool guess_utf16_without_bom(std::string_view h, TextEncoding& enc) {
  const size_t n = std::min<size_t>(h.size(), 4096) & ~size_t{1};
  if (n < 4) return false;
  size_t even_nul = 0, odd_nul = 0;
  for (size_t i = 0; i < n; i += 2) {
    even_nul += h[i] == '\0';
    odd_nul += h[i + 1] == '\0';
  }
  const size_t units = n / 2;
  if (odd_nul * 10 >= units * 7 && even_nul * 20 <= units) {
    enc = TextEncoding::Utf16LE;
    return true;
  }
  if (even_nul * 10 >= units * 7 && odd_nul * 20 <= units) {
    enc = TextEncoding::Utf16BE;
    return true;
  }
  return false;
}

std::string trim(std::string_view s) {
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return std::string(s);
}

// Reads up to max_records records of text with separator sep.
std::vector<CsvRecord> read_records(std::string_view text, char sep, bool whole, size_t max_records) {
  std::vector<CsvRecord> records;
  CsvReader reader(sep, kSniffHeadBytes, 4096);
  reader.feed(text);
  if (whole) reader.finish();
  CsvRecord rec;
  while (records.size() < max_records && reader.next(rec)) records.push_back(rec);
  if (records.empty() && !whole) {  // one record longer than the head: show what there is
    reader.finish();
    if (reader.next(rec)) records.push_back(rec);
  }
  return records;
}

struct SeparatorScore {
  bool header_matches = false;
  size_t consistent = 0;  // records with the most common field count
  size_t fields = 0;      // that count
  auto key() const { return std::tuple(header_matches, consistent, fields); }
};

SeparatorScore score_separator(const std::vector<CsvRecord>& records) {
  SeparatorScore s;
  std::map<size_t, size_t> counts;
  for (const CsvRecord& r : records) ++counts[r.fields.size()];
  for (const auto& [fields, n] : counts) {
    if (n >= s.consistent) {  // ties go to the larger count
      s.consistent = n;
      s.fields = fields;
    }
  }
  if (s.fields < 2) return {};
  s.header_matches = !records.empty() && records.front().fields.size() == s.fields;
  return s;
}

std::vector<std::string> clean_header(const std::vector<std::string>& raw) {
  std::vector<std::string> names;
  names.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    std::string name = trim(raw[i]);
    if (name.empty()) name = "colonne_" + std::to_string(i + 1);
    names.push_back(std::move(name));
  }
  std::unordered_set<std::string> taken(names.begin(), names.end());
  std::unordered_set<std::string> seen;
  for (std::string& name : names) {
    if (seen.insert(name).second) continue;
    for (size_t k = 2;; ++k) {
      std::string candidate = name + "_" + std::to_string(k);
      if (!taken.contains(candidate)) {
        taken.insert(candidate);
        seen.insert(candidate);
        name = std::move(candidate);
        break;
      }
    }
  }
  return names;
}

}  // namespace

CsvSniff sniff_csv(std::string_view head) {
  CsvSniff s;
  const bool whole = head.size() < kSniffHeadBytes;
  if (starts_with_bytes(head, "\xEF\xBB\xBF")) {
    s.encoding = TextEncoding::Utf8Bom;
  } else if (starts_with_bytes(head, "\xFF\xFE")) {
    s.encoding = TextEncoding::Utf16LE;
  } else if (starts_with_bytes(head, "\xFE\xFF")) {
    s.encoding = TextEncoding::Utf16BE;
  } else if (!guess_utf16_without_bom(head, s.encoding)) {
    s.encoding = is_valid_utf8(head, !whole) ? TextEncoding::Utf8 : TextEncoding::Windows1252;
  }

  std::string problem = binary_magic(head);
  std::string text;
  Utf8Transcoder tr(s.encoding);
  tr.feed(head, text);
  if (whole) tr.finish(text);
  if (problem.empty() && mostly_binary(text)) problem = kBinaryProblem;
  if (!problem.empty()) {
    s.looks_binary = true;
    s.problem = std::move(problem);
    return s;
  }

  if (trim(text).empty()) {
    s.problem = "le fichier est vide";
    return s;
  }

  constexpr size_t kSampleRecords = 50;
  SeparatorScore best;
  for (char sep : {',', ';', '\t', '|'}) {
    const SeparatorScore score = score_separator(read_records(text, sep, whole, kSampleRecords));
    if (score.key() > best.key()) {
      best = score;
      s.separator = sep;
    }
  }

  const std::vector<CsvRecord> records = read_records(text, s.separator, whole, 21);
  if (records.empty()) {
    s.problem = "le fichier est vide";
    return s;
  }
  s.header = clean_header(records.front().fields);
  if (!records.front().error.empty()) s.problem = "en-tête illisible : " + records.front().error;
  for (size_t i = 1; i < records.size(); ++i) s.rows.push_back(records[i].fields);
  if (s.rows.empty() && whole && s.problem.empty()) {
    s.problem = "le fichier ne contient que la ligne d'en-tête, aucune donnée";
  }
  return s;
}

}  // namespace mimicom
