// Account management, for admins.
#include "api/http.hpp"
#include "api/user_json.hpp"
#include "core/accounts.hpp"

namespace mimicom::api {

namespace {

std::string str(const json& body, const char* key) {
  auto it = body.find(key);
  return it != body.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Result<Reply> list(Context& c) {
  auto users = c.store.list_users();
  if (!users) return fail(users.error());
  json out = json::array();
  for (const auto& u : *users) out.push_back(user_to_json(u));
  return Reply::list(out, {{"total", users->size()}, {"page", 1}, {"per_page", users->size()}});
}

Result<Reply> create(Context& c) {
  auto body = parse_json_object(c);
  if (!body) return fail(body.error());
  std::string role = str(*body, "role");
  auto user = create_account(c.store, str(*body, "email"), str(*body, "password"), role.empty() ? "member" : role,
                             str(*body, "name"));
  if (!user) return fail(user.error());
  return Reply::created(user_to_json(*user));
}

Result<Reply> update(Context& c) {
  auto body = parse_json_object(c);
  if (!body) return fail(body.error());
  UserPatch patch;
  std::vector<FieldError> errors;
  for (auto it = body->begin(); it != body->end(); ++it) {
    const std::string& k = it.key();
    if (k == "name" && it->is_string()) patch.name = it->get<std::string>();
    else if (k == "role" && it->is_string() && (*it == "admin" || *it == "member")) patch.role = it->get<std::string>();
    else if (k == "disabled" && it->is_boolean()) patch.disabled = it->get<bool>();
    else if (k == "password" && it->is_string()) {
      std::string pw = it->get<std::string>();
      if (auto p = password_problem(pw); !p.empty()) {
        errors.push_back({"password", p});
      } else {
        auto h = hash_password(pw);
        if (!h) return fail(h.error());
        patch.password_hash = *h;
      }
    } else {
      errors.push_back({k, k == "role" ? "rôle attendu : admin ou member" : "champ inconnu ou de mauvais type"});
    }
  }
  if (c.id() == c.user->id && ((patch.role && *patch.role != "admin") || (patch.disabled && *patch.disabled)))
    errors.push_back({"role", "vous ne pouvez pas retirer vos propres droits d'administrateur"});
  if (!errors.empty()) return fail(Error::Invalid(std::move(errors)));
  auto user = c.store.update_user(c.id(), patch);
  if (!user) return fail(user.error());
  return Reply::ok(user_to_json(*user));
}

Result<Reply> remove(Context& c) {
  if (c.id() == c.user->id) return fail(Error::Conflict("id", "vous ne pouvez pas supprimer votre propre compte"));
  if (auto st = c.store.delete_user(c.id()); !st) return fail(st.error());
  return Reply::no_content();
}

}  // namespace

void add_user_routes(std::vector<Route>& r) {
  r.push_back({"GET", "/users", Access::Admin, list});
  r.push_back({"POST", "/users", Access::Admin, create});
  r.push_back({"PATCH", "/users/{id}", Access::Admin, update});
  r.push_back({"DELETE", "/users/{id}", Access::Admin, remove});
}

}  // namespace mimicom::api
