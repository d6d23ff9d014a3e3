#include "core/kpis.hpp"

#include <algorithm>
#include <climits>
#include <cstdio>
#include <numeric>
#include <thread>

namespace mimicom {
namespace {

// Days since 1970-01-01 kept per day: 1970 … 2517. Dates beyond are counted on its edges.
constexpr long long kMaxDay = 200000;

long long day_of(int64_t unix_seconds) {
  long long d = unix_seconds >= 0 ? unix_seconds / 86400 : -((-unix_seconds + 86399) / 86400);
  return std::clamp(d, 0LL, kMaxDay);
}

// Monday of the week of `day` (1970-01-01 was a Thursday).
long long week_start(long long day) { return day - (day + 3) % 7; }

struct Civil {
  long long y;
  unsigned m, d;
};
// Howard Hinnant's days → civil date.
Civil civil_from_days(long long z) {
  z += 719468;
  const long long era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const long long y = static_cast<long long>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2), m, d};
}
long long days_from_civil(long long y, unsigned m, unsigned d) {
  y -= m <= 2;
  const long long era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long long>(doe) - 719468;
}
std::string date_text(long long day) {
  Civil c = civil_from_days(day);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", c.y, c.m, c.d);
  return buf;
}

// Weekly counts from daily ones: contiguous from the first week with a count to the last,
// the last `max_weeks` at most.
// The first and last days with a count, or {-1, -1}.
std::pair<long long, long long> counted_span(const std::vector<long long>& per_day) {
  long long first = -1, last = -1;
  for (long long d = 0; d < static_cast<long long>(per_day.size()); ++d)
    if (per_day[d]) {
      if (first < 0) first = d;
      last = d;
    }
  return {first, last};
}

std::vector<PeriodCount> weekly(const std::vector<long long>& per_day, int max_weeks) {
  std::vector<PeriodCount> out;
  auto [first, last] = counted_span(per_day);
  if (first < 0) return out;
  long long last_week = week_start(last);
  long long first_week = std::max(week_start(first), last_week - 7LL * (max_weeks - 1));
  for (long long w = first_week; w <= last_week; w += 7) {
    long long n = 0;
    for (long long d = std::max(w, 0LL); d < w + 7 && d < static_cast<long long>(per_day.size()); ++d) n += per_day[d];
    out.push_back({date_text(w), n});
  }
  return out;
}

std::vector<PeriodCount> monthly(const std::vector<long long>& per_day, int max_months) {
  std::vector<PeriodCount> out;
  auto [first, last] = counted_span(per_day);
  if (first < 0) return out;
  Civil a = civil_from_days(first), b = civil_from_days(last);
  long long from = a.y * 12 + (a.m - 1), to = b.y * 12 + (b.m - 1);
  from = std::max(from, to - (max_months - 1));
  for (long long m = from; m <= to; ++m) {
    long long y = m / 12;
    unsigned mon = static_cast<unsigned>(m % 12) + 1;
    long long start = days_from_civil(y, mon, 1);
    long long end = mon == 12 ? days_from_civil(y + 1, 1, 1) : days_from_civil(y, mon + 1, 1);
    long long n = 0;
    for (long long d = std::max(start, 0LL); d < end && d < static_cast<long long>(per_day.size()); ++d)
      n += per_day[d];
    out.push_back({date_text(start), n});
  }
  return out;
}

}  // namespace

uint32_t KpiIndex::Dictionary::code(std::string_view v) {
  auto it = codes.find(std::string(v));
  if (it != codes.end()) return it->second;
  auto c = static_cast<uint32_t>(values.size());
  values.emplace_back(v);
  codes.emplace(values.back(), c);
  return c;
}

std::vector<uint8_t> KpiIndex::Dictionary::mask(const std::vector<std::string>& wanted) const {
  std::vector<uint8_t> m(values.size(), 0);
  for (const auto& w : wanted)
    if (auto it = codes.find(w); it != codes.end()) m[it->second] = 1;
  return m;
}

void KpiIndex::grow(long long id) {
  auto n = static_cast<size_t>(id) + 1;
  if (flags_.size() >= n) return;
  size_t cap = std::max(n, flags_.size() + flags_.size() / 2);
  flags_.resize(cap, 0);
  for (auto& d : dims_) d.resize(cap, 0);
  created_.resize(cap, 0);
  contacted_.resize(cap, INT64_MIN);
  created_day_.resize(cap, 0);
  contacted_day_.resize(cap, -1);
  tag_start_.resize(cap, 0);
  tag_len_.resize(cap, 0);
}

void KpiIndex::upsert(const KpiRowView& r) {
  if (r.id <= 0) return;
  grow(r.id);
  auto i = static_cast<size_t>(r.id);
  if (!(flags_[i] & kPresent)) ++count_;
  flags_[i] = static_cast<uint8_t>(kPresent | (r.has_email ? kEmail : 0) | (r.has_phone ? kPhone : 0) |
                                   (r.has_company ? kCompany : 0) | (r.opted_out ? kOptedOut : 0));
  dims_[kStatus][i] = dicts_[kStatus].code(r.status);
  dims_[kSector][i] = dicts_[kSector].code(r.sector);
  dims_[kRegion][i] = dicts_[kRegion].code(r.region);
  dims_[kCity][i] = dicts_[kCity].code(r.city);
  dims_[kSize][i] = dicts_[kSize].code(r.company_size);
  dims_[kOwner][i] = dicts_[kOwner].code(r.owner);
  dims_[kSource][i] = dicts_[kSource].code(r.source);
  created_[i] = r.created_at;
  contacted_[i] = r.last_contact_at ? *r.last_contact_at : INT64_MIN;
  created_day_[i] = static_cast<int32_t>(day_of(r.created_at));
  contacted_day_[i] = r.last_contact_at ? static_cast<int32_t>(day_of(*r.last_contact_at)) : -1;
  max_day_ = std::max({max_day_, created_day_[i], contacted_day_[i]});
  tag_garbage_ += tag_len_[i];
  tag_len_[i] = 0;
}

void KpiIndex::add_tag(long long id, std::string_view tag) {
  if (id <= 0 || static_cast<size_t>(id) >= flags_.size()) return;
  auto i = static_cast<size_t>(id);
  if (tag_len_[i] == UINT16_MAX) return;
  uint32_t code = tags_.code(tag);
  if (tag_start_[i] + tag_len_[i] != tag_pool_.size() || tag_len_[i] == 0) {
    // Not at the end of the pool: move the row's tags there first.
    auto start = static_cast<uint32_t>(tag_pool_.size());
    for (uint16_t k = 0; k < tag_len_[i]; ++k) tag_pool_.push_back(tag_pool_[tag_start_[i] + k]);
    tag_garbage_ += tag_len_[i];
    tag_start_[i] = start;
  }
  tag_pool_.push_back(code);
  ++tag_len_[i];
  if (tag_garbage_ > (1u << 16) && tag_garbage_ * 2 > tag_pool_.size()) {
    std::vector<uint32_t> pool;
    pool.reserve(tag_pool_.size() - tag_garbage_);
    for (size_t r = 0; r < flags_.size(); ++r) {
      auto start = static_cast<uint32_t>(pool.size());
      for (uint16_t k = 0; k < tag_len_[r]; ++k) pool.push_back(tag_pool_[tag_start_[r] + k]);
      tag_start_[r] = start;
    }
    tag_pool_ = std::move(pool);
    tag_garbage_ = 0;
  }
}

void KpiIndex::erase(long long id) {
  if (id <= 0 || static_cast<size_t>(id) >= flags_.size()) return;
  auto i = static_cast<size_t>(id);
  if (flags_[i] & kPresent) --count_;
  flags_[i] = 0;
  tag_garbage_ += tag_len_[i];
  tag_len_[i] = 0;
}

void KpiIndex::clear() { *this = KpiIndex(); }

Kpis KpiIndex::compute(const ProspectFilter& f, const std::vector<long long>* text_matches) const {
  // The rows to look at: all, or the explicit selection and/or the full-text matches.
  std::vector<long long> candidates;
  bool restricted = false;
  if (!f.ids.empty()) {
    candidates = f.ids;
    std::sort(candidates.begin(), candidates.end());
    candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
    restricted = true;
  }
  if (!f.q.empty() || !f.segment.empty()) {
    static const std::vector<long long> none;
    const auto& m = text_matches ? *text_matches : none;
    if (restricted) {
      std::vector<long long> both;
      std::set_intersection(candidates.begin(), candidates.end(), m.begin(), m.end(), std::back_inserter(both));
      candidates = std::move(both);
    } else {
      candidates = m;
    }
    restricted = true;
  }

  // The filter's value lists as masks over each column's codes.
  struct Test {
    const uint32_t* column;
    std::vector<uint8_t> mask;
  };
  std::vector<Test> tests;
  auto add = [&](Dim d, const std::vector<std::string>& wanted) {
    if (!wanted.empty()) tests.push_back({dims_[d].data(), dicts_[d].mask(wanted)});
  };
  add(kStatus, f.status);
  add(kSector, f.sector);
  add(kRegion, f.region);
  add(kCity, f.city);
  add(kSize, f.company_size);
  add(kOwner, f.owner);
  add(kSource, f.source);
  std::vector<uint8_t> tag_mask = f.tags.empty() ? std::vector<uint8_t>{} : tags_.mask(f.tags);
  const int64_t from = f.created_from.value_or(INT64_MIN), to = f.created_to.value_or(INT64_MAX);
  const bool dated = f.created_from || f.created_to;
  // Without a last contact, a prospect is outside any contact date range.
  const int64_t cfrom = f.contacted_from.value_or(INT64_MIN + 1), cto = f.contacted_to.value_or(INT64_MAX);
  const bool contact_dated = f.contacted_from || f.contacted_to;

  constexpr Dim shown[] = {kStatus, kSector, kRegion, kSize, kSource, kOwner};
  // One pass over the rows, split in two halves counted on two threads for a big base (the
  // counts are merged after).
  struct Tally {
    std::vector<uint32_t> counts[kDims];
    std::vector<uint32_t> created_days, contacted_days;
    long long total = 0, no_email = 0, no_phone = 0, no_company = 0;
  };
  auto tally = [&](Tally& t, size_t begin, size_t end) {
    for (Dim d : shown) t.counts[d].assign(dicts_[d].values.size(), 0);
    t.created_days.assign(static_cast<size_t>(max_day_) + 1, 0);
    t.contacted_days.assign(t.created_days.size(), 0);
    uint32_t* by[std::size(shown)];
    const uint32_t* col[std::size(shown)];
    for (size_t s = 0; s < std::size(shown); ++s) {
      by[s] = t.counts[shown[s]].data();
      col[s] = dims_[shown[s]].data();
    }
    auto visit = [&](size_t i) {
      uint8_t fl = flags_[i];
      if (!(fl & kPresent)) return;
      if (f.opted_out && ((fl & kOptedOut) != 0) != *f.opted_out) return;
      for (const auto& test : tests)
        if (!test.mask[test.column[i]]) return;
      if (dated && (created_[i] < from || created_[i] >= to)) return;
      if (contact_dated && (contacted_[i] < cfrom || contacted_[i] >= cto)) return;
      if (!f.tags.empty()) {
        bool any = false;
        for (uint16_t k = 0; k < tag_len_[i] && !any; ++k) any = tag_mask[tag_pool_[tag_start_[i] + k]] != 0;
        if (!any) return;
      }
      ++t.total;
      for (size_t s = 0; s < std::size(shown); ++s) ++by[s][col[s][i]];
      t.no_email += !(fl & kEmail);
      t.no_phone += !(fl & kPhone);
      t.no_company += !(fl & kCompany);
      ++t.created_days[static_cast<size_t>(created_day_[i])];
      if (contacted_day_[i] >= 0) ++t.contacted_days[static_cast<size_t>(contacted_day_[i])];
    };
    if (restricted) {
      for (size_t c = begin; c < end; ++c) {
        long long id = candidates[c];
        if (id > 0 && static_cast<size_t>(id) < flags_.size()) visit(static_cast<size_t>(id));
      }
    } else {
      for (size_t i = begin; i < end; ++i) visit(i);
    }
  };
  size_t n = restricted ? candidates.size() : flags_.size();
  Tally a, b;
  if (n >= 200000) {
    std::thread half([&] { tally(b, n / 2, n); });
    tally(a, 0, n / 2);
    half.join();
    auto add = [](std::vector<uint32_t>& into, const std::vector<uint32_t>& from_) {
      for (size_t i = 0; i < into.size(); ++i) into[i] += from_[i];
    };
    for (Dim d : shown) add(a.counts[d], b.counts[d]);
    add(a.created_days, b.created_days);
    add(a.contacted_days, b.contacted_days);
    a.total += b.total;
    a.no_email += b.no_email;
    a.no_phone += b.no_phone;
    a.no_company += b.no_company;
  } else {
    tally(a, 0, n);
  }
  const auto& counts = a.counts;
  std::vector<long long> created_days(a.created_days.begin(), a.created_days.end());
  std::vector<long long> contacted_days(a.contacted_days.begin(), a.contacted_days.end());
  long long total = a.total, no_email = a.no_email, no_phone = a.no_phone, no_company = a.no_company;

  Kpis k;
  k.total = total;
  k.missing_email = no_email;
  k.missing_phone = no_phone;
  k.missing_company = no_company;

  auto count_of = [&](Dim d, std::string_view value) -> long long {
    auto it = dicts_[d].codes.find(std::string(value));
    return it == dicts_[d].codes.end() ? 0 : counts[d][it->second];
  };
  long long reached = 0;
  constexpr int kStages = 5;  // new … won; `lost` stands apart
  for (int s = kStages - 1; s >= 0; --s) reached += count_of(kStatus, kStatuses[s]);
  for (int s = 0; s < kStages; ++s) {
    FunnelStage st{kStatuses[s], count_of(kStatus, kStatuses[s]), reached, std::nullopt};
    if (s > 0 && k.funnel.back().reached > 0) st.rate = static_cast<double>(reached) / k.funnel.back().reached;
    reached -= st.count;
    k.funnel.push_back(std::move(st));
  }
  k.lost = count_of(kStatus, "lost");

  // Known values (statuses, company sizes) first, in their own order and all of them, zeros
  // included (charts keep their axis); then the others, the most frequent first.
  auto breakdown = [&](Dim d, std::span<const char* const> order) {
    Breakdown b;
    const auto& c = counts[d];
    const auto& dict = dicts_[d];
    b.missing = c[0];
    std::vector<ValueCount> items;
    std::vector<uint8_t> listed(c.size(), 0);
    for (const char* v : order) {
      auto it = dict.codes.find(v);
      items.push_back({v, it == dict.codes.end() ? 0 : c[it->second]});
      if (it != dict.codes.end()) listed[it->second] = 1;
    }
    std::vector<uint32_t> rest;
    for (uint32_t code = 1; code < c.size(); ++code)
      if (c[code] && !listed[code]) rest.push_back(code);
    std::sort(rest.begin(), rest.end(), [&](uint32_t x, uint32_t y) {
      return c[x] != c[y] ? c[x] > c[y] : dict.values[x] < dict.values[y];
    });
    for (uint32_t code : rest) items.push_back({dict.values[code], c[code]});
    for (auto& item : items) {
      if (b.values.size() < static_cast<size_t>(kKpiMaxValues)) b.values.push_back(std::move(item));
      else b.others += item.count;
    }
    return b;
  };
  k.by.emplace_back("status", breakdown(kStatus, kStatuses));
  k.by.emplace_back("sector", breakdown(kSector, {}));
  k.by.emplace_back("region", breakdown(kRegion, {}));
  k.by.emplace_back("company_size", breakdown(kSize, kCompanySizes));
  k.by.emplace_back("source", breakdown(kSource, {}));
  k.by.emplace_back("owner", breakdown(kOwner, {}));

  k.new_per_week = weekly(created_days, kKpiMaxWeeks);
  k.new_per_month = monthly(created_days, kKpiMaxMonths);
  k.contacted_per_week = weekly(contacted_days, kKpiMaxWeeks);
  return k;
}

}  // namespace mimicom
