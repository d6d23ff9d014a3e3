#include "api/prospect_json.hpp"

#include "api/json_text.hpp"
#include "core/clock.hpp"

namespace mimicom::api {

namespace {

void key(std::string& out, const char* name) {
  out += ",\"";
  out += name;
  out += "\":";
}

void text(std::string& out, const char* name, const std::optional<std::string>& v) {
  key(out, name);
  if (v) append_json_string(out, *v);
  else out += "null";
}

void time(std::string& out, const char* name, std::optional<long long> t) {
  key(out, name);
  if (t) append_json_string(out, format_iso8601(*t));
  else out += "null";
}

}  // namespace

void write_prospect_json(std::string& out, const Prospect& p) {
  out += "{\"id\":";
  append_json_number(out, p.id);
  text(out, "first_name", p.first_name);
  text(out, "last_name", p.last_name);
  text(out, "email", p.email);
  text(out, "phone", p.phone);
  text(out, "company", p.company);
  text(out, "job_title", p.job_title);
  text(out, "sector", p.sector);
  text(out, "city", p.city);
  text(out, "postal_code", p.postal_code);
  text(out, "region", p.region);
  text(out, "country", p.country);
  text(out, "company_size", p.company_size);
  key(out, "employees");
  if (p.employees) append_json_number(out, *p.employees);
  else out += "null";
  key(out, "annual_revenue");
  if (p.annual_revenue) append_json_number(out, *p.annual_revenue);
  else out += "null";
  text(out, "source", p.source);
  text(out, "status", p.status);
  key(out, "tags");
  out += '[';
  for (size_t i = 0; i < p.tags.size(); ++i) {
    if (i) out += ',';
    append_json_string(out, p.tags[i]);
  }
  out += ']';
  text(out, "owner", p.owner);
  text(out, "notes", p.notes);
  key(out, "custom_fields");
  out += '{';
  for (size_t i = 0; i < p.custom_fields.size(); ++i) {
    if (i) out += ',';
    append_json_string(out, p.custom_fields[i].first);
    out += ':';
    append_json_string(out, p.custom_fields[i].second);
  }
  out += '}';
  key(out, "opted_out");
  out += p.opted_out ? "true" : "false";
  time(out, "created_at", p.created_at);
  time(out, "updated_at", p.updated_at);
  time(out, "last_contact_at", p.last_contact_at);
  key(out, "segment_id");
  out += p.segment_id ? std::to_string(*p.segment_id) : "null";
  out += '}';
}

std::string prospect_json_text(const Prospect& p) {
  std::string out;
  out.reserve(768);
  write_prospect_json(out, p);
  return out;
}

Result<ProspectInput> prospect_input_from_json(const json& body) {
  ProspectInput in;
  std::vector<FieldError> errors;
  for (auto it = body.begin(); it != body.end(); ++it) {
    const json& v = it.value();
    const std::string& name = it.key();
    if (name == "id" || name == "created_at" || name == "updated_at") continue;  // read-only, ignored
    if (v.is_null()) in.emplace_back(name, std::monostate{});
    else if (v.is_boolean()) in.emplace_back(name, v.get<bool>());
    else if (v.is_number_integer()) in.emplace_back(name, v.get<long long>());
    else if (v.is_number()) in.emplace_back(name, v.get<double>());
    else if (v.is_string()) in.emplace_back(name, v.get<std::string>());
    else if (v.is_array()) {
      std::vector<std::string> items;
      bool ok = true;
      for (const auto& x : v) {
        if (!x.is_string()) {
          ok = false;
          break;
        }
        items.push_back(x.get<std::string>());
      }
      if (ok) in.emplace_back(name, std::move(items));
      else errors.push_back({name, "liste de textes attendue"});
    } else if (v.is_object()) {
      std::vector<std::pair<std::string, std::string>> kv;
      bool ok = true;
      for (auto f = v.begin(); f != v.end(); ++f) {
        if (f->is_string()) kv.emplace_back(f.key(), f->get<std::string>());
        else if (f->is_number() || f->is_boolean()) kv.emplace_back(f.key(), f->dump());
        else if (f->is_null()) continue;
        else {
          ok = false;
          break;
        }
      }
      if (ok) in.emplace_back(name, std::move(kv));
      else errors.push_back({name, "objet de textes attendu"});
    }
  }
  if (!errors.empty()) return fail(Error::Invalid(std::move(errors)));
  return in;
}

}  // namespace mimicom::api
