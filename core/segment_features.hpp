#pragma once
// Segment features: how prospects become the rows of a dense float matrix that k-means
// (core/kmeans.hpp) can cluster, and how each column of that matrix reads back as a fact about
// prospects ("sector = BTP", "annual_revenue", "job_title token bucket 3") so that a segment
// can be explained from its centroid.
//
// Two steps, kept apart so that a job can fit the encoding on a sample or a stream of batches
// and then encode the whole base batch by batch:
//   SegmentEncodingBuilder b(choice); b.add(batch)…;  SegmentEncoding e = b.finish();
//   e.encode(batch) → rows
// or, to read the prospects only once, a builder that keeps what it counted:
//   SegmentEncodingBuilder b(choice, keep_rows = true); b.add(batch)…;  e = b.finish();
//   b.encode_kept(e, …) → the same rows as e.encode() of every batch added
//
// Per field (names as in core/models/prospect.hpp and the API):
// - categories (sector, region, company_size, source, status): one column per value held by
//   at least `min_share` of the fitted prospects, one "other" column (rarer values, and values
//   never seen at fit time) and one "missing" column;
// - tags: the same, but several columns can be 1 at once (one per tag);
// - numbers (annual_revenue, employees, custom_fields.NAME): log1p of the value (of its
//   magnitude, sign kept: revenue spans six orders of magnitude), standardised with the fitted
//   mean and standard deviation; a missing value is imputed at the mean (0 after
//   standardisation) and flagged in its own "missing" column;
// - job_title: lower-cased, accents folded, cut into words, each word hashed into one of
//   `title_buckets` columns (1 when a word falls in it), plus a "missing" column.
//
// Deterministic: the same prospects in the same batches give the same encoding and the same
// matrix on every machine (own hash, values ordered by count then text).
//
// Threads: a builder is used by one thread; a finished SegmentEncoding is immutable and
// encode() may run concurrently.
#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/error.hpp"
#include "core/models/prospect.hpp"

namespace mimicom {

// What to cluster on. `fields` holds prospect field names: sector, region, company_size,
// source, status, tags, annual_revenue, employees, job_title, or custom_fields.NAME for a
// custom field read as a number (French "1 234,5" accepted; anything else is missing).
struct SegmentFeatureChoice {
  std::vector<std::string> fields;
  double min_share = 0.01;  // a category rarer than this joins "other"
  int title_buckets = 8;    // hashed job-title columns
};

// What one column of the matrix means.
struct SegmentColumn {
  enum class Kind {
    Category,     // 1 when the field equals `value` (tags: when the prospect has tag `value`)
    Other,        // 1 when the field holds a value with no column of its own
    Missing,      // 1 when the field is empty
    Number,       // the standardised log1p of the field
    TitleBucket,  // 1 when a word of the job title hashes into bucket `value`
  };
  std::string field;
  Kind kind = Kind::Category;
  std::string value;  // Category: the value; TitleBucket: the bucket number; else empty
  // "sector=BTP", "sector:other", "annual_revenue", "job_title#3"…: for logs and tests.
  std::string name() const;
  bool operator==(const SegmentColumn&) const = default;
};

// Rows of floats, row-major: row r is values[r * cols, (r + 1) * cols).
struct FeatureMatrix {
  size_t rows = 0, cols = 0;
  std::vector<float> values;
};

// The fitted encoding: columns, vocabularies and scaling. Built by SegmentEncodingBuilder.
class SegmentEncoding {
 public:
  const std::vector<SegmentColumn>& columns() const { return columns_; }

  // The matrix of `prospects`, one row each in order. Never fails.
  FeatureMatrix encode(std::span<const Prospect> prospects) const;
  // The same into `out` (prospects.size() * columns().size() floats), for callers that reuse
  // one buffer across batches.
  void encode_into(std::span<const Prospect> prospects, std::span<float> out) const;

  // The encoding as JSON text, and back: a run keeps it to assign prospects again later.
  // from_json: Invalid when the text is not an encoding this version wrote.
  std::string to_json() const;
  static Result<SegmentEncoding> from_json(std::string_view text);

 private:
  friend class SegmentEncodingBuilder;
  enum class Type { Category, Tags, Number, Title };
  struct Field {
    std::string name;
    Type type = Type::Category;
    uint8_t source = 0;      // which Prospect member holds it (segment_features.cpp)
    std::string custom_key;  // custom_fields.NAME: NAME
    size_t first_column = 0;
    std::map<std::string, size_t, std::less<>> columns;  // Category/Tags: value → column
    size_t other_column = 0, missing_column = 0;
    double mean = 0, std = 1;  // Number: of log1p values
  };
  std::vector<Field> fields_;
  std::vector<SegmentColumn> columns_;
  int title_buckets_ = 0;
};

class SegmentEncodingBuilder {
 public:
  // Invalid when a field name is unknown or listed twice, min_share is outside [0, 1) or
  // title_buckets outside [1, 64]; the error names every bad field at once.
  // With `keep_rows`, the builder also keeps each added prospect in a compact form (a number
  // per category value, the raw numbers, a bit per job-title bucket: a few dozen bytes a
  // prospect), so the matrix can be made without reading the prospects again (encode_kept).
  static Result<SegmentEncodingBuilder> create(SegmentFeatureChoice choice, bool keep_rows = false);

  // Counts the values of `prospects` (may be called with any number of batches).
  void add(std::span<const Prospect> prospects);
  long long count() const { return count_; }

  // The encoding of everything added so far. The builder stays usable.
  SegmentEncoding finish() const;

  // With keep_rows: rows [first, first + n) of the added prospects, in the order added, under
  // `encoding` (this builder's finish()), into `out` (n * columns floats): exactly the floats
  // encoding.encode() gives for the same prospects. Without keep_rows, or with another
  // builder's encoding, the result is unspecified. Uses the OpenMP threads of the caller.
  void encode_kept(const SegmentEncoding& encoding, size_t first, size_t n, std::span<float> out) const;
  // With keep_rows: the value of chosen number field `field` (annual_revenue, employees,
  // custom_fields.NAME) of each added prospect, before scaling (NaN when missing), as
  // segment_number() reads it; empty for any other field.
  std::span<const double> kept_numbers(std::string_view field) const;

 private:
  struct TextHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  struct Stats {
    // Categories and tags: each value met, its number (its place in `values`) and its count.
    std::unordered_map<std::string, uint32_t, TextHash, std::equal_to<>> codes;
    std::vector<std::string> values;
    std::vector<long long> counts;
    long long present = 0;
    double mean = 0, m2 = 0;  // numbers: Welford's running mean and squared deviations
    // keep_rows: per prospect, by type. Category: the value's number, kNoValue when empty;
    // Tags: the numbers of its tags, prospect r's in tag_codes[tag_start[r], tag_start[r+1]);
    // Number: the raw value, NaN when missing; Title: bit b set when a word falls in bucket b.
    std::vector<uint32_t> row_codes;
    std::vector<uint32_t> tag_start, tag_codes;
    std::vector<double> row_numbers;
    std::vector<uint64_t> row_titles;
    uint32_t code_of(std::string_view value);
  };
  static constexpr uint32_t kNoValue = UINT32_MAX;
  SegmentEncodingBuilder() = default;
  SegmentFeatureChoice choice_;
  bool keep_rows_ = false;
  std::vector<SegmentEncoding::Field> fields_;  // name, type and source of each chosen field
  std::vector<Stats> stats_;
  long long count_ = 0;
  std::string folded_;  // reused by the job-title words
};

// The value of a numeric field (annual_revenue, employees, custom_fields.NAME) of a prospect
// as the encoding reads it, before scaling; nullopt when missing or not a number.
std::optional<double> segment_number(const Prospect& p, std::string_view field);

// Exposed for tests: the words of a job title, lower-cased and accent-folded
// ("Directrice Générale" → {"directrice", "generale"}), and the bucket of a word.
std::vector<std::string> title_words(std::string_view title);
int title_bucket(std::string_view word, int buckets);

}  // namespace mimicom
