#pragma once
// ProspectKeys: the import keys of every prospect (normalised e-mail; phone) in memory, for
// bulk loads that run without the unique e-mail index and the phone index (they are built
// once, sorted, after the load: keeping them row by row was most of a 1M-row load's time).
//
// Only 64-bit hashes are kept, with the id of the prospect that had the key when it was
// noted: a miss is exact (every key of every prospect is noted, so an absent hash means an
// absent key), a hit only names a candidate that the caller checks against the stored row —
// a hash collision, a prospect deleted or changed since, all fail that check, and the caller
// then looks the key up in the table itself.
//
// Threads: none of its methods may run concurrently (the store uses it under its bulk lock).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/big_alloc.hpp"
#include "core/imports.hpp"

namespace mimicom {

class ProspectKeys {
 public:
  // The candidate for an e-mail / a phone: the last prospect noted with that e-mail, the
  // smallest id noted with that phone. 0: no prospect has it (exact). -1: unknown, look it up.
  long long email(std::string_view e) const { return email_hashed(import_key_hash('e', e)); }
  long long phone(std::string_view p) const { return phone_hashed(import_key_hash('p', p)); }
  // Records that prospect `id` has these keys now.
  void note(long long id, const std::optional<std::string>& email, const std::optional<std::string>& phone) {
    note_hashed(id, email_key(email), phone_key(phone));
  }

  // The keys by their hashes (import_key_hash; an import's reader has them: ImportRow::email_key,
  // phone_key). A key's hash: `known` when the caller has it (not 0), else computed; 0 for none.
  static uint64_t email_key(const std::optional<std::string>& e, uint64_t known = 0) {
    return !e ? 0 : known ? known : import_key_hash('e', *e);
  }
  static uint64_t phone_key(const std::optional<std::string>& p, uint64_t known = 0) {
    return !p ? 0 : known ? known : import_key_hash('p', *p);
  }
  long long email_hashed(uint64_t h) const { return big_ ? -1 : emails_.find(h); }
  long long phone_hashed(uint64_t h) const { return big_ ? -1 : phones_.find(h); }
  void note_hashed(long long id, uint64_t email_h, uint64_t phone_h);  // 0: no such key
  // Records what a look-up in the table found for a key whose candidate failed its check:
  // `id` (0: none), replacing the candidate.
  void settle_email_hashed(uint64_t h, long long id) { emails_.set(h, fit(id)); }
  void settle_phone_hashed(uint64_t h, long long id) { phones_.set(h, fit(id)); }
  // Room for the keys of `n` prospects: the tables are not grown (copied, and their pages
  // faulted in, at each doubling) before that.
  void reserve(size_t n) {
    emails_.reserve(n);
    phones_.reserve(n);
  }
  // Forgets every key and frees the memory (loaded() becomes false).
  void clear();

  bool loaded() const { return loaded_; }
  // The store's revision whose changes are all noted (see migrations/003).
  long long revision() const { return revision_; }
  void set_loaded(long long revision) {
    loaded_ = true;
    revision_ = revision;
  }

 private:
  long long fit(long long id) {  // the id to keep in a slot: -1 for none
    if (id >= Table::kUnknown) big_ = true;
    return id > 0 && id < Table::kUnknown ? id : -1;
  }

  // Open addressing: a slot is a 64-bit hash (0: empty) and a 32-bit id (kUnknown: -1), at
  // most 3/4 full: 12-25 MB for a million keys. An id that does not fit in 32 bits makes every
  // look-up answer -1 (big_): slower, still exact.
  class Table {
   public:
    long long find(uint64_t h) const;
    static constexpr uint32_t kUnknown = 0xFFFFFFFFu;
    void set(uint64_t h, long long id);      // id in [1, kUnknown), or -1
    void set_min(uint64_t h, long long id);  // unless a smaller id is there
    void reserve(size_t n);
    void clear() {
      Big<uint64_t>().swap(hashes_);
      Big<uint32_t>().swap(ids_);
      size_ = 0;
    }

   private:
    size_t slot_of(uint64_t h) const;  // the slot holding h, or the empty one where it goes
    void grow(size_t slots);
    Big<uint64_t> hashes_;  // in huge pages (see core/big_alloc.hpp)
    Big<uint32_t> ids_;
    size_t size_ = 0;
  };
  Table emails_, phones_;
  bool big_ = false;
  bool loaded_ = false;
  long long revision_ = 0;
};

}  // namespace mimicom
