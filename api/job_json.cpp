#include "api/job_json.hpp"

#include "core/clock.hpp"

namespace mimicom::api {

std::string iso_ms(long long ms) {
  std::string s = format_iso8601(ms / 1000);  // "…:SSZ"
  char frac[6];
  std::snprintf(frac, sizeof frac, ".%03lld", ms % 1000);
  s.insert(s.size() - 1, frac);
  return s;
}

json job_to_json(const Job& j) {
  auto opt_time = [](const std::optional<long long>& ms) { return ms ? json(iso_ms(*ms)) : json(nullptr); };
  json params = json::parse(j.params, nullptr, false);
  json result = j.result.empty() ? json(nullptr) : json::parse(j.result, nullptr, false);
  if (result.is_discarded()) result = nullptr;
  json out = {
      {"id", j.id},
      {"type", j.type},
      {"label", params.is_object() && params.contains("label") ? params["label"] : json(j.type)},
      {"state", j.state},
      {"progress", {{"done", j.done}, {"total", j.total}, {"unit", j.unit}}},
      {"attempt", j.attempt},
      {"max_attempts", j.max_attempts},
      {"cancel_requested", j.cancel_requested},
      {"result", result},
      {"error", j.error.empty() ? json(nullptr) : json(j.error)},
      {"created_by", j.created_by ? json(*j.created_by) : json(nullptr)},
      {"created_at", iso_ms(j.created_ms)},
      {"updated_at", iso_ms(j.updated_ms)},
      {"started_at", opt_time(j.started_ms)},
      {"finished_at", opt_time(j.finished_ms)},
  };
  if (params.is_object() && params.contains("import_id")) out["import_id"] = params["import_id"];
  if (params.is_object() && params.contains("export_id")) out["export_id"] = params["export_id"];
  // Tasks that count rows say so in their checkpoint: the UI shows rows and rows/s with it.
  if (!j.checkpoint.empty()) {
    json cp = json::parse(j.checkpoint, nullptr, false);
    if (cp.is_object() && cp.contains("rows") && cp["rows"].is_number_integer()) out["progress"]["rows"] = cp["rows"];
  }
  return out;
}

json job_log_to_json(const JobLog& l) {
  return {{"id", l.id}, {"at", iso_ms(l.at_ms)}, {"level", l.level}, {"message", l.message}};
}

}  // namespace mimicom::api
