#pragma once
// A CSV import: the uploaded file as sniffed, the mapping chosen, and the rows a batch
// carries to the store. Plain data; the rules are in core/imports.hpp.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/models/prospect.hpp"

namespace mimicom {

// What to do with a row whose e-mail (or phone, without e-mail) is already a prospect's.
enum class DuplicatePolicy {
  Skip,       // keep the prospect as it is
  FillEmpty,  // fill only the prospect's empty fields from the row
  Overwrite,  // the row's non-empty values replace the prospect's
};

struct ImportFile {
  long long id = 0;
  std::optional<long long> created_by;
  std::string file_name;  // as the user named it (display only; never a path)
  std::string path;       // where the upload is stored
  long long size = 0;
  std::string encoding;   // encoding_name() of core/csv.hpp
  std::string separator;  // one character
  std::vector<std::string> header;
  std::string mapping;       // JSON object column → target, "" until started
  std::string on_duplicate;  // "skip" | "fill_empty" | "overwrite", "" until started
  std::optional<long long> job_id;
  long long created_at = 0;  // unix seconds
};

// One valid row, normalised.
struct ImportRow {
  long long line = 0;  // physical line of the file where the row starts
  Prospect prospect;
  uint32_t given = 0;              // the fields this row gives a value for (import_field_bit)
  bool duplicate_in_file = false;  // an earlier row of the file has the same key
  // The prospect that had this row's e-mail when the import's reader looked (0: none; -1: not
  // looked up). A hint only: see Store::find_known_prospects.
  long long known_id = -1;
  // Cells rewritten into their normal form: an e-mail's case or spaces, a phone into E.164,
  // a status, company size or country given by its label.
  int fixed = 0;
  // import_key_hash of the prospect's e-mail and phone, as the reader computed them (0: not
  // computed, or no such key): the store uses them rather than hashing again.
  uint64_t email_key = 0, phone_key = 0;
};

// One row refused, with why.
struct ImportReject {
  long long line = 0;
  std::string cells;   // JSON array of the row's original cells
  std::string reason;  // French
};

struct ImportBatch {
  long long import_id = 0;
  DuplicatePolicy policy = DuplicatePolicy::Skip;
  std::vector<ImportRow> rows;
  std::vector<ImportReject> rejects;
  // A bulk load into a small base: the rows added stay out of the full-text index (search
  // still finds them, more slowly) until the store's search catch-up indexes them all at
  // once after the load (see Store::catch_up_search_index).
  bool defer_search = false;
  // A large file: its rows' duplicates are found through the store's keys of every prospect
  // held in memory, not by a look-up in the key indexes row by row (loading the keys costs a
  // read of those indexes once).
  bool keyed = false;
  // The rows the whole file holds, estimated (0: unknown): the keys in memory are sized for
  // them at once rather than grown (a 1M-row load's writer spent ~2 % of the import's CPU
  // in the page faults of tables grown twice over, and copied each key into each).
  long long expected_rows = 0;
  // The file's last batch: what the store held for the import may go.
  bool last = false;
};

// What a batch did to the prospects. Every row lands in exactly one of inserted,
// duplicates_in_file or duplicates_existing; updated counts the duplicates that changed a
// prospect.
struct ImportCounts {
  long long inserted = 0;
  long long updated = 0;
  long long duplicates_in_file = 0;
  long long duplicates_existing = 0;
  long long rejected = 0;

  ImportCounts& operator+=(const ImportCounts& o) {
    inserted += o.inserted;
    updated += o.updated;
    duplicates_in_file += o.duplicates_in_file;
    duplicates_existing += o.duplicates_existing;
    rejected += o.rejected;
    return *this;
  }
};

}  // namespace mimicom
