#include "store/kpi_cache.hpp"

#include <chrono>
#include <vector>

#include "core/thread_name.hpp"

namespace mimicom {

KpiCache::~KpiCache() {
  {
    std::lock_guard lock(stop_mu_);
    stop_ = true;
  }
  stop_cv_.notify_all();
  if (follower_.joinable()) follower_.join();
}

Status KpiCache::refresh() {
  // One refresh at a time.
  std::lock_guard one(refresh_mu_);
  long long from;
  {
    std::shared_lock read(mu_);
    from = rev_;
  }
  // The first load streams into a fresh index, then swaps it in; later changes (a batch of
  // an import at most, with the follower running) are applied in place.
  if (from < 0) {
    KpiIndex fresh;
    auto rev = store_.read_prospect_changes(
        -1, {[](long long) {}, [&](const KpiRowView& r) { fresh.upsert(r); },
             [&](long long id, std::string_view tag) { fresh.add_tag(id, tag); }});
    if (!rev) return std::unexpected(rev.error());
    std::unique_lock write(mu_);
    index_ = std::move(fresh);
    rev_ = *rev;
    return {};
  }
  std::unique_lock write(mu_);
  auto rev = store_.read_prospect_changes(
      from, {[&](long long id) { index_.erase(id); }, [&](const KpiRowView& r) { index_.upsert(r); },
             [&](long long id, std::string_view tag) { index_.add_tag(id, tag); }});
  if (!rev) return std::unexpected(rev.error());
  rev_ = *rev;
  return {};
}

Result<Kpis> KpiCache::kpis(const ProspectFilter& f) {
  if (auto s = refresh(); !s) return std::unexpected(s.error());
  std::vector<long long> matches;
  // Full-text words and segments are resolved by the store (the index holds neither).
  bool by_store = !f.q.empty() || !f.segment.empty();
  if (by_store) {
    ProspectFilter text;
    text.q = f.q;
    text.segment = f.segment;
    auto ids = store_.prospect_ids(text);
    if (!ids) return std::unexpected(ids.error());
    matches = std::move(*ids);
  }
  auto totals = store_.import_totals();
  if (!totals) return std::unexpected(totals.error());
  std::shared_lock read(mu_);
  Kpis k = index_.compute(f, by_store ? &matches : nullptr);
  k.imports = *totals;
  k.data_version = rev_;
  return k;
}

void KpiCache::follow(int period_ms) {
  if (follower_.joinable()) return;
  follower_ = std::thread([this, period_ms] {
    name_this_thread("kpi-follower");
    std::unique_lock lock(stop_mu_);
    while (!stop_) {
      lock.unlock();
      (void)refresh();  // a failure is reported by the next request's own refresh
      lock.lock();
      stop_cv_.wait_for(lock, std::chrono::milliseconds(period_ms), [this] { return stop_; });
    }
  });
}

}  // namespace mimicom
