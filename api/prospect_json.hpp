#pragma once
// Prospects in and out of JSON, the API's form of them.
#include "api/http.hpp"
#include "core/prospects.hpp"

namespace mimicom::api {

// Appends the prospect as a JSON object (the API's shape of it).
void write_prospect_json(std::string& out, const Prospect& p);
std::string prospect_json_text(const Prospect& p);

// A JSON object of fields to a ProspectInput; 422 with every field of a wrong JSON type.
Result<ProspectInput> prospect_input_from_json(const json& body);

}  // namespace mimicom::api
