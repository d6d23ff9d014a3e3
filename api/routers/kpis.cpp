// The dashboard's numbers: GET /kpis for the whole base or any prospects filter (the same
// query parameters as GET /prospects). Computed by the in-memory KPI index (store/kpi_cache),
// exact as of the request.
#include "api/http.hpp"
#include "store/kpi_cache.hpp"

namespace mimicom::api {

namespace {

json periods_json(const std::vector<PeriodCount>& ps) {
  json out = json::array();
  for (const auto& p : ps) out.push_back({{"start", p.start}, {"count", p.count}});
  return out;
}

json share_json(long long count, long long total) {
  return {{"count", count}, {"share", total ? static_cast<double>(count) / static_cast<double>(total) : 0.0}};
}

json kpis_json(const Kpis& k) {
  json stages = json::array();
  for (const auto& s : k.funnel)
    stages.push_back({{"status", s.status},
                      {"count", s.count},
                      {"reached", s.reached},
                      {"rate", s.rate ? json(*s.rate) : json(nullptr)}});
  json by = json::object();
  for (const auto& [field, b] : k.by) {
    json values = json::array();
    for (const auto& v : b.values) values.push_back({{"value", v.value}, {"count", v.count}});
    by[field] = {{"values", std::move(values)}, {"others", b.others}, {"missing", b.missing}};
  }
  return {{"total", k.total},
          {"funnel", {{"stages", std::move(stages)}, {"lost", k.lost}}},
          {"by", std::move(by)},
          {"new_per_week", periods_json(k.new_per_week)},
          {"new_per_month", periods_json(k.new_per_month)},
          {"contacted_per_week", periods_json(k.contacted_per_week)},
          {"quality",
           {{"missing_email", share_json(k.missing_email, k.total)},
            {"missing_phone", share_json(k.missing_phone, k.total)},
            {"missing_company", share_json(k.missing_company, k.total)},
            {"imports", {{"files", k.imports.files}, {"rows", k.imports.rows}, {"rejected", k.imports.rejected}}}}},
          {"data_version", k.data_version}};
}

Result<Reply> get(Context& c) {
  auto filter = parse_prospect_filter(c.query());
  if (!filter) return fail(filter.error());
  auto k = c.kpis.kpis(*filter);
  if (!k) return fail(k.error());
  return Reply::ok(kpis_json(*k));
}

}  // namespace

void add_kpi_routes(std::vector<Route>& r) { r.push_back({"GET", "/kpis", Access::Member, get}); }

}  // namespace mimicom::api
