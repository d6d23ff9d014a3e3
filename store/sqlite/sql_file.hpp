#pragma once
// Named SQL blocks, as kept in store/sqlite/queries/*.sql:
//   -- name: prospect-get
//   -- One prospect by id.
//   SELECT … ;
// A block runs from its "-- name:" line to the next one. Pure; thread-safe.
#include <map>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace mimicom {

// name → SQL text (comments kept). Invalid on a duplicate name or an empty block.
Result<std::map<std::string, std::string>> parse_named_queries(std::string_view text);

}  // namespace mimicom
