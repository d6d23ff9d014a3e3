#include "core/segmentation.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "core/exports.hpp"

namespace mimicom {

namespace {

using json = nlohmann::json;

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

std::optional<double> median_of(std::vector<double>& v) {
  if (v.empty()) return std::nullopt;
  size_t mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid), v.end());
  double hi = v[mid];
  if (v.size() % 2) return hi;
  double lo = *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid));
  return (lo + hi) / 2;
}

// How a value reads in a segment's name.
std::string value_label(const std::string& field, const std::string& value) {
  if (field == "company_size") {
    if (value == "1-9") return "1–9 salariés";
    if (value == "10-49") return "10–49 salariés";
    if (value == "50-249") return "50–249 salariés";
    if (value == "250-999") return "250–999 salariés";
    if (value == "1000+") return "1000 salariés et plus";
  }
  if (field == "status") {
    static const std::map<std::string, std::string> labels = {
        {"new", "Nouveaux"},       {"contacted", "Contactés"}, {"qualified", "Qualifiés"},
        {"meeting", "Rendez-vous"}, {"won", "Gagnés"},        {"lost", "Perdus"}};
    if (auto it = labels.find(value); it != labels.end()) return it->second;
  }
  if (field == "tags") return "#" + value;
  return value;
}

std::string number_label(const std::string& field, bool high) {
  if (field == "annual_revenue") return high ? "CA élevé" : "CA modeste";
  if (field == "employees") return high ? "Grands effectifs" : "Petits effectifs";
  std::string name = field.starts_with("custom_fields.") ? field.substr(14) : field;
  return name + (high ? " élevé" : " faible");
}

// A value must describe most of a segment, and clearly more than of the whole run, to name it.
constexpr double kNameShare = 0.5, kNameLift = 1.25;
constexpr double kStrongShare = 0.3, kStrongLift = 2.0;
constexpr size_t kNameParts = 3;

}  // namespace

Result<SegmentationParams> parse_segmentation_params(std::string_view text) {
  json j = json::parse(text, nullptr, false);
  if (!j.is_object()) return fail(Error::Invalid("body", "objet JSON attendu"));
  std::vector<FieldError> errors;
  SegmentationParams p;
  if (j.contains("filter") && !j["filter"].is_null()) {
    if (!j["filter"].is_object()) errors.push_back({"filter", "objet attendu (les paramètres de GET /prospects)"});
    else if (auto f = canonical_export_filter(dump(j["filter"])); !f)
      errors.insert(errors.end(), f.error().fields.begin(), f.error().fields.end());
    else p.filter = *f;
  }
  if (!j.contains("fields") || !j["fields"].is_array() || j["fields"].empty()) {
    errors.push_back({"fields", "Choisissez au moins un critère"});
  } else {
    for (const auto& f : j["fields"]) {
      if (f.is_string()) p.fields.push_back(f.get<std::string>());
      else errors.push_back({"fields", "nom de champ (texte) attendu"});
    }
    if (auto b = SegmentEncodingBuilder::create({p.fields}); !b)
      errors.insert(errors.end(), b.error().fields.begin(), b.error().fields.end());
  }
  if (j.contains("k") && !j["k"].is_null() && j["k"] != "auto") {
    if (!j["k"].is_number_integer() || j["k"].get<long long>() < kSegmentMinK || j["k"].get<long long>() > kSegmentMaxK)
      errors.push_back({"k", "nombre de segments entre " + std::to_string(kSegmentMinK) + " et " +
                                 std::to_string(kSegmentMaxK) + ", ou « auto »"});
    else p.k = j["k"].get<int>();
  }
  if (j.contains("seed") && !j["seed"].is_null()) {
    if (!j["seed"].is_number_unsigned() && !(j["seed"].is_number_integer() && j["seed"].get<long long>() >= 0))
      errors.push_back({"seed", "entier positif attendu"});
    else p.seed = j["seed"].get<uint64_t>();
  }
  if (!errors.empty()) return fail(Error::Invalid(std::move(errors)));
  return p;
}

std::string segmentation_params_json(const SegmentationParams& p) {
  json filter = json::parse(p.filter, nullptr, false);
  return dump({{"filter", filter.is_object() ? filter : json::object()},
               {"fields", p.fields},
               {"k", p.k ? json(*p.k) : json(nullptr)},
               {"seed", p.seed}});
}

std::vector<SegmentFeatureOption> segment_feature_options(const std::vector<std::string>& custom_numbers) {
  std::vector<SegmentFeatureOption> out = {
      {"sector", "category", true},   {"region", "category", true},     {"company_size", "category", true},
      {"source", "category", false},  {"status", "category", false},    {"tags", "tags", false},
      {"annual_revenue", "number", false}, {"employees", "number", false}, {"job_title", "text", false},
  };
  for (const auto& c : custom_numbers) out.push_back({"custom_fields." + c, "number", false});
  return out;
}

std::vector<SegmentProfile> describe_segments(const SegmentEncoding& encoding, MatrixView x,
                                              std::span<const int32_t> labels, int k,
                                              const SegmentEvidence& evidence) {
  const auto& columns = encoding.columns();
  const size_t cols = columns.size();
  std::vector<SegmentProfile> out(static_cast<size_t>(std::max(k, 0)));
  // Column sums per segment and over all rows: the share of each one-hot value.
  std::vector<double> sums(out.size() * cols, 0.0), all(cols, 0.0);
  for (size_t r = 0; r < x.rows; ++r) {
    int c = labels[r];
    if (c < 0 || c >= k) continue;
    ++out[static_cast<size_t>(c)].size;
    const float* row = x.row(r);
    double* s = sums.data() + static_cast<size_t>(c) * cols;
    for (size_t j = 0; j < cols; ++j) {
      s[j] += row[j];
      all[j] += row[j];
    }
  }
  const double n = static_cast<double>(x.rows);
  for (size_t c = 0; c < out.size(); ++c) {
    auto& p = out[c];
    p.index = static_cast<int>(c);
    p.share = n > 0 ? static_cast<double>(p.size) / n : 0;
    if (p.size == 0) continue;
    for (size_t j = 0; j < cols; ++j) {
      if (columns[j].kind != SegmentColumn::Kind::Category || all[j] <= 0) continue;
      double share = sums[c * cols + j] / static_cast<double>(p.size), base = all[j] / n;
      if (share < 0.05 || share <= base) continue;
      p.traits.push_back({columns[j].field, columns[j].value, share, base, share / base});
    }
    std::stable_sort(p.traits.begin(), p.traits.end(), [](const auto& a, const auto& b) {
      return a.lift != b.lift ? a.lift > b.lift : a.share > b.share;
    });
  }

  // Medians of the raw numbers, per segment and over the run.
  for (const auto& [field, values] : evidence.numbers) {
    std::vector<std::vector<double>> per(out.size());
    std::vector<double> base;
    for (size_t r = 0; r < values.size() && r < labels.size(); ++r) {
      if (std::isnan(values[r])) continue;
      base.push_back(values[r]);
      int c = labels[r];
      if (c >= 0 && c < k) per[static_cast<size_t>(c)].push_back(values[r]);
    }
    auto base_median = median_of(base);
    for (size_t c = 0; c < out.size(); ++c) out[c].numbers.push_back({field, median_of(per[c]), base_median});
  }

  // Job-title words over the sample: the share of sampled titles holding each word.
  if (!evidence.title_sample.empty()) {
    std::vector<std::map<std::string, long long>> per(out.size());
    std::map<std::string, long long> base;
    std::vector<long long> sampled(out.size(), 0);
    for (const auto& [row, words] : evidence.title_sample) {
      if (row >= labels.size()) continue;
      int c = labels[row];
      if (c < 0 || c >= k) continue;
      ++sampled[static_cast<size_t>(c)];
      std::set<std::string> unique(words.begin(), words.end());
      for (const auto& w : unique) {
        ++base[w];
        ++per[static_cast<size_t>(c)][w];
      }
    }
    const double total = static_cast<double>(evidence.title_sample.size());
    for (size_t c = 0; c < out.size(); ++c) {
      if (sampled[c] == 0) continue;
      for (const auto& [w, count] : per[c]) {
        double share = static_cast<double>(count) / static_cast<double>(sampled[c]);
        double b = static_cast<double>(base[w]) / total;
        if (share < 0.05 || share <= b || count < 3) continue;
        out[c].words.push_back({w, share, b, share / b});
      }
      std::stable_sort(out[c].words.begin(), out[c].words.end(), [](const auto& a, const auto& b) {
        return a.lift != b.lift ? a.lift > b.lift : a.share > b.share;
      });
      if (out[c].words.size() > kMaxTraits) out[c].words.resize(kMaxTraits);
    }
  }

  // Names: per field in the run's order, the segment's most common value when it describes
  // most of the segment and clearly more than the run; then numbers far from the run's
  // median; then a job-title word.
  std::vector<std::string> field_order;
  for (const auto& col : columns)
    if (field_order.empty() || field_order.back() != col.field) field_order.push_back(col.field);
  std::map<std::string, int> used;
  for (auto& p : out) {
    std::vector<std::string> parts;
    for (const auto& field : field_order) {
      if (parts.size() >= kNameParts) break;
      // The most common value when it covers most of the segment; else a value strongly
      // concentrated there (a sector at 40 % of the segment against 11 % of the run).
      const SegmentTrait* best = nullptr;
      for (const auto& t : p.traits)
        if (t.field == field && (!best || t.share > best->share)) best = &t;
      const SegmentTrait* pick = best && best->share >= kNameShare && best->lift >= kNameLift ? best : nullptr;
      for (const auto& t : p.traits)  // by lift: the first found is the strongest
        if (!pick && t.field == field && t.share >= kStrongShare && t.lift >= kStrongLift) pick = &t;
      if (pick) parts.push_back(value_label(field, pick->value));
    }
    for (const auto& num : p.numbers) {
      if (parts.size() >= kNameParts) break;
      if (!num.median || !num.base_median || *num.base_median <= 0) continue;
      if (*num.median >= 2 * *num.base_median) parts.push_back(number_label(num.field, true));
      else if (*num.median <= 0.5 * *num.base_median) parts.push_back(number_label(num.field, false));
    }
    if (parts.empty() && !p.words.empty() && p.words[0].lift >= 1.5) {
      std::string w = p.words[0].word;
      if (!w.empty()) w[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(w[0])));
      parts.push_back(w);
    }
    std::string name;
    for (const auto& part : parts) name += (name.empty() ? "" : " · ") + part;
    if (name.empty()) name = "Segment " + std::to_string(p.index + 1);
    int seen = ++used[name];
    p.name = seen == 1 ? name : name + " (" + std::to_string(seen) + ")";
    if (p.traits.size() > kMaxTraits) p.traits.resize(kMaxTraits);
  }
  return out;
}

std::string segment_profile_json(const SegmentProfile& p) {
  json traits = json::array(), numbers = json::array(), words = json::array();
  for (const auto& t : p.traits)
    traits.push_back({{"field", t.field}, {"value", t.value}, {"share", t.share}, {"base_share", t.base_share},
                      {"lift", t.lift}});
  for (const auto& m : p.numbers)
    numbers.push_back({{"field", m.field},
                       {"median", m.median ? json(*m.median) : json(nullptr)},
                       {"base_median", m.base_median ? json(*m.base_median) : json(nullptr)}});
  for (const auto& w : p.words)
    words.push_back({{"word", w.word}, {"share", w.share}, {"base_share", w.base_share}, {"lift", w.lift}});
  return dump({{"share", p.share}, {"traits", traits}, {"numbers", numbers}, {"words", words}});
}

std::pair<double, double> Pca2::project(const float* row) const {
  double a = 0, b = 0;
  for (size_t j = 0; j < mean.size(); ++j) {
    double v = row[j] - mean[j];
    a += v * axis1[j];
    b += v * axis2[j];
  }
  return {a, b};
}

Result<Pca2> fit_pca2(MatrixView x) {
  if (x.rows == 0 || x.cols == 0) return fail(Error::Invalid("rows", "aucune ligne à projeter"));
  const size_t d = x.cols;
  Pca2 p;
  p.mean.assign(d, 0);
  for (size_t r = 0; r < x.rows; ++r)
    for (size_t j = 0; j < d; ++j) p.mean[j] += x.row(r)[j];
  for (auto& m : p.mean) m /= static_cast<double>(x.rows);
  std::vector<double> cov(d * d, 0), centred(d);
  for (size_t r = 0; r < x.rows; ++r) {
    for (size_t j = 0; j < d; ++j) centred[j] = x.row(r)[j] - p.mean[j];
    for (size_t i = 0; i < d; ++i)
      for (size_t j = i; j < d; ++j) cov[i * d + j] += centred[i] * centred[j];
  }
  for (size_t i = 0; i < d; ++i)
    for (size_t j = i; j < d; ++j) cov[j * d + i] = cov[i * d + j];

  // Power iteration, the second axis kept orthogonal to the first (Gram–Schmidt each step).
  auto top = [&](const std::vector<double>* orth) {
    std::vector<double> v(d), w(d);
    for (size_t j = 0; j < d; ++j) v[j] = 1.0 + 0.01 * static_cast<double>(j % 7);  // fixed start
    for (int it = 0; it < 300; ++it) {
      if (orth) {
        double dot = 0;
        for (size_t j = 0; j < d; ++j) dot += v[j] * (*orth)[j];
        for (size_t j = 0; j < d; ++j) v[j] -= dot * (*orth)[j];
      }
      for (size_t i = 0; i < d; ++i) {
        double s = 0;
        for (size_t j = 0; j < d; ++j) s += cov[i * d + j] * v[j];
        w[i] = s;
      }
      double norm = 0;
      for (double e : w) norm += e * e;
      norm = std::sqrt(norm);
      if (norm < 1e-300) break;  // no variance left: any direction will do
      double change = 0;
      for (size_t j = 0; j < d; ++j) {
        double next = w[j] / norm;
        change += std::fabs(next - v[j]);
        v[j] = next;
      }
      if (change < 1e-10) break;
    }
    if (orth) {
      double dot = 0;
      for (size_t j = 0; j < d; ++j) dot += v[j] * (*orth)[j];
      for (size_t j = 0; j < d; ++j) v[j] -= dot * (*orth)[j];
    }
    double norm = 0;
    for (double e : v) norm += e * e;
    norm = std::sqrt(norm);
    size_t big = 0;
    for (size_t j = 0; j < d; ++j)
      if (std::fabs(v[j]) > std::fabs(v[big])) big = j;
    double sign = v[big] < 0 ? -1.0 : 1.0;
    for (auto& e : v) e = norm > 0 ? sign * e / norm : 0;
    return v;
  };
  p.axis1 = top(nullptr);
  p.axis2 = top(&p.axis1);
  return p;
}

std::string_view silhouette_grade(double s) {
  if (s >= 0.5) return "good";
  if (s >= 0.25) return "fair";
  return "weak";
}

}  // namespace mimicom
