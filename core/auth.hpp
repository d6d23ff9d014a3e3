#pragma once
// Secrets: password hashing, random tokens, and the slowing-down of repeated failed logins.
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace mimicom {

// Must run once before any other function here (initialises libsodium). Thread-safe.
void init_crypto();

// argon2id hash in libsodium's self-describing text form. Slow by design (~0.1 s, 64 MiB).
Result<std::string> hash_password(std::string_view password);
bool verify_password(std::string_view password, const std::string& hash);

// A new random secret: `prefix` + 43 characters of URL-safe base64 (256 bits).
std::string random_token(std::string_view prefix = "");

// The hex BLAKE2b-256 of a token: what the store keeps instead of the token itself.
std::string hash_token(std::string_view token);

// Constant-time comparison of two secrets.
bool secrets_equal(std::string_view a, std::string_view b);

// Password rules: at least 10 characters. Returns the French reason, empty when fine.
std::string password_problem(std::string_view password);

// Counts failed logins per client address. After `free_attempts` failures, each further
// attempt from that address must wait 2^(n - free_attempts) seconds (capped at 15 min)
// after the last failure. Keyed on the address, not the account, so an attacker elsewhere
// cannot lock the real user out. Safe to call from any thread.
class LoginThrottle {
 public:
  using Clock = std::chrono::steady_clock;
  explicit LoginThrottle(int free_attempts = 5) : free_attempts_(free_attempts) {}

  // Seconds the address must still wait, 0 when it may try now.
  int wait_seconds(const std::string& address, Clock::time_point now = Clock::now());
  void record_failure(const std::string& address, Clock::time_point now = Clock::now());
  void record_success(const std::string& address);

 private:
  struct Entry {
    int failures = 0;
    Clock::time_point last{};
  };
  int delay_for(int failures) const;

  int free_attempts_;
  std::mutex mu_;
  std::map<std::string, Entry> entries_;
};

}  // namespace mimicom
