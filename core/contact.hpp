// Normalisation of the two contact keys prospects are deduplicated on: the e-mail
// address and the phone number.
//
// Every function here is pure and thread-safe: any thread may call any of them at
// any time, with no set-up. They run once per row in imports, so the common case
// allocates nothing but the returned string.
//
// On failure a function returns std::nullopt and, when `why` is not null, stores in
// *why a short French message meant for the user (the import's rejected-rows report,
// a form's field error). On success *why is left untouched.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mimicom {

// Returns the canonical form of an e-mail address, the key that makes "the same
// e-mail in different case and spacing" one prospect:
//   * leading/trailing ASCII white space and Unicode no-break / zero-width spaces
//     (U+00A0, U+2007, U+202F, U+200B, U+FEFF) are trimmed;
//   * the WHOLE address is lower-cased (ASCII). RFC 5321 lets a server treat the
//     local part as case-sensitive, but no mainstream provider does, and CRMs dedupe
//     this way: "Jean.Dupont@X.fr" and "jean.dupont@x.fr" are one prospect.
//     Nothing else is rewritten (dots and "+tags" are kept: they may be meaningful).
// Accepted syntax is a practical subset of RFC 5322 ("dot-atom" only):
//   * exactly one '@', total length <= 254;
//   * local part of 1-64 characters among letters, digits and
//     !#$%&'*+/=?^_`{|}~.- with no leading, trailing or double dot
//     (no quoted strings, no comments, no non-ASCII);
//   * domain of >= 2 dot-separated labels, each 1-63 characters of [a-z0-9-] not
//     starting or ending with '-'; the last label (TLD) is alphabetic with >= 2
//     letters, or an IDN in ASCII form ("xn--..."). Unicode domains must be given
//     in their xn-- form; IP literals ("[1.2.3.4]") are refused.
// Fails, with a message naming the problem, on anything else (including an empty
// or blank input).
std::optional<std::string> normalize_email(std::string_view raw, std::string* why);

// Returns the number in E.164 form ("+33612345678"), if it is a valid number for
// libphonenumber (PhoneNumberUtil::IsValidNumber, not just "possible").
// `default_region` (ISO 3166 code, "FR" in practice, any case) is used for numbers
// written without an international prefix: "06 12 34 56 78", "06.12.34.56.78",
// "(0)6 12 34 56 78", "0033612345678", "+33 (0)6 12 34 56 78" all give
// "+33612345678". An extension ("01 23 45 67 89 ext. 12") is dropped.
// Valid French numbers in the usual layouts take a fast path (~0.2 µs instead of
// ~17 µs for libphonenumber's Parse + IsValidNumber) that applies the validity
// patterns of libphonenumber's own metadata; everything else, refusals included,
// goes through libphonenumber.
// Fails with "numéro de téléphone invalide…" (plus the reason when known: too short,
// too long, unknown country code, not a number) or "numéro de téléphone vide".
std::optional<std::string> normalize_phone(std::string_view raw, std::string_view default_region, std::string* why);

}  // namespace mimicom
