#pragma once
// Custom fields as the SQLite store keeps them: a JSON object of text values. Reading them
// runs for every prospect of every list, so the common flat form is parsed by hand.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mimicom {

using CustomFields = std::vector<std::pair<std::string, std::string>>;

std::string custom_fields_to_json(const CustomFields& fields);

// Parses {"key":"value",…}; a value that is not text is kept as its JSON text. Anything
// that is not a JSON object gives no fields. Pure; thread-safe.
CustomFields custom_fields_from_json(std::string_view text);

}  // namespace mimicom
