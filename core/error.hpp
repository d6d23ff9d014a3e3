#pragma once
// Errors are values: every fallible function returns Result<T>, and one file
// (api/http_error.cpp) turns an Error into an HTTP status and JSON body.
#include <expected>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mimicom {

struct FieldError {
  std::string field;
  std::string message;
  bool operator==(const FieldError&) const = default;
};

struct Error {
  enum class Code {
    BadRequest,    // malformed request (not JSON, wrong types): 400
    Invalid,       // well-formed but fails validation: 422, with `fields`
    NotFound,      // 404
    Conflict,      // unique constraint, stale state: 409
    Gone,          // existed, no longer available (an expired export file): 410
    Unauthorized,  // no or bad credentials: 401
    Forbidden,     // authenticated but not allowed: 403
    TooLarge,      // payload over a limit: 413
    RateLimited,   // slow down: 429, `retry_after_s` set
    Internal,      // a bug or an I/O failure: 500
  };

  Code code = Code::Internal;
  std::string message;
  std::vector<FieldError> fields;
  int retry_after_s = 0;

  static Error BadRequest(std::string message) { return {Code::BadRequest, std::move(message), {}}; }
  static Error Invalid(std::string field, std::string why) {
    return {Code::Invalid, "Données invalides", {{std::move(field), std::move(why)}}};
  }
  static Error Invalid(std::vector<FieldError> fields) {
    return {Code::Invalid, "Données invalides", std::move(fields)};
  }
  static Error NotFound(std::string_view what, long long id) {
    return {Code::NotFound, std::string(what) + " " + std::to_string(id) + " introuvable", {}};
  }
  static Error NotFound(std::string message) { return {Code::NotFound, std::move(message), {}}; }
  static Error Conflict(std::string field, std::string why) {
    return {Code::Conflict, why, {{std::move(field), why}}};
  }
  static Error Gone(std::string message) { return {Code::Gone, std::move(message), {}}; }
  static Error Unauthorized(std::string message = "Authentification requise") {
    return {Code::Unauthorized, std::move(message), {}};
  }
  static Error Forbidden(std::string message = "Accès refusé") { return {Code::Forbidden, std::move(message), {}}; }
  static Error TooLarge(std::string message) { return {Code::TooLarge, std::move(message), {}}; }
  static Error RateLimited(int retry_after_s) {
    Error e{Code::RateLimited, "Trop de tentatives, réessayez dans " + std::to_string(retry_after_s) + " s", {}};
    e.retry_after_s = retry_after_s;
    return e;
  }
  static Error Internal(std::string message) { return {Code::Internal, std::move(message), {}}; }
};

template <class T>
using Result = std::expected<T, Error>;

// For functions that return nothing on success.
using Status = std::expected<void, Error>;

inline std::unexpected<Error> fail(Error e) { return std::unexpected<Error>(std::move(e)); }

}  // namespace mimicom
