#include "core/demo_prospect.hpp"

#include "core/prospects.hpp"

namespace mimicom {

Result<Prospect> demo_prospect(const DemoProspect& d) {
  ProspectInput in;
  auto text = [&](const char* name, const std::string& v) {
    if (!v.empty()) in.emplace_back(name, v);
  };
  text("first_name", d.first_name);
  text("last_name", d.last_name);
  text("email", d.email);
  text("phone", d.phone);
  text("company", d.company);
  text("job_title", d.job_title);
  text("sector", d.sector);
  text("city", d.city);
  text("postal_code", d.postal_code);
  text("region", d.region);
  text("country", d.country);
  text("company_size", d.company_size);
  text("source", d.source);
  text("status", d.status);
  text("owner", d.owner);
  text("notes", d.notes);
  if (d.employees) in.emplace_back("employees", *d.employees);
  if (d.annual_revenue) in.emplace_back("annual_revenue", *d.annual_revenue);
  // Demo addresses look real (some use real webmail domains): the tag lets a team find them,
  // keep them out of campaigns and delete them in one bulk action.
  std::vector<std::string> tags = d.tags;
  tags.push_back(kDemoTag);
  in.emplace_back("tags", std::move(tags));
  if (!d.custom_fields.empty()) in.emplace_back("custom_fields", d.custom_fields);
  auto p = apply_prospect_input(Prospect{}, in);
  if (!p) return p;
  p->created_at = d.created_at_unix;
  p->updated_at = d.last_contact_at_unix.value_or(d.created_at_unix);
  p->last_contact_at = d.last_contact_at_unix;
  return p;
}

}  // namespace mimicom
