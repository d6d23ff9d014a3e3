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
#include <nlohmann/json.hpp>
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

std::string apply_checkpoint(long long after_id, long long written) {
  return dump({{"phase", "apply"}, {"after_id", after_id}, {"written", written}});
}

struct Fitted {
  Segmentation run;            // saved, with its segments
  std::vector<long long> ids;  // every row, in id order
  std::vector<int32_t> labels;
  long long rows = 0;
  std::optional<double> silhouette;
};

// Reads, encodes, fits, explains and saves. Progress 0–70 %.
Result<Fitted> fit(JobContext& ctx, const Segmentation& run, const SegmentationParams& params,
                   const ProspectFilter& filter, bool& interrupted) {
  auto started = std::chrono::steady_clock::now();
  Store& store = ctx.store();
  auto count = store.count_prospects(filter);
  if (!count) return fail(count.error());
  const long long expected = std::max(1LL, *count);
  auto report = [&](double percent) {
    ctx.progress(static_cast<long long>(percent), 100);
  };

  const bool with_tags = std::find(params.fields.begin(), params.fields.end(), "tags") != params.fields.end();
  const bool with_custom = std::any_of(params.fields.begin(), params.fields.end(),
                                       [](const std::string& f) { return f.starts_with("custom_fields."); });
  // Pass 1: the values of each field, to fit the encoding (vocabularies, scales).
  auto builder = SegmentEncodingBuilder::create({params.fields});
  if (!builder) return fail(builder.error());
  long long seen = 0;
  auto st = store.stream_segment_features(filter, 0, kReadChunk, with_tags, with_custom, [&](std::vector<Prospect>& chunk) {
    builder->add(chunk);
    seen += static_cast<long long>(chunk.size());
    report(15.0 * std::min(1.0, static_cast<double>(seen) / static_cast<double>(expected)));
    return !abort_fit(ctx);
  });
  if (!st) return fail(st.error());
  if (abort_fit(ctx)) {
    interrupted = true;
    return Fitted{};
  }
  SegmentEncoding encoding = builder->finish();
  const size_t cols = encoding.columns().size();
  ctx.log("info", std::to_string(seen) + " prospects lus, " + std::to_string(cols) + " colonnes de caractéristiques");

  // Pass 2: the matrix, the raw numbers and a sample of job titles.
  Fitted out;
  std::vector<float> values;
  values.reserve(static_cast<size_t>(seen) * cols);
  SegmentEvidence evidence;
  std::vector<std::string> number_fields;
  for (const auto& f : params.fields)
    if (f == "annual_revenue" || f == "employees" || f.starts_with("custom_fields.")) number_fields.push_back(f);
  for (const auto& f : number_fields) evidence.numbers.emplace_back(f, std::vector<double>{});
  const bool titles = std::find(params.fields.begin(), params.fields.end(), "job_title") != params.fields.end();
  const size_t title_stride = std::max<size_t>(1, static_cast<size_t>(seen) / kTitleSample);
  out.ids.reserve(static_cast<size_t>(seen));
  st = store.stream_segment_features(filter, 0, kReadChunk, with_tags, with_custom, [&](std::vector<Prospect>& chunk) {
    size_t first = out.ids.size();
    values.resize((first + chunk.size()) * cols);
    encoding.encode_into(chunk, std::span<float>(values.data() + first * cols, chunk.size() * cols));
    for (size_t i = 0; i < chunk.size(); ++i) {
      const Prospect& p = chunk[i];
      size_t row = first + i;
      out.ids.push_back(p.id);
      for (size_t f = 0; f < number_fields.size(); ++f)
        evidence.numbers[f].second.push_back(segment_number(p, number_fields[f]).value_or(std::nan("")));
      if (titles && row % title_stride == 0 && p.job_title) evidence.title_sample.emplace_back(row, title_words(*p.job_title));
    }
    report(15.0 + 15.0 * std::min(1.0, static_cast<double>(out.ids.size()) / static_cast<double>(seen ? seen : 1)));
    return !abort_fit(ctx);
  });
  if (!st) return fail(st.error());
  if (abort_fit(ctx)) {
    interrupted = true;
    return Fitted{};
  }
  const size_t rows = out.ids.size();
  out.rows = static_cast<long long>(rows);
  MatrixView x{values.data(), rows, cols};
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
  // Labels by the final centroids: what an apply after a resume computes, row for row.
  auto assigned = kmeans_assign(fitted->model, x);
  if (!assigned) return fail(assigned.error());
  out.labels = std::move(assigned->labels);
  ctx.log("info", "k-means : " + std::to_string(options.k) + " segments, " + std::to_string(fitted->iterations) +
                      " itérations");
  report(60);

  if (auto s = silhouette(x, out.labels, kSilhouetteSample, params.seed)) out.silhouette = *s;
  auto profiles = describe_segments(encoding, x, out.labels, options.k, evidence);

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
                                           segments, apply_checkpoint(0, 0), 70, 100, now_unix_ms());
  if (!saved) return fail(saved.error());
  out.run = std::move(*saved);
  ctx.log("info", "découpage enregistré" +
                      (out.silhouette ? " (silhouette " + std::to_string(*out.silhouette).substr(0, 5) + ")" : std::string()));
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
  bool fit_done = apply_only;
  json cp = json::parse(ctx.job().checkpoint, nullptr, false);
  if (cp.is_object() && cp.value("phase", "") == "apply") {
    fit_done = true;
    after_id = cp.value("after_id", 0LL);
    written = cp.value("written", 0LL);
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
  auto flush = [&]() -> Status {
    long long last = batch.empty() ? after_id : batch.back().first;
    long long total_written = written + static_cast<long long>(batch.size());
    long long pct = 70 + static_cast<long long>(30.0 * std::min(1.0, static_cast<double>(total_written) /
                                                                          static_cast<double>(std::max(1LL, expected))));
    auto st = store.write_segment_batch(id, ctx.fence(), first, batch, apply_checkpoint(last, total_written),
                                        std::min(pct, 99LL), 100, now_unix_ms());
    if (!st) return st;
    first = false;
    after_id = last;
    written = total_written;
    ctx.progress(std::min(pct, 99LL), 100);
    batch.clear();
    return {};
  };

  if (fitted) {
    for (size_t r = 0; r < fitted->ids.size(); ++r) {
      batch.emplace_back(fitted->ids[r], segment_ids[static_cast<size_t>(fitted->labels[r])]);
      if (batch.size() >= batch_rows) {
        if (auto st = flush(); !st) return ctx.lost() ? TaskOutcome::stopped() : TaskOutcome::failed(st.error().message);
        if (ctx.should_stop() && r + 1 < fitted->ids.size()) return TaskOutcome::interrupted(ctx);
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
        if (auto w = flush(); !w) {
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
  // The last batch — also when it is empty, so a run over no prospect (or a resume after the
  // last full batch) still becomes the applied one.
  if (!batch.empty() || first) {
    if (auto st = flush(); !st) return ctx.lost() ? TaskOutcome::stopped() : TaskOutcome::failed(st.error().message);
  }
  ctx.progress(100, 100);
  auto final_run = store.get_segmentation(id);
  json result_run = final_run ? json::parse(final_run->result, nullptr, false) : json::object();
  ctx.log("info", "terminé : " + std::to_string(written) + " prospects rangés dans " +
                      std::to_string(segment_ids.size()) + " segments");
  return TaskOutcome::succeeded(dump({{"segmentation_id", id},
                                      {"k", segment_ids.size()},
                                      {"rows", written},
                                      {"silhouette", result_run.is_object() && result_run.contains("silhouette")
                                                         ? result_run["silhouette"]
                                                         : json(nullptr)}}));
}

}  // namespace mimicom
