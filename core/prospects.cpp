#include "core/prospects.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>
#include <unordered_map>

#include "core/clock.hpp"
#include "core/contact.hpp"

namespace mimicom {
namespace {

constexpr size_t kMaxText = 255;
constexpr size_t kMaxNotes = 20000;
constexpr size_t kMaxPostalCode = 16;
constexpr size_t kMaxTags = 50;
constexpr size_t kMaxCustomFields = 100;

std::string trim(std::string_view s) { return std::string(trimmed(s)); }

// A text value, given as a string or as a view of the caller's text (an import's cell).
std::optional<std::string_view> text_value(const FieldValue& v) {
  if (auto* s = std::get_if<std::string>(&v)) return *s;
  if (auto* c = std::get_if<std::string_view>(&v)) return *c;
  return std::nullopt;
}

struct Validator {
  std::vector<FieldError> errors;

  void add(std::string_view field, std::string message) { errors.push_back({std::string(field), std::move(message)}); }

  // The text of a text field, trimmed, into `view` (empty: null): a view of the value itself
  // for a string or a cell, of `own` for a number. False (with the error) for any other value.
  bool text_of(std::string_view field, const FieldValue& v, std::string& own, std::string_view& view, size_t max) {
    if (std::holds_alternative<std::monostate>(v)) {
      view = {};
      return true;
    }
    if (auto t = text_value(v)) {
      view = trimmed(*t);
    } else if (auto* i = std::get_if<long long>(&v)) {
      own = std::to_string(*i);  // a postal code or an id typed as a number
      view = own;
    } else {
      add(field, "doit être un texte");
      return false;
    }
    if (utf8_longer_than(view, max)) {
      add(field, prospect_text_too_long(max));
      return false;
    }
    return true;
  }

  // A text field: string (trimmed; empty = null) or null.
  bool text(std::string_view field, const FieldValue& v, std::optional<std::string>& out, size_t max = kMaxText) {
    std::string own;
    std::string_view t;
    if (!text_of(field, v, own, t, max)) return false;
    if (t.empty()) out.reset();
    else assign_text(out, t);
    return true;
  }

  // A text field passed through a normaliser that returns nullopt (and a reason) when invalid.
  template <class Normalise>
  void normalized(std::string_view field, const FieldValue& v, std::optional<std::string>& out, size_t max,
                  Normalise normalise) {
    std::string own;
    std::string_view raw;
    if (!text_of(field, v, own, raw, max)) return;
    if (raw.empty()) {
      out.reset();
      return;
    }
    std::string why;
    if (auto n = normalise(raw, &why)) out = std::move(*n);
    else add(field, why);
  }

  template <size_t N>
  void choice(std::string_view field, const FieldValue& v, std::optional<std::string>& out,
              const char* const (&allowed)[N], bool nullable) {
    std::string own;
    std::string_view s;
    if (!text_of(field, v, own, s, kMaxText)) return;
    if (s.empty()) {
      if (!nullable) add(field, "valeur obligatoire");
      out.reset();
      return;
    }
    for (const char* a : allowed)
      if (s == a) {
        assign_text(out, s);
        return;
      }
    std::string list;
    for (const char* a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
    add(field, "valeur inconnue « " + std::string(s) + " » (attendu : " + list + ")");
  }

  std::optional<double> number(std::string_view field, const FieldValue& v, bool integer, bool& is_null) {
    is_null = false;
    if (std::holds_alternative<std::monostate>(v)) {
      is_null = true;
      return std::nullopt;
    }
    double d;
    if (auto* i = std::get_if<long long>(&v)) {
      d = static_cast<double>(*i);
    } else if (auto* f = std::get_if<double>(&v)) {
      d = *f;
    } else if (auto text = text_value(v)) {
      // Text numbers as spreadsheets write them: "1 250 000,50", "1250000.5". Rewritten only
      // when they hold a space, an apostrophe or a comma.
      std::string_view t = trimmed(*text);
      std::string plain;
      if (t.find_first_of(" ',") != std::string_view::npos) {
        for (char c : t) {
          if (c == ' ' || c == '\'') continue;
          plain += c == ',' ? '.' : c;
        }
        t = plain;
      }
      if (t.empty()) {
        is_null = true;
        return std::nullopt;
      }
      auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), d);
      if (ec != std::errc() || p != t.data() + t.size()) {
        add(field, "doit être un nombre");
        return std::nullopt;
      }
    } else {
      add(field, "doit être un nombre");
      return std::nullopt;
    }
    if (!std::isfinite(d) || d < 0) {
      add(field, "doit être un nombre positif");
      return std::nullopt;
    }
    if (integer && (d != std::floor(d) || d > 9e15)) {
      add(field, "doit être un nombre entier");
      return std::nullopt;
    }
    return d;
  }
};

// "France", "france", "FR", "fr" → "FR": the names spreadsheets use for the countries our
// users sell to; anything else is kept (upper-cased) for the two-letter check.
std::string country_code(const std::string& raw) {
  // Already a code (most rows of most files): no look-up.
  if (raw.size() == 2 && std::isupper(static_cast<unsigned char>(raw[0])) &&
      std::isupper(static_cast<unsigned char>(raw[1])))
    return raw;
  std::string key;
  for (unsigned char ch : raw) key += static_cast<char>(std::tolower(ch));
  static const std::map<std::string, std::string> names = {
      {"france", "FR"},      {"belgique", "BE"}, {"belgium", "BE"},     {"suisse", "CH"},
      {"switzerland", "CH"}, {"luxembourg", "LU"}, {"monaco", "MC"},    {"canada", "CA"},
      {"allemagne", "DE"},   {"germany", "DE"},  {"espagne", "ES"},     {"spain", "ES"},
      {"italie", "IT"},      {"italy", "IT"},    {"royaume-uni", "GB"}, {"united kingdom", "GB"}};
  if (auto it = names.find(key); it != names.end()) return it->second;
  std::string up = raw;
  std::transform(up.begin(), up.end(), up.begin(), [](unsigned char ch) { return std::toupper(ch); });
  return up;
}

// The fields an input may name. Names are turned into one of these once per entry: comparing
// each name with every field name in turn was half the CPU of an import's row conversion.
enum class Field {
  FirstName, LastName, Email, Phone, Company, JobTitle, Sector, City, PostalCode, Region, Country,
  CompanySize, Employees, AnnualRevenue, Source, Status, Tags, Owner, Notes, CustomFields, OptedOut,
  LastContactAt
};

std::optional<Field> field_of(std::string_view name) {
  static const std::unordered_map<std::string_view, Field> by_name = {
      {"first_name", Field::FirstName},   {"last_name", Field::LastName},
      {"email", Field::Email},            {"phone", Field::Phone},
      {"company", Field::Company},        {"job_title", Field::JobTitle},
      {"sector", Field::Sector},          {"city", Field::City},
      {"postal_code", Field::PostalCode}, {"region", Field::Region},
      {"country", Field::Country},        {"company_size", Field::CompanySize},
      {"employees", Field::Employees},    {"annual_revenue", Field::AnnualRevenue},
      {"source", Field::Source},          {"status", Field::Status},
      {"tags", Field::Tags},              {"owner", Field::Owner},
      {"notes", Field::Notes},            {"custom_fields", Field::CustomFields},
      {"opted_out", Field::OptedOut},     {"last_contact_at", Field::LastContactAt}};
  auto it = by_name.find(name);
  if (it == by_name.end()) return std::nullopt;
  return it->second;
}

}  // namespace

std::string_view trimmed(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && static_cast<unsigned char>(s[b]) <= ' ') ++b;
  while (e > b && static_cast<unsigned char>(s[e - 1]) <= ' ') --e;
  return s.substr(b, e - b);
}

size_t utf8_length(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string prospect_text_too_long(size_t max) { return "trop long (" + std::to_string(max) + " caractères au plus)"; }

std::optional<ProspectTextRule> prospect_text_rule(std::string_view field) {
  static const std::pair<std::string_view, ProspectTextRule> kRules[] = {
      {"first_name", {&Prospect::first_name, kMaxText}}, {"last_name", {&Prospect::last_name, kMaxText}},
      {"company", {&Prospect::company, kMaxText}},       {"job_title", {&Prospect::job_title, kMaxText}},
      {"sector", {&Prospect::sector, kMaxText}},         {"city", {&Prospect::city, kMaxText}},
      {"postal_code", {&Prospect::postal_code, kMaxPostalCode}},
      {"region", {&Prospect::region, kMaxText}},         {"source", {&Prospect::source, kMaxText}},
      {"owner", {&Prospect::owner, kMaxText}},           {"notes", {&Prospect::notes, kMaxNotes}},
  };
  for (const auto& [name, rule] : kRules)
    if (name == field) return rule;
  return std::nullopt;
}

Result<Prospect> apply_prospect_input(Prospect p, const ProspectInput& input) {
  auto errors = apply_prospect_input_to(p, input);
  if (!errors.empty()) return fail(Error::Invalid(std::move(errors)));
  return p;
}

std::vector<FieldError> apply_prospect_input_to(Prospect& p, const ProspectInput& input) {
  Validator v;
  uint32_t seen = 0;  // the fields given so far, a bit each
  // The country first: phones are read in its numbering plan.
  std::vector<std::pair<std::optional<Field>, const std::pair<std::string, FieldValue>*>> ordered;
  ordered.reserve(input.size());
  for (const auto& kv : input) ordered.emplace_back(field_of(kv.first), &kv);  // one look-up a name
  // The countries first, the others after them, each in the order given.
  for (size_t i = 0, front = 0; i < ordered.size(); ++i) {
    if (ordered[i].first != Field::Country) continue;
    std::rotate(ordered.begin() + front, ordered.begin() + i, ordered.begin() + i + 1);
    ++front;
  }
  for (const auto& [field, entry] : ordered) {
    const auto& [name, value] = *entry;
    if (!field) {
      v.add(name, "champ inconnu");
      continue;
    }
    const uint32_t bit = uint32_t{1} << static_cast<int>(*field);
    if (seen & bit) {
      v.add(name, "champ donné deux fois");
      continue;
    }
    seen |= bit;
    const Field f = *field;
    if (f == Field::FirstName) v.text(name, value, p.first_name);
    else if (f == Field::LastName) v.text(name, value, p.last_name);
    else if (f == Field::Company) v.text(name, value, p.company);
    else if (f == Field::JobTitle) v.text(name, value, p.job_title);
    else if (f == Field::Sector) v.text(name, value, p.sector);
    else if (f == Field::City) v.text(name, value, p.city);
    else if (f == Field::PostalCode) v.text(name, value, p.postal_code, kMaxPostalCode);
    else if (f == Field::Region) v.text(name, value, p.region);
    else if (f == Field::Source) v.text(name, value, p.source);
    else if (f == Field::Owner) v.text(name, value, p.owner);
    else if (f == Field::Notes) v.text(name, value, p.notes, kMaxNotes);
    else if (f == Field::Email) {
      v.normalized(name, value, p.email, kMaxText,
                   [](std::string_view raw, std::string* why) { return normalize_email(raw, why); });
    } else if (f == Field::Phone) {
      const std::string region = p.country.empty() ? "FR" : p.country;
      v.normalized(name, value, p.phone, 64,
                   [&](std::string_view raw, std::string* why) { return normalize_phone(raw, region, why); });
    } else if (f == Field::Country) {
      std::optional<std::string> c;
      if (v.text(name, value, c, 64)) {
        std::string up = country_code(c.value_or("FR"));
        if (up.size() != 2 || !std::isalpha(static_cast<unsigned char>(up[0])) ||
            !std::isalpha(static_cast<unsigned char>(up[1])))
          v.add(name, "code pays à deux lettres attendu (FR, BE, CH…)");
        else
          p.country = up;
      }
    } else if (f == Field::CompanySize) {
      v.choice(name, value, p.company_size, kCompanySizes, true);
    } else if (f == Field::Status) {
      std::optional<std::string> s;
      v.choice(name, value, s, kStatuses, false);
      if (s) p.status = *s;
    } else if (f == Field::Employees) {
      bool null;
      auto d = v.number(name, value, true, null);
      if (d) p.employees = static_cast<long long>(*d);
      else if (null) p.employees.reset();
    } else if (f == Field::AnnualRevenue) {
      bool null;
      auto d = v.number(name, value, false, null);
      if (d) p.annual_revenue = *d;
      else if (null) p.annual_revenue.reset();
    } else if (f == Field::OptedOut) {
      if (auto* b = std::get_if<bool>(&value)) p.opted_out = *b;
      else v.add(name, "doit être vrai ou faux");
    } else if (f == Field::LastContactAt) {
      std::optional<std::string> s;
      if (v.text(name, value, s)) {
        if (!s) {
          p.last_contact_at.reset();
        } else if (auto t = parse_iso8601(*s)) {
          p.last_contact_at = *t;
        } else {
          v.add(name, "date attendue au format AAAA-MM-JJ ou ISO 8601");
        }
      }
    } else if (f == Field::Tags) {
      std::vector<std::string> raw;
      if (auto* list = std::get_if<std::vector<std::string>>(&value)) {
        raw = *list;
      } else if (auto s = text_value(value)) {
        size_t start = 0;
        while (start <= s->size()) {
          size_t comma = s->find(',', start);
          if (comma == std::string_view::npos) comma = s->size();
          raw.emplace_back(s->substr(start, comma - start));
          start = comma + 1;
        }
      } else if (!std::holds_alternative<std::monostate>(value)) {
        v.add(name, "doit être une liste de textes");
        continue;
      }
      std::set<std::string> tags;
      bool ok = true;
      for (auto& t : raw) {
        std::string tt = trim(t);
        if (tt.empty()) continue;
        if (utf8_longer_than(tt, 50)) {
          v.add(name, "étiquette trop longue (50 caractères au plus) : " + tt.substr(0, 60));
          ok = false;
          break;
        }
        tags.insert(std::move(tt));
      }
      if (ok && tags.size() > kMaxTags) {
        v.add(name, "trop d'étiquettes (50 au plus)");
        ok = false;
      }
      if (ok) p.tags.assign(tags.begin(), tags.end());
    } else if (f == Field::CustomFields) {
      if (std::holds_alternative<std::monostate>(value)) {
        p.custom_fields.clear();
      } else if (auto* kv = std::get_if<std::vector<std::pair<std::string, std::string>>>(&value)) {
        std::map<std::string, std::string> m;
        bool ok = true;
        for (const auto& [k, val] : *kv) {
          std::string key = trim(k);
          if (key.empty() || utf8_longer_than(key, 64)) {
            v.add(name, "nom de champ personnalisé vide ou trop long");
            ok = false;
            break;
          }
          if (utf8_longer_than(val, 2000)) {
            v.add(name, "valeur trop longue pour « " + key + " » (2000 caractères au plus)");
            ok = false;
            break;
          }
          m[key] = val;
        }
        if (ok && m.size() > kMaxCustomFields) {
          v.add(name, "trop de champs personnalisés (100 au plus)");
          ok = false;
        }
        if (ok) p.custom_fields.assign(m.begin(), m.end());
      } else {
        v.add(name, "doit être un objet de textes");
      }
    }
  }
  if (v.errors.empty() && !p.email && !p.phone) {
    v.add("email", "un e-mail ou un téléphone est requis");
    v.add("phone", "un e-mail ou un téléphone est requis");
  }
  return std::move(v.errors);
}

bool ProspectFilter::empty() const {
  return status.empty() && sector.empty() && region.empty() && city.empty() && company_size.empty() &&
         owner.empty() && source.empty() && tags.empty() && ids.empty() && segment.empty() && q.empty() && !opted_out &&
         !created_from && !created_to && !contacted_from && !contacted_to;
}

std::string ProspectFilter::key() const {
  std::string k;
  auto list = [&](const char* name, std::vector<std::string> v) {
    if (v.empty()) return;
    std::sort(v.begin(), v.end());
    k += name;
    for (auto& s : v) {
      k += '\x1f';
      k += s;
    }
    k += '\x1e';
  };
  list("status", status);
  list("sector", sector);
  list("region", region);
  list("city", city);
  list("company_size", company_size);
  list("owner", owner);
  list("source", source);
  list("tags", tags);
  if (!ids.empty()) {
    std::vector<long long> s = ids;
    std::sort(s.begin(), s.end());
    k += "ids";
    for (auto i : s) k += '\x1f' + std::to_string(i);
    k += '\x1e';
  }
  if (!segment.empty()) {
    std::vector<long long> s = segment;
    std::sort(s.begin(), s.end());
    k += "segment";
    for (auto i : s) k += '\x1f' + std::to_string(i);
    k += '\x1e';
  }
  if (!q.empty()) k += "q\x1f" + q + '\x1e';
  if (opted_out) k += std::string("opted_out\x1f") + (*opted_out ? "1" : "0") + '\x1e';
  if (created_from) k += "from\x1f" + std::to_string(*created_from) + '\x1e';
  if (created_to) k += "to\x1f" + std::to_string(*created_to) + '\x1e';
  if (contacted_from) k += "cfrom\x1f" + std::to_string(*contacted_from) + '\x1e';
  if (contacted_to) k += "cto\x1f" + std::to_string(*contacted_to) + '\x1e';
  return k;
}

const std::vector<std::string>& sortable_fields() {
  static const std::vector<std::string> f = {
      "id",     "first_name",   "last_name", "email",     "company",        "job_title",  "sector",
      "city",   "postal_code",  "region",    "company_size", "employees",   "annual_revenue", "source",
      "status", "owner",        "created_at", "updated_at", "last_contact_at"};
  return f;
}

namespace {

std::vector<std::string> split_values(std::string_view s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t comma = s.find(',', start);
    if (comma == std::string_view::npos) comma = s.size();
    std::string v = trim(s.substr(start, comma - start));
    if (!v.empty()) out.push_back(std::move(v));
    start = comma + 1;
  }
  return out;
}

std::optional<long long> parse_int(std::string_view s) {
  long long v;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

Result<ProspectFilter> parse_prospect_filter(const std::multimap<std::string, std::string>& params,
                                             const std::vector<std::string>& ignore) {
  ProspectFilter f;
  std::vector<FieldError> errors;
  for (const auto& [name, raw] : params) {
    auto append = [&](std::vector<std::string>& dst) {
      auto vals = split_values(raw);
      dst.insert(dst.end(), vals.begin(), vals.end());
    };
    if (name == "status") {
      append(f.status);
      for (const auto& s : f.status)
        if (std::find_if(std::begin(kStatuses), std::end(kStatuses), [&](const char* a) { return s == a; }) ==
            std::end(kStatuses))
          errors.push_back({"status", "statut inconnu « " + s + " »"});
    } else if (name == "sector") append(f.sector);
    else if (name == "region") append(f.region);
    else if (name == "city") append(f.city);
    else if (name == "company_size") append(f.company_size);
    else if (name == "owner") append(f.owner);
    else if (name == "source") append(f.source);
    else if (name == "tags" || name == "tag") append(f.tags);
    else if (name == "q") f.q = trim(raw);
    else if (name == "ids") {
      for (const auto& s : split_values(raw)) {
        if (auto id = parse_int(s)) f.ids.push_back(*id);
        else errors.push_back({"ids", "identifiant invalide « " + s + " »"});
      }
    } else if (name == "segment") {
      for (const auto& s : split_values(raw)) {
        if (auto id = parse_int(s)) f.segment.push_back(*id);
        else errors.push_back({"segment", "identifiant de segment invalide « " + s + " »"});
      }
    } else if (name == "opted_out") {
      if (raw == "true" || raw == "1") f.opted_out = true;
      else if (raw == "false" || raw == "0") f.opted_out = false;
      else errors.push_back({"opted_out", "true ou false attendu"});
    } else if (name == "created_from" || name == "created_to" || name == "contacted_from" || name == "contacted_to") {
      auto t = parse_iso8601(trim(raw));
      if (!t) errors.push_back({name, "date attendue au format AAAA-MM-JJ"});
      else if (name == "created_from") f.created_from = t;
      else if (name == "created_to") f.created_to = t;
      else if (name == "contacted_from") f.contacted_from = t;
      else f.contacted_to = t;
    } else if (std::find(ignore.begin(), ignore.end(), name) == ignore.end()) {
      errors.push_back({name, "filtre inconnu"});
    }
  }
  if (!errors.empty()) return fail(Error::Invalid(std::move(errors)));
  return f;
}

Result<ProspectQuery> parse_prospect_query(const std::multimap<std::string, std::string>& params) {
  ProspectQuery q;
  std::vector<FieldError> errors;
  auto filter = parse_prospect_filter(params, {"page", "per_page", "sort"});
  if (!filter) errors = std::move(filter.error().fields);
  else q.filter = std::move(*filter);
  if (auto it = params.find("page"); it != params.end()) {
    auto v = parse_int(it->second);
    if (!v || *v < 1) errors.push_back({"page", "entier ≥ 1 attendu"});
    else q.page = *v;
  }
  if (auto it = params.find("per_page"); it != params.end()) {
    auto v = parse_int(it->second);
    if (!v || *v < 1 || *v > kMaxPerPage)
      errors.push_back({"per_page", "entier entre 1 et " + std::to_string(kMaxPerPage) + " attendu"});
    else q.per_page = *v;
  }
  if (auto it = params.find("sort"); it != params.end() && !it->second.empty()) {
    std::string_view s = it->second;
    bool desc = !s.empty() && s[0] == '-';
    if (desc) s.remove_prefix(1);
    const auto& allowed = sortable_fields();
    if (std::find(allowed.begin(), allowed.end(), s) == allowed.end())
      errors.push_back({"sort", "tri impossible sur « " + std::string(s) + " »"});
    else q.sort = {std::string(s), desc};
  }
  if (!errors.empty()) return fail(Error::Invalid(std::move(errors)));
  return q;
}

std::string fts_query(std::string_view q) {
  std::string out;
  std::string word;
  auto flush = [&] {
    if (word.empty()) return;
    if (!out.empty()) out += ' ';
    out += '"' + word + "\"*";
    word.clear();
  };
  for (unsigned char c : q) {
    // Letters (any UTF-8 byte ≥ 0x80 belongs to a letter here) and digits make words; the
    // rest separates them, as FTS5's unicode61 tokenizer does.
    if (c >= 0x80 || std::isalnum(c)) word += static_cast<char>(c);
    else flush();
  }
  flush();
  return out;
}

}  // namespace mimicom
