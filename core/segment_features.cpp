#include "core/segment_features.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <optional>
#include <nlohmann/json.hpp>
#include <set>

namespace mimicom {

namespace {

// Where a chosen field lives in a Prospect.
enum Source : uint8_t { kSector, kRegion, kCompanySize, kProspectSource, kStatus, kTags, kAnnualRevenue, kEmployees,
                        kJobTitle, kCustom };
constexpr std::string_view kCustomPrefix = "custom_fields.";

struct KnownField {
  std::string_view name;
  Source source;
};
constexpr KnownField kKnown[] = {
    {"sector", kSector},       {"region", kRegion},       {"company_size", kCompanySize},
    {"source", kProspectSource}, {"status", kStatus},     {"tags", kTags},
    {"annual_revenue", kAnnualRevenue}, {"employees", kEmployees}, {"job_title", kJobTitle},
};

const std::string* category_of(const Prospect& p, uint8_t source) {
  const std::optional<std::string>* v = nullptr;
  switch (source) {
    case kSector: v = &p.sector; break;
    case kRegion: v = &p.region; break;
    case kCompanySize: v = &p.company_size; break;
    case kProspectSource: v = &p.source; break;
    case kStatus: return p.status.empty() ? nullptr : &p.status;
    default: return nullptr;
  }
  return *v && !(*v)->empty() ? &**v : nullptr;
}

// A custom field's text as a number: spaces (also non-breaking) are thousands separators and
// a comma is the decimal point, as French files write them; anything else is not a number.
std::optional<double> parse_number(std::string_view text) {
  std::string clean;
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = text[i];
    if (c == ' ' || c == '\t') continue;
    if (c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0xA0) {
      ++i;
      continue;
    }
    if (c == 0xE2 && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0x80 &&
        static_cast<unsigned char>(text[i + 2]) == 0xAF) {
      i += 2;
      continue;
    }
    clean.push_back(c == ',' ? '.' : static_cast<char>(c));
  }
  double v = 0;
  auto [end, ec] = std::from_chars(clean.data(), clean.data() + clean.size(), v);
  if (clean.empty() || ec != std::errc() || end != clean.data() + clean.size() || !std::isfinite(v))
    return std::nullopt;
  return v;
}

std::optional<double> number_of(const Prospect& p, uint8_t source, const std::string& custom_key) {
  switch (source) {
    case kAnnualRevenue:
      if (p.annual_revenue && std::isfinite(*p.annual_revenue)) return *p.annual_revenue;
      return std::nullopt;
    case kEmployees:
      if (p.employees) return static_cast<double>(*p.employees);
      return std::nullopt;
    case kCustom: {
      // custom_fields is sorted by key (core/models/prospect.hpp).
      auto it = std::lower_bound(p.custom_fields.begin(), p.custom_fields.end(), custom_key,
                                 [](const auto& kv, const std::string& k) { return kv.first < k; });
      if (it == p.custom_fields.end() || it->first != custom_key) return std::nullopt;
      return parse_number(it->second);
    }
    default: return std::nullopt;
  }
}

// Revenues run from thousands to billions: the log of the magnitude keeps one large company
// from outweighing every other column; the sign is kept for the rare negative custom value.
double log_scaled(double v) { return std::copysign(std::log1p(std::fabs(v)), v); }

// Latin-1 supplement letters (U+00C0..U+00FF, UTF-8 C3 80..C3 BF) without their accents;
// '*' marks the two that become two letters (æ, ß), ' ' the signs that separate words.
constexpr std::string_view kFolded = "aaaaaa*ceeeeiiiidnooooo ouuuuy *aaaaaa*ceeeeiiiidnooooo ouuuuy y";

// Words that say nothing about a job ("Directeur de la communication").
constexpr std::string_view kStopWords[] = {"and", "au", "aux", "de", "des", "du", "en", "et",
                                           "la",  "le", "les", "of", "the"};

uint64_t fnv1a(std::string_view s) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace

namespace {

// Calls f(word) for each word of a job title, lower-cased and accent-folded, in order (the
// words title_words returns), folding into `folded` (reused across calls).
template <class F>
void each_title_word(std::string_view title, std::string& folded, F&& f) {
  folded.clear();
  for (size_t i = 0; i < title.size(); ++i) {
    unsigned char c = title[i];
    if (c < 0x80) {
      folded.push_back(std::isalnum(c) ? static_cast<char>(std::tolower(c)) : ' ');
      continue;
    }
    unsigned char next = i + 1 < title.size() ? static_cast<unsigned char>(title[i + 1]) : 0;
    if (c == 0xC3 && next >= 0x80 && next <= 0xBF) {
      char fc = kFolded[next - 0x80];
      if (fc == '*') folded += (next == 0x9F) ? "ss" : "ae";
      else folded.push_back(fc);
      ++i;
    } else if (c == 0xC5 && (next == 0x92 || next == 0x93)) {  // Œ œ
      folded += "oe";
      ++i;
    } else {
      folded.push_back(' ');  // any other non-ASCII byte: a separator
    }
  }
  size_t i = 0;
  while (i < folded.size()) {
    while (i < folded.size() && folded[i] == ' ') ++i;
    size_t start = i;
    while (i < folded.size() && folded[i] != ' ') ++i;
    std::string_view w(folded.data() + start, i - start);
    if (w.size() < 2) continue;  // "d'", "l'", initials
    if (std::find(std::begin(kStopWords), std::end(kStopWords), w) != std::end(kStopWords)) continue;
    f(w);
  }
}

// The buckets of a job title's words, one bit each (0: no word).
uint64_t title_mask(std::string_view title, int buckets, std::string& folded) {
  uint64_t mask = 0;
  each_title_word(title, folded, [&](std::string_view w) { mask |= uint64_t{1} << title_bucket(w, buckets); });
  return mask;
}

}  // namespace

std::vector<std::string> title_words(std::string_view title) {
  std::string folded;
  std::vector<std::string> words;
  each_title_word(title, folded, [&](std::string_view w) { words.emplace_back(w); });
  return words;
}

int title_bucket(std::string_view word, int buckets) {
  return buckets > 0 ? static_cast<int>(fnv1a(word) % static_cast<uint64_t>(buckets)) : 0;
}

std::string SegmentColumn::name() const {
  switch (kind) {
    case Kind::Category: return field + "=" + value;
    case Kind::Other: return field + ":other";
    case Kind::Missing: return field + ":missing";
    case Kind::Number: return field;
    case Kind::TitleBucket: return field + "#" + value;
  }
  return field;
}

Result<SegmentEncodingBuilder> SegmentEncodingBuilder::create(SegmentFeatureChoice choice, bool keep_rows) {
  std::vector<FieldError> errors;
  if (choice.fields.empty()) errors.push_back({"fields", "Choisissez au moins un champ"});
  if (!(choice.min_share >= 0 && choice.min_share < 1))
    errors.push_back({"min_share", "Doit être compris entre 0 et 1"});
  if (choice.title_buckets < 1 || choice.title_buckets > 64)
    errors.push_back({"title_buckets", "Doit être compris entre 1 et 64"});
  SegmentEncodingBuilder b;
  std::set<std::string> seen;
  for (const auto& name : choice.fields) {
    SegmentEncoding::Field f;
    f.name = name;
    if (!seen.insert(name).second) {
      errors.push_back({"fields", "Champ en double : " + name});
      continue;
    }
    if (name.starts_with(kCustomPrefix) && name.size() > kCustomPrefix.size()) {
      f.source = kCustom;
      f.custom_key = name.substr(kCustomPrefix.size());
    } else {
      auto it = std::find_if(std::begin(kKnown), std::end(kKnown), [&](const auto& k) { return k.name == name; });
      if (it == std::end(kKnown)) {
        errors.push_back({"fields", "Champ inconnu : " + name});
        continue;
      }
      f.source = it->source;
    }
    f.type = f.source == kTags                                           ? SegmentEncoding::Type::Tags
             : f.source == kJobTitle                                     ? SegmentEncoding::Type::Title
             : (f.source == kAnnualRevenue || f.source == kEmployees || f.source == kCustom)
                 ? SegmentEncoding::Type::Number
                 : SegmentEncoding::Type::Category;
    b.fields_.push_back(std::move(f));
  }
  if (!errors.empty()) return fail(Error::Invalid(std::move(errors)));
  b.choice_ = std::move(choice);
  b.keep_rows_ = keep_rows;
  b.stats_.resize(b.fields_.size());
  for (auto& st : b.stats_) st.tag_start.push_back(0);
  return b;
}

uint32_t SegmentEncodingBuilder::Stats::code_of(std::string_view value) {
  auto it = codes.find(value);
  if (it != codes.end()) {
    ++counts[it->second];
    return it->second;
  }
  uint32_t code = static_cast<uint32_t>(values.size());
  values.emplace_back(value);
  counts.push_back(1);
  codes.emplace(values.back(), code);
  return code;
}

void SegmentEncodingBuilder::add(std::span<const Prospect> prospects) {
  for (size_t f = 0; f < fields_.size(); ++f) {
    const auto& field = fields_[f];
    Stats& s = stats_[f];
    switch (field.type) {
      case SegmentEncoding::Type::Category:
        for (const auto& p : prospects) {
          const std::string* v = category_of(p, field.source);
          uint32_t code = v ? s.code_of(*v) : kNoValue;
          if (keep_rows_) s.row_codes.push_back(code);
        }
        break;
      case SegmentEncoding::Type::Tags:
        for (const auto& p : prospects) {
          for (const auto& t : p.tags) {  // tags are unique per prospect
            uint32_t code = s.code_of(t);
            if (keep_rows_) s.tag_codes.push_back(code);
          }
          if (keep_rows_) s.tag_start.push_back(static_cast<uint32_t>(s.tag_codes.size()));
        }
        break;
      case SegmentEncoding::Type::Number:
        for (const auto& p : prospects) {
          auto v = number_of(p, field.source, field.custom_key);
          if (keep_rows_) s.row_numbers.push_back(v ? *v : std::nan(""));
          if (!v) continue;
          double x = log_scaled(*v);
          ++s.present;
          double delta = x - s.mean;
          s.mean += delta / static_cast<double>(s.present);
          s.m2 += delta * (x - s.mean);
        }
        break;
      case SegmentEncoding::Type::Title:  // hashed: nothing to learn, only rows to keep
        if (keep_rows_)
          for (const auto& p : prospects)
            s.row_titles.push_back(p.job_title ? title_mask(*p.job_title, choice_.title_buckets, folded_) : 0);
        break;
    }
  }
  count_ += static_cast<long long>(prospects.size());
}

SegmentEncoding SegmentEncodingBuilder::finish() const {
  SegmentEncoding e;
  e.title_buckets_ = choice_.title_buckets;
  for (size_t f = 0; f < fields_.size(); ++f) {
    SegmentEncoding::Field field = fields_[f];
    const Stats& s = stats_[f];
    field.first_column = e.columns_.size();
    auto add = [&](SegmentColumn::Kind kind, std::string value = {}) {
      e.columns_.push_back({field.name, kind, std::move(value)});
      return e.columns_.size() - 1;
    };
    switch (field.type) {
      case SegmentEncoding::Type::Category:
      case SegmentEncoding::Type::Tags: {
        // Most frequent first, ties by text: the same data gives the same columns.
        std::vector<std::pair<std::string, long long>> kept;
        for (size_t v = 0; v < s.values.size(); ++v)
          if (count_ > 0 && static_cast<double>(s.counts[v]) >= choice_.min_share * static_cast<double>(count_))
            kept.emplace_back(s.values[v], s.counts[v]);
        std::sort(kept.begin(), kept.end(),
                  [](const auto& a, const auto& b) { return a.second != b.second ? a.second > b.second : a.first < b.first; });
        for (const auto& [value, n] : kept) field.columns.emplace(value, add(SegmentColumn::Kind::Category, value));
        field.other_column = add(SegmentColumn::Kind::Other);
        field.missing_column = add(SegmentColumn::Kind::Missing);
        break;
      }
      case SegmentEncoding::Type::Number: {
        field.mean = s.mean;
        double var = s.present > 1 ? s.m2 / static_cast<double>(s.present) : 0;
        // A constant (or absent) field: any scale gives zeros; 1 avoids dividing by zero.
        field.std = var > 1e-24 ? std::sqrt(var) : 1;
        add(SegmentColumn::Kind::Number);
        field.missing_column = add(SegmentColumn::Kind::Missing);
        break;
      }
      case SegmentEncoding::Type::Title:
        for (int b = 0; b < choice_.title_buckets; ++b) add(SegmentColumn::Kind::TitleBucket, std::to_string(b));
        field.missing_column = add(SegmentColumn::Kind::Missing);
        break;
    }
    e.fields_.push_back(std::move(field));
  }
  return e;
}

FeatureMatrix SegmentEncoding::encode(std::span<const Prospect> prospects) const {
  FeatureMatrix m;
  m.rows = prospects.size();
  m.cols = columns_.size();
  m.values.resize(m.rows * m.cols);
  encode_into(prospects, m.values);
  return m;
}

void SegmentEncoding::encode_into(std::span<const Prospect> prospects, std::span<float> out) const {
  const size_t cols = columns_.size();
  std::string folded;
  std::fill(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(prospects.size() * cols), 0.0f);
  for (size_t r = 0; r < prospects.size(); ++r) {
    const Prospect& p = prospects[r];
    float* row = out.data() + r * cols;
    for (const auto& field : fields_) {
      switch (field.type) {
        case Type::Category: {
          const std::string* v = category_of(p, field.source);
          if (!v) {
            row[field.missing_column] = 1;
            break;
          }
          auto it = field.columns.find(*v);
          row[it == field.columns.end() ? field.other_column : it->second] = 1;
          break;
        }
        case Type::Tags:
          if (p.tags.empty()) row[field.missing_column] = 1;
          for (const auto& t : p.tags) {
            auto it = field.columns.find(t);
            row[it == field.columns.end() ? field.other_column : it->second] = 1;
          }
          break;
        case Type::Number:
          if (auto v = number_of(p, field.source, field.custom_key))
            row[field.first_column] = static_cast<float>((log_scaled(*v) - field.mean) / field.std);
          else
            row[field.missing_column] = 1;  // the value stays at the mean: 0
          break;
        case Type::Title: {
          uint64_t mask = p.job_title ? title_mask(*p.job_title, title_buckets_, folded) : 0;
          if (!mask) row[field.missing_column] = 1;
          for (int b = 0; b < title_buckets_; ++b)
            if (mask >> b & 1) row[field.first_column + static_cast<size_t>(b)] = 1;
          break;
        }
      }
    }
  }
}

void SegmentEncodingBuilder::encode_kept(const SegmentEncoding& e, size_t first, size_t n, std::span<float> out) const {
  const size_t cols = e.columns_.size();
  // Per category field: the column of each value number (its own, or "other").
  std::vector<std::vector<size_t>> column_of(fields_.size());
  for (size_t f = 0; f < fields_.size() && f < e.fields_.size(); ++f) {
    const auto& field = e.fields_[f];
    if (field.type != SegmentEncoding::Type::Category && field.type != SegmentEncoding::Type::Tags) continue;
    for (const auto& value : stats_[f].values) {
      auto it = field.columns.find(value);
      column_of[f].push_back(it == field.columns.end() ? field.other_column : it->second);
    }
  }
  const long long rows = static_cast<long long>(n);
#pragma omp parallel for schedule(static, 4096)
  for (long long i = 0; i < rows; ++i) {
    const size_t r = first + static_cast<size_t>(i);
    float* row = out.data() + static_cast<size_t>(i) * cols;
    std::fill(row, row + cols, 0.0f);
    for (size_t f = 0; f < e.fields_.size(); ++f) {
      const auto& field = e.fields_[f];
      const Stats& s = stats_[f];
      switch (field.type) {
        case SegmentEncoding::Type::Category: {
          uint32_t code = s.row_codes[r];
          row[code == kNoValue ? field.missing_column : column_of[f][code]] = 1;
          break;
        }
        case SegmentEncoding::Type::Tags:
          if (s.tag_start[r] == s.tag_start[r + 1]) row[field.missing_column] = 1;
          for (uint32_t t = s.tag_start[r]; t < s.tag_start[r + 1]; ++t) row[column_of[f][s.tag_codes[t]]] = 1;
          break;
        case SegmentEncoding::Type::Number: {
          double v = s.row_numbers[r];
          if (std::isnan(v)) row[field.missing_column] = 1;
          else row[field.first_column] = static_cast<float>((log_scaled(v) - field.mean) / field.std);
          break;
        }
        case SegmentEncoding::Type::Title: {
          uint64_t mask = s.row_titles[r];
          if (!mask) row[field.missing_column] = 1;
          for (int b = 0; b < e.title_buckets_; ++b)
            if (mask >> b & 1) row[field.first_column + static_cast<size_t>(b)] = 1;
          break;
        }
      }
    }
  }
}

std::span<const double> SegmentEncodingBuilder::kept_numbers(std::string_view field) const {
  for (size_t f = 0; f < fields_.size(); ++f)
    if (fields_[f].name == field && fields_[f].type == SegmentEncoding::Type::Number) return stats_[f].row_numbers;
  return {};
}

std::optional<double> segment_number(const Prospect& p, std::string_view field) {
  if (field == "annual_revenue") return number_of(p, kAnnualRevenue, {});
  if (field == "employees") return number_of(p, kEmployees, {});
  if (field.starts_with(kCustomPrefix)) return number_of(p, kCustom, std::string(field.substr(kCustomPrefix.size())));
  return std::nullopt;
}

std::string SegmentEncoding::to_json() const {
  using nlohmann::json;
  json fields = json::array();
  for (const auto& f : fields_) {
    json cols = json::array();
    for (const auto& [value, col] : f.columns) cols.push_back({value, col});
    fields.push_back({{"name", f.name},
                      {"type", static_cast<int>(f.type)},
                      {"source", f.source},
                      {"custom_key", f.custom_key},
                      {"first_column", f.first_column},
                      {"columns", cols},
                      {"other_column", f.other_column},
                      {"missing_column", f.missing_column},
                      {"mean", f.mean},
                      {"std", f.std}});
  }
  json columns = json::array();
  for (const auto& c : columns_) columns.push_back({c.field, static_cast<int>(c.kind), c.value});
  return json{{"version", 1}, {"title_buckets", title_buckets_}, {"fields", fields}, {"columns", columns}}.dump(
      -1, ' ', false, json::error_handler_t::replace);
}

Result<SegmentEncoding> SegmentEncoding::from_json(std::string_view text) {
  using nlohmann::json;
  json j = json::parse(text, nullptr, false);
  auto bad = [] { return fail(Error::Invalid("model", "encodage de segmentation illisible")); };
  if (!j.is_object() || j.value("version", 0) != 1) return bad();
  try {
    SegmentEncoding e;
    e.title_buckets_ = j.at("title_buckets").get<int>();
    for (const auto& c : j.at("columns")) {
      int kind = c.at(1).get<int>();
      if (kind < 0 || kind > static_cast<int>(SegmentColumn::Kind::TitleBucket)) return bad();
      e.columns_.push_back({c.at(0).get<std::string>(), static_cast<SegmentColumn::Kind>(kind), c.at(2).get<std::string>()});
    }
    const size_t ncols = e.columns_.size();
    for (const auto& f : j.at("fields")) {
      Field field;
      field.name = f.at("name").get<std::string>();
      int type = f.at("type").get<int>();
      if (type < 0 || type > static_cast<int>(Type::Title)) return bad();
      field.type = static_cast<Type>(type);
      field.source = f.at("source").get<uint8_t>();
      if (field.source > kCustom) return bad();
      field.custom_key = f.at("custom_key").get<std::string>();
      field.first_column = f.at("first_column").get<size_t>();
      for (const auto& kv : f.at("columns")) field.columns.emplace(kv.at(0).get<std::string>(), kv.at(1).get<size_t>());
      field.other_column = f.at("other_column").get<size_t>();
      field.missing_column = f.at("missing_column").get<size_t>();
      field.mean = f.at("mean").get<double>();
      field.std = f.at("std").get<double>();
      // Every column an encode can write must exist: a corrupt model must not write past a row.
      size_t last = std::max({field.first_column + (field.type == Type::Title ? e.title_buckets_ : 0),
                              field.other_column, field.missing_column});
      for (const auto& kv : field.columns) last = std::max(last, kv.second);
      if (last >= ncols || !(field.std > 0)) return bad();
      e.fields_.push_back(std::move(field));
    }
    return e;
  } catch (const json::exception&) {
    return bad();
  }
}

}  // namespace mimicom
