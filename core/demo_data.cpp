#include "core/demo_data.hpp"

#include <algorithm>
#include <array>
#include <span>
#include <string_view>

namespace mimicom {
namespace {

// ---------------------------------------------------------------- randomness
//
// Own generators and integer-only draws, so that a seed gives the same data
// everywhere (std::uniform_int_distribution & co. differ between libraries).

uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// Draw helpers shared by the two generators below.
template <class Derived>
struct Draws {
  // Uniform in [0, n), n > 0 (Lemire's multiply-shift; the bias is < n / 2^64).
  uint64_t below(uint64_t n) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(self().next()) * n) >> 64);
  }
  // Uniform in [lo, hi].
  long long between(long long lo, long long hi) {
    return lo + static_cast<long long>(below(static_cast<uint64_t>(hi - lo) + 1));
  }
  // True with probability percent / 100.
  bool percent(unsigned percent) { return below(100) < percent; }
  // True with probability per_mille / 1000.
  bool per_mille(unsigned per_mille) { return below(1000) < per_mille; }
  Derived& self() { return static_cast<Derived&>(*this); }
};

// xoshiro256**: the main stream, one draw sequence per generator.
class Xoshiro : public Draws<Xoshiro> {
 public:
  explicit Xoshiro(uint64_t seed) {
    for (auto& word : s_) word = splitmix64(seed);
  }
  uint64_t next() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::array<uint64_t, 4> s_;
};

// SplitMix64 stream: a company's attributes are drawn from its own stream, keyed
// by (seed, company id), so the same company looks the same on every row.
class SplitMix : public Draws<SplitMix> {
 public:
  explicit SplitMix(uint64_t seed) : state_(seed) {}
  uint64_t next() { return splitmix64(state_); }

 private:
  uint64_t state_;
};

// ---------------------------------------------------------------- text helpers

// ASCII folding for e-mail addresses and domains: "Élodie" → "elodie",
// "Lefèvre" → "lefevre", "Œuvres" → "oeuvres"; letters are lower-cased, other
// non-ASCII characters dropped.
void append_ascii_folded(std::string& out, std::string_view text) {
  // Lower-case ASCII for U+00C0..U+00FF, indexed by the UTF-8 second byte - 0x80.
  static constexpr std::array<std::string_view, 64> kLatin1 = {
      "a", "a", "a", "a", "a", "a", "ae", "c", "e",  "e",  "e", "e", "i", "i", "i", "i", "d",  "n", "o",  "o", "o", "o",
      "o", "",  "o", "u", "u", "u", "u",  "y", "th", "ss", "a", "a", "a", "a", "a", "a", "ae", "c", "e",  "e", "e", "e",
      "i", "i", "i", "i", "d", "n", "o",  "o", "o",  "o",  "o", "",  "o", "u", "u", "u", "u",  "y", "th", "y"};
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : static_cast<char>(c));
    } else if (c == 0xC3 && i + 1 < text.size()) {
      out.append(kLatin1[static_cast<unsigned char>(text[++i]) & 0x3F]);
    } else if (c == 0xC5 && i + 1 < text.size() && (text[i + 1] == '\x92' || text[i + 1] == '\x93')) {
      out.append("oe");
      ++i;
    }
  }
}

// "Le Gall" → "legall", "Jean-Pierre" → "jean-pierre", "N'Diaye" → "ndiaye".
std::string name_slug(std::string_view name) {
  std::string folded;
  append_ascii_folded(folded, name);
  std::string slug;
  for (char c : folded) {
    if ((c >= 'a' && c <= 'z') || c == '-') slug.push_back(c);
  }
  return slug;
}

bool is_slug_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// Appends two decimal digits.
void append_2d(std::string& out, uint64_t n) {
  out.push_back(static_cast<char>('0' + n / 10 % 10));
  out.push_back(static_cast<char>('0' + n % 10));
}

// Fills `{1}`…`{4}` placeholders.
std::string fill(std::string_view pattern, std::span<const std::string_view> values) {
  std::string out;
  out.reserve(pattern.size() + 16);
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '{' && i + 2 < pattern.size() && pattern[i + 2] == '}' && pattern[i + 1] >= '1' &&
        pattern[i + 1] <= '0' + static_cast<int>(values.size())) {
      out.append(values[pattern[i + 1] - '1']);
      i += 2;
    } else {
      out.push_back(pattern[i]);
    }
  }
  return out;
}

// ---------------------------------------------------------------- weighted tables

template <class T>
struct Weighted {
  T value;
  uint32_t weight;
};

// Picks an index with probability proportional to its weight.
class Picker {
 public:
  Picker() = default;
  template <class Items>  // any range of Weighted<T>
  explicit Picker(const Items& items) {
    for (const auto& item : items) add(item.weight);
  }
  void add(uint32_t weight) {
    total_ += weight;
    cumulative_.push_back(total_);
  }
  template <class Rng>
  size_t pick(Rng& rng) const {
    const uint64_t r = rng.below(total_);
    return static_cast<size_t>(std::upper_bound(cumulative_.begin(), cumulative_.end(), r) - cumulative_.begin());
  }

 private:
  std::vector<uint64_t> cumulative_;
  uint64_t total_ = 0;
};

// ---------------------------------------------------------------- reference data

enum class Gender : uint8_t { F, M };

struct FirstName {
  std::string_view name;
  Gender gender;
  uint32_t weight;
};

constexpr FirstName kFirstNames[] = {
    {"Marie", Gender::F, 9},       {"Nathalie", Gender::F, 7},      {"Isabelle", Gender::F, 7},
    {"Sylvie", Gender::F, 6},      {"Catherine", Gender::F, 6},     {"Sophie", Gender::F, 8},
    {"Christine", Gender::F, 5},   {"Valérie", Gender::F, 6},       {"Sandrine", Gender::F, 6},
    {"Céline", Gender::F, 7},      {"Stéphanie", Gender::F, 6},     {"Véronique", Gender::F, 5},
    {"Aurélie", Gender::F, 6},     {"Émilie", Gender::F, 6},        {"Julie", Gender::F, 7},
    {"Camille", Gender::F, 7},     {"Laure", Gender::F, 4},         {"Élodie", Gender::F, 6},
    {"Anaïs", Gender::F, 5},       {"Gaëlle", Gender::F, 4},        {"Hélène", Gender::F, 5},
    {"Claire", Gender::F, 6},      {"Caroline", Gender::F, 5},      {"Virginie", Gender::F, 5},
    {"Laetitia", Gender::F, 4},    {"Delphine", Gender::F, 5},      {"Audrey", Gender::F, 5},
    {"Mélanie", Gender::F, 5},     {"Karine", Gender::F, 4},        {"Florence", Gender::F, 4},
    {"Agnès", Gender::F, 3},       {"Béatrice", Gender::F, 3},      {"Brigitte", Gender::F, 3},
    {"Pascale", Gender::F, 3},     {"Corinne", Gender::F, 3},       {"Anne", Gender::F, 6},
    {"Cécile", Gender::F, 5},      {"Chloé", Gender::F, 5},         {"Léa", Gender::F, 5},
    {"Manon", Gender::F, 4},       {"Pauline", Gender::F, 5},       {"Marion", Gender::F, 5},
    {"Charlotte", Gender::F, 5},   {"Lucie", Gender::F, 5},         {"Mathilde", Gender::F, 4},
    {"Justine", Gender::F, 4},     {"Margaux", Gender::F, 4},       {"Inès", Gender::F, 3},
    {"Sarah", Gender::F, 5},       {"Emma", Gender::F, 4},          {"Clémence", Gender::F, 4},
    {"Océane", Gender::F, 3},      {"Noémie", Gender::F, 3},        {"Amélie", Gender::F, 4},
    {"Estelle", Gender::F, 3},     {"Fanny", Gender::F, 3},         {"Jessica", Gender::F, 3},
    {"Laurence", Gender::F, 4},    {"Martine", Gender::F, 3},       {"Monique", Gender::F, 2},
    {"Françoise", Gender::F, 3},   {"Danielle", Gender::F, 2},      {"Geneviève", Gender::F, 2},
    {"Maëlle", Gender::F, 2},      {"Solène", Gender::F, 3},        {"Marie-Claire", Gender::F, 2},
    {"Anne-Sophie", Gender::F, 3}, {"Marie-Laure", Gender::F, 2},   {"Zoé", Gender::F, 2},
    {"Louise", Gender::F, 3},      {"Juliette", Gender::F, 3},      {"Alice", Gender::F, 3},
    {"Léonie", Gender::F, 2},      {"Bérénice", Gender::F, 2},      {"Ségolène", Gender::F, 1},
    {"Maïté", Gender::F, 1},       {"Aïcha", Gender::F, 2},         {"Fatima", Gender::F, 2},
    {"Nadia", Gender::F, 2},       {"Samia", Gender::F, 2},         {"Yasmine", Gender::F, 2},
    {"Jean", Gender::M, 8},        {"Pierre", Gender::M, 7},        {"Michel", Gender::M, 6},
    {"Philippe", Gender::M, 7},    {"Alain", Gender::M, 5},         {"Nicolas", Gender::M, 8},
    {"Christophe", Gender::M, 7},  {"Patrick", Gender::M, 5},       {"Laurent", Gender::M, 7},
    {"Frédéric", Gender::M, 6},    {"Sébastien", Gender::M, 7},     {"Stéphane", Gender::M, 6},
    {"Julien", Gender::M, 7},      {"Olivier", Gender::M, 7},       {"David", Gender::M, 6},
    {"Thierry", Gender::M, 5},     {"Éric", Gender::M, 6},          {"François", Gender::M, 6},
    {"Jérôme", Gender::M, 6},      {"Pascal", Gender::M, 5},        {"Vincent", Gender::M, 6},
    {"Thomas", Gender::M, 7},      {"Antoine", Gender::M, 6},       {"Guillaume", Gender::M, 6},
    {"Maxime", Gender::M, 6},      {"Alexandre", Gender::M, 6},     {"Romain", Gender::M, 5},
    {"Mathieu", Gender::M, 5},     {"Benoît", Gender::M, 5},        {"Cédric", Gender::M, 5},
    {"Fabrice", Gender::M, 4},     {"Emmanuel", Gender::M, 4},      {"Arnaud", Gender::M, 5},
    {"Xavier", Gender::M, 4},      {"Bruno", Gender::M, 4},         {"Didier", Gender::M, 4},
    {"Gilles", Gender::M, 4},      {"Hervé", Gender::M, 4},         {"Yves", Gender::M, 3},
    {"Bernard", Gender::M, 3},     {"Daniel", Gender::M, 3},        {"Gérard", Gender::M, 3},
    {"Jacques", Gender::M, 4},     {"Lucas", Gender::M, 5},         {"Hugo", Gender::M, 4},
    {"Louis", Gender::M, 4},       {"Théo", Gender::M, 4},          {"Paul", Gender::M, 4},
    {"Adrien", Gender::M, 4},      {"Florian", Gender::M, 4},       {"Kévin", Gender::M, 4},
    {"Benjamin", Gender::M, 5},    {"Damien", Gender::M, 4},        {"Jean-Pierre", Gender::M, 3},
    {"Jean-Marc", Gender::M, 3},   {"Jean-François", Gender::M, 3}, {"Jean-Luc", Gender::M, 3},
    {"Jean-Michel", Gender::M, 2}, {"Pierre-Yves", Gender::M, 2},   {"Loïc", Gender::M, 3},
    {"Gaël", Gender::M, 2},        {"Yannick", Gender::M, 3},       {"Ludovic", Gender::M, 3},
    {"Grégory", Gender::M, 3},     {"Raphaël", Gender::M, 3},       {"Clément", Gender::M, 4},
    {"Quentin", Gender::M, 4},     {"Baptiste", Gender::M, 3},      {"Anthony", Gender::M, 3},
    {"Jonathan", Gender::M, 3},    {"Mickaël", Gender::M, 3},       {"Franck", Gender::M, 3},
    {"Rémi", Gender::M, 3},        {"Joël", Gender::M, 2},          {"Noël", Gender::M, 1},
    {"Karim", Gender::M, 3},       {"Mehdi", Gender::M, 2},         {"Mohamed", Gender::M, 3},
    {"Rachid", Gender::M, 2},      {"Samir", Gender::M, 2},         {"Youssef", Gender::M, 2},
    {"Aurélien", Gender::M, 3},    {"Tristan", Gender::M, 2},       {"Bastien", Gender::M, 2},
    {"Matthieu", Gender::M, 3},    {"Valentin", Gender::M, 3},      {"Étienne", Gender::M, 3},
    {"Gaëtan", Gender::M, 2},      {"Léo", Gender::M, 2},           {"Arthur", Gender::M, 3},
    {"Victor", Gender::M, 2},      {"Cyril", Gender::M, 3},         {"Sylvain", Gender::M, 4},
};

// Most frequent French surnames first; weights fall with rank (see kLastNameWeight).
constexpr std::string_view kLastNames[] = {
    "Martin",     "Bernard",     "Thomas",     "Petit",     "Robert",   "Richard",   "Durand",     "Dubois",
    "Moreau",     "Laurent",     "Simon",      "Michel",    "Lefebvre", "Leroy",     "Roux",       "David",
    "Bertrand",   "Morel",       "Fournier",   "Girard",    "Bonnet",   "Dupont",    "Lambert",    "Fontaine",
    "Rousseau",   "Vincent",     "Muller",     "Lefèvre",   "Faure",    "André",     "Mercier",    "Blanc",
    "Guérin",     "Boyer",       "Garnier",    "Chevalier", "François", "Legrand",   "Gauthier",   "Garcia",
    "Perrin",     "Robin",       "Clément",    "Morin",     "Nicolas",  "Henry",     "Roussel",    "Mathieu",
    "Gautier",    "Masson",      "Marchand",   "Duval",     "Denis",    "Dumont",    "Marie",      "Lemaire",
    "Noël",       "Meyer",       "Dufour",     "Meunier",   "Brun",     "Blanchard", "Giraud",     "Joly",
    "Rivière",    "Lucas",       "Brunet",     "Gaillard",  "Barbier",  "Arnaud",    "Martinez",   "Gérard",
    "Roche",      "Renard",      "Schmitt",    "Roy",       "Leroux",   "Colin",     "Vidal",      "Caron",
    "Picard",     "Roger",       "Fabre",      "Aubert",    "Lemoine",  "Renaud",    "Dumas",      "Lacroix",
    "Olivier",    "Philippe",    "Bourgeois",  "Pierre",    "Benoît",   "Rey",       "Leclerc",    "Payet",
    "Rolland",    "Leclercq",    "Guillaume",  "Lecomte",   "Lopez",    "Jean",      "Dupuy",      "Guillot",
    "Hubert",     "Berger",      "Carpentier", "Sanchez",   "Dupuis",   "Moulin",    "Louis",      "Deschamps",
    "Huet",       "Vasseur",     "Perez",      "Boucher",   "Fleury",   "Royer",     "Klein",      "Jacquet",
    "Adam",       "Paris",       "Poirier",    "Marty",     "Aubry",    "Guyot",     "Carré",      "Charles",
    "Renault",    "Charpentier", "Ménard",     "Maillard",  "Baron",    "Bertin",    "Bailly",     "Hervé",
    "Schneider",  "Fernandez",   "Le Gall",    "Collet",    "Léger",    "Bouvier",   "Julien",     "Prévost",
    "Millet",     "Perrot",      "Daniel",     "Le Roux",   "Cousin",   "Germain",   "Breton",     "Besson",
    "Langlois",   "Rémy",        "Le Goff",    "Pelletier", "Lévêque",  "Perrier",   "Leblanc",    "Barré",
    "Lebrun",     "Marchal",     "Weber",      "Mallet",    "Hamon",    "Boulanger", "Jacob",      "Monnier",
    "Michaud",    "Rodriguez",   "Guichard",   "Gillet",    "Étienne",  "Grondin",   "Poulain",    "Tessier",
    "Chevallier", "Collin",      "Chauvin",    "Da Silva",  "Bouchet",  "Gay",       "Lemaître",   "Bénard",
    "Maréchal",   "Humbert",     "Reynaud",    "Antoine",   "Hoarau",   "Perret",    "Barthélemy", "Cordier",
    "Pichon",     "Lejeune",     "Gilbert",    "Lamy",      "Delaunay", "Pasquier",  "Carlier",    "Laporte",
    "N'Diaye",    "Nguyen",      "Diallo",     "Benali",    "Haddad",   "Kowalski",  "Ferreira",   "Œuvrard",
};

uint32_t last_name_weight(size_t rank) { return static_cast<uint32_t>(4000 / (rank + 25)); }

constexpr std::string_view kRegions[] = {"Auvergne-Rhône-Alpes",
                                         "Bourgogne-Franche-Comté",
                                         "Bretagne",
                                         "Centre-Val de Loire",
                                         "Corse",
                                         "Grand Est",
                                         "Hauts-de-France",
                                         "Île-de-France",
                                         "Normandie",
                                         "Nouvelle-Aquitaine",
                                         "Occitanie",
                                         "Pays de la Loire",
                                         "Provence-Alpes-Côte d'Azur"};
enum Region : uint8_t { ARA, BFC, BRE, CVL, COR, GES, HDF, IDF, NOR, NAQ, OCC, PDL, PAC };

struct City {
  std::string_view name;
  Region region;
  char phone_zone;                // first digit of its landlines: '1'…'5'
  std::string_view postal_codes;  // space-separated real codes
  uint32_t weight;                // ~ business population
};

constexpr City kCities[] = {
    {"Paris", IDF, '1',
     "75001 75002 75003 75004 75005 75006 75007 75008 75009 75010 75011 75012 75013 75014 "
     "75015 75016 75017 75018 75019 75020",
     220},
    {"Boulogne-Billancourt", IDF, '1', "92100", 14},
    {"Saint-Denis", IDF, '1', "93200 93210", 10},
    {"Nanterre", IDF, '1', "92000", 10},
    {"Versailles", IDF, '1', "78000", 8},
    {"Montreuil", IDF, '1', "93100", 8},
    {"Créteil", IDF, '1', "94000", 7},
    {"Argenteuil", IDF, '1', "95100", 6},
    {"Courbevoie", IDF, '1', "92400", 12},
    {"Issy-les-Moulineaux", IDF, '1', "92130", 9},
    {"Levallois-Perret", IDF, '1', "92300", 9},
    {"Neuilly-sur-Seine", IDF, '1', "92200", 7},
    {"Rueil-Malmaison", IDF, '1', "92500", 6},
    {"Cergy", IDF, '1', "95000 95800", 5},
    {"Évry-Courcouronnes", IDF, '1', "91000 91080", 5},
    {"Massy", IDF, '1', "91300", 5},
    {"Meaux", IDF, '1', "77100", 4},
    {"Vincennes", IDF, '1', "94300", 4},
    {"Lyon", ARA, '4', "69001 69002 69003 69004 69005 69006 69007 69008 69009", 70},
    {"Villeurbanne", ARA, '4', "69100", 12},
    {"Grenoble", ARA, '4', "38000 38100", 16},
    {"Saint-Étienne", ARA, '4', "42000 42100", 12},
    {"Clermont-Ferrand", ARA, '4', "63000 63100", 12},
    {"Annecy", ARA, '4', "74000 74960", 9},
    {"Chambéry", ARA, '4', "73000", 6},
    {"Valence", ARA, '4', "26000", 6},
    {"Vénissieux", ARA, '4', "69200", 5},
    {"Roanne", ARA, '4', "42300", 3},
    {"Marseille", PAC, '4',
     "13001 13002 13003 13004 13005 13006 13007 13008 13009 13010 13011 13012 13013 13014 "
     "13015 13016",
     55},
    {"Nice", PAC, '4', "06000 06100 06200 06300", 25},
    {"Toulon", PAC, '4', "83000 83100 83200", 12},
    {"Aix-en-Provence", PAC, '4', "13090 13100 13290", 14},
    {"Avignon", PAC, '4', "84000", 8},
    {"Cannes", PAC, '4', "06400", 6},
    {"Antibes", PAC, '4', "06600", 6},
    {"Fréjus", PAC, '4', "83600", 3},
    {"Toulouse", OCC, '5', "31000 31100 31200 31300 31400 31500", 45},
    {"Montpellier", OCC, '4', "34000 34070 34080 34090", 28},
    {"Nîmes", OCC, '4', "30000 30900", 10},
    {"Perpignan", OCC, '4', "66000 66100", 9},
    {"Béziers", OCC, '4', "34500", 5},
    {"Narbonne", OCC, '4', "11100", 4},
    {"Albi", OCC, '5', "81000", 4},
    {"Carcassonne", OCC, '4', "11000", 3},
    {"Montauban", OCC, '5', "82000", 4},
    {"Tarbes", OCC, '5', "65000", 3},
    {"Sète", OCC, '4', "34200", 3},
    {"Bordeaux", NAQ, '5', "33000 33100 33200 33300 33800", 40},
    {"Mérignac", NAQ, '5', "33700", 8},
    {"Pessac", NAQ, '5', "33600", 5},
    {"Limoges", NAQ, '5', "87000 87100 87280", 10},
    {"Poitiers", NAQ, '5', "86000", 9},
    {"Pau", NAQ, '5', "64000", 7},
    {"La Rochelle", NAQ, '5', "17000", 8},
    {"Bayonne", NAQ, '5', "64100", 6},
    {"Biarritz", NAQ, '5', "64200", 3},
    {"Angoulême", NAQ, '5', "16000", 4},
    {"Niort", NAQ, '5', "79000", 5},
    {"Périgueux", NAQ, '5', "24000", 3},
    {"Lille", HDF, '3', "59000 59160 59260 59777 59800", 40},
    {"Roubaix", HDF, '3', "59100", 8},
    {"Tourcoing", HDF, '3', "59200", 6},
    {"Villeneuve-d'Ascq", HDF, '3', "59491 59650", 7},
    {"Amiens", HDF, '3', "80000 80080 80090", 9},
    {"Dunkerque", HDF, '3', "59140 59240 59640", 6},
    {"Calais", HDF, '3', "62100", 4},
    {"Saint-Quentin", HDF, '3', "02100", 3},
    {"Beauvais", HDF, '3', "60000", 4},
    {"Arras", HDF, '3', "62000", 4},
    {"Valenciennes", HDF, '3', "59300", 5},
    {"Boulogne-sur-Mer", HDF, '3', "62200", 3},
    {"Strasbourg", GES, '3', "67000 67100 67200", 30},
    {"Reims", GES, '3', "51100", 12},
    {"Metz", GES, '3', "57000 57050 57070", 11},
    {"Mulhouse", GES, '3', "68100 68200", 9},
    {"Nancy", GES, '3', "54000 54100", 11},
    {"Colmar", GES, '3', "68000", 5},
    {"Troyes", GES, '3', "10000", 5},
    {"Charleville-Mézières", GES, '3', "08000", 3},
    {"Épinal", GES, '3', "88000", 3},
    {"Thionville", GES, '3', "57100", 3},
    {"Nantes", PDL, '2', "44000 44100 44200 44300", 38},
    {"Saint-Herblain", PDL, '2', "44800", 6},
    {"Angers", PDL, '2', "49000 49100", 13},
    {"Le Mans", PDL, '2', "72000 72100", 11},
    {"Saint-Nazaire", PDL, '2', "44600", 6},
    {"La Roche-sur-Yon", PDL, '2', "85000", 5},
    {"Cholet", PDL, '2', "49300", 4},
    {"Laval", PDL, '2', "53000", 4},
    {"Rennes", BRE, '2', "35000 35200 35700", 28},
    {"Brest", BRE, '2', "29200", 11},
    {"Quimper", BRE, '2', "29000", 5},
    {"Lorient", BRE, '2', "56100", 5},
    {"Vannes", BRE, '2', "56000", 6},
    {"Saint-Malo", BRE, '2', "35400", 5},
    {"Saint-Brieuc", BRE, '2', "22000", 4},
    {"Lannion", BRE, '2', "22300", 3},
    {"Rouen", NOR, '2', "76000 76100", 16},
    {"Le Havre", NOR, '2', "76600 76610 76620", 12},
    {"Caen", NOR, '2', "14000", 12},
    {"Cherbourg-en-Cotentin", NOR, '2', "50100", 4},
    {"Évreux", NOR, '2', "27000", 4},
    {"Dieppe", NOR, '2', "76200", 2},
    {"Alençon", NOR, '2', "61000", 2},
    {"Saint-Lô", NOR, '2', "50000", 2},
    {"Dijon", BFC, '3', "21000", 14},
    {"Besançon", BFC, '3', "25000", 11},
    {"Belfort", BFC, '3', "90000", 4},
    {"Chalon-sur-Saône", BFC, '3', "71100", 4},
    {"Auxerre", BFC, '3', "89000", 3},
    {"Mâcon", BFC, '3', "71000", 3},
    {"Nevers", BFC, '3', "58000", 2},
    {"Montbéliard", BFC, '3', "25200", 3},
    {"Tours", CVL, '2', "37000 37100 37200", 14},
    {"Orléans", CVL, '2', "45000 45100", 13},
    {"Bourges", CVL, '2', "18000", 4},
    {"Blois", CVL, '2', "41000", 4},
    {"Chartres", CVL, '2', "28000", 4},
    {"Châteauroux", CVL, '2', "36000", 3},
    {"Joué-lès-Tours", CVL, '2', "37300", 2},
    {"Ajaccio", COR, '4', "20000 20090", 4},
    {"Bastia", COR, '4', "20200 20600", 3},
    {"Porto-Vecchio", COR, '4', "20137", 1},
    {"Corte", COR, '4', "20250", 1},
    {"Calvi", COR, '4', "20260", 1},
};

struct Sector {
  std::string_view name;
  uint32_t weight;
  uint32_t revenue_per_employee_k;             // k€ per employee per year; 0: no revenue
  std::string_view naf_codes;                  // space-separated APE/NAF codes
  std::span<const std::string_view> prefixes;  // "{prefix} {Nom}": "Boulangerie Martin"
  std::span<const std::string_view> suffixes;  // "{Nom} {suffix}": "Lefèvre Conseil"
};

template <size_t N>
using WordArray = std::array<std::string_view, N>;

constexpr WordArray<7> kIndustryPrefixes = {"Ateliers",      "Forges",     "Mécanique", "Usinage",
                                            "Chaudronnerie", "Plasturgie", "Métallerie"};
constexpr WordArray<5> kIndustrySuffixes = {"Industrie", "Industries", "Mécanique", "Précision", "Technologies"};
constexpr WordArray<8> kRetailPrefixes = {"Boutique", "Maison",        "Librairie", "Fleurs",
                                          "Optique",  "Quincaillerie", "Épicerie",  "Bijouterie"};
constexpr WordArray<3> kRetailSuffixes = {"Distribution", "Commerce", "Déco"};
constexpr WordArray<7> kBuildingPrefixes = {"Bâtiment",  "Maçonnerie",  "Menuiserie", "Charpente",
                                            "Plomberie", "Électricité", "Couverture"};
constexpr WordArray<5> kBuildingSuffixes = {"Construction", "BTP", "Rénovation", "Bâtiment", "Travaux Publics"};
constexpr WordArray<5> kHealthPrefixes = {"Pharmacie", "Clinique", "Laboratoire", "Cabinet médical", "Centre dentaire"};
constexpr WordArray<3> kHealthSuffixes = {"Santé", "Médical", "Pharma"};
constexpr WordArray<1> kItPrefixes = {"Informatique"};
constexpr WordArray<8> kItSuffixes = {"Informatique", "Digital",   "Systèmes", "Software",
                                      "Télécom",      "Numérique", "Cloud",    "Data"};
constexpr WordArray<1> kConsultingPrefixes = {"Cabinet"};
constexpr WordArray<6> kConsultingSuffixes = {"Conseil",  "Consulting", "Partenaires",
                                              "Associés", "Stratégie",  "Expertise"};
constexpr WordArray<3> kTransportPrefixes = {"Transports", "Déménagements", "Logistique"};
constexpr WordArray<4> kTransportSuffixes = {"Transports", "Logistique", "Express", "Fret"};
constexpr WordArray<10> kFoodPrefixes = {"Boulangerie", "Fromagerie",  "Conserverie", "Brasserie", "Biscuiterie",
                                         "Domaine",     "Charcuterie", "Minoterie",   "Laiterie",  "Chocolaterie"};
constexpr WordArray<3> kFoodSuffixes = {"Alimentaire", "Gourmet", "Terroir"};
constexpr WordArray<4> kFinancePrefixes = {"Cabinet", "Assurances", "Mutuelle", "Courtage"};
constexpr WordArray<5> kFinanceSuffixes = {"Assurances", "Patrimoine", "Finance", "Courtage", "Gestion"};
constexpr WordArray<3> kRealEstatePrefixes = {"Agence", "Foncière", "Résidences"};
constexpr WordArray<5> kRealEstateSuffixes = {"Immobilier", "Immo", "Habitat", "Patrimoine", "Promotion"};
constexpr WordArray<4> kEducationPrefixes = {"École", "Institut", "Centre de formation", "Académie"};
constexpr WordArray<3> kEducationSuffixes = {"Formation", "Compétences", "Learning"};
constexpr WordArray<7> kHospitalityPrefixes = {"Hôtel", "Restaurant", "Brasserie", "Auberge",
                                               "Café",  "Bistrot",    "Traiteur"};
constexpr WordArray<3> kHospitalitySuffixes = {"Hôtellerie", "Restauration", "Traiteur"};
constexpr WordArray<2> kEnergyPrefixes = {"Solaire", "Énergies"};
constexpr WordArray<6> kEnergySuffixes = {"Énergie",       "Énergies",      "Solaire",
                                          "Environnement", "Renouvelables", "Thermique"};
constexpr WordArray<5> kServicesPrefixes = {"Nettoyage", "Sécurité", "Intérim", "Imprimerie", "Secrétariat"};
constexpr WordArray<6> kServicesSuffixes = {"Services", "Propreté", "Intérim", "Sécurité", "Solutions", "Facility"};

// "Administration publique" names come from kPublicBodies instead.
constexpr int kPublicSector = 14;
constexpr Sector kSectors[] = {
    {"Industrie", 12, 180, "25.62A 28.29B 22.29A 24.10Z", kIndustryPrefixes, kIndustrySuffixes},
    {"Commerce de détail", 11, 200, "47.11B 47.59B 47.78C 47.61Z", kRetailPrefixes, kRetailSuffixes},
    {"BTP", 10, 130, "41.20A 43.22A 43.32A 43.91B 42.11Z", kBuildingPrefixes, kBuildingSuffixes},
    {"Santé", 7, 90, "86.10Z 86.21Z 86.23Z 47.73Z", kHealthPrefixes, kHealthSuffixes},
    {"Informatique & Télécoms", 10, 150, "62.01Z 62.02A 63.11Z 61.10Z", kItPrefixes, kItSuffixes},
    {"Conseil", 8, 120, "70.22Z 69.20Z 70.21Z", kConsultingPrefixes, kConsultingSuffixes},
    {"Transport & Logistique", 6, 140, "49.41A 52.29A 49.42Z 53.20Z", kTransportPrefixes, kTransportSuffixes},
    {"Agroalimentaire", 6, 250, "10.71C 10.51A 11.05Z 10.13B", kFoodPrefixes, kFoodSuffixes},
    {"Banque & Assurance", 4, 220, "64.19Z 65.12Z 66.22Z", kFinancePrefixes, kFinanceSuffixes},
    {"Immobilier", 5, 250, "68.31Z 68.20B 41.10A", kRealEstatePrefixes, kRealEstateSuffixes},
    {"Éducation & Formation", 4, 70, "85.59A 85.42Z 85.32Z", kEducationPrefixes, kEducationSuffixes},
    {"Hôtellerie & Restauration", 7, 60, "55.10Z 56.10A 56.21Z 56.30Z", kHospitalityPrefixes, kHospitalitySuffixes},
    {"Énergie", 3, 400, "35.11Z 35.14Z 43.21A", kEnergyPrefixes, kEnergySuffixes},
    {"Services aux entreprises", 9, 80, "81.21Z 80.10Z 78.20Z 82.11Z 18.12Z", kServicesPrefixes, kServicesSuffixes},
    {"Administration publique", 2, 0, "84.11Z 84.13Z", {}, {}},
};

constexpr std::string_view kPublicBodies[] = {"Mairie de {1}",
                                              "Communauté d'agglomération de {1}",
                                              "CCI {1}",
                                              "Office de tourisme de {1}",
                                              "Centre communal d'action sociale de {1}",
                                              "Syndicat des eaux de {1}"};

constexpr std::string_view kGeoWords[] = {
    "Atlantique", "Méditerranée", "Alpes",  "Provence", "Bretagne",     "Normandie",   "Rhône",    "Loire",
    "Garonne",    "Centre",       "Nord",   "Ouest",    "Sud",          "Est",         "Océan",    "Pyrénées",
    "Vosges",     "Jura",         "Armor",  "Occitane", "Seine",        "Dauphiné",    "Auvergne", "Aquitaine",
    "Champagne",  "Picardie",     "Savoie", "Corse",    "Val de Loire", "Côte d'Opale"};

constexpr std::string_view kLegalForms[] = {"SAS", "SARL", "SA", "EURL", "Établissements"};

// Invented brand names: syllable + syllable (+ ending).
constexpr std::string_view kBrandStarts[] = {"No", "Ax", "Ka", "Ver", "Li",  "Sy",  "Ne",  "Ty",
                                             "Ar", "Ze", "Or", "Vi",  "Lu",  "Qua", "Ma",  "Be",
                                             "Ti", "Ro", "Eo", "Al",  "Ker", "Sol", "Neo", "Hexa"};
constexpr std::string_view kBrandMiddles[] = {"va", "xi", "ne", "ri", "lo", "te", "ra",
                                              "mi", "ze", "li", "da", "go", "",   "pi"};
constexpr std::string_view kBrandEnds[] = {"lis", "tek", "eo", "ia", "ys",   "ium", "an",  "ore", "ix",
                                           "one", "ea",  "is", "go", "nova", "lab", "sia", "ova", "ance"};

// Words dropped from company names when they become domains.
constexpr std::string_view kDomainStopWords[] = {"sas", "sarl", "sa",  "eurl", "de", "des", "du",
                                                 "la",  "le",   "les", "et",   "d",  "l"};

struct JobTitle {
  std::string_view masculine, feminine;
  uint32_t weight;
  uint8_t min_size, max_size;  // company size buckets where the title exists
};

constexpr JobTitle kJobTitles[] = {
    {"Gérant", "Gérante", 14, 0, 1},
    {"Fondateur", "Fondatrice", 4, 0, 1},
    {"Président", "Présidente", 4, 0, 4},
    {"Directeur général", "Directrice générale", 6, 1, 4},
    {"Directeur commercial", "Directrice commerciale", 9, 1, 4},
    {"Responsable commercial", "Responsable commerciale", 6, 1, 4},
    {"Responsable achats", "Responsable achats", 8, 1, 4},
    {"Acheteur", "Acheteuse", 4, 2, 4},
    {"DAF", "DAF", 6, 1, 4},
    {"DSI", "DSI", 5, 2, 4},
    {"Responsable informatique", "Responsable informatique", 4, 1, 3},
    {"Chargé de marketing", "Chargée de marketing", 5, 1, 4},
    {"Directeur marketing", "Directrice marketing", 4, 2, 4},
    {"Responsable des ressources humaines", "Responsable des ressources humaines", 5, 1, 4},
    {"DRH", "DRH", 3, 2, 4},
    {"Ingénieur commercial", "Ingénieure commerciale", 4, 1, 4},
    {"Assistant de direction", "Assistante de direction", 4, 0, 4},
    {"Office manager", "Office manager", 3, 1, 3},
    {"Responsable logistique", "Responsable logistique", 3, 1, 4},
    {"Directeur des opérations", "Directrice des opérations", 3, 2, 4},
    {"Responsable qualité", "Responsable qualité", 3, 1, 4},
    {"Comptable", "Comptable", 3, 0, 3},
    {"Responsable communication", "Responsable communication", 3, 1, 4},
    {"Chef de projet", "Cheffe de projet", 4, 1, 4},
    {"Directeur d'agence", "Directrice d'agence", 3, 1, 4},
    {"Responsable des services généraux", "Responsable des services généraux", 3, 2, 4},
    {"Directeur technique", "Directrice technique", 3, 1, 4},
    {"Chargé d'affaires", "Chargée d'affaires", 4, 0, 4},
    {"Business developer", "Business developer", 3, 1, 4},
    {"Responsable RSE", "Responsable RSE", 2, 3, 4},
};

struct SizeBucket {
  std::string_view label;
  long long min_employees, max_employees;
};
constexpr SizeBucket kSizes[] = {
    {"1-9", 1, 9}, {"10-49", 10, 49}, {"50-249", 50, 249}, {"250-999", 250, 999}, {"1000+", 1000, 60000}};
constexpr Weighted<int> kSizeWeights[] = {{0, 30}, {1, 32}, {2, 22}, {3, 11}, {4, 5}};
// Accounts that many rows point to are the larger companies.
constexpr Weighted<int> kKeyAccountSizeWeights[] = {{2, 30}, {3, 40}, {4, 30}};

constexpr Weighted<std::string_view> kSources[] = {{"Site web", 25},       {"LinkedIn", 22},         {"Salon", 15},
                                                   {"Recommandation", 12}, {"Achat de fichier", 16}, {"Événement", 10}};

// The funnel: most prospects are new, few are won.
constexpr Weighted<std::string_view> kStatuses[] = {{"new", 55},    {"contacted", 20}, {"qualified", 10},
                                                    {"meeting", 6}, {"won", 4},        {"lost", 5}};

constexpr Weighted<std::string_view> kOwners[] = {{"camille.lefevre@mimicom.example", 30},
                                                  {"thomas.girard@mimicom.example", 25},
                                                  {"ines.benali@mimicom.example", 20},
                                                  {"julien.morel@mimicom.example", 15},
                                                  {"sophie.garnier@mimicom.example", 10}};

constexpr std::string_view kTags[] = {"prioritaire", "à relancer",   "client potentiel", "newsletter",
                                      "salon-2026",  "grand compte", "décideur",         "rgpd-ok"};

constexpr Weighted<std::string_view> kWebmails[] = {{"gmail.com", 40},  {"orange.fr", 20}, {"hotmail.fr", 10},
                                                    {"yahoo.fr", 8},    {"free.fr", 8},    {"outlook.fr", 6},
                                                    {"laposte.net", 5}, {"sfr.fr", 3}};

constexpr Weighted<std::string_view> kCompanyTlds[] = {{".fr", 80}, {".com", 15}, {".eu", 3}, {".net", 2}};

// {1} first name, {2} last name of someone else, {3} a number, {4} a year.
constexpr std::string_view kNotes[] = {
    "Rencontré au salon, très intéressé par l'offre \"Premium\".",
    "Budget annuel estimé : {3} 000 €",
    "Rappeler en septembre, après la clôture budgétaire.",
    "Demande un devis pour {3} licences, délai court",
    "A déjà un prestataire ; contrat jusqu'en {4}.",
    "Contact transmis par {1} {2}",
    "Préfère être contacté par e-mail, pas le lundi",
    "Intéressé, mais \"pas avant le prochain exercice\"",
    "Prix jugé trop élevé (> {3} 000 €/an)",
    "Souhaite une démo ; disponible mardi ou jeudi",
    "Ne plus appeler sur le standard, passer par l'assistante",
    "Ancien client, parti chez un concurrent en {4}",
    "Appel d'offres prévu, cahier des charges à recevoir",
    "Multi-sites : {3} établissements en France",
    "Décisionnaire final : le DAF, à rencontrer",
    "A téléchargé le livre blanc \"Prospection B2B 2025\"",
    "Remise de 10 % évoquée, à valider avec {1}",
};

constexpr long long kDay = 86400;
constexpr long long kHistoryDays = 730;

// Company ids: 3,000 "key accounts" get ~30% of rows (dozens of contacts each in a
// large run); the rest spread over 300,000 ids, which makes tens of thousands of
// distinct company names in a million rows.
constexpr uint64_t kKeyAccounts = 3000;
constexpr uint64_t kCompanyIds = 300000;

// ---------------------------------------------------------------- derived tables

struct Tables {
  std::vector<std::string> first_slugs, last_slugs;
  Picker first_names, last_names, cities, sectors, sizes, key_account_sizes, sources, statuses, owners, webmails, tlds;
  std::array<Picker, 5> job_titles;                         // per size bucket
  std::vector<std::vector<std::string_view>> postal_codes;  // per city
  std::vector<std::vector<std::string_view>> naf_codes;     // per sector

  Tables() {
    for (const auto& f : kFirstNames) {
      first_slugs.push_back(name_slug(f.name));
      first_names.add(f.weight);
    }
    for (size_t i = 0; i < std::size(kLastNames); ++i) {
      last_slugs.push_back(name_slug(kLastNames[i]));
      last_names.add(last_name_weight(i));
    }
    for (const auto& city : kCities) {
      cities.add(city.weight);
      postal_codes.push_back(split(city.postal_codes));
    }
    for (const auto& sector : kSectors) {
      sectors.add(sector.weight);
      naf_codes.push_back(split(sector.naf_codes));
    }
    sizes = Picker(kSizeWeights);
    key_account_sizes = Picker(kKeyAccountSizeWeights);
    sources = Picker(kSources);
    statuses = Picker(kStatuses);
    owners = Picker(kOwners);
    webmails = Picker(kWebmails);
    tlds = Picker(kCompanyTlds);
    for (int size = 0; size < 5; ++size) {
      for (const auto& title : kJobTitles) {
        bool fits = size >= title.min_size && size <= title.max_size;
        job_titles[size].add(fits ? title.weight : 0);
      }
    }
  }

  static std::vector<std::string_view> split(std::string_view words) {
    std::vector<std::string_view> out;
    while (!words.empty()) {
      size_t space = words.find(' ');
      out.push_back(words.substr(0, space));
      words = space == std::string_view::npos ? std::string_view() : words.substr(space + 1);
    }
    return out;
  }
};

const Tables& tables() {
  static const Tables instance;
  return instance;
}

// ---------------------------------------------------------------- companies

struct Company {
  std::string name;
  std::string domain;  // "boulangerie-martin.fr"
  int sector = 0;
  int size = 0;  // index in kSizes
  long long employees;
  long long revenue_euros;  // 0: none
  int city = 0;
  std::string_view postal_code;
  std::string siren;
};

// "Boulangerie Martin" → "boulangerie-martin" (+ TLD): folded words joined by '-',
// legal forms and articles dropped, at most 40 characters.
std::string domain_for(std::string_view name, std::string_view tld) {
  std::string folded;
  append_ascii_folded(folded, name);
  std::string domain;
  size_t i = 0;
  while (i < folded.size()) {
    while (i < folded.size() && !is_slug_char(folded[i])) ++i;
    size_t start = i;
    while (i < folded.size() && is_slug_char(folded[i])) ++i;
    std::string_view word(folded.data() + start, i - start);
    if (word.empty()) break;
    if (std::find(std::begin(kDomainStopWords), std::end(kDomainStopWords), word) != std::end(kDomainStopWords)) {
      continue;
    }
    if (!domain.empty() && domain.size() + 1 + word.size() > 40) break;
    if (!domain.empty()) domain.push_back('-');
    domain.append(word.substr(0, 40));
  }
  if (domain.empty()) domain = "entreprise";
  domain.append(tld);
  return domain;
}

// A 9-digit SIREN with a valid Luhn check digit.
std::string siren_from(SplitMix& rng) {
  std::string siren(9, '0');
  int sum = 0;
  for (int i = 0; i < 8; ++i) {
    int d = static_cast<int>(rng.below(10));
    if (i == 0 && d == 0) d = 3;
    siren[i] = static_cast<char>('0' + d);
    // Luhn over 9 digits: positions 1, 3, 5, 7 (0-based) are doubled.
    int v = (i % 2 == 1) ? d * 2 : d;
    sum += v > 9 ? v - 9 : v;
  }
  siren[8] = static_cast<char>('0' + (10 - sum % 10) % 10);
  return siren;
}

std::string_view pick_word(SplitMix& rng, std::span<const std::string_view> words) {
  return words[rng.below(words.size())];
}

std::string company_name(SplitMix& rng, const Tables& t, int sector, int city) {
  const Sector& s = kSectors[sector];
  if (sector == kPublicSector) {
    std::string_view values[] = {kCities[city].name};
    return fill(kPublicBodies[rng.below(std::size(kPublicBodies))], values);
  }
  std::string_view family = kLastNames[t.last_names.pick(rng)];
  const uint64_t pattern = rng.below(100);
  std::string name;
  if (pattern < 24) {  // "Boulangerie Martin"
    name.append(pick_word(rng, s.prefixes)).append(" ").append(family);
  } else if (pattern < 48) {  // "Lefèvre Conseil"
    name.append(family).append(" ").append(pick_word(rng, s.suffixes));
  } else if (pattern < 58) {  // "SAS Durand & Fils", "SARL Garnier Bâtiment"
    name.append(kLegalForms[rng.below(std::size(kLegalForms))]).append(" ").append(family);
    const uint64_t tail = rng.below(3);
    if (tail == 0) name.append(" & Fils");
    if (tail == 1) name.append(" ").append(pick_word(rng, s.suffixes));
  } else if (pattern < 68) {  // "Groupe Atlantique Industrie", "Transports Loire"
    std::string_view geo = kGeoWords[rng.below(std::size(kGeoWords))];
    if (rng.percent(50)) {
      name.append("Groupe ").append(geo).append(" ").append(pick_word(rng, s.suffixes));
    } else {
      name.append(pick_word(rng, s.suffixes)).append(" ").append(geo);
    }
  } else if (pattern < 80) {  // "Martin & Dubois", "Girard-Roux Associés"
    std::string_view partner = kLastNames[t.last_names.pick(rng)];
    if (rng.percent(50)) {
      name.append(family).append(" & ").append(partner);
    } else {
      name.append(family).append("-").append(partner).append(" ").append(rng.percent(50) ? std::string_view("Associés")
                                                                                         : pick_word(rng, s.suffixes));
    }
  } else {  // invented brand: "Novalis", "Axeo Solutions", "Kerlan Digital"
    name.append(kBrandStarts[rng.below(std::size(kBrandStarts))])
        .append(kBrandMiddles[rng.below(std::size(kBrandMiddles))])
        .append(kBrandEnds[rng.below(std::size(kBrandEnds))]);
    if (rng.percent(55)) name.append(" ").append(pick_word(rng, s.suffixes));
  }
  return name;
}

// Skewed towards the small end of [lo, hi]: companies of 12 people outnumber 45.
long long skewed_between(SplitMix& rng, long long lo, long long hi, int draws) {
  long long best = hi;
  for (int i = 0; i < draws; ++i) best = std::min(best, rng.between(lo, hi));
  return best;
}

Company make_company(uint64_t seed, uint64_t id, const Tables& t) {
  SplitMix rng(seed ^ (id * 0xD1B54A32D192ED03ULL) ^ 0x5DEECE66DULL);
  Company c;
  c.city = static_cast<int>(t.cities.pick(rng));
  const auto& codes = t.postal_codes[c.city];
  c.postal_code = codes[rng.below(codes.size())];
  c.sector = static_cast<int>(t.sectors.pick(rng));
  c.size = id < kKeyAccounts ? static_cast<int>(kKeyAccountSizeWeights[t.key_account_sizes.pick(rng)].value)
                             : static_cast<int>(kSizeWeights[t.sizes.pick(rng)].value);
  const SizeBucket& bucket = kSizes[c.size];
  if (c.size == 4) {  // few giants: 70% under 5,000 people, 5% over 20,000
    const uint64_t tier = rng.below(100);
    c.employees = tier < 70   ? skewed_between(rng, 1000, 4999, 2)
                  : tier < 95 ? skewed_between(rng, 5000, 19999, 2)
                              : skewed_between(rng, 20000, bucket.max_employees, 2);
  } else {
    c.employees = skewed_between(rng, bucket.min_employees, bucket.max_employees, 2);
  }
  const long long per_employee = kSectors[c.sector].revenue_per_employee_k * 1000LL;
  // ±30%, rounded to whole thousands of euros.
  c.revenue_euros = c.employees * per_employee * rng.between(70, 130) / 100 / 1000 * 1000;
  c.name = company_name(rng, t, c.sector, c.city);
  c.domain = domain_for(c.name, kCompanyTlds[t.tlds.pick(rng)].value);
  c.siren = siren_from(rng);
  return c;
}

// ---------------------------------------------------------------- phones

// Valid French numbers only, in libphonenumber's FR plan: mobiles 06 [0-24-8]x /
// 07 [3-9]x, landlines 0Z with Z the city's zone (04 never continues with 0).
void append_phone(std::string& out, Xoshiro& rng, char zone) {
  char nsn[9];
  if (rng.percent(65)) {
    if (rng.percent(75)) {
      static constexpr char kAfter6[] = {'0', '1', '2', '4', '5', '6', '7', '8'};
      nsn[0] = '6';
      nsn[1] = kAfter6[rng.below(std::size(kAfter6))];
    } else {
      nsn[0] = '7';
      nsn[1] = static_cast<char>('3' + rng.below(7));
    }
  } else {
    nsn[0] = zone;
    // Skip 0x0 (not in the plan for 04) and 026x (Réunion / Mayotte ranges).
    nsn[1] = static_cast<char>('1' + rng.below(9));
    if (zone == '2' && nsn[1] == '6') nsn[1] = '7';
  }
  uint64_t tail = rng.below(10000000);
  for (int i = 8; i >= 2; --i, tail /= 10) nsn[i] = static_cast<char>('0' + tail % 10);

  // French ways of writing it.
  const uint64_t style = rng.below(100);
  auto pairs = [&](char separator) {  // "0" + nsn as "0X XX XX XX XX"
    out.push_back('0');
    out.push_back(nsn[0]);
    for (int i = 1; i < 9; i += 2) {
      if (separator != 0) out.push_back(separator);
      out.push_back(nsn[i]);
      out.push_back(nsn[i + 1]);
    }
  };
  if (style < 62) {
    pairs(' ');
  } else if (style < 74) {
    out.append("+33 ");
    out.push_back(nsn[0]);
    for (int i = 1; i < 9; i += 2) {
      out.push_back(' ');
      out.push_back(nsn[i]);
      out.push_back(nsn[i + 1]);
    }
  } else if (style < 82) {
    pairs('.');
  } else if (style < 90) {
    pairs(0);
  } else if (style < 95) {
    out.append("+33 (0)");
    out.push_back(nsn[0]);
    for (int i = 1; i < 9; i += 2) {
      out.push_back(' ');
      out.push_back(nsn[i]);
      out.push_back(nsn[i + 1]);
    }
  } else {
    pairs('-');
  }
}

// ---------------------------------------------------------------- unique e-mails

// Set of 64-bit fingerprints of the e-mails handed out. An address is used only
// if its fingerprint is new, so two used addresses always differ (equal strings
// have equal fingerprints); a fingerprint collision between two different strings
// merely makes the second one take a numbered variant.
class FingerprintSet {
 public:
  // Inserts; false if already present.
  bool insert(uint64_t fingerprint) {
    if (fingerprint == 0) fingerprint = 1;  // 0 marks empty slots
    if ((count_ + 1) * 2 > slots_.size()) grow();
    const size_t mask = slots_.size() - 1;
    for (size_t i = fingerprint & mask;; i = (i + 1) & mask) {
      if (slots_[i] == fingerprint) return false;
      if (slots_[i] == 0) {
        slots_[i] = fingerprint;
        ++count_;
        return true;
      }
    }
  }

 private:
  void grow() {
    std::vector<uint64_t> old = std::move(slots_);
    slots_.assign(old.empty() ? 1024 : old.size() * 2, 0);
    count_ = 0;
    for (uint64_t f : old) {
      if (f != 0) insert(f);
    }
  }
  std::vector<uint64_t> slots_;
  size_t count_ = 0;
};

// FNV-1a then a finaliser: fixed, so that the sequence is the same everywhere.
uint64_t fingerprint(std::string_view s) {
  uint64_t h = 0xCBF29CE484222325ULL;
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001B3ULL;
  }
  h ^= h >> 33;
  h *= 0xFF51AFD7ED558CCDULL;
  h ^= h >> 33;
  return h;
}

}  // namespace

// ---------------------------------------------------------------- the generator

struct DemoDataGenerator::State {
  explicit State(uint64_t seed_in) : seed(seed_in), rng(seed_in), t(tables()) {}

  // local@domain, made unique by "jean.martin2@…", "jean.martin3@…" if needed.
  std::string unique_email(std::string_view local, std::string_view domain) {
    std::string email;
    email.reserve(local.size() + domain.size() + 4);
    email.append(local).append("@").append(domain);
    if (emails.insert(fingerprint(email))) return email;
    for (uint64_t n = 2;; ++n) {
      email.assign(local);
      email.append(std::to_string(n)).append("@").append(domain);
      if (emails.insert(fingerprint(email))) return email;
    }
  }

  // Key accounts come back on many rows: built once.
  const Company& company(uint64_t id) {
    if (id >= kKeyAccounts) {
      scratch = make_company(seed, id, t);
      return scratch;
    }
    if (key_accounts.empty()) key_accounts.resize(kKeyAccounts);
    auto& slot = key_accounts[id];
    if (!slot) slot = make_company(seed, id, t);
    return *slot;
  }

  uint64_t seed;
  Xoshiro rng;
  const Tables& t;
  FingerprintSet emails;
  std::vector<std::optional<Company>> key_accounts;
  Company scratch;
};

DemoDataGenerator::DemoDataGenerator(uint64_t seed) : state_(std::make_unique<State>(seed)) {}
DemoDataGenerator::~DemoDataGenerator() = default;
DemoDataGenerator::DemoDataGenerator(DemoDataGenerator&&) noexcept = default;
DemoDataGenerator& DemoDataGenerator::operator=(DemoDataGenerator&&) noexcept = default;

DemoProspect DemoDataGenerator::next() {
  State& st = *state_;
  Xoshiro& rng = st.rng;
  const Tables& t = st.t;
  DemoProspect p;

  // Person.
  const size_t first = t.first_names.pick(rng);
  const size_t last = t.last_names.pick(rng);
  const bool female = kFirstNames[first].gender == Gender::F;
  p.first_name = kFirstNames[first].name;
  p.last_name = kLastNames[last];

  // Company (same id → same company attributes on every row).
  const uint64_t company_id = rng.percent(30) ? rng.below(kKeyAccounts) : kKeyAccounts + rng.below(kCompanyIds);
  const Company& company = st.company(company_id);
  const City& city = kCities[company.city];
  const bool company_missing = rng.percent(3);
  if (!company_missing) p.company = company.name;
  if (!rng.percent(6)) p.sector = kSectors[company.sector].name;
  if (!rng.percent(5)) {
    p.city = city.name;
    if (!rng.percent(4)) p.postal_code = company.postal_code;
    p.region = kRegions[city.region];
  } else if (rng.percent(40)) {
    p.region = kRegions[city.region];
  }
  p.country = "France";
  if (!rng.percent(5)) p.company_size = kSizes[company.size].label;
  if (!rng.percent(10)) p.employees = company.employees;
  if (company.revenue_euros > 0 && !rng.percent(25)) {
    p.annual_revenue = static_cast<double>(company.revenue_euros);
  }
  if (!rng.percent(8)) {
    const JobTitle& title = kJobTitles[t.job_titles[company.size].pick(rng)];
    p.job_title = female ? title.feminine : title.masculine;
  }

  // Contact: ~5% without e-mail (they keep a phone), ~15% without phone.
  const bool email_missing = rng.percent(5);
  const bool phone_missing = !email_missing && rng.per_mille(158);  // 15% overall
  const std::string& fs = t.first_slugs[first];
  const std::string& ls = t.last_slugs[last];
  if (!email_missing) {
    const bool webmail = (company_missing && rng.percent(60)) || rng.percent(4);
    std::string local;
    local.reserve(fs.size() + ls.size() + 4);
    std::string_view domain = company.domain;
    const uint64_t form = rng.below(100);
    if (webmail) {
      domain = kWebmails[t.webmails.pick(rng)].value;
      local.append(fs).append(form < 70 ? "." : "").append(ls);
      if (form >= 80) append_2d(local, rng.between(60, 99));  // year of birth
    } else if (form < 70 || (form >= 96 && company.size > 1)) {
      local.append(fs).append(".").append(ls);  // prenom.nom
    } else if (form < 80) {
      local.push_back(fs[0]);
      local.append(".").append(ls);  // p.nom
    } else if (form < 86) {
      local.push_back(fs[0]);
      local.append(ls);  // pnom
    } else if (form < 92) {
      local.append(fs).append(ls);  // prenomnom
    } else if (form < 96) {
      local.append(ls).append(".").append(fs);  // nom.prenom
    } else {
      local.append(fs);  // prenom (small companies)
    }
    p.email = st.unique_email(local, domain);
  }
  if (!phone_missing) append_phone(p.phone, rng, city.phone_zone);

  // Pipeline.
  p.source = kSources[t.sources.pick(rng)].value;
  p.status = kStatuses[t.statuses.pick(rng)].value;
  p.owner = kOwners[t.owners.pick(rng)].value;
  const long long day = static_cast<long long>(rng.below(kHistoryDays));
  p.created_at_unix =
      kEpochUnix - kHistoryDays * kDay + day * kDay + 7 * 3600 + static_cast<long long>(rng.below(13 * 3600));
  if (p.status != "new") {
    const long long room = std::min(kEpochUnix - p.created_at_unix - 3600, 180 * kDay);
    p.last_contact_at_unix = p.created_at_unix + 3600 + static_cast<long long>(rng.below(room));
  }

  // Tags: 0-3 distinct.
  const uint64_t tag_roll = rng.below(100);
  const int tag_count = tag_roll < 40 ? 0 : tag_roll < 75 ? 1 : tag_roll < 93 ? 2 : 3;
  uint32_t used = 0;
  if (tag_count > 0) p.tags.reserve(tag_count);
  for (int i = 0; i < tag_count; ++i) {
    size_t tag = rng.below(std::size(kTags));
    while (used & (1u << tag)) tag = (tag + 1) % std::size(kTags);
    used |= 1u << tag;
    p.tags.emplace_back(kTags[tag]);
  }

  // Notes, sometimes with commas, quotes and €.
  if (rng.percent(25)) {
    const std::string number = std::to_string(rng.between(2, 90));
    const std::string year = std::to_string(rng.between(2026, 2028));
    std::string_view values[] = {kFirstNames[t.first_names.pick(rng)].name, kLastNames[t.last_names.pick(rng)], number,
                                 year};
    p.notes = fill(kNotes[rng.below(std::size(kNotes))], values);
  }

  // Custom fields: what files carry beyond the core columns.
  p.custom_fields.reserve(3);
  if (!company_missing && rng.percent(45)) p.custom_fields.emplace_back("siren", company.siren);
  if (rng.percent(30)) {
    const auto& naf = t.naf_codes[company.sector];
    p.custom_fields.emplace_back("code_naf", std::string(naf[rng.below(naf.size())]));
  }
  if (rng.percent(20)) {
    std::string url = "https://www.linkedin.com/in/";
    url.append(fs).append("-").append(ls).append("-");
    static constexpr char kHex[] = "0123456789abcdef";
    uint64_t id = rng.next();
    for (int i = 0; i < 8; ++i, id >>= 4) url.push_back(kHex[id & 15]);
    p.custom_fields.emplace_back("linkedin", std::move(url));
  }
  return p;
}

}  // namespace mimicom
