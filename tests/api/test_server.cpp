#include "tests/api/test_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <stdexcept>

extern char** environ;

namespace mimicom::testing {

// A server that answers early (413 before the body) closes while a client still writes:
// the test process must get EPIPE, not die of SIGPIPE.
[[maybe_unused]] static const bool kIgnoreSigpipe = (::signal(SIGPIPE, SIG_IGN), true);

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

namespace {

// Reads from `fd` until `needle` appears, EOF, or the deadline; true when found. Blocks in
// poll(): it waits for the server to say something, not for a fixed time.
bool wait_for_text(int fd, const std::string& needle, std::chrono::steady_clock::time_point deadline,
                   std::string& seen) {
  while (seen.find(needle) == std::string::npos) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    char buf[4096];
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) return false;  // EOF: the server exited
    seen.append(buf, static_cast<size_t>(n));
  }
  return true;
}

// Waits until `fd` reaches EOF (the process closed its stdout by exiting) or the deadline.
bool wait_for_eof(int fd, std::chrono::steady_clock::time_point deadline) {
  std::string ignored;
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    char buf[4096];
    if (::read(fd, buf, sizeof buf) <= 0) return true;
  }
}

}  // namespace

TestServer::TestServer(std::string admin_password, std::string ui_dir, std::vector<std::string> env,
                       std::vector<std::string> args)
    : admin_password_(std::move(admin_password)), ui_dir_(std::move(ui_dir)), env_(std::move(env)), args_(std::move(args)) {
  static int counter = 0;
  dir_ = std::filesystem::temp_directory_path() /
         ("mimicom-api-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  std::filesystem::remove_all(dir_);
  std::filesystem::create_directories(dir_);
  start();
}

void TestServer::kill_hard() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  ::close(stdout_fd_);
  pid_ = -1;
  stdout_fd_ = -1;
}

void TestServer::restart() {
  kill_hard();
  start();
}

void TestServer::start() {
  const std::string& admin_password = admin_password_;
  const std::string& ui_dir = ui_dir_;
  // A port taken by someone else between free_port() and the server's bind: try again.
  for (int attempt = 0; attempt < 5; ++attempt) {
    port_ = free_port();
    std::vector<std::string> args = {MIMICOM_BIN, "serve", "--host", "127.0.0.1", "--port", std::to_string(port_),
                                     "--data-dir", dir_.string()};
    if (!ui_dir.empty()) {
      args.push_back("--ui-dir");
      args.push_back(ui_dir);
    }
    args.insert(args.end(), args_.begin(), args_.end());
    auto argv = c_args(args);
    std::vector<std::string> extra = env_;
    extra.push_back("MIMICOM_ADMIN_PASSWORD=" + admin_password);
    auto env = env_with(extra);
    auto envp = c_args(env);
    int out[2];
    if (::pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    std::string log = (dir_ / "server.log").string();
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_addopen(&fa, 2, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    int rc = posix_spawn(&pid_, MIMICOM_BIN, &fa, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&fa);
    ::close(out[1]);
    if (rc != 0) throw std::runtime_error("cannot start " + std::string(MIMICOM_BIN));
    stdout_fd_ = out[0];
    // The server prints "is running" once it listens; EOF means it exited (port taken).
    std::string seen;
    if (wait_for_text(stdout_fd_, "is running", std::chrono::steady_clock::now() + std::chrono::seconds(60), seen))
      return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    ::close(stdout_fd_);
    pid_ = -1;
    stdout_fd_ = -1;
  }
  throw std::runtime_error("mimicom serve did not start; see " + (dir_ / "server.log").string());
}

TestServer::~TestServer() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    if (!wait_for_eof(stdout_fd_, std::chrono::steady_clock::now() + std::chrono::seconds(10)))
      ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    ::close(stdout_fd_);
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
