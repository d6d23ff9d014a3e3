#pragma once
// BigAlloc: an allocator for large arrays (sorted keys, hash tables of a million entries) that
// maps them from the system and unmaps them whole when freed, in huge pages where it can.
//
// Why mapped: freed, their memory goes back to the system at once (glibc keeps freed blocks of
// its heaps: an import's index builds ran after a load whose batches grew them, and the
// process's peak was the sum of the two).
// Why huge pages: from 2 MiB on, a block is aligned on 2 MiB and advised MADV_HUGEPAGE
// (transparent huge pages, in "madvise" mode on Debian): one page fault per 2 MiB instead of
// 512. In a virtual machine a page fault is dear: 10-20 µs each on the 2-core one the imports
// are measured on, where a 1M-row import took 197,702 of them, about 60 % in its index builds
// (64,454-70,972 with this; see bench/import.sh). Where the system refuses, small pages, as without
// the advice.
// Below 256 KiB, operator new, as std::allocator.
#include <cstddef>
#include <vector>

namespace mimicom {

// `bytes` of zeroed memory mapped for it (std::bad_alloc if the system has none); give it back
// with unmap_big(p, bytes).
void* map_big(size_t bytes);
void unmap_big(void* p, size_t bytes);

template <class T>
struct BigAlloc {
  using value_type = T;
  static constexpr size_t kMapFrom = 256 * 1024;
  BigAlloc() = default;
  template <class U>
  BigAlloc(const BigAlloc<U>&) {}
  T* allocate(size_t n) {
    size_t bytes = n * sizeof(T);
    if (bytes < kMapFrom) return static_cast<T*>(::operator new(bytes));
    return static_cast<T*>(map_big(bytes));
  }
  void deallocate(T* p, size_t n) {
    size_t bytes = n * sizeof(T);
    if (bytes < kMapFrom)
      ::operator delete(p);
    else
      unmap_big(p, bytes);
  }
  template <class U>
  bool operator==(const BigAlloc<U>&) const {
    return true;
  }
};
template <class T>
using Big = std::vector<T, BigAlloc<T>>;

}  // namespace mimicom
