// Login (session cookie + CSRF token), logout, and who am I.
#include <algorithm>

#include "api/http.hpp"
#include "api/user_json.hpp"
#include "core/clock.hpp"

namespace mimicom::api {

namespace {

constexpr const char* kCookie = "mimicom_session";

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char ch) { return std::tolower(ch); });
  return s;
}

// Verifying against a fixed hash when the account does not exist keeps the answer's timing
// from telling which emails have accounts.
const std::string& dummy_hash() {
  static const std::string h = hash_password("not a real password, only for timing").value_or("");
  return h;
}

Result<Reply> login(Context& c) {
  auto body = parse_json_object(c);
  if (!body) return fail(body.error());
  std::vector<FieldError> errors;
  if (!body->contains("email") || !(*body)["email"].is_string())
    errors.push_back({"email", "e-mail requis"});
  if (!body->contains("password") || !(*body)["password"].is_string())
    errors.push_back({"password", "mot de passe requis"});
  if (!errors.empty()) return fail(Error::Invalid(std::move(errors)));

  const std::string address = c.req.remote_addr;
  if (int wait = c.throttle.wait_seconds(address); wait > 0) return fail(Error::RateLimited(wait));

  std::string email = lower((*body)["email"].get<std::string>());
  std::string password = (*body)["password"].get<std::string>();
  auto creds = c.store.find_user_by_email(email);
  bool ok = creds ? verify_password(password, creds->password_hash) : (verify_password(password, dummy_hash()), false);
  if (!ok || creds->user.disabled) {
    if (!creds && creds.error().code != Error::Code::NotFound) return fail(creds.error());
    c.throttle.record_failure(address);
    return fail(Error::Unauthorized("e-mail ou mot de passe incorrect"));
  }
  c.throttle.record_success(address);

  std::string token = random_token();
  long long now = now_unix();
  Session s{hash_token(token), creds->user.id, random_token(), now, now + c.settings.session_ttl_s};
  if (auto st = c.store.create_session(s); !st) return fail(st.error());
  c.store.delete_expired_sessions(now);  // housekeeping; a failure here does not matter
  std::string cookie = std::string(kCookie) + "=" + token + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
                       std::to_string(c.settings.session_ttl_s) + (c.settings.secure_cookies ? "; Secure" : "");
  c.res.set_header("Set-Cookie", cookie);
  return Reply::ok({{"csrf_token", s.csrf_token}, {"user", user_to_json(creds->user)}});
}

Result<Reply> logout(Context& c) {
  if (c.session) {
    if (auto st = c.store.delete_session(c.session->token_hash); !st) return fail(st.error());
  }
  c.res.set_header("Set-Cookie", std::string(kCookie) + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
  return Reply::ok({{"ok", true}});
}

Result<Reply> me(Context& c) {
  json out = {{"user", user_to_json(*c.user)}};
  out["csrf_token"] = c.session ? json(c.session->csrf_token) : json(nullptr);
  return Reply::ok(out);
}

}  // namespace

void add_auth_routes(std::vector<Route>& r) {
  r.push_back({"POST", "/auth/login", Access::Public, login});
  r.push_back({"POST", "/auth/logout", Access::Member, logout});
  r.push_back({"GET", "/auth/me", Access::Member, me});
}

}  // namespace mimicom::api
