#pragma once
// The dashboard's numbers (KPIs) and the compact view of a prospect they are computed from.
// Plain data; the computation lives in core/kpis.hpp.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mimicom {

// The columns of one prospect that KPIs and their filters need, as a store reads them.
// The views are valid only during the call that receives them.
struct KpiRowView {
  long long id = 0;
  std::string_view status;
  std::optional<std::string_view> sector, region, city, company_size, owner, source;
  bool opted_out = false;
  bool has_email = false, has_phone = false, has_company = false;
  long long created_at = 0;                  // unix seconds
  std::optional<long long> last_contact_at;  // unix seconds
};

// Totals of the import jobs that succeeded (the whole base: rejected rows belong to no
// prospect, so no prospect filter applies to them).
struct ImportTotals {
  long long files = 0;     // imports that ran to the end
  long long rows = 0;      // data rows read
  long long rejected = 0;  // rows refused, with their reason (rejected.csv)
};

struct ValueCount {
  std::string value;
  long long count = 0;
};

// Counts of one field's values among the prospects of a filter.
struct Breakdown {
  std::vector<ValueCount> values;  // the most frequent first (status and company size: in their own order)
  long long others = 0;            // prospects with a value beyond those listed
  long long missing = 0;           // prospects without a value
};

// One stage of the pipeline new → contacted → qualified → meeting → won.
struct FunnelStage {
  std::string status;
  long long count = 0;          // prospects at this stage
  long long reached = 0;        // prospects at this stage or a later one (lost ones excluded)
  std::optional<double> rate;   // reached / the previous stage's reached; none for the first
};

struct PeriodCount {
  std::string start;  // first day of the period, YYYY-MM-DD (weeks start on Monday, UTC)
  long long count = 0;
};

struct Kpis {
  long long total = 0;
  std::vector<FunnelStage> funnel;
  long long lost = 0;
  std::vector<std::pair<std::string, Breakdown>> by;  // status, sector, region, company_size, source, owner
  // Contiguous (zeros included), oldest first, the last kMaxWeeks / kMaxMonths at most.
  std::vector<PeriodCount> new_per_week, new_per_month, contacted_per_week;
  long long missing_email = 0, missing_phone = 0, missing_company = 0;
  ImportTotals imports;
  long long data_version = 0;  // the prospects' revision these numbers are exact for
};

inline constexpr int kKpiMaxValues = 50;
inline constexpr int kKpiMaxWeeks = 156;
inline constexpr int kKpiMaxMonths = 60;

}  // namespace mimicom
