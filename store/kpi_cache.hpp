#pragma once
// KpiCache: the KPIs of any prospect filter, exact and fast at a million prospects. It keeps
// a KpiIndex (core/kpis.hpp) of every prospect in memory and brings it up to date from the
// store's revisions (Store::read_prospect_changes) before it answers, so a number is never
// older than the call that asks for it, even while an import writes.
//
// Threads: every method may be called from any thread. Computations run concurrently; a
// refresh waits for them and they for it.
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <shared_mutex>
#include <thread>

#include "core/kpis.hpp"
#include "store/store.hpp"

namespace mimicom {

class KpiCache {
 public:
  explicit KpiCache(Store& store) : store_(store) {}
  ~KpiCache();
  KpiCache(const KpiCache&) = delete;
  KpiCache& operator=(const KpiCache&) = delete;

  // The KPIs of the prospects matching `f`, as of now. Internal when the store fails.
  Result<Kpis> kpis(const ProspectFilter& f);
  // Applies the changes made since the last refresh (the first one reads every prospect).
  Status refresh();
  // Loads the index now and follows the changes every `period_ms` in a background thread,
  // so that a request finds little to apply. Stopped by the destructor.
  void follow(int period_ms);

 private:
  Store& store_;
  std::shared_mutex mu_;  // exclusive: the index changes; shared: computations
  std::mutex refresh_mu_;
  KpiIndex index_;
  long long rev_ = -1;  // the revision the index holds; -1: not loaded
  std::thread follower_;
  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stop_ = false;
};

}  // namespace mimicom
