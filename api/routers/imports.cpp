// CSV imports: upload (streamed to disk, sniffed, previewed, mapping proposed), start (the
// mapping and the duplicate policy → an import job), follow, and download the rejected rows.
// A member sees their own imports; an admin sees all.
#include <cstdio>
#include <filesystem>
#include <memory>

#include "api/http.hpp"
#include "api/job_json.hpp"
#include "core/clock.hpp"
#include "core/csv.hpp"
#include "core/csv_writer.hpp"
#include "core/imports.hpp"

namespace mimicom::api {

namespace {

struct FileCloser {
  void operator()(std::FILE* f) const {
    if (f) std::fclose(f);
  }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

// A client's file name, for display only: its last path segment, without control
// characters, at most 200 bytes (cut on a character boundary).
std::string display_name(std::string name) {
  if (auto slash = name.find_last_of("/\\"); slash != std::string::npos) name = name.substr(slash + 1);
  std::string out;
  for (unsigned char ch : name)
    if (ch >= 0x20 && ch != 0x7F) out += static_cast<char>(ch);
  if (out.size() > 200) {
    size_t cut = 200;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
    out.resize(cut);
  }
  return out.empty() ? "fichier.csv" : out;
}

std::string read_head(const std::string& path) {
  File f(std::fopen(path.c_str(), "rb"));
  if (!f) return {};
  std::string head(kSniffHeadBytes, '\0');
  head.resize(std::fread(head.data(), 1, head.size(), f.get()));
  return head;
}

json field_list() {
  json out = json::array();
  for (const auto& f : import_fields()) out.push_back(f);
  return out;
}

json import_to_json(Context& c, const ImportFile& imp, bool with_preview) {
  json mapping = json::object();
  if (!imp.mapping.empty()) {
    mapping = json::parse(imp.mapping, nullptr, false);
  } else {
    auto proposed = propose_mapping(imp.header);
    for (size_t i = 0; i < imp.header.size(); ++i) mapping[imp.header[i]] = proposed[i];
  }
  json out = {{"id", imp.id},
              {"file_name", imp.file_name},
              {"size", imp.size},
              {"encoding", imp.encoding},
              {"separator", imp.separator},
              {"header", imp.header},
              {"mapping", mapping},
              {"on_duplicate", imp.on_duplicate.empty() ? json(nullptr) : json(imp.on_duplicate)},
              {"created_at", format_iso8601(imp.created_at)},
              {"job", nullptr}};
  if (imp.job_id)
    if (auto job = c.store.get_job(*imp.job_id)) out["job"] = job_to_json(*job);
  if (with_preview) {
    CsvSniff sniff = sniff_csv(read_head(imp.path));
    out["preview"] = sniff.rows;
    out["problem"] = sniff.problem.empty() ? json(nullptr) : json(sniff.problem);
    out["fields"] = field_list();
  }
  return out;
}

Result<ImportFile> visible_import(Context& c, long long id) {
  auto imp = c.store.get_import(id);
  if (!imp) return imp;
  if (!c.is_admin() && imp->created_by != c.user->id) return fail(Error::NotFound("import", id));
  return imp;
}

// The body is the file itself (any Content-Type; the name in ?filename= or X-File-Name), or a
// multipart form whose part "file" is the file.
Result<Reply> upload(Context& c) {
  const auto cap = c.settings.max_upload_bytes;
  const std::string cap_text = std::to_string(cap >> 20) + " Mo";
  if (std::strtoull(c.req.get_header_value("Content-Length").c_str(), nullptr, 10) > cap)
    return fail(Error::TooLarge("fichier trop volumineux (" + cap_text + " au plus)"));
  std::string name = c.req.has_param("filename") ? c.req.get_param_value("filename")
                                                 : c.req.get_header_value("X-File-Name");
  std::filesystem::path dir = std::filesystem::path(c.settings.data_dir) / "uploads";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  std::string path = (dir / (random_token() + ".csv")).string();
  File out(std::fopen(path.c_str(), "wb"));
  if (!out) return fail(Error::Internal("cannot write " + path));
  struct Cleanup {
    std::string path;
    bool keep = false;
    ~Cleanup() {
      if (!keep) std::remove(path.c_str());
    }
  } cleanup{path};

  unsigned long long written = 0;
  bool too_big = false, io_error = false, in_file_part = false, saw_file_part = false;
  auto write = [&](const char* data, size_t n) {
    written += n;
    if (written > cap) {
      too_big = true;
      return false;
    }
    if (std::fwrite(data, 1, n, out.get()) != n) {
      io_error = true;
      return false;
    }
    return true;
  };
  bool read_ok;
  if (c.req.is_multipart_form_data()) {
    read_ok = (*c.reader)(
        [&](const httplib::MultipartFormData& part) {
          in_file_part = part.name == "file";
          if (in_file_part) {
            saw_file_part = true;
            if (!part.filename.empty()) name = part.filename;
          }
          return true;
        },
        [&](const char* data, size_t n) { return !in_file_part || write(data, n); });
  } else {
    saw_file_part = true;
    read_ok = (*c.reader)([&](const char* data, size_t n) { return write(data, n); });
  }
  if (too_big) return fail(Error::TooLarge("fichier trop volumineux (" + cap_text + " au plus)"));
  if (io_error) return fail(Error::Internal("écriture du fichier impossible (disque plein ?)"));
  if (!read_ok) return fail(Error::BadRequest("envoi du fichier interrompu"));
  if (!saw_file_part) return fail(Error::Invalid("file", "aucun fichier dans le formulaire (champ « file »)"));
  if (std::fflush(out.get()) != 0) return fail(Error::Internal("écriture du fichier impossible (disque plein ?)"));
  out.reset();

  CsvSniff sniff = sniff_csv(read_head(path));
  if (sniff.looks_binary || written == 0 || sniff.header.empty())
    return fail(Error::Invalid("file", sniff.problem.empty() ? "le fichier est vide" : sniff.problem));
  ImportFile imp;
  imp.created_by = c.user->id;
  imp.file_name = display_name(name);
  imp.path = path;
  imp.size = static_cast<long long>(written);
  imp.encoding = std::string(encoding_name(sniff.encoding));
  imp.separator = std::string(1, sniff.separator);
  imp.header = sniff.header;
  auto saved = c.store.create_import(imp);
  if (!saved) return fail(saved.error());
  cleanup.keep = true;
  return Reply::created(import_to_json(c, *saved, true));
}

Result<Reply> list(Context& c) {
  auto imports = c.store.list_imports(c.owner_scope(), 100);
  if (!imports) return fail(imports.error());
  json out = json::array();
  for (const auto& imp : *imports) out.push_back(import_to_json(c, imp, false));
  // The upload limit too, so the page can refuse a too-large file before sending it.
  return Reply::list(out, {{"total", out.size()},
                           {"page", 1},
                           {"per_page", 100},
                           {"max_upload_bytes", c.settings.max_upload_bytes}});
}

Result<Reply> get(Context& c) {
  auto imp = visible_import(c, c.id());
  if (!imp) return fail(imp.error());
  return Reply::ok(import_to_json(c, *imp, true));
}

// {"mapping": {"column": "field" | "custom:name" | ""}, "on_duplicate": "skip"|"fill_empty"|"overwrite"}
Result<Reply> start(Context& c) {
  auto imp = visible_import(c, c.id());
  if (!imp) return fail(imp.error());
  auto body = parse_json_object(c);
  if (!body) return fail(body.error());
  std::vector<FieldError> errors;
  std::vector<std::pair<std::string, std::string>> mapping;
  if (!body->contains("mapping")) {
    auto proposed = propose_mapping(imp->header);
    for (size_t i = 0; i < imp->header.size(); ++i) mapping.emplace_back(imp->header[i], proposed[i]);
  } else if (!(*body)["mapping"].is_object()) {
    errors.push_back({"mapping", "objet colonne → champ attendu"});
  } else {
    for (auto& [k, v] : (*body)["mapping"].items()) {
      if (v.is_null()) mapping.emplace_back(k, "");
      else if (v.is_string()) mapping.emplace_back(k, v.get<std::string>());
      else errors.push_back({"mapping." + k, "nom de champ (texte) ou null attendu"});
    }
  }
  std::string policy_name = "skip";
  if (body->contains("on_duplicate")) {
    auto& v = (*body)["on_duplicate"];
    if (!v.is_string() || !parse_duplicate_policy(v.get<std::string>()))
      errors.push_back({"on_duplicate", "skip, fill_empty ou overwrite attendu"});
    else policy_name = v.get<std::string>();
  }
  for (auto& [k, v] : body->items())
    if (k != "mapping" && k != "on_duplicate") errors.push_back({k, "champ inconnu"});
  auto targets = check_mapping(imp->header, mapping);
  if (!targets) {
    auto& more = targets.error().fields;
    errors.insert(errors.begin(), more.begin(), more.end());
  }
  if (!errors.empty()) return fail(Error::Invalid(std::move(errors)));
  CsvSniff sniff = sniff_csv(read_head(imp->path));
  if (sniff.looks_binary) return fail(Error::Invalid("file", sniff.problem));

  json chosen = json::object();
  for (size_t i = 0; i < imp->header.size(); ++i) chosen[imp->header[i]] = (*targets)[i];
  NewJob job{"import",
             json{{"import_id", imp->id}, {"label", "Import de « " + imp->file_name + " »"}}.dump(),
             c.user->id, 3, "octets"};
  auto created = c.store.start_import(imp->id, chosen.dump(), policy_name, job, now_unix_ms());
  if (!created) return fail(created.error());
  c.jobs.notify(created->id);
  return Reply::accepted({{"job_id", created->id}, {"import_id", imp->id}, {"job", job_to_json(*created)}});
}

// The rejected rows as CSV, in the file's own separator, UTF-8 with a BOM (Excel reads the
// accents right): line, reason, then the row's cells. Cells that look like formulas are
// neutralised.
Result<Reply> rejected(Context& c) {
  auto imp = visible_import(c, c.id());
  if (!imp) return fail(imp.error());
  char sep = imp->separator.empty() ? ';' : imp->separator[0];
  Store* store = &c.store;
  long long id = imp->id;
  std::vector<std::string> header = imp->header;
  auto after = std::make_shared<long long>(-1);
  c.res.set_header("Content-Disposition", "attachment; filename=\"rejets-import-" + std::to_string(id) + ".csv\"");
  c.res.set_chunked_content_provider(
      "text/csv; charset=utf-8", [store, id, sep, header, after](size_t, httplib::DataSink& sink) {
        std::string out;
        if (*after < 0) {
          out = "\xEF\xBB\xBF";
          append_csv_field(out, "ligne", sep);
          out += sep;
          append_csv_field(out, "motif", sep);
          for (const auto& h : header) {
            out += sep;
            append_csv_field(out, h, sep);
          }
          out += "\r\n";
          *after = 0;
        }
        auto rows = store->import_rejects(id, *after, 2000);
        if (!rows) return false;
        for (const auto& r : *rows) {
          out += std::to_string(r.line);
          out += sep;
          append_csv_field(out, r.reason, sep);
          json cells = json::parse(r.cells, nullptr, false);
          if (cells.is_array())
            for (const auto& cell : cells) {
              out += sep;
              append_csv_field(out, cell.is_string() ? cell.get<std::string>() : std::string(), sep);
            }
          out += "\r\n";
          *after = r.line;
        }
        if (!out.empty() && !sink.write(out.data(), out.size())) return false;
        if (rows->size() < 2000) sink.done();
        return true;
      });
  return Reply::written();
}

}  // namespace

void add_import_routes(std::vector<Route>& r) {
  // An upload lasts as long as the client's bandwidth: it must not hold one of the few
  // handler slots the rest of the API shares (long_lived).
  r.push_back({"POST", "/imports", Access::Member, upload, true, true});
  r.push_back({"GET", "/imports", Access::Member, list});
  r.push_back({"GET", "/imports/{id}", Access::Member, get});
  r.push_back({"POST", "/imports/{id}/start", Access::Member, start});
  r.push_back({"GET", "/imports/{id}/rejected.csv", Access::Member, rejected});
}

}  // namespace mimicom::api
