#pragma once
// KpiIndex: the columns of every prospect that the dashboard counts (status, sector, region,
// city, company size, owner, source, tags, flags, dates), dictionary-coded in memory, about
// 55 bytes a prospect. It computes the KPIs of any ProspectFilter in one pass over the rows
// (a few milliseconds for a million), exactly: it holds the same values as the store, kept
// up to date change by change (store/kpi_cache.hpp feeds it).
//
// Threads: const methods may run concurrently; the others need exclusive access.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/models/kpis.hpp"
#include "core/prospects.hpp"

namespace mimicom {

class KpiIndex {
 public:
  // Sets a prospect's columns (inserted or changed); its tags are cleared (add_tag follows).
  void upsert(const KpiRowView& row);
  void add_tag(long long id, std::string_view tag);
  void erase(long long id);
  void clear();
  long long size() const { return count_; }

  // The KPIs of the prospects matching `f`, except its full-text and segment parts: when
  // `f.q` or `f.segment` is set, the caller resolves them (both together) and passes the
  // matching ids (ascending) as `text_matches`.
  Kpis compute(const ProspectFilter& f, const std::vector<long long>* text_matches = nullptr) const;

 private:
  // A column's values, each text once; code 0 means "no value".
  struct Dictionary {
    std::vector<std::string> values{""};
    std::unordered_map<std::string, uint32_t> codes;
    uint32_t code(std::string_view v);
    uint32_t code(const std::optional<std::string_view>& v) { return v ? code(*v) : 0; }
    // Codes of the values listed (values never seen have none).
    std::vector<uint8_t> mask(const std::vector<std::string>& wanted) const;
  };
  enum Flag : uint8_t { kPresent = 1, kEmail = 2, kPhone = 4, kCompany = 8, kOptedOut = 16 };
  enum Dim { kStatus, kSector, kRegion, kCity, kSize, kOwner, kSource, kDims };

  void grow(long long id);

  // By prospect id (ids are SQLite rowids: dense).
  std::vector<uint8_t> flags_;
  std::vector<uint32_t> dims_[kDims];
  std::vector<int64_t> created_, contacted_;  // unix seconds (the date filters); contacted: INT64_MIN never
  std::vector<int32_t> created_day_, contacted_day_;  // days since 1970 (clamped); contacted: -1 never
  int32_t max_day_ = 0;
  std::vector<uint32_t> tag_start_;           // the row's tags: tag_pool_[start, start + len)
  std::vector<uint16_t> tag_len_;
  std::vector<uint32_t> tag_pool_;
  size_t tag_garbage_ = 0;
  Dictionary dicts_[kDims];
  Dictionary tags_;
  long long count_ = 0;
};

}  // namespace mimicom
