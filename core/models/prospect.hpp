#pragma once
// A prospect as the business rules see it: typed core fields, free custom fields, tags.
// Plain data, no behaviour; validation lives in core/prospects.hpp.
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mimicom {

inline constexpr const char* kStatuses[] = {"new", "contacted", "qualified", "meeting", "won", "lost"};
inline constexpr const char* kCompanySizes[] = {"1-9", "10-49", "50-249", "250-999", "1000+"};

struct Prospect {
  long long id = 0;
  std::optional<std::string> first_name, last_name;
  std::optional<std::string> email;  // normalised (see core/contact.hpp); unique when present
  std::optional<std::string> phone;  // E.164
  std::optional<std::string> company, job_title, sector, city, postal_code, region;
  std::string country = "FR";                // ISO 3166-1 alpha-2
  std::optional<std::string> company_size;   // one of kCompanySizes
  std::optional<long long> employees;
  std::optional<double> annual_revenue;      // euros
  std::optional<std::string> source;
  std::string status = "new";                // one of kStatuses
  std::vector<std::string> tags;             // sorted, unique
  std::optional<std::string> owner, notes;
  std::vector<std::pair<std::string, std::string>> custom_fields;  // sorted by key, unique keys
  bool opted_out = false;
  long long created_at = 0;                  // unix seconds, UTC
  long long updated_at = 0;
  std::optional<long long> last_contact_at;
  // The segment of the applied segmentation (core/models/segmentation.hpp), read only: set by
  // segmentation jobs, never by a prospect's own create or update.
  std::optional<long long> segment_id;
};

// One page of a prospect list, with the total of the whole filter.
struct ProspectPage {
  std::vector<Prospect> items;
  long long total = 0;
};

// Distinct values of a field with their counts, most frequent first.
struct FacetValue {
  std::string value;
  long long count = 0;
};
struct Facets {
  std::vector<std::pair<std::string, std::vector<FacetValue>>> fields;  // field name → values
};

}  // namespace mimicom
