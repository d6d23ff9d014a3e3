#pragma once
// Accounts, sessions and API tokens. Secrets are never stored: only their hashes.
#include <optional>
#include <string>

namespace mimicom {

struct User {
  long long id = 0;
  std::string email;  // lower-cased
  std::string name;
  std::string role;   // "admin" or "member"
  long long created_at = 0;
  bool disabled = false;
};

// A user with the argon2id hash of their password, for login only.
struct UserCredentials {
  User user;
  std::string password_hash;
};

struct Session {
  std::string token_hash;  // hex BLAKE2b of the cookie value
  long long user_id = 0;
  std::string csrf_token;
  long long created_at = 0;
  long long expires_at = 0;
};

struct ApiToken {
  long long id = 0;
  long long user_id = 0;
  std::string name;
  std::string prefix;      // first characters of the token, to recognise it in a list
  std::string token_hash;  // hex BLAKE2b of the token
  long long created_at = 0;
  std::optional<long long> last_used_at;
  bool revoked = false;
};

}  // namespace mimicom
