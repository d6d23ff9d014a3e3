#include "cmd/commands.hpp"


#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <csignal>
#include <filesystem>
#include <iostream>

#include "api/server.hpp"
#include "core/accounts.hpp"
#include "core/auth.hpp"
#include "core/clock.hpp"
#include "core/demo_prospect.hpp"
#include "core/prospects.hpp"
#include "queue/job_queue.hpp"
#include "store/store.hpp"
#include "worker/tasks.hpp"
#include "worker/worker_pool.hpp"

namespace mimicom::cmd {

namespace {

std::unique_ptr<Store> open_or_exit(const Config& config) {
  auto store = open_store(config.store_url());
  if (!store) {
    std::cerr << "mimicom: " << store.error().message << "\n";
    std::exit(1);
  }
  return std::move(*store);
}

// The built UI: --ui-dir, else app/dist beside the build folder, else ./app/dist.
std::string find_ui_dir(const Config& config) {
  if (!config.ui_dir.empty()) return config.ui_dir;
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    for (auto dir = exe.parent_path(); !dir.empty() && dir != dir.root_path(); dir = dir.parent_path()) {
      if (std::filesystem::exists(dir / "app/dist/index.html")) return (dir / "app/dist").string();
    }
  }
  return "app/dist";
}

api::Server* g_server = nullptr;
std::atomic<bool> g_stop{false};

void on_signal(int) {
  g_stop = true;
  if (g_server) g_server->stop();
}

int worker_threads(const Config& config) {
  if (config.workers > 0) return config.workers;
  return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

// First start: an admin account, with the password from MIMICOM_ADMIN_PASSWORD or a new one.
int ensure_admin(Store& store, const Config& config) {
  auto n = store.count_users();
  if (!n) {
    std::cerr << "mimicom: " << n.error().message << "\n";
    return 1;
  }
  if (*n > 0) return 0;
  std::string password = config.admin_password.empty() ? random_token().substr(0, 20) : config.admin_password;
  auto user = create_account(store, config.admin_email, password, "admin", "Administrateur");
  if (!user) {
    std::cerr << "mimicom: cannot create the first admin account: " << user.error().message;
    for (const auto& f : user.error().fields) std::cerr << " (" << f.field << ": " << f.message << ")";
    std::cerr << "\n";
    return 1;
  }
  std::cout << "First start: admin account created.\n  login:    " << user->email << "\n  password: "
            << (config.admin_password.empty() ? password + "   (generated: note it now, it is not shown again)"
                                              : std::string("(from MIMICOM_ADMIN_PASSWORD)"))
            << "\n";
  return 0;
}

}  // namespace

std::unique_ptr<JobQueue> open_queue(Store& store, const Config& config) {
  LocalQueueOptions o;
  o.lease = std::chrono::milliseconds(std::max(200LL, config.job_lease_ms));
  return make_local_job_queue(store, o);
}

TaskSettings task_settings(const Config& config) {
  TaskSettings t;
  t.data_dir = config.data_dir;
  t.import_batch_rows = std::max(1LL, config.import_batch_rows);
  t.import_bulk_min_bytes = std::max(0LL, config.import_bulk_min_mb) << 20;
  t.export_ttl_hours = std::max(0LL, config.export_ttl_hours);
  t.export_chunk_rows = std::max(1LL, config.export_chunk_rows);
  t.segment_batch_rows = std::max(1LL, config.segment_batch_rows);
  t.segment_batch_pause_ms = std::clamp(config.segment_batch_pause_ms, 0LL, 60000LL);
  return t;
}

int serve(const Config& config, const std::string& version, bool no_worker) {
  auto store = open_or_exit(config);
  if (int rc = ensure_admin(*store, config)) return rc;
  api::ServerOptions options;
  options.host = config.host;
  options.port = config.port;
  options.ui_dir = find_ui_dir(config);
  options.secure_cookies = config.secure_cookies;
  options.version = version;
  options.data_dir = config.data_dir;
  options.max_upload_bytes = static_cast<unsigned long long>(std::max(1LL, config.max_upload_mb)) << 20;
  auto queue = open_queue(*store, config);
  std::unique_ptr<WorkerPool> workers;
  if (!no_worker) {
    workers = std::make_unique<WorkerPool>(*store, *queue, all_tasks(task_settings(config)),
                                           WorkerOptions{worker_threads(config), ""});
    workers->start();
  }
  // Housekeeping: export files whose time ran out, and leftovers of interrupted exports; at
  // start-up, then every few minutes.
  sweep_exports(*store, config.data_dir, now_unix());
  std::mutex housekeeping_mu;
  std::condition_variable housekeeping_cv;
  bool housekeeping_stop = false;
  std::thread housekeeping([&] {
    std::unique_lock lock(housekeeping_mu);
    while (!housekeeping_cv.wait_for(lock, std::chrono::minutes(5), [&] { return housekeeping_stop; })) {
      lock.unlock();
      sweep_exports(*store, config.data_dir, now_unix());
      lock.lock();
    }
  });
  struct StopHousekeeping {
    std::mutex& mu;
    std::condition_variable& cv;
    bool& stop;
    std::thread& t;
    ~StopHousekeeping() {
      {
        std::lock_guard lock(mu);
        stop = true;
      }
      cv.notify_all();
      t.join();
    }
  } stop_housekeeping{housekeeping_mu, housekeeping_cv, housekeeping_stop, housekeeping};
  api::Server server(*store, *queue, options);
  if (!server.bind()) {
    std::cerr << "mimicom: cannot listen on " << config.host << ":" << config.port << "\n";
    return 1;
  }
  g_server = &server;
  std::signal(SIGPIPE, SIG_IGN);  // a client gone mid-answer is an error value, not a crash
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  std::cout << "MimiCom " << version << " is running on http://" << config.host << ":" << server.port()
            << "  (data: " << config.store_url() << ", UI: " << options.ui_dir << ", workers: "
            << (workers ? std::to_string(worker_threads(config)) : std::string("none")) << ")" << std::endl;
  server.listen_after_bind();
  g_server = nullptr;
  if (workers) workers->stop();
  std::cout << "MimiCom stopped." << std::endl;
  return 0;
}

int user_add(const Config& config, const std::string& email, const std::string& role, const std::string& name,
             bool password_stdin) {
  auto store = open_or_exit(config);
  std::string password;
  if (password_stdin) {
    std::getline(std::cin, password);
    if (!password.empty() && password.back() == '\r') password.pop_back();
  } else {
    password = random_token().substr(0, 20);
  }
  auto user = create_account(*store, email, password, role, name);
  if (!user) {
    std::cerr << "mimicom: " << user.error().message;
    for (const auto& f : user.error().fields) std::cerr << "\n  " << f.field << ": " << f.message;
    std::cerr << "\n";
    return 1;
  }
  std::cout << "Account created: " << user->email << " (" << user->role << ")\n";
  if (!password_stdin) std::cout << "Password: " << password << "   (generated: note it now)\n";
  return 0;
}

int token_create(const Config& config, const std::string& email, const std::string& name) {
  auto store = open_or_exit(config);
  auto user = store->find_user_by_email(email);
  if (!user) {
    std::cerr << "mimicom: no account for " << email << "\n";
    return 1;
  }
  auto t = create_token(*store, user->user.id, name);
  if (!t) {
    std::cerr << "mimicom: " << t.error().message << "\n";
    return 1;
  }
  std::cout << t->token << "\n";
  return 0;
}

namespace {

// Writes `count` demo prospects as the CSV file a CRM export would be: 17 columns, `,`,
// UTF-8, quoted notes holding commas, quotes, € and line breaks; duplicates_pct % of the rows
// repeat an earlier e-mail (in another case and spacing, half of the time) and invalid_pct %
// carry a broken e-mail. For benchmarks and trials of the import.
int demo_csv(const std::string& path, long long count, unsigned long long seed, int duplicates_pct, int invalid_pct) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) {
    std::cerr << "mimicom: cannot write " << path << "\n";
    return 1;
  }
  DemoDataGenerator gen(seed);
  uint64_t rng = seed * 0x9E3779B97F4A7C15ULL + 1;
  auto next = [&] {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
  };
  std::vector<std::string> emails;
  std::string out = "Prénom,Nom,E-mail,Téléphone,Société,Poste,Secteur,Ville,Code postal,Région,Pays,Effectif,"
                    "Salariés,Chiffre d'affaires,Source,Statut,Notes\r\n";
  auto field = [&](std::string_view v, bool last = false) {
    if (v.find_first_of(",\"\r\n") != std::string_view::npos) {
      out += '"';
      for (char c : v) {
        if (c == '"') out += '"';
        out += c;
      }
      out += '"';
    } else {
      out += v;
    }
    out += last ? "\r\n" : ",";
  };
  for (long long i = 0; i < count; ++i) {
    DemoProspect d = gen.next();
    std::string email = d.email;
    uint64_t roll = next() % 1000;
    if (roll < static_cast<uint64_t>(duplicates_pct) * 10 && !emails.empty()) {
      email = emails[next() % emails.size()];
      if (next() % 2) {
        for (auto& c : email) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        email = " " + email + " ";
      }
    } else if (roll < static_cast<uint64_t>(duplicates_pct + invalid_pct) * 10 && !email.empty()) {
      email = email.substr(0, email.find('@')) + "@";  // no domain
    } else if (!email.empty() && emails.size() < 200000) {
      emails.push_back(email);
    }
    std::string notes = d.notes;
    if (next() % 2 == 0) notes += "\nÀ relancer, prévoir un budget de 12 000 €, avec l'équipe achats";
    else notes += " Vu avec la direction, intérêt confirmé, 3 sites";
    field(d.first_name);
    field(d.last_name);
    field(email);
    field(d.phone);
    field(d.company);
    field(d.job_title);
    field(d.sector);
    field(d.city);
    field(d.postal_code);
    field(d.region);
    field(d.country);
    field(d.company_size);
    field(d.employees ? std::to_string(*d.employees) : "");
    field(d.annual_revenue ? std::to_string(static_cast<long long>(*d.annual_revenue)) : "");
    field(d.source);
    field(d.status);
    field(notes, true);
    if (out.size() > (1 << 20)) {
      std::fwrite(out.data(), 1, out.size(), f);
      out.clear();
    }
  }
  std::fwrite(out.data(), 1, out.size(), f);
  bool ok = std::fclose(f) == 0;
  if (!ok) std::cerr << "mimicom: cannot write " << path << "\n";
  return ok ? 0 : 1;
}

}  // namespace

int demo_data(const Config& config, long long count, unsigned long long seed, const std::string& csv_path,
              int duplicates_pct, int invalid_pct) {
  if (!csv_path.empty()) return demo_csv(csv_path, count, seed, duplicates_pct, invalid_pct);
  auto store = open_or_exit(config);
  DemoDataGenerator gen(seed);
  auto start = std::chrono::steady_clock::now();
  long long inserted = 0, rejected = 0;
  std::vector<Prospect> batch;
  constexpr size_t kBatch = 20000;
  batch.reserve(kBatch);
  auto flush = [&] {
    auto n = store->insert_prospects(batch);
    if (!n) {
      std::cerr << "mimicom: " << n.error().message << "\n";
      std::exit(1);
    }
    inserted += *n;
    batch.clear();
    std::cerr << "\rdemo-data: " << inserted << " / " << count << std::flush;
  };
  for (long long i = 0; i < count; ++i) {
    auto p = demo_prospect(gen.next());
    if (!p) {
      ++rejected;
      continue;
    }
    batch.push_back(std::move(*p));
    if (batch.size() == kBatch) flush();
  }
  if (!batch.empty()) flush();
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cerr << "\n";
  std::cout << "Inserted " << inserted << " demo prospects in " << s << " s";
  if (inserted + rejected < count) std::cout << " (" << count - inserted - rejected << " already present)";
  if (rejected) std::cout << " (" << rejected << " rejected by validation)";
  std::cout << "\n";
  return 0;
}

}  // namespace mimicom::cmd

namespace mimicom::cmd {

int worker(const Config& config) {
  auto store = open_or_exit(config);
  auto queue = open_queue(*store, config);
  WorkerPool pool(*store, *queue, all_tasks(task_settings(config)), WorkerOptions{worker_threads(config), ""});
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  pool.start();
  std::cout << "MimiCom worker is running (" << worker_threads(config) << " threads, data: " << config.store_url()
            << ")" << std::endl;
  while (!g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  pool.stop();
  std::cout << "MimiCom worker stopped." << std::endl;
  return 0;
}

}  // namespace mimicom::cmd
