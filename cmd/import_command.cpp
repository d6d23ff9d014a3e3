// `mimicom import FILE`: the import job of the web UI, run from a terminal with a progress bar.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include <unistd.h>

#include "cmd/commands.hpp"
#include "core/clock.hpp"
#include "core/csv.hpp"
#include "core/imports.hpp"
#include "queue/job_queue.hpp"
#include "store/store.hpp"
#include "worker/tasks.hpp"
#include "worker/worker_pool.hpp"

namespace mimicom::cmd {

namespace {

using json = nlohmann::json;

// A bar redrawn in place on a terminal; one line per 10 % otherwise (logs, CI).
void print_bar(const Job& j, double seconds) {
  static const bool tty = ::isatty(2);
  static int last_tenth = -1;
  double frac = j.total > 0 ? std::min(1.0, static_cast<double>(j.done) / static_cast<double>(j.total)) : 0.0;
  long long rows = 0;
  if (!j.checkpoint.empty()) {
    json cp = json::parse(j.checkpoint, nullptr, false);
    if (cp.is_object()) rows = cp.value("rows", 0LL);
  }
  int width = 30, fill = static_cast<int>(frac * width);
  std::string bar(fill, '#');
  bar += std::string(width - fill, '-');
  double mb_s = seconds > 0 ? static_cast<double>(j.done) / 1e6 / seconds : 0;
  if (!tty) {
    int tenth = static_cast<int>(frac * 10);
    if (tenth == last_tenth) return;
    last_tenth = tenth;
  }
  std::fprintf(stderr, tty ? "\r[%s] %3d %%  %lld lignes  %.1f Mo/s  " : "[%s] %3d %%  %lld lignes  %.1f Mo/s\n",
               bar.c_str(), static_cast<int>(frac * 100), rows, mb_s);
  std::fflush(stderr);
}

}  // namespace

int import_file(const Config& config, const std::string& file, const std::string& mapping_arg,
                const std::string& on_duplicate, const std::string& as_user) {
  auto opened = open_store(config.store_url());
  if (!opened) {
    std::cerr << "mimicom: " << opened.error().message << "\n";
    return 1;
  }
  Store& store = **opened;
  std::error_code ec;
  auto path = std::filesystem::absolute(file, ec);
  if (ec || !std::filesystem::is_regular_file(path)) {
    std::cerr << "mimicom: " << file << ": fichier introuvable\n";
    return 1;
  }
  if (!parse_duplicate_policy(on_duplicate)) {
    std::cerr << "mimicom: --on-duplicate: skip, fill_empty ou overwrite attendu\n";
    return 2;
  }
  std::optional<long long> user_id;
  std::string user_email = as_user.empty() ? config.admin_email : as_user;
  if (auto u = store.find_user_by_email(user_email)) user_id = u->user.id;
  else if (!as_user.empty()) {
    std::cerr << "mimicom: aucun compte pour " << as_user << "\n";
    return 2;
  }

  std::string head(kSniffHeadBytes, '\0');
  {
    std::ifstream in(path, std::ios::binary);
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<size_t>(in.gcount()));
  }
  CsvSniff sniff = sniff_csv(head);
  std::cerr << path.filename().string() << " : " << encoding_name(sniff.encoding) << ", séparateur « "
            << (sniff.separator == '\t' ? std::string("tabulation") : std::string(1, sniff.separator)) << " », "
            << sniff.header.size() << " colonnes\n";
  if (!sniff.problem.empty()) std::cerr << "attention : " << sniff.problem << "\n";

  std::vector<std::pair<std::string, std::string>> mapping;
  if (mapping_arg == "auto" || mapping_arg.empty()) {
    auto proposed = propose_mapping(sniff.header);
    for (size_t i = 0; i < sniff.header.size(); ++i) mapping.emplace_back(sniff.header[i], proposed[i]);
  } else {
    std::ifstream mf(mapping_arg);
    std::stringstream ss;
    ss << mf.rdbuf();
    json m = json::parse(ss.str(), nullptr, false);
    if (!mf || !m.is_object()) {
      std::cerr << "mimicom: --mapping " << mapping_arg << ": objet JSON {\"colonne\": \"champ\"} attendu\n";
      return 2;
    }
    for (auto& [k, v] : m.items()) mapping.emplace_back(k, v.is_string() ? v.get<std::string>() : "");
  }
  json chosen = json::object();
  if (!sniff.looks_binary) {
    auto targets = check_mapping(sniff.header, mapping);
    if (!targets) {
      std::cerr << "mimicom: correspondance des colonnes invalide :\n";
      for (const auto& f : targets.error().fields) std::cerr << "  " << f.field << " : " << f.message << "\n";
      return 2;
    }
    for (size_t i = 0; i < sniff.header.size(); ++i) {
      chosen[sniff.header[i]] = (*targets)[i];
      if (!(*targets)[i].empty()) std::cerr << "  " << sniff.header[i] << " → " << (*targets)[i] << "\n";
    }
  }

  ImportFile imp;
  imp.created_by = user_id;
  imp.file_name = path.filename().string();
  imp.path = path.string();
  imp.size = static_cast<long long>(std::filesystem::file_size(path));
  imp.encoding = std::string(encoding_name(sniff.encoding));
  imp.separator = std::string(1, sniff.separator);
  imp.header = sniff.header;
  auto saved = store.create_import(imp);
  if (!saved) {
    std::cerr << "mimicom: " << saved.error().message << "\n";
    return 1;
  }
  NewJob nj{"import", json{{"import_id", saved->id}, {"label", "Import de « " + imp.file_name + " »"}}.dump(),
            user_id, 3, "octets"};
  auto queue = open_queue(store, config);
  auto job = store.start_import(saved->id, chosen.dump(), on_duplicate, nj, now_unix_ms());
  if (!job) {
    std::cerr << "mimicom: " << job.error().message << "\n";
    return 1;
  }
  std::cerr << "tâche " << job->id << " (import " << saved->id << ")\n";
  WorkerPool pool(store, *queue, all_tasks(task_settings(config)), WorkerOptions{1, ""});
  pool.start();
  auto start = std::chrono::steady_clock::now();
  Job current = *job;
  while (true) {
    auto j = store.get_job(job->id);
    if (j) current = *j;
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    print_bar(current, s);
    if (current.terminal()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  pool.stop();
  std::cerr << "\n";
  if (current.state != "succeeded") {
    std::cerr << "échec de l'import : " << (current.error.empty() ? current.state : current.error) << "\n";
    return 1;
  }
  // A bulk load leaves its prospects out of the full-text index until the store's catch-up
  // indexes them: the command ends with it (search meanwhile scans the rows left out).
  auto caught_start = std::chrono::steady_clock::now();
  if (auto caught = store.catch_up_search_index(true); !caught)
    std::cerr << "mimicom: " << caught.error().message << "\n";
  double caught_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - caught_start).count();
  json r = json::parse(current.result, nullptr, false);
  if (r.is_object()) {
    std::cout << "lignes lues : " << r.value("rows", 0LL) << "\najoutées : " << r.value("inserted", 0LL)
              << "\nmises à jour : " << r.value("updated", 0LL)
              << "\ndoublons dans le fichier : " << r.value("duplicates_in_file", 0LL)
              << "\ndoublons de prospects existants : " << r.value("duplicates_existing", 0LL)
              << "\nrejetées : " << r.value("rejected", 0LL) << "\ndurée : " << r.value("seconds", 0.0) << " s\n"
              << "index de recherche terminé " << caught_s << " s après la fin de l'import\n";
  }
  return 0;
}

}  // namespace mimicom::cmd
