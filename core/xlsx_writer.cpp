#include "core/xlsx_writer.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <ctime>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

namespace mimicom {

namespace {

constexpr size_t kBlock = 1 << 20;       // sheet XML handed to the compression thread
constexpr size_t kQueueDepth = 3;        // blocks waiting for it, at most
constexpr size_t kOutFlush = 1 << 20;    // output written in writes of this size
constexpr uint32_t k32 = 0xFFFFFFFFu;
constexpr uint16_t kPaddingId = 0xD935;  // the reserved extra field left unused (as zipalign pads)

const char* const kXmlDecl = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";
const char* const kMainNs = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const char* const kRelNs = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

void put16(std::string& s, uint16_t v) {
  s += static_cast<char>(v & 0xFF);
  s += static_cast<char>(v >> 8);
}
void put32(std::string& s, uint32_t v) {
  for (int i = 0; i < 4; ++i) s += static_cast<char>((v >> (8 * i)) & 0xFF);
}
void put64(std::string& s, uint64_t v) {
  for (int i = 0; i < 8; ++i) s += static_cast<char>((v >> (8 * i)) & 0xFF);
}

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// One UTF-8 sequence at p (n bytes available): its length and code point, or false with
// `len` the bytes of its longest valid prefix (at least 1), which become one U+FFFD.
bool decode_utf8(const unsigned char* p, size_t n, size_t& len, uint32_t& cp) {
  unsigned char c = p[0];
  size_t need;
  unsigned char lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) need = 1, cp = c & 0x1F;
  else if (c >= 0xE0 && c <= 0xEF) {
    need = 2, cp = c & 0x0F;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;  // no surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    need = 3, cp = c & 0x07;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;  // at most U+10FFFF
  } else {
    len = 1;
    return false;
  }
  size_t k = 1;
  for (; k <= need; ++k) {
    if (k >= n) break;
    unsigned char b = p[k];
    if (b < lo || b > hi) break;
    lo = 0x80, hi = 0xBF;
    cp = (cp << 6) | (b & 0x3F);
  }
  len = k;
  return k == need + 1;
}

struct Entry {
  std::string name;
  uint32_t crc = 0;
  uint64_t csize = 0, usize = 0, offset = 0;
  bool zip64 = false;  // sizes in a ZIP64 extra field (local header and central directory)
};

}  // namespace

struct XlsxWriter::Impl {
  int fd = -1;
  std::string path;
  bool force_zip64 = false;
  int level = 1;
  uint16_t dos_time = 0, dos_date = 0;
  std::string created;  // W3CDTF
  uint64_t offset = 0;  // bytes written to the file (flushed or buffered)
  std::string out;      // output not yet written
  std::vector<Entry> entries;

  // The sheet, compressed on a second thread.
  Entry sheet;
  z_stream z{};
  bool z_ready = false;
  std::string zbuf;
  std::thread worker;
  std::mutex m;
  std::condition_variable cv;
  std::deque<std::string> queue, spare;
  bool done = false, stop = false;
  std::string error;  // the worker's failure; set under `m`

  ~Impl() {
    join(true);
    if (z_ready) deflateEnd(&z);
    if (fd >= 0) ::close(fd);
  }

  void join(bool abort) {
    if (!worker.joinable()) return;
    {
      std::lock_guard lock(m);
      done = true;
      if (abort) stop = true;
    }
    cv.notify_all();
    worker.join();
  }

  bool write_all(const char* p, size_t n) {
    while (n > 0) {
      ssize_t w = ::write(fd, p, n);
      if (w < 0) {
        if (errno == EINTR) continue;
        return false;
      }
      p += w, n -= static_cast<size_t>(w);
    }
    return true;
  }
  bool flush() {
    bool ok = write_all(out.data(), out.size());
    out.clear();
    return ok;
  }
  bool put(const char* p, size_t n) {
    out.append(p, n);
    offset += n;
    return out.size() < kOutFlush || flush();
  }

  // A local file header. `reserve_extra`: 20 bytes of extra field kept for the ZIP64 sizes.
  std::string local_header(const Entry& e, bool reserve_extra) const {
    std::string h;
    put32(h, 0x04034b50);
    put16(h, e.zip64 ? 45 : 20);
    put16(h, 0);  // flags
    put16(h, 8);  // deflate
    put16(h, dos_time);
    put16(h, dos_date);
    put32(h, e.crc);
    put32(h, e.zip64 ? k32 : static_cast<uint32_t>(e.csize));
    put32(h, e.zip64 ? k32 : static_cast<uint32_t>(e.usize));
    put16(h, static_cast<uint16_t>(e.name.size()));
    put16(h, (e.zip64 || reserve_extra) ? 20 : 0);
    h += e.name;
    if (e.zip64) {
      put16(h, 1);
      put16(h, 16);
      put64(h, e.usize);
      put64(h, e.csize);
    } else if (reserve_extra) {
      put16(h, kPaddingId);
      put16(h, 16);
      h.append(16, '\0');
    }
    return h;
  }

  // A whole part, compressed in memory.
  Status add_part(std::string name, std::string_view data) {
    Entry e;
    e.name = std::move(name);
    e.offset = offset;
    e.usize = data.size();
    e.crc = static_cast<uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(data.size())));
    z_stream s{};
    if (deflateInit2(&s, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
      return fail(Error::Internal("compression impossible (zlib)"));
    std::string c(deflateBound(&s, data.size()), '\0');
    s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    s.avail_in = static_cast<uInt>(data.size());
    s.next_out = reinterpret_cast<Bytef*>(c.data());
    s.avail_out = static_cast<uInt>(c.size());
    int rc = deflate(&s, Z_FINISH);
    c.resize(s.total_out);
    deflateEnd(&s);
    if (rc != Z_STREAM_END) return fail(Error::Internal("compression impossible (zlib)"));
    e.csize = c.size();
    e.zip64 = force_zip64;
    std::string h = local_header(e, false);
    if (!put(h.data(), h.size()) || !put(c.data(), c.size())) return io_error();
    entries.push_back(std::move(e));
    return {};
  }

  Status io_error() const { return fail(Error::Internal("écriture de " + path + " impossible (disque plein ?)")); }

  // The worker: CRC-32 and deflate of each block, written to the file as it comes.
  void run() {
    for (;;) {
      std::string block;
      {
        std::unique_lock lock(m);
        cv.wait(lock, [&] { return !queue.empty() || done; });
        if (stop) return;
        if (queue.empty()) break;
        block = std::move(queue.front());
        queue.pop_front();
      }
      bool ok = compress(block.data(), block.size(), Z_NO_FLUSH);
      block.clear();
      {
        std::lock_guard lock(m);
        spare.push_back(std::move(block));
        if (!ok && error.empty()) error = "écriture de " + path + " impossible (disque plein ?)";
      }
      cv.notify_all();
      if (!ok) return;
    }
    if (!compress(nullptr, 0, Z_FINISH)) {
      std::lock_guard lock(m);
      if (error.empty()) error = "écriture de " + path + " impossible (disque plein ?)";
    }
  }

  bool compress(const char* p, size_t n, int flush_mode) {
    sheet.usize += n;
    if (n) sheet.crc = static_cast<uint32_t>(crc32(sheet.crc, reinterpret_cast<const Bytef*>(p), static_cast<uInt>(n)));
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(p));
    z.avail_in = static_cast<uInt>(n);
    for (;;) {
      z.next_out = reinterpret_cast<Bytef*>(zbuf.data());
      z.avail_out = static_cast<uInt>(zbuf.size());
      int rc = deflate(&z, flush_mode);
      if (rc == Z_STREAM_ERROR) return false;
      size_t produced = zbuf.size() - z.avail_out;
      sheet.csize += produced;
      if (produced && !put(zbuf.data(), produced)) return false;
      if (flush_mode == Z_FINISH) {
        if (rc == Z_STREAM_END) return true;
      } else if (z.avail_in == 0 && z.avail_out != 0) {
        return true;
      }
    }
  }

  // Hands a block to the worker (waits while kQueueDepth are waiting); `block` becomes
  // an empty spare buffer.
  Status hand_off(std::string& block) {
    std::unique_lock lock(m);
    cv.wait(lock, [&] { return queue.size() < kQueueDepth || !error.empty(); });
    if (!error.empty()) return fail(Error::Internal(error));
    queue.push_back(std::move(block));
    if (!spare.empty()) {
      block = std::move(spare.front());
      spare.pop_front();
    } else {
      block = std::string();
      block.reserve(kBlock + kBlock / 4);
    }
    lock.unlock();
    cv.notify_all();
    return {};
  }
};

XlsxWriter::XlsxWriter() = default;
XlsxWriter::~XlsxWriter() = default;

void XlsxWriter::append_column_name(std::string& out, int col) {
  char tmp[4];
  int n = 0;
  ++col;
  while (col > 0 && n < 4) {
    int r = (col - 1) % 26;
    tmp[n++] = static_cast<char>('A' + r);
    col = (col - 1) / 26;
  }
  while (n > 0) out += tmp[--n];
}

bool XlsxWriter::append_xml_text(std::string& out, std::string_view s, size_t max_chars) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t i = 0, start = 0, chars = 0;
  auto flush = [&] { out.append(s.data() + start, i - start); };
  while (i < n) {
    unsigned char c = p[i];
    if (c < 0x80) {
      if (chars >= max_chars) {
        flush();
        return true;
      }
      bool plain = c >= 0x20 && c != '&' && c != '<' && c != '>' && c != '"' && c != '\'' && c != '_';
      if (plain) {
        ++chars, ++i;
        continue;
      }
      flush();
      switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&apos;"; break;
        case '_':
          // Excel reads "_xHHHH_" as an escaped character: a literal one keeps its "_".
          if (i + 6 < n && s[i + 1] == 'x' && is_hex(s[i + 2]) && is_hex(s[i + 3]) && is_hex(s[i + 4]) &&
              is_hex(s[i + 5]) && s[i + 6] == '_')
            out += "_x005F_";
          else
            out += '_';
          break;
        case '\t': case '\n': case '\r': out += static_cast<char>(c); break;
        default: --chars; break;  // a control character XML 1.0 forbids: dropped
      }
      ++chars, ++i;
      start = i;
      continue;
    }
    size_t len;
    uint32_t cp = 0;
    bool ok = decode_utf8(p + i, n - i, len, cp);
    bool valid = ok && cp != 0xFFFE && cp != 0xFFFF;
    size_t units = valid && cp >= 0x10000 ? 2 : 1;
    if (chars + units > max_chars) {
      flush();
      return true;
    }
    chars += units;
    if (valid) {
      i += len;
      continue;
    }
    flush();
    out += "\xEF\xBF\xBD";  // U+FFFD
    i += len;
    start = i;
  }
  flush();
  return false;
}

Status XlsxWriter::open(const std::string& path, const Options& o) {
  o_ = o;
  impl_ = std::make_unique<Impl>();
  Impl& im = *impl_;
  im.path = path;
  im.force_zip64 = o.force_zip64;
  im.level = o.level;
  im.fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (im.fd < 0) return fail(Error::Internal("création de " + path + " impossible"));

  std::time_t now = std::time(nullptr);
  std::tm t{};
  gmtime_r(&now, &t);
  im.dos_time = static_cast<uint16_t>((t.tm_hour << 11) | (t.tm_min << 5) | (t.tm_sec / 2));
  im.dos_date = static_cast<uint16_t>(((t.tm_year + 1900 - 1980) << 9) | ((t.tm_mon + 1) << 5) | t.tm_mday);
  char when[32];
  std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &t);
  im.created = when;

  std::string x;
  x = std::string(kXmlDecl) +
      "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
      "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
      "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
      "<Override PartName=\"/xl/workbook.xml\" "
      "ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
      "<Override PartName=\"/xl/worksheets/sheet1.xml\" "
      "ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
      "<Override PartName=\"/xl/styles.xml\" "
      "ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>"
      "<Override PartName=\"/docProps/core.xml\" "
      "ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>"
      "<Override PartName=\"/docProps/app.xml\" "
      "ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/>"
      "</Types>";
  if (auto st = im.add_part("[Content_Types].xml", x); !st) return st;
  x = std::string(kXmlDecl) +
      "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
      "<Relationship Id=\"rId1\" "
      "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" "
      "Target=\"xl/workbook.xml\"/>"
      "<Relationship Id=\"rId2\" "
      "Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" "
      "Target=\"docProps/core.xml\"/>"
      "<Relationship Id=\"rId3\" "
      "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties\" "
      "Target=\"docProps/app.xml\"/>"
      "</Relationships>";
  if (auto st = im.add_part("_rels/.rels", x); !st) return st;
  x = std::string(kXmlDecl) +
      "<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\" "
      "xmlns:vt=\"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes\">"
      "<Application>MimiCom</Application></Properties>";
  if (auto st = im.add_part("docProps/app.xml", x); !st) return st;
  x = std::string(kXmlDecl) +
      "<cp:coreProperties "
      "xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" "
      "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" "
      "xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
      "<dc:creator>MimiCom</dc:creator>"
      "<dcterms:created xsi:type=\"dcterms:W3CDTF\">" + im.created + "</dcterms:created>"
      "<dcterms:modified xsi:type=\"dcterms:W3CDTF\">" + im.created + "</dcterms:modified>"
      "</cp:coreProperties>";
  if (auto st = im.add_part("docProps/core.xml", x); !st) return st;
  x = std::string(kXmlDecl) +
      "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
      "<Relationship Id=\"rId1\" "
      "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" "
      "Target=\"worksheets/sheet1.xml\"/>"
      "<Relationship Id=\"rId2\" "
      "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" "
      "Target=\"styles.xml\"/>"
      "</Relationships>";
  if (auto st = im.add_part("xl/_rels/workbook.xml.rels", x); !st) return st;
  x = std::string(kXmlDecl) + "<styleSheet xmlns=\"" + kMainNs + "\">" +
      "<fonts count=\"2\">"
      "<font><sz val=\"11\"/><name val=\"Calibri\"/><family val=\"2\"/></font>"
      "<font><b/><sz val=\"11\"/><name val=\"Calibri\"/><family val=\"2\"/></font>"
      "</fonts>"
      "<fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill>"
      "<fill><patternFill patternType=\"gray125\"/></fill></fills>"
      "<borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"
      "<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>"
      "<cellXfs count=\"2\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>"
      "<xf numFmtId=\"0\" fontId=\"1\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyFont=\"1\"/></cellXfs>"
      "<cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles>"
      "</styleSheet>";
  if (auto st = im.add_part("xl/styles.xml", x); !st) return st;

  // The sheet: its local header now, sizes and CRC filled in by finish().
  im.sheet.name = "xl/worksheets/sheet1.xml";
  im.sheet.offset = im.offset;
  std::string h = im.local_header(im.sheet, true);
  if (!im.put(h.data(), h.size())) return im.io_error();
  if (deflateInit2(&im.z, o.level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    return fail(Error::Internal("compression impossible (zlib)"));
  im.z_ready = true;
  im.zbuf.resize(256 * 1024);
  im.out.reserve(kOutFlush + 256 * 1024);
  im.worker = std::thread([&im] { im.run(); });

  buf_.clear();
  buf_.reserve(kBlock + kBlock / 4);
  buf_ += kXmlDecl;
  buf_ += "<worksheet xmlns=\"";
  buf_ += kMainNs;
  buf_ += "\" xmlns:r=\"";
  buf_ += kRelNs;
  buf_ += "\"><sheetViews><sheetView tabSelected=\"1\" workbookViewId=\"0\">";
  if (o.freeze_first_row)
    buf_ += "<pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/>"
            "<selection pane=\"bottomLeft\" activeCell=\"A2\" sqref=\"A2\"/>";
  buf_ += "</sheetView></sheetViews><sheetFormatPr defaultRowHeight=\"15\"/><sheetData>";
  return {};
}

Status XlsxWriter::begin_row() {
  if (!impl_ || !impl_->worker.joinable()) return fail(Error::Internal("classeur non ouvert"));
  if (rows_ >= kMaxRows)
    return fail(Error::Invalid("rows", "une feuille XLSX contient au plus 1 048 576 lignes"));
  ++rows_;
  col_ = 0;
  row_num_.clear();
  char tmp[24];
  auto r = std::to_chars(tmp, tmp + sizeof tmp, rows_);
  row_num_.assign(tmp, r.ptr);
  buf_ += "<row r=\"";
  buf_ += row_num_;
  buf_ += "\">";
  return {};
}

void XlsxWriter::cell_ref(std::string_view type_attr) {
  buf_ += "<c r=\"";
  append_column_name(buf_, col_);
  buf_ += row_num_;
  buf_ += '"';
  buf_ += type_attr;
  buf_ += '>';
}

void XlsxWriter::string_cell(std::string_view s, bool bold) {
  if (col_ >= kMaxColumns) return;
  cell_ref(bold ? " s=\"1\" t=\"inlineStr\"" : " t=\"inlineStr\"");
  auto ws = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  if (!s.empty() && (ws(s.front()) || ws(s.back())))
    buf_ += "<is><t xml:space=\"preserve\">";
  else
    buf_ += "<is><t>";
  append_xml_text(buf_, s);
  buf_ += "</t></is></c>";
  ++col_;
}

void XlsxWriter::text(std::string_view s) { string_cell(s, false); }
void XlsxWriter::bold_text(std::string_view s) { string_cell(s, true); }

void XlsxWriter::number(double v) {
  if (col_ >= kMaxColumns) return;
  if (!std::isfinite(v)) {
    ++col_;
    return;
  }
  cell_ref({});
  char tmp[64];
  auto r = std::to_chars(tmp, tmp + sizeof tmp, v);
  buf_ += "<v>";
  buf_.append(tmp, r.ptr);
  buf_ += "</v></c>";
  ++col_;
}

void XlsxWriter::integer(long long v) {
  if (col_ >= kMaxColumns) return;
  cell_ref({});
  char tmp[24];
  auto r = std::to_chars(tmp, tmp + sizeof tmp, v);
  buf_ += "<v>";
  buf_.append(tmp, r.ptr);
  buf_ += "</v></c>";
  ++col_;
}

void XlsxWriter::boolean(bool v) {
  if (col_ >= kMaxColumns) return;
  cell_ref(" t=\"b\"");
  buf_ += v ? "<v>1</v></c>" : "<v>0</v></c>";
  ++col_;
}

void XlsxWriter::empty() {
  if (col_ < kMaxColumns) ++col_;
}

Status XlsxWriter::end_row() {
  buf_ += "</row>";
  if (col_ > max_cols_) max_cols_ = col_;
  if (buf_.size() >= kBlock) return hand_off();
  return {};
}

Status XlsxWriter::hand_off() { return impl_->hand_off(buf_); }

Status XlsxWriter::finish(bool sync) {
  if (!impl_ || impl_->fd < 0 || !impl_->worker.joinable()) return fail(Error::Internal("classeur non ouvert"));
  Impl& im = *impl_;
  buf_ += "</sheetData>";
  std::string ref;  // A1:F3
  if (o_.autofilter && rows_ > 0 && max_cols_ > 0) {
    ref = "A1:";
    append_column_name(ref, max_cols_ - 1);
    ref += std::to_string(rows_);
    buf_ += "<autoFilter ref=\"" + ref + "\"/>";
  }
  buf_ += "<pageMargins left=\"0.7\" right=\"0.7\" top=\"0.75\" bottom=\"0.75\" header=\"0.3\" footer=\"0.3\"/>"
          "</worksheet>";
  if (auto st = hand_off(); !st) return st;
  im.join(false);
  if (!im.error.empty()) return fail(Error::Internal(im.error));
  deflateEnd(&im.z);
  im.z_ready = false;

  // The sheet's local header, rewritten with its sizes.
  Entry& sh = im.sheet;
  sh.zip64 = im.force_zip64 || sh.usize >= k32 || sh.csize >= k32;
  std::string h = im.local_header(sh, true);
  if (!im.flush() || ::pwrite(im.fd, h.data(), h.size(), static_cast<off_t>(sh.offset)) != static_cast<ssize_t>(h.size()))
    return im.io_error();
  im.entries.push_back(sh);

  // The workbook, now that the autofilter's range is known.
  std::string sheet_name;
  for (char c : o_.sheet_name) {
    if (c == '&') sheet_name += "&amp;";
    else if (c == '<') sheet_name += "&lt;";
    else if (c == '>') sheet_name += "&gt;";
    else if (c == '"') sheet_name += "&quot;";
    else sheet_name += c;
  }
  std::string x = std::string(kXmlDecl) + "<workbook xmlns=\"" + kMainNs + "\" xmlns:r=\"" + kRelNs + "\">" +
                  "<workbookPr/><bookViews><workbookView/></bookViews><sheets><sheet name=\"" + sheet_name +
                  "\" sheetId=\"1\" r:id=\"rId1\"/></sheets>";
  if (!ref.empty()) {
    // Excel's hidden name for the autofilter: Prospects!$A$1:$F$3 ('Sheet name'!… when the
    // name needs quotes).
    bool plain = !o_.sheet_name.empty() && !(o_.sheet_name[0] >= '0' && o_.sheet_name[0] <= '9');
    for (char c : o_.sheet_name)
      plain = plain && ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
    std::string quoted = plain ? "" : "'";
    for (char c : sheet_name) quoted += c == '\'' ? std::string("''") : std::string(1, c);
    if (!plain) quoted += "'";
    std::string abs = "$A$1:$";
    append_column_name(abs, max_cols_ - 1);
    abs += "$" + std::to_string(rows_);
    x += "<definedNames><definedName name=\"_xlnm._FilterDatabase\" localSheetId=\"0\" hidden=\"1\">" + quoted + "!" +
         abs + "</definedName></definedNames>";
  }
  x += "<calcPr calcId=\"124519\"/></workbook>";
  if (auto st = im.add_part("xl/workbook.xml", x); !st) return st;

  // The central directory.
  uint64_t cd_offset = im.offset;
  std::string cd;
  bool any64 = im.force_zip64;
  for (const Entry& e : im.entries) {
    bool big_u = im.force_zip64 || e.usize >= k32, big_c = im.force_zip64 || e.csize >= k32,
         big_o = im.force_zip64 || e.offset >= k32;
    std::string extra;
    if (big_u || big_c || big_o) {
      put16(extra, 1);
      put16(extra, static_cast<uint16_t>(8 * (big_u + big_c + big_o)));
      if (big_u) put64(extra, e.usize);
      if (big_c) put64(extra, e.csize);
      if (big_o) put64(extra, e.offset);
      any64 = true;
    }
    bool v45 = e.zip64 || !extra.empty();
    put32(cd, 0x02014b50);
    put16(cd, static_cast<uint16_t>(0x0300 | (v45 ? 45 : 20)));  // made by: Unix
    put16(cd, v45 ? 45 : 20);
    put16(cd, 0);
    put16(cd, 8);
    put16(cd, im.dos_time);
    put16(cd, im.dos_date);
    put32(cd, e.crc);
    put32(cd, big_c ? k32 : static_cast<uint32_t>(e.csize));
    put32(cd, big_u ? k32 : static_cast<uint32_t>(e.usize));
    put16(cd, static_cast<uint16_t>(e.name.size()));
    put16(cd, static_cast<uint16_t>(extra.size()));
    put16(cd, 0);  // comment
    put16(cd, 0);  // disk
    put16(cd, 0);  // internal attributes
    put32(cd, 0100644u << 16);  // external attributes: a regular file, rw-r--r--
    put32(cd, big_o ? k32 : static_cast<uint32_t>(e.offset));
    cd += e.name;
    cd += extra;
  }
  if (!im.put(cd.data(), cd.size())) return im.io_error();
  uint64_t cd_size = cd.size(), count = im.entries.size();
  bool big_cd = im.force_zip64 || cd_offset >= k32 || cd_size >= k32;
  std::string end;
  if (any64 || big_cd) {
    uint64_t z64_offset = im.offset;
    put32(end, 0x06064b50);
    put64(end, 44);
    put16(end, 0x032D);
    put16(end, 45);
    put32(end, 0);
    put32(end, 0);
    put64(end, count);
    put64(end, count);
    put64(end, cd_size);
    put64(end, cd_offset);
    put32(end, 0x07064b50);
    put32(end, 0);
    put64(end, z64_offset);
    put32(end, 1);
  }
  put32(end, 0x06054b50);
  put16(end, 0);
  put16(end, 0);
  put16(end, static_cast<uint16_t>(count));
  put16(end, static_cast<uint16_t>(count));
  put32(end, big_cd ? k32 : static_cast<uint32_t>(cd_size));
  put32(end, big_cd ? k32 : static_cast<uint32_t>(cd_offset));
  put16(end, 0);
  if (!im.put(end.data(), end.size()) || !im.flush()) return im.io_error();
  bool ok = !sync || ::fsync(im.fd) == 0;
  ok = ::close(im.fd) == 0 && ok;
  im.fd = -1;
  if (!ok) return im.io_error();
  return {};
}

}  // namespace mimicom
