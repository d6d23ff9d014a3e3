#include "core/imports.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "core/prospects.hpp"

namespace mimicom {
namespace {

// Lower-case ASCII, Latin-1 letters without their accents, punctuation as single spaces:
// "Tél. (mobile)" → "tel mobile", "Chiffre d’affaires" → "chiffre d affaires".
std::string fold_name(std::string_view s) {
  static const std::map<std::string, std::string, std::less<>> accents = {
      {"à", "a"}, {"â", "a"}, {"ä", "a"}, {"á", "a"}, {"ã", "a"}, {"å", "a"}, {"ç", "c"}, {"é", "e"},
      {"è", "e"}, {"ê", "e"}, {"ë", "e"}, {"î", "i"}, {"ï", "i"}, {"í", "i"}, {"ì", "i"}, {"ô", "o"},
      {"ö", "o"}, {"ó", "o"}, {"ò", "o"}, {"õ", "o"}, {"ù", "u"}, {"û", "u"}, {"ü", "u"}, {"ú", "u"},
      {"ÿ", "y"}, {"ñ", "n"}, {"œ", "oe"}, {"æ", "ae"}, {"À", "a"}, {"Â", "a"}, {"Ä", "a"}, {"Ç", "c"},
      {"É", "e"}, {"È", "e"}, {"Ê", "e"}, {"Ë", "e"}, {"Î", "i"}, {"Ï", "i"}, {"Ô", "o"}, {"Ö", "o"},
      {"Ù", "u"}, {"Û", "u"}, {"Ü", "u"}, {"Œ", "oe"}, {"Æ", "ae"}};
  std::string out;
  bool space = false;
  // Each character's piece straight into `out` (a string per character showed in the import's
  // profile: statuses are folded row by row).
  auto put = [&](std::string_view piece) {
    if (piece.empty()) {
      space = !out.empty();
      return;
    }
    if (space) out += ' ';
    space = false;
    out += piece;
  };
  for (size_t i = 0; i < s.size();) {
    unsigned char c = s[i];
    if (c < 0x80) {
      const char lower = static_cast<char>(std::tolower(c));
      put(std::isalnum(c) ? std::string_view(&lower, 1) : std::string_view());
      ++i;
    } else {
      size_t len = (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
      auto it = accents.find(s.substr(i, len));
      put(it != accents.end() ? std::string_view(it->second) : std::string_view());
      i += len;
    }
  }
  return out;
}

// Folded column names → field. Whole-name matches only: "nom" is the last name, but
// "nom entreprise" is the company.
const std::map<std::string, std::string, std::less<>>& synonyms() {
  static const std::map<std::string, std::string, std::less<>> m = [] {
    std::map<std::string, std::string, std::less<>> m;
    auto add = [&](const char* field, std::initializer_list<const char*> names) {
      for (const char* n : names) m[fold_name(n)] = field;
    };
    add("first_name", {"prénom", "prenom", "first name", "firstname", "given name", "prénom du contact"});
    add("last_name", {"nom", "nom de famille", "last name", "lastname", "surname", "family name", "nom du contact"});
    add("company", {"société", "entreprise", "raison sociale", "company", "company name", "organisation",
                    "organization", "nom de l'entreprise", "nom entreprise", "nom de la société", "établissement",
                    "account", "account name", "compte"});
    add("email", {"e-mail", "email", "courriel", "mail", "adresse e-mail", "adresse email", "adresse mail",
                  "email address", "e-mail address", "adresse électronique", "mél"});
    add("phone", {"téléphone", "tél", "tel", "mobile", "portable", "phone", "phone number", "téléphone mobile",
                  "téléphone fixe", "numéro de téléphone", "n° de téléphone", "gsm", "tél mobile", "mobile phone"});
    add("job_title", {"poste", "fonction", "titre", "job title", "title", "position", "intitulé du poste", "rôle",
                      "role"});
    add("sector", {"secteur", "secteur d'activité", "activité", "industry", "sector", "industrie", "domaine"});
    add("city", {"ville", "city", "commune", "localité", "town"});
    add("postal_code", {"code postal", "cp", "postal code", "zip", "zip code", "postcode", "code_postal"});
    add("region", {"région", "region", "state", "province"});
    add("country", {"pays", "country"});
    add("company_size", {"effectif", "taille", "tranche d'effectif", "taille de l'entreprise", "company size",
                         "size", "taille entreprise"});
    add("employees", {"nombre de salariés", "salariés", "nb salariés", "nombre d'employés", "employés",
                      "employees", "headcount", "number of employees"});
    add("annual_revenue", {"ca", "chiffre d'affaires", "ca annuel", "revenue", "annual revenue", "turnover",
                           "chiffre d'affaires annuel", "ca (€)", "ca €"});
    add("source", {"source", "origine", "lead source", "provenance"});
    add("status", {"statut", "status", "étape", "stage", "état"});
    add("notes", {"notes", "note", "commentaire", "commentaires", "remarques", "comments", "comment",
                  "observations", "description"});
    add("tags", {"tags", "étiquettes", "labels", "mots-clés", "mots clés"});
    add("owner", {"propriétaire", "responsable", "commercial", "owner", "assigned to", "suivi par"});
    add("opted_out", {"désinscrit", "opt-out", "optout", "opted out", "unsubscribed", "désabonné"});
    add("last_contact_at", {"dernier contact", "date du dernier contact", "last contact", "last contacted",
                            "last contact at"});
    return m;
  }();
  return m;
}

std::string trim(std::string_view s) { return std::string(trimmed(s)); }  // trimmed: core/prospects

const std::map<std::string, std::string>& field_labels() {
  static const std::map<std::string, std::string> m = {
      {"first_name", "prénom"},      {"last_name", "nom"},
      {"company", "société"},        {"email", "e-mail"},
      {"phone", "téléphone"},        {"job_title", "poste"},
      {"sector", "secteur"},         {"city", "ville"},
      {"postal_code", "code postal"}, {"region", "région"},
      {"country", "pays"},           {"company_size", "effectif"},
      {"employees", "salariés"},     {"annual_revenue", "chiffre d'affaires"},
      {"source", "source"},          {"status", "statut"},
      {"notes", "notes"},            {"tags", "étiquettes"},
      {"owner", "propriétaire"},     {"opted_out", "désinscrit"},
      {"last_contact_at", "dernier contact"}, {"custom_fields", "champs personnalisés"}};
  return m;
}

// "Contacté" → "contacted"; unknown text is passed on (validation names it).
std::string status_code(const std::string& raw) {
  static const std::map<std::string, std::string, std::less<>> m = {
      {"nouveau", "new"},       {"new", "new"},           {"a contacter", "new"},   {"contacte", "contacted"},
      {"contacted", "contacted"}, {"qualifie", "qualified"}, {"qualified", "qualified"}, {"rdv", "meeting"},
      {"rendez vous", "meeting"}, {"meeting", "meeting"},   {"gagne", "won"},         {"won", "won"},
      {"client", "won"},        {"perdu", "lost"},        {"lost", "lost"}};
  // A code as it is (most files, and every export of ours): folded, it is itself.
  for (const char* code : kStatuses)
    if (raw == code) return raw;
  auto it = m.find(fold_name(raw));
  return it == m.end() ? raw : it->second;
}

// A headcount ("120") or a range ("50-249", "50 à 249 salariés", "1000 et plus") → a band of
// kCompanySizes; unknown text is passed on.
std::string company_size_code(const std::string& raw) {
  long long first = -1;  // the first number, once it ended
  long long cur = -1;
  for (char c : raw) {
    if (c >= '0' && c <= '9') {
      cur = (cur < 0 ? 0 : cur) * 10 + (c - '0');
      if (cur > 1'000'000'000) return raw;
    } else if (c == ' ' && cur >= 0 && first < 0) {
      // "1 000": a thousands separator inside the first number
    } else if (cur >= 0) {
      if (first < 0) first = cur;
      cur = -1;
    }
  }
  const long long n = first >= 0 ? first : cur;
  if (n < 0) return raw;
  if (n < 10) return "1-9";
  if (n < 50) return "10-49";
  if (n < 250) return "50-249";
  if (n < 1000) return "250-999";
  return "1000+";
}

std::optional<bool> yes_no(const std::string& raw) {
  std::string f = fold_name(raw);
  if (f == "oui" || f == "yes" || f == "true" || f == "vrai" || f == "1" || f == "x" || f == "o" || f == "y")
    return true;
  if (f == "non" || f == "no" || f == "false" || f == "faux" || f == "0" || f == "n") return false;
  return std::nullopt;
}

}  // namespace

const std::vector<std::string>& import_fields() {
  static const std::vector<std::string> f = {
      "first_name", "last_name", "email",   "phone",          "company", "job_title", "sector",
      "city",       "postal_code", "region", "country",       "company_size", "employees", "annual_revenue",
      "source",     "status",     "notes",  "tags",           "owner",   "opted_out", "last_contact_at"};
  return f;
}

const std::array<ImportTextField, 14>& import_text_fields() {
  static const std::array<ImportTextField, 14> f = {{
      {"first_name", &Prospect::first_name},
      {"last_name", &Prospect::last_name},
      {"email", &Prospect::email},
      {"phone", &Prospect::phone},
      {"company", &Prospect::company},
      {"job_title", &Prospect::job_title},
      {"sector", &Prospect::sector},
      {"city", &Prospect::city},
      {"postal_code", &Prospect::postal_code},
      {"region", &Prospect::region},
      {"company_size", &Prospect::company_size},
      {"source", &Prospect::source},
      {"owner", &Prospect::owner},
      {"notes", &Prospect::notes},
  }};
  return f;
}

uint32_t import_field_bit(std::string_view field) {
  const auto& f = import_fields();
  auto it = std::find(f.begin(), f.end(), field);
  return it == f.end() ? 0 : uint32_t{1} << (it - f.begin());
}

std::vector<std::string> propose_mapping(const std::vector<std::string>& header) {
  std::vector<std::string> out;
  std::set<std::string> taken;
  for (const auto& col : header) {
    auto it = synonyms().find(fold_name(col));
    // The columns of MimiCom's own exports that an import cannot set, exactly as they are
    // named there: ignored, so an export imports back as it was (see core/exports.hpp).
    if (col == "id" || col == "created_at" || col == "updated_at") {
      out.push_back("");
    } else if (it != synonyms().end() && taken.insert(it->second).second) {
      out.push_back(it->second);
    } else if (col.starts_with("custom:") && col.size() > 7 && col.size() <= 7 + 64) {
      out.push_back(col);  // a custom field as MimiCom's exports name it
    } else {
      std::string name = trim(col);
      if (name.size() > 64) {  // the limit check_mapping applies, cut on a character boundary
        size_t cut = 64;
        while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xC0) == 0x80) --cut;
        name.resize(cut);
      }
      out.push_back(name.empty() ? std::string() : "custom:" + name);
    }
  }
  return out;
}

Result<std::vector<std::string>> check_mapping(const std::vector<std::string>& header,
                                               const std::vector<std::pair<std::string, std::string>>& mapping) {
  std::vector<std::string> targets(header.size());
  std::vector<FieldError> errors;
  std::map<std::string, std::string> used;  // field → column
  std::set<std::string> columns_seen;
  for (const auto& [column, target] : mapping) {
    auto it = std::find(header.begin(), header.end(), column);
    if (it == header.end()) {
      errors.push_back({"mapping." + column, "cette colonne n'existe pas dans le fichier"});
      continue;
    }
    if (!columns_seen.insert(column).second) {
      errors.push_back({"mapping." + column, "colonne donnée deux fois"});
      continue;
    }
    if (target.empty()) continue;
    if (target.starts_with("custom:")) {
      std::string name = trim(target.substr(7));
      if (name.empty() || name.size() > 64) {
        errors.push_back({"mapping." + column, "nom de champ personnalisé vide ou trop long (64 caractères au plus)"});
        continue;
      }
      if (!used.emplace(target, column).second) {
        errors.push_back({"mapping." + column, "le champ personnalisé « " + name + " » est déjà rempli par la colonne « " +
                                                   used[target] + " »"});
        continue;
      }
      targets[it - header.begin()] = "custom:" + name;
      continue;
    }
    if (std::find(import_fields().begin(), import_fields().end(), target) == import_fields().end()) {
      errors.push_back({"mapping." + column, "champ inconnu « " + target + " »"});
      continue;
    }
    if (!used.emplace(target, column).second) {
      errors.push_back({"mapping." + column,
                        "le champ « " + field_labels().at(target) + " » est déjà rempli par la colonne « " + used[target] + " »"});
      continue;
    }
    targets[it - header.begin()] = target;
  }
  if (errors.empty() && !used.contains("email") && !used.contains("phone"))
    errors.push_back({"mapping", "associez une colonne à l'e-mail ou au téléphone : c'est ce qui identifie un prospect"});
  if (!errors.empty()) return fail(Error::Invalid(std::move(errors)));
  return targets;
}

std::optional<DuplicatePolicy> parse_duplicate_policy(std::string_view s) {
  if (s == "skip") return DuplicatePolicy::Skip;
  if (s == "fill_empty") return DuplicatePolicy::FillEmpty;
  if (s == "overwrite") return DuplicatePolicy::Overwrite;
  return std::nullopt;
}

std::string_view duplicate_policy_name(DuplicatePolicy p) {
  switch (p) {
    case DuplicatePolicy::Skip: return "skip";
    case DuplicatePolicy::FillEmpty: return "fill_empty";
    case DuplicatePolicy::Overwrite: return "overwrite";
  }
  return "skip";
}

ImportRowConverter::ImportRowConverter(std::vector<std::string> header, std::vector<std::string> targets,
                                       std::string default_owner)
    : header_(std::move(header)), targets_(std::move(targets)), default_owner_(std::move(default_owner)) {
  targets_.resize(header_.size());
  for (const auto& t : targets_) {
    bits_.push_back(import_field_bit(t));
    text_.push_back(prospect_text_rule(t));
    if (bits_.back() != 0 && !text_.back()) ++typed_;
  }
}

bool ImportRowConverter::convert(const CsvRecord& rec, ImportRow& row, ImportReject& reject) const {
  auto refuse = [&](std::string reason) {
    reject.line = static_cast<long long>(rec.line);
    reject.cells = cells_json(rec.fields);
    reject.reason = std::move(reason);
    return false;
  };
  if (!rec.error.empty()) return refuse(rec.error);
  size_t n = rec.fields.size();
  if (n > header_.size()) {
    // Trailing empty cells (a separator at the end of each line) are harmless.
    size_t last = n;
    while (last > header_.size() && trimmed(rec.fields[last - 1]).empty()) --last;
    if (last > header_.size())
      return refuse("la ligne a " + std::to_string(last) + " champs alors que l'en-tête a " +
                    std::to_string(header_.size()) + " colonnes (séparateur ou guillemet en trop ?)");
  } else if (n < header_.size()) {
    return refuse("la ligne a " + std::to_string(n) + " champ" + (n > 1 ? "s" : "") + " alors que l'en-tête a " +
                  std::to_string(header_.size()) + " colonnes (ligne coupée ?)");
  }

  // Targets are told apart by their bit (0 for a custom field): comparing names cell by cell
  // showed in the import's profile.
  static const uint32_t kStatus = import_field_bit("status"), kCompanySize = import_field_bit("company_size"),
                        kOptedOut = import_field_bit("opted_out"), kTags = import_field_bit("tags"),
                        kEmail = import_field_bit("email"), kPhone = import_field_bit("phone"),
                        kCountry = import_field_bit("country");
  ProspectInput input;
  // Its typed fields and the custom ones (reserving for every column asked for more than a
  // kilobyte: glibc then gathered its free chunks first, at every row).
  input.reserve(typed_ + 1);
  std::vector<std::pair<std::string, std::string>> custom;
  std::vector<std::string> problems;
  // A problem with a field, named as the user sees it ("ville : …").
  auto problem = [&](const std::string& field, const std::string& message) {
    auto label = field_labels().find(field);
    problems.push_back((label == field_labels().end() ? field : label->second) + " : " + message);
  };
  // Built in place in the row (the reader's rows are new ones: resetting one costs nothing);
  // a prospect moved into and out of apply_prospect_input was ~20 strings moved twice a row.
  Prospect& base = row.prospect;
  base = Prospect();
  if (!default_owner_.empty()) base.owner = default_owner_;
  row.given = 0;
  for (size_t i = 0; i < header_.size(); ++i) {
    const std::string& target = targets_[i];
    if (target.empty()) continue;
    const uint32_t bit = bits_[i];
    const std::string& cell = rec.fields[i];
    bool blank = true;
    for (unsigned char c : cell)
      if (c > ' ') {
        blank = false;
        break;
      }
    if (blank) continue;
    if (bit == 0 && target.starts_with("custom:")) {
      custom.emplace_back(target.substr(7), trim(cell));
      continue;
    }
    row.given |= bit;
    if (const auto& rule = text_[i]) {
      // Straight into the prospect, by the rule apply_prospect_input applies to a string.
      std::string_view t = trimmed(cell);
      if (utf8_longer_than(t, rule->max)) {
        problem(target, prospect_text_too_long(rule->max));
        continue;
      }
      assign_text(base.*rule->member, t);
    } else if (bit == kStatus) {
      input.emplace_back(target, status_code(trim(cell)));
    } else if (bit == kCompanySize) {
      input.emplace_back(target, company_size_code(trim(cell)));
    } else if (bit == kOptedOut) {
      if (auto b = yes_no(cell)) input.emplace_back(target, *b);
      else problems.push_back("désinscrit : « " + trim(cell).substr(0, 40) + " » n'est ni oui ni non");
    } else if (bit == kTags) {
      std::vector<std::string> tags;
      size_t start = 0;
      while (start <= cell.size()) {
        size_t end = cell.find_first_of(",;|", start);
        if (end == std::string::npos) end = cell.size();
        tags.push_back(cell.substr(start, end - start));
        start = end + 1;
      }
      input.emplace_back(target, std::move(tags));
    } else {
      input.emplace_back(target, std::string_view(cell));  // the cell, not copied
    }
  }
  if (!custom.empty()) {
    input.emplace_back("custom_fields", std::move(custom));
  }
  auto errors = apply_prospect_input_to(base, input);
  if (!errors.empty()) {
    for (const auto& f : errors) problem(f.field, f.message);
    // "e-mail or phone required" is reported on both fields: once is enough.
    problems.erase(std::unique(problems.begin(), problems.end(),
                               [](const std::string& a, const std::string& b) {
                                 return a.substr(a.find(':')) == b.substr(b.find(':')) &&
                                        a.find("requis") != std::string::npos;
                               }),
                   problems.end());
  }
  if (!problems.empty()) {
    std::string reason;
    for (const auto& pr : problems) reason += (reason.empty() ? "" : " ; ") + pr;
    return refuse(std::move(reason));
  }
  row.fixed = 0;
  for (size_t i = 0; i < header_.size(); ++i) {
    const uint32_t bit = bits_[i];
    const std::string* fixed_text = nullptr;
    if (bit == kEmail) fixed_text = base.email ? &*base.email : nullptr;
    else if (bit == kPhone) fixed_text = base.phone ? &*base.phone : nullptr;
    else if (bit == kCompanySize) fixed_text = base.company_size ? &*base.company_size : nullptr;
    else if (bit == kStatus) fixed_text = &base.status;
    else if (bit == kCountry) fixed_text = &base.country;
    else continue;
    std::string_view given = trimmed(rec.fields[i]);
    if (!given.empty() && fixed_text && given != *fixed_text) ++row.fixed;
  }
  row.line = static_cast<long long>(rec.line);
  row.duplicate_in_file = false;
  return true;
}

std::string import_key(const Prospect& p) {
  if (p.email) return "e:" + *p.email;
  if (p.phone) return "p:" + *p.phone;
  return {};
}

uint64_t import_key_hash(char kind, std::string_view key) {
  uint64_t h = std::hash<std::string_view>{}(key) ^ (kind == 'e' ? 0x9E3779B97F4A7C15ull : 0xC2B2AE3D27D4EB4Full);
  h = (h ^ (h >> 31)) * 0xBF58476D1CE4E5B9ull;  // mixed, so the two kinds of the same text differ everywhere
  h ^= h >> 29;
  return h ? h : 1;
}

std::optional<Prospect> merge_duplicate(const Prospect& existing, const ImportRow& row, DuplicatePolicy policy) {
  Prospect out = existing;
  if (!merge_duplicate_into(out, row, policy)) return std::nullopt;
  return out;
}

bool merge_duplicate_into(Prospect& out, const ImportRow& row, DuplicatePolicy policy, uint32_t* changed_fields) {
  if (changed_fields) *changed_fields = 0;
  if (policy == DuplicatePolicy::Skip) return false;
  const Prospect& in = row.prospect;
  bool overwrite = policy == DuplicatePolicy::Overwrite;
  uint32_t changed = 0;
  static const uint32_t kEmployees = import_field_bit("employees"), kRevenue = import_field_bit("annual_revenue"),
                        kLastContact = import_field_bit("last_contact_at"), kCountry = import_field_bit("country"),
                        kStatus = import_field_bit("status"), kOptedOut = import_field_bit("opted_out"),
                        kTags = import_field_bit("tags"), kOwner = import_field_bit("owner");
  static const std::array<uint32_t, 14> kTextBits = [] {
    std::array<uint32_t, 14> bits{};
    for (size_t i = 0; i < bits.size(); ++i) bits[i] = import_field_bit(import_text_fields()[i].name);
    return bits;
  }();
  for (size_t i = 0; i < kTextBits.size(); ++i) {
    const uint32_t bit = kTextBits[i];
    if (bit == kOwner && !(row.given & kOwner)) continue;
    const auto m = import_text_fields()[i].member;
    const auto& v = in.*m;
    if (!v) continue;
    auto& dst = out.*m;
    if ((overwrite || !dst) && dst != v) {
      dst = v;
      changed |= bit;
    }
  }
  if (in.employees && (overwrite || !out.employees) && out.employees != in.employees) {
    out.employees = in.employees;
    changed |= kEmployees;
  }
  if (in.annual_revenue && (overwrite || !out.annual_revenue) && out.annual_revenue != in.annual_revenue) {
    out.annual_revenue = in.annual_revenue;
    changed |= kRevenue;
  }
  if (in.last_contact_at && (overwrite || !out.last_contact_at) && out.last_contact_at != in.last_contact_at) {
    out.last_contact_at = in.last_contact_at;
    changed |= kLastContact;
  }
  if ((row.given & kCountry) && overwrite && out.country != in.country) {
    out.country = in.country;
    changed |= kCountry;
  }
  if ((row.given & kStatus) && overwrite && out.status != in.status) {
    out.status = in.status;
    changed |= kStatus;
  }
  if (in.opted_out && !out.opted_out) {
    out.opted_out = true;
    changed |= kOptedOut;
  }
  for (const auto& t : in.tags) {
    auto it = std::lower_bound(out.tags.begin(), out.tags.end(), t);
    if (it == out.tags.end() || *it != t) {
      out.tags.insert(it, t);
      changed |= kTags;
    }
  }
  for (const auto& [k, v] : in.custom_fields) {
    auto it = std::lower_bound(out.custom_fields.begin(), out.custom_fields.end(), k,
                               [](const auto& kv, const std::string& key) { return kv.first < key; });
    if (it == out.custom_fields.end() || it->first != k) {
      out.custom_fields.insert(it, {k, v});
      changed |= kMergedCustomFields;
    } else if ((overwrite || it->second.empty()) && it->second != v) {
      it->second = v;
      changed |= kMergedCustomFields;
    }
  }
  if (changed_fields) *changed_fields = changed;
  return changed != 0;
}

std::string cells_json(const std::vector<std::string>& cells) {
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& c : cells) arr.push_back(c.size() > 2000 ? c.substr(0, 2000) + "…" : c);
  return arr.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace mimicom
