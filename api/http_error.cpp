// The one file that maps MimiCom errors to HTTP statuses and bodies.
#include <spdlog/spdlog.h>

#include "api/http.hpp"

namespace mimicom::api {

int http_status(Error::Code code) {
  switch (code) {
    case Error::Code::BadRequest: return 400;
    case Error::Code::Invalid: return 422;
    case Error::Code::NotFound: return 404;
    case Error::Code::Conflict: return 409;
    case Error::Code::Gone: return 410;
    case Error::Code::Unauthorized: return 401;
    case Error::Code::Forbidden: return 403;
    case Error::Code::TooLarge: return 413;
    case Error::Code::RateLimited: return 429;
    case Error::Code::Internal: return 500;
  }
  return 500;
}

namespace {
const char* code_name(Error::Code code) {
  switch (code) {
    case Error::Code::BadRequest: return "bad_request";
    case Error::Code::Invalid: return "validation_error";
    case Error::Code::NotFound: return "not_found";
    case Error::Code::Conflict: return "conflict";
    case Error::Code::Gone: return "gone";
    case Error::Code::Unauthorized: return "unauthorized";
    case Error::Code::Forbidden: return "forbidden";
    case Error::Code::TooLarge: return "too_large";
    case Error::Code::RateLimited: return "rate_limited";
    case Error::Code::Internal: return "internal";
  }
  return "internal";
}
}  // namespace

void write_error(httplib::Response& res, const Error& e) {
  res.status = http_status(e.code);
  std::string message = e.message;
  if (e.code == Error::Code::Internal) {
    // The details go to the log; the client gets no internals.
    spdlog::error("internal error: {}", e.message);
    message = "Erreur interne du serveur";
  }
  json fields = json::array();
  for (const auto& f : e.fields) fields.push_back({{"field", f.field}, {"message", f.message}});
  json body = {{"error", {{"code", code_name(e.code)}, {"message", message}, {"fields", fields}}}};
  if (e.code == Error::Code::RateLimited) res.set_header("Retry-After", std::to_string(e.retry_after_s));
  res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace), "application/json; charset=utf-8");
}

}  // namespace mimicom::api
