#include "tests/api/test_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace mimicom::testing {

int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) throw std::runtime_error("bind");
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  int port = ntohs(addr.sin_port);
  ::close(fd);
  return port;
}

namespace {

std::vector<char*> c_args(std::vector<std::string>& args) {
  std::vector<char*> out;
  for (auto& a : args) out.push_back(a.data());
  out.push_back(nullptr);
  return out;
}

std::vector<std::string> env_with(const std::vector<std::string>& extra) {
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    std::string s = *e;
    if (s.rfind("MIMICOM_", 0) != 0) env.push_back(s);  // the test decides every MIMICOM_ value
  }
  env.insert(env.end(), extra.begin(), extra.end());
  return env;
}

}  // namespace

TestServer::TestServer(std::string admin_password, std::string ui_dir) {
  static int counter = 0;
  dir_ = std::filesystem::temp_directory_path() /
         ("mimicom-api-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  std::filesystem::remove_all(dir_);
  std::filesystem::create_directories(dir_);
  // A port taken by someone else between free_port() and the server's bind: try again.
  for (int attempt = 0; attempt < 5; ++attempt) {
    port_ = free_port();
    std::vector<std::string> args = {MIMICOM_BIN, "serve", "--host", "127.0.0.1", "--port", std::to_string(port_),
                                     "--data-dir", dir_.string()};
    if (!ui_dir.empty()) {
      args.push_back("--ui-dir");
      args.push_back(ui_dir);
    }
    auto argv = c_args(args);
    auto env = env_with({"MIMICOM_ADMIN_PASSWORD=" + admin_password});
    auto envp = c_args(env);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    std::string log = (dir_ / "server.log").string();
    posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    if (posix_spawn(&pid_, MIMICOM_BIN, &fa, nullptr, argv.data(), envp.data()) != 0)
      throw std::runtime_error("cannot start " + std::string(MIMICOM_BIN));
    posix_spawn_file_actions_destroy(&fa);
    // Wait for health, or for the process to exit (port taken), for at most 60 s.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    httplib::Client c("127.0.0.1", port_);
    c.set_connection_timeout(1);
    while (std::chrono::steady_clock::now() < deadline) {
      int status;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        break;
      }
      if (auto r = c.Get("/api/v1/health"); r && r->status == 200) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));  // poll interval of a bounded wait
    }
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
  }
  throw std::runtime_error("mimicom serve did not become healthy; see " + (dir_ / "server.log").string());
}

TestServer::~TestServer() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    int status;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (::waitpid(pid_, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > deadline) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));  // poll interval of a bounded wait
    }
  }
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

httplib::Client TestServer::client() const {
  httplib::Client c("127.0.0.1", port_);
  c.set_read_timeout(30);
  return c;
}

int TestServer::run_cli(const std::vector<std::string>& args, std::string* out, const std::string& stdin_text) {
  std::string cmd = std::string(MIMICOM_BIN) + " --data-dir '" + dir_.string() + "'";
  for (const auto& a : args) cmd += " '" + a + "'";
  std::string in_file = (dir_ / "stdin.txt").string();
  {
    FILE* f = std::fopen(in_file.c_str(), "w");
    std::fputs(stdin_text.c_str(), f);
    std::fclose(f);
  }
  cmd += " < '" + in_file + "' 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  std::string text;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) text.append(buf, n);
  int status = ::pclose(p);
  if (out) *out = text;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace mimicom::testing
