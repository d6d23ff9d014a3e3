#pragma once
// The HTTP server: the API routes under /api/v1 (authentication, CSRF, errors as JSON), and
// the web UI's files with a fallback to index.html for the UI's own paths.
// Threads: construct and configure on one thread; listen_after_bind() blocks; stop() from any
// thread.
#include <memory>
#include <string>

#include "queue/job_queue.hpp"
#include "store/store.hpp"

namespace mimicom::api {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string ui_dir;  // built UI (app/dist); empty = no UI
  int threads = 64;    // each live event stream holds one
  bool secure_cookies = false;
  std::string version;
  std::string data_dir = "data";
  unsigned long long max_upload_bytes = 2ULL << 30;
};

class Server {
 public:
  Server(Store& store, JobQueue& jobs, ServerOptions options);
  ~Server();
  // Binds (port 0 = any free port); false when the address cannot be bound. Then
  // listen_after_bind() serves until stop().
  bool bind();
  bool listen_after_bind();
  void stop();
  int port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mimicom::api
