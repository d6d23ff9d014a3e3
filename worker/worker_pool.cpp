#include "worker/worker_pool.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <condition_variable>

#include "core/clock.hpp"
#include "core/thread_name.hpp"

namespace mimicom {

void JobContext::log(const std::string& level, const std::string& message) {
  if (auto st = store_.add_job_log(job_.id, level, message, now_unix_ms()); !st)
    spdlog::warn("job {}: cannot write log line: {}", job_.id, st.error().message);
}

void JobContext::heartbeat() {
  if (lost_) return;
  auto ctl = queue_.heartbeat(fence(), done_, total_);
  if (!ctl) {
    if (ctl.error().code == Error::Code::Conflict) lost_ = true;
    else spdlog::warn("job {}: heartbeat failed: {}", job_.id, ctl.error().message);
    return;
  }
  if (ctl->cancel_requested) cancel_ = true;
}

WorkerPool::WorkerPool(Store& store, JobQueue& queue, std::map<std::string, Task> tasks, WorkerOptions options)
    : store_(store), queue_(queue), tasks_(std::move(tasks)), options_(std::move(options)) {
  if (options_.name_prefix.empty()) options_.name_prefix = local_worker_prefix();
}

WorkerPool::~WorkerPool() { stop(); }

void WorkerPool::start() {
  for (int i = 0; i < std::max(1, options_.threads); ++i)
    threads_.emplace_back([this, i] {
      name_this_thread("worker-" + std::to_string(i + 1));
      run(i + 1);
    });
  heart_ = std::thread([this] {
    name_this_thread("worker-beat");
    beat();
  });
}

void WorkerPool::stop() {
  if (stop_.exchange(true)) return;
  {
    std::lock_guard lock(mu_);
    for (auto* c : running_) c->request_stop();
  }
  cv_.notify_all();
  queue_.close();
  for (auto& t : threads_) t.join();
  threads_.clear();
  if (heart_.joinable()) heart_.join();
}

// Renews the lease of every running job a few times per lease period, and passes cancel
// requests on to the tasks.
void WorkerPool::beat() {
  auto period = std::max(std::chrono::milliseconds(50), queue_.lease() / 4);
  std::unique_lock lock(mu_);
  while (!stop_) {
    cv_.wait_for(lock, period, [&] { return stop_.load(); });
    for (auto* c : running_) c->heartbeat();
  }
}

void WorkerPool::run(int n) {
  std::string name = options_.name_prefix + ":" + std::to_string(n);
  while (!stop_) {
    auto taken = queue_.take(name, std::chrono::seconds(5));
    if (!taken) {
      spdlog::warn("worker {}: {}", name, taken.error().message);
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, std::chrono::seconds(1), [&] { return stop_.load(); });
      continue;
    }
    if (!*taken) continue;
    Job job = std::move(**taken);
    JobContext ctx(store_, queue_, job);
    auto task = tasks_.find(job.type);
    if (task == tasks_.end()) {
      (void)queue_.finish(ctx.fence(), "failed", "", "type de tâche inconnu : " + job.type);
      continue;
    }
    {
      std::lock_guard lock(mu_);
      running_.push_back(&ctx);
      if (stop_) ctx.request_stop();
    }
    if (job.attempt > 1) ctx.log("warn", "reprise après interruption (tentative " + std::to_string(job.attempt) + ")");
    TaskOutcome out;
    try {
      out = task->second(ctx);
    } catch (const std::exception& e) {
      out = TaskOutcome::failed(std::string("erreur interne : ") + e.what());
    }
    {
      std::lock_guard lock(mu_);
      running_.erase(std::find(running_.begin(), running_.end(), &ctx));
    }
    if (ctx.lost()) {
      spdlog::warn("worker {}: job {} was taken over by another worker", name, job.id);
      continue;
    }
    Status st;
    switch (out.kind) {
      case TaskOutcome::Kind::Succeeded:
        st = queue_.finish(ctx.fence(), "succeeded", out.result, "");
        break;
      case TaskOutcome::Kind::Failed:
        ctx.log("error", out.error);
        st = queue_.finish(ctx.fence(), "failed", "", out.error);
        break;
      case TaskOutcome::Kind::Cancelled:
        ctx.log("warn", "annulée à la demande");
        st = queue_.finish(ctx.fence(), "cancelled", "", "");
        break;
      case TaskOutcome::Kind::Stopped:
        ctx.log("info", "arrêt du programme : la tâche reprendra à son dernier point de sauvegarde");
        st = queue_.release(ctx.fence());
        break;
    }
    if (!st) spdlog::warn("worker {}: job {}: {}", name, job.id, st.error().message);
  }
}

}  // namespace mimicom
