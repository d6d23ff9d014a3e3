#pragma once
// The business rules of CSV imports: which column goes to which prospect field (a proposal
// from the header names, then the user's choice), how one CSV row becomes a valid prospect
// or a rejected row with its reason, and what a duplicate row does to the prospect it
// duplicates. Pure code (no I/O); free functions are thread-safe, an ImportRowConverter is
// used by one thread at a time.
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "core/csv.hpp"
#include "core/error.hpp"
#include "core/models/import.hpp"
#include "core/prospects.hpp"

namespace mimicom {

// The prospect fields a column may fill, in the order the UI lists them.
const std::vector<std::string>& import_fields();
// The bit of a field of import_fields() in ImportRow::given (0 for any other name).
uint32_t import_field_bit(std::string_view field);
// The text fields among them, each with its member of Prospect (a column of prospects of the
// same name holds it).
struct ImportTextField {
  std::string_view name;
  std::optional<std::string> Prospect::*member;
};
const std::array<ImportTextField, 14>& import_text_fields();

// A column's target: a field of import_fields(), "custom:<name>" (kept as a custom field
// named <name>), or "" (ignored).
// Proposes a target per column from its name, French or English, accents, case and
// punctuation ignored ("Prénom" and "First name" → first_name, "Raison sociale" → company,
// "Tél." → phone, "CA" → annual_revenue…). A field goes to the first column that names it;
// unknown columns become custom fields named after the column.
std::vector<std::string> propose_mapping(const std::vector<std::string>& header);

// Checks a mapping given as (column, target) pairs against the header: every column named
// must exist, every target must be valid, a field may be the target of one column only, and
// at least one of email / phone must be mapped (the key of a prospect). Columns not named
// are ignored. Returns the target of each header column, in header order. Error::Invalid
// with one entry per problem (field "mapping.<column>").
Result<std::vector<std::string>> check_mapping(const std::vector<std::string>& header,
                                               const std::vector<std::pair<std::string, std::string>>& mapping);

std::optional<DuplicatePolicy> parse_duplicate_policy(std::string_view s);  // skip | fill_empty | overwrite
std::string_view duplicate_policy_name(DuplicatePolicy p);

// Converts CSV records to prospects with the rules of the API (core/prospects.hpp), plus
// what spreadsheets write: French statuses ("Contacté"), company sizes as a headcount or a
// range ("50 à 249 salariés"), yes/no in French, tags separated by , ; or |.
class ImportRowConverter {
 public:
  // targets: one per header column (check_mapping's result). default_owner: the owner of
  // prospects whose row names none ("" = none).
  ImportRowConverter(std::vector<std::string> header, std::vector<std::string> targets, std::string default_owner);

  // Fills `row` and returns true for a valid record; fills `reject` (the line, the cells,
  // every reason) and returns false otherwise. Rejects records with a reader error, more
  // non-empty cells than the header has columns, or fewer cells than the header.
  bool convert(const CsvRecord& rec, ImportRow& row, ImportReject& reject) const;

 private:
  std::vector<std::string> header_;
  std::vector<std::string> targets_;
  std::vector<uint32_t> bits_;  // import_field_bit of each target
  std::vector<std::optional<ProspectTextRule>> text_;  // plain text targets, set without an input
  size_t typed_ = 0;  // the other fields (e-mail, phone, status…), set through an input
  std::string default_owner_;
};

// The key rows are deduplicated on: "e:<email>" or, without e-mail, "p:<phone>".
std::string import_key(const Prospect& p);

// A 64-bit hash of a key: a normalised e-mail (kind 'e') or phone ('p'), the two kinds of the
// same text apart; never 0 (an empty slot in the tables that hold them). The import's reader
// hashes each row's keys once with it (ImportRow::email_key, phone_key), and the store's keys
// in memory (store/sqlite/prospect_keys.hpp) take those hashes as they are.
uint64_t import_key_hash(char kind, std::string_view key);

// Applies a duplicate row to the prospect it duplicates under `policy`. Returns the updated
// prospect, or nullopt when nothing changes (always for Skip). Tags and custom fields are
// added to; an opt-out is never undone by an import (consent is only withdrawn here).
std::optional<Prospect> merge_duplicate(const Prospect& existing, const ImportRow& row, DuplicatePolicy policy);
// The same on `p` itself, without a copy (an import applies up to millions of duplicates, and
// most change nothing): returns whether `p` changed; when it did not, `p` is untouched.
// `changed`, when given, receives what changed: the import_field_bit of each field, and
// kMergedCustomFields when a custom field did.
bool merge_duplicate_into(Prospect& p, const ImportRow& row, DuplicatePolicy policy, uint32_t* changed = nullptr);
constexpr uint32_t kMergedCustomFields = uint32_t{1} << 31;

// A JSON array of strings (the cells of a rejected row).
std::string cells_json(const std::vector<std::string>& cells);

}  // namespace mimicom
