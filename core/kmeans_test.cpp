// k-means on prospects with planted segments: each prospect follows one of k profiles
// (sector, region, company size, revenue, job title) with noise, goes through the real
// encoding, and the fit must find the profiles again.
#include "core/kmeans.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "core/segment_features.hpp"

namespace mimicom {
namespace {

struct Profile {
  const char* sector;
  const char* region;
  const char* size;
  double revenue;
  const char* title;
};
constexpr Profile kProfiles[] = {
    {"BTP", "Bretagne", "1-9", 3e5, "Gérant"},
    {"Informatique & Télécoms", "Île-de-France", "250-999", 8e7, "Directeur des systèmes d'information"},
    {"Santé", "Occitanie", "10-49", 2e6, "Médecin associé"},
    {"Industrie", "Grand Est", "1000+", 9e8, "Responsable achats"},
    {"Conseil", "Auvergne-Rhône-Alpes", "50-249", 1.5e7, "Consultante senior"},
    {"Commerce de détail", "Normandie", "1-9", 6e5, "Commerçant"},
};
constexpr const char* kOtherSectors[] = {"Énergie", "Immobilier", "BTP", "Santé", "Conseil", "Industrie"};
constexpr const char* kOtherRegions[] = {"Corse", "Bretagne", "Occitanie", "Grand Est", "Normandie"};

// `n` prospects from the first `k` profiles (round robin, so the planted label is i % k);
// each categorical field is replaced by a random one with probability `noise`, the revenue
// varies by ±40 % and is missing with probability `noise`.
std::vector<Prospect> planted(int k, size_t n, double noise, uint32_t seed) {
  std::mt19937 rng(seed);
  auto chance = [&](double p) { return (rng() % 10000) < p * 10000; };
  std::vector<Prospect> out;
  for (size_t i = 0; i < n; ++i) {
    const Profile& pr = kProfiles[i % k];
    Prospect p;
    p.sector = chance(noise) ? kOtherSectors[rng() % 6] : pr.sector;
    p.region = chance(noise) ? kOtherRegions[rng() % 5] : pr.region;
    p.company_size = chance(noise) ? kCompanySizes[rng() % 5] : pr.size;
    if (!chance(noise)) p.annual_revenue = pr.revenue * (0.6 + 0.8 * (rng() % 1000) / 1000.0);
    if (!chance(noise)) p.job_title = pr.title;
    out.push_back(std::move(p));
  }
  return out;
}

std::vector<int32_t> planted_labels(int k, size_t n) {
  std::vector<int32_t> l(n);
  for (size_t i = 0; i < n; ++i) l[i] = static_cast<int32_t>(i % k);
  return l;
}

FeatureMatrix encode(const std::vector<Prospect>& ps) {
  auto b = SegmentEncodingBuilder::create({{"sector", "region", "company_size", "annual_revenue", "job_title"}});
  EXPECT_TRUE(b);
  b->add(ps);
  return b->finish().encode(ps);
}

MatrixView view(const FeatureMatrix& m) { return {m.values.data(), m.rows, m.cols}; }

TEST(KMeans, PlantedSegmentsAreRecovered) {
  for (int k : {4, 6}) {
    auto ps = planted(k, 6000, 0.15, 42 + k);
    auto m = encode(ps);
    KMeansOptions o;
    o.k = k;
    o.seed = 7;
    auto fit = kmeans_fit(view(m), o);
    ASSERT_TRUE(fit) << fit.error().message;
    ASSERT_EQ(fit->labels.size(), ps.size());
    auto ari = adjusted_rand_index(fit->labels, planted_labels(k, ps.size()));
    ASSERT_TRUE(ari);
    EXPECT_GE(*ari, 0.9) << "k=" << k;
    EXPECT_GT(fit->iterations, 0);
  }
}

// Above restart_sample rows the restarts compete on a sample and only the winner sees every
// row: the result must be as good, and as repeatable.
TEST(KMeans, RestartsOnASampleThenEveryRowRecoverPlantedSegmentsRepeatably) {
  auto ps = planted(5, 6000, 0.15, 77);
  auto m = encode(ps);
  KMeansOptions o;
  o.k = 5;
  o.seed = 9;
  o.restart_sample = 800;
  auto a = kmeans_fit(view(m), o), b = kmeans_fit(view(m), o);
  ASSERT_TRUE(a && b);
  EXPECT_GE(*adjusted_rand_index(a->labels, planted_labels(5, ps.size())), 0.9);
  EXPECT_EQ(a->labels, b->labels);
  EXPECT_EQ(a->model.centroids, b->model.centroids);
  auto again = kmeans_assign(a->model, view(m));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->labels, a->labels);  // the labels are those of the final centroids, on every row
}

TEST(KMeans, TheSameSeedGivesTheSameCentroidsAndLabels) {
  auto ps = planted(5, 4000, 0.3, 1);  // noisy: a fit that could wander if anything were random
  auto m = encode(ps);
  KMeansOptions o;
  o.k = 5;
  o.seed = 123;
  auto a = kmeans_fit(view(m), o), b = kmeans_fit(view(m), o);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->labels, b->labels);
  EXPECT_EQ(a->model.centroids, b->model.centroids);
  EXPECT_EQ(a->inertia, b->inertia);
}

TEST(KMeans, AssignGivesTheFitsLabelsInAnyBatchSize) {
  auto ps = planted(4, 3000, 0.15, 3);
  auto m = encode(ps);
  KMeansOptions o;
  o.k = 4;
  auto fit = kmeans_fit(view(m), o);
  ASSERT_TRUE(fit);
  auto whole = kmeans_assign(fit->model, view(m));
  auto batched = kmeans_assign(fit->model, view(m), 1, 100);
  ASSERT_TRUE(whole && batched);
  EXPECT_EQ(whole->labels, fit->labels);
  EXPECT_EQ(batched->labels, fit->labels);
  EXPECT_NEAR(whole->inertia, fit->inertia, 1e-9 * fit->inertia);
  EXPECT_EQ(batched->distances, whole->distances);
}

TEST(KMeans, ChooseKFindsThePlantedNumberOfSegments) {
  for (int k : {3, 5}) {
    auto ps = planted(k, 3000, 0.05, 11 + k);
    auto m = encode(ps);
    KMeansOptions o;
    o.seed = 5;
    o.restarts = 2;
    auto c = choose_k(view(m), 2, 8, o, 3000, 1000);
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->k, k);
    EXPECT_EQ(c->scores.size(), 7u);
  }
}

TEST(KMeans, SilhouetteOfTwoFarApartGroupsIsNearOne) {
  std::vector<float> x;
  std::vector<int32_t> labels;
  for (int i = 0; i < 100; ++i) {
    x.push_back(static_cast<float>(i % 2 ? 100 : 0) + 0.01f * (i % 7));
    x.push_back(0.01f * (i % 5));
    labels.push_back(i % 2);
  }
  MatrixView v{x.data(), 100, 2};
  auto s = silhouette(v, labels);
  ASSERT_TRUE(s);
  EXPECT_GT(*s, 0.99);
  std::vector<int32_t> one(100, 0);
  EXPECT_FALSE(silhouette(v, one));  // one cluster: undefined
}

TEST(KMeans, AdjustedRandIndexMatchesKnownValues) {
  std::vector<int32_t> a = {0, 0, 1, 1}, renamed = {5, 5, 3, 3}, split = {0, 0, 1, 2};
  EXPECT_DOUBLE_EQ(*adjusted_rand_index(a, renamed), 1.0);
  EXPECT_NEAR(*adjusted_rand_index(a, split), 0.5714285714285715, 1e-12);  // scikit-learn's value
  EXPECT_FALSE(adjusted_rand_index(a, std::vector<int32_t>{0, 1}));
}

TEST(KMeans, BadInputsAreInvalidNotCrashes) {
  std::vector<float> x = {0, 1, 2, 3};
  KMeansOptions o;
  o.k = 3;
  auto r = kmeans_fit({x.data(), 2, 2}, o);  // k above the row count
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Error::Code::Invalid);
  x[1] = std::nanf("");
  o.k = 1;
  r = kmeans_fit({x.data(), 2, 2}, o);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Error::Code::Invalid);
  KMeansModel model{1, 3, {0, 0, 0}};
  EXPECT_FALSE(kmeans_assign(model, {x.data(), 2, 2}));
}

}  // namespace
}  // namespace mimicom
