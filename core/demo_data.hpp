// Deterministic generator of realistic French B2B prospects, for
// `mimicom demo-data --count N --seed S`, for benchmarks and for tests.
//
// "Deterministic" means: for a given seed, the i-th call to next() returns the same
// prospect on every machine, compiler and standard library (own PRNG, integer maths,
// no std::*_distribution, no clock). Generation runs at ~1-2 million prospects/s.
//
// Safety note: company domains are invented but plausible (".fr", ".com"), and some
// addresses use real webmail domains (gmail.com, orange.fr…). They look real on
// purpose, so mail must never be sent to demo prospects: whoever stores them has to
// mark them as demo data (nothing in a DemoProspect tells it apart from a real one).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mimicom {

// One generated prospect: plain values. An empty string, an empty vector or
// std::nullopt means "missing" (real files have holes, demo data too).
// Guarantees: every prospect has an email or a phone; a present email passes
// normalize_email unchanged and is unique within one generator's run; a present
// phone passes normalize_phone(…, "FR") and is written the way French people write
// it ("06 12 34 56 78", "+33 1 42 …", "04.78.…"); when both are present,
// company_size is the bucket ("1-9", "10-49", "50-249", "250-999", "1000+") that
// contains employees; city, postal_code and region agree; last_contact_at_unix is
// set exactly when status is not "new" and lies between created_at_unix and
// DemoDataGenerator::kEpochUnix.
struct DemoProspect {
  std::string first_name, last_name, email, phone, company, job_title, sector, city, postal_code, region, country,
      company_size, source, status, owner, notes;
  std::optional<long long> employees;
  std::optional<double> annual_revenue;  // euros, whole thousands
  std::vector<std::string> tags;
  std::vector<std::pair<std::string, std::string>> custom_fields;
  long long created_at_unix = 0;
  std::optional<long long> last_contact_at_unix;
};

// Not thread-safe: one generator per thread (give each its own seed, or the same
// seed if identical streams are wanted).
// Memory grows by ~16 bytes per generated email (the set that keeps them unique):
// ~32 MB after 2,000,000 prospects.
class DemoDataGenerator {
 public:
  // Dates are spread over the two years before this fixed instant
  // (2026-01-01T00:00:00Z), never relative to the clock.
  static constexpr long long kEpochUnix = 1767225600;

  explicit DemoDataGenerator(uint64_t seed);
  ~DemoDataGenerator();
  DemoDataGenerator(DemoDataGenerator&&) noexcept;
  DemoDataGenerator& operator=(DemoDataGenerator&&) noexcept;

  // The next prospect of this seed's sequence. Never fails.
  DemoProspect next();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace mimicom
