#pragma once
// A generated demo prospect (core/demo_data.hpp) through the same validation as user input.
#include "core/demo_data.hpp"
#include "core/error.hpp"
#include "core/models/prospect.hpp"

namespace mimicom {

// Every demo prospect carries this tag.
inline constexpr const char* kDemoTag = "démo";

Result<Prospect> demo_prospect(const DemoProspect& d);

}  // namespace mimicom
