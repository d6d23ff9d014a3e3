#include "core/segment_features.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

namespace mimicom {
namespace {

Prospect make(std::optional<std::string> sector, std::optional<double> revenue = std::nullopt,
              std::optional<std::string> title = std::nullopt) {
  Prospect p;
  p.sector = std::move(sector);
  p.annual_revenue = revenue;
  p.job_title = std::move(title);
  return p;
}

SegmentEncoding fit(SegmentFeatureChoice choice, const std::vector<Prospect>& ps) {
  auto b = SegmentEncodingBuilder::create(std::move(choice));
  EXPECT_TRUE(b.has_value());
  b->add(ps);
  return b->finish();
}

std::vector<std::string> names(const SegmentEncoding& e) {
  std::vector<std::string> out;
  for (const auto& c : e.columns()) out.push_back(c.name());
  return out;
}

TEST(SegmentFeatures, RareCategoriesJoinOtherAndEveryCategoryFieldHasOtherAndMissing) {
  std::vector<Prospect> ps;
  for (int i = 0; i < 60; ++i) ps.push_back(make("BTP"));
  for (int i = 0; i < 30; ++i) ps.push_back(make("Santé"));
  for (int i = 0; i < 5; ++i) ps.push_back(make("Conseil"));  // 5 %: below 10 %
  for (int i = 0; i < 5; ++i) ps.push_back(make(std::nullopt));
  auto e = fit({{"sector"}, 0.10}, ps);
  EXPECT_EQ(names(e), (std::vector<std::string>{"sector=BTP", "sector=Santé", "sector:other", "sector:missing"}));

  auto m = e.encode(std::vector<Prospect>{make("Santé"), make("Conseil"), make(std::nullopt)});
  ASSERT_EQ(m.rows, 3u);
  ASSERT_EQ(m.cols, 4u);
  EXPECT_EQ(std::vector<float>(m.values.begin(), m.values.end()),
            (std::vector<float>{0, 1, 0, 0,  //
                                0, 0, 1, 0,  //
                                0, 0, 0, 1}));
}

TEST(SegmentFeatures, ACategoryUnseenAtFitTimeGoesToOther) {
  auto e = fit({{"sector"}, 0.0}, {make("BTP"), make("Santé")});
  auto m = e.encode(std::vector<Prospect>{make("Énergie")});
  EXPECT_EQ(m.values, (std::vector<float>{0, 0, 1, 0}));
}

TEST(SegmentFeatures, NumbersAreLogScaledStandardisedAndMissingIsImputedAtTheMeanWithAFlag) {
  std::vector<Prospect> ps = {make(std::nullopt, 0.0), make(std::nullopt, 99.0), make(std::nullopt, 9999.0),
                              make(std::nullopt, std::nullopt)};
  auto e = fit({{"annual_revenue"}}, ps);
  EXPECT_EQ(names(e), (std::vector<std::string>{"annual_revenue", "annual_revenue:missing"}));
  // log1p: 0, ln 100, ln 10000 → mean ln 100, population std ln 100 * sqrt(2/3).
  const double l = std::log(100.0), sd = l * std::sqrt(2.0 / 3.0);
  auto m = e.encode(ps);
  EXPECT_NEAR(m.values[0], -l / sd, 1e-5);
  EXPECT_NEAR(m.values[2], 0, 1e-5);
  EXPECT_NEAR(m.values[4], l / sd, 1e-5);
  EXPECT_EQ(m.values[1] + m.values[3] + m.values[5], 0);
  EXPECT_EQ(m.values[6], 0);  // missing: at the mean…
  EXPECT_EQ(m.values[7], 1);  // …and flagged
}

TEST(SegmentFeatures, CustomNumericFieldsReadFrenchNumbersAndTreatTextAsMissing) {
  auto with = [](std::string v) {
    Prospect p;
    p.custom_fields = {{"effectif_site", std::move(v)}};
    return p;
  };
  std::vector<Prospect> ps = {with("1 234,5"), with("10"), with("beaucoup"), Prospect{}};
  auto e = fit({{"custom_fields.effectif_site"}}, ps);
  auto m = e.encode(ps);
  EXPECT_GT(m.values[0], 0);  // log1p(1234.5) above the mean of log1p(1234.5) and log1p(10)
  EXPECT_LT(m.values[2], 0);
  EXPECT_EQ(m.values[5], 1);  // "beaucoup": missing
  EXPECT_EQ(m.values[7], 1);  // no such field: missing
  EXPECT_EQ(m.values[1], 0);
}

TEST(SegmentFeatures, JobTitlesAreFoldedCutAndHashedTheSameWayEveryTime) {
  EXPECT_EQ(title_words("Directrice Générale d'Œuvre & Co-fondatrice"),
            (std::vector<std::string>{"directrice", "generale", "oeuvre", "co", "fondatrice"}));
  EXPECT_EQ(title_words("Responsable de la communication"),
            (std::vector<std::string>{"responsable", "communication"}));
  // Pinned values (FNV-1a 64): a change of hash would silently move every stored segment.
  EXPECT_EQ(title_bucket("directeur", 8), 0);
  EXPECT_EQ(title_bucket("commercial", 8), 3);

  auto e = fit({{"job_title"}, 0.01, 8}, {make(std::nullopt, std::nullopt, "Directeur commercial")});
  EXPECT_EQ(e.columns().size(), 9u);
  auto m = e.encode(std::vector<Prospect>{make(std::nullopt, std::nullopt, "DIRECTEUR Commercial"),
                                          make(std::nullopt, std::nullopt, std::nullopt)});
  EXPECT_EQ(m.values, (std::vector<float>{1, 0, 0, 1, 0, 0, 0, 0, 0,  //
                                          0, 0, 0, 0, 0, 0, 0, 0, 1}));
}

TEST(SegmentFeatures, TagsAreMultiHotWithRareTagsInOther) {
  auto tagged = [](std::vector<std::string> tags) {
    Prospect p;
    p.tags = std::move(tags);
    return p;
  };
  std::vector<Prospect> ps = {tagged({"a", "b"}), tagged({"a"}), tagged({"a", "rare"}), tagged({})};
  auto e = fit({{"tags"}, 0.3}, ps);
  EXPECT_EQ(names(e), (std::vector<std::string>{"tags=a", "tags:other", "tags:missing"}));
  auto m = e.encode(ps);
  EXPECT_EQ(m.values, (std::vector<float>{1, 1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1}));
}

TEST(SegmentFeatures, FittingInBatchesEqualsFittingAtOnce) {
  std::vector<Prospect> ps;
  const char* sectors[] = {"BTP", "Santé", "Conseil", "Industrie"};
  for (int i = 0; i < 200; ++i) ps.push_back(make(sectors[(i * 7) % 4], 1000.0 * (i % 13), "Chef de projet"));
  SegmentFeatureChoice choice{{"sector", "annual_revenue", "job_title"}, 0.05, 4};
  auto once = fit(choice, ps);
  auto b = SegmentEncodingBuilder::create(choice);
  ASSERT_TRUE(b);
  for (size_t i = 0; i < ps.size(); i += 37) b->add(std::span(ps).subspan(i, std::min<size_t>(37, ps.size() - i)));
  auto batched = b->finish();
  EXPECT_EQ(batched.columns(), once.columns());
  auto m1 = once.encode(ps), m2 = batched.encode(ps);
  ASSERT_EQ(m1.values.size(), m2.values.size());
  for (size_t i = 0; i < m1.values.size(); ++i) EXPECT_NEAR(m1.values[i], m2.values[i], 1e-6) << i;
}

// The one-pass path of the job: the rows a builder kept give exactly encode()'s floats, for
// every kind of field, batches of any size, and values absent, empty, rare or unseen.
TEST(SegmentFeatures, KeptRowsEncodeExactlyAsTheProspectsThemselves) {
  const char* sectors[] = {"BTP", "Santé", "Conseil", "Industrie", "", "Énergie"};
  const char* titles[] = {"Directrice Générale", "Chef de projet", "CEO", "", "d'", "Responsable œnologie"};
  const char* tags[] = {"vip", "salon", "rare"};
  std::vector<Prospect> ps;
  for (int i = 0; i < 500; ++i) {
    Prospect p = make(i % 11 == 0 ? std::nullopt : std::optional<std::string>(sectors[(i * 7) % 6]),
                      i % 5 == 0 ? std::nullopt : std::optional<double>(1000.0 * (i % 13) - 3000.0),
                      i % 9 == 0 ? std::nullopt : std::optional<std::string>(titles[(i * 5) % 6]));
    p.status = i % 3 ? "new" : "won";
    if (i % 4) p.employees = i % 17;
    for (int t = 0; t < 3; ++t)
      if ((i >> t) % 3 == 1 && (t != 2 || i % 50 == 0)) p.tags.push_back(tags[t]);
    std::sort(p.tags.begin(), p.tags.end());
    if (i % 6 == 0) p.custom_fields = {{"score", i % 12 ? std::to_string(i) + ",5" : "n/a"}};
    ps.push_back(std::move(p));
  }
  SegmentFeatureChoice choice{{"sector", "status", "tags", "annual_revenue", "employees", "job_title",
                               "custom_fields.score"},
                              0.05,
                              8};
  auto kept = SegmentEncodingBuilder::create(choice, true);
  ASSERT_TRUE(kept);
  for (size_t i = 0; i < ps.size(); i += 61) kept->add(std::span(ps).subspan(i, std::min<size_t>(61, ps.size() - i)));
  auto e = kept->finish();
  EXPECT_EQ(e.columns(), fit(choice, ps).columns()) << "keeping rows changes nothing of the fit";
  auto expected = e.encode(ps);
  std::vector<float> got(ps.size() * expected.cols, -1.0f);
  kept->encode_kept(e, 0, ps.size(), got);
  EXPECT_EQ(got, expected.values);
  // A part of the rows, at an offset.
  std::vector<float> part(100 * expected.cols, -1.0f);
  kept->encode_kept(e, 250, 100, part);
  EXPECT_TRUE(std::equal(part.begin(), part.end(), expected.values.begin() + 250 * static_cast<long>(expected.cols)));
  // The raw numbers, as segment_number reads them.
  auto revenue = kept->kept_numbers("annual_revenue"), score = kept->kept_numbers("custom_fields.score");
  ASSERT_EQ(revenue.size(), ps.size());
  ASSERT_EQ(score.size(), ps.size());
  for (size_t i = 0; i < ps.size(); ++i) {
    auto r = segment_number(ps[i], "annual_revenue"), c = segment_number(ps[i], "custom_fields.score");
    EXPECT_EQ(std::isnan(revenue[i]), !r) << i;
    if (r) {
      EXPECT_EQ(revenue[i], *r) << i;
    }
    EXPECT_EQ(std::isnan(score[i]), !c) << i;
    if (c) {
      EXPECT_EQ(score[i], *c) << i;
    }
  }
  EXPECT_TRUE(kept->kept_numbers("sector").empty());
}

TEST(SegmentFeatures, CategoriesOfEqualCountAreOrderedByText) {
  auto e = fit({{"sector"}, 0.0}, {make("Santé"), make("BTP"), make("Conseil"), make("BTP"), make("Conseil")});
  EXPECT_EQ(names(e), (std::vector<std::string>{"sector=BTP", "sector=Conseil", "sector=Santé", "sector:other",
                                                "sector:missing"}));
}

TEST(SegmentFeatures, UnknownOrRepeatedFieldsAreAllReported) {
  auto b = SegmentEncodingBuilder::create({{"sector", "colour", "sector", "custom_fields."}, 1.5, 0});
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().code, Error::Code::Invalid);
  EXPECT_EQ(b.error().fields.size(), 5u);  // min_share, title_buckets, colour, repeated sector, empty custom name
}

}  // namespace
}  // namespace mimicom
