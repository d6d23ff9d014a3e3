#pragma once
// The business rules of prospects: which input is valid, how it is normalised, and how a
// list is filtered and sorted. Pure functions (no I/O), callable from any thread.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "core/error.hpp"
#include "core/models/prospect.hpp"

namespace mimicom {

// A value given for one field, whatever its source (a JSON body, a CSV cell, a form).
// monostate means an explicit null: "clear this field". A string_view is a text like a string,
// not copied: the caller keeps its characters until the input is applied (the import's cells).
using FieldValue = std::variant<std::monostate, bool, long long, double, std::string, std::vector<std::string>,
                                std::vector<std::pair<std::string, std::string>>, std::string_view>;

// Fields given in a create or a partial update, in the order given.
using ProspectInput = std::vector<std::pair<std::string, FieldValue>>;

// Applies `input` over `base` (a new Prospect{} for a create). Validates every field and
// reports every error at once (Error::Invalid with one FieldError per bad field), then checks
// the whole record (an email or a phone is required). On success returns the merged,
// normalised prospect; ids and timestamps are left to the caller. Unknown fields are errors.
Result<Prospect> apply_prospect_input(Prospect base, const ProspectInput& input);
// The same on `p` itself, without moving a prospect in and out (the import converts a row so,
// millions of times): returns the errors, empty on success. With errors, `p` is left partly
// changed.
std::vector<FieldError> apply_prospect_input_to(Prospect& p, const ProspectInput& input);

// A plain text field of a prospect (first_name, last_name, company, job_title, sector, city,
// postal_code, region, source, owner, notes) with its length limit in characters: what
// apply_prospect_input checks for a string given to it, for a caller that sets such a field
// straight from a text (the import's converter, which would otherwise copy each cell twice
// more). nullopt for any other field.
struct ProspectTextRule {
  std::optional<std::string> Prospect::*member;
  size_t max;
};
std::optional<ProspectTextRule> prospect_text_rule(std::string_view field);
// The message for a text longer than `max` characters.
std::string prospect_text_too_long(size_t max);
// Counts UTF-8 code points (limits are in characters, as a user counts them).
size_t utf8_length(std::string_view s);
// Whether `s` has more than `max` characters: counted only when it has more bytes (each cell
// of an import is checked; counting them all was 3.5 % of the rows' conversion).
inline bool utf8_longer_than(std::string_view s, size_t max) { return s.size() > max && utf8_length(s) > max; }
// The trimming of every text field: bytes up to the space (control characters included) off
// both ends.
std::string_view trimmed(std::string_view s);

// Sets `out` to the text `t`, in the string it holds already if any (its buffer is reused).
inline void assign_text(std::optional<std::string>& out, std::string_view t) {
  if (out) out->assign(t);
  else out.emplace(t);
}

// The filter model shared by the prospect list, bulk actions, KPIs and exports.
// Each vector holds alternatives (OR); different fields combine with AND.
struct ProspectFilter {
  std::vector<std::string> status, sector, region, city, company_size, owner, source;
  std::vector<std::string> tags;        // prospects having any of these tags
  std::vector<long long> ids;           // an explicit selection
  std::vector<long long> segment;       // segment ids of the applied segmentation (any of them)
  std::string q;                        // full-text words (prefix match), empty = none
  std::optional<bool> opted_out;
  std::optional<long long> created_from, created_to;      // unix seconds, [from, to)
  std::optional<long long> contacted_from, contacted_to;  // last contact, unix seconds, [from, to)

  bool empty() const;
  // A canonical text of the filter: equal filters give equal keys (cache keys).
  std::string key() const;
};

struct SortField {
  std::string field = "created_at";  // one of sortable_fields()
  bool descending = true;
};

struct ProspectQuery {
  ProspectFilter filter;
  SortField sort;
  long long page = 1;
  long long per_page = 50;
};

inline constexpr long long kMaxPerPage = 500;

// Columns a list may be sorted on (a whitelist: sort text never reaches SQL otherwise).
const std::vector<std::string>& sortable_fields();

// Query parameters (name → raw text) to a filter. Multi-values are comma-separated.
// Unknown names are ignored only when `ignore` lists them (paging keys); other unknown names
// are errors, so a typo does not silently return everything.
Result<ProspectFilter> parse_prospect_filter(const std::multimap<std::string, std::string>& params,
                                             const std::vector<std::string>& ignore = {});

// Filter + page, per_page (1..kMaxPerPage) and sort ("-created_at").
Result<ProspectQuery> parse_prospect_query(const std::multimap<std::string, std::string>& params);

// Splits full-text input into words and writes a safe FTS5 query: each word quoted, as a
// prefix ("dup" finds "Dupont"), all words required. Empty when there is no word.
std::string fts_query(std::string_view q);

}  // namespace mimicom
