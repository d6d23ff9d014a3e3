// `mimicom export`: the export job's file writing, run from a terminal with progress.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "cmd/commands.hpp"
#include "core/exports.hpp"
#include "core/prospects.hpp"
#include "store/store.hpp"
#include "worker/tasks.hpp"

namespace mimicom::cmd {

int export_file(const Config& config, const std::string& format, const std::vector<std::string>& filters,
                const std::string& columns_arg, bool bom, const std::string& separator, const std::string& out) {
  ExportSpec spec;
  auto f = parse_export_format(format);
  if (!f) {
    std::cerr << "mimicom: --format : csv, xlsx ou jsonl attendu\n";
    return 2;
  }
  spec.options.format = *f;
  spec.options.bom = bom;
  if (separator != ";" && separator != ",") {
    std::cerr << "mimicom: --separator : « ; » ou « , » attendu\n";
    return 2;
  }
  spec.options.separator = separator[0];
  std::multimap<std::string, std::string> params;
  for (const auto& kv : filters) {
    size_t eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
      std::cerr << "mimicom: --filter " << kv << " : clé=valeur attendu (ex. --filter status=new)\n";
      return 2;
    }
    params.emplace(kv.substr(0, eq), kv.substr(eq + 1));
  }
  auto filter = parse_prospect_filter(params);
  if (!filter) {
    std::cerr << "mimicom: filtre invalide :\n";
    for (const auto& e : filter.error().fields) std::cerr << "  " << e.field << " : " << e.message << "\n";
    return 2;
  }
  spec.filter = std::move(*filter);
  std::vector<std::string> columns;
  for (size_t start = 0; !columns_arg.empty() && start <= columns_arg.size();) {
    size_t end = columns_arg.find(',', start);
    if (end == std::string::npos) end = columns_arg.size();
    columns.push_back(columns_arg.substr(start, end - start));
    start = end + 1;
  }
  auto checked = check_export_columns(columns);
  if (!checked) {
    std::cerr << "mimicom: colonnes invalides :\n";
    for (const auto& e : checked.error().fields) std::cerr << "  " << e.message << "\n";
    return 2;
  }
  spec.columns = std::move(*checked);

  auto opened = open_store(config.store_url());
  if (!opened) {
    std::cerr << "mimicom: " << opened.error().message << "\n";
    return 1;
  }
  Store& store = **opened;
  auto total = store.count_prospects(spec.filter);
  if (!total) {
    std::cerr << "mimicom: " << total.error().message << "\n";
    return 1;
  }
  if (spec.options.format == ExportFormat::Xlsx && *total > kXlsxMaxRows) {
    std::cerr << "mimicom: une feuille XLSX contient au plus 1 048 575 lignes (" << *total
              << " prospects) : exportez en CSV\n";
    return 1;
  }
  std::filesystem::path path = std::filesystem::absolute(out);
  std::string part = path.string() + "." + std::to_string(::getpid()) + ".part";
  std::cerr << "export de " << *total << " prospects vers " << path.string() << "\n";
  const bool tty = ::isatty(2);
  auto start = std::chrono::steady_clock::now();
  int last_tenth = -1;
  auto run = write_export_file(store, spec, path.string(), part, std::max(1LL, config.export_chunk_rows),
                               [&](long long rows) {
                                 double frac = *total > 0 ? static_cast<double>(rows) / static_cast<double>(*total) : 1;
                                 int tenth = static_cast<int>(frac * 10);
                                 if (!tty && tenth == last_tenth) return true;
                                 last_tenth = tenth;
                                 double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
                                 std::fprintf(stderr, tty ? "\r%3d %%  %lld / %lld lignes  %.0f lignes/s  "
                                                          : "%3d %%  %lld / %lld lignes  %.0f lignes/s\n",
                                              static_cast<int>(frac * 100), rows, *total, s > 0 ? rows / s : 0.0);
                                 return true;
                               });
  if (tty) std::cerr << "\n";
  if (!run) {
    std::cerr << "mimicom: échec de l'export : " << run.error().message << "\n";
    return 1;
  }
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "lignes : " << run->rows << "\ntaille : " << run->size << " octets\ndurée : " << s << " s\n";
  return 0;
}

}  // namespace mimicom::cmd
