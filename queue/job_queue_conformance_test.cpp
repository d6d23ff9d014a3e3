// The JobQueue conformance suite: the same behaviour on every backend. Local (the SQLite
// store's jobs table) always; Redis joins when its backend exists.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <functional>
#include <set>
#include <thread>

#include "queue/job_queue.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace mimicom {
namespace {

struct QueueBackend {
  std::string name;
  std::function<std::unique_ptr<JobQueue>(Store&, std::chrono::milliseconds lease)> open;
};

void PrintTo(const QueueBackend& b, std::ostream* os) { *os << b.name; }

std::vector<QueueBackend> queue_backends() {
  return {{"local", [](Store& s, std::chrono::milliseconds lease) {
             return make_local_job_queue(s, {.lease = lease, .poll = std::chrono::milliseconds(20)});
           }}};
}

class JobQueueConformance : public ::testing::TestWithParam<QueueBackend> {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("mimicom-queue-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto s = open_sqlite_store({.path = (dir_ / "q.db").string(), .connections = 8});
    ASSERT_TRUE(s) << s.error().message;
    store_ = std::move(*s);
    queue_ = GetParam().open(*store_, std::chrono::milliseconds(60000));
  }
  void TearDown() override {
    queue_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  Job submit(const std::string& type = "import", int max_attempts = 3) {
    auto j = queue_->submit({type, R"({"n":1})", std::nullopt, max_attempts, "lignes"});
    EXPECT_TRUE(j) << j.error().message;
    return *j;
  }

  std::optional<Job> take(JobQueue& q, const std::string& worker = "w1", int wait_ms = 0) {
    auto j = q.take(worker, std::chrono::milliseconds(wait_ms));
    EXPECT_TRUE(j) << j.error().message;
    return j ? *j : std::nullopt;
  }

  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<JobQueue> queue_;
};

TEST_P(JobQueueConformance, SubmittedJobIsQueuedThenLeasedOnceInOrder) {
  Job a = submit();
  Job b = submit();
  EXPECT_EQ(a.state, "queued");
  EXPECT_EQ(a.attempt, 0);
  auto first = take(*queue_, "w1");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->id, a.id);
  EXPECT_EQ(first->state, "running");
  EXPECT_EQ(first->attempt, 1);
  EXPECT_EQ(first->worker, "w1");
  EXPECT_TRUE(first->started_ms);
  auto second = take(*queue_, "w2");
  ASSERT_TRUE(second);
  EXPECT_EQ(second->id, b.id);
  EXPECT_FALSE(take(*queue_, "w3"));
}

TEST_P(JobQueueConformance, TakeWaitsForASubmissionAndWakesAtOnce) {
  std::optional<Job> got;
  std::thread t([&] { got = take(*queue_, "w1", 30000); });
  Job j = submit();
  t.join();  // returns when the job arrives, long before the 30 s wait
  ASSERT_TRUE(got);
  EXPECT_EQ(got->id, j.id);
}

TEST_P(JobQueueConformance, ConcurrentWorkersNeverShareAJob) {
  constexpr int kJobs = 60;
  for (int i = 0; i < kJobs; ++i) submit();
  std::mutex mu;
  std::multiset<long long> taken;
  std::vector<std::thread> workers;
  for (int w = 0; w < 4; ++w)
    workers.emplace_back([&, w] {
      while (true) {
        auto j = queue_->take("w" + std::to_string(w), std::chrono::milliseconds(0));
        ASSERT_TRUE(j);
        if (!*j) return;
        ASSERT_TRUE(queue_->finish({(*j)->id, (*j)->attempt}, "succeeded", "{}", ""));
        std::lock_guard lock(mu);
        taken.insert((*j)->id);
      }
    });
  for (auto& t : workers) t.join();
  EXPECT_EQ(taken.size(), static_cast<size_t>(kJobs));
  EXPECT_EQ(std::set<long long>(taken.begin(), taken.end()).size(), static_cast<size_t>(kJobs));
}

TEST_P(JobQueueConformance, HeartbeatKeepsTheLeaseAndRecordsProgress) {
  submit();
  auto j = take(*queue_);
  ASSERT_TRUE(j);
  auto ctl = queue_->heartbeat({j->id, j->attempt}, 40, 100);
  ASSERT_TRUE(ctl) << ctl.error().message;
  EXPECT_FALSE(ctl->cancel_requested);
  auto now = store_->get_job(j->id);
  EXPECT_EQ(now->done, 40);
  EXPECT_EQ(now->total, 100);
  EXPECT_GT(now->lease_until_ms, j->lease_until_ms - 1);
}

TEST_P(JobQueueConformance, SucceededJobKeepsItsResultAndEndsItsLease) {
  submit();
  auto j = take(*queue_);
  ASSERT_TRUE(queue_->finish({j->id, j->attempt}, "succeeded", R"({"rows":3})", ""));
  auto done = store_->get_job(j->id);
  EXPECT_EQ(done->state, "succeeded");
  EXPECT_EQ(done->result, R"({"rows":3})");
  EXPECT_TRUE(done->finished_ms);
  EXPECT_EQ(done->worker, "");
  // Ended: nothing more may be written by that attempt.
  EXPECT_FALSE(queue_->heartbeat({j->id, j->attempt}, 1, 1));
  EXPECT_FALSE(queue_->finish({j->id, j->attempt}, "failed", "", "x"));
}

TEST_P(JobQueueConformance, ExpiredLeaseIsTakenOverAndTheOldAttemptIsFencedOut) {
  auto short_queue = GetParam().open(*store_, std::chrono::milliseconds(1));
  auto j = short_queue->submit({"import", "{}", std::nullopt, 3, ""});
  auto first = take(*short_queue, "dead-worker");
  ASSERT_TRUE(first);
  // A lease of 1 ms has run out by the time the next take() looks (take waits for it).
  std::optional<Job> second;
  for (int i = 0; i < 1000 && !second; ++i) second = take(*short_queue, "w2", 5);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->id, first->id);
  EXPECT_EQ(second->attempt, 2);
  EXPECT_EQ(second->worker, "w2");
  auto stale = short_queue->finish({first->id, first->attempt}, "succeeded", "{}", "");
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().code, Error::Code::Conflict);
  EXPECT_FALSE(store_->checkpoint_job({first->id, first->attempt}, "{}", 1, 1, 0));
  EXPECT_TRUE(store_->checkpoint_job({second->id, second->attempt}, R"({"offset":9})", 1, 1, 0));
}

TEST_P(JobQueueConformance, JobThatLosesItsLeaseOnTheLastAttemptFailsWithTheCause) {
  auto short_queue = GetParam().open(*store_, std::chrono::milliseconds(1));
  auto j = short_queue->submit({"import", "{}", std::nullopt, 2, ""});
  ASSERT_TRUE(j);
  std::set<int> attempts;
  for (int i = 0; i < 2000; ++i) {
    auto got = take(*short_queue, "crashing", 5);
    if (got) attempts.insert(got->attempt);
    auto now = store_->get_job(j->id);
    if (now->state == "failed") break;
  }
  EXPECT_EQ(attempts, (std::set<int>{1, 2}));
  auto end = store_->get_job(j->id);
  EXPECT_EQ(end->state, "failed");
  EXPECT_NE(end->error.find("interrompu 2 fois de suite sans avancer"), std::string::npos) << end->error;
}

TEST_P(JobQueueConformance, JobThatAdvancesBetweenCrashesKeepsResuming) {
  auto short_queue = GetParam().open(*store_, std::chrono::milliseconds(1));
  auto j = short_queue->submit({"import", "{}", std::nullopt, 2, ""});
  ASSERT_TRUE(j);
  int leases = 0;
  long long done = 0;
  for (int i = 0; i < 5000 && leases < 6; ++i) {
    auto got = take(*short_queue, "crashing", 5);
    if (!got) continue;
    ++leases;
    // Each run commits a step, then "crashes" (its lease runs out).
    done += 10;
    ASSERT_TRUE(store_->checkpoint_job({got->id, got->attempt}, "{}", done, 100, 0));
  }
  EXPECT_EQ(leases, 6);  // 6 crashes with max_attempts = 2: never failed, because each run advanced
  EXPECT_EQ(store_->get_job(j->id)->state, "running");
}

TEST_P(JobQueueConformance, CancelAQueuedJobEndsItAtOnce) {
  Job j = submit();
  auto c = queue_->cancel(j.id);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->state, "cancelled");
  EXPECT_FALSE(take(*queue_));
  auto again = queue_->cancel(j.id);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, Error::Code::Conflict);
}

TEST_P(JobQueueConformance, CancelARunningJobIsSeenAtTheNextHeartbeat) {
  submit();
  auto j = take(*queue_);
  auto c = queue_->cancel(j->id);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->state, "running");
  EXPECT_TRUE(c->cancel_requested);
  auto ctl = queue_->heartbeat({j->id, j->attempt}, 0, 0);
  ASSERT_TRUE(ctl);
  EXPECT_TRUE(ctl->cancel_requested);
  ASSERT_TRUE(queue_->finish({j->id, j->attempt}, "cancelled", "", ""));
  EXPECT_EQ(store_->get_job(j->id)->state, "cancelled");
}

TEST_P(JobQueueConformance, RetryQueuesAFailedJobAgainAndKeepsItsCheckpoint) {
  submit();
  auto j = take(*queue_);
  ASSERT_TRUE(store_->checkpoint_job({j->id, j->attempt}, R"({"offset":42})", 42, 100, 0));
  ASSERT_TRUE(queue_->finish({j->id, j->attempt}, "failed", "", "disque plein"));
  auto r = queue_->retry(j->id);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->state, "queued");
  EXPECT_EQ(r->error, "");
  EXPECT_EQ(r->checkpoint, R"({"offset":42})");
  auto again = take(*queue_);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->id, j->id);
  EXPECT_EQ(again->attempt, 1);
  // Only failed or cancelled jobs can be retried.
  auto running = queue_->retry(j->id);
  ASSERT_FALSE(running);
  EXPECT_EQ(running.error().code, Error::Code::Conflict);
}

TEST_P(JobQueueConformance, ReleasedJobRunsAgainWithoutSpendingAnAttempt) {
  submit("import", 1);
  auto j = take(*queue_);
  ASSERT_TRUE(queue_->release({j->id, j->attempt}));
  auto again = take(*queue_);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->attempt, 1);
}

TEST_P(JobQueueConformance, CloseWakesWaitingWorkers) {
  std::thread t([&] { EXPECT_FALSE(take(*queue_, "w", 60000)); });
  queue_->close();
  t.join();
}

TEST_P(JobQueueConformance, LeaseOfADeadLocalProcessIsFreedWhenAQueueOpens) {
  submit();
  // A worker name of this machine whose process does not exist (pid 2^22 + 1 is above the
  // default pid_max, so no process has it).
  std::string prefix = local_worker_prefix();
  std::string host = prefix.substr(0, prefix.find(':'));
  auto j = take(*queue_, host + ":4194305:1:1");
  ASSERT_TRUE(j);
  auto reopened = GetParam().open(*store_, std::chrono::milliseconds(60000));
  auto again = take(*reopened, "w2");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->id, j->id);
  EXPECT_EQ(again->attempt, 2);
}

TEST_P(JobQueueConformance, LogsComeBackInOrderAfterAnId) {
  Job j = submit();
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(store_->add_job_log(j.id, "info", "ligne " + std::to_string(i), i));
  auto all = store_->job_logs(j.id, 0, 100);
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 5u);
  EXPECT_EQ((*all)[0].message, "ligne 0");
  auto after = store_->job_logs(j.id, (*all)[2].id, 100);
  ASSERT_EQ(after->size(), 2u);
  EXPECT_EQ((*after)[0].message, "ligne 3");
}

TEST_P(JobQueueConformance, ListFiltersByTypeStateAndOwner) {
  auto u = store_->create_user({"a@b.fr", "A", "member", "x"});
  ASSERT_TRUE(u);
  ASSERT_TRUE(queue_->submit({"import", "{}", u->id, 3, ""}));
  ASSERT_TRUE(queue_->submit({"export", "{}", std::nullopt, 3, ""}));
  ASSERT_TRUE(queue_->submit({"import", "{}", std::nullopt, 3, ""}));
  auto imports = store_->list_jobs({.type = "import"});
  EXPECT_EQ(imports->second, 2);
  auto mine = store_->list_jobs({.created_by = u->id});
  ASSERT_EQ(mine->first.size(), 1u);
  EXPECT_EQ(mine->first[0].created_by, u->id);
  auto queued = store_->list_jobs({.state = "queued", .limit = 2});
  EXPECT_EQ(queued->second, 3);
  EXPECT_EQ(queued->first.size(), 2u);
  EXPECT_GT(queued->first[0].id, queued->first[1].id);  // newest first
}

INSTANTIATE_TEST_SUITE_P(Backends, JobQueueConformance, ::testing::ValuesIn(queue_backends()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace mimicom
