// KpiIndex against a brute-force count over plain rows: random prospects, random changes
// (changed values, deletions, tags), random filters; every number must match.
#include "core/kpis.hpp"

#include <gtest/gtest.h>

#include <ctime>
#include <map>
#include <random>
#include <set>

namespace mimicom {
namespace {

struct Row {
  std::string status;
  std::optional<std::string> sector, region, city, size, owner, source;
  bool opted_out = false, email = false, phone = false, company = false;
  long long created = 0;
  std::optional<long long> contacted;
  std::set<std::string> tags;
};

KpiRowView view(long long id, const Row& r) {
  auto v = [](const std::optional<std::string>& s) {
    return s ? std::optional<std::string_view>(*s) : std::nullopt;
  };
  return {id,         r.status,  v(r.sector), v(r.region),  v(r.city),    v(r.size), v(r.owner),
          v(r.source), r.opted_out, r.email,  r.phone,      r.company,    r.created, r.contacted};
}

// Independent date arithmetic: the C library's calendar.
std::string monday_of(long long t) {
  std::time_t tt = t;
  std::tm tm{};
  gmtime_r(&tt, &tm);
  int back = (tm.tm_wday + 6) % 7;  // days since Monday
  std::time_t m = tt - back * 86400LL;
  gmtime_r(&m, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}
std::string month_of(long long t) {
  std::time_t tt = t;
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-01", &tm);
  return buf;
}

bool matches(const Row& r, long long id, const ProspectFilter& f) {
  auto in = [](const std::vector<std::string>& wanted, const std::optional<std::string>& v) {
    return wanted.empty() || (v && std::find(wanted.begin(), wanted.end(), *v) != wanted.end());
  };
  if (!in(f.status, r.status) || !in(f.sector, r.sector) || !in(f.region, r.region) || !in(f.city, r.city) ||
      !in(f.company_size, r.size) || !in(f.owner, r.owner) || !in(f.source, r.source))
    return false;
  if (!f.tags.empty()) {
    bool any = false;
    for (const auto& t : f.tags) any |= r.tags.count(t) > 0;
    if (!any) return false;
  }
  if (!f.ids.empty() && std::find(f.ids.begin(), f.ids.end(), id) == f.ids.end()) return false;
  if (f.opted_out && r.opted_out != *f.opted_out) return false;
  if (f.created_from && r.created < *f.created_from) return false;
  if (f.created_to && r.created >= *f.created_to) return false;
  if ((f.contacted_from || f.contacted_to) && !r.contacted) return false;
  if (f.contacted_from && *r.contacted < *f.contacted_from) return false;
  if (f.contacted_to && *r.contacted >= *f.contacted_to) return false;
  return true;
}

long long listed(const Kpis& k, const std::string& field, const std::string& value) {
  for (const auto& [name, b] : k.by)
    if (name == field)
      for (const auto& v : b.values)
        if (v.value == value) return v.count;
  return 0;
}
const Breakdown& breakdown(const Kpis& k, const std::string& field) {
  for (const auto& [name, b] : k.by)
    if (name == field) return b;
  throw std::runtime_error("no breakdown " + field);
}

class KpiIndexTest : public ::testing::Test {
 protected:
  std::mt19937 rng{42};
  std::map<long long, Row> rows;
  KpiIndex index;

  template <class T>
  const T& pick(const std::vector<T>& v) {
    return v[rng() % v.size()];
  }
  std::optional<std::string> maybe(const std::vector<std::string>& v) {
    if (rng() % 8 == 0) return std::nullopt;
    return pick(v);
  }
  Row random_row() {
    static const std::vector<std::string> statuses(std::begin(kStatuses), std::end(kStatuses));
    static const std::vector<std::string> sizes(std::begin(kCompanySizes), std::end(kCompanySizes));
    Row r;
    r.status = pick(statuses);
    r.sector = maybe({"Industrie", "Santé", "BTP", "Commerce", "Services"});
    r.region = maybe({"Bretagne", "Occitanie", "Île-de-France"});
    r.city = maybe({"Rennes", "Brest", "Toulouse", "Paris"});
    r.size = maybe(sizes);
    r.owner = maybe({"alice", "bob"});
    r.source = maybe({"salon", "site", "achat"});
    r.opted_out = rng() % 10 == 0;
    r.email = rng() % 10 != 0;
    r.phone = rng() % 3 != 0;
    r.company = rng() % 5 != 0;
    r.created = 1'700'000'000LL + static_cast<long long>(rng() % (400 * 86400));
    if (rng() % 2) r.contacted = r.created + static_cast<long long>(rng() % (60 * 86400));
    for (const char* t : {"vip", "salon-2026", "relance", "froid"})
      if (rng() % 4 == 0) r.tags.insert(t);
    return r;
  }
  void put(long long id, const Row& r) {
    rows[id] = r;
    index.upsert(view(id, r));
    for (const auto& t : r.tags) index.add_tag(id, t);
  }

  ProspectFilter random_filter() {
    ProspectFilter f;
    switch (rng() % 11) {
      case 0: break;
      case 1: f.sector = {"Industrie", "BTP"}; break;
      case 2: f.status = {"contacted"}; f.region = {"Bretagne"}; break;
      case 3: f.tags = {"vip", "relance"}; break;
      case 4: f.created_from = 1'700'000'000LL + 100 * 86400; f.created_to = 1'700'000'000LL + 200 * 86400; break;
      case 5: f.opted_out = true; f.owner = {"alice"}; break;
      case 6: f.city = {"Paris", "Inconnue"}; f.company_size = {"10-49"}; break;
      case 7:
        for (int i = 0; i < 30; ++i) f.ids.push_back(1 + static_cast<long long>(rng() % 600));
        break;
      case 8: f.source = {"salon"}; f.sector = {"Nowhere"}; break;
      case 9: f.contacted_from = 1'700'000'000LL + 150 * 86400; break;
      case 10: f.contacted_to = 1'700'000'000LL + 90 * 86400; f.sector = {"Santé"}; break;
    }
    return f;
  }

  void check(const ProspectFilter& f) {
    Kpis k = index.compute(f);
    std::map<std::string, std::map<std::string, long long>> by;
    std::map<std::string, long long> missing, week, month, contacted_week;
    long long total = 0, no_email = 0, no_phone = 0, no_company = 0;
    for (const auto& [id, r] : rows) {
      if (!matches(r, id, f)) continue;
      ++total;
      auto count = [&](const char* field, const std::optional<std::string>& v) {
        if (v) ++by[field][*v];
        else ++missing[field];
      };
      count("status", r.status);
      count("sector", r.sector);
      count("region", r.region);
      count("company_size", r.size);
      count("source", r.source);
      count("owner", r.owner);
      no_email += !r.email;
      no_phone += !r.phone;
      no_company += !r.company;
      ++week[monday_of(r.created)];
      ++month[month_of(r.created)];
      if (r.contacted) ++contacted_week[monday_of(*r.contacted)];
    }
    ASSERT_EQ(k.total, total) << f.key();
    EXPECT_EQ(k.missing_email, no_email);
    EXPECT_EQ(k.missing_phone, no_phone);
    EXPECT_EQ(k.missing_company, no_company);
    for (const char* field : {"status", "sector", "region", "company_size", "source", "owner"}) {
      for (const auto& [value, n] : by[field]) EXPECT_EQ(listed(k, field, value), n) << field << "=" << value;
      EXPECT_EQ(breakdown(k, field).missing, missing[field]) << field;
      EXPECT_EQ(breakdown(k, field).others, 0) << field;
    }
    // Statuses and sizes: all listed, in their own order.
    ASSERT_EQ(breakdown(k, "status").values.size(), std::size(kStatuses));
    for (size_t i = 0; i < std::size(kStatuses); ++i) EXPECT_EQ(breakdown(k, "status").values[i].value, kStatuses[i]);
    ASSERT_EQ(breakdown(k, "company_size").values.size(), std::size(kCompanySizes));
    // Other values: the most frequent first.
    const auto& sectors = breakdown(k, "sector").values;
    for (size_t i = 1; i < sectors.size(); ++i) EXPECT_GE(sectors[i - 1].count, sectors[i].count);
    // The funnel: reached = this stage or a later one of new → won.
    const char* stages[] = {"new", "contacted", "qualified", "meeting", "won"};
    ASSERT_EQ(k.funnel.size(), 5u);
    for (int s = 0; s < 5; ++s) {
      long long reached = 0;
      for (int t = s; t < 5; ++t) reached += by["status"][stages[t]];
      EXPECT_EQ(k.funnel[s].status, stages[s]);
      EXPECT_EQ(k.funnel[s].count, by["status"][stages[s]]);
      EXPECT_EQ(k.funnel[s].reached, reached);
      if (s == 0 || k.funnel[s - 1].reached == 0) EXPECT_FALSE(k.funnel[s].rate);
      else EXPECT_DOUBLE_EQ(*k.funnel[s].rate, static_cast<double>(reached) / k.funnel[s - 1].reached);
    }
    EXPECT_EQ(k.lost, by["status"]["lost"]);
    // Time series: the same counts per period, and contiguous weeks / months in between.
    auto series = [](const std::vector<PeriodCount>& ps) {
      std::map<std::string, long long> m;
      for (const auto& p : ps)
        if (p.count) m[p.start] = p.count;
      return m;
    };
    EXPECT_EQ(series(k.new_per_week), week);
    EXPECT_EQ(series(k.new_per_month), month);
    EXPECT_EQ(series(k.contacted_per_week), contacted_week);
    for (size_t i = 1; i < k.new_per_week.size(); ++i) {
      std::tm a{}, b{};
      strptime(k.new_per_week[i - 1].start.c_str(), "%Y-%m-%d", &a);
      strptime(k.new_per_week[i].start.c_str(), "%Y-%m-%d", &b);
      EXPECT_EQ(timegm(&b) - timegm(&a), 7 * 86400) << k.new_per_week[i].start;
    }
  }
};

TEST_F(KpiIndexTest, CountsEqualABruteForceCountUnderChangesAndFilters) {
  for (long long id = 1; id <= 600; ++id) put(id, random_row());
  for (int round = 0; round < 40; ++round) {
    for (int change = 0; change < 30; ++change) {
      long long id = 1 + static_cast<long long>(rng() % 650);
      if (rng() % 4 == 0) {
        rows.erase(id);
        index.erase(id);
      } else {
        put(id, random_row());  // a new prospect (ids above 600) or a changed one
      }
    }
    ASSERT_EQ(index.size(), static_cast<long long>(rows.size()));
    for (int i = 0; i < 6; ++i) {
      ASSERT_NO_FATAL_FAILURE(check(random_filter())) << "round " << round;
    }
  }
}

TEST_F(KpiIndexTest, ABigBaseCountedOnTwoThreadsGivesTheSameNumbers) {
  // From 200,000 rows the pass is split in two halves counted apart, then merged.
  std::map<std::string, long long> by_sector;
  std::map<std::string, long long> by_week;
  for (long long id = 1; id <= 240000; ++id) {
    Row r;
    r.status = kStatuses[id % 6];
    r.sector = "secteur " + std::to_string(id % 7);
    r.email = id % 3 != 0;
    r.created = 1'700'000'000LL + id * 97;
    if (id % 2 == 0) r.contacted = r.created;
    index.upsert(view(id, r));
    ++by_sector[*r.sector];
    ++by_week[monday_of(r.created)];
  }
  index.erase(17);
  --by_sector["secteur 3"];
  --by_week[monday_of(1'700'000'000LL + 17 * 97)];
  Kpis k = index.compute({});
  EXPECT_EQ(k.total, 239999);
  EXPECT_EQ(k.missing_email, 80000);
  for (const auto& [sector, n] : by_sector) EXPECT_EQ(listed(k, "sector", sector), n) << sector;
  long long weeks = 0;
  for (const auto& p : k.new_per_week) {
    EXPECT_EQ(p.count, by_week[p.start]) << p.start;
    weeks += p.count;
  }
  EXPECT_EQ(weeks, 239999);
  ProspectFilter f;
  f.sector = {"secteur 2"};
  EXPECT_EQ(index.compute(f).total, by_sector["secteur 2"]);
}

TEST_F(KpiIndexTest, FullTextMatchesRestrictTheRows) {
  for (long long id = 1; id <= 50; ++id) put(id, random_row());
  ProspectFilter f;
  f.q = "dupont";
  std::vector<long long> matches = {3, 7, 49, 70};  // 70 does not exist
  Kpis k = index.compute(f, &matches);
  EXPECT_EQ(k.total, 3);
  f.ids = {7, 8};
  k = index.compute(f, &matches);
  EXPECT_EQ(k.total, 1);  // both parts of the filter apply
  k = index.compute(f, nullptr);
  EXPECT_EQ(k.total, 0);
}

TEST_F(KpiIndexTest, WeeksStartOnMondayAndMonthsOnTheFirst) {
  Row r = random_row();
  r.created = 1'764'028'800;  // Tuesday 2025-11-25 00:00 UTC
  r.contacted = 1'764'547'199;  // Sunday 2025-11-30 23:59:59
  put(1, r);
  r.created = 1'767'225'600;  // Thursday 2026-01-01
  r.contacted.reset();
  put(2, r);
  Kpis k = index.compute({});
  ASSERT_FALSE(k.new_per_week.empty());
  EXPECT_EQ(k.new_per_week.front().start, "2025-11-24");
  EXPECT_EQ(k.new_per_week.back().start, "2025-12-29");
  EXPECT_EQ(k.new_per_week.size(), 6u);
  ASSERT_EQ(k.new_per_month.size(), 3u);
  EXPECT_EQ(k.new_per_month[0].start, "2025-11-01");
  EXPECT_EQ(k.new_per_month[1].start, "2025-12-01");
  EXPECT_EQ(k.new_per_month[1].count, 0);
  EXPECT_EQ(k.new_per_month[2].start, "2026-01-01");
  ASSERT_EQ(k.contacted_per_week.size(), 1u);
  EXPECT_EQ(k.contacted_per_week[0].start, "2025-11-24");
}

TEST_F(KpiIndexTest, ManyValuesAreCutAfterFiftyIntoOthers) {
  for (long long id = 1; id <= 120; ++id) {
    Row r = random_row();
    r.sector = "secteur " + std::to_string(id % 60);  // 60 values: 0…59, two each
    put(id, r);
  }
  Kpis k = index.compute({});
  const auto& b = breakdown(k, "sector");
  EXPECT_EQ(b.values.size(), 50u);
  EXPECT_EQ(b.others, 20);
  EXPECT_EQ(b.missing, 0);
}

TEST_F(KpiIndexTest, TagsSurviveManyRewritesOfOtherRows) {
  // Rewriting rows leaves garbage in the tag pool, which is compacted; tags must stay exact.
  for (long long id = 1; id <= 2000; ++id) put(id, random_row());
  for (int i = 0; i < 40000; ++i) {
    long long id = 1 + static_cast<long long>(rng() % 2000);
    Row r = rows[id];
    r.tags = {"vip", "relance", "froid"};
    put(id, r);
  }
  ProspectFilter f;
  f.tags = {"salon-2026"};
  ASSERT_NO_FATAL_FAILURE(check(f));
  f.tags = {"froid"};
  ASSERT_NO_FATAL_FAILURE(check(f));
}

}  // namespace
}  // namespace mimicom
