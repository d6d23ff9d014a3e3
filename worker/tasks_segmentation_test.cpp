// The segmentation task on a real SQLite store: planted segments are found, the same seed
// gives the same result, a run stopped after every batch ends with the same segments as one
// run whole, and the prospects filter and "apply" follow the applied run.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <SQLiteCpp/SQLiteCpp.h>
#include <nlohmann/json.hpp>

#include "core/kmeans.hpp"
#include "core/segmentation.hpp"
#include "queue/job_queue.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "worker/tasks.hpp"

namespace mimicom {
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

// Three kinds of companies, each with its own sector, size, region and revenue, plus noise:
// one prospect in ten of each group takes another group's region.
struct Planted {
  const char *sector, *size, *region;
  double revenue;
};
constexpr Planted kGroups[] = {
    {"Industrie", "250-999", "Auvergne-Rhône-Alpes", 80e6},
    {"Conseil", "1-9", "Île-de-France", 4e5},
    {"BTP", "10-49", "Bretagne", 3e6},
};

class SegmentationTask : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("mimicom-seg-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    auto s = open_sqlite_store({.path = (dir_ / "a.db").string(), .connections = 4});
    ASSERT_TRUE(s) << s.error().message;
    store_ = std::move(*s);
    queue_ = make_local_job_queue(*store_);
    std::vector<Prospect> ps;
    for (int i = 0; i < 900; ++i) {
      int g = i % 3;
      Prospect p;
      p.email = "p" + std::to_string(i) + "@acme.fr";
      p.sector = kGroups[g].sector;
      p.company_size = kGroups[g].size;
      p.region = kGroups[g].region;
      if (i % 10 == 7) p.region = kGroups[(g + 1) % 3].region;
      p.annual_revenue = kGroups[g].revenue * (1 + 0.2 * ((i * 7919) % 100) / 100.0);
      p.job_title = g == 0 ? "Directeur d'usine" : g == 1 ? "Consultante associée" : "Conducteur de travaux";
      ps.push_back(p);
      planted_.push_back(g);
    }
    ASSERT_EQ(store_->insert_prospects(ps).value(), 900);
    settings_.data_dir = (dir_ / "data").string();
  }
  void TearDown() override {
    queue_.reset();
    store_.reset();
    fs::remove_all(dir_);
  }

  Segmentation create(json params) {
    Segmentation s;
    s.name = "Test";
    s.params = params.dump();
    auto made = store_->create_segmentation(
        s,
        [](long long id) {
          return NewJob{"segmentation", json{{"segmentation_id", id}, {"mode", "fit"}}.dump(), std::nullopt, 3, "%"};
        },
        1000);
    EXPECT_TRUE(made) << made.error().message;
    return made->first;
  }

  // Runs the queued job to its end; with stop_each_batch the worker is told to stop at once,
  // so it stops after every batch it writes and the job is taken again each time.
  Job run(long long job_id, bool stop_each_batch = false) {
    for (int round = 0; round < 10000; ++round) {
      auto taken = queue_->take("w", std::chrono::milliseconds(0));
      EXPECT_TRUE(taken && *taken);
      if (!taken || !*taken) break;
      JobContext ctx(*store_, *queue_, **taken);
      if (stop_each_batch) ctx.request_stop();
      TaskOutcome out = run_segmentation(ctx, settings_);
      if (out.kind == TaskOutcome::Kind::Stopped) {
        EXPECT_TRUE(queue_->release(ctx.fence()));
        ++resumes_;
        continue;
      }
      EXPECT_TRUE(queue_->finish(ctx.fence(), out.kind == TaskOutcome::Kind::Succeeded ? "succeeded" : "failed",
                                 out.result, out.error));
      break;
    }
    return *store_->get_job(job_id);
  }

  // Each prospect's segment index in run `s` (by prospect id order), -1 when it has none.
  std::vector<int32_t> labels(const Segmentation& s) {
    std::map<long long, int32_t> index;
    for (const auto& seg : s.segments) index[seg.id] = seg.index;
    ProspectQuery q;
    q.per_page = kMaxPerPage;
    q.sort = {"id", false};
    std::vector<int32_t> out;
    for (q.page = 1;; ++q.page) {
      auto page = store_->list_prospects(q);
      if (!page || page->items.empty()) break;
      for (const auto& p : page->items) out.push_back(p.segment_id ? index.at(*p.segment_id) : -1);
    }
    return out;
  }

  fs::path dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<JobQueue> queue_;
  TaskSettings settings_;
  std::vector<int32_t> planted_;
  int resumes_ = 0;
};

const json kParams = {{"fields", {"sector", "region", "company_size", "annual_revenue", "job_title"}}, {"k", 3}, {"seed", 7}};

TEST_F(SegmentationTask, FindsThePlantedSegmentsAndExplainsThem) {
  Segmentation s = create(kParams);
  Job j = run(*s.job_id);
  ASSERT_EQ(j.state, "succeeded") << j.error;
  auto done = store_->get_segmentation(s.id);
  ASSERT_TRUE(done);
  EXPECT_EQ(done->state, "ready");
  EXPECT_TRUE(done->applied_at);
  ASSERT_EQ(done->segments.size(), 3u);
  auto got = labels(*done);
  ASSERT_EQ(got.size(), planted_.size());
  EXPECT_GE(adjusted_rand_index(got, planted_).value(), 0.9);

  // Each segment is named after its group and says what distinguishes it.
  std::set<std::string> names;
  for (const auto& seg : done->segments) {
    EXPECT_EQ(seg.size, 300);
    names.insert(seg.auto_name);
    json profile = json::parse(seg.profile);
    EXPECT_NEAR(profile["share"].get<double>(), 1.0 / 3, 1e-9);
    ASSERT_FALSE(profile["traits"].empty());
    EXPECT_GT(profile["traits"][0]["lift"].get<double>(), 2.5);
    ASSERT_EQ(profile["numbers"].size(), 1u);
    EXPECT_EQ(profile["numbers"][0]["field"], "annual_revenue");
    EXPECT_FALSE(profile["words"].empty());
  }
  EXPECT_TRUE(names.contains("Industrie · Auvergne-Rhône-Alpes · 250–999 salariés")) << *names.begin();
  EXPECT_TRUE(names.contains("Conseil · Île-de-France · 1–9 salariés"));
  EXPECT_TRUE(names.contains("BTP · Bretagne · 10–49 salariés"));

  json result = json::parse(done->result);
  EXPECT_EQ(result["k"], 3);
  EXPECT_EQ(result["rows"], 900);
  EXPECT_GT(result["silhouette"].get<double>(), 0.25);
  EXPECT_EQ(result["points"].size(), 900u);  // fewer rows than the plot's sample: all of them
  EXPECT_EQ(result["centroids_2d"].size(), 3u);

  // The prospects filter follows the segment ids.
  for (const auto& seg : done->segments) {
    ProspectFilter f;
    f.segment = {seg.id};
    EXPECT_EQ(store_->count_prospects(f).value(), 300);
  }
}

TEST_F(SegmentationTask, TheSameSeedGivesTheSameSegments) {
  Segmentation a = create(kParams);
  ASSERT_EQ(run(*a.job_id).state, "succeeded");
  auto first = labels(*store_->get_segmentation(a.id));
  auto ra = json::parse(store_->get_segmentation(a.id)->result);
  Segmentation b = create(kParams);
  ASSERT_EQ(run(*b.job_id).state, "succeeded");
  auto second = labels(*store_->get_segmentation(b.id));
  EXPECT_EQ(first, second);
  auto rb = json::parse(store_->get_segmentation(b.id)->result);
  EXPECT_EQ(ra["inertia"], rb["inertia"]);
  EXPECT_EQ(ra["points"], rb["points"]);
  // Only the newest run is applied.
  EXPECT_FALSE(store_->get_segmentation(a.id)->applied_at);
  EXPECT_TRUE(store_->get_segmentation(b.id)->applied_at);
}

TEST_F(SegmentationTask, StoppedAfterEveryBatchEndsLikeAnUninterruptedRun) {
  Segmentation whole = create(kParams);
  ASSERT_EQ(run(*whole.job_id).state, "succeeded");
  auto reference = labels(*store_->get_segmentation(whole.id));

  settings_.segment_batch_rows = 64;
  Segmentation pieces = create(kParams);
  Job j = run(*pieces.job_id, true);
  ASSERT_EQ(j.state, "succeeded") << j.error;
  EXPECT_GE(resumes_, 13);  // 900 rows / 64 a batch: stopped after each one
  auto got = labels(*store_->get_segmentation(pieces.id));
  EXPECT_EQ(got, reference);
  EXPECT_EQ(json::parse(j.result)["rows"], 900);
}

TEST_F(SegmentationTask, AutomaticFindsThreeSegments) {
  // Without the region: its noise makes three small, tight groups of its own (the prospects
  // that took another group's region), which automatic rightly sees as segments too.
  json p = {{"fields", {"sector", "company_size", "annual_revenue", "job_title"}}, {"k", nullptr}, {"seed", 7}};
  Segmentation s = create(p);
  ASSERT_EQ(run(*s.job_id).state, "succeeded");
  auto done = store_->get_segmentation(s.id);
  json result = json::parse(done->result);
  EXPECT_EQ(result["k"], 3);
  EXPECT_EQ(result["k_scores"].size(), static_cast<size_t>(kAutoMaxK - kAutoMinK + 1));
}

TEST_F(SegmentationTask, ApplyingAnOlderRunMovesTheProspectsBackAndIncludesNewOnes) {
  Segmentation a = create(kParams);
  ASSERT_EQ(run(*a.job_id).state, "succeeded");
  json two = kParams;
  two["k"] = 2;
  two["fields"] = {"sector"};
  Segmentation b = create(two);
  ASSERT_EQ(run(*b.job_id).state, "succeeded");
  EXPECT_EQ(labels(*store_->get_segmentation(b.id)).size(), 900u);

  Prospect extra;
  extra.email = "new@acme.fr";
  extra.sector = "Conseil";
  extra.company_size = "1-9";
  extra.region = "Île-de-France";
  extra.annual_revenue = 4e5;
  extra.job_title = "Consultant";
  ASSERT_TRUE(store_->create_prospect(extra));

  auto job = store_->start_segmentation_apply(
      a.id, {"segmentation", json{{"segmentation_id", a.id}, {"mode", "apply"}}.dump(), std::nullopt, 3, "%"}, 2000);
  ASSERT_TRUE(job) << job.error().message;
  ASSERT_EQ(run(job->id).state, "succeeded");
  auto applied = store_->get_segmentation(a.id);
  EXPECT_TRUE(applied->applied_at);
  EXPECT_FALSE(store_->get_segmentation(b.id)->applied_at);
  auto got = labels(*applied);
  ASSERT_EQ(got.size(), 901u);
  EXPECT_EQ(std::count(got.begin(), got.end(), -1), 0) << "every prospect, the new one too, has a segment";
  EXPECT_EQ(got.back(), got[1]) << "the new consultant joins the consultants' segment";
  // b's segments are no longer on any prospect.
  auto old = store_->get_segmentation(b.id);
  for (const auto& seg : old->segments) {
    ProspectFilter f;
    f.segment = {seg.id};
    EXPECT_EQ(store_->count_prospects(f).value(), 0);
  }
}

// A run's ids wait in a pending table until its last batch: the prospects keep the applied
// run's segments whole meanwhile, the pending table survives a restart while its job can still
// finish it, and goes at the next start once the job ended without finishing.
TEST_F(SegmentationTask, APendingAssignmentStaysUnseenAndIsDroppedWhenItsJobEndsUnfinished) {
  Segmentation a = create(kParams);
  ASSERT_EQ(run(*a.job_id).state, "succeeded");
  const auto reference = labels(*store_->get_segmentation(a.id));
  auto pending_tables = [&] {
    SQLite::Database db((dir_ / "a.db").string(), SQLite::OPEN_READONLY);
    SQLite::Statement q(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name GLOB 'segment_staging_*'");
    q.executeStep();
    return q.getColumn(0).getInt();
  };
  auto reopen = [&] {
    queue_.reset();
    store_.reset();
    auto s = open_sqlite_store({.path = (dir_ / "a.db").string(), .connections = 4});
    ASSERT_TRUE(s) << s.error().message;
    store_ = std::move(*s);
    queue_ = make_local_job_queue(*store_);
  };

  settings_.segment_batch_rows = 64;
  json two = kParams;
  two["k"] = 2;
  Segmentation b = create(two);
  {
    auto taken = queue_->take("w", std::chrono::milliseconds(0));
    ASSERT_TRUE(taken && *taken);
    JobContext ctx(*store_, *queue_, **taken);
    ctx.request_stop();  // stops after its first batch
    ASSERT_EQ(run_segmentation(ctx, settings_).kind, TaskOutcome::Kind::Stopped);
    ASSERT_TRUE(queue_->release(ctx.fence()));
  }
  EXPECT_EQ(json::parse(store_->get_job(*b.job_id)->checkpoint)["written"], 64);
  EXPECT_EQ(pending_tables(), 1);
  EXPECT_EQ(labels(*store_->get_segmentation(a.id)), reference) << "run a stays whole";
  EXPECT_TRUE(store_->get_segmentation(a.id)->applied_at);
  EXPECT_FALSE(store_->get_segmentation(b.id)->applied_at);

  reopen();
  EXPECT_EQ(pending_tables(), 1) << "its job is queued: it will finish it";
  {
    auto taken = queue_->take("w", std::chrono::milliseconds(0));
    ASSERT_TRUE(taken && *taken);
    ASSERT_TRUE(queue_->finish(JobContext(*store_, *queue_, **taken).fence(), "failed", "", "arrêtée pour le test"));
  }
  reopen();
  EXPECT_EQ(pending_tables(), 0) << "its job ended: nothing will finish it";
  EXPECT_EQ(labels(*store_->get_segmentation(a.id)), reference);
}

TEST_F(SegmentationTask, TooFewProspectsFailsClearly) {
  json p = kParams;
  p["filter"] = {{"sector", "Nulle part"}};
  Segmentation s = create(p);
  Job j = run(*s.job_id);
  EXPECT_EQ(j.state, "failed");
  EXPECT_NE(j.error.find("trop peu de prospects"), std::string::npos) << j.error;
}

TEST_F(SegmentationTask, DeletingTheAppliedRunClearsTheProspectsSegments) {
  Segmentation s = create(kParams);
  ASSERT_EQ(run(*s.job_id).state, "succeeded");
  ASSERT_TRUE(store_->delete_segmentation(s.id));
  EXPECT_FALSE(store_->get_segmentation(s.id));
  ProspectQuery q;
  q.per_page = 10;
  auto page = store_->list_prospects(q);
  for (const auto& p : page->items) EXPECT_FALSE(p.segment_id);
}

}  // namespace
}  // namespace mimicom
