// The contract and the code agree: every route is documented and every documented route exists.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "api/http.hpp"
#include "api/openapi.hpp"

namespace mimicom::api {

TEST(OpenApi, EveryRouteIsInTheContract) {
  const auto& doc = openapi_document();
  ASSERT_TRUE(doc.contains("paths"));
  for (const auto& r : all_routes()) {
    std::string method = r.method;
    std::transform(method.begin(), method.end(), method.begin(), ::tolower);
    ASSERT_TRUE(doc["paths"].contains(r.path)) << r.method << " " << r.path << " is missing from api/openapi.yaml";
    EXPECT_TRUE(doc["paths"][r.path].contains(method)) << r.method << " " << r.path << " is missing";
  }
}

TEST(OpenApi, EveryDocumentedRouteExists) {
  std::set<std::string> routes;
  for (const auto& r : all_routes()) {
    std::string method = r.method;
    std::transform(method.begin(), method.end(), method.begin(), ::tolower);
    routes.insert(method + " " + r.path);
  }
  for (const auto& [path, item] : openapi_document()["paths"].items()) {
    for (const auto& [method, op] : item.items()) {
      if (method != "parameters" && method != "summary" && method != "description") {
        EXPECT_TRUE(routes.contains(method + " " + path)) << method << " " << path << " is documented but not served";
      }
    }
  }
}

TEST(OpenApi, PublicRoutesAreMarkedPublic) {
  const auto& doc = openapi_document();
  for (const auto& r : all_routes()) {
    std::string method = r.method;
    std::transform(method.begin(), method.end(), method.begin(), ::tolower);
    const auto& op = doc["paths"][r.path][method];
    bool documented_public = op.contains("security") && op["security"].empty();
    EXPECT_EQ(documented_public, r.access == Access::Public) << r.method << " " << r.path;
  }
}

}  // namespace mimicom::api
