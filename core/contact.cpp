#include "core/contact.hpp"

#include <phonenumbers/phonemetadata.pb.h>
#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <vector>

// libphonenumber's compiled-in metadata (a serialized PhoneMetadataCollection).
// These functions are exported by libphonenumber.so but declared only in a header
// that Debian does not ship (metadata.h); their signatures have not changed since
// the library's first release.
namespace i18n::phonenumbers {
int metadata_size();
const void* metadata_get();
}  // namespace i18n::phonenumbers

namespace mimicom {
namespace {

// ---------------------------------------------------------------- shared helpers

void set_why(std::string* why, std::string_view message) {
  if (why != nullptr) why->assign(message);
}

// Length of the "space" (as trimmed by normalize_*) that starts at s[i], or 0.
size_t space_at(std::string_view s, size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c == ' ' || (c >= '\t' && c <= '\r')) return 1;
  auto rest = s.substr(i);
  if (rest.starts_with("\xC2\xA0")) return 2;      // U+00A0 no-break space
  if (rest.starts_with("\xE2\x80\xAF")) return 3;  // U+202F narrow no-break space
  if (rest.starts_with("\xE2\x80\x87")) return 3;  // U+2007 figure space
  if (rest.starts_with("\xE2\x80\x8B")) return 3;  // U+200B zero-width space
  if (rest.starts_with("\xEF\xBB\xBF")) return 3;  // U+FEFF BOM / zero-width nbsp
  return 0;
}

// Length of the space that ends at s[end - 1], or 0.
size_t space_before(std::string_view s, size_t end) {
  const auto c = static_cast<unsigned char>(s[end - 1]);
  if (c == ' ' || (c >= '\t' && c <= '\r')) return 1;
  auto head = s.substr(0, end);
  if (head.ends_with("\xC2\xA0")) return 2;
  if (head.ends_with("\xE2\x80\xAF") || head.ends_with("\xE2\x80\x87") || head.ends_with("\xE2\x80\x8B") ||
      head.ends_with("\xEF\xBB\xBF")) {
    return 3;
  }
  return 0;
}

std::string_view trim(std::string_view s) {
  size_t begin = 0;
  while (begin < s.size()) {
    size_t n = space_at(s, begin);
    if (n == 0) break;
    begin += n;
  }
  size_t end = s.size();
  while (end > begin) {
    size_t n = space_before(s, end);
    if (n == 0) break;
    end -= n;
  }
  return s.substr(begin, end - begin);
}

// ---------------------------------------------------------------- e-mail

constexpr std::array<bool, 256> kAtomChars = [] {
  std::array<bool, 256> t{};
  for (int c = 'a'; c <= 'z'; ++c) t[c] = true;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = true;
  for (int c = '0'; c <= '9'; ++c) t[c] = true;
  for (char c : std::string_view("!#$%&'*+/=?^_`{|}~.-")) {
    t[static_cast<unsigned char>(c)] = true;
  }
  return t;
}();

bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

constexpr std::string_view kBadEmail = "adresse e-mail invalide : ";

std::optional<std::string> email_error(std::string* why, std::string_view reason) {
  if (why != nullptr) {
    why->assign(kBadEmail);
    why->append(reason);
  }
  return std::nullopt;
}

// Validates the domain (already lower-cased). Returns the reason or "".
std::string_view domain_problem(std::string_view domain) {
  if (domain.empty()) return "domaine manquant";
  if (domain.find('.') == std::string_view::npos) {
    return "domaine incomplet (exemple : societe.fr)";
  }
  size_t label_start = 0;
  while (true) {
    size_t dot = domain.find('.', label_start);
    size_t label_end = dot == std::string_view::npos ? domain.size() : dot;
    std::string_view label = domain.substr(label_start, label_end - label_start);
    if (label.empty()) return "point mal placé dans le domaine";
    if (label.size() > 63) return "partie du domaine trop longue (63 caractères max)";
    for (char c : label) {
      if (!is_lower_alnum(c) && c != '-') {
        return static_cast<unsigned char>(c) >= 0x80 ? "domaine accentué : utilisez sa forme xn--"
                                                     : "caractère non autorisé dans le domaine";
      }
    }
    if (label.front() == '-' || label.back() == '-') {
      return "tiret mal placé dans le domaine";
    }
    if (dot == std::string_view::npos) {  // `label` is the TLD
      bool alphabetic = label.size() >= 2;
      for (char c : label) alphabetic = alphabetic && c >= 'a' && c <= 'z';
      bool idn = label.size() > 4 && label.starts_with("xn--");
      if (!alphabetic && !idn) return "extension du domaine invalide";
      return "";
    }
    label_start = dot + 1;
  }
}

// ---------------------------------------------------------------- phone: fast path
//
// libphonenumber's Parse + IsValidNumber cost ~16 µs a call (ICU regular
// expressions, built for generality). Imports see mostly French numbers in a few
// layouts, so those are recognised here by hand and checked against the SAME
// validity patterns, read from libphonenumber's metadata at first use and matched by
// a tiny engine that understands the regex subset the metadata uses for national
// numbers. If the metadata ever uses something else, or FR's parsing rules change
// shape, the fast path switches itself off and every number goes the slow way.
// The fast path only ever accepts; a number it would refuse is re-checked by the
// slow path, so refusals and their messages always come from libphonenumber.

// A full-match matcher for digit-only patterns: digits, \d, [...] classes with
// ranges, (...) / (?:...) groups, |, and the quantifiers ? * + {n} {n,} {n,m}.
// Matching walks the pattern tree with the SET of positions reachable so far (a bit
// mask), so it never backtracks.
class DigitPattern {
 public:
  static std::optional<DigitPattern> compile(std::string_view pattern) {
    DigitPattern p;
    size_t pos = 0;
    int root = p.parse_alternation(pattern, pos);
    if (root < 0 || pos != pattern.size()) return std::nullopt;
    p.root_ = root;
    p.build_automaton();
    return p;
  }

  // `digits` holds only '0'-'9' and has at most 30 characters.
  bool full_match(std::string_view digits) const {
    if (!next_.empty()) {
      int state = 0;
      for (char c : digits) {
        state = next_[static_cast<size_t>(state) * 10 + static_cast<size_t>(c - '0')];
        if (state < 0) return false;
      }
      return accepting_[static_cast<size_t>(state)];
    }
    std::array<uint32_t, 10> positions{};  // bit i set: digits[i] is that digit
    for (size_t i = 0; i < digits.size(); ++i) positions[digits[i] - '0'] |= 1u << i;
    return (eval(root_, 1u, positions) >> digits.size()) & 1u;
  }

 private:
  struct Node {
    enum class Kind { Class, Sequence, Alternation, Repeat };
    Kind kind;
    uint16_t digit_set = 0;  // Class: bit d set when digit d matches
    int min = 0, max = 0;    // Repeat: max < 0 means unbounded
    std::vector<int> children = {};
  };

  int add(Node node) {
    nodes_.push_back(std::move(node));
    return static_cast<int>(nodes_.size()) - 1;
  }

  int parse_alternation(std::string_view s, size_t& pos) {
    Node alt{Node::Kind::Alternation};
    while (true) {
      int seq = parse_sequence(s, pos);
      if (seq < 0) return -1;
      alt.children.push_back(seq);
      if (pos < s.size() && s[pos] == '|') {
        ++pos;
        continue;
      }
      return add(std::move(alt));
    }
  }

  int parse_sequence(std::string_view s, size_t& pos) {
    Node seq{Node::Kind::Sequence};
    while (pos < s.size() && s[pos] != '|' && s[pos] != ')') {
      int atom = parse_atom(s, pos);
      if (atom < 0) return -1;
      atom = parse_quantifiers(s, pos, atom);
      if (atom < 0) return -1;
      seq.children.push_back(atom);
    }
    return add(std::move(seq));
  }

  int parse_atom(std::string_view s, size_t& pos) {
    char c = s[pos];
    if (c >= '0' && c <= '9') {
      ++pos;
      return add({Node::Kind::Class, static_cast<uint16_t>(1u << (c - '0'))});
    }
    if (s.substr(pos).starts_with("\\d")) {
      pos += 2;
      return add({Node::Kind::Class, 0x3FF});
    }
    if (c == '[') return parse_class(s, pos);
    if (c == '(') {
      pos += s.substr(pos).starts_with("(?:") ? 3 : 1;
      int inner = parse_alternation(s, pos);
      if (inner < 0 || pos >= s.size() || s[pos] != ')') return -1;
      ++pos;
      return inner;
    }
    return -1;
  }

  int parse_class(std::string_view s, size_t& pos) {
    ++pos;  // '['
    uint16_t set = 0;
    while (pos < s.size() && s[pos] != ']') {
      if (s.substr(pos).starts_with("\\d")) {
        set = 0x3FF;
        pos += 2;
        continue;
      }
      char lo = s[pos];
      if (lo < '0' || lo > '9') return -1;
      char hi = lo;
      if (pos + 2 < s.size() && s[pos + 1] == '-' && s[pos + 2] != ']') {
        hi = s[pos + 2];
        if (hi < lo || hi > '9') return -1;
        pos += 2;
      }
      for (char d = lo; d <= hi; ++d) set |= static_cast<uint16_t>(1u << (d - '0'));
      ++pos;
    }
    if (pos >= s.size() || set == 0) return -1;
    ++pos;  // ']'
    return add({Node::Kind::Class, set});
  }

  static bool parse_number(std::string_view s, size_t& pos, int& out) {
    if (pos >= s.size() || s[pos] < '0' || s[pos] > '9') return false;
    out = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      out = out * 10 + (s[pos++] - '0');
      if (out > 64) return false;
    }
    return true;
  }

  int parse_quantifiers(std::string_view s, size_t& pos, int atom) {
    while (pos < s.size()) {
      int min = 0, max = 0;
      char c = s[pos];
      if (c == '?') {
        min = 0, max = 1, ++pos;
      } else if (c == '*') {
        min = 0, max = -1, ++pos;
      } else if (c == '+') {
        min = 1, max = -1, ++pos;
      } else if (c == '{') {
        ++pos;
        if (!parse_number(s, pos, min)) return -1;
        max = min;
        if (pos < s.size() && s[pos] == ',') {
          ++pos;
          max = -1;
          if (pos < s.size() && s[pos] != '}' && !parse_number(s, pos, max)) return -1;
          if (max >= 0 && max < min) return -1;
        }
        if (pos >= s.size() || s[pos] != '}') return -1;
        ++pos;
      } else {
        return atom;
      }
      Node rep{Node::Kind::Repeat};
      rep.min = min;
      rep.max = max;
      rep.children.push_back(atom);
      atom = add(std::move(rep));
    }
    return atom;
  }

  // Positions reachable after matching node `n` from any position in `starts`.
  uint32_t eval(int n, uint32_t starts, const std::array<uint32_t, 10>& positions) const {
    const Node& node = nodes_[n];
    switch (node.kind) {
      case Node::Kind::Class: {
        uint32_t here = 0;
        for (int d = 0; d < 10; ++d) {
          if (node.digit_set & (1u << d)) here |= positions[d];
        }
        return (starts & here) << 1;
      }
      case Node::Kind::Sequence:
        for (int child : node.children) {
          if (starts == 0) break;
          starts = eval(child, starts, positions);
        }
        return starts;
      case Node::Kind::Alternation: {
        uint32_t ends = 0;
        for (int child : node.children) ends |= eval(child, starts, positions);
        return ends;
      }
      case Node::Kind::Repeat: {
        uint32_t current = starts;
        for (int i = 0; i < node.min && current != 0; ++i) {
          current = eval(node.children[0], current, positions);
        }
        uint32_t ends = current;
        for (int i = node.min; (node.max < 0 || i < node.max) && current != 0; ++i) {
          current = eval(node.children[0], current, positions) & ~ends;
          ends |= current;  // unbounded: stops once no new position is reached
        }
        return ends;
      }
    }
    return 0;
  }

  // ---- the same pattern as a deterministic automaton ----
  //
  // Walking the tree costs ~0.1 µs a digit; a table step costs a few nanoseconds. The tree
  // is turned into Glushkov's automaton (one state a digit class, repeats unrolled, no empty
  // moves), whose sets of states become the automaton's states (subset construction). The
  // metadata's patterns stay at a few dozen; past kMaxPositions / kMaxStates the tree walk
  // stays in use, exact as before.
  static constexpr size_t kMaxPositions = 1024, kMaxStates = 4096;

  // Glushkov's sets of a subtree: the positions that may match its first and its last digit,
  // and whether it matches nothing at all.
  struct Fragment {
    std::vector<int> first, last;
    bool empty = true;
  };

  // Glushkov's automaton of a tree, while it is built: each position's digits, and the
  // positions that may come after each.
  struct Glushkov {
    const std::vector<Node>& nodes;
    std::vector<uint16_t> classes;
    std::vector<std::vector<int>> follow;

    void link(const std::vector<int>& from, const std::vector<int>& to) {
      for (int p : from) {
        auto& after = follow[static_cast<size_t>(p)];
        after.insert(after.end(), to.begin(), to.end());
      }
    }

    // `a` followed by `b`, into `a`.
    void append(Fragment& a, const Fragment& b) {
      link(a.last, b.first);
      if (a.empty) a.first.insert(a.first.end(), b.first.begin(), b.first.end());
      if (b.empty) {
        a.last.insert(a.last.end(), b.last.begin(), b.last.end());
      } else {
        a.last = b.last;
      }
      a.empty = a.empty && b.empty;
    }

    // Fresh positions for node `n` (a repeated subtree gets new ones each time); nullopt past
    // kMaxPositions.
    std::optional<Fragment> positions(int n) {
      const Node& node = nodes[static_cast<size_t>(n)];
      switch (node.kind) {
        case Node::Kind::Class: {
          if (classes.size() >= kMaxPositions) return std::nullopt;
          int p = static_cast<int>(classes.size());
          classes.push_back(node.digit_set);
          follow.emplace_back();
          return Fragment{{p}, {p}, false};
        }
        case Node::Kind::Sequence: {
          Fragment all;
          for (int child : node.children) {
            auto f = positions(child);
            if (!f) return std::nullopt;
            append(all, *f);
          }
          return all;
        }
        case Node::Kind::Alternation: {
          Fragment any;
          any.empty = false;
          for (int child : node.children) {
            auto f = positions(child);
            if (!f) return std::nullopt;
            any.first.insert(any.first.end(), f->first.begin(), f->first.end());
            any.last.insert(any.last.end(), f->last.begin(), f->last.end());
            any.empty = any.empty || f->empty;
          }
          return any;
        }
        case Node::Kind::Repeat: {
          Fragment all;
          int child = node.children[0];
          for (int i = 0; i < node.min; ++i) {
            auto f = positions(child);
            if (!f) return std::nullopt;
            append(all, *f);
          }
          if (node.max < 0) {  // then any number more: one more copy that loops on itself
            auto f = positions(child);
            if (!f) return std::nullopt;
            link(f->last, f->first);
            f->empty = true;
            append(all, *f);
          }
          for (int i = node.min; i < node.max; ++i) {  // then up to max - min optional copies
            auto f = positions(child);
            if (!f) return std::nullopt;
            f->empty = true;
            append(all, *f);
          }
          return all;
        }
      }
      return std::nullopt;
    }
  };

  // Fills next_ and accepting_, or leaves them empty (the tree walk is used).
  void build_automaton() {
    Glushkov g{nodes_, {}, {}};
    auto root = g.positions(root_);
    if (!root) return;
    const int start = static_cast<int>(g.classes.size());  // a position before the first digit
    g.follow.push_back(root->first);
    std::vector<bool> is_last(g.classes.size() + 1, false);
    for (int p : root->last) is_last[static_cast<size_t>(p)] = true;
    is_last[static_cast<size_t>(start)] = root->empty;
    std::map<std::vector<int>, int> ids{{{start}, 0}};
    std::vector<std::vector<int>> states{{start}};
    std::vector<int> next;
    std::vector<bool> accepting;
    for (size_t s = 0; s < states.size(); ++s) {
      bool accepts = false;
      for (int p : states[s]) accepts = accepts || is_last[static_cast<size_t>(p)];
      accepting.push_back(accepts);
      for (int d = 0; d < 10; ++d) {
        std::vector<int> to;
        for (int p : states[s]) {
          for (int q : g.follow[static_cast<size_t>(p)]) {
            if (g.classes[static_cast<size_t>(q)] & (1u << d)) to.push_back(q);
          }
        }
        if (to.empty()) {
          next.push_back(-1);
          continue;
        }
        std::sort(to.begin(), to.end());
        to.erase(std::unique(to.begin(), to.end()), to.end());
        auto [it, added] = ids.emplace(to, static_cast<int>(states.size()));
        if (added) {
          if (states.size() >= kMaxStates) return;
          states.push_back(std::move(to));
        }
        next.push_back(it->second);
      }
    }
    next_ = std::move(next);
    accepting_ = std::move(accepting);
  }

  std::vector<Node> nodes_;
  int root_ = -1;
  std::vector<int> next_;  // state * 10 + digit -> state, -1: no match
  std::vector<bool> accepting_;
};

// One PhoneNumberDesc, as PhoneNumberUtil::IsNumberMatchingDesc uses it.
struct NumberDesc {
  std::vector<int> possible_lengths;  // empty: any length
  std::optional<DigitPattern> pattern;

  bool matches(std::string_view nsn) const {
    if (!pattern) return false;
    if (!possible_lengths.empty()) {
      bool length_ok = false;
      for (int n : possible_lengths) length_ok = length_ok || n == static_cast<int>(nsn.size());
      if (!length_ok) return false;
    }
    return pattern->full_match(nsn);
  }
};

// What IsValidNumber checks for a +33 number, taken from the library's metadata.
struct FrenchRules {
  NumberDesc general;
  std::vector<NumberDesc> types;

  // IsValidNumber: matches the general description and at least one number type.
  bool valid(std::string_view nsn) const {
    if (!general.matches(nsn)) return false;
    for (const NumberDesc& type : types) {
      if (type.matches(nsn)) return true;
    }
    return false;
  }
};

std::optional<NumberDesc> load_desc(const i18n::phonenumbers::PhoneNumberDesc& desc) {
  NumberDesc out;
  for (int n : desc.possible_length()) out.possible_lengths.push_back(n);
  if (desc.national_number_pattern().empty()) return out;  // never matches
  out.pattern = DigitPattern::compile(desc.national_number_pattern());
  if (!out.pattern) return std::nullopt;
  return out;
}

// nullopt: the fast path is off (metadata not in the shape this code relies on).
std::optional<FrenchRules> load_french_rules() {
  i18n::phonenumbers::PhoneMetadataCollection collection;
  if (!collection.ParseFromArray(i18n::phonenumbers::metadata_get(), i18n::phonenumbers::metadata_size())) {
    return std::nullopt;
  }
  const i18n::phonenumbers::PhoneMetadata* fr = nullptr;
  for (const auto& region : collection.metadata()) {
    if (region.country_code() != 33) continue;
    if (fr != nullptr || region.id() != "FR") return std::nullopt;  // +33 shared
    fr = &region;
  }
  // The layouts recognised below assume "0" is FR's trunk prefix and "00" its
  // international prefix, with no rewriting rule.
  if (fr == nullptr || fr->national_prefix() != "0" ||
      (fr->has_national_prefix_for_parsing() && fr->national_prefix_for_parsing() != "0") ||
      fr->has_national_prefix_transform_rule() || fr->international_prefix() != "00" || fr->leading_zero_possible()) {
    return std::nullopt;
  }
  FrenchRules rules;
  auto general = load_desc(fr->general_desc());
  if (!general) return std::nullopt;
  rules.general = std::move(*general);
  const i18n::phonenumbers::PhoneNumberDesc* types[] = {
      &fr->fixed_line(),      &fr->mobile(), &fr->toll_free(), &fr->premium_rate(), &fr->shared_cost(),
      &fr->personal_number(), &fr->voip(),   &fr->pager(),     &fr->uan(),          &fr->voicemail()};
  for (const auto* type : types) {
    auto desc = load_desc(*type);
    if (!desc) return std::nullopt;
    rules.types.push_back(std::move(*desc));
  }
  return rules;
}

const FrenchRules* french_rules() {
  static const std::optional<FrenchRules> rules = load_french_rules();
  return rules ? &*rules : nullptr;
}

bool is_region_fr(std::string_view region) {
  return region.size() == 2 && (region[0] == 'F' || region[0] == 'f') && (region[1] == 'R' || region[1] == 'r');
}

// Recognises the usual ways of writing a French number ("06 12 34 56 78",
// "06.12.34.56.78", "0612345678", "(0)6 12…", "+33 6 12…", "+33 (0)6 12…",
// "+33 06…", "0033 6 12…") and returns its E.164 form if valid; nullopt means
// "not recognised or not valid here: ask libphonenumber".
std::optional<std::string> fast_french_number(std::string_view s, bool region_is_fr) {
  const FrenchRules* rules = french_rules();
  if (rules == nullptr || s.empty()) return std::nullopt;
  size_t i = 0;
  const bool plus = s[0] == '+';
  if (plus)
    ++i;
  else if (!region_is_fr)
    return std::nullopt;
  char digits[20];
  size_t n = 0;
  int paren_zero_at = -1;       // digit count before "(0)"
  bool after_separator = true;  // no separator first, none doubled
  while (i < s.size()) {
    char c = s[i];
    if (c >= '0' && c <= '9') {
      if (n == sizeof digits) return std::nullopt;
      digits[n++] = c;
      after_separator = false;
      ++i;
    } else if (s.substr(i).starts_with("(0)")) {
      if (paren_zero_at >= 0) return std::nullopt;
      paren_zero_at = static_cast<int>(n);
      i += 3;
      if (i < s.size() && s[i] == ' ') ++i;  // "(0) 6 12…"
      after_separator = true;
    } else {
      size_t width = (c == ' ' || c == '.' || c == '-') ? 1 : space_at(s, i);
      if (width == 0 || after_separator) return std::nullopt;
      after_separator = true;
      i += width;
    }
  }
  if (after_separator) return std::nullopt;  // trailing separator, or no digit
  std::string_view all(digits, n);
  std::string_view nsn;
  size_t country_end = 0;
  if (plus) {
    if (!all.starts_with("33")) return std::nullopt;
    country_end = 2;
  } else if (all.starts_with("0033")) {
    country_end = 4;
  }
  if (country_end > 0) {
    nsn = all.substr(country_end);
    if (paren_zero_at >= 0 && paren_zero_at != static_cast<int>(country_end)) {
      return std::nullopt;
    }
    if (paren_zero_at < 0 && nsn.starts_with('0')) nsn.remove_prefix(1);  // "+33 06…"
  } else {                                                                // national number
    if (paren_zero_at == 0) {
      nsn = all;  // "(0)6 12 34 56 78"
    } else if (paren_zero_at < 0 && all.starts_with('0')) {
      nsn = all.substr(1);
    } else {
      return std::nullopt;
    }
  }
  if (nsn.empty() || nsn.size() > 17 || nsn[0] == '0' || !rules->valid(nsn)) {
    return std::nullopt;
  }
  std::string e164;
  e164.reserve(3 + nsn.size());
  e164.append("+33");
  e164.append(nsn);
  return e164;
}

// ---------------------------------------------------------------- phone: slow path

std::optional<std::string> phone_error(std::string* why, std::string_view reason) {
  if (why != nullptr) {
    why->assign("numéro de téléphone invalide");
    if (!reason.empty()) {
      why->append(" : ");
      why->append(reason);
    }
  }
  return std::nullopt;
}

std::optional<std::string> libphonenumber_number(std::string_view s, std::string_view default_region,
                                                 std::string* why) {
  using i18n::phonenumbers::PhoneNumber;
  using i18n::phonenumbers::PhoneNumberUtil;
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  std::string region(default_region);
  for (char& c : region) c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
  PhoneNumber number;
  switch (util.Parse(std::string(s), region, &number)) {
    case PhoneNumberUtil::NO_PARSING_ERROR:
      break;
    case PhoneNumberUtil::INVALID_COUNTRY_CODE_ERROR:
      return phone_error(why, "indicatif pays inconnu ou manquant");
    case PhoneNumberUtil::NOT_A_NUMBER:
      return phone_error(why, "ce n'est pas un numéro");
    case PhoneNumberUtil::TOO_SHORT_AFTER_IDD:
    case PhoneNumberUtil::TOO_SHORT_NSN:
      return phone_error(why, "trop court");
    case PhoneNumberUtil::TOO_LONG_NSN:
      return phone_error(why, "trop long");
  }
  if (!util.IsValidNumber(number)) {
    switch (util.IsPossibleNumberWithReason(number)) {
      case PhoneNumberUtil::TOO_SHORT:
        return phone_error(why, "trop court");
      case PhoneNumberUtil::TOO_LONG:
        return phone_error(why, "trop long");
      case PhoneNumberUtil::INVALID_COUNTRY_CODE:
        return phone_error(why, "indicatif pays inconnu");
      default:
        return phone_error(why, "");
    }
  }
  std::string e164;
  util.Format(number, PhoneNumberUtil::E164, &e164);
  return e164;
}

}  // namespace

// ---------------------------------------------------------------- public functions

std::optional<std::string> normalize_email(std::string_view raw, std::string* why) {
  std::string_view s = trim(raw);
  if (s.empty()) {
    set_why(why, "adresse e-mail vide");
    return std::nullopt;
  }
  if (s.size() > 254) return email_error(why, "trop longue (254 caractères max)");
  size_t at = s.find('@');
  if (at == std::string_view::npos) return email_error(why, "« @ » manquant");
  if (s.find('@', at + 1) != std::string_view::npos) {
    return email_error(why, "plusieurs « @ »");
  }
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if ((c <= ' ' || c >= 0x80) && space_at(s, i) != 0) {
      return email_error(why, "espace non autorisé");
    }
  }

  std::string_view local = s.substr(0, at);
  if (local.empty()) return email_error(why, "rien avant « @ »");
  if (local.size() > 64) {
    return email_error(why, "partie avant « @ » trop longue (64 caractères max)");
  }
  for (char c : local) {
    if (!kAtomChars[static_cast<unsigned char>(c)]) {
      return email_error(why, static_cast<unsigned char>(c) >= 0x80 ? "caractère accentué avant « @ »"
                                                                    : "caractère non autorisé avant « @ »");
    }
  }
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) {
    return email_error(why, "point mal placé avant « @ »");
  }

  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + ('a' - 'A'));
  }
  std::string_view problem = domain_problem(std::string_view(out).substr(at + 1));
  if (!problem.empty()) return email_error(why, problem);
  return out;
}

std::optional<std::string> normalize_phone(std::string_view raw, std::string_view default_region, std::string* why) {
  std::string_view s = trim(raw);
  if (s.empty()) {
    set_why(why, "numéro de téléphone vide");
    return std::nullopt;
  }
  // Bounds libphonenumber's regex work on garbage cells; no real number is this long.
  if (s.size() > 64) return phone_error(why, "trop long");
  if (auto fast = fast_french_number(s, is_region_fr(default_region))) return fast;
  return libphonenumber_number(s, default_region, why);
}

}  // namespace mimicom
