// The import task. The file is read as UTF-8 text: a UTF-8 file as it is, up to its first
// invalid bytes if any, any other (Windows-1252, UTF-16) transcoded once into a UTF-8 copy
// beside the upload, which also serves a UTF-8 file from its invalid bytes on: every checkpoint
// is a byte offset that means the same in the file and in its copy.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>
#include <filesystem>
#include <malloc.h>
#include <memory>
#include <nlohmann/json.hpp>

#include "core/big_alloc.hpp"
#include "core/clock.hpp"
#include "core/csv.hpp"
#include "core/imports.hpp"
#include "core/thread_name.hpp"
#include "worker/tasks.hpp"

namespace mimicom {
namespace {

using json = nlohmann::json;
constexpr size_t kChunk = 1 << 20;

struct FileCloser {
  void operator()(std::FILE* f) const {
    if (f) std::fclose(f);
  }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

std::optional<TextEncoding> encoding_from_name(std::string_view name) {
  for (auto e : {TextEncoding::Utf8, TextEncoding::Utf8Bom, TextEncoding::Utf16LE, TextEncoding::Utf16BE,
                 TextEncoding::Windows1252})
    if (encoding_name(e) == name) return e;
  return std::nullopt;
}

// Writes the UTF-8 text of `src` to `dst` (via a temporary file renamed at the end, so a
// crash never leaves a half copy that looks complete).
bool transcode_file(const std::string& src, const std::string& dst, TextEncoding enc, std::string& error) {
  File in(std::fopen(src.c_str(), "rb"));
  if (!in) {
    error = "fichier importé introuvable";
    return false;
  }
  std::string tmp = dst + ".part";
  File out(std::fopen(tmp.c_str(), "wb"));
  if (!out) {
    error = "impossible d'écrire la copie UTF-8 du fichier";
    return false;
  }
  Utf8Transcoder tr(enc);
  std::string chunk(kChunk, '\0'), text;
  while (size_t n = std::fread(chunk.data(), 1, kChunk, in.get())) {
    text.clear();
    tr.feed(std::string_view(chunk.data(), n), text);
    if (std::fwrite(text.data(), 1, text.size(), out.get()) != text.size()) {
      error = "disque plein pendant la conversion en UTF-8";
      return false;
    }
  }
  text.clear();
  tr.finish(text);
  std::fwrite(text.data(), 1, text.size(), out.get());
  if (std::fflush(out.get()) != 0) {
    error = "disque plein pendant la conversion en UTF-8";
    return false;
  }
  out.reset();
  std::filesystem::rename(tmp, dst);
  return true;
}

struct Progress {
  uint64_t offset = 0;  // in the UTF-8 text, just after the last committed record
  uint64_t line = 1;
  long long rows = 0;
  long long fixed = 0;  // cells rewritten into their normal form (ImportRow::fixed)
  double seconds = 0;   // time spent by every run so far, up to the last commit
  bool bulk = false;    // a bulk load (indexes deferred, search index after the load): decided at the first run
  ImportCounts counts;
};

json progress_json(const Progress& p) {
  return {{"offset", p.offset},
          {"line", p.line},
          {"rows", p.rows},
          {"inserted", p.counts.inserted},
          {"updated", p.counts.updated},
          {"duplicates_in_file", p.counts.duplicates_in_file},
          {"duplicates_existing", p.counts.duplicates_existing},
          {"rejected", p.counts.rejected},
          {"fixed", p.fixed},
          {"seconds", p.seconds},
          {"bulk", p.bulk}};
}

Progress progress_from_json(const json& j) {
  Progress p;
  p.offset = j.value("offset", uint64_t{0});
  p.line = j.value("line", uint64_t{1});
  p.rows = j.value("rows", 0LL);
  p.counts.inserted = j.value("inserted", 0LL);
  p.counts.updated = j.value("updated", 0LL);
  p.counts.duplicates_in_file = j.value("duplicates_in_file", 0LL);
  p.counts.duplicates_existing = j.value("duplicates_existing", 0LL);
  p.counts.rejected = j.value("rejected", 0LL);
  p.fixed = j.value("fixed", 0LL);
  p.seconds = j.value("seconds", 0.0);
  p.bulk = j.value("bulk", false);
  return p;
}

// The keys met in a file, as 64-bit hashes in one open-addressing table: 8 bytes a key at
// most half full (a std::unordered_set took ~40). A collision (about 1 in 10^7 for 2 million
// keys) can only miscount a row (duplicate of the file rather than new or of an existing
// prospect): what the row does to the data is decided by the store's indexes.
class HashSet64 {
 public:
  // Room for `n` keys at once: growing doubles the table while the old one is still there
  // (48 MB for 2 million keys, at the peak of a 1M-row import's memory).
  void reserve(size_t n) {
    size_t want = 1024;
    while (want < n * 2) want *= 2;
    if (want > slots_.size()) grow(want);
  }
  // Whether `h` was not there yet.
  bool insert(uint64_t h) {
    if ((size_ + 1) * 2 > slots_.size()) grow(slots_.empty() ? 1024 : slots_.size() * 2);
    for (size_t i = h & mask_;; i = (i + 1) & mask_) {
      if (slots_[i] == h) return false;
      if (slots_[i] == 0) {
        slots_[i] = h;
        ++size_;
        return true;
      }
    }
  }

 private:
  void grow(size_t n) {
    Big<uint64_t> old = std::move(slots_);
    slots_.assign(n, 0);
    mask_ = slots_.size() - 1;
    size_ = 0;
    for (uint64_t h : old)
      if (h) insert(h);
  }
  Big<uint64_t> slots_;  // in huge pages (see core/big_alloc.hpp)
  size_t mask_ = 0, size_ = 0;
};

// Reads the file and writes its rows, batch after batch (see run_import).
TaskOutcome load_file(JobContext& ctx, const TaskSettings& settings) {
  auto started = std::chrono::steady_clock::now();
  json params = json::parse(ctx.job().params, nullptr, false);
  if (!params.is_object() || !params.contains("import_id")) return TaskOutcome::failed("paramètres d'import invalides");
  auto imp = ctx.store().get_import(params["import_id"].get<long long>());
  if (!imp) return TaskOutcome::failed(imp.error().message);
  auto policy = parse_duplicate_policy(imp->on_duplicate);
  json mapping_json = json::parse(imp->mapping, nullptr, false);
  if (!policy || !mapping_json.is_object()) return TaskOutcome::failed("import non configuré (correspondance des colonnes)");

  // What the file is: checked again here, so a CLI import or a stale upload fails clearly.
  std::string head;
  {
    File f(std::fopen(imp->path.c_str(), "rb"));
    if (!f) return TaskOutcome::failed("le fichier importé n'existe plus sur le serveur");
    head.resize(kSniffHeadBytes);
    head.resize(std::fread(head.data(), 1, head.size(), f.get()));
  }
  CsvSniff sniff = sniff_csv(head);
  if (sniff.looks_binary || sniff.problem.starts_with("le fichier est vide")) return TaskOutcome::failed(sniff.problem);
  std::vector<std::pair<std::string, std::string>> mapping;
  for (auto& [k, v] : mapping_json.items()) mapping.emplace_back(k, v.is_string() ? v.get<std::string>() : "");
  auto targets = check_mapping(imp->header, mapping);
  if (!targets) {
    std::string why;
    for (const auto& f : targets.error().fields) why += (why.empty() ? "" : " ; ") + f.message;
    return TaskOutcome::failed("correspondance des colonnes invalide : " + why);
  }
  auto enc = encoding_from_name(imp->encoding);
  if (!enc) return TaskOutcome::failed("encodage inconnu : " + imp->encoding);
  if (imp->separator.size() != 1) return TaskOutcome::failed("séparateur invalide");
  const char sep = imp->separator[0];

  // The text to read: the file itself while it is valid UTF-8, else its UTF-8 copy (invalid
  // bytes replaced by U+FFFD, another encoding converted). A file said to be UTF-8 is checked as
  // it is read (see scan), not read once more before the import: that took ~0.16 s of a 254 MB
  // file in the page cache, and seconds when the OS had dropped it (reading it then overlaps
  // with the rows' work).
  std::string text_path = imp->path;
  uint64_t base = 0;  // bytes of the file before the text (a UTF-8 BOM)
  const bool utf8_file = *enc == TextEncoding::Utf8 || *enc == TextEncoding::Utf8Bom;
  if (utf8_file && head.starts_with("\xEF\xBB\xBF")) base = 3;
  const std::filesystem::path uploads = std::filesystem::path(settings.data_dir) / "uploads";
  const std::string copy_path = (uploads / ("import-" + std::to_string(imp->id) + ".utf8")).string();
  bool check_utf8 = utf8_file;  // whether the text read is checked (the copy needs no check)
  File in;
  std::atomic<long long> text_size = 0;  // set again by the reader thread if it moves to the copy
  // Reads from the copy from now on (made first unless an earlier run made it). Empty: done.
  auto use_copy = [&]() -> std::string {
    if (!std::filesystem::exists(copy_path)) {
      std::filesystem::create_directories(uploads);
      ctx.log("info", std::string("conversion du fichier ") +
                          (utf8_file ? "(octets UTF-8 invalides remplacés par �)" : "depuis " + imp->encoding) + " en UTF-8");
      std::string error;
      if (!transcode_file(imp->path, copy_path, utf8_file ? TextEncoding::Utf8 : *enc, error)) return error;
    }
    text_path = copy_path;
    base = 0;
    check_utf8 = false;
    return {};
  };
  // Opens text_path and measures its text.
  auto open_text = [&]() -> bool {
    in.reset(std::fopen(text_path.c_str(), "rb"));
    if (!in) return false;
    std::fseek(in.get(), 0, SEEK_END);
    text_size = std::ftell(in.get()) - static_cast<long long>(base);
    return true;
  };
  if (!utf8_file || std::filesystem::exists(copy_path))
    if (std::string error = use_copy(); !error.empty()) return TaskOutcome::failed(error);
  if (!open_text()) return TaskOutcome::failed("le fichier importé n'existe plus sur le serveur");

  // A large file into a small base: the indexes are built after the load, and the full-text
  // index after the job. Decided once, at the first run: a resumed job finds its indexes still
  // deferred in the store, and the decision in its checkpoint.
  bool bulk = false;
  if (ctx.job().checkpoint.empty() && text_size >= settings.import_bulk_min_bytes) {
    auto deferred = ctx.store().defer_prospect_indexes(ctx.job().id, text_size / 1024);
    if (!deferred) return TaskOutcome::failed("écriture impossible : " + deferred.error().message);
    bulk = !deferred->empty();
    if (bulk)
      ctx.log("info", "base presque vide : " + std::to_string(deferred->size()) +
                          " index seront construits après le chargement, l'index de recherche après l'import");
  }

  std::string owner;
  if (imp->created_by)
    if (auto u = ctx.store().get_user(*imp->created_by)) owner = u->email;
  ImportRowConverter conv(imp->header, *targets, owner);

  Progress pr;
  bool resumed = !ctx.job().checkpoint.empty();
  if (resumed) pr = progress_from_json(json::parse(ctx.job().checkpoint, nullptr, false));
  else pr.bulk = bulk;
  const double seconds_before = pr.seconds;  // this run's time is added to it

  // Reads records from `from` (a record boundary; 0 = the start, header included) and
  // passes each one after the header to `each` until it returns false or the text ends.
  std::string chunk(kChunk, '\0');
  CsvRecord rec;
  ImportRow row;
  ImportReject reject;
  HashSet64 seen;  // keys met in the file so far
  seen.reserve(static_cast<size_t>(text_size / 128));  // two keys a row, rows of ~250 bytes
  // A row is keyed on its e-mail, or its phone without e-mail; the phones of rows with an
  // e-mail are remembered too, so a later phone-only row matching one is a duplicate of the file.
  // Returns whether the row's key (see import_key) was met before; each key hashed once (a
  // look-up, then an insert, hashed the e-mail three times), and the hashes kept in the row for
  // the store's keys in memory (import_key_hash: the same ones).
  auto remember = [&](ImportRow& row) {
    const Prospect& p = row.prospect;
    bool met = false;
    row.email_key = p.email ? import_key_hash('e', *p.email) : 0;
    row.phone_key = p.phone ? import_key_hash('p', *p.phone) : 0;
    if (p.email) met = !seen.insert(row.email_key);
    if (p.phone) {
      bool phone_met = !seen.insert(row.phone_key);
      if (!p.email) met = phone_met;
    }
    return met;
  };

  // After a crash, the keys of the rows already imported are read again from the file, so
  // duplicates inside the file are counted as in an uninterrupted run.
  // Set by the reader thread when it cannot go on (the UTF-8 copy could not be made).
  std::string reader_error;
  auto scan = [&](uint64_t from, uint64_t line, auto&& each) -> bool {
    bool header_pending = from == 0;
    while (true) {
      CsvReader rd(sep);
      if (from > 0) rd.start_at(from, line);
      std::fseek(in.get(), static_cast<long>(base + from), SEEK_SET);
      uint64_t passed = from, passed_line = line;  // where the records passed to `each` end
      size_t carry = 0;  // the start of a UTF-8 sequence the last chunk cut, moved to the front
      bool invalid = false;
      while (true) {
        size_t n = std::fread(chunk.data() + carry, 1, kChunk - carry, in.get());
        size_t len = carry + n, valid = len;
        if (check_utf8) {
          bool cut = false;
          valid = utf8_valid_prefix(std::string_view(chunk.data(), len), &cut);
          invalid = valid < len && (!cut || n == 0);
        }
        if (len == 0) rd.finish();
        else rd.feed(std::string_view(chunk.data(), valid));
        while (rd.next(rec)) {
          if (header_pending) {
            header_pending = false;
            if (!each(rec, true)) return false;
          } else if (!each(rec, false)) {
            return false;
          }
          passed = rec.end_offset;
          passed_line = rec.next_line;
        }
        if (invalid) break;
        if (len == 0) return true;
        carry = len - valid;
        std::memmove(chunk.data(), chunk.data() + valid, carry);
      }
      // Not UTF-8 from some byte on: the rest is read from the copy, from the end of the last
      // record passed (its records after that byte were never passed; the one the byte is in
      // was not finished). The copy's text is the file's up to that byte: valid UTF-8 is copied
      // as it is, and the BOM that `base` skipped is left out.
      if (std::string error = use_copy(); !error.empty() || !open_text()) {
        reader_error = error.empty() ? "la copie UTF-8 du fichier est illisible" : error;
        return false;
      }
      from = passed;
      line = passed_line;
    }
  };

  if (!resumed) {
    ctx.log("info", "import de « " + imp->file_name + " » : " + imp->encoding + ", séparateur « " +
                        (sep == '\t' ? std::string("tabulation") : std::string(1, sep)) + " », doublons : " +
                        std::string(duplicate_policy_name(*policy)));
  } else {
    ctx.log("info", "reprise à la ligne " + std::to_string(pr.line) + " (" + std::to_string(pr.rows) + " lignes déjà traitées)");
  }

  // Two stages on two threads: the reader parses and converts rows into batches (CSV,
  // validation, normalisation: CPU), this thread writes them (SQLite has one writer). At most
  // kReadyBatches full batches wait between them, so memory stays bounded whatever the file's
  // size. Two rather than one: the stages' speeds vary from batch to batch, and with one the
  // faster could only wait for the slower at each hand-over (strace -f -c of a re-import: 7.46 s
  // of futex waits over its threads). A 1M-row re-import with fill_empty, five A/B rounds alternated:
  // 12.52-13.75 s against 13.15-14.05 s, faster in every round; peak RSS 215 MB against
  // 198-205 MB; with `skip` and the first import, the same within the noise.
  struct Pending {
    ImportBatch batch;
    uint64_t end = 0, line = 1;  // where the batch's last record ends
    long long rows = 0;
    long long fixed = 0;
  };
  constexpr size_t kReadyBatches = 2;
  std::mutex mu;
  std::condition_variable cv;
  std::deque<Pending> ready;
  // Batches written, handed back to the reader to free: destroying their prospects took the
  // writer, the stage that sets the pace, ~1.4 s of a 1M-row load. The reader frees them when
  // its batch is full, before it waits for the writer (it is the faster of the two).
  std::deque<Pending> spent;
  bool reader_done = false, reader_stop = false;
  // Read by the reader thread, while this one updates `pr` after each batch.
  const bool bulk_load = pr.bulk;
  // A large file's duplicates are found through the store's keys in memory (ImportBatch::keyed),
  // and the reader looks nothing up. A 1M-row re-import with fill_empty, two A/B rounds: the
  // job 5.48/5.96 s against 5.99/6.49 s, its CPU 8.6/9.0 s against 10.0/10.8 s.
  const bool keyed = text_size >= settings.import_bulk_min_bytes;
  auto fresh = [&](uint64_t end, uint64_t line) {
    Pending p;
    p.batch.import_id = imp->id;
    p.batch.policy = *policy;
    p.batch.defer_search = bulk_load;
    p.batch.keyed = keyed;
    p.batch.expected_rows = text_size / 256;  // rows of ~250 bytes, as for `seen`
    p.batch.rows.reserve(static_cast<size_t>(settings.import_batch_rows));
    p.end = end;
    p.line = line;
    return p;
  };
  std::thread reader([&] {
    name_this_thread("import-reader");
    // After a crash, the keys of the rows already imported are read again from the file, so
    // duplicates inside the file are counted as in an uninterrupted run.
    if (resumed && pr.offset > 0) {
      scan(0, 1, [&](const CsvRecord& r, bool is_header) {
        if (is_header) return true;
        if (r.end_offset > pr.offset) return false;
        if (conv.convert(r, row, reject)) remember(row);
        return true;
      });
    }
    Pending cur = fresh(pr.offset, pr.line);
    bool writer_behind = false;  // at the last hand-over, a batch was still waiting for the writer
    auto hand_over = [&]() -> bool {
      std::deque<Pending> written;
      {
        std::lock_guard lock(mu);
        written.swap(spent);
      }
      written.clear();  // freed here, outside the lock
      // While the writer is still busy with the batch before, the look-ups of this one, which
      // the writer no longer does (measured before large files went through the keys in memory:
      // a 1M-row re-import with fill_empty, 0.16-1.03 s faster in each of 7 A/B rounds). Only
      // then: when the writer waits for the reader instead, they slow the import down (a
      // re-import with `skip`: 8.2/7.4 s with them, 5.8/6.8 s without).
      if (!bulk_load && !keyed && writer_behind) ctx.store().find_known_prospects(cur.batch);
      std::unique_lock lock(mu);
      writer_behind = !ready.empty();
      cv.wait(lock, [&] { return ready.size() < kReadyBatches || reader_stop; });
      if (reader_stop) return false;
      uint64_t end = cur.end, line = cur.line;
      ready.push_back(std::move(cur));
      cur = fresh(end, line);
      cv.notify_all();
      return true;
    };
    // (Not after a rescan that could not go on: the job fails once the reader is done.)
    bool whole = reader_error.empty() && scan(resumed ? pr.offset : 0, resumed ? pr.line : 1, [&](const CsvRecord& r, bool is_header) {
      if (is_header) {
        cur.end = r.end_offset;
        cur.line = r.next_line;
        return true;
      }
      ++cur.rows;
      // Converted in its place in the batch (a prospect moved is ~20 strings copied).
      ImportRow& slot = cur.batch.rows.emplace_back();
      if (conv.convert(r, slot, reject)) {
        slot.duplicate_in_file = remember(slot);
        cur.fixed += slot.fixed;
      } else {
        cur.batch.rows.pop_back();
        cur.batch.rejects.push_back(std::move(reject));
        reject = ImportReject();
      }
      cur.end = r.end_offset;
      cur.line = r.next_line;
      return cur.rows < settings.import_batch_rows || hand_over();
    });
    if (whole) {  // the last batch (maybe empty: its checkpoint marks the end)
      cur.batch.last = true;
      hand_over();
    }
    std::lock_guard lock(mu);
    reader_done = true;
    cv.notify_all();
  });

  std::string failure;
  auto last_log = std::chrono::steady_clock::now();
  // Commits one batch with the checkpoint that says where it ends and what it did.
  auto commit = [&](const Pending& p) -> bool {
    if (p.batch.rows.empty() && p.batch.rejects.empty() && p.end == pr.offset) return true;
    Progress next = pr;
    auto n = ctx.store().import_batch(
        p.batch, ctx.fence(),
        [&](const ImportCounts& c) {
          next.offset = p.end;
          next.line = p.line;
          next.rows += p.rows;
          next.fixed += p.fixed;
          next.counts += c;
          next.seconds = seconds_before +
                         std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
          return progress_json(next).dump();
        },
        static_cast<long long>(p.end), text_size, now_unix_ms());
    if (!n) {
      failure = n.error().message;
      return false;
    }
    pr = next;
    ctx.progress(static_cast<long long>(pr.offset), text_size);
    auto now = std::chrono::steady_clock::now();
    if (now - last_log > std::chrono::seconds(5)) {
      last_log = now;
      ctx.log("info", std::to_string(pr.rows) + " lignes traitées (" + std::to_string(pr.counts.inserted) +
                          " ajoutées, " + std::to_string(pr.counts.rejected) + " rejetées)");
    }
    return true;
  };

  bool ok = true, interrupted = false;
  while (true) {
    Pending p;
    {
      std::unique_lock lock(mu);
      cv.wait(lock, [&] { return !ready.empty() || reader_done; });
      if (ready.empty()) break;
      p = std::move(ready.front());
      ready.pop_front();
      cv.notify_all();
    }
    if (!commit(p)) {
      ok = false;
      break;
    }
    {
      std::lock_guard lock(mu);
      spent.push_back(std::move(p));
    }
    if (ctx.should_stop()) {
      std::lock_guard lock(mu);
      if (reader_done && ready.empty()) continue;  // that was the last batch: the import is done
      interrupted = true;
      break;
    }
  }
  {
    std::lock_guard lock(mu);
    reader_stop = true;
    cv.notify_all();
  }
  reader.join();
  if (ctx.lost()) return TaskOutcome::stopped();
  if (interrupted) return TaskOutcome::interrupted(ctx);
  if (!ok) return TaskOutcome::failed("écriture impossible : " + failure);
  if (!reader_error.empty()) return TaskOutcome::failed(reader_error);

  json report = progress_json(pr);
  report.erase("offset");
  report.erase("line");
  report.erase("bulk");
  report["import_id"] = imp->id;
  report["seconds"] = seconds_before + std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (text_path != imp->path) std::filesystem::remove(text_path);
  ctx.log("info", "terminé : " + std::to_string(pr.rows) + " lignes lues, " + std::to_string(pr.counts.inserted) +
                      " ajoutées, " + std::to_string(pr.counts.updated) + " mises à jour, " +
                      std::to_string(pr.counts.duplicates_in_file + pr.counts.duplicates_existing) + " doublons, " +
                      std::to_string(pr.counts.rejected) + " rejetées");
  return TaskOutcome::succeeded(report.dump());
}

}  // namespace

TaskOutcome run_import(JobContext& ctx, const TaskSettings& settings) {
  // Indexes left deferred by an import that stopped for good (the store's start-up also
  // builds them; a server that runs for weeks would keep them missing until then).
  if (auto swept = ctx.store().build_deferred_indexes(std::nullopt, {}); !swept)
    return TaskOutcome::failed("écriture impossible : " + swept.error().message);
  TaskOutcome out = load_file(ctx, settings);
  // Stopped: the job resumes (here or on another worker) and its load still goes faster
  // without them. Any other end builds them now: the job holds the only record of them.
  if (out.kind == TaskOutcome::Kind::Stopped) return out;
  // The load's batches are freed, but glibc keeps their pages: handing them back before the
  // index builds (whose sorter needs tens of MB) kept a 1M-row import under 300 MB of RSS.
  malloc_trim(0);
  auto started = std::chrono::steady_clock::now();
  auto built = ctx.store().build_deferred_indexes(ctx.job().id, [&](const std::string& name) {
    ctx.log("info", "construction de l'index " + name);
  });
  if (!built) {
    if (out.kind != TaskOutcome::Kind::Succeeded) return out;
    return TaskOutcome::failed("construction des index impossible : " + built.error().message);
  }
  if (*built > 0 && out.kind == TaskOutcome::Kind::Succeeded) {
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    json report = json::parse(out.result, nullptr, false);
    if (report.is_object()) {
      report["seconds"] = report.value("seconds", 0.0) + s;
      out.result = report.dump();
    }
    ctx.log("info", std::to_string(*built) + " index construits en " + std::to_string(s) + " s");
  }
  // The prospects a bulk load left out of the full-text index: indexed in the background from
  // now on (search finds them meanwhile, more slowly). The index builds' sorter memory is
  // handed back first: the catch-up's thread allocates from an arena of its own (a 1M-row
  // import's RSS during the catch-up, sampled each 0.5 s: 310 MB before, ~205 MB with this
  // and the load's keys freed before the builds).
  malloc_trim(0);
  if (auto caught = ctx.store().catch_up_search_index(false); !caught)
    ctx.log("error", caught.error().message);
  return out;
}

}  // namespace mimicom
