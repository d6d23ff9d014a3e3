#include "core/accounts.hpp"

#include "core/auth.hpp"
#include "core/clock.hpp"
#include "core/contact.hpp"
#include "store/store.hpp"

namespace mimicom {

Result<User> create_account(Store& store, const std::string& email, const std::string& password,
                            const std::string& role, const std::string& name) {
  std::vector<FieldError> errors;
  std::string why;
  auto normalized = normalize_email(email, &why);
  if (!normalized) errors.push_back({"email", why});
  if (role != "admin" && role != "member") errors.push_back({"role", "rôle attendu : admin ou member"});
  if (auto p = password_problem(password); !p.empty()) errors.push_back({"password", p});
  if (name.size() > 255) errors.push_back({"name", "trop long (255 caractères au plus)"});
  if (!errors.empty()) return fail(Error::Invalid(std::move(errors)));
  auto hash = hash_password(password);
  if (!hash) return fail(hash.error());
  return store.create_user({*normalized, name, role, *hash});
}

Result<NewToken> create_token(Store& store, long long user_id, const std::string& name) {
  if (name.empty() || name.size() > 100) return fail(Error::Invalid("name", "nom du jeton requis (100 caractères au plus)"));
  NewToken t;
  t.token = random_token("mc_");
  ApiToken rec;
  rec.user_id = user_id;
  rec.name = name;
  rec.prefix = t.token.substr(0, 10);
  rec.token_hash = hash_token(t.token);
  rec.created_at = now_unix();
  auto saved = store.create_api_token(rec);
  if (!saved) return fail(saved.error());
  t.record = *saved;
  return t;
}

}  // namespace mimicom
