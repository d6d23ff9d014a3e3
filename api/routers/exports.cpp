// Exports: create (the prospects of a filter or a selection, the columns, the format → an
// export job), list, one, and download the file once the job succeeded and until the file
// expires. A member sees their own exports; an admin sees all; someone else's export
// answers 404, as if it did not exist.
#include <cstdio>
#include <filesystem>
#include <memory>

#include "api/http.hpp"
#include "api/job_json.hpp"
#include "core/clock.hpp"
#include "core/exports.hpp"
#include "worker/tasks.hpp"

namespace mimicom::api {

namespace {

struct FileCloser {
  void operator()(std::FILE* f) const {
    if (f) std::fclose(f);
  }
};

// What the user sees of an export: its own state when the file is ready or expired, else
// its job's (queued, running, failed, cancelled).
std::string visible_state(const Export& e, const std::optional<Job>& job, long long now) {
  if (e.state == "expired" || (e.state == "ready" && e.expires_at && *e.expires_at <= now)) return "expired";
  if (e.state == "ready") return "ready";
  return job ? job->state : "failed";
}

json export_to_json(Context& c, const Export& e) {
  std::optional<Job> job;
  if (e.job_id)
    if (auto j = c.store.get_job(*e.job_id)) job = *j;
  json options = json::parse(e.options, nullptr, false);
  json filter = json::parse(e.filter, nullptr, false);
  std::string state = visible_state(e, job, now_unix());
  return {{"id", e.id},
          {"format", e.format},
          {"columns", e.columns},
          {"filter", filter.is_object() ? filter : json::object()},
          {"options", options.is_object() ? options : json::object()},
          {"state", state},
          {"file_name", export_download_name(e)},
          {"size", e.size},
          {"rows", e.rows},
          {"created_at", format_iso8601(e.created_at)},
          {"expires_at", e.expires_at ? json(format_iso8601(*e.expires_at)) : json(nullptr)},
          {"download_url", state == "ready" ? json("/api/v1/exports/" + std::to_string(e.id) + "/download") : json(nullptr)},
          {"created_by", e.created_by ? json(*e.created_by) : json(nullptr)},
          {"job", job ? job_to_json(*job) : json(nullptr)}};
}

Result<Export> visible_export(Context& c, long long id) {
  auto e = c.store.get_export(id);
  if (!e) return e;
  if (!c.is_admin() && e->created_by != c.user->id) return fail(Error::NotFound("export", id));
  return e;
}

// {"format": "csv"|"xlsx"|"jsonl", "columns": [...], "filter": {GET /prospects parameters},
//  "ids": [...], "bom": bool, "separator": "," | ";"}
Result<Reply> create(Context& c) {
  auto body = parse_json_object(c);
  if (!body) return fail(body.error());
  std::vector<FieldError> errors;
  Export e;
  e.created_by = c.user->id;
  std::optional<ExportFormat> format;
  if (!body->contains("format") || !(*body)["format"].is_string() ||
      !(format = parse_export_format((*body)["format"].get<std::string>())))
    errors.push_back({"format", "csv, xlsx ou jsonl attendu"});
  else e.format = std::string(export_format_name(*format));

  std::vector<std::string> columns;
  if (body->contains("columns") && !(*body)["columns"].is_null()) {
    const auto& v = (*body)["columns"];
    if (!v.is_array()) errors.push_back({"columns", "liste de noms de colonnes attendue"});
    else
      for (const auto& col : v) {
        if (col.is_string()) columns.push_back(col.get<std::string>());
        else errors.push_back({"columns", "nom de colonne (texte) attendu"});
      }
  }
  if (auto checked = check_export_columns(columns); !checked) {
    auto& more = checked.error().fields;
    errors.insert(errors.end(), more.begin(), more.end());
  } else {
    e.columns = std::move(*checked);
  }

  json filter = json::object();
  if (body->contains("filter") && !(*body)["filter"].is_null()) {
    if (!(*body)["filter"].is_object()) errors.push_back({"filter", "objet attendu (les paramètres de GET /prospects)"});
    else filter = (*body)["filter"];
  }
  // A selection: the rows ticked in the list (within the filter, when both are given).
  if (body->contains("ids") && !(*body)["ids"].is_null()) {
    const auto& ids = (*body)["ids"];
    if (!ids.is_array() || ids.empty()) errors.push_back({"ids", "liste d'identifiants non vide attendue"});
    else filter["ids"] = ids;
  }
  auto canonical = canonical_export_filter(filter.dump());
  if (!canonical) {
    auto& more = canonical.error().fields;
    errors.insert(errors.end(), more.begin(), more.end());
  } else {
    e.filter = *canonical;
  }

  json options = json::object();
  if (body->contains("bom")) {
    if (!(*body)["bom"].is_boolean()) errors.push_back({"bom", "true ou false attendu"});
    else options["bom"] = (*body)["bom"];
  }
  if (body->contains("separator")) {
    const auto& v = (*body)["separator"];
    if (!v.is_string() || (v != ";" && v != ",")) errors.push_back({"separator", "« ; » ou « , » attendu"});
    else options["separator"] = v;
  }
  if (format && *format != ExportFormat::Csv && !options.empty())
    errors.push_back({options.contains("bom") ? "bom" : "separator", "option du seul format CSV"});
  for (auto& [k, v] : body->items())
    if (k != "format" && k != "columns" && k != "filter" && k != "ids" && k != "bom" && k != "separator")
      errors.push_back({k, "champ inconnu"});
  if (!errors.empty()) return fail(Error::Invalid(std::move(errors)));
  e.options = options.dump();

  long long now_ms = now_unix_ms();
  e.created_at = now_ms / 1000;
  std::string label = "Export " + std::string(e.format == "jsonl" ? "JSON Lines" : e.format == "xlsx" ? "XLSX" : "CSV") +
                      " de prospects";
  long long user_id = c.user->id;
  auto created = c.store.create_export(
      e,
      [&](long long export_id) {
        return NewJob{"export", json{{"export_id", export_id}, {"label", label}}.dump(), user_id, 3, "lignes"};
      },
      now_ms);
  if (!created) return fail(created.error());
  c.jobs.notify(created->second.id);
  return Reply::accepted({{"export", export_to_json(c, created->first)}, {"job", job_to_json(created->second)}});
}

Result<Reply> list(Context& c) {
  auto exports = c.store.list_exports(c.owner_scope(), 100);
  if (!exports) return fail(exports.error());
  json out = json::array();
  for (const auto& e : *exports) out.push_back(export_to_json(c, e));
  return Reply::list(out, {{"total", out.size()}, {"page", 1}, {"per_page", 100}});
}

Result<Reply> get(Context& c) {
  auto e = visible_export(c, c.id());
  if (!e) return fail(e.error());
  return Reply::ok(export_to_json(c, *e));
}

// The file, streamed from disk, under an ASCII name. 409 while the job has not succeeded
// (queued, running, failed, cancelled), 410 once the file expired.
Result<Reply> download(Context& c) {
  auto e = visible_export(c, c.id());
  if (!e) return fail(e.error());
  std::optional<Job> job;
  if (e->job_id)
    if (auto j = c.store.get_job(*e->job_id)) job = *j;
  std::string state = visible_state(*e, job, now_unix());
  if (state == "expired") return fail(Error::Gone("ce fichier d'export a expiré : relancez l'export"));
  if (state != "ready" || !job || job->state != "succeeded")
    return fail(Error::Conflict("export", "le fichier n'est pas prêt (tâche : " + (job ? job->state : "absente") + ")"));
  std::string path = (std::filesystem::path(c.settings.data_dir) / "exports" / e->file_name).string();
  auto file = std::shared_ptr<std::FILE>(std::fopen(path.c_str(), "rb"), FileCloser{});
  if (!file) return fail(Error::Gone("ce fichier d'export n'existe plus : relancez l'export"));
  std::fseek(file.get(), 0, SEEK_END);
  long size = std::ftell(file.get());
  std::fseek(file.get(), 0, SEEK_SET);
  const char* type = e->format == "xlsx" ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                     : e->format == "jsonl" ? "application/x-ndjson; charset=utf-8"
                                            : "text/csv; charset=utf-8";
  c.res.set_header("Content-Disposition", "attachment; filename=\"" + export_download_name(*e) + "\"");
  c.res.set_content_provider(
      static_cast<size_t>(size), type, [file](size_t offset, size_t length, httplib::DataSink& sink) {
        static constexpr size_t kChunk = 1 << 16;
        std::vector<char> buf(std::min(length, kChunk));
        if (std::fseek(file.get(), static_cast<long>(offset), SEEK_SET) != 0) return false;
        size_t n = std::fread(buf.data(), 1, buf.size(), file.get());
        if (n == 0) return false;
        return sink.write(buf.data(), n);
      });
  return Reply::written();
}

}  // namespace

void add_export_routes(std::vector<Route>& r) {
  r.push_back({"POST", "/exports", Access::Member, create});
  r.push_back({"GET", "/exports", Access::Member, list});
  r.push_back({"GET", "/exports/{id}", Access::Member, get});
  r.push_back({"GET", "/exports/{id}/download", Access::Member, download});
}

}  // namespace mimicom::api
