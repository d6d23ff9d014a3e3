#include "api/server.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <regex>
#include <thread>

#include "api/http.hpp"
#include "core/clock.hpp"

namespace mimicom::api {

namespace {

constexpr const char* kApiPrefix = "/api/v1";
constexpr const char* kSessionCookie = "mimicom_session";

// "/prospects/{id}" → "/api/v1/prospects/(\d+)": ids ({id}, {…_id}) are digits, other
// parameters one path segment.
std::string route_regex(const std::string& path) {
  static const std::regex param(R"(\{([a-z_]+)\})");
  std::string out = kApiPrefix;
  auto begin = std::sregex_iterator(path.begin(), path.end(), param);
  size_t last = 0;
  for (auto it = begin; it != std::sregex_iterator(); ++it) {
    std::string literal = path.substr(last, it->position() - last);
    out += std::regex_replace(literal, std::regex(R"([.^$|()\[\]*+?\\])"), R"(\$&)");
    out += std::string((*it)[1]).ends_with("id") ? R"((\d+))" : R"(([^/]+))";
    last = it->position() + it->length();
  }
  out += std::regex_replace(path.substr(last), std::regex(R"([.^$|()\[\]*+?\\])"), R"(\$&)");
  return out;
}

std::string cookie_value(const httplib::Request& req, const std::string& name) {
  std::string header = req.get_header_value("Cookie");
  size_t pos = 0;
  while (pos < header.size()) {
    size_t end = header.find(';', pos);
    if (end == std::string::npos) end = header.size();
    std::string part = header.substr(pos, end - pos);
    size_t b = part.find_first_not_of(' ');
    if (b != std::string::npos) part = part.substr(b);
    if (part.size() > name.size() && part.compare(0, name.size(), name) == 0 && part[name.size()] == '=')
      return part.substr(name.size() + 1);
    pos = end + 1;
  }
  return {};
}

// Lets at most `slots` request handlers run at once, in arrival order, handing a freed slot
// straight to the oldest waiter. httplib runs one thread per keep-alive connection: with 32
// clients on 2 cores, 32 runnable threads timesliced each other (and the clients) and the
// slowest answers took 10-20× the median. Waiters here sleep on their own condition variable,
// so a release wakes exactly one thread. Routes that wait for long (event streams) must be
// served outside the gate.
class FairGate {
 public:
  explicit FairGate(int slots) : free_(slots) {}

  void acquire() {
    std::unique_lock lock(mu_);
    if (free_ > 0 && waiters_.empty()) {
      --free_;
      return;
    }
    Waiter w;
    waiters_.push_back(&w);
    w.cv.wait(lock, [&] { return w.granted; });
  }

  void release() {
    std::lock_guard lock(mu_);
    if (waiters_.empty()) {
      ++free_;
      return;
    }
    Waiter* w = waiters_.front();
    waiters_.pop_front();
    w->granted = true;
    w->cv.notify_one();
  }

 private:
  struct Waiter {
    std::condition_variable cv;
    bool granted = false;
  };
  std::mutex mu_;
  int free_;
  std::deque<Waiter*> waiters_;
};

bool changes_state(const std::string& method) { return method != "GET" && method != "HEAD"; }

// Who is calling: a Bearer API token, or a session cookie (with the CSRF header on writes).
Status authenticate(Context& c) {
  long long now = now_unix();
  std::string auth = c.req.get_header_value("Authorization");
  if (auth.rfind("Bearer ", 0) == 0) {
    auto token = c.store.find_api_token(hash_token(auth.substr(7)), now);
    if (!token) return fail(token.error());
    auto user = c.store.get_user(token->user_id);
    if (!user || user->disabled) return fail(Error::Unauthorized("jeton d'API invalide"));
    c.user = std::move(*user);
    return {};
  }
  std::string cookie = cookie_value(c.req, kSessionCookie);
  if (cookie.empty()) return fail(Error::Unauthorized());
  auto session = c.store.get_session(hash_token(cookie), now);
  if (!session) return fail(Error::Unauthorized("session expirée, reconnectez-vous"));
  if (changes_state(c.req.method) &&
      !secrets_equal(c.req.get_header_value("X-CSRF-Token"), session->csrf_token))
    return fail(Error::Forbidden("jeton CSRF manquant ou invalide"));
  auto user = c.store.get_user(session->user_id);
  if (!user || user->disabled) return fail(Error::Unauthorized());
  c.user = std::move(*user);
  c.session = std::move(*session);
  return {};
}

void write_reply(httplib::Response& res, const Reply& r) {
  if (r.handled) return;
  res.status = r.status;
  if (r.raw) {
    if (!r.body.is_null())
      res.set_content(r.body.dump(-1, ' ', false, json::error_handler_t::replace), "application/json; charset=utf-8");
    return;
  }
  if (!r.data_text.empty()) {
    std::string out;
    out.reserve(r.data_text.size() + 128);
    out += "{\"data\":";
    out += r.data_text;
    if (r.meta) {
      out += ",\"meta\":";
      out += r.meta->dump();
    }
    out += '}';
    res.set_content(std::move(out), "application/json; charset=utf-8");
    return;
  }
  json out = {{"data", r.body}};
  if (r.meta) out["meta"] = *r.meta;
  res.set_content(out.dump(-1, ' ', false, json::error_handler_t::replace), "application/json; charset=utf-8");
}

}  // namespace

struct Server::Impl {
  Store& store;
  JobQueue& jobs;
  ServerOptions options;
  Settings settings;
  LoginThrottle throttle;
  KpiCache kpis{store};
  FairGate gate{std::max(2, 2 * static_cast<int>(std::thread::hardware_concurrency()))};
  httplib::Server http;
  int bound_port = -1;

  Impl(Store& s, JobQueue& j, ServerOptions o) : store(s), jobs(j), options(std::move(o)) {
    settings.version = options.version;
    settings.secure_cookies = options.secure_cookies;
    settings.data_dir = options.data_dir;
    settings.max_upload_bytes = options.max_upload_bytes;
    // The dashboard's index loads in the background and follows the changes, so requests
    // find it warm and only the last moment's changes to apply.
    kpis.follow(250);
  }

  void setup() {
    int threads = options.threads;
    http.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    // Uploads may be large; every other body is refused beyond max_json_bytes before it is read
    // (see the pre-routing handler below).
    http.set_payload_max_length(std::max<unsigned long long>(settings.max_json_bytes, settings.max_upload_bytes));
    std::vector<std::regex> upload_paths;
    for (const auto& route : all_routes())
      if (route.upload) upload_paths.emplace_back(route_regex(route.path));
    http.set_pre_routing_handler([this, upload_paths](const httplib::Request& req, httplib::Response& res) {
      for (const auto& re : upload_paths)
        if (std::regex_match(req.path, re)) return httplib::Server::HandlerResponse::Unhandled;
      bool chunked = req.get_header_value("Transfer-Encoding").find("chunked") != std::string::npos;
      unsigned long long length = std::strtoull(req.get_header_value("Content-Length").c_str(), nullptr, 10);
      if (chunked || length > settings.max_json_bytes) {
        write_error(res, Error::TooLarge(chunked ? "corps de requête découpé (chunked) refusé ici"
                                                 : "requête trop volumineuse"));
        res.set_header("Connection", "close");
        return httplib::Server::HandlerResponse::Handled;
      }
      return httplib::Server::HandlerResponse::Unhandled;
    });
    // Reconnecting costs a trip through the accept loop (measured: the slowest 1 % of answers
    // took 150 ms with a limit of 1000 requests per connection).
    http.set_keep_alive_max_count(1000000);
    // Headers and body go out in separate writes: without TCP_NODELAY, Nagle's algorithm and
    // the client's delayed ACK add ~40 ms to every keep-alive response.
    http.set_tcp_nodelay(true);

    for (const auto& route : all_routes()) {
      std::string pattern = route_regex(route.path);
      auto serve = [this, route](const httplib::Request& req, httplib::Response& res,
                                 const httplib::ContentReader* reader) {
        Context c{req, res, std::nullopt, std::nullopt, {}, store, throttle, settings, jobs, kpis, reader};
        for (size_t i = 1; i < req.matches.size(); ++i) c.path_params.push_back(req.matches[i].str());
        if (route.access != Access::Public) {
          if (auto st = authenticate(c); !st) return write_error(res, st.error());
          if (route.access == Access::Admin && c.user->role != "admin")
            return write_error(res, Error::Forbidden("réservé aux administrateurs"));
        }
        std::optional<FairGate*> held;
        if (!route.long_lived) {
          gate.acquire();
          held = &gate;
        }
        struct Release {
          std::optional<FairGate*>& g;
          ~Release() {
            if (g) (*g)->release();
          }
        } release{held};
        auto reply = route.handler(c);
        if (!reply) {
          // An upload refused before its body was read: the rest of the body must not be
          // taken for the next request, and the client should stop sending.
          if (reader) res.set_header("Connection", "close");
          return write_error(res, reply.error());
        }
        write_reply(res, *reply);
      };
      auto handler = [serve](const httplib::Request& req, httplib::Response& res) { serve(req, res, nullptr); };
      if (route.upload) {
        http.Post(pattern, [serve](const httplib::Request& req, httplib::Response& res,
                                   const httplib::ContentReader& reader) { serve(req, res, &reader); });
        continue;
      }
      if (route.method == "GET") http.Get(pattern, handler);
      else if (route.method == "POST") http.Post(pattern, handler);
      else if (route.method == "PATCH") http.Patch(pattern, handler);
      else if (route.method == "PUT") http.Put(pattern, handler);
      else if (route.method == "DELETE") http.Delete(pattern, handler);
    }

    if (!options.ui_dir.empty()) {
      if (!http.set_mount_point("/", options.ui_dir))
        spdlog::warn("UI folder {} not found: the web UI is not served", options.ui_dir);
      http.Get("/docs", [](const httplib::Request&, httplib::Response& res) { res.set_redirect("/docs/"); });
      // The UI's own paths (/prospects, /login…) are routes of the single-page app.
      std::string index = options.ui_dir + "/index.html";
      http.Get(R"(/(?!api/).*)", [index](const httplib::Request&, httplib::Response& res) {
        std::ifstream f(index, std::ios::binary);
        if (!f) {
          res.status = 404;
          res.set_content("MimiCom UI is not built (run make build)", "text/plain; charset=utf-8");
          return;
        }
        std::string html((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
        res.set_content(html, "text/html; charset=utf-8");
      });
    }

    http.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
      if (!res.body.empty()) return;  // a handler's own error body
      if (req.path.rfind("/api/", 0) == 0) {
        if (res.status == 404) write_error(res, Error::NotFound("route inconnue : " + req.method + " " + req.path));
        else if (res.status == 413) write_error(res, Error::TooLarge("requête trop volumineuse"));
        else if (res.status == 400) write_error(res, Error::BadRequest("requête HTTP invalide"));
      }
    });

    http.set_exception_handler([](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
      std::string what = "unknown exception";
      try {
        std::rethrow_exception(ep);
      } catch (const std::exception& e) {
        what = e.what();
      } catch (...) {
      }
      write_error(res, Error::Internal(req.method + " " + req.path + ": " + what));
    });

    http.set_post_routing_handler([](const httplib::Request& req, httplib::Response& res) {
      res.set_header("X-Content-Type-Options", "nosniff");
      res.set_header("Referrer-Policy", "same-origin");
      res.set_header("X-Frame-Options", "DENY");
      if (req.path.rfind("/api/", 0) == 0) {
        res.set_header("Cache-Control", "no-store");
      } else {
        res.set_header("Content-Security-Policy",
                       "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                       "object-src 'none'; frame-ancestors 'none'; base-uri 'self'");
      }
    });
  }
};

Server::Server(Store& store, JobQueue& jobs, ServerOptions options)
    : impl_(std::make_unique<Impl>(store, jobs, std::move(options))) {
  impl_->setup();
}

Server::~Server() = default;

bool Server::bind() {
  if (impl_->options.port == 0) {
    impl_->bound_port = impl_->http.bind_to_any_port(impl_->options.host);
    return impl_->bound_port > 0;
  }
  if (!impl_->http.bind_to_port(impl_->options.host, impl_->options.port)) return false;
  impl_->bound_port = impl_->options.port;
  return true;
}

bool Server::listen_after_bind() { return impl_->http.listen_after_bind(); }

void Server::stop() { impl_->http.stop(); }

int Server::port() const { return impl_->bound_port; }

std::vector<Route> all_routes() {
  std::vector<Route> r;
  add_health_routes(r);
  add_auth_routes(r);
  add_prospect_routes(r);
  add_user_routes(r);
  add_token_routes(r);
  add_job_routes(r);
  add_import_routes(r);
  add_kpi_routes(r);
  add_export_routes(r);
  add_segmentation_routes(r);
  add_docs_routes(r);
  return r;
}

Result<json> parse_json_object(const Context& c) {
  if (c.req.body.size() > c.settings.max_json_bytes) return fail(Error::TooLarge("corps JSON trop volumineux"));
  int too_deep = 0;
  json::parser_callback_t limit = [&too_deep](int depth, json::parse_event_t, json&) {
    if (depth > 64) too_deep = 1;
    return true;
  };
  json j = json::parse(c.req.body, limit, false);
  if (too_deep) return fail(Error::BadRequest("JSON trop imbriqué"));
  if (j.is_discarded()) return fail(Error::BadRequest("le corps de la requête n'est pas du JSON valide"));
  if (!j.is_object()) return fail(Error::BadRequest("un objet JSON est attendu"));
  return j;
}

}  // namespace mimicom::api
