// mimicom: one binary for the server, its administration and its data tools.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>

#include "cmd/commands.hpp"
#include "core/auth.hpp"
#include "core/config.hpp"

#ifndef MIMICOM_VERSION
#define MIMICOM_VERSION "0.0.0-dev"
#endif

int main(int argc, char** argv) {
  // OpenMP threads (k-means, and BLAS under it) spin between parallel regions by default:
  // beside the server's own threads and other processes on a two-core machine, the spinning
  // took ~45 % of a segmentation job's CPU. libgomp reads its policy from the environment
  // once, as it loads, before main: so the process starts itself again, once, with
  // OMP_WAIT_POLICY=passive, unless the environment chose a policy already.
  if (!std::getenv("OMP_WAIT_POLICY")) {
    ::setenv("OMP_WAIT_POLICY", "passive", 1);
    ::execv("/proc/self/exe", argv);  // failing that, it goes on with spinning threads
  }
  mimicom::init_crypto();
  mimicom::Config config = mimicom::load_config();

  CLI::App app{"MimiCom — self-hosted prospecting: prospects, imports, segments, campaigns"};
  app.require_subcommand(1);
  app.add_option("--data-dir", config.data_dir, "Data folder (SQLite file, uploads, exports)")->capture_default_str();
  app.add_option("--store", config.store, "Store URL (default: SQLite file in the data folder)");

  auto* serve = app.add_subcommand("serve", "Start the API, the web UI and the workers");
  serve->add_option("--host", config.host, "Address to listen on")->capture_default_str();
  serve->add_option("--port", config.port, "Port to listen on (0 = any free port)")->capture_default_str();
  serve->add_option("--ui-dir", config.ui_dir, "Folder of the built web UI (default: app/dist next to the binary)");
  bool no_worker = false;
  serve->add_flag("--no-worker", no_worker, "Run no job workers here (they run in `mimicom worker` processes)");
  serve->add_option("--workers", config.workers, "Job worker threads (0 = one per core)");
  // Options of the root app are also accepted after the subcommand: `mimicom serve --data-dir d`.
  serve->fallthrough();

  auto* worker = app.add_subcommand("worker", "Run job workers only (imports, exports…), beside a `serve --no-worker`");
  worker->add_option("--workers", config.workers, "Worker threads (0 = one per core)");
  worker->fallthrough();

  auto* import = app.add_subcommand("import", "Import a CSV file of prospects (progress bar; report at the end)");
  std::string import_file, import_mapping = "auto", import_policy = "skip", import_as;
  import->add_option("file", import_file, "The CSV file")->required();
  import->add_option("--mapping", import_mapping, "auto, or a JSON file {\"column\": \"field\"}")->capture_default_str();
  import->add_option("--on-duplicate", import_policy, "skip, fill_empty or overwrite")->capture_default_str();
  import->add_option("--as", import_as, "Email of the account the import belongs to (default: the admin)");
  import->fallthrough();

  auto* exp = app.add_subcommand("export", "Export prospects to a CSV, XLSX or JSON Lines file (progress shown)");
  std::string export_format = "csv", export_columns, export_separator = ",", export_out;
  std::vector<std::string> export_filters;
  bool export_bom = false;
  exp->add_option("--format", export_format, "csv, xlsx or jsonl")->capture_default_str();
  exp->add_option("--filter", export_filters, "A filter of GET /prospects, key=value (repeatable): status=new, tags=a,b");
  exp->add_option("--columns", export_columns, "Columns, comma-separated (default: every core field and tags; custom:NAME)");
  exp->add_flag("--bom", export_bom, "CSV: start with a UTF-8 byte order mark (Excel)");
  exp->add_option("--separator", export_separator, "CSV: , or ;")->capture_default_str();
  exp->add_option("-o,--output", export_out, "The file to write")->required();
  exp->fallthrough();

  auto* user = app.add_subcommand("user", "Manage accounts");
  user->require_subcommand(1);
  auto* user_add = user->add_subcommand("add", "Create an account");
  std::string email, role = "member", name;
  bool password_stdin = false;
  user_add->add_option("email", email, "Email (the login)")->required();
  user_add->add_option("--role", role, "admin or member")->capture_default_str();
  user_add->add_option("--name", name, "Display name");
  user_add->add_flag("--password-stdin", password_stdin, "Read the password from standard input");
  user_add->fallthrough();
  user->fallthrough();

  auto* token = app.add_subcommand("token", "Manage API tokens");
  token->require_subcommand(1);
  auto* token_create = token->add_subcommand("create", "Create an API token and print it");
  std::string token_user, token_name = "cli";
  token_create->add_option("--user", token_user, "Email of the token's owner")->required();
  token_create->add_option("--name", token_name, "What the token is for")->capture_default_str();
  token_create->fallthrough();
  token->fallthrough();

  auto* demo = app.add_subcommand("demo-data", "Insert realistic, deterministic French B2B prospects");
  long long count = 1000;
  unsigned long long seed = 42;
  demo->add_option("--count", count, "How many prospects")->capture_default_str();
  demo->add_option("--seed", seed, "Seed: the same seed gives the same prospects")->capture_default_str();
  std::string demo_csv;
  int demo_dup = 2, demo_invalid = 1;
  demo->add_option("--csv", demo_csv, "Write a CSV file to import instead of inserting");
  demo->add_option("--duplicates", demo_dup, "With --csv: % of rows repeating an e-mail")->capture_default_str();
  demo->add_option("--invalid", demo_invalid, "With --csv: % of rows with a broken e-mail")->capture_default_str();
  demo->fallthrough();

  auto* version = app.add_subcommand("version", "Print the version");

  CLI11_PARSE(app, argc, argv);

  if (version->parsed()) {
    std::cout << "mimicom " << MIMICOM_VERSION << "\n";
    return 0;
  }
  if (serve->parsed()) return mimicom::cmd::serve(config, MIMICOM_VERSION, no_worker);
  if (worker->parsed()) return mimicom::cmd::worker(config);
  if (import->parsed())
    return mimicom::cmd::import_file(config, import_file, import_mapping, import_policy, import_as);
  if (exp->parsed())
    return mimicom::cmd::export_file(config, export_format, export_filters, export_columns, export_bom,
                                     export_separator, export_out);
  if (user_add->parsed()) return mimicom::cmd::user_add(config, email, role, name, password_stdin);
  if (token_create->parsed()) return mimicom::cmd::token_create(config, token_user, token_name);
  if (demo->parsed()) return mimicom::cmd::demo_data(config, count, seed, demo_csv, demo_dup, demo_invalid);
  return 2;
}
