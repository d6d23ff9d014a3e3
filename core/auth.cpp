#include "core/auth.hpp"

#include <sodium.h>

#include <stdexcept>

namespace mimicom {

void init_crypto() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
}

Result<std::string> hash_password(std::string_view password) {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    return fail(Error::Internal("password hashing ran out of memory"));
  return std::string(out);
}

bool verify_password(std::string_view password, const std::string& hash) {
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

std::string random_token(std::string_view prefix) {
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof bytes);
  char b64[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(b64, sizeof b64, bytes, sizeof bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return std::string(prefix) + b64;
}

std::string hash_token(std::string_view token) {
  unsigned char h[32];
  crypto_generichash(h, sizeof h, reinterpret_cast<const unsigned char*>(token.data()), token.size(), nullptr, 0);
  char hex[65];
  sodium_bin2hex(hex, sizeof hex, h, sizeof h);
  return hex;
}

bool secrets_equal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string password_problem(std::string_view password) {
  size_t chars = 0;
  for (unsigned char c : password) chars += (c & 0xC0) != 0x80;
  if (chars < 10) return "le mot de passe doit compter au moins 10 caractères";
  if (password.size() > 1024) return "le mot de passe est trop long";
  return {};
}

int LoginThrottle::delay_for(int failures) const {
  if (failures < free_attempts_) return 0;
  int exp = failures - free_attempts_;
  return exp >= 10 ? 900 : std::min(900, 1 << exp);
}

int LoginThrottle::wait_seconds(const std::string& address, Clock::time_point now) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(address);
  if (it == entries_.end()) return 0;
  auto ready = it->second.last + std::chrono::seconds(delay_for(it->second.failures));
  if (now >= ready) return 0;
  return static_cast<int>(std::chrono::ceil<std::chrono::seconds>(ready - now).count());
}

void LoginThrottle::record_failure(const std::string& address, Clock::time_point now) {
  std::lock_guard lock(mu_);
  // Forget addresses idle for an hour, so the table cannot grow without bound.
  if (entries_.size() > 10000)
    std::erase_if(entries_, [&](const auto& kv) { return now - kv.second.last > std::chrono::hours(1); });
  auto& e = entries_[address];
  if (now - e.last > std::chrono::hours(1)) e.failures = 0;
  ++e.failures;
  e.last = now;
}

void LoginThrottle::record_success(const std::string& address) {
  std::lock_guard lock(mu_);
  entries_.erase(address);
}

}  // namespace mimicom
