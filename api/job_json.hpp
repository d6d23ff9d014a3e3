#pragma once
// Jobs in JSON, the API's form of them.
#include "api/http.hpp"
#include "core/models/job.hpp"

namespace mimicom::api {

// "2026-11-25T08:00:00.123Z"
std::string iso_ms(long long unix_ms);

json job_to_json(const Job& j);
json job_log_to_json(const JobLog& l);

}  // namespace mimicom::api
