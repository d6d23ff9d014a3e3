#include "core/big_alloc.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>

namespace mimicom {
namespace {

// The VmFlags line of the mapping of /proc/self/smaps that holds `p` ("" if none does).
std::string vm_flags_of(const void* p) {
  std::ifstream smaps("/proc/self/smaps");
  const auto at = reinterpret_cast<uintptr_t>(p);
  bool inside = false;
  for (std::string line; std::getline(smaps, line);) {
    uintptr_t from = 0, to = 0;
    char dash = 0;
    std::istringstream head(line);
    if (head >> std::hex >> from >> dash >> to && dash == '-') {
      inside = from <= at && at < to;
    } else if (inside && line.starts_with("VmFlags:")) {
      return line;
    }
  }
  return "";
}

TEST(BigAlloc, LargeBlocksAreZeroedAlignedOnHugePagesAndAdvised) {
  const size_t bytes = (size_t{6} << 20) + 1;
  auto* p = static_cast<unsigned char*>(map_big(bytes));
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % (size_t{2} << 20), 0u);
  EXPECT_EQ(p[0], 0);
  EXPECT_EQ(p[bytes - 1], 0);
  p[0] = 1;
  p[bytes - 1] = 2;  // the last byte is ours
  EXPECT_EQ(p[0] + p[bytes - 1], 3);
  // "hg": the kernel took the advice for huge pages (it gives them when it can), on a kernel
  // built with them (Debian's is).
  if (std::ifstream("/sys/kernel/mm/transparent_hugepage/enabled")) {
    std::string flags = vm_flags_of(p);
    EXPECT_NE(flags.find(" hg"), std::string::npos) << flags;
  }
  unmap_big(p, bytes);
  EXPECT_EQ(vm_flags_of(p), "");  // unmapped whole: the block and the alignment's margin
}

TEST(BigAlloc, SmallMappedBlocksAreNotAdvised) {
  const size_t bytes = 300 * 1024;
  auto* p = static_cast<unsigned char*>(map_big(bytes));
  EXPECT_EQ(p[bytes - 1], 0);
  EXPECT_EQ(vm_flags_of(p).find(" hg"), std::string::npos);
  unmap_big(p, bytes);
}

TEST(BigAlloc, VectorsKeepTheirValuesAcrossEverySize) {
  Big<uint64_t> v;
  for (uint64_t i = 0; i < 3'000'000; ++i) v.push_back(i * 7);  // from operator new to mapped blocks
  uint64_t wrong = 0;
  for (uint64_t i = 0; i < v.size(); ++i) wrong += v[i] != i * 7;
  EXPECT_EQ(wrong, 0u);
  Big<uint32_t> zeros(5'000'000);
  uint64_t sum = 0;
  for (uint32_t z : zeros) sum += z;
  EXPECT_EQ(sum, 0u);
}

}  // namespace
}  // namespace mimicom
