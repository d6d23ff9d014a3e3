// Background jobs: list, one, logs, live events (SSE), cancel, retry. A member sees their own
// jobs; an admin sees all. Someone else's job answers 404, as if it did not exist.
#include <chrono>
#include <thread>

#include "api/http.hpp"
#include "api/job_json.hpp"

namespace mimicom::api {

namespace {

Result<Job> visible_job(Context& c, long long id) {
  auto job = c.store.get_job(id);
  if (!job) return job;
  if (!c.is_admin() && job->created_by != c.user->id) return fail(Error::NotFound("tâche", id));
  return job;
}

Result<Reply> list(Context& c) {
  JobFilter f;
  long long page = 1;
  std::vector<FieldError> errors;
  for (const auto& [k, v] : c.query()) {
    if (k == "type") f.type = v;
    else if (k == "state") {
      if (std::find_if(std::begin(kJobStates), std::end(kJobStates), [&](const char* s) { return v == s; }) ==
          std::end(kJobStates))
        errors.push_back({"state", "état inconnu « " + v + " »"});
      f.state = v;
    } else if (k == "page" || k == "per_page") {
      long long n = std::atoll(v.c_str());
      if (n < 1 || (k == "per_page" && n > 200)) errors.push_back({k, "entier entre 1 et 200 attendu"});
      else (k == "page" ? page : f.limit) = n;
    } else {
      errors.push_back({k, "filtre inconnu"});
    }
  }
  if (!errors.empty()) return fail(Error::Invalid(std::move(errors)));
  f.offset = (page - 1) * f.limit;
  f.created_by = c.owner_scope();
  auto jobs = c.store.list_jobs(f);
  if (!jobs) return fail(jobs.error());
  json out = json::array();
  for (const auto& j : jobs->first) out.push_back(job_to_json(j));
  return Reply::list(out, {{"total", jobs->second}, {"page", page}, {"per_page", f.limit}});
}

Result<Reply> get(Context& c) {
  auto job = visible_job(c, c.id());
  if (!job) return fail(job.error());
  return Reply::ok(job_to_json(*job));
}

Result<Reply> logs(Context& c) {
  auto job = visible_job(c, c.id());
  if (!job) return fail(job.error());
  long long after = 0;
  if (c.req.has_param("after")) after = std::atoll(c.req.get_param_value("after").c_str());
  auto lines = c.store.job_logs(job->id, after, 1000);
  if (!lines) return fail(lines.error());
  json out = json::array();
  for (const auto& l : *lines) out.push_back(job_log_to_json(l));
  return Reply::ok(out);
}

Result<Reply> cancel(Context& c) {
  auto job = visible_job(c, c.id());
  if (!job) return fail(job.error());
  auto done = c.jobs.cancel(job->id);
  if (!done) return fail(done.error());
  return Reply::ok(job_to_json(*done));
}

Result<Reply> retry(Context& c) {
  auto job = visible_job(c, c.id());
  if (!job) return fail(job.error());
  auto done = c.jobs.retry(job->id);
  if (!done) return fail(done.error());
  return Reply::ok(job_to_json(*done));
}

// Server-Sent Events: "job" (the job, whenever it changes) and "log" (each new log line),
// until the job ends; a comment every 15 s keeps proxies from closing the stream. The job is
// read again every 250 ms: cheap (one row by key), and it sees workers of other processes.
Result<Reply> events(Context& c) {
  auto job = visible_job(c, c.id());
  if (!job) return fail(job.error());
  struct State {
    long long id = 0;
    long long last_update = -1;
    std::string last_state;
    long long last_log = 0;
    bool ended = false;
    std::chrono::steady_clock::time_point last_write = std::chrono::steady_clock::now();
  };
  auto st = std::make_shared<State>();
  st->id = job->id;
  Store* store = &c.store;
  c.res.set_header("Cache-Control", "no-store");
  c.res.set_header("X-Accel-Buffering", "no");
  c.res.set_chunked_content_provider(
      "text/event-stream", [st, store](size_t, httplib::DataSink& sink) {
        if (st->ended) {
          sink.done();
          return true;
        }
        std::string out;
        auto lines = store->job_logs(st->id, st->last_log, 500);
        if (lines)
          for (const auto& l : *lines) {
            out += "event: log\ndata: " + job_log_to_json(l).dump(-1, ' ', false, json::error_handler_t::replace) + "\n\n";
            st->last_log = l.id;
          }
        auto j = store->get_job(st->id);
        if (!j) {
          sink.done();
          return true;
        }
        if (j->updated_ms != st->last_update || j->state != st->last_state) {
          st->last_update = j->updated_ms;
          st->last_state = j->state;
          out += "event: job\ndata: " + job_to_json(*j).dump(-1, ' ', false, json::error_handler_t::replace) + "\n\n";
        }
        auto now = std::chrono::steady_clock::now();
        if (out.empty() && now - st->last_write > std::chrono::seconds(15)) out = ": ping\n\n";
        if (!out.empty()) {
          if (!sink.is_writable() || !sink.write(out.data(), out.size())) return false;
          st->last_write = now;
        }
        if (j->terminal() && (!lines || lines->size() < 500)) {
          st->ended = true;
          return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(250));
        return true;
      });
  return Reply::written();
}

}  // namespace

void add_job_routes(std::vector<Route>& r) {
  r.push_back({"GET", "/jobs", Access::Member, list});
  r.push_back({"GET", "/jobs/{id}", Access::Member, get});
  r.push_back({"GET", "/jobs/{id}/logs", Access::Member, logs});
  r.push_back({"GET", "/jobs/{id}/events", Access::Member, events, false, true});
  r.push_back({"POST", "/jobs/{id}/cancel", Access::Member, cancel});
  r.push_back({"POST", "/jobs/{id}/retry", Access::Member, retry});
}

}  // namespace mimicom::api
