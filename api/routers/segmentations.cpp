// Segmentations: start a k-means run over the prospects of a filter (→ a segmentation job),
// list and read runs with their segments, rename a segment, apply a run again, delete one,
// and the fields a run can use. A member sees their own runs; an admin sees all; someone
// else's run answers 404, as if it did not exist.
#include <set>

#include "api/http.hpp"
#include "api/job_json.hpp"
#include "core/clock.hpp"
#include "core/prospects.hpp"
#include "core/segment_features.hpp"
#include "core/segmentation.hpp"

namespace mimicom::api {

namespace {

std::string trimmed(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

json parse_or(const std::string& text, json fallback) {
  json j = json::parse(text, nullptr, false);
  return j.is_discarded() ? fallback : j;
}

json segment_to_json(const Segment& s) {
  json profile = parse_or(s.profile, json::object());
  auto field = [&](const char* name, json fallback) {
    return profile.is_object() && profile.contains(name) ? profile[name] : fallback;
  };
  return {{"id", s.id},
          {"index", s.index},
          {"name", s.name ? *s.name : s.auto_name},
          {"auto_name", s.auto_name},
          {"description", s.description},
          {"size", s.size},
          {"share", field("share", 0.0)},
          {"traits", field("traits", json::array())},
          {"numbers", field("numbers", json::array())},
          {"words", field("words", json::array())}};
}

// What the user sees of a run: ready once fitted; before, its job's state.
json segmentation_to_json(Context& c, const Segmentation& s, bool with_points) {
  std::optional<Job> job;
  if (s.job_id)
    if (auto j = c.store.get_job(*s.job_id)) job = *j;
  json result = parse_or(s.result, json::object());
  if (!result.is_object()) result = json::object();
  std::string state = s.state == "ready" ? "ready" : job ? job->state : "failed";
  if (state == "succeeded") state = "ready";
  json segments = json::array();
  for (const auto& seg : s.segments) segments.push_back(segment_to_json(seg));
  json out = {{"id", s.id},
              {"name", s.name},
              {"state", state},
              {"created_at", format_iso8601(s.created_at)},
              {"created_by", s.created_by ? json(*s.created_by) : json(nullptr)},
              {"params", parse_or(s.params, json::object())},
              {"job", job ? job_to_json(*job) : json(nullptr)},
              {"k", result.contains("k") ? result["k"] : json(nullptr)},
              {"rows", result.value("rows", 0LL)},
              {"silhouette", result.contains("silhouette") ? result["silhouette"] : json(nullptr)},
              {"quality", result.contains("quality") ? result["quality"] : json(nullptr)},
              {"k_scores", result.contains("k_scores") ? result["k_scores"] : json::array()},
              {"applied", s.applied_at.has_value()},
              {"applied_at", s.applied_at ? json(format_iso8601(*s.applied_at)) : json(nullptr)},
              {"segments", segments}};
  if (with_points) {
    out["points"] = result.contains("points") ? result["points"] : json::array();
    out["centroids_2d"] = result.contains("centroids_2d") ? result["centroids_2d"] : json::array();
  }
  return out;
}

Result<Segmentation> visible_segmentation(Context& c, long long id) {
  auto s = c.store.get_segmentation(id);
  if (!s) return s;
  if (!c.is_admin() && s->created_by != c.user->id) return fail(Error::NotFound("segmentation", id));
  return s;
}

std::string default_name(long long now) {
  // "Segmentation du 2026-12-01 09:12" (UTC), unique enough for a list the user renames.
  std::string iso = format_iso8601(now);
  return "Segmentation du " + iso.substr(0, 10) + " " + iso.substr(11, 5);
}

// {"name"?, "filter"?, "fields": [...], "k": N | null | "auto", "seed"?}
Result<Reply> create(Context& c) {
  auto body = parse_json_object(c);
  if (!body) return fail(body.error());
  std::vector<FieldError> errors;
  auto params = parse_segmentation_params(body->dump());
  if (!params) errors = params.error().fields;
  std::string name;
  if (body->contains("name") && !(*body)["name"].is_null()) {
    if (!(*body)["name"].is_string() || utf8_length((*body)["name"].get<std::string>()) > 120)
      errors.push_back({"name", "texte de 120 caractères au plus attendu"});
    else name = trimmed((*body)["name"].get<std::string>());
  }
  for (auto& [k, v] : body->items())
    if (k != "name" && k != "filter" && k != "fields" && k != "k" && k != "seed") errors.push_back({k, "champ inconnu"});
  if (!errors.empty()) return fail(Error::Invalid(std::move(errors)));

  long long now_ms = now_unix_ms();
  Segmentation s;
  s.created_by = c.user->id;
  s.created_at = now_ms / 1000;
  s.name = name.empty() ? default_name(s.created_at) : name;
  s.params = segmentation_params_json(*params);
  long long user_id = c.user->id;
  std::string label = "Segmentation : " + s.name;
  auto created = c.store.create_segmentation(
      s,
      [&](long long id) {
        return NewJob{"segmentation", json{{"segmentation_id", id}, {"mode", "fit"}, {"label", label}}.dump(), user_id,
                      3, "%"};
      },
      now_ms);
  if (!created) return fail(created.error());
  c.jobs.notify(created->second.id);
  return Reply::accepted(segmentation_to_json(c, created->first, true));
}

Result<Reply> list(Context& c) {
  auto q = c.query();
  long long page = 1, per_page = 20;
  std::vector<FieldError> errors;
  auto number = [&](const char* key, long long& out, long long max) {
    auto it = q.find(key);
    if (it == q.end()) return;
    long long v = 0;
    auto [p, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), v);
    if (ec != std::errc() || p != it->second.data() + it->second.size() || v < 1 || v > max)
      errors.push_back({key, "entier entre 1 et " + std::to_string(max) + " attendu"});
    else out = v;
  };
  number("page", page, 1000000);
  number("per_page", per_page, 100);
  if (!errors.empty()) return fail(Error::Invalid(std::move(errors)));
  auto runs = c.store.list_segmentations(c.owner_scope(), per_page, (page - 1) * per_page);
  if (!runs) return fail(runs.error());
  json out = json::array();
  for (const auto& s : runs->first) out.push_back(segmentation_to_json(c, s, false));
  return Reply::list(out, {{"total", runs->second}, {"page", page}, {"per_page", per_page}});
}

Result<Reply> get(Context& c) {
  auto s = visible_segmentation(c, c.id());
  if (!s) return fail(s.error());
  return Reply::ok(segmentation_to_json(c, *s, true));
}

// {"name"?: text (1..80; "" or null: the generated name), "description"?: text (≤ 500)}
Result<Reply> update_segment(Context& c) {
  auto s = visible_segmentation(c, c.id(0));
  if (!s) return fail(s.error());
  auto body = parse_json_object(c);
  if (!body) return fail(body.error());
  std::vector<FieldError> errors;
  std::optional<std::string> name, description;
  if (body->contains("name")) {
    const auto& v = (*body)["name"];
    if (v.is_null()) name = "";
    else if (!v.is_string() || utf8_length(v.get<std::string>()) > 80)
      errors.push_back({"name", "texte de 80 caractères au plus attendu"});
    else name = trimmed(v.get<std::string>());  // blank: back to the generated name
  }
  if (body->contains("description")) {
    const auto& v = (*body)["description"];
    if (v.is_null()) description = "";
    else if (!v.is_string() || utf8_length(v.get<std::string>()) > 500)
      errors.push_back({"description", "texte de 500 caractères au plus attendu"});
    else description = trimmed(v.get<std::string>());
  }
  for (auto& [k, v] : body->items())
    if (k != "name" && k != "description") errors.push_back({k, "champ inconnu"});
  if (!errors.empty()) return fail(Error::Invalid(std::move(errors)));
  auto seg = c.store.update_segment(s->id, c.id(1), name, description);
  if (!seg) return fail(seg.error());
  return Reply::ok(segment_to_json(*seg));
}

Result<Reply> apply(Context& c) {
  auto s = visible_segmentation(c, c.id());
  if (!s) return fail(s.error());
  long long now_ms = now_unix_ms();
  auto job = c.store.start_segmentation_apply(
      s->id,
      NewJob{"segmentation",
             json{{"segmentation_id", s->id}, {"mode", "apply"}, {"label", "Application : " + s->name}}.dump(),
             c.user->id, 3, "%"},
      now_ms);
  if (!job) return fail(job.error());
  c.jobs.notify(job->id);
  auto fresh = c.store.get_segmentation(s->id);
  if (!fresh) return fail(fresh.error());
  return Reply::accepted(segmentation_to_json(c, *fresh, false));
}

Result<Reply> remove(Context& c) {
  auto s = visible_segmentation(c, c.id());
  if (!s) return fail(s.error());
  if (s->job_id)
    if (auto j = c.store.get_job(*s->job_id); j && !j->terminal())
      return fail(Error::Conflict("state", "une tâche de ce découpage est en cours : annulez-la d'abord"));
  if (auto st = c.store.delete_segmentation(s->id); !st) return fail(st.error());
  return Reply::no_content();
}

// The fields a run can use; custom fields count as numeric when most of the values found in
// the first prospects read as numbers.
Result<Reply> features(Context& c) {
  std::map<std::string, std::pair<int, int>> custom;  // name → (numbers, values)
  auto st = c.store.stream_segment_features({}, 0, 5000, false, true, [&](std::vector<Prospect>& chunk) {
    for (const auto& p : chunk)
      for (const auto& [k, v] : p.custom_fields) {
        auto& [numbers, values] = custom[k];
        ++values;
        if (segment_number(p, "custom_fields." + k)) ++numbers;
      }
    return false;  // one chunk is enough to know the columns
  });
  if (!st) return fail(st.error());
  std::vector<std::string> numeric;
  for (const auto& [k, counts] : custom)
    if (counts.second > 0 && counts.first * 2 >= counts.second) numeric.push_back(k);
  json out = json::array();
  for (const auto& f : segment_feature_options(numeric))
    out.push_back({{"field", f.field}, {"kind", f.kind}, {"default", f.by_default}});
  return Reply::ok(out);
}

}  // namespace

void add_segmentation_routes(std::vector<Route>& r) {
  r.push_back({"GET", "/segmentations/features", Access::Member, features});
  r.push_back({"POST", "/segmentations", Access::Member, create});
  r.push_back({"GET", "/segmentations", Access::Member, list});
  r.push_back({"GET", "/segmentations/{id}", Access::Member, get});
  r.push_back({"DELETE", "/segmentations/{id}", Access::Member, remove});
  r.push_back({"POST", "/segmentations/{id}/apply", Access::Member, apply});
  r.push_back({"PATCH", "/segmentations/{id}/segments/{segment_id}", Access::Member, update_segment});
}

}  // namespace mimicom::api
