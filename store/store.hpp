#pragma once
// Store: the one interface to MimiCom's data, whatever the backend (SQLite embedded, MongoDB
// scaled). Every backend passes store/store_conformance_test.cpp.
//
// Threads: a Store is shared by all threads; every method may be called concurrently.
// Errors: NotFound for a missing id, Conflict (field "email") for a duplicate email,
// Internal for I/O failures. Nothing is written when a method fails.
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/models/prospect.hpp"
#include "core/models/user.hpp"
#include "core/prospects.hpp"

namespace mimicom {

struct NewUser {
  std::string email, name, role, password_hash;
};

struct UserPatch {
  std::optional<std::string> name, role, password_hash;
  std::optional<bool> disabled;
};

// A change applied to every prospect of a selection.
struct BulkAction {
  enum class Kind { SetStatus, AddTag, RemoveTag, Delete };
  Kind kind;
  std::string value;  // the status or the tag
};

class Store {
 public:
  virtual ~Store() = default;

  // Users. Emails are compared lower-cased.
  virtual Result<User> create_user(const NewUser& u) = 0;  // Conflict on a taken email
  virtual Result<User> get_user(long long id) = 0;
  virtual Result<UserCredentials> find_user_by_email(const std::string& email) = 0;  // NotFound
  virtual Result<std::vector<User>> list_users() = 0;
  virtual Result<User> update_user(long long id, const UserPatch& patch) = 0;
  virtual Status delete_user(long long id) = 0;  // also ends their sessions and tokens
  virtual Result<long long> count_users() = 0;

  // Sessions, by the hash of the cookie value. get_session ignores expired ones.
  virtual Status create_session(const Session& s) = 0;
  virtual Result<Session> get_session(const std::string& token_hash, long long now) = 0;
  virtual Status delete_session(const std::string& token_hash) = 0;
  virtual Status delete_expired_sessions(long long now) = 0;

  // API tokens, by the hash of the token. find_api_token ignores revoked ones and stamps
  // last_used_at.
  virtual Result<ApiToken> create_api_token(const ApiToken& t) = 0;
  virtual Result<ApiToken> find_api_token(const std::string& token_hash, long long now) = 0;
  virtual Result<std::vector<ApiToken>> list_api_tokens(std::optional<long long> user_id) = 0;
  virtual Status revoke_api_token(long long id, std::optional<long long> user_id) = 0;

  // Prospects. create/update set updated_at (and created_at on create) when zero.
  virtual Result<Prospect> create_prospect(const Prospect& p) = 0;
  virtual Result<Prospect> get_prospect(long long id) = 0;
  virtual Result<Prospect> update_prospect(const Prospect& p) = 0;  // by p.id, every field
  virtual Status delete_prospect(long long id) = 0;
  virtual Result<ProspectPage> list_prospects(const ProspectQuery& q) = 0;
  virtual Result<long long> count_prospects(const ProspectFilter& f) = 0;
  // Applies `action` to every prospect matching `f` (an empty filter is refused by the
  // caller, not here). Returns how many prospects changed.
  virtual Result<long long> bulk_update_prospects(const ProspectFilter& f, const BulkAction& action) = 0;
  virtual Result<Facets> prospect_facets() = 0;
  // Inserts many prospects in one transaction, skipping duplicates: the same email, or for a
  // prospect without email, the same phone. Returns how many were inserted.
  virtual Result<long long> insert_prospects(std::span<const Prospect> ps) = 0;
};

// Opens the store named by `url`: a path or "sqlite:PATH" (created and migrated when new), or
// "mongodb://…" (not built yet: Error::Invalid).
Result<std::unique_ptr<Store>> open_store(const std::string& url);

}  // namespace mimicom
