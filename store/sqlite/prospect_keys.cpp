#include "store/sqlite/prospect_keys.hpp"

#include <functional>

namespace mimicom {

uint64_t ProspectKeys::hash(std::string_view kind, std::string_view key) {
  // std::hash of a string is 64 bits on this platform; mixing the kind in keeps an e-mail and
  // a phone of the same text apart (they live in separate tables anyway).
  uint64_t h = std::hash<std::string_view>{}(key) ^ (kind[0] * 0x9E3779B97F4A7C15ULL);
  h ^= h >> 31;
  h *= 0xBF58476D1CE4E5B9ULL;
  h ^= h >> 29;
  return h ? h : 1;  // 0 marks an empty slot
}

void ProspectKeys::note(long long id, const std::optional<std::string>& email, const std::optional<std::string>& phone) {
  id = fit(id);
  if (email) emails_.set(hash("e", *email), id);
  if (phone) phones_.set_min(hash("p", *phone), id);
}

void ProspectKeys::clear() {
  emails_.clear();
  phones_.clear();
  big_ = false;
  loaded_ = false;
  revision_ = 0;
}

size_t ProspectKeys::Table::slot_of(uint64_t h) const {
  const size_t mask = hashes_.size() - 1;
  for (size_t i = h & mask;; i = (i + 1) & mask)
    if (hashes_[i] == 0 || hashes_[i] == h) return i;
}

long long ProspectKeys::Table::find(uint64_t h) const {
  if (hashes_.empty()) return 0;
  size_t i = slot_of(h);
  if (hashes_[i] == 0) return 0;
  return ids_[i] == kUnknown ? -1 : static_cast<long long>(ids_[i]);
}

void ProspectKeys::Table::set(uint64_t h, long long id) {
  if ((size_ + 1) * 4 > hashes_.size() * 3) grow();  // at most 3/4 full: a 1M-key table grows once less
  size_t i = slot_of(h);
  if (hashes_[i] == 0) ++size_;
  hashes_[i] = h;
  ids_[i] = id > 0 ? static_cast<uint32_t>(id) : kUnknown;
}

void ProspectKeys::Table::set_min(uint64_t h, long long id) {
  long long now = find(h);
  if (now > 0 && (id < 0 || now <= id)) return;
  set(h, id);
}

void ProspectKeys::Table::grow() {
  Big<uint64_t> old_h = std::move(hashes_);
  Big<uint32_t> old_id = std::move(ids_);
  size_t n = old_h.empty() ? 1024 : old_h.size() * 2;
  hashes_.assign(n, 0);
  ids_.assign(n, 0);
  for (size_t j = 0; j < old_h.size(); ++j) {
    if (old_h[j] == 0) continue;
    size_t i = slot_of(old_h[j]);
    hashes_[i] = old_h[j];
    ids_[i] = old_id[j];
  }
}

}  // namespace mimicom
