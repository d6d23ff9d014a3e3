// API tests: the real binary on a throwaway SQLite file, spoken to over HTTP.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/api/api_client.hpp"

namespace mimicom::testing {
namespace {

class Api : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new TestServer(kPassword); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static TestServer* server_;
};
TestServer* Api::server_ = nullptr;

TEST_F(Api, HealthIsPublic) {
  auto r = server_->client().Get("/api/v1/health");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(body(r)["data"]["status"], "ok");
}

TEST_F(Api, EveryPrivateRouteNeedsCredentials) {
  auto c = server_->client();
  for (const char* path : {"/api/v1/prospects", "/api/v1/prospects/1", "/api/v1/auth/me", "/api/v1/users",
                           "/api/v1/tokens", "/api/v1/prospects/facets"}) {
    auto r = c.Get(path);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 401) << path;
    EXPECT_EQ(body(r)["error"]["code"], "unauthorized") << path;
  }
  auto r = c.Get("/api/v1/prospects", {{"Authorization", "Bearer mc_not-a-token"}});
  EXPECT_EQ(r->status, 401);
  r = c.Get("/api/v1/prospects", {{"Cookie", "mimicom_session=forged"}});
  EXPECT_EQ(r->status, 401);
}

TEST_F(Api, LoginSetsAnHttpOnlySameSiteCookie) {
  auto c = server_->client();
  auto r = c.Post("/api/v1/auth/login", json{{"email", "ADMIN@mimicom.local"}, {"password", kPassword}}.dump(),
                  "application/json");
  ASSERT_EQ(r->status, 200);
  std::string cookie = r->get_header_value("Set-Cookie");
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
  EXPECT_EQ(body(r)["data"]["user"]["role"], "admin");
  EXPECT_FALSE(body(r)["data"]["user"].contains("password_hash"));
  EXPECT_FALSE(body(r)["data"]["csrf_token"].get<std::string>().empty());
}

TEST_F(Api, StateChangesWithACookieNeedTheCsrfToken) {
  Session s = login(*server_);
  auto r = s.http.Post("/api/v1/prospects", s.headers(false), json{{"email", "csrf@acme.fr"}}.dump(),
                       "application/json");
  EXPECT_EQ(r->status, 403);
  httplib::Headers wrong = {{"Cookie", s.cookie}, {"X-CSRF-Token", "wrong"}};
  r = s.http.Post("/api/v1/prospects", wrong, json{{"email", "csrf@acme.fr"}}.dump(), "application/json");
  EXPECT_EQ(r->status, 403);
  r = s.post("/api/v1/prospects", {{"email", "csrf@acme.fr"}});
  EXPECT_EQ(r->status, 201);
  auto me = s.get("/api/v1/auth/me");
  EXPECT_EQ(body(me)["data"]["csrf_token"], s.csrf) << "the UI can recover its token after a reload";
}

TEST_F(Api, LogoutEndsTheSession) {
  Session s = login(*server_);
  EXPECT_EQ(s.post("/api/v1/auth/logout", json::object())->status, 200);
  EXPECT_EQ(s.get("/api/v1/auth/me")->status, 401);
}

TEST_F(Api, RepeatedFailedLoginsAreSlowedDownForThatAddressOnly) {
  httplib::Client attacker("127.0.0.1", server_->port());
  attacker.set_interface("127.0.0.2");  // another loopback address: another client
  int last = 0;
  std::string retry;
  for (int i = 0; i < 8 && last != 429; ++i) {
    auto r = attacker.Post("/api/v1/auth/login", json{{"email", kAdmin}, {"password", "mauvais-mot"}}.dump(),
                           "application/json");
    ASSERT_TRUE(r) << "connecting from 127.0.0.2";
    last = r->status;
    retry = r->get_header_value("Retry-After");
  }
  EXPECT_EQ(last, 429);
  EXPECT_GE(std::stoi(retry), 1);
  // Even the right password waits, from that address…
  auto r = attacker.Post("/api/v1/auth/login", json{{"email", kAdmin}, {"password", kPassword}}.dump(),
                         "application/json");
  EXPECT_EQ(r->status, 429);
  // …but the real user, elsewhere, is not locked out.
  EXPECT_NO_THROW(login(*server_));
}

TEST_F(Api, CreateValidatesEveryFieldAtOnce) {
  Session s = login(*server_);
  auto r = s.post("/api/v1/prospects", {{"email", "pas un email"},
                                        {"phone", "123"},
                                        {"status", "gagné"},
                                        {"employees", -3},
                                        {"tags", json::array({1, 2})},
                                        {"inconnu", "x"}});
  ASSERT_EQ(r->status, 422);
  EXPECT_EQ(body(r)["error"]["code"], "validation_error");
  EXPECT_EQ(error_fields(r), (std::set<std::string>{"tags"})) << "JSON type errors come first";
  r = s.post("/api/v1/prospects",
             {{"email", "pas un email"}, {"phone", "123"}, {"status", "gagné"}, {"employees", -3}, {"inconnu", "x"}});
  ASSERT_EQ(r->status, 422);
  EXPECT_EQ(error_fields(r), (std::set<std::string>{"email", "phone", "status", "employees", "inconnu"}));
  r = s.post("/api/v1/prospects", {{"first_name", "Sans Contact"}});
  EXPECT_EQ(error_fields(r), (std::set<std::string>{"email", "phone"}));
  auto list = s.get("/api/v1/prospects?q=Sans%20Contact");
  EXPECT_EQ(body(list)["meta"]["total"], 0) << "nothing was written";
}

TEST_F(Api, MalformedBodiesAreBadRequests) {
  Session s = login(*server_);
  auto r = s.http.Post("/api/v1/prospects", s.headers(), "{not json", "application/json");
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(body(r)["error"]["code"], "bad_request");
  r = s.http.Post("/api/v1/prospects", s.headers(), "[1,2]", "application/json");
  EXPECT_EQ(r->status, 400);
  std::string deep(200, '[');
  deep += std::string(200, ']');
  r = s.http.Post("/api/v1/prospects", s.headers(), "{\"a\":" + deep + "}", "application/json");
  EXPECT_EQ(r->status, 400);
}

TEST_F(Api, TheSameEmailInAnotherCaseOrSpacingIsOneProspect) {
  Session s = login(*server_);
  auto r = s.post("/api/v1/prospects", {{"email", "Jean.Dupont@Exemple.FR"}, {"first_name", "Jean"}});
  ASSERT_EQ(r->status, 201);
  EXPECT_EQ(body(r)["data"]["email"], "jean.dupont@exemple.fr");
  r = s.post("/api/v1/prospects", {{"email", "  jean.dupont@exemple.fr "}});
  EXPECT_EQ(r->status, 409);
  EXPECT_EQ(error_fields(r), (std::set<std::string>{"email"}));
}

TEST_F(Api, ProspectLifecycle) {
  Session s = login(*server_);
  auto r = s.post("/api/v1/prospects", {{"first_name", "Anaïs"},
                                        {"last_name", "Lefèvre"},
                                        {"email", "anais.lefevre@boulangerie-lyon.fr"},
                                        {"phone", "04 78 12 34 56"},
                                        {"company", "Boulangerie Lefèvre"},
                                        {"sector", "Commerce de détail"},
                                        {"city", "Lyon"},
                                        {"company_size", "10-49"},
                                        {"annual_revenue", 1200000.5},
                                        {"tags", {"salon-2026", "prioritaire"}},
                                        {"custom_fields", {{"siret", "12345678900012"}}}});
  ASSERT_EQ(r->status, 201) << r->body;
  json p = body(r)["data"];
  EXPECT_EQ(p["phone"], "+33478123456");
  EXPECT_EQ(p["owner"], kAdmin) << "new prospects belong to their creator";
  EXPECT_EQ(p["tags"], json({"prioritaire", "salon-2026"}));
  EXPECT_EQ(p["status"], "new");
  std::string id = std::to_string(p["id"].get<long long>());

  r = s.get("/api/v1/prospects?q=lefevre&sector=Commerce%20de%20d%C3%A9tail");
  ASSERT_EQ(r->status, 200);
  EXPECT_EQ(body(r)["meta"]["total"], 1);
  EXPECT_EQ(body(r)["data"][0]["id"], p["id"]);

  r = s.patch("/api/v1/prospects/" + id, {{"status", "qualified"}, {"company", "Lefèvre & Fils"}, {"phone", nullptr}});
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(body(r)["data"]["status"], "qualified");
  EXPECT_EQ(body(r)["data"]["phone"], nullptr);
  EXPECT_EQ(body(r)["data"]["city"], "Lyon") << "fields not sent stay as they were";
  r = s.patch("/api/v1/prospects/" + id, {{"email", nullptr}});
  EXPECT_EQ(r->status, 422) << "the last way to reach the prospect cannot be removed";

  r = s.get("/api/v1/prospects/" + id);
  EXPECT_EQ(body(r)["data"]["company"], "Lefèvre & Fils");

  EXPECT_EQ(s.del("/api/v1/prospects/" + id)->status, 204);
  EXPECT_EQ(s.get("/api/v1/prospects/" + id)->status, 404);
  EXPECT_EQ(s.del("/api/v1/prospects/" + id)->status, 404);
  EXPECT_EQ(s.get("/api/v1/prospects/99999999999999999999999")->status, 404) << "an id past 64 bits is not a 500";
}

TEST_F(Api, ListPagesSortsAndRefusesBadParameters) {
  Session s = login(*server_);
  for (int i = 0; i < 12; ++i)
    ASSERT_EQ(s.post("/api/v1/prospects", {{"email", "liste" + std::to_string(i) + "@tri.fr"},
                                           {"company", "Tri " + std::string(1, char('A' + i))},
                                           {"sector", "Tri-Secteur"}})
                  ->status,
              201);
  auto r = s.get("/api/v1/prospects?sector=Tri-Secteur&sort=company&per_page=5&page=2");
  ASSERT_EQ(r->status, 200);
  json b = body(r);
  EXPECT_EQ(b["meta"]["total"], 12);
  EXPECT_EQ(b["meta"]["page"], 2);
  ASSERT_EQ(b["data"].size(), 5u);
  EXPECT_EQ(b["data"][0]["company"], "Tri F");
  r = s.get("/api/v1/prospects?sector=Tri-Secteur&sort=-company&per_page=1");
  EXPECT_EQ(body(r)["data"][0]["company"], "Tri L");
  EXPECT_EQ(s.get("/api/v1/prospects?per_page=501")->status, 422);
  EXPECT_EQ(s.get("/api/v1/prospects?sort=password")->status, 422);
  EXPECT_EQ(s.get("/api/v1/prospects?couleur=bleu")->status, 422);
  auto facets = body(s.get("/api/v1/prospects/facets"))["data"];
  bool found = false;
  for (const auto& v : facets["sector"]) found |= v["value"] == "Tri-Secteur" && v["count"] == 12;
  EXPECT_TRUE(found);
}

TEST_F(Api, BulkActionsOnIdsAndOnAFilter) {
  Session s = login(*server_);
  std::vector<long long> ids;
  for (int i = 0; i < 6; ++i)
    ids.push_back(body(s.post("/api/v1/prospects", {{"email", "bulk" + std::to_string(i) + "@lot.fr"},
                                                    {"sector", "Lot"}}))["data"]["id"]);
  auto r = s.post("/api/v1/prospects/bulk", {{"filter", {{"sector", "Lot"}}}, {"action", "set_status"},
                                             {"value", "contacted"}});
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(body(r)["data"]["affected"], 6);
  r = s.post("/api/v1/prospects/bulk", {{"ids", {ids[0], ids[1]}}, {"action", "add_tag"}, {"value", "relance"}});
  EXPECT_EQ(body(r)["data"]["affected"], 2);
  EXPECT_EQ(body(s.get("/api/v1/prospects?tags=relance&sector=Lot"))["meta"]["total"], 2);
  r = s.post("/api/v1/prospects/bulk", {{"filter", {{"tags", "relance"}}}, {"action", "delete"}});
  EXPECT_EQ(body(r)["data"]["affected"], 2);
  EXPECT_EQ(body(s.get("/api/v1/prospects?sector=Lot&status=contacted"))["meta"]["total"], 4);
  EXPECT_EQ(s.post("/api/v1/prospects/bulk", {{"filter", json::object()}, {"action", "delete"}})->status, 422)
      << "an empty filter would delete everything";
  EXPECT_EQ(s.post("/api/v1/prospects/bulk", {{"ids", {ids[2]}}, {"action", "explode"}})->status, 422);
}

TEST_F(Api, MembersWorkWithProspectsButCannotManageUsers) {
  Session admin = login(*server_);
  auto r = admin.post("/api/v1/users", {{"email", "vendeur@mimicom.local"}, {"password", "un-long-mot-de-passe"},
                                        {"role", "member"}});
  ASSERT_EQ(r->status, 201) << r->body;
  EXPECT_EQ(admin.post("/api/v1/users", {{"email", "x@y.fr"}, {"password", "court"}})->status, 422);
  Session member = login(*server_, "vendeur@mimicom.local", "un-long-mot-de-passe");
  EXPECT_EQ(member.get("/api/v1/users")->status, 403);
  EXPECT_EQ(member.post("/api/v1/users", {{"email", "z@y.fr"}, {"password", "un-long-mot-de-passe"}})->status, 403);
  EXPECT_EQ(member.get("/api/v1/prospects")->status, 200);
  EXPECT_EQ(admin.get("/api/v1/users")->status, 200);
}

TEST_F(Api, ApiTokensWorkWithoutCsrfAndCanBeRevoked) {
  Session s = login(*server_);
  auto r = s.post("/api/v1/tokens", {{"name", "script d'import"}});
  ASSERT_EQ(r->status, 201);
  std::string token = body(r)["data"]["token"];
  long long id = body(r)["data"]["id"];
  auto c = server_->client();
  httplib::Headers bearer = {{"Authorization", "Bearer " + token}};
  r = c.Post("/api/v1/prospects", bearer, json{{"email", "script@acme.fr"}}.dump(), "application/json");
  EXPECT_EQ(r->status, 201);
  auto list = body(s.get("/api/v1/tokens"))["data"];
  for (const auto& t : list) EXPECT_FALSE(t.contains("token")) << "a token is shown once";
  EXPECT_EQ(s.del("/api/v1/tokens/" + std::to_string(id))->status, 204);
  EXPECT_EQ(c.Get("/api/v1/prospects", bearer)->status, 401);
}

TEST_F(Api, CliCreatesUsersAndTokens) {
  std::string out;
  ASSERT_EQ(server_->run_cli({"user", "add", "cli@mimicom.local", "--role", "member", "--password-stdin"}, &out,
                             "mot-de-passe-cli\n"),
            0)
      << out;
  EXPECT_NO_THROW(login(*server_, "cli@mimicom.local", "mot-de-passe-cli"));
  EXPECT_NE(server_->run_cli({"user", "add", "cli@mimicom.local", "--password-stdin"}, &out, "mot-de-passe-cli\n"),
            0);
  ASSERT_EQ(server_->run_cli({"token", "create", "--user", "cli@mimicom.local"}, &out), 0) << out;
  std::string token = out.substr(0, out.find('\n'));
  EXPECT_EQ(server_->client().Get("/api/v1/auth/me", {{"Authorization", "Bearer " + token}})->status, 200);
}

TEST_F(Api, DemoDataIsDeterministicTaggedAndSearchable) {
  Session s = login(*server_);
  auto total = [&](const std::string& query) {
    return body(s.get("/api/v1/prospects?per_page=1" + query))["meta"]["total"].get<long long>();
  };
  long long before = total("");
  std::string out;
  ASSERT_EQ(server_->run_cli({"demo-data", "--count", "500", "--seed", "7"}, &out), 0) << out;
  long long demo = total("&tags=d%C3%A9mo");
  EXPECT_GE(demo, 490) << "a few generated phone-only prospects may repeat a phone";
  EXPECT_EQ(total(""), before + demo) << "every demo prospect carries the demo tag";
  EXPECT_GT(total("&q=boulangerie") + total("&q=conseil") + total("&q=directeur"), 0);
  ASSERT_EQ(server_->run_cli({"demo-data", "--count", "500", "--seed", "7"}, &out), 0) << out;
  EXPECT_EQ(total("&tags=d%C3%A9mo"), demo) << "the same seed gives the same prospects, not inserted twice";
}

TEST_F(Api, UnknownRoutesAnswerJson) {
  Session s = login(*server_);
  auto r = s.get("/api/v1/nope");
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(body(r)["error"]["code"], "not_found");
}

TEST_F(Api, OpenApiDocumentIsServed) {
  auto r = server_->client().Get("/api/v1/openapi.json");
  ASSERT_EQ(r->status, 200);
  json doc = body(r);
  EXPECT_TRUE(doc.contains("openapi"));
  EXPECT_TRUE(doc["paths"].contains("/prospects"));
}

TEST(ApiUi, ServesTheUiAndFallsBackToIndexForItsRoutes) {
  auto ui = std::filesystem::temp_directory_path() / ("mimicom-ui-" + std::to_string(::getpid()));
  std::filesystem::create_directories(ui / "assets");
  std::ofstream(ui / "index.html") << "<!doctype html><title>MimiCom</title>";
  std::ofstream(ui / "assets/app.js") << "console.log(1)";
  {
    TestServer server(kPassword, ui.string());
    auto c = server.client();
    auto r = c.Get("/prospects?sector=BTP");
    ASSERT_EQ(r->status, 200);
    EXPECT_NE(r->body.find("MimiCom"), std::string::npos);
    EXPECT_FALSE(r->get_header_value("Content-Security-Policy").empty());
    EXPECT_EQ(r->get_header_value("X-Content-Type-Options"), "nosniff");
    r = c.Get("/assets/app.js");
    EXPECT_EQ(r->body, "console.log(1)");
    r = c.Get("/api/v1/unknown");
    EXPECT_EQ(r->status, 404) << "API paths never fall back to the UI";
    r = c.Get("/../../etc/passwd");
    EXPECT_TRUE(r->body.find("root:") == std::string::npos);
  }
  std::filesystem::remove_all(ui);
}

}  // namespace
}  // namespace mimicom::testing
