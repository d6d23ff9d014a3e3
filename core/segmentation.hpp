#pragma once
// Segmentation rules: what a run asks for (its parameters, checked), how its segments are
// explained (the values over-represented in each, numeric medians against the whole run, a
// readable generated name), how the prospects are drawn in 2D (PCA), and how the quality of a
// split reads (a grade from the silhouette). Pure functions, no I/O; any thread.
//
// The matrix and labels come from core/segment_features.hpp and core/kmeans.hpp; a job
// (worker/tasks_segmentation.cpp) reads the prospects and stores what these functions return.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/kmeans.hpp"
#include "core/segment_features.hpp"

namespace mimicom {

inline constexpr int kSegmentMinK = 2, kSegmentMaxK = 20;  // a k the user gives
inline constexpr int kAutoMinK = 2, kAutoMaxK = 12;        // the k tried by "automatic"

// What a run asks for. `filter` is canonical JSON of the GET /prospects parameters.
struct SegmentationParams {
  std::string filter = "{}";
  std::vector<std::string> fields;
  std::optional<int> k;  // nullopt: automatic
  uint64_t seed = 0;
};

// Reads {"filter": {…}, "fields": […], "k": N | null | "auto", "seed": N} (filter canonicalised
// with the prospects' own parser). Invalid with every bad input named at once: "fields",
// "k", "seed", "filter.<param>".
Result<SegmentationParams> parse_segmentation_params(std::string_view json);
std::string segmentation_params_json(const SegmentationParams& p);

// A field a run can use, for the form (GET /segmentations/features).
struct SegmentFeatureOption {
  std::string field;
  std::string kind;  // category, tags, number, text
  bool by_default = false;
};
// The prospect fields, then `custom_numbers` as custom_fields.NAME (kind number).
std::vector<SegmentFeatureOption> segment_feature_options(const std::vector<std::string>& custom_numbers);

// One value over-represented in a segment: its share there against its share in the run.
struct SegmentTrait {
  std::string field, value;
  double share = 0, base_share = 0, lift = 0;
};
struct SegmentNumber {
  std::string field;
  std::optional<double> median, base_median;  // nullopt: no prospect has a value
};
struct SegmentWord {
  std::string word;
  double share = 0, base_share = 0, lift = 0;
};
struct SegmentProfile {
  int index = 0;
  long long size = 0;
  double share = 0;
  std::vector<SegmentTrait> traits;   // lift descending, at most kMaxTraits
  std::vector<SegmentNumber> numbers;  // one per numeric field, in the run's order
  std::vector<SegmentWord> words;      // job-title words, lift descending, at most kMaxTraits
  std::string name;                    // generated, unique within the run
};
inline constexpr size_t kMaxTraits = 5;

// What the job gathers beside the matrix to explain segments.
struct SegmentEvidence {
  // Per numeric field of the encoding (in field order): every row's raw value, NaN = missing.
  std::vector<std::pair<std::string, std::vector<double>>> numbers;
  // Job-title words of a sample of rows: (row, words).
  std::vector<std::pair<size_t, std::vector<std::string>>> title_sample;
};

// The profile of each of the k segments of `labels` (rows of `x`, encoded by `encoding`).
std::vector<SegmentProfile> describe_segments(const SegmentEncoding& encoding, MatrixView x,
                                              std::span<const int32_t> labels, int k,
                                              const SegmentEvidence& evidence);

// The profile as stored with a segment (JSON: share, traits, numbers, words).
std::string segment_profile_json(const SegmentProfile& p);

// A projection of rows on the two directions of largest variance (PCA), fitted on a sample.
struct Pca2 {
  std::vector<double> mean, axis1, axis2;  // cols each
  std::pair<double, double> project(const float* row) const;
};
// Deterministic (fixed start vectors, sign fixed so the largest component is positive).
// Invalid when the sample is empty.
Result<Pca2> fit_pca2(MatrixView sample);

// "good" (silhouette >= 0.5: well separated), "fair" (>= 0.25), "weak".
std::string_view silhouette_grade(double silhouette);

}  // namespace mimicom
