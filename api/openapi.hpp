#pragma once
// The API contract (api/openapi.yaml, embedded in the binary) as JSON.
#include <nlohmann/json.hpp>

namespace mimicom::api {

// Parsed once; throws std::runtime_error when the embedded YAML is broken (a build bug).
const nlohmann::json& openapi_document();

}  // namespace mimicom::api
