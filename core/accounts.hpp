#pragma once
// Account rules shared by the API and the CLI: validation of new users and of password
// changes, and the creation of API tokens.
#include <string>

#include "core/error.hpp"
#include "core/models/user.hpp"

namespace mimicom {

class Store;

// Validates (email, role "admin"/"member", password ≥ 10 characters) and creates the
// account with an argon2id hash. Invalid with every field error; Conflict on a taken email.
Result<User> create_account(Store& store, const std::string& email, const std::string& password,
                            const std::string& role, const std::string& name = "");

// A new API token for `user_id`: returns the token text (shown once) and its stored record.
struct NewToken {
  std::string token;
  ApiToken record;
};
Result<NewToken> create_token(Store& store, long long user_id, const std::string& name);

}  // namespace mimicom
