// API tokens for scripts: a member manages their own; an admin sees and revokes all.
#include "api/http.hpp"
#include "api/user_json.hpp"
#include "core/accounts.hpp"

namespace mimicom::api {

namespace {

std::optional<long long> scope(const Context& c) {
  return c.user->role == "admin" ? std::nullopt : std::optional<long long>(c.user->id);
}

Result<Reply> list(Context& c) {
  auto tokens = c.store.list_api_tokens(scope(c));
  if (!tokens) return fail(tokens.error());
  json out = json::array();
  for (const auto& t : *tokens) out.push_back(token_to_json(t));
  return Reply::list(out, {{"total", tokens->size()}, {"page", 1}, {"per_page", tokens->size()}});
}

Result<Reply> create(Context& c) {
  auto body = parse_json_object(c);
  if (!body) return fail(body.error());
  auto name = body->value("name", json()).is_string() ? (*body)["name"].get<std::string>() : std::string();
  auto t = create_token(c.store, c.user->id, name);
  if (!t) return fail(t.error());
  json out = token_to_json(t->record);
  out["token"] = t->token;  // shown once
  return Reply::created(out);
}

Result<Reply> revoke(Context& c) {
  if (auto st = c.store.revoke_api_token(c.id(), scope(c)); !st) return fail(st.error());
  return Reply::no_content();
}

}  // namespace

void add_token_routes(std::vector<Route>& r) {
  r.push_back({"GET", "/tokens", Access::Member, list});
  r.push_back({"POST", "/tokens", Access::Member, create});
  r.push_back({"DELETE", "/tokens/{id}", Access::Member, revoke});
}

}  // namespace mimicom::api
