#pragma once
// What the API tests speak with: a logged-in, browser-like client (session cookie and CSRF
// token) and small readers of JSON answers.
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

}  // namespace mimicom::testing
