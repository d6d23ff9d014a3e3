#include "core/big_alloc.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <new>

namespace mimicom {

namespace {
constexpr size_t kHuge = size_t{2} << 20;

size_t whole_pages(size_t bytes) {
  static const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  return (bytes + page - 1) / page * page;
}
}  // namespace

void* map_big(size_t bytes) {
  const size_t len = whole_pages(bytes == 0 ? 1 : bytes);
  if (len < kHuge) {
    void* p = mmap(nullptr, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    return p;
  }
  // Mapped with room to align, then both ends cut off: what is left is `len` bytes from a
  // multiple of 2 MiB, which unmap_big unmaps.
  void* raw = mmap(nullptr, len + kHuge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) throw std::bad_alloc();
  auto* start = static_cast<char*>(raw);
  auto* aligned = reinterpret_cast<char*>((reinterpret_cast<uintptr_t>(start) + kHuge - 1) & ~(kHuge - 1));
  char* end = start + len + kHuge;
  if (aligned > start) munmap(start, static_cast<size_t>(aligned - start));
  if (end > aligned + len) munmap(aligned + len, static_cast<size_t>(end - (aligned + len)));
  madvise(aligned, len, MADV_HUGEPAGE);  // advice only: refused, the pages are small ones
  return aligned;
}

void unmap_big(void* p, size_t bytes) { munmap(p, whole_pages(bytes == 0 ? 1 : bytes)); }

}  // namespace mimicom
