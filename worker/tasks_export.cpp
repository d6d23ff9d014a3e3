// The export task, the file writing it shares with `mimicom export`, and the housekeeping of
// the exports folder.
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/clock.hpp"
#include "core/thread_name.hpp"
#include "worker/tasks.hpp"

namespace mimicom {

namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

void sync_dir(const fs::path& dir) {
  int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

// Reads ExportOptions back from an export's stored JSON.
Result<ExportOptions> export_options(const Export& e) {
  ExportOptions o;
  auto f = parse_export_format(e.format);
  if (!f) return fail(Error::Invalid("format", "format d'export inconnu : " + e.format));
  o.format = *f;
  json j = json::parse(e.options, nullptr, false);
  if (j.is_object()) {
    if (j.contains("bom") && j["bom"].is_boolean()) o.bom = j["bom"].get<bool>();
    if (j.contains("separator") && j["separator"].is_string() && j["separator"].get<std::string>().size() == 1)
      o.separator = j["separator"].get<std::string>()[0];
  }
  return o;
}

}  // namespace

std::string export_file_name(const Export& e) {
  auto f = parse_export_format(e.format);
  return "export-" + std::to_string(e.id) + "." + std::string(export_extension(f ? *f : ExportFormat::Csv));
}

std::string export_part_name(const Export& e, int attempt) {
  return export_file_name(e) + "." + std::to_string(attempt) + ".part";
}

Result<ExportRun> write_export_file(Store& store, const ExportSpec& spec, const std::string& path,
                                    const std::string& part_path, long long chunk_rows,
                                    const std::function<bool(long long rows)>& progress) {
  fs::path dir = fs::path(path).parent_path();
  // Declared before the writer, so destroyed after it: whatever an unfinished writer leaves
  // behind is removed.
  struct RemovePart {
    std::string path;
    bool keep = false;
    ~RemovePart() {
      if (!keep) ::unlink(path.c_str());
    }
  } remove_part{part_path};
  auto writer = open_export_writer(spec.options, part_path, dir.empty() ? "." : dir.string());
  if (!writer) return fail(writer.error());

  auto cols = resolve_export_columns(spec.columns);
  if (auto st = (*writer)->begin(cols); !st) return fail(st.error());

  // Two stages: the reader thread fills chunks from the store, this thread writes them. Chunk
  // vectors go round between the two (at most kQueued full ones wait), so the prospects'
  // strings are allocated once and reused.
  constexpr size_t kQueued = 2;
  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::vector<Prospect>> full;
  std::vector<std::vector<Prospect>> spare;
  bool reader_done = false, stop_reader = false;
  Status read_status;
  std::thread reader([&] {
    name_this_thread("export-reader");
    auto st = store.stream_prospects(spec.filter, 0, chunk_rows, [&](std::vector<Prospect>& chunk) {
      std::unique_lock lock(mu);
      cv.wait(lock, [&] { return full.size() < kQueued || stop_reader; });
      if (stop_reader) return false;
      std::vector<Prospect> next;
      if (!spare.empty()) {
        next = std::move(spare.back());
        spare.pop_back();
      }
      full.push_back(std::move(chunk));
      chunk = std::move(next);
      cv.notify_all();
      return true;
    });
    std::lock_guard lock(mu);
    read_status = st;
    reader_done = true;
    cv.notify_all();
  });
  // However this function ends (an error, a stop, an exception), the reader is told to stop
  // and joined before the queues it fills go away.
  struct JoinReader {
    std::mutex& mu;
    std::condition_variable& cv;
    bool& stop;
    std::thread& t;
    ~JoinReader() {
      {
        std::lock_guard lock(mu);
        stop = true;
        cv.notify_all();
      }
      if (t.joinable()) t.join();
    }
  } join_reader{mu, cv, stop_reader, reader};

  ExportRun run;
  while (true) {
    std::vector<Prospect> chunk;
    {
      std::unique_lock lock(mu);
      cv.wait(lock, [&] { return !full.empty() || reader_done; });
      if (full.empty()) break;
      chunk = std::move(full.front());
      full.pop_front();
      cv.notify_all();
    }
    for (const auto& p : chunk) {
      if (auto st = (*writer)->write(p); !st) return fail(st.error());
    }
    run.rows += static_cast<long long>(chunk.size());
    {
      std::lock_guard lock(mu);
      spare.push_back(std::move(chunk));
    }
    if (progress && !progress(run.rows)) {
      run.stopped = true;
      return run;
    }
  }
  reader.join();
  if (!read_status) return fail(read_status.error());
  if (auto st = (*writer)->finish(); !st) return fail(st.error());
  std::error_code ec;
  run.size = static_cast<long long>(fs::file_size(part_path, ec));
  fs::rename(part_path, path, ec);
  if (ec) return fail(Error::Internal("renommage de " + part_path + " impossible : " + ec.message()));
  remove_part.keep = true;
  sync_dir(dir);
  return run;
}

TaskOutcome run_export(JobContext& ctx, const TaskSettings& settings) {
  auto started = std::chrono::steady_clock::now();
  json params = json::parse(ctx.job().params, nullptr, false);
  if (!params.is_object() || !params.contains("export_id") || !params["export_id"].is_number_integer())
    return TaskOutcome::failed("paramètres d'export invalides");
  auto exp = ctx.store().get_export(params["export_id"].get<long long>());
  if (!exp) return TaskOutcome::failed(exp.error().message);
  if (exp->state != "pending") return TaskOutcome::failed("cet export est déjà terminé");
  auto options = export_options(*exp);
  if (!options) return TaskOutcome::failed(options.error().message);
  auto filter = export_filter_from_json(exp->filter);
  if (!filter) return TaskOutcome::failed("filtre invalide : " + filter.error().message);
  auto columns = check_export_columns(exp->columns);
  if (!columns) return TaskOutcome::failed("colonnes invalides");

  auto total = ctx.store().count_prospects(*filter);
  if (!total) return TaskOutcome::failed(total.error().message);
  if (options->format == ExportFormat::Xlsx && *total > kXlsxMaxRows)
    return TaskOutcome::failed("une feuille XLSX contient au plus 1 048 575 lignes (" + std::to_string(*total) +
                               " prospects) : exportez en CSV ou en JSON Lines");
  ctx.progress(0, *total);
  ctx.log("info", (ctx.job().attempt > 1 ? "reprise depuis le début : " : std::string()) + "export de " +
                      std::to_string(*total) + " prospects en " + exp->format + ", " +
                      std::to_string(columns->size()) + " colonnes");

  fs::path dir = fs::path(settings.data_dir) / "exports";
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return TaskOutcome::failed("dossier des exports impossible à créer : " + ec.message());
  std::string file_name = export_file_name(*exp);
  std::string part = (dir / export_part_name(*exp, ctx.job().attempt)).string();
  // The temporary files of earlier attempts (killed, or taken over): this attempt holds the
  // job now, they will never be finished.
  for (int a = 1; a < ctx.job().attempt; ++a) fs::remove(dir / export_part_name(*exp, a), ec);

  auto last_report = std::chrono::steady_clock::now();
  auto run = write_export_file(ctx.store(), {*options, std::move(*filter), std::move(*columns)},
                               (dir / file_name).string(), part, settings.export_chunk_rows, [&](long long rows) {
                                 ctx.progress(rows, std::max(rows, *total));
                                 // The progress is also written at once, a few times a second, so the
                                 // UI follows an export that lasts less than a heartbeat period.
                                 auto now = std::chrono::steady_clock::now();
                                 if (now - last_report > std::chrono::milliseconds(250)) {
                                   last_report = now;
                                   (void)ctx.store().checkpoint_job(ctx.fence(), "", rows,
                                                                    std::max(rows, *total), now_unix_ms());
                                 }
                                 return !ctx.should_stop();
                               });
  if (!run) return TaskOutcome::failed(run.error().message);
  if (run->stopped) return TaskOutcome::interrupted(ctx);
  ctx.progress(run->rows, run->rows);
  long long expires_at = now_unix() + std::max(0LL, settings.export_ttl_hours) * 3600;
  auto done = ctx.store().finish_export(exp->id, ctx.fence(), file_name, run->size, run->rows, expires_at);
  if (!done) {
    if (ctx.lost()) return TaskOutcome::stopped();
    return TaskOutcome::failed(done.error().message);
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  ctx.log("info", "terminé : " + std::to_string(run->rows) + " prospects, " + std::to_string(run->size) + " octets");
  return TaskOutcome::succeeded(json{{"export_id", exp->id},
                                     {"rows", run->rows},
                                     {"size", run->size},
                                     {"seconds", seconds}}
                                    .dump());
}

long long sweep_exports(Store& store, const std::string& data_dir, long long now) {
  fs::path dir = fs::path(data_dir) / "exports";
  long long deleted = 0;
  std::error_code ec;
  auto remove = [&](const fs::path& p) {
    if (fs::remove(p, ec)) ++deleted;
  };
  if (auto expired = store.expire_exports(now))
    for (const auto& e : *expired)
      if (!e.file_name.empty()) remove(dir / e.file_name);
  if (!fs::is_directory(dir, ec)) return deleted;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir, ec))
    if (entry.is_regular_file(ec)) files.push_back(entry.path());
  for (const auto& path : files) {
    // "export-<id>.<ext>" or "export-<id>.<ext>.<attempt>.part"; other files are not ours.
    std::string name = path.filename().string();
    if (!name.starts_with("export-")) continue;
    long long id = std::atoll(name.c_str() + 7);
    if (id <= 0) continue;
    auto e = store.get_export(id);
    if (!e) {
      if (e.error().code == Error::Code::NotFound) remove(path);
      continue;
    }
    std::optional<Job> job;
    if (e->job_id)
      if (auto j = store.get_job(*e->job_id)) job = *j;
    bool job_alive = job && !job->terminal();
    if (name.ends_with(".part")) {
      // An attempt's temporary file: kept while that attempt may still be writing it.
      size_t dot = name.rfind('.', name.size() - 6);
      int attempt = dot == std::string::npos ? 0 : std::atoi(name.c_str() + dot + 1);
      if (!job_alive || attempt < job->attempt) remove(path);
      continue;
    }
    if (name != export_file_name(*e)) continue;
    // A finished file: offered while the export is ready; kept while its job runs (renamed
    // into place, about to be marked ready).
    if (e->state == "expired" || (e->state == "pending" && !job_alive)) remove(path);
  }
  return deleted;
}

}  // namespace mimicom
