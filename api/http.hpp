#pragma once
// The HTTP layer's own vocabulary: a route table whose handlers stay thin (parse, validate,
// call core/ or the store, map the result). Included by api/ files only.
#include <httplib.h>

#include <charconv>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/auth.hpp"
#include "core/error.hpp"
#include "core/models/user.hpp"
#include "queue/job_queue.hpp"
#include "store/kpi_cache.hpp"
#include "store/store.hpp"

namespace mimicom::api {

using json = nlohmann::json;

enum class Access { Public, Member, Admin };

struct Settings {
  std::string version;
  long long session_ttl_s = 7 * 24 * 3600;
  bool secure_cookies = false;  // add `Secure` (set when served over HTTPS)
  size_t max_json_bytes = 8 << 20;
  unsigned long long max_upload_bytes = 2ULL << 30;  // CSV uploads
  std::string data_dir = "data";                     // uploads go to <data_dir>/uploads
};

// What a handler gets: the request, the authenticated user (none for public routes), the
// path parameters in order, and the shared services.
struct Context {
  const httplib::Request& req;
  httplib::Response& res;
  std::optional<User> user;
  std::optional<Session> session;  // set for cookie logins, not for API tokens
  std::vector<std::string> path_params;
  Store& store;
  LoginThrottle& throttle;
  const Settings& settings;
  JobQueue& jobs;
  KpiCache& kpis;
  const httplib::ContentReader* reader = nullptr;  // upload routes: the body, read as a stream

  bool is_admin() const { return user && user->role == "admin"; }
  // The user whose data a listing is limited to: nobody for an admin.
  std::optional<long long> owner_scope() const { return is_admin() ? std::nullopt : std::optional<long long>(user->id); }

  // The n-th path parameter as an id (routes declare ids as digits only).
  // An id too large for 64 bits cannot exist: it reads as 0, which no row has.
  long long id(size_t n = 0) const {
    const std::string& s = path_params.at(n);
    long long v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    return ec == std::errc() && p == s.data() + s.size() ? v : 0;
  }
  // A parameter's value, for json-body-less routes.
  std::multimap<std::string, std::string> query() const {
    return {req.params.begin(), req.params.end()};
  }
};

// A handler's success: a status and a JSON body (sent as {"data": body} unless raw).
struct Reply {
  int status = 200;
  json body;
  std::optional<json> meta;
  bool raw = false;  // send body as it is (no envelope); null body = no content
  std::string data_text;  // when set: the data, already JSON text (hot paths), instead of body
  bool handled = false;   // the handler wrote the response itself (files, event streams)

  static Reply ok(json data) { return {200, std::move(data), std::nullopt, false, {}}; }
  static Reply created(json data) { return {201, std::move(data), std::nullopt, false, {}}; }
  static Reply no_content() { return {204, nullptr, std::nullopt, true, {}}; }
  static Reply list(json data, json meta) { return {200, std::move(data), std::move(meta), false, {}}; }
  static Reply text(int status, std::string data_json, std::optional<json> meta = std::nullopt) {
    return {status, nullptr, std::move(meta), false, std::move(data_json)};
  }
  static Reply accepted(json data) { return {202, std::move(data), std::nullopt, false, {}}; }
  static Reply written() {
    Reply r;
    r.handled = true;
    return r;
  }
};

using Handler = std::function<Result<Reply>(Context&)>;

struct Route {
  std::string method;  // GET, POST, PATCH, DELETE
  std::string path;    // as in openapi.yaml, under /api/v1: "/prospects/{id}"
  Access access;
  Handler handler;
  // An upload: the body is not read beforehand (Context::reader streams it) and may be as
  // large as Settings::max_upload_bytes.
  bool upload = false;
  // Answers for a long time (an event stream): served outside the gate that bounds how many
  // handlers run at once.
  bool long_lived = false;
};

// Route groups, one per file of api/routers/.
void add_health_routes(std::vector<Route>& r);
void add_auth_routes(std::vector<Route>& r);
void add_prospect_routes(std::vector<Route>& r);
void add_user_routes(std::vector<Route>& r);
void add_token_routes(std::vector<Route>& r);
void add_docs_routes(std::vector<Route>& r);
void add_job_routes(std::vector<Route>& r);
void add_import_routes(std::vector<Route>& r);
void add_kpi_routes(std::vector<Route>& r);
void add_export_routes(std::vector<Route>& r);
void add_segmentation_routes(std::vector<Route>& r);

// Every route of the API, in matching order.
std::vector<Route> all_routes();

// The JSON body of a request: 400 when it is not JSON or nests deeper than 64 levels, 413
// over the size limit, 400 when it is not an object.
Result<json> parse_json_object(const Context& c);

// The one place errors become HTTP: status, JSON error body, Retry-After.
void write_error(httplib::Response& res, const Error& e);
int http_status(Error::Code code);

}  // namespace mimicom::api
