// The segmentation task: reads the prospects of a run's filter, encodes them
// (core/segment_features), fits k-means (core/kmeans), explains the segments
// (core/segmentation), saves the run, then writes each prospect's segment back in batches.
//
// Checkpoints: none until the fit is saved — a fit interrupted before starts again (seconds,
// and nothing was written); the fit is saved together with the checkpoint {"phase": "apply"},
// and each batch of segment ids together with {"after_id": …}. A worker that is shutting
// down lets the fit run to its save (seconds) and stops after the next batch; a cancel or a
// lost lease stops the fit at once. A resumed job (or an "apply"
// job, which assigns the prospects as they are now to a saved run) reads the saved model and
// assigns the prospects after `after_id` again: the same encoding and centroids give the
// same segments.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <unordered_map>

#include "core/clock.hpp"
#include "core/exports.hpp"
#include "core/kmeans.hpp"
#include "core/segment_features.hpp"
#include "core/segmentation.hpp"
#include "worker/tasks.hpp"

namespace mimicom {

namespace {

using json = nlohmann::json;

constexpr long long kReadChunk = 20000;     // prospects per read transaction
constexpr size_t kTitleSample = 20000;      // job titles kept to find the words of each segment
constexpr size_t kPlotPoints = 2000;        // points of the scatter plot
constexpr size_t kSilhouetteSample = 2000;

// " (2,4 s)": how long a step took since `since`, for the job's log.
std::string took(std::chrono::steady_clock::time_point& since) {
  auto now = std::chrono::steady_clock::now();
  double s = std::chrono::duration<double>(now - since).count();
  since = now;
  char buf[32];
  std::snprintf(buf, sizeof buf, " (%.1f s)", s);
  std::string out(buf);
  std::replace(out.begin(), out.end(), '.', ',');
  return out;
}

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

struct Model {
  SegmentEncoding encoding;
  KMeansModel kmeans;
};

std::string model_json(const SegmentEncoding& e, const KMeansModel& m) {
  return dump({{"encoding", e.to_json()}, {"k", m.k}, {"cols", m.cols}, {"centroids", m.centroids}});
}

Result<Model> read_model(const std::string& text) {
  json j = json::parse(text, nullptr, false);
  auto bad = [] { return fail(Error::Invalid("model", "le modèle de ce découpage est illisible")); };
  if (!j.is_object() || !j.contains("encoding") || !j["encoding"].is_string()) return bad();
  auto enc = SegmentEncoding::from_json(j["encoding"].get<std::string>());
  if (!enc) return fail(enc.error());
  Model m{std::move(*enc), {}};
  try {
    m.kmeans.k = j.at("k").get<int>();
    m.kmeans.cols = j.at("cols").get<size_t>();
    m.kmeans.centroids = j.at("centroids").get<std::vector<float>>();
  } catch (const json::exception&) {
    return bad();
  }
  if (m.kmeans.k < 1 || m.kmeans.cols != m.encoding.columns().size() ||
      m.kmeans.centroids.size() != static_cast<size_t>(m.kmeans.k) * m.kmeans.cols)
    return bad();
  return m;
}

// The fit cannot be saved in part: only a cancel or a lost lease interrupts it.
bool abort_fit(const JobContext& ctx) { return ctx.cancelled() || ctx.lost(); }

// `since`: the prospects' revision before they were read (Store::write_segment_batch);
// `applied`: the last batch is in place, nothing is left to write.
std::string apply_checkpoint(long long after_id, long long written, long long since, bool applied = false) {
  json cp = {{"phase", "apply"}, {"after_id", after_id}, {"written", written}, {"since", since}};
  if (applied) cp["applied"] = true;
  return dump(cp);
}

struct Fitted {
  Segmentation run;            // saved, with its segments
  std::vector<long long> ids;  // every row, in id order
  std::vector<int32_t> labels;
  long long rows = 0;
  long long read_revision = 0;  // the prospects' revision before they were read
  std::optional<double> silhouette;
};

// Reads, encodes, fits, explains and saves. Progress 0–70 %.
Result<Fitted> fit(JobContext& ctx, const Segmentation& run, const SegmentationParams& params,
                   const ProspectFilter& filter, bool& interrupted) {
  auto started = std::chrono::steady_clock::now();
  auto step = started;
  Store& store = ctx.store();
  auto count = store.count_prospects(filter);
  if (!count) return fail(count.error());
  const long long expected = std::max(1LL, *count);
  auto revision = store.prospects_revision();
  if (!revision) return fail(revision.error());
  auto report = [&](double percent) {
    ctx.progress(static_cast<long long>(percent), 100);
  };

  const bool with_tags = std::find(params.fields.begin(), params.fields.end(), "tags") != params.fields.end();
  const bool with_custom = std::any_of(params.fields.begin(), params.fields.end(),
                                       [](const std::string& f) { return f.starts_with("custom_fields."); });
  // One pass: the builder counts the values of each field (to fit the encoding: vocabularies,
  // scales) and keeps each prospect in a compact form; the matrix is made from that after.
  // Beside it, the ids and a sample of job titles (the words of each segment).
  auto builder = SegmentEncodingBuilder::create({params.fields}, true);
  if (!builder) return fail(builder.error());
  Fitted out;
  out.read_revision = *revision;
  out.ids.reserve(static_cast<size_t>(expected));
  SegmentEvidence evidence;
  const bool titles = std::find(params.fields.begin(), params.fields.end(), "job_title") != params.fields.end();
  const size_t title_stride = std::max<size_t>(1, static_cast<size_t>(expected) / kTitleSample);
  // Reading and counting overlap: the store steps through SQLite into one chunk on this thread
  // while a second thread counts the chunk before (the stream lets a callback keep its chunk
  // by swapping vectors: three rotate, so their strings' memory is reused).
  std::mutex mu;
  std::condition_variable cv;
  std::vector<Prospect> pending;
  bool has_pending = false, reading = true;
  std::thread counter([&] {
    std::vector<Prospect> work;
    while (true) {
      {
        std::unique_lock lock(mu);
        cv.wait(lock, [&] { return has_pending || !reading; });
        if (!has_pending) return;
        work.swap(pending);
        has_pending = false;
      }
      cv.notify_all();
      builder->add(work);
      for (const auto& p : work) {
        size_t row = out.ids.size();
        out.ids.push_back(p.id);
        if (titles && row % title_stride == 0 && p.job_title) evidence.title_sample.emplace_back(row, title_words(*p.job_title));
      }
    }
  });
  long long read = 0;
  auto st = store.stream_segment_features(filter, 0, kReadChunk, with_tags, with_custom, [&](std::vector<Prospect>& chunk) {
    read += static_cast<long long>(chunk.size());
    {
      std::unique_lock lock(mu);
      cv.wait(lock, [&] { return !has_pending; });
      pending.swap(chunk);
      has_pending = true;
    }
    cv.notify_all();
    report(30.0 * std::min(1.0, static_cast<double>(read) / static_cast<double>(expected)));
    return !abort_fit(ctx);
  });
  {
    std::lock_guard lock(mu);
    reading = false;
  }
  cv.notify_all();
  counter.join();
  if (!st) return fail(st.error());
  if (abort_fit(ctx)) {
    interrupted = true;
    return Fitted{};
  }
  SegmentEncoding encoding = builder->finish();
  const size_t cols = encoding.columns().size();
  ctx.log("info", std::to_string(out.ids.size()) + " prospects lus, " + std::to_string(cols) +
                      " colonnes de caractéristiques" + took(step));
  // Not zeroed first: encode_kept writes every value (a quarter of a gigabyte on 1M prospects).
  const size_t n_values = out.ids.size() * cols;
  std::unique_ptr<float[]> values(new float[std::max<size_t>(1, n_values)]);
  builder->encode_kept(encoding, 0, out.ids.size(), std::span<float>(values.get(), n_values));
  for (const auto& f : params.fields)
    if (f == "annual_revenue" || f == "employees" || f.starts_with("custom_fields.")) {
      auto kept = builder->kept_numbers(f);
      evidence.numbers.emplace_back(f, std::vector<double>(kept.begin(), kept.end()));
    }
  { auto release = std::move(*builder); }  // the compact copy: the matrix holds it all now
  const size_t rows = out.ids.size();
  ctx.log("info", "matrice des caractéristiques construite" + took(step));
  out.rows = static_cast<long long>(rows);
  MatrixView x{values.get(), rows, cols};
  int k_min = params.k ? *params.k : kAutoMinK;
  if (rows < static_cast<size_t>(std::max(k_min, 2)) || (!params.k && rows < 20))
    return fail(Error::Invalid("rows", "trop peu de prospects (" + std::to_string(rows) + ") pour " +
                                           (params.k ? std::to_string(*params.k) + " segments" : std::string("un découpage automatique")) +
                                           " : élargissez la sélection"));

  KMeansOptions options;
  options.seed = params.seed;
  json k_scores = json::array();
  if (params.k) {
    options.k = *params.k;
  } else {
    int k_max = static_cast<int>(std::min<size_t>(kAutoMaxK, rows / 2));
    // Eleven fits: each with fewer restarts on a smaller sample than the final fit, which
    // keeps every restart (the ranking of k needs the right basin less than the final fit).
    KMeansOptions trial = options;
    trial.restarts = 3;
    auto choice = choose_k(x, kAutoMinK, std::max(kAutoMinK, k_max), trial, 10000);
    if (!choice) return fail(choice.error());
    options.k = choice->k;
    for (const auto& s : choice->scores) k_scores.push_back({{"k", s.k}, {"silhouette", s.silhouette}});
    ctx.log("info", "nombre de segments choisi automatiquement : " + std::to_string(choice->k));
  }
  report(45);
  if (abort_fit(ctx)) {
    interrupted = true;
    return Fitted{};
  }
  auto fitted = kmeans_fit(x, options);
  if (!fitted) return fail(fitted.error());
  // The fit's labels are by its final centroids: what an apply after a resume computes, row
  // for row.
  out.labels = std::move(fitted->labels);
  ctx.log("info", "k-means : " + std::to_string(options.k) + " segments, " + std::to_string(fitted->iterations) +
                      " itérations" + took(step));
  report(60);

  if (auto s = silhouette(x, out.labels, kSilhouetteSample, params.seed)) out.silhouette = *s;
  auto profiles = describe_segments(encoding, x, out.labels, options.k, evidence);
  ctx.log("info", "segments décrits" + took(step));

  // The scatter plot: a sample of rows (every n-th), projected on their first two axes.
  json points = json::array(), centroids_2d = json::array();
  {
    size_t stride = std::max<size_t>(1, rows / kPlotPoints);
    std::vector<float> sample;
    std::vector<int32_t> sample_labels;
    for (size_t r = 0; r < rows; r += stride) {
      sample.insert(sample.end(), x.row(r), x.row(r) + cols);
      sample_labels.push_back(out.labels[r]);
    }
    auto pca = fit_pca2({sample.data(), sample_labels.size(), cols});
    if (pca) {
      auto round3 = [](double v) { return std::round(v * 1000) / 1000; };
      for (size_t i = 0; i < sample_labels.size(); ++i) {
        auto [a, b] = pca->project(sample.data() + i * cols);
        points.push_back({{"x", round3(a)}, {"y", round3(b)}, {"segment", sample_labels[i]}});
      }
      for (int c = 0; c < options.k; ++c) {
        auto [a, b] = pca->project(fitted->model.centroids.data() + static_cast<size_t>(c) * cols);
        centroids_2d.push_back({{"x", round3(a)}, {"y", round3(b)}});
      }
    }
  }

  std::vector<Segment> segments;
  for (const auto& p : profiles) {
    Segment s;
    s.index = p.index;
    s.auto_name = p.name;
    s.size = p.size;
    s.profile = segment_profile_json(p);
    segments.push_back(std::move(s));
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  json result = {{"k", options.k},
                 {"rows", out.rows},
                 {"silhouette", out.silhouette ? json(*out.silhouette) : json(nullptr)},
                 {"quality", out.silhouette ? json(silhouette_grade(*out.silhouette)) : json(nullptr)},
                 {"k_scores", k_scores},
                 {"inertia", fitted->inertia},
                 {"columns", cols},
                 {"fit_seconds", seconds},
                 {"points", points},
                 {"centroids_2d", centroids_2d}};
  report(70);
  auto saved = store.save_segmentation_fit(run.id, ctx.fence(), dump(result), model_json(encoding, fitted->model),
                                           segments, apply_checkpoint(0, 0, out.read_revision), 70, 100, now_unix_ms());
  if (!saved) return fail(saved.error());
  out.run = std::move(*saved);
  ctx.log("info", "découpage enregistré" +
                      (out.silhouette ? ", silhouette " + std::to_string(*out.silhouette).substr(0, 5) : std::string()) +
                      took(step));
  return out;
}

}  // namespace

TaskOutcome run_segmentation(JobContext& ctx, const TaskSettings& settings) {
  const size_t batch_rows = static_cast<size_t>(std::max(1LL, settings.segment_batch_rows));
  Store& store = ctx.store();
  json params = json::parse(ctx.job().params, nullptr, false);
  if (!params.is_object() || !params.contains("segmentation_id") || !params["segmentation_id"].is_number_integer())
    return TaskOutcome::failed("paramètres de tâche invalides : segmentation_id attendu");
  long long id = params["segmentation_id"].get<long long>();
  bool apply_only = params.value("mode", "fit") == "apply";
  auto run = store.get_segmentation(id);
  if (!run) return TaskOutcome::failed("découpage " + std::to_string(id) + " introuvable");
  auto run_params = parse_segmentation_params(run->params);
  if (!run_params) return TaskOutcome::failed("paramètres du découpage invalides : " + run_params.error().message);
  auto filter = export_filter_from_json(run_params->filter);
  if (!filter) return TaskOutcome::failed("filtre invalide : " + filter.error().message);

  long long after_id = 0, written = 0;
  std::optional<long long> since;
  bool fit_done = apply_only, applied = false;
  json cp = json::parse(ctx.job().checkpoint, nullptr, false);
  if (cp.is_object() && cp.value("phase", "") == "apply") {
    fit_done = true;
    after_id = cp.value("after_id", 0LL);
    written = cp.value("written", 0LL);
    if (cp.contains("since") && cp["since"].is_number_integer()) since = cp["since"].get<long long>();
    applied = cp.value("applied", false);
  }
  auto succeeded = [&]() {
    auto final_run = store.get_segmentation(id);
    json result_run = final_run ? json::parse(final_run->result, nullptr, false) : json::object();
    size_t k = final_run ? final_run->segments.size() : 0;
    ctx.log("info", "terminé : " + std::to_string(written) + " prospects rangés dans " + std::to_string(k) + " segments");
    return TaskOutcome::succeeded(dump({{"segmentation_id", id},
                                        {"k", k},
                                        {"rows", written},
                                        {"silhouette", result_run.is_object() && result_run.contains("silhouette")
                                                           ? result_run["silhouette"]
                                                           : json(nullptr)}}));
  };
  // Stopped after its last batch was in place, before it could say so.
  if (applied) {
    ctx.progress(100, 100);
    return succeeded();
  }

  std::optional<Fitted> fitted;
  if (!fit_done) {
    ctx.log("info", "lecture des prospects et calcul des segments");
    bool interrupted = false;
    auto f = fit(ctx, *run, *run_params, *filter, interrupted);
    if (interrupted) return TaskOutcome::interrupted(ctx);
    if (!f) {
      if (ctx.lost()) return TaskOutcome::stopped();
      return TaskOutcome::failed(f.error().fields.empty() ? f.error().message : f.error().fields[0].message);
    }
    fitted = std::move(*f);
    run = fitted->run;
    since = fitted->read_revision;
  } else if (run->state != "ready") {
    return TaskOutcome::failed("ce découpage n'a pas été calculé");
  }
  std::vector<long long> segment_ids(run->segments.size());
  for (const auto& s : run->segments)
    if (s.index >= 0 && static_cast<size_t>(s.index) < segment_ids.size()) segment_ids[static_cast<size_t>(s.index)] = s.id;

  // Writing the segment of each prospect, batch by batch with the checkpoint. Progress 70–100 %.
  ctx.log("info", after_id ? "reprise de l'écriture des segments après le prospect " + std::to_string(after_id)
                           : "écriture du segment de chaque prospect");
  long long expected = fitted ? fitted->rows : std::max(1LL, store.count_prospects(*filter).value_or(1));
  std::vector<std::pair<long long, long long>> batch;
  bool first = after_id == 0 && written == 0;
  if (!since) {  // an apply job starting: it reads the prospects from now on
    auto r = store.prospects_revision();
    if (!r) return TaskOutcome::failed(r.error().message);
    since = *r;
  }
  auto flush = [&](bool last_batch) -> Status {
    long long last = batch.empty() ? after_id : batch.back().first;
    long long total_written = written + static_cast<long long>(batch.size());
    long long pct = 70 + static_cast<long long>(30.0 * std::min(1.0, static_cast<double>(total_written) /
                                                                          static_cast<double>(std::max(1LL, expected))));
    auto st = store.write_segment_batch(id, ctx.fence(), {first, last_batch, *since}, batch,
                                        apply_checkpoint(last, total_written, *since, last_batch),
                                        last_batch ? 100 : std::min(pct, 99LL), 100, now_unix_ms());
    if (!st) return st;
    first = false;
    after_id = last;
    written = total_written;
    ctx.progress(std::min(pct, 99LL), 100);
    batch.clear();
    if (!last_batch && settings.segment_batch_pause_ms > 0)
      std::this_thread::sleep_for(std::chrono::milliseconds(settings.segment_batch_pause_ms));
    return {};
  };

  if (fitted) {
    for (size_t r = 0; r < fitted->ids.size(); ++r) {
      batch.emplace_back(fitted->ids[r], segment_ids[static_cast<size_t>(fitted->labels[r])]);
      if (batch.size() >= batch_rows) {
        if (r + 1 == fitted->ids.size()) break;  // the last batch, put in place below
        if (auto st = flush(false); !st) return ctx.lost() ? TaskOutcome::stopped() : TaskOutcome::failed(st.error().message);
        if (ctx.should_stop()) return TaskOutcome::interrupted(ctx);
      }
    }
  } else {
    auto full = store.get_segmentation(id, true);
    if (!full) return TaskOutcome::failed(full.error().message);
    auto model = read_model(full->model);
    if (!model) return TaskOutcome::failed(model.error().fields[0].message);
    const auto& fields = run_params->fields;
    const bool with_tags = std::find(fields.begin(), fields.end(), "tags") != fields.end();
    const bool with_custom =
        std::any_of(fields.begin(), fields.end(), [](const std::string& f) { return f.starts_with("custom_fields."); });
    std::vector<float> values;
    Status failed_write;
    bool stopped_early = false;
    auto st = store.stream_segment_features(*filter, after_id, kReadChunk, with_tags, with_custom, [&](std::vector<Prospect>& chunk) {
      values.resize(chunk.size() * model->kmeans.cols);
      model->encoding.encode_into(chunk, values);
      auto a = kmeans_assign(model->kmeans, {values.data(), chunk.size(), model->kmeans.cols});
      if (!a) {
        failed_write = fail(a.error());
        return false;
      }
      for (size_t i = 0; i < chunk.size(); ++i) {
        batch.emplace_back(chunk[i].id, segment_ids[static_cast<size_t>(a->labels[i])]);
        if (batch.size() < batch_rows) continue;
        if (auto w = flush(false); !w) {
          failed_write = w;
          return false;
        }
        // Rows of this chunk after the batch are read again by the resumed job.
        if (ctx.should_stop()) {
          stopped_early = true;
          return false;
        }
      }
      return true;
    });
    if (!st) return TaskOutcome::failed(st.error().message);
    if (!failed_write) return ctx.lost() ? TaskOutcome::stopped() : TaskOutcome::failed(failed_write.error().message);
    if (stopped_early) return TaskOutcome::interrupted(ctx);
  }
  // The last batch — also when it is empty (a run over no prospect, or a resume after the
  // last full batch): it puts the assignment in place and makes the run the applied one.
  if (auto st = flush(true); !st) return ctx.lost() ? TaskOutcome::stopped() : TaskOutcome::failed(st.error().message);
  ctx.progress(100, 100);
  return succeeded();
}

}  // namespace mimicom
