#include "api/prospect_json.hpp"

#include "core/clock.hpp"

namespace mimicom::api {

namespace {
json opt(const std::optional<std::string>& v) { return v ? json(*v) : json(nullptr); }
}  // namespace

json prospect_to_json(const Prospect& p) {
  json custom = json::object();
  for (const auto& [k, v] : p.custom_fields) custom[k] = v;
  return {
      {"id", p.id},
      {"first_name", opt(p.first_name)},
      {"last_name", opt(p.last_name)},
      {"email", opt(p.email)},
      {"phone", opt(p.phone)},
      {"company", opt(p.company)},
      {"job_title", opt(p.job_title)},
      {"sector", opt(p.sector)},
      {"city", opt(p.city)},
      {"postal_code", opt(p.postal_code)},
      {"region", opt(p.region)},
      {"country", p.country},
      {"company_size", opt(p.company_size)},
      {"employees", p.employees ? json(*p.employees) : json(nullptr)},
      {"annual_revenue", p.annual_revenue ? json(*p.annual_revenue) : json(nullptr)},
      {"source", opt(p.source)},
      {"status", p.status},
      {"tags", p.tags},
      {"owner", opt(p.owner)},
      {"notes", opt(p.notes)},
      {"custom_fields", custom},
      {"opted_out", p.opted_out},
      {"created_at", format_iso8601(p.created_at)},
      {"updated_at", format_iso8601(p.updated_at)},
      {"last_contact_at", p.last_contact_at ? json(format_iso8601(*p.last_contact_at)) : json(nullptr)},
  };
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
