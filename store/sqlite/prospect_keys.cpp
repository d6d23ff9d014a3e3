#include "store/sqlite/prospect_keys.hpp"

namespace mimicom {

void ProspectKeys::note_hashed(long long id, uint64_t email_h, uint64_t phone_h) {
  id = fit(id);
  if (email_h) emails_.set(email_h, id);
  if (phone_h) phones_.set_min(phone_h, id);
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
  if ((size_ + 1) * 4 > hashes_.size() * 3) grow(hashes_.empty() ? 1024 : hashes_.size() * 2);  // at most 3/4 full
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

void ProspectKeys::Table::reserve(size_t n) {
  size_t slots = 1024;
  while (slots * 3 < (n + 1) * 4) slots *= 2;
  if (slots > hashes_.size()) grow(slots);
}

void ProspectKeys::Table::grow(size_t n) {
  Big<uint64_t> old_h = std::move(hashes_);
  Big<uint32_t> old_id = std::move(ids_);
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
