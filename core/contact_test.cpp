#include "core/contact.hpp"

#include <gtest/gtest.h>
#include <phonenumbers/phonenumberutil.h>

#include <cstdint>
#include <string>
#include <vector>

namespace mimicom {
namespace {

// ---------------------------------------------------------------- e-mail

std::string email_ok(std::string_view raw) {
  std::string why;
  auto out = normalize_email(raw, &why);
  EXPECT_TRUE(out.has_value()) << "refused: [" << raw << "]: " << why;
  return out.value_or("");
}

std::string email_why(std::string_view raw) {
  std::string why;
  auto out = normalize_email(raw, &why);
  EXPECT_FALSE(out.has_value()) << "accepted: [" << raw << "] as " << *out;
  return why;
}

TEST(NormalizeEmail, SameAddressInOtherCaseAndSpacingIsOneKey) {
  const std::string key = "jean.dupont@exemple.fr";
  EXPECT_EQ(email_ok("jean.dupont@exemple.fr"), key);
  EXPECT_EQ(email_ok("Jean.Dupont@Exemple.FR"), key);
  EXPECT_EQ(email_ok("  JEAN.DUPONT@EXEMPLE.FR\t\r\n"), key);
  EXPECT_EQ(email_ok("\xC2\xA0jean.dupont@exemple.fr\xC2\xA0"), key);          // U+00A0
  EXPECT_EQ(email_ok("\xE2\x80\xAFjean.dupont@exemple.fr\xE2\x80\xAF"), key);  // U+202F
  EXPECT_EQ(email_ok("\xEF\xBB\xBFjean.dupont@exemple.fr"), key);              // BOM
  EXPECT_EQ(email_ok("jean.dupont@exemple.fr\xE2\x80\x8B"), key);              // ZWSP
  EXPECT_EQ(email_ok(" \xC2\xA0 \xE2\x80\x87jean.dupont@exemple.fr \xC2\xA0"), key);
}

TEST(NormalizeEmail, AcceptsPracticalAddresses) {
  EXPECT_EQ(email_ok("a@b.fr"), "a@b.fr");
  EXPECT_EQ(email_ok("jean-pierre.o'neil@sous.domaine.exemple.com"), "jean-pierre.o'neil@sous.domaine.exemple.com");
  EXPECT_EQ(email_ok("prenom+newsletter@gmail.com"), "prenom+newsletter@gmail.com");
  EXPECT_EQ(email_ok("x!#$%&'*+/=?^_`{|}~-y@a-b.c0.org"), "x!#$%&'*+/=?^_`{|}~-y@a-b.c0.org");
  EXPECT_EQ(email_ok("contact@xn--caf-dma.fr"), "contact@xn--caf-dma.fr");
  EXPECT_EQ(email_ok("contact@exemple.xn--p1ai"), "contact@exemple.xn--p1ai");
  EXPECT_EQ(email_ok("info@123.fr"), "info@123.fr");
  EXPECT_EQ(email_ok("a@b-c.d-e.museum"), "a@b-c.d-e.museum");
}

TEST(NormalizeEmail, LocalPartOf64IsTheLimit) {
  std::string local64(64, 'a');
  EXPECT_EQ(email_ok(local64 + "@x.fr"), local64 + "@x.fr");
  EXPECT_NE(email_why(local64 + "a@x.fr").find("64"), std::string::npos);
}

TEST(NormalizeEmail, DomainLabelOf63IsTheLimit) {
  std::string label63(63, 'b');
  EXPECT_EQ(email_ok("a@" + label63 + ".fr"), "a@" + label63 + ".fr");
  EXPECT_NE(email_why("a@" + label63 + "b.fr").find("63"), std::string::npos);
}

TEST(NormalizeEmail, TotalOf254IsTheLimit) {
  std::string domain = std::string(63, 'a') + "." + std::string(63, 'b') + "." + std::string(63, 'c') + "." +
                       std::string(52, 'd') + ".fr";
  std::string at_limit = "jean.d@" + domain;  // 7 + 247 = 254
  ASSERT_EQ(at_limit.size(), 254u);
  EXPECT_EQ(email_ok(at_limit), at_limit);
  EXPECT_NE(email_why("x" + at_limit).find("254"), std::string::npos);
}

TEST(NormalizeEmail, RefusesBlankInput) {
  EXPECT_EQ(email_why(""), "adresse e-mail vide");
  EXPECT_EQ(email_why("   \t "), "adresse e-mail vide");
  EXPECT_EQ(email_why("\xC2\xA0"), "adresse e-mail vide");
}

TEST(NormalizeEmail, ExplainsEachRefusalInFrench) {
  EXPECT_EQ(email_why("jean.dupont"), "adresse e-mail invalide : « @ » manquant");
  EXPECT_EQ(email_why("jean@dupont@x.fr"), "adresse e-mail invalide : plusieurs « @ »");
  EXPECT_EQ(email_why("@x.fr"), "adresse e-mail invalide : rien avant « @ »");
  EXPECT_EQ(email_why("jean@"), "adresse e-mail invalide : domaine manquant");
  EXPECT_EQ(email_why("jean@localhost"), "adresse e-mail invalide : domaine incomplet (exemple : societe.fr)");
  EXPECT_EQ(email_why("jean dupont@x.fr"), "adresse e-mail invalide : espace non autorisé");
  EXPECT_EQ(email_why("jean@x.f"), "adresse e-mail invalide : extension du domaine invalide");
}

TEST(NormalizeEmail, RefusesMisplacedDots) {
  for (auto raw : {".jean@x.fr", "jean.@x.fr", "je..an@x.fr"}) {
    EXPECT_EQ(email_why(raw), "adresse e-mail invalide : point mal placé avant « @ »");
  }
  for (auto raw : {"jean@.x.fr", "jean@x..fr", "jean@x.fr.", "jean@x."}) {
    EXPECT_EQ(email_why(raw), "adresse e-mail invalide : point mal placé dans le domaine");
  }
}

TEST(NormalizeEmail, RefusesMisplacedHyphensInDomain) {
  for (auto raw : {"a@-x.fr", "a@x-.fr", "a@x.-fr", "a@x.fr-"}) {
    EXPECT_EQ(email_why(raw), "adresse e-mail invalide : tiret mal placé dans le domaine");
  }
}

TEST(NormalizeEmail, RefusesCharactersOutsideTheSubset) {
  for (auto raw :
       {"je(an)@x.fr", "\"jean\"@x.fr", "je,an@x.fr", "jean;@x.fr", "a<b@x.fr", "a\\b@x.fr", "jean:x@y.fr"}) {
    EXPECT_EQ(email_why(raw), "adresse e-mail invalide : caractère non autorisé avant « @ »") << raw;
  }
  EXPECT_EQ(email_why("élodie@x.fr"), "adresse e-mail invalide : caractère accentué avant « @ »");
  for (auto raw : {"a@x_y.fr", "a@[192.168.0.1]", "a@x.fr/", "a@x!y.fr"}) {
    EXPECT_EQ(email_why(raw), "adresse e-mail invalide : caractère non autorisé dans le domaine") << raw;
  }
  EXPECT_EQ(email_why("a@café.fr"), "adresse e-mail invalide : domaine accentué : utilisez sa forme xn--");
}

TEST(NormalizeEmail, RefusesNonAlphabeticTopLevelDomain) {
  for (auto raw : {"a@x.f", "a@x.123", "a@x.f1", "a@192.168.0.1", "a@x.xn-p1ai"}) {
    EXPECT_EQ(email_why(raw), "adresse e-mail invalide : extension du domaine invalide") << raw;
  }
}

TEST(NormalizeEmail, RefusesInnerWhitespaceAndControls) {
  EXPECT_FALSE(normalize_email("jean@x .fr", nullptr));
  EXPECT_FALSE(normalize_email("jean\t@x.fr", nullptr));
  EXPECT_FALSE(normalize_email("jean\xC2\xA0@x.fr", nullptr));
  EXPECT_FALSE(normalize_email(std::string_view("jean\0@x.fr", 10), nullptr));
  EXPECT_FALSE(normalize_email("jean\x01@x.fr", nullptr));
}

TEST(NormalizeEmail, NullWhyIsAllowedAndWhyUntouchedOnSuccess) {
  EXPECT_FALSE(normalize_email("nope", nullptr));
  std::string why = "before";
  EXPECT_TRUE(normalize_email("ok@ok.fr", &why));
  EXPECT_EQ(why, "before");
}

TEST(NormalizeEmail, NeverCrashesOnArbitraryBytes) {
  // Cheap fuzz: every result must be nullopt or a valid, idempotent key.
  uint64_t x = 42;
  const std::string alphabet = "aZ0.@-_+ \t\xC2\xA0\xE2\x80\xAF\xFF\"(),;:xn";
  for (int round = 0; round < 20000; ++round) {
    std::string s;
    int len = static_cast<int>(x % 24);
    for (int i = 0; i < len; ++i) {
      x = x * 6364136223846793005ULL + 1442695040888963407ULL;
      s.push_back(alphabet[(x >> 33) % alphabet.size()]);
    }
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    std::string why;
    auto out = normalize_email(s, &why);
    if (out) {
      EXPECT_EQ(normalize_email(*out, nullptr), out) << s;
    } else {
      EXPECT_FALSE(why.empty()) << s;
    }
  }
}

// ---------------------------------------------------------------- phone

std::string phone_ok(std::string_view raw, std::string_view region = "FR") {
  std::string why;
  auto out = normalize_phone(raw, region, &why);
  EXPECT_TRUE(out.has_value()) << "refused: [" << raw << "]: " << why;
  return out.value_or("");
}

std::string phone_why(std::string_view raw, std::string_view region = "FR") {
  std::string why;
  auto out = normalize_phone(raw, region, &why);
  EXPECT_FALSE(out.has_value()) << "accepted: [" << raw << "] as " << *out;
  return why;
}

TEST(NormalizePhone, FrenchLayoutsGiveOneE164) {
  for (auto raw : {"06 12 34 56 78",
                   "0612345678",
                   "06.12.34.56.78",
                   "06-12-34-56-78",
                   "+33 6 12 34 56 78",
                   "+33612345678",
                   "0033612345678",
                   "0033 6 12 34 56 78",
                   "(0)6 12 34 56 78",
                   "+33 (0)6 12 34 56 78",
                   "+33(0)612345678",
                   "+33 06 12 34 56 78",
                   "  06 12 34 56 78  ",
                   "06\xC2\xA0"
                   "12\xC2\xA0"
                   "34 56 78",
                   "06 12 34 56 78\xE2\x80\xAF",
                   "06 1234 5678",
                   "+33-6-12-34-56-78",
                   "06/12/34/56/78",
                   "tél. 06 12 34 56 78",
                   "06 12 34 56 78.",
                   "+33 6 12 34 56 78 "}) {
    EXPECT_EQ(phone_ok(raw), "+33612345678") << raw;
  }
}

TEST(NormalizePhone, AcceptsEveryFrenchNumberType) {
  EXPECT_EQ(phone_ok("01 42 68 53 00"), "+33142685300");  // Paris landline
  EXPECT_EQ(phone_ok("04 78 12 34 56"), "+33478123456");  // Lyon landline
  EXPECT_EQ(phone_ok("05 56 12 34 56"), "+33556123456");
  EXPECT_EQ(phone_ok("07 81 23 45 67"), "+33781234567");  // mobile 07
  EXPECT_EQ(phone_ok("08 00 12 34 56"), "+33800123456");  // toll free
  EXPECT_EQ(phone_ok("09 72 12 34 56"), "+33972123456");  // VoIP
}

TEST(NormalizePhone, AcceptsForeignNumbersInInternationalForm) {
  EXPECT_EQ(phone_ok("+44 20 7946 0958"), "+442079460958");
  EXPECT_EQ(phone_ok("+32 2 555 12 12"), "+3225551212");
  EXPECT_EQ(phone_ok("+1 (650) 253-0000"), "+16502530000");
  EXPECT_EQ(phone_ok("0044 20 7946 0958"), "+442079460958");  // FR's 00 prefix
  EXPECT_EQ(phone_ok("+262 692 12 34 56"), "+262692123456");  // La Réunion mobile
}

TEST(NormalizePhone, DefaultRegionAppliesToNationalNumbersAndIgnoresCase) {
  EXPECT_EQ(phone_ok("020 7946 0958", "GB"), "+442079460958");
  EXPECT_EQ(phone_ok("06 12 34 56 78", "fr"), "+33612345678");
  EXPECT_EQ(phone_ok("02 555 12 12", "BE"), "+3225551212");
  EXPECT_EQ(phone_ok("+33 6 12 34 56 78", "BE"), "+33612345678");
  EXPECT_EQ(phone_ok("+33 6 12 34 56 78", ""), "+33612345678");
}

TEST(NormalizePhone, DropsExtension) { EXPECT_EQ(phone_ok("01 42 68 53 00 ext. 12"), "+33142685300"); }

TEST(NormalizePhone, RefusesNumbersThatAreOnlyPossible) {
  // Right length, but unassigned ranges in the French plan.
  for (auto raw : {"06 90 12 34 56", "07 12 34 56 78", "+33 7 12 34 56 78", "0033 6 90 12 34 56", "(0)6 90 12 34 56",
                   "04 01 23 45 67"}) {
    EXPECT_EQ(phone_why(raw), "numéro de téléphone invalide") << raw;
  }
}

TEST(NormalizePhone, ExplainsRefusalsInFrench) {
  EXPECT_EQ(phone_why(""), "numéro de téléphone vide");
  EXPECT_EQ(phone_why(" \xC2\xA0 "), "numéro de téléphone vide");
  EXPECT_EQ(phone_why("06 12 34"), "numéro de téléphone invalide : trop court");
  EXPECT_EQ(phone_why("06 12 34 56 78 90"), "numéro de téléphone invalide : trop long");
  EXPECT_EQ(phone_why("+999 12 34 56 78"), "numéro de téléphone invalide : indicatif pays inconnu ou manquant");
  EXPECT_EQ(phone_why("06 12 34 56 78", ""), "numéro de téléphone invalide : indicatif pays inconnu ou manquant");
  EXPECT_EQ(phone_why("pas de numéro"), "numéro de téléphone invalide : ce n'est pas un numéro");
  EXPECT_EQ(phone_why(std::string(65, '1')), "numéro de téléphone invalide : trop long");
}

TEST(NormalizePhone, NullWhyIsAllowedAndWhyUntouchedOnSuccess) {
  EXPECT_FALSE(normalize_phone("12", "FR", nullptr));
  std::string why = "before";
  EXPECT_TRUE(normalize_phone("0612345678", "FR", &why));
  EXPECT_EQ(why, "before");
}

// The fast path for French layouts must agree with libphonenumber on every input:
// same acceptance, same E.164. Walks every 3-digit prefix of the national number
// (which covers all the metadata patterns' branching) with random tails, several
// lengths and every layout the fast path recognises.
TEST(NormalizePhone, FastPathAgreesWithLibphonenumber) {
  using i18n::phonenumbers::PhoneNumber;
  using i18n::phonenumbers::PhoneNumberUtil;
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  auto reference = [&](const std::string& raw) -> std::optional<std::string> {
    PhoneNumber number;
    if (util.Parse(raw, "FR", &number) != PhoneNumberUtil::NO_PARSING_ERROR) return std::nullopt;
    if (!util.IsValidNumber(number)) return std::nullopt;
    std::string out;
    util.Format(number, PhoneNumberUtil::E164, &out);
    return out;
  };
  uint64_t x = 7;
  auto digit = [&x] {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<char>('0' + (x >> 33) % 10);
  };
  int accepted = 0, checked = 0;
  for (int prefix = 0; prefix < 1000; ++prefix) {
    for (int length : {7, 8, 9, 10}) {
      for (int sample = 0; sample < 1; ++sample) {
        std::string nsn = std::to_string(prefix + 1000).substr(1);  // 3 digits
        while (static_cast<int>(nsn.size()) < length) nsn.push_back(digit());
        nsn.resize(length);
        std::string spaced;
        for (size_t i = 0; i < nsn.size(); ++i) {
          if (i == 1 || (i > 1 && i % 2 == 1)) spaced.push_back(' ');
          spaced.push_back(nsn[i]);
        }
        for (const std::string& raw :
             {"0" + nsn, "0" + spaced, "+33" + nsn, "+33 " + spaced, "+33 (0)" + spaced, "+33 0" + nsn, "0033" + nsn,
              "0033 " + spaced, "(0)" + spaced, nsn, "0033 (0)" + spaced, "+330" + nsn, "00" + nsn}) {
          auto expected = reference(raw);
          auto got = normalize_phone(raw, "FR", nullptr);
          ASSERT_EQ(got, expected) << "input [" << raw << "]";
          ++checked;
          accepted += got.has_value();
        }
      }
    }
  }
  EXPECT_GT(accepted, checked / 10);  // the sample does exercise acceptance
}

}  // namespace
}  // namespace mimicom
