// GET /health: public liveness, with the version.
#include "api/http.hpp"

namespace mimicom::api {

void add_health_routes(std::vector<Route>& r) {
  r.push_back({"GET", "/health", Access::Public, [](Context& c) -> Result<Reply> {
                 return Reply::ok({{"status", "ok"}, {"version", c.settings.version}});
               }});
}

}  // namespace mimicom::api
