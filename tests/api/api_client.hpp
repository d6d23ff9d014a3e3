#pragma once
// What the API tests speak with: a logged-in, browser-like client (session cookie and CSRF
// token) and small readers of JSON answers.
#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>
#include <string>

#include "tests/api/test_server.hpp"

namespace mimicom::testing {

using json = nlohmann::json;
constexpr const char* kAdmin = "admin@mimicom.local";
constexpr const char* kPassword = "mot-de-passe-admin";

// A logged-in browser-like client: session cookie + CSRF token.
struct Session {
  httplib::Client http;
  std::string cookie, csrf;

  httplib::Headers headers(bool with_csrf = true) const {
    httplib::Headers h = {{"Cookie", cookie}};
    if (with_csrf) h.emplace("X-CSRF-Token", csrf);
    return h;
  }
  httplib::Result get(const std::string& path) { return http.Get(path, headers(false)); }
  httplib::Result post(const std::string& path, const json& body) {
    return http.Post(path, headers(), body.dump(), "application/json");
  }
  httplib::Result patch(const std::string& path, const json& body) {
    return http.Patch(path, headers(), body.dump(), "application/json");
  }
  httplib::Result del(const std::string& path) { return http.Delete(path, headers()); }
};

inline Session login(const TestServer& s, const std::string& email = kAdmin, const std::string& password = kPassword) {
  Session out{s.client(), "", ""};
  auto r = out.http.Post("/api/v1/auth/login", json{{"email", email}, {"password", password}}.dump(),
                         "application/json");
  if (!r || r->status != 200) throw std::runtime_error("login failed");
  std::string set_cookie = r->get_header_value("Set-Cookie");
  out.cookie = set_cookie.substr(0, set_cookie.find(';'));
  out.csrf = json::parse(r->body)["data"]["csrf_token"];
  return out;
}

inline json body(const httplib::Result& r) { return json::parse(r->body); }

inline std::set<std::string> error_fields(const httplib::Result& r) {
  std::set<std::string> out;
  json b = body(r);
  for (const auto& f : b["error"]["fields"]) out.insert(f["field"].get<std::string>());
  return out;
}

// Sends a CSV file to POST /imports (raw body).
inline httplib::Result upload(Session& s, const std::string& bytes, const std::string& name = "clients.csv") {
  return s.http.Post("/api/v1/imports?filename=" + name, s.headers(), bytes, "text/csv");
}

// Follows the job's event stream (SSE) until `until` holds for the job or the stream ends
// (the server ends it when the job ends); returns the last state of the job it saw.
inline json follow_job(Session& s, long long id, const std::function<bool(const json&)>& until = nullptr) {
  json last;
  std::string buf;
  s.http.Get("/api/v1/jobs/" + std::to_string(id) + "/events", s.headers(false), [&](const char* data, size_t n) {
    buf.append(data, n);
    for (size_t end; (end = buf.find("\n\n")) != std::string::npos;) {
      std::string event = buf.substr(0, end);
      buf.erase(0, end + 2);
      if (event.rfind("event: job\ndata: ", 0) != 0) continue;
      last = json::parse(event.substr(17));
      if (until && until(last)) return false;  // enough: close the stream
    }
    return true;
  });
  return last;
}

// Reads the job again and again (for at most `limit`) until `until` holds or the job has ended,
// and returns it: each read waits for the server's answer, nothing else is waited for. For a
// moment in a fast job that the event stream, which looks every 250 ms, would skip over.
inline json poll_job(Session& s, long long id, const std::function<bool(const json&)>& until,
                     std::chrono::seconds limit = std::chrono::seconds(120)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (true) {
    auto r = s.get("/api/v1/jobs/" + std::to_string(id));
    if (r && r->status == 200) {
      json j = body(r)["data"];
      if (until(j) || (j["state"] != "queued" && j["state"] != "running")) return j;
    }
    if (std::chrono::steady_clock::now() > deadline) throw std::runtime_error("job " + std::to_string(id) + ": too long");
  }
}

// Waits for the job to end (its event stream ends), then reads it.
inline json wait_job_end(Session& s, long long id) {
  follow_job(s, id);
  json j = body(s.get("/api/v1/jobs/" + std::to_string(id)))["data"];
  if (j["state"] == "queued" || j["state"] == "running") throw std::runtime_error("event stream ended early");
  return j;
}

}  // namespace mimicom::testing
