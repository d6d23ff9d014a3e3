// The API contract, for the interactive docs at /docs and for client generators.
#include "api/http.hpp"
#include "api/openapi.hpp"

namespace mimicom::api {

void add_docs_routes(std::vector<Route>& r) {
  r.push_back({"GET", "/openapi.json", Access::Public, [](Context&) -> Result<Reply> {
                 return Reply{200, openapi_document(), std::nullopt, true, {}};
               }});
}

}  // namespace mimicom::api
