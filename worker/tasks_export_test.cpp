// The export task on a real SQLite store and real files: the file appears complete or not at
// all, a stopped export leaves nothing behind, and the sweep deletes what is no longer offered.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/clock.hpp"
#include "queue/job_queue.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "worker/tasks.hpp"

namespace mimicom {
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

class ExportTask : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("mimicom-export-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    auto s = open_sqlite_store({.path = (dir_ / "a.db").string(), .connections = 4});
    ASSERT_TRUE(s) << s.error().message;
    store_ = std::move(*s);
    queue_ = make_local_job_queue(*store_);
    std::vector<Prospect> ps;
    for (int i = 0; i < 250; ++i) {
      Prospect p;
      p.email = "p" + std::to_string(i) + "@acme.fr";
      p.company = i == 3 ? "=1+1" : "Acme";
      p.phone = "+3361234" + std::to_string(1000 + i);
      p.status = i % 2 ? "new" : "won";
      ps.push_back(p);
    }
    ASSERT_EQ(store_->insert_prospects(ps).value(), 250);
    settings_.data_dir = (dir_ / "data").string();
    settings_.export_chunk_rows = 40;
  }
  void TearDown() override {
    queue_.reset();
    store_.reset();
    fs::remove_all(dir_);
  }

  Export create(const std::string& format, const std::string& filter = "{}") {
    Export e;
    e.format = format;
    e.filter = filter;
    e.columns = {"email", "phone", "company"};
    auto made = store_->create_export(
        e, [](long long id) { return NewJob{"export", json{{"export_id", id}}.dump(), std::nullopt, 3, "lignes"}; },
        1000);
    EXPECT_TRUE(made);
    return made->first;
  }

  // Takes the export's job and runs it once; the job ends as the task says.
  TaskOutcome run(bool stop = false) {
    auto taken = queue_->take("w", std::chrono::milliseconds(0));
    EXPECT_TRUE(taken && *taken);
    JobContext ctx(*store_, *queue_, **taken);
    if (stop) ctx.request_stop();
    TaskOutcome out = run_export(ctx, settings_);
    if (out.kind == TaskOutcome::Kind::Stopped) EXPECT_TRUE(queue_->release(ctx.fence()));
    else
      EXPECT_TRUE(queue_->finish(ctx.fence(), out.kind == TaskOutcome::Kind::Succeeded ? "succeeded" : "failed",
                                 out.result, out.error));
    return out;
  }

  std::vector<std::string> files() {
    std::vector<std::string> out;
    if (!fs::exists(dir_ / "data/exports")) return out;
    for (const auto& e : fs::directory_iterator(dir_ / "data/exports")) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
  }

  fs::path dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<JobQueue> queue_;
  TaskSettings settings_;
};

TEST_F(ExportTask, WritesTheWholeFileThenMarksTheExportReady) {
  Export e = create("csv", R"({"status":"new"})");
  TaskOutcome out = run();
  ASSERT_EQ(out.kind, TaskOutcome::Kind::Succeeded) << out.error;
  EXPECT_EQ(json::parse(out.result)["rows"], 125);
  EXPECT_EQ(files(), std::vector<std::string>{"export-" + std::to_string(e.id) + ".csv"});
  auto ready = store_->get_export(e.id).value();
  EXPECT_EQ(ready.state, "ready");
  EXPECT_EQ(ready.rows, 125);
  EXPECT_EQ(ready.size, static_cast<long long>(fs::file_size(dir_ / "data/exports" / ready.file_name)));
  ASSERT_TRUE(ready.expires_at);
  EXPECT_GE(*ready.expires_at, now_unix() + 72 * 3600 - 60);
  std::ifstream in(dir_ / "data/exports" / ready.file_name);
  std::string line;
  int lines = 0;
  while (std::getline(in, line)) ++lines;
  EXPECT_EQ(lines, 126);  // header + rows
}

TEST_F(ExportTask, AStoppedExportLeavesNoFileAndStartsAgainFromTheFirstRow) {
  Export e = create("xlsx");
  EXPECT_EQ(run(true).kind, TaskOutcome::Kind::Stopped);
  EXPECT_TRUE(files().empty()) << "no partial file";
  EXPECT_EQ(store_->get_export(e.id)->state, "pending");
  TaskOutcome out = run();  // the next attempt writes the whole file
  ASSERT_EQ(out.kind, TaskOutcome::Kind::Succeeded) << out.error;
  EXPECT_EQ(json::parse(out.result)["rows"], 250);
  EXPECT_EQ(files(), std::vector<std::string>{"export-" + std::to_string(e.id) + ".xlsx"});
}

TEST_F(ExportTask, SweepExpiresFilesAndDeletesLeftovers) {
  settings_.export_ttl_hours = 0;  // expires as soon as it is ready
  Export e = create("jsonl");
  ASSERT_EQ(run().kind, TaskOutcome::Kind::Succeeded);
  fs::path exports = dir_ / "data/exports";
  std::ofstream(exports / ("export-" + std::to_string(e.id) + ".jsonl.1.part")) << "partial";  // an old attempt
  std::ofstream(exports / "export-999.csv") << "no such export";
  std::ofstream(exports / "notes.txt") << "not ours";
  EXPECT_EQ(sweep_exports(*store_, settings_.data_dir, now_unix()), 3);
  EXPECT_EQ(files(), std::vector<std::string>{"notes.txt"});
  EXPECT_EQ(store_->get_export(e.id)->state, "expired");
  EXPECT_EQ(sweep_exports(*store_, settings_.data_dir, now_unix()), 0);
}

TEST_F(ExportTask, SweepKeepsTheFilesOfARunningExport) {
  Export e = create("csv");
  auto taken = queue_->take("w", std::chrono::milliseconds(0));
  ASSERT_TRUE(taken && *taken);
  fs::create_directories(dir_ / "data/exports");
  std::string part = export_part_name(e, (*taken)->attempt), old_part = export_part_name(e, (*taken)->attempt - 1);
  std::ofstream(dir_ / "data/exports" / part) << "being written";
  std::ofstream(dir_ / "data/exports" / old_part) << "an attempt taken over";
  std::ofstream(dir_ / "data/exports" / export_file_name(e)) << "renamed, about to be marked ready";
  EXPECT_EQ(sweep_exports(*store_, settings_.data_dir, now_unix()), 1);
  EXPECT_EQ(files(), (std::vector<std::string>{export_file_name(e), part}));
}

}  // namespace
}  // namespace mimicom
