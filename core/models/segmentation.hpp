#pragma once
// A segmentation: one k-means run over the prospects of a filter (its parameters, results and
// fitted model), and the segments it found. Plain data; the rules are in core/segmentation.hpp,
// the job in worker/tasks.hpp.
#include <optional>
#include <string>
#include <vector>

namespace mimicom {

// One segment of a run. `id` is global (the prospects filter takes segment=ID); `index` is
// its place in the run (0…k-1), the label k-means gave it.
struct Segment {
  long long id = 0;
  long long segmentation_id = 0;
  int index = 0;
  std::string auto_name;            // generated from what distinguishes it
  std::optional<std::string> name;  // the user's, when they renamed it
  std::string description;          // the user's
  long long size = 0;               // prospects in it when the run was fitted
  std::string profile = "{}";       // JSON: share, traits, numbers, words (core/segmentation.hpp)
};

// pending (its fit job runs or will run; a failed job leaves it pending and says why) → ready.
struct Segmentation {
  long long id = 0;
  std::optional<long long> created_by;
  std::string name;
  std::string params = "{}";  // JSON: {"filter": {…}, "fields": […], "k": N|null, "seed": N}
  std::optional<long long> job_id;  // the latest job: the fit, or a later apply
  std::string state = "pending";
  std::string result = "{}";  // JSON, once ready: k, rows, silhouette, k_scores, points, centroids_2d
  std::string model;          // JSON, once ready: the fitted encoding and centroids (to apply again)
  std::optional<long long> applied_at;  // unix seconds; set on the one run whose ids prospects carry
  long long created_at = 0;             // unix seconds
  std::vector<Segment> segments;        // by index
};

}  // namespace mimicom
