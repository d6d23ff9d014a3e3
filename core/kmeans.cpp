#include "core/kmeans.hpp"

#include <faiss/IndexFlat.h>
#include <faiss/utils/distances.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <exception>
#include <limits>
#include <map>
#include <string>

namespace mimicom {

namespace {

// splitmix64: tiny, and the same stream on every platform (std distributions are not).
struct Rng {
  uint64_t state;
  uint64_t next() {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }  // [0, 1)
  size_t below(size_t n) { return static_cast<size_t>(uniform() * static_cast<double>(n)); }
};

// OpenMP's thread count is per calling thread: set it for one call, put it back after.
// Small matrices get fewer threads than asked: below about a million values a parallel
// region's start and barriers cost more than its work, and when the cores are busy elsewhere
// (other workers, a test run in parallel) each barrier can wait a whole scheduler slice:
// a 6,000-row fit measured 40x slower on 2 threads beside a compiler than on 1.
class ThreadScope {
 public:
  ThreadScope(int threads, size_t values) : previous_(omp_get_max_threads()) {
    size_t wanted = threads > 0 ? static_cast<size_t>(threads) : static_cast<size_t>(omp_get_num_procs());
    omp_set_num_threads(static_cast<int>(std::clamp<size_t>(values / 1000000, 1, wanted)));
  }
  ~ThreadScope() { omp_set_num_threads(previous_); }
  ThreadScope(const ThreadScope&) = delete;
  ThreadScope& operator=(const ThreadScope&) = delete;

 private:
  int previous_;
};

// In float, vectorised (the simd reduction lets the compiler reorder the sum, the same way on
// every run): the seeding and the silhouette call it billions of times.
float squared_distance(const float* a, const float* b, size_t d) {
  float s = 0;
#pragma omp simd reduction(+ : s)
  for (size_t j = 0; j < d; ++j) {
    float t = a[j] - b[j];
    s += t * t;
  }
  return s;
}

// In double, for the inertia reported and compared.
double exact_squared_distance(const float* a, const float* b, size_t d) {
  double s = 0;
  for (size_t j = 0; j < d; ++j) {
    double t = static_cast<double>(a[j]) - b[j];
    s += t * t;
  }
  return s;
}

// `count` distinct row numbers out of `rows`, ascending (Knuth's selection sampling: one pass,
// no n-sized buffer).
std::vector<size_t> sample_rows(size_t rows, size_t count, uint64_t seed) {
  std::vector<size_t> out;
  if (count >= rows) {
    out.resize(rows);
    for (size_t i = 0; i < rows; ++i) out[i] = i;
    return out;
  }
  out.reserve(count);
  Rng rng{seed};
  for (size_t i = 0; i < rows && out.size() < count; ++i)
    if (rng.uniform() * static_cast<double>(rows - i) < static_cast<double>(count - out.size())) out.push_back(i);
  return out;
}

// Greedy k-means++ (Arthur & Vassilvitskii's seeding, with scikit-learn's 2 + ln k candidates
// per step, keeping the one that lowers the potential most) over the sampled rows.
std::vector<float> seed_centroids(MatrixView x, int k, size_t sample, uint64_t seed) {
  const size_t d = x.cols;
  Rng rng{seed};
  std::vector<size_t> rows = sample_rows(x.rows, sample, rng.next());
  const size_t m = rows.size();
  std::vector<float> centroids(static_cast<size_t>(k) * d);
  auto set_centroid = [&](int c, size_t row) { std::copy_n(x.row(row), d, centroids.data() + c * d); };

  set_centroid(0, rows[rng.below(m)]);
  std::vector<double> closest(m), candidate(m);
  double potential = 0;
  for (size_t i = 0; i < m; ++i) potential += closest[i] = squared_distance(x.row(rows[i]), centroids.data(), d);
  const int trials = 2 + static_cast<int>(std::log(k));
  for (int c = 1; c < k; ++c) {
    size_t best_row = rows[rng.below(m)];  // every sampled row sits on a centroid: any will do
    double best_potential = std::numeric_limits<double>::infinity();
    std::vector<double> best_closest;
    for (int t = 0; t < trials && potential > 0; ++t) {
      double target = rng.uniform() * potential, run = 0;
      size_t pick = m - 1;
      for (size_t i = 0; i < m; ++i) {
        run += closest[i];
        if (run > target) {
          pick = i;
          break;
        }
      }
      const float* cand = x.row(rows[pick]);
#pragma omp parallel for schedule(static)
      for (long long i = 0; i < static_cast<long long>(m); ++i)
        candidate[i] = std::min<double>(closest[i], squared_distance(x.row(rows[i]), cand, d));
      double pot = 0;  // summed in row order: the same whatever the thread count
      for (size_t i = 0; i < m; ++i) pot += candidate[i];
      if (pot < best_potential) {
        best_potential = pot;
        best_row = rows[pick];
        best_closest = candidate;
      }
    }
    set_centroid(c, best_row);
    if (!best_closest.empty()) {
      closest.swap(best_closest);
      potential = best_potential;
    }
  }
  return centroids;
}

Status check_matrix(MatrixView x) {
  if (x.cols == 0) return fail(Error::Invalid("cols", "La matrice n'a aucune colonne"));
  if (x.rows > 0 && !x.data) return fail(Error::Invalid("data", "Matrice absente"));
  for (size_t i = 0; i < x.rows * x.cols; ++i)
    if (!std::isfinite(x.data[i]))
      return fail(Error::Invalid("data", "Valeur non finie à la ligne " + std::to_string(i / x.cols)));
  return {};
}

// Squared L2 from each row to its centroid, exact (double), after FAISS's BLAS search: the
// search's |x|² + |c|² - 2x·c loses digits, the inertia compared with others should not.
void exact_distances(MatrixView x, const float* centroids, const int32_t* labels, float* out, double* sum) {
  std::vector<double> d(x.rows);
#pragma omp parallel for schedule(static)
  for (long long i = 0; i < static_cast<long long>(x.rows); ++i)
    d[i] = exact_squared_distance(x.row(i), centroids + static_cast<size_t>(labels[i]) * x.cols, x.cols);
  double s = 0;  // summed in row order: the same total whatever the thread count
  for (size_t i = 0; i < x.rows; ++i) {
    out[i] = static_cast<float>(d[i]);
    s += d[i];
  }
  *sum += s;
}

Result<Assignment> assign_unchecked(const KMeansModel& model, MatrixView x, size_t batch_rows) {
  Assignment a;
  a.labels.resize(x.rows);
  a.distances.resize(x.rows);
  try {
    faiss::IndexFlatL2 index(static_cast<faiss::Index::idx_t>(model.cols));
    index.add(model.k, model.centroids.data());
    std::vector<faiss::Index::idx_t> ids;
    std::vector<float> dis;
    for (size_t start = 0; start < x.rows; start += batch_rows) {
      size_t n = std::min(batch_rows, x.rows - start);
      ids.resize(n);
      dis.resize(n);
      index.search(static_cast<faiss::Index::idx_t>(n), x.row(start), 1, dis.data(), ids.data());
      for (size_t i = 0; i < n; ++i) a.labels[start + i] = static_cast<int32_t>(ids[i]);
      exact_distances({x.row(start), n, x.cols}, model.centroids.data(), a.labels.data() + start,
                      a.distances.data() + start, &a.inertia);
    }
  } catch (const std::exception& e) {
    return fail(Error::Internal(std::string("k-means : ") + e.what()));
  }
  return a;
}

}  // namespace

Result<KMeansFit> kmeans_fit(MatrixView x, const KMeansOptions& o) {
  if (auto s = check_matrix(x); !s) return fail(s.error());
  std::vector<FieldError> errors;
  if (o.k < 1 || static_cast<size_t>(o.k) > x.rows)
    errors.push_back({"k", "Doit être compris entre 1 et le nombre de lignes (" + std::to_string(x.rows) + ")"});
  if (o.restarts < 1) errors.push_back({"restarts", "Doit être au moins 1"});
  if (o.max_iterations < 1) errors.push_back({"max_iterations", "Doit être au moins 1"});
  if (!errors.empty()) return fail(Error::Invalid(std::move(errors)));
  ThreadScope threads(o.threads, x.rows * x.cols);
  const size_t d = x.cols;

  double tolerance = 0;  // set below, before the first iteration
  // Lloyd iterations from `centroids` (k × d, updated in place) over `rows`; returns how many.
  // Each: the nearest centroid of every row by FAISS's exhaustive search (BLAS products), then
  // each centroid the mean of its rows, summed in double by blocks of rows in parallel and the
  // blocks added in order (the same sums whatever the thread count). A centroid left without
  // rows stays where it was. Driving the iterations here rather than through
  // faiss::Clustering::train lets convergence be checked after every iteration, and spares
  // what each train() call does first (a check of every value, a permutation of the rows).
  auto iterate = [&](MatrixView rows, std::vector<float>& centroids) -> Result<int> {
    ThreadScope scope(o.threads, rows.rows * d);  // a sample gets the threads its size is worth
    const size_t n = rows.rows, k = static_cast<size_t>(o.k);
    constexpr size_t kBlock = 16384;
    const size_t blocks = (n + kBlock - 1) / kBlock;
    std::vector<int64_t> nearest(n);
    std::vector<float> distances(n);
    std::vector<double> block_sums(blocks * k * d), sums(k * d);
    std::vector<int64_t> block_counts(blocks * k), counts(k);
    int iterations = 0;
    try {
      while (iterations < o.max_iterations) {
        faiss::knn_L2sqr(rows.data, centroids.data(), d, n, k, 1, distances.data(), nearest.data());
#pragma omp parallel for schedule(static)
        for (long long b = 0; b < static_cast<long long>(blocks); ++b) {
          double* sum = block_sums.data() + static_cast<size_t>(b) * k * d;
          int64_t* count = block_counts.data() + static_cast<size_t>(b) * k;
          std::fill(sum, sum + k * d, 0.0);
          std::fill(count, count + k, 0);
          const size_t first = static_cast<size_t>(b) * kBlock, last = std::min(n, first + kBlock);
          for (size_t i = first; i < last; ++i) {
            const size_t c = static_cast<size_t>(nearest[i]);
            const float* r = rows.row(i);
            double* s = sum + c * d;
            for (size_t j = 0; j < d; ++j) s[j] += r[j];
            ++count[c];
          }
        }
        std::fill(sums.begin(), sums.end(), 0.0);
        std::fill(counts.begin(), counts.end(), 0);
        for (size_t b = 0; b < blocks; ++b) {
          for (size_t i = 0; i < k * d; ++i) sums[i] += block_sums[b * k * d + i];
          for (size_t c = 0; c < k; ++c) counts[c] += block_counts[b * k + c];
        }
        double shift = 0;
        for (size_t c = 0; c < k; ++c) {
          if (counts[c] == 0) continue;
          for (size_t j = 0; j < d; ++j) {
            const float v = static_cast<float>(sums[c * d + j] / static_cast<double>(counts[c]));
            const double t = static_cast<double>(v) - centroids[c * d + j];
            shift += t * t;
            centroids[c * d + j] = v;
          }
        }
        ++iterations;
        if (shift <= tolerance) break;
      }
    } catch (const std::exception& e) {
      return fail(Error::Internal(std::string("k-means : ") + e.what()));
    }
    return iterations;
  };

  // The restarts compete on a sample when there are many rows: a restart's outcome (which
  // basin the seeds fall into) shows as well on 20,000 rows as on millions, at a fraction of
  // the cost, so more of them can be afforded. The winner is then iterated on every row, from
  // centroids already close to it. They are ranked on another, larger sample: on the rows they
  // were fitted to, basins a few tenths of a percent apart swap places, and ranking on every
  // row would cost a pass each.
  auto copy_sample = [&](size_t count, uint64_t salt, std::vector<float>& out) -> MatrixView {
    if (x.rows <= count) return x;
    std::vector<size_t> rows = sample_rows(x.rows, count, o.seed ^ salt);
    out.resize(rows.size() * d);
    for (size_t i = 0; i < rows.size(); ++i) std::copy_n(x.row(rows[i]), d, out.data() + i * d);
    return {out.data(), rows.size(), d};
  };
  std::vector<float> trial_rows, rank_rows;
  MatrixView trial = x, rank = x;
  if (x.rows > o.restart_sample && o.restart_sample >= static_cast<size_t>(o.k)) {
    trial = copy_sample(o.restart_sample, 0xC1A55E5ull, trial_rows);
    rank = copy_sample(4 * o.restart_sample, 0x7A4Bull, rank_rows);
  }
  // scikit-learn's tolerance: relative to the mean variance of the columns (estimated on the
  // ranking sample: a stopping threshold needs no more precision, and it saves two passes).
  std::vector<double> sum(d, 0), sum2(d, 0);
  for (size_t i = 0; i < rank.rows; ++i)
    for (size_t j = 0; j < d; ++j) {
      double v = rank.row(i)[j];
      sum[j] += v;
      sum2[j] += v * v;
    }
  double variance = 0;
  const double n = static_cast<double>(rank.rows);
  for (size_t j = 0; j < d; ++j) variance += std::max(0.0, sum2[j] / n - (sum[j] / n) * (sum[j] / n));
  tolerance = o.tolerance * variance / static_cast<double>(d);

  KMeansFit best;
  best.inertia = std::numeric_limits<double>::infinity();
  Rng seeds{o.seed};
  for (int restart = 0; restart < o.restarts; ++restart) {
    ThreadScope scope(o.threads, std::min(trial.rows, o.seeding_sample) * d);
    KMeansModel model{o.k, d, seed_centroids(trial, o.k, o.seeding_sample, seeds.next())};
    auto iterations = iterate(trial, model.centroids);
    if (!iterations) return fail(iterations.error());
    auto a = assign_unchecked(model, rank, 65536);
    if (!a) return fail(a.error());
    if (a->inertia < best.inertia) {
      best.model = std::move(model);
      best.labels = std::move(a->labels);
      best.inertia = a->inertia;
      best.iterations = *iterations;
    }
  }
  if (trial.data != x.data) {
    auto iterations = iterate(x, best.model.centroids);
    if (!iterations) return fail(iterations.error());
    auto a = assign_unchecked(best.model, x, 65536);
    if (!a) return fail(a.error());
    best.labels = std::move(a->labels);
    best.inertia = a->inertia;
    best.iterations = *iterations;
  }
  return best;
}

Result<Assignment> kmeans_assign(const KMeansModel& model, MatrixView x, int threads, size_t batch_rows) {
  if (x.cols != model.cols)
    return fail(Error::Invalid("cols", "La matrice a " + std::to_string(x.cols) + " colonnes, le modèle " +
                                           std::to_string(model.cols)));
  if (model.k < 1 || model.centroids.size() != static_cast<size_t>(model.k) * model.cols)
    return fail(Error::Invalid("model", "Modèle incomplet"));
  if (auto s = check_matrix(x); !s) return fail(s.error());
  ThreadScope scope(threads, x.rows * x.cols);
  return assign_unchecked(model, x, std::max<size_t>(batch_rows, 1));
}

Result<double> silhouette(MatrixView x, std::span<const int32_t> labels, size_t sample, uint64_t seed) {
  if (labels.size() != x.rows) return fail(Error::Invalid("labels", "Une étiquette par ligne"));
  if (x.cols == 0 || x.rows == 0) return fail(Error::Invalid("data", "Matrice vide"));
  std::vector<size_t> rows = sample_rows(x.rows, sample, seed);
  const size_t m = rows.size();
  int k = 0;
  for (size_t r : rows) {
    if (labels[r] < 0) return fail(Error::Invalid("labels", "Étiquette négative"));
    k = std::max(k, labels[r] + 1);
  }
  std::vector<long long> size(k, 0);
  for (size_t r : rows) ++size[labels[r]];
  if (std::count_if(size.begin(), size.end(), [](long long s) { return s > 0; }) < 2)
    return fail(Error::Invalid("labels", "Il faut au moins deux segments dans l'échantillon"));

  std::vector<double> score(m, 0);
#pragma omp parallel
  {
    std::vector<double> sum(k);
#pragma omp for schedule(dynamic, 16)
    for (long long i = 0; i < static_cast<long long>(m); ++i) {
      std::fill(sum.begin(), sum.end(), 0);
      const float* xi = x.row(rows[i]);
      for (size_t j = 0; j < m; ++j) sum[labels[rows[j]]] += std::sqrt(squared_distance(xi, x.row(rows[j]), x.cols));
      const int own = labels[rows[i]];
      if (size[own] < 2) continue;  // alone in its cluster: 0
      double a = sum[own] / static_cast<double>(size[own] - 1);
      double b = std::numeric_limits<double>::infinity();
      for (int c = 0; c < k; ++c)
        if (c != own && size[c] > 0) b = std::min(b, sum[c] / static_cast<double>(size[c]));
      double denom = std::max(a, b);
      score[i] = denom > 0 ? (b - a) / denom : 0;
    }
  }
  double total = 0;
  for (double s : score) total += s;
  return total / static_cast<double>(m);
}

Result<KChoice> choose_k(MatrixView x, int k_min, int k_max, const KMeansOptions& options, size_t fit_sample,
                         size_t silhouette_sample) {
  if (k_min < 2 || k_max < k_min) return fail(Error::Invalid("k", "Il faut 2 ≤ k_min ≤ k_max"));
  if (auto s = check_matrix(x); !s) return fail(s.error());
  ThreadScope threads(options.threads, std::min(fit_sample, x.rows) * x.cols);
  std::vector<size_t> rows = sample_rows(x.rows, fit_sample, options.seed ^ 0x5A3C1E);
  if (rows.size() < static_cast<size_t>(k_max))
    return fail(Error::Invalid("k", "Pas assez de lignes pour " + std::to_string(k_max) + " segments"));
  std::vector<float> values(rows.size() * x.cols);
  for (size_t i = 0; i < rows.size(); ++i) std::copy_n(x.row(rows[i]), x.cols, values.data() + i * x.cols);
  MatrixView sample{values.data(), rows.size(), x.cols};

  KChoice choice;
  double best = -std::numeric_limits<double>::infinity();
  for (int k = k_min; k <= k_max; ++k) {
    KMeansOptions o = options;
    o.k = k;
    auto fit = kmeans_fit(sample, o);
    if (!fit) return fail(fit.error());
    auto s = silhouette(sample, fit->labels, silhouette_sample, options.seed);
    // Fewer distinct clusters than k in the silhouette sample: this k adds nothing.
    double score = s ? *s : -1;
    choice.scores.push_back({k, score, fit->inertia});
    if (score > best) {
      best = score;
      choice.k = k;
    }
  }
  return choice;
}

Result<double> adjusted_rand_index(std::span<const int32_t> a, std::span<const int32_t> b) {
  if (a.size() != b.size() || a.empty()) return fail(Error::Invalid("labels", "Deux étiquetages de même taille"));
  // Dense codes for each side's labels, then the contingency table.
  auto codes = [](std::span<const int32_t> l, std::vector<size_t>& out) {
    std::map<int32_t, size_t> index;
    out.resize(l.size());
    for (size_t i = 0; i < l.size(); ++i) out[i] = index.emplace(l[i], index.size()).first->second;
    return index.size();
  };
  std::vector<size_t> ca, cb;
  const size_t ra = codes(a, ca), rb = codes(b, cb);
  std::vector<double> table(ra * rb, 0), rows(ra, 0), cols(rb, 0);
  for (size_t i = 0; i < a.size(); ++i) {
    ++table[ca[i] * rb + cb[i]];
    ++rows[ca[i]];
    ++cols[cb[i]];
  }
  auto pairs = [](double n) { return n * (n - 1) / 2; };
  double index = 0, sum_a = 0, sum_b = 0;
  for (double n : table) index += pairs(n);
  for (double n : rows) sum_a += pairs(n);
  for (double n : cols) sum_b += pairs(n);
  const double expected = sum_a * sum_b / pairs(static_cast<double>(a.size()));
  const double max = (sum_a + sum_b) / 2;
  if (max == expected) return 1.0;  // both one cluster (or all singletons): identical partitions
  return (index - expected) / (max - expected);
}

}  // namespace mimicom
