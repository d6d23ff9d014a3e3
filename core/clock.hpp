#pragma once
// Time as the API and the store exchange it: unix seconds inside, ISO 8601 UTC outside.
#include <optional>
#include <string>
#include <string_view>

namespace mimicom {

long long now_unix();
// Unix milliseconds (jobs: leases, progress rates).
long long now_unix_ms();

// "2026-11-25T04:42:50Z". Thread-safe.
std::string format_iso8601(long long unix_seconds);

// Accepts "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS][Z|±HH:MM]" and a space instead of 'T'.
// nullopt when the text is not such a date or the date does not exist.
std::optional<long long> parse_iso8601(std::string_view text);

}  // namespace mimicom
