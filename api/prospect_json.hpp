#pragma once
// Prospects in and out of JSON, the API's form of them.
#include "api/http.hpp"
#include "core/prospects.hpp"

namespace mimicom::api {

json prospect_to_json(const Prospect& p);

// A JSON object of fields to a ProspectInput; 422 with every field of a wrong JSON type.
Result<ProspectInput> prospect_input_from_json(const json& body);

}  // namespace mimicom::api
