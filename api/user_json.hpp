#pragma once
// Users and API tokens as the API shows them (never a hash).
#include "api/http.hpp"
#include "core/clock.hpp"

namespace mimicom::api {

inline json user_to_json(const User& u) {
  return {{"id", u.id}, {"email", u.email}, {"name", u.name}, {"role", u.role},
          {"created_at", format_iso8601(u.created_at)}, {"disabled", u.disabled}};
}

inline json token_to_json(const ApiToken& t) {
  return {{"id", t.id},
          {"user_id", t.user_id},
          {"name", t.name},
          {"prefix", t.prefix},
          {"created_at", format_iso8601(t.created_at)},
          {"last_used_at", t.last_used_at ? json(format_iso8601(*t.last_used_at)) : json(nullptr)},
          {"revoked", t.revoked}};
}

}  // namespace mimicom::api
