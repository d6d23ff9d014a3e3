// Segmentation rules without I/O: parameters, segment profiles and names, the 2D projection,
// the grade, and the fitted encoding kept as JSON.
#include "core/segmentation.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

namespace mimicom {
namespace {

bool has_field_error(const Error& e, const std::string& field) {
  for (const auto& f : e.fields)
    if (f.field == field) return true;
  return false;
}

TEST(SegmentationParams, ReadsAFullRequest) {
  auto p = parse_segmentation_params(
      R"({"filter": {"sector": "Industrie", "status": "new"}, "fields": ["sector", "annual_revenue"], "k": 4, "seed": 9})");
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->fields, (std::vector<std::string>{"sector", "annual_revenue"}));
  EXPECT_EQ(p->k, 4);
  EXPECT_EQ(p->seed, 9u);
  EXPECT_NE(p->filter.find("Industrie"), std::string::npos);
  // What is stored reads back the same.
  auto again = parse_segmentation_params(segmentation_params_json(*p));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->fields, p->fields);
  EXPECT_EQ(again->k, p->k);
  EXPECT_EQ(again->filter, p->filter);
}

TEST(SegmentationParams, AutomaticIsNullOrAuto) {
  EXPECT_FALSE(parse_segmentation_params(R"({"fields": ["sector"], "k": null})")->k);
  EXPECT_FALSE(parse_segmentation_params(R"({"fields": ["sector"], "k": "auto"})")->k);
  EXPECT_FALSE(parse_segmentation_params(R"({"fields": ["sector"]})")->k);
}

TEST(SegmentationParams, ReportsEveryBadInputAtOnce) {
  auto p = parse_segmentation_params(R"({"filter": {"status": "nope"}, "fields": ["sector", "shoe_size"], "k": 1, "seed": -2})");
  ASSERT_FALSE(p);
  EXPECT_TRUE(has_field_error(p.error(), "filter.status"));
  EXPECT_TRUE(has_field_error(p.error(), "fields"));
  EXPECT_TRUE(has_field_error(p.error(), "k"));
  EXPECT_TRUE(has_field_error(p.error(), "seed"));
  EXPECT_TRUE(has_field_error(parse_segmentation_params(R"({"fields": []})").error(), "fields"));
  EXPECT_TRUE(has_field_error(parse_segmentation_params(R"({"fields": ["sector"], "k": 21})").error(), "k"));
  EXPECT_TRUE(has_field_error(parse_segmentation_params(R"({"fields": ["sector"], "k": "3"})").error(), "k"));
}

TEST(SegmentationFeatures, ListsTheProspectFieldsThenCustomNumbers) {
  auto options = segment_feature_options({"score"});
  ASSERT_EQ(options.size(), 10u);
  EXPECT_EQ(options[0].field, "sector");
  EXPECT_TRUE(options[0].by_default);
  EXPECT_EQ(options.back().field, "custom_fields.score");
  EXPECT_EQ(options.back().kind, "number");
}

// Two segments: 60 % Industrie and large in the first, BTP and small in the second.
struct Fixture {
  std::vector<Prospect> ps;
  std::vector<int32_t> labels;
  SegmentEncoding enc;
  FeatureMatrix x;
  SegmentEvidence evidence;
};

Fixture two_segments() {
  Fixture f;
  for (int i = 0; i < 100; ++i) {
    Prospect p;
    bool first = i < 40;
    p.sector = first ? (i < 24 ? "Industrie" : "Conseil") : (i < 90 ? "BTP" : "Conseil");
    p.company_size = first ? "250-999" : "1-9";
    p.annual_revenue = first ? 5e7 + i : 2e5 + i;
    p.job_title = first ? "Directeur d'usine" : "Gérant";
    f.ps.push_back(p);
    f.labels.push_back(first ? 0 : 1);
  }
  auto b = SegmentEncodingBuilder::create({{"sector", "company_size", "annual_revenue", "job_title"}});
  b->add(f.ps);
  f.enc = b->finish();
  f.x = f.enc.encode(f.ps);
  std::vector<double> revenue;
  for (const auto& p : f.ps) revenue.push_back(*p.annual_revenue);
  f.evidence.numbers.emplace_back("annual_revenue", revenue);
  for (size_t r = 0; r < f.ps.size(); ++r) f.evidence.title_sample.emplace_back(r, title_words(*f.ps[r].job_title));
  return f;
}

TEST(DescribeSegments, SharesLiftsMediansWordsAndNames) {
  Fixture f = two_segments();
  auto profiles = describe_segments(f.enc, {f.x.values.data(), f.x.rows, f.x.cols}, f.labels, 2, f.evidence);
  ASSERT_EQ(profiles.size(), 2u);
  const auto& a = profiles[0];
  EXPECT_EQ(a.size, 40);
  EXPECT_DOUBLE_EQ(a.share, 0.4);
  // Industrie: 24 of 40 (60 %) here, 24 of 100 over all: lift 2.5.
  const SegmentTrait* industrie = nullptr;
  for (const auto& t : a.traits)
    if (t.value == "Industrie") industrie = &t;
  ASSERT_NE(industrie, nullptr);
  EXPECT_DOUBLE_EQ(industrie->share, 0.6);
  EXPECT_DOUBLE_EQ(industrie->base_share, 0.24);
  EXPECT_DOUBLE_EQ(industrie->lift, 2.5);
  for (size_t i = 1; i < a.traits.size(); ++i) EXPECT_GE(a.traits[i - 1].lift, a.traits[i].lift);
  // Conseil is 16 of 40 here but 26 of 100 over all: over-represented (1.54), kept.
  // Medians: rows 0..39 of the first segment hold 5e7 + 0…39.
  ASSERT_EQ(a.numbers.size(), 1u);
  EXPECT_DOUBLE_EQ(*a.numbers[0].median, 5e7 + 19.5);
  // Over all rows: the 50th and 51st of the sorted values are the small ones 2e5+89, 2e5+90.
  EXPECT_DOUBLE_EQ(*a.numbers[0].base_median, 2e5 + 89.5);
  ASSERT_FALSE(a.words.empty());
  EXPECT_TRUE(a.words[0].word == "directeur" || a.words[0].word == "usine");
  EXPECT_EQ(a.name, "Industrie · 250–999 salariés · CA élevé");
  // Its revenue (median 2e5+69.5) is not half the run's: no revenue in the name.
  EXPECT_EQ(profiles[1].name, "BTP · 1–9 salariés");
}

TEST(DescribeSegments, NamesAreUniqueAndNeverEmpty) {
  Fixture f = two_segments();
  // The same prospects split at random into three: nothing distinguishes them.
  std::vector<int32_t> labels;
  for (size_t i = 0; i < f.ps.size(); ++i) labels.push_back(static_cast<int32_t>((i * 7) % 3));
  SegmentEvidence none;
  auto profiles = describe_segments(f.enc, {f.x.values.data(), f.x.rows, f.x.cols}, labels, 3, none);
  std::set<std::string> names;
  for (const auto& p : profiles) {
    EXPECT_FALSE(p.name.empty());
    names.insert(p.name);
  }
  EXPECT_EQ(names.size(), 3u);
}

TEST(Pca2, FindsTheDirectionOfLargestSpread) {
  // Points along (1, 1, 0), each with a twin 0.2 away along (0, 0, 1): no correlation between
  // the two directions, so the axes are exactly these.
  std::vector<float> v;
  for (int i = -50; i <= 50; ++i)
    for (float z : {0.1f, -0.1f}) v.insert(v.end(), {static_cast<float>(i), static_cast<float>(i), z});
  auto p = fit_pca2({v.data(), v.size() / 3, 3});
  ASSERT_TRUE(p);
  EXPECT_NEAR(p->axis1[0], std::sqrt(0.5), 1e-6);
  EXPECT_NEAR(p->axis1[1], std::sqrt(0.5), 1e-6);
  EXPECT_NEAR(p->axis1[2], 0, 1e-6);
  double dot = 0;
  for (int j = 0; j < 3; ++j) dot += p->axis1[j] * p->axis2[j];
  EXPECT_NEAR(dot, 0, 1e-9);
  auto [a, b] = p->project(v.data());  // the point (-50, -50, 0.1)
  EXPECT_NEAR(a, -50 * std::sqrt(2.0), 1e-3);
  EXPECT_NEAR(std::fabs(b), 0.1, 1e-3);
  EXPECT_FALSE(fit_pca2({v.data(), 0, 3}));
}

TEST(SilhouetteGrade, ThreeLevels) {
  EXPECT_EQ(silhouette_grade(0.7), "good");
  EXPECT_EQ(silhouette_grade(0.5), "good");
  EXPECT_EQ(silhouette_grade(0.3), "fair");
  EXPECT_EQ(silhouette_grade(0.1), "weak");
  EXPECT_EQ(silhouette_grade(-0.2), "weak");
}

TEST(SegmentEncodingJson, ReadsBackAnEncodingThatEncodesTheSame) {
  Fixture f = two_segments();
  Prospect unseen;
  unseen.sector = "Jamais vu";
  unseen.job_title = "Directeur";
  f.ps.push_back(unseen);
  auto back = SegmentEncoding::from_json(f.enc.to_json());
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->columns(), f.enc.columns());
  EXPECT_EQ(back->encode(f.ps).values, f.enc.encode(f.ps).values);
}

TEST(SegmentEncodingJson, RefusesATextItDidNotWrite) {
  EXPECT_FALSE(SegmentEncoding::from_json("not json"));
  EXPECT_FALSE(SegmentEncoding::from_json(R"({"version": 2})"));
  Fixture f = two_segments();
  std::string text = f.enc.to_json();
  // A column index beyond the matrix must not be accepted (encode would write past a row).
  auto pos = text.find("\"missing_column\":");
  ASSERT_NE(pos, std::string::npos);
  std::string broken = text.substr(0, pos) + "\"missing_column\":999" + text.substr(text.find_first_of(",}", pos + 17));
  EXPECT_FALSE(SegmentEncoding::from_json(broken));
}

}  // namespace
}  // namespace mimicom
