#pragma once
// k-means for segmentation: fit k centroids to the rows of a feature matrix
// (core/segment_features.hpp), assign rows to the nearest centroid, and judge a clustering
// (silhouette on a sample, adjusted Rand index) so that k can be chosen automatically.
//
// Lloyd's iterations: the nearest centroids by FAISS's exact search (faiss::knn_L2sqr, whose
// distances are BLAS products, hence libopenblas0-openmp as the active BLAS), each centroid
// the mean of its rows, convergence checked after every iteration. The seeding is
// ours: FAISS 1.7 starts from random rows, which on segment data (few, unequal, well-separated
// groups) can put two seeds in one group and none in another; greedy k-means++ (the seeding
// of scikit-learn) on a sample avoids that, and `restarts` independent seedings keep the
// lowest inertia. On more than `restart_sample` rows the restarts compete on a sample of that
// size and only the winner is iterated on every row (most of the cost of a restart is finding
// its basin, which a sample shows as well). Iterations stop on scikit-learn's rule (total
// squared centroid shift below `tolerance` times the mean column variance) or at
// `max_iterations`.
//
// Deterministic: the same matrix, options and thread count give the same centroids and labels
// (own PRNG; centroids summed by fixed blocks of rows, the blocks added in order).
//
// Threads: each function may run on any thread and concurrently with the others; each uses
// at most `threads` OpenMP threads (set for the calling thread only, for its duration), one
// per million matrix values at most: below that, parallel regions cost more than they save.
#include <cstdint>
#include <span>
#include <vector>

#include "core/error.hpp"

namespace mimicom {

// Rows of `cols` floats, row-major, not owned (a FeatureMatrix's values, or a part of them).
struct MatrixView {
  const float* data = nullptr;
  size_t rows = 0, cols = 0;
  const float* row(size_t r) const { return data + r * cols; }
};

struct KMeansOptions {
  int k = 8;
  uint64_t seed = 0;
  int restarts = 10;         // independent seedings; the lowest inertia is kept
  int max_iterations = 100;  // per restart
  double tolerance = 1e-4;   // scikit-learn's `tol`
  int threads = 0;           // OpenMP threads; 0: one per core
  size_t seeding_sample = 50000;  // rows the k-means++ seeding looks at
  size_t restart_sample = 20000;  // above this many rows, restarts compete on a sample of it
};

// k centroids of `cols` floats, row-major: enough to assign new rows later.
struct KMeansModel {
  int k = 0;
  size_t cols = 0;
  std::vector<float> centroids;
};

struct KMeansFit {
  KMeansModel model;
  std::vector<int32_t> labels;  // per row, in [0, k)
  double inertia = 0;           // sum of squared distances of rows to their centroid
  int iterations = 0;           // over every row (of the kept restart)
};

struct Assignment {
  std::vector<int32_t> labels;
  std::vector<float> distances;  // squared L2 to the nearest centroid
  double inertia = 0;
};

// Fits k centroids to `x`. Invalid when k < 1, k > rows, cols = 0, restarts < 1,
// max_iterations < 1 or a value is not finite; Internal if FAISS fails.
Result<KMeansFit> kmeans_fit(MatrixView x, const KMeansOptions& options);

// The nearest centroid of each row of `x` (rows.cols must equal model.cols: else Invalid),
// searched in batches of `batch_rows` so memory stays flat on any size.
Result<Assignment> kmeans_assign(const KMeansModel& model, MatrixView x, int threads = 0,
                                 size_t batch_rows = 65536);

// The mean silhouette (-1…1, higher is better separated) of `labels` over at most `sample`
// rows drawn with `seed` (exact: all pairwise distances within the sample). A cluster of one
// sampled row scores 0, as in scikit-learn. Invalid when sizes disagree or fewer than two
// clusters appear in the sample.
Result<double> silhouette(MatrixView x, std::span<const int32_t> labels, size_t sample = 2000, uint64_t seed = 0);

struct KChoice {
  int k = 0;  // the chosen one: highest silhouette (the smaller k on a tie)
  struct Score {
    int k = 0;
    double silhouette = 0, inertia = 0;
  };
  std::vector<Score> scores;  // per k tried, ascending
};

// "Automatic" k: fits every k in [k_min, k_max] (options.k ignored) on at most `fit_sample`
// rows, and scores each by silhouette on `silhouette_sample` of them. Invalid when
// k_min < 2, k_max < k_min or the sample has fewer than k_max rows.
Result<KChoice> choose_k(MatrixView x, int k_min, int k_max, const KMeansOptions& options,
                         size_t fit_sample = 20000, size_t silhouette_sample = 2000);

// Agreement of two labelings of the same rows, corrected for chance: 1 identical up to
// renaming, ~0 random. Invalid when sizes differ or are empty.
Result<double> adjusted_rand_index(std::span<const int32_t> a, std::span<const int32_t> b);

}  // namespace mimicom
