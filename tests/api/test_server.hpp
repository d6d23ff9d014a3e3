#pragma once
// Starts the real `mimicom serve` on a throwaway data folder and a free port on 127.0.0.1,
// waits until /api/v1/health answers, and stops it by PID.
#include <httplib.h>
#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace mimicom::testing {

class TestServer {
 public:
  // `admin_password` is given through MIMICOM_ADMIN_PASSWORD. `ui_dir` may be empty. `env`:
  // more MIMICOM_*=… settings.
  explicit TestServer(std::string admin_password = "mot-de-passe-admin", std::string ui_dir = "",
                      std::vector<std::string> env = {}, std::vector<std::string> args = {});
  ~TestServer();
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  int port() const { return port_; }
  const std::filesystem::path& data_dir() const { return dir_; }
  httplib::Client client() const;
  // Runs `mimicom ARGS…` on the same data folder (the CLI); returns its exit code and stdout.
  int run_cli(const std::vector<std::string>& args, std::string* out = nullptr, const std::string& stdin_text = "");
  // Kills the server with SIGKILL (no clean-up of any kind) and waits for it to be gone.
  void kill_hard();
  // Starts the server again on the same data folder (a new port).
  void restart();

 private:
  void start();

  std::string admin_password_, ui_dir_;
  std::vector<std::string> env_, args_;
  std::filesystem::path dir_;
  int port_ = 0;
  pid_t pid_ = -1;
  int stdout_fd_ = -1;  // the server's stdout: readiness and exit are read from it
};

// A free TCP port on 127.0.0.1 (bound then released).
int free_port();

}  // namespace mimicom::testing
