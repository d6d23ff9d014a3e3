#pragma once
// Writing JSON text straight into a string, for the hot paths (prospect lists): building a
// nlohmann::json tree first costs an allocation per value and dominated the list's CPU time.
#include <string>
#include <string_view>

namespace mimicom::api {

// Appends `s` as a JSON string literal. Invalid UTF-8 bytes become U+FFFD, so the output is
// always valid JSON whatever is stored.
void append_json_string(std::string& out, std::string_view s);

void append_json_number(std::string& out, long long v);
void append_json_number(std::string& out, double v);

}  // namespace mimicom::api
