// The prospect database: list (filter, sort, page, full-text), CRUD, facets, bulk actions.
#include "api/http.hpp"
#include "api/prospect_json.hpp"

namespace mimicom::api {

namespace {

Result<Reply> list(Context& c) {
  auto query = parse_prospect_query(c.query());
  if (!query) return fail(query.error());
  auto page = c.store.list_prospects(*query);
  if (!page) return fail(page.error());
  std::string items = "[";
  items.reserve(page->items.size() * 768 + 2);
  for (size_t i = 0; i < page->items.size(); ++i) {
    if (i) items += ',';
    write_prospect_json(items, page->items[i]);
  }
  items += ']';
  return Reply::text(200, std::move(items),
                     json{{"total", page->total}, {"page", query->page}, {"per_page", query->per_page}});
}

Result<Reply> get(Context& c) {
  auto p = c.store.get_prospect(c.id());
  if (!p) return fail(p.error());
  return Reply::text(200, prospect_json_text(*p));
}

Result<Reply> create(Context& c) {
  auto body = parse_json_object(c);
  if (!body) return fail(body.error());
  auto input = prospect_input_from_json(*body);
  if (!input) return fail(input.error());
  Prospect base;
  if (!body->contains("owner")) base.owner = c.user->email;  // new prospects are yours unless said
  auto p = apply_prospect_input(std::move(base), *input);
  if (!p) return fail(p.error());
  auto saved = c.store.create_prospect(*p);
  if (!saved) return fail(saved.error());
  return Reply::text(201, prospect_json_text(*saved));
}

Result<Reply> update(Context& c) {
  auto body = parse_json_object(c);
  if (!body) return fail(body.error());
  auto input = prospect_input_from_json(*body);
  if (!input) return fail(input.error());
  auto current = c.store.get_prospect(c.id());
  if (!current) return fail(current.error());
  auto p = apply_prospect_input(std::move(*current), *input);
  if (!p) return fail(p.error());
  auto saved = c.store.update_prospect(*p);
  if (!saved) return fail(saved.error());
  return Reply::text(200, prospect_json_text(*saved));
}

Result<Reply> remove(Context& c) {
  if (auto st = c.store.delete_prospect(c.id()); !st) return fail(st.error());
  return Reply::no_content();
}

Result<Reply> facets(Context& c) {
  auto f = c.store.prospect_facets();
  if (!f) return fail(f.error());
  json out = json::object();
  for (const auto& [field, values] : f->fields) {
    json arr = json::array();
    for (const auto& v : values) arr.push_back({{"value", v.value}, {"count", v.count}});
    out[field] = std::move(arr);
  }
  return Reply::ok(out);
}

// {"ids":[…]} or {"filter":{…}}, "action", "value".
Result<Reply> bulk(Context& c) {
  auto body = parse_json_object(c);
  if (!body) return fail(body.error());
  std::vector<FieldError> errors;
  ProspectFilter filter;
  bool has_ids = body->contains("ids"), has_filter = body->contains("filter");
  if (has_ids == has_filter) {
    errors.push_back({"ids", "donnez soit « ids », soit « filter »"});
  } else if (has_ids) {
    const json& ids = (*body)["ids"];
    if (!ids.is_array() || ids.empty() || ids.size() > 100000) {
      errors.push_back({"ids", "liste de 1 à 100 000 identifiants attendue"});
    } else {
      for (const auto& id : ids) {
        if (!id.is_number_integer()) {
          errors.push_back({"ids", "identifiants entiers attendus"});
          break;
        }
        filter.ids.push_back(id.get<long long>());
      }
    }
  } else {
    const json& f = (*body)["filter"];
    std::multimap<std::string, std::string> params;
    if (!f.is_object()) {
      errors.push_back({"filter", "objet attendu"});
    } else {
      for (auto it = f.begin(); it != f.end(); ++it) {
        if (it->is_string()) params.emplace(it.key(), it->get<std::string>());
        else if (it->is_boolean()) params.emplace(it.key(), it->get<bool>() ? "true" : "false");
        else if (it->is_array()) {
          for (const auto& v : *it)
            if (v.is_string()) params.emplace(it.key(), v.get<std::string>());
            else if (v.is_number_integer()) params.emplace(it.key(), std::to_string(v.get<long long>()));
        } else if (!it->is_null()) {
          errors.push_back({"filter." + it.key(), "texte ou liste attendu"});
        }
      }
      auto parsed = parse_prospect_filter(params, {"page", "per_page", "sort"});
      if (!parsed) {
        for (auto& fe : parsed.error().fields) errors.push_back({"filter." + fe.field, fe.message});
      } else if (parsed->empty()) {
        errors.push_back({"filter", "filtre vide : précisez au moins un critère"});
      } else {
        filter = std::move(*parsed);
      }
    }
  }
  BulkAction action{BulkAction::Kind::Delete, ""};
  std::string a = body->value("action", json()).is_string() ? (*body)["action"].get<std::string>() : "";
  std::string value = body->value("value", json()).is_string() ? (*body)["value"].get<std::string>() : "";
  if (a == "set_status") {
    action.kind = BulkAction::Kind::SetStatus;
    bool known = false;
    for (const char* s : kStatuses) known |= value == s;
    if (!known) errors.push_back({"value", "statut inconnu « " + value + " »"});
  } else if (a == "add_tag" || a == "remove_tag") {
    action.kind = a == "add_tag" ? BulkAction::Kind::AddTag : BulkAction::Kind::RemoveTag;
    auto b = value.find_first_not_of(' '), e = value.find_last_not_of(' ');
    value = b == std::string::npos ? "" : value.substr(b, e - b + 1);
    size_t chars = 0;
    for (unsigned char ch : value) chars += (ch & 0xC0) != 0x80;
    if (value.empty() || chars > 50) errors.push_back({"value", "étiquette requise (50 caractères au plus)"});
  } else if (a != "delete") {
    errors.push_back({"action", "action attendue : set_status, add_tag, remove_tag ou delete"});
  }
  if (!errors.empty()) return fail(Error::Invalid(std::move(errors)));
  action.value = value;
  auto n = c.store.bulk_update_prospects(filter, action);
  if (!n) return fail(n.error());
  return Reply::ok({{"affected", *n}});
}

}  // namespace

void add_prospect_routes(std::vector<Route>& r) {
  r.push_back({"GET", "/prospects", Access::Member, list});
  r.push_back({"POST", "/prospects", Access::Member, create});
  r.push_back({"GET", "/prospects/facets", Access::Member, facets});
  r.push_back({"POST", "/prospects/bulk", Access::Member, bulk});
  r.push_back({"GET", "/prospects/{id}", Access::Member, get});
  r.push_back({"PATCH", "/prospects/{id}", Access::Member, update});
  r.push_back({"DELETE", "/prospects/{id}", Access::Member, remove});
}

}  // namespace mimicom::api
