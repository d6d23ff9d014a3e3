// Exports through the HTTP API of the real binary: creation and validation, download with a
// safe file name, an export that imports back to the same prospects, permissions, expiry,
// and an export killed midway (kill -9) that never offers a partial file.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <regex>

#include "tests/api/api_client.hpp"

namespace mimicom::testing {
namespace {

namespace fs = std::filesystem;

constexpr const char* kFile =
    "Prénom;Nom;Société;E-mail;Téléphone;Ville;Salariés;CA;Étiquettes;Notes;Couleur\r\n"
    "Élodie;Martin;Acme;elodie@acme.fr;06 12 34 56 78;Lyon;120;1500000;salon,vip;\"dit \"\"oui\"\"; à rappeler\";bleu\r\n"
    "Jean;Dupont;\"Dupont, fils & Cie\";jean@dupont.fr;;Paris;;;;\"ligne 1\nligne 2\";\r\n"
    "Zoé;N'Guyen;=HYPERLINK(\"http://x\");zoe@exemple.fr;+33 7 00 00 00 01;Nice;3;;web;;vert\r\n";

void import_file(Session& s, const std::string& bytes) {
  json imp = body(upload(s, bytes, "clients.csv"))["data"];
  auto started = s.post("/api/v1/imports/" + std::to_string(imp["id"].get<long long>()) + "/start", json::object());
  if (!started || started->status != 202) throw std::runtime_error(started ? started->body : "no answer");
  json end = wait_job_end(s, body(started)["data"]["job_id"]);
  if (end["state"] != "succeeded") throw std::runtime_error(end.dump());
}

// Creates an export and waits for its job; returns the export as GET /exports/{id} shows it.
json export_and_wait(Session& s, const json& request) {
  auto r = s.post("/api/v1/exports", request);
  if (!r || r->status != 202) throw std::runtime_error(r ? r->body : "no answer");
  json data = body(r)["data"];
  wait_job_end(s, data["job"]["id"]);
  return body(s.get("/api/v1/exports/" + std::to_string(data["export"]["id"].get<long long>())))["data"];
}

std::string path_of(const json& e) { return "/api/v1/exports/" + std::to_string(e["id"].get<long long>()); }

// Every prospect without what a store gives (id, dates), in e-mail order.
json prospects_compared(Session& s) {
  json items = body(s.get("/api/v1/prospects?per_page=500&sort=email"))["data"];
  for (auto& p : items)
    for (const char* k : {"id", "created_at", "updated_at"}) p.erase(k);
  return items;
}

class ExportApi : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new TestServer(kPassword);
    auto s = login(*server_);
    import_file(s, kFile);
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static TestServer* server_;
};
TestServer* ExportApi::server_ = nullptr;

TEST_F(ExportApi, CsvExportDownloadsUnderASafeNameWithBomSeparatorAndNeutralisedFormulas) {
  auto s = login(*server_);
  auto r = s.post("/api/v1/exports", {{"format", "csv"}, {"bom", true}, {"separator", ";"},
                                       {"columns", {"email", "phone", "company", "employees", "tags", "custom:Couleur"}},
                                       {"filter", {{"city", {"Lyon", "Nice"}}}}});
  ASSERT_EQ(r->status, 202) << r->body;
  json data = body(r)["data"];
  EXPECT_EQ(data["job"]["type"], "export");
  EXPECT_EQ(data["job"]["export_id"], data["export"]["id"]);
  EXPECT_EQ(data["export"]["filter"], json({{"city", "Lyon,Nice"}}));
  wait_job_end(s, data["job"]["id"]);
  json e = body(s.get(path_of(data["export"])))["data"];
  EXPECT_EQ(e["state"], "ready");
  EXPECT_EQ(e["rows"], 2);
  EXPECT_EQ(e["download_url"], path_of(e) + "/download");

  auto file = s.get(path_of(e) + "/download");
  ASSERT_EQ(file->status, 200) << file->body;
  std::string disposition = file->get_header_value("Content-Disposition");
  EXPECT_TRUE(std::regex_match(disposition, std::regex(R"(attachment; filename="prospects-\d{4}-\d{2}-\d{2}-)" +
                                                       std::to_string(e["id"].get<long long>()) + R"(\.csv")")))
      << disposition;
  EXPECT_EQ(file->body,
            "\xEF\xBB\xBF"
            "email;phone;company;employees;tags;custom:Couleur\r\n"
            "elodie@acme.fr;+33612345678;Acme;120;salon,vip;bleu\r\n"
            "zoe@exemple.fr;+33700000001;\"'=HYPERLINK(\"\"http://x\"\")\";3;web;vert\r\n");
}

TEST_F(ExportApi, JsonLinesAndXlsxOfASelection) {
  auto s = login(*server_);
  json ids = json::array();
  json paris = body(s.get("/api/v1/prospects?city=Paris"));
  for (const auto& p : paris["data"]) ids.push_back(p["id"]);
  ASSERT_EQ(ids.size(), 1u);
  json e = export_and_wait(s, {{"format", "jsonl"}, {"ids", ids}, {"columns", {"email", "notes", "tags"}}});
  ASSERT_EQ(e["state"], "ready") << e.dump();
  auto file = s.get(path_of(e) + "/download");
  ASSERT_EQ(file->status, 200);
  EXPECT_EQ(file->body, "{\"email\":\"jean@dupont.fr\",\"notes\":\"ligne 1\\nligne 2\",\"tags\":[]}\n");

  json x = export_and_wait(s, {{"format", "xlsx"}});
  ASSERT_EQ(x["state"], "ready") << x.dump();
  EXPECT_EQ(x["rows"], 3);
  auto book = s.get(path_of(x) + "/download");
  ASSERT_EQ(book->status, 200);
  EXPECT_EQ(book->get_header_value("Content-Type"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  EXPECT_EQ(book->body.substr(0, 2), "PK");  // a zip
}

TEST_F(ExportApi, BadRequestsReportEveryField) {
  auto s = login(*server_);
  auto r = s.post("/api/v1/exports", {{"format", "pdf"},
                                       {"columns", {"email", "emial"}},
                                       {"filter", {{"statut", "new"}}},
                                       {"separator", "|"},
                                       {"extra", 1}});
  ASSERT_EQ(r->status, 422) << r->body;
  EXPECT_EQ(error_fields(r), (std::set<std::string>{"format", "columns", "filter.statut", "separator", "extra"}));
  r = s.post("/api/v1/exports", {{"format", "xlsx"}, {"bom", true}});
  EXPECT_EQ(r->status, 422);
  EXPECT_EQ(error_fields(r), (std::set<std::string>{"bom"}));
  EXPECT_EQ(s.get("/api/v1/exports/999999")->status, 404);
  EXPECT_EQ(s.get("/api/v1/exports/999999/download")->status, 404);
}

// A cell neutralised against formulas comes back with its apostrophe (the import stores what
// the file holds): the round trip is exact for every other value.
TEST_F(ExportApi, AnExportImportsBackToTheSameProspects) {
  auto s = login(*server_);
  // Every column (the defaults plus the custom field), every prospect but the formula one.
  json all = export_and_wait(s, {{"format", "csv"}, {"filter", {{"city", "Lyon,Paris"}}}, {"columns", {"id", "first_name", "last_name", "email", "phone",
                                                                 "company", "job_title", "sector", "city", "postal_code",
                                                                 "region", "country", "company_size", "employees",
                                                                 "annual_revenue", "source", "status", "owner", "notes",
                                                                 "tags", "opted_out", "created_at", "updated_at",
                                                                 "last_contact_at", "custom:Couleur"}}});
  std::string full = s.get(path_of(all) + "/download")->body;

  TestServer other(kPassword);
  auto o = login(other);
  import_file(o, full);
  json expected = prospects_compared(s);
  expected.erase(std::remove_if(expected.begin(), expected.end(), [](const json& p) { return p["city"] == "Nice"; }),
                 expected.end());
  ASSERT_EQ(expected.size(), 2u);
  EXPECT_EQ(prospects_compared(o), expected);

  // The default columns alone import back too (id and dates are left out by the import).
  json e = export_and_wait(s, {{"format", "csv"}, {"filter", {{"city", "Lyon,Paris"}}}});
  TestServer third(kPassword);
  auto t = login(third);
  import_file(t, s.get(path_of(e) + "/download")->body);
  for (auto& p : expected) p["custom_fields"] = json::object();
  EXPECT_EQ(prospects_compared(t), expected);
}

TEST_F(ExportApi, MembersSeeOnlyTheirOwnExports) {
  auto admin = login(*server_);
  ASSERT_EQ(server_->run_cli({"user", "add", "eve@mimicom.local", "--password-stdin"}, nullptr, "mot-de-passe-eve\n"), 0);
  auto eve = login(*server_, "eve@mimicom.local", "mot-de-passe-eve");
  json e = export_and_wait(admin, {{"format", "csv"}});
  EXPECT_EQ(eve.get(path_of(e))->status, 404);
  EXPECT_EQ(eve.get(path_of(e) + "/download")->status, 404);
  EXPECT_EQ(body(eve.get("/api/v1/exports"))["data"].size(), 0u);
  json mine = export_and_wait(eve, {{"format", "jsonl"}});
  EXPECT_EQ(eve.get(path_of(mine) + "/download")->status, 200);
  EXPECT_EQ(body(eve.get("/api/v1/exports"))["data"].size(), 1u);
  EXPECT_EQ(admin.get(path_of(mine) + "/download")->status, 200) << "an admin sees every export";
  EXPECT_EQ(server_->client().Get("/api/v1/exports")->status, 401);
}

// A server without workers: the export stays queued, so "not ready yet" is seen for sure.
TEST(ExportsWithoutWorkers, NotDownloadableBeforeItsJobSucceeded) {
  TestServer server(kPassword, "", {}, {"--no-worker"});
  auto s = login(server);
  auto r = s.post("/api/v1/exports", {{"format", "csv"}});
  ASSERT_EQ(r->status, 202);
  json e = body(r)["data"]["export"];
  EXPECT_EQ(e["state"], "queued");
  EXPECT_TRUE(e["download_url"].is_null());
  EXPECT_EQ(s.get(path_of(e) + "/download")->status, 409);
  ASSERT_EQ(s.post("/api/v1/jobs/" + std::to_string(body(r)["data"]["job"]["id"].get<long long>()) + "/cancel",
                   json::object())->status, 200);
  EXPECT_EQ(body(s.get(path_of(e)))["data"]["state"], "cancelled");
  EXPECT_EQ(s.get(path_of(e) + "/download")->status, 409);
}

TEST(ExportExpiry, AnExpiredFileIsNotDownloadableAndTheSweepDeletesIt) {
  TestServer server(kPassword, "", {"MIMICOM_EXPORT_TTL_HOURS=0"});
  auto s = login(server);
  import_file(s, kFile);
  json e = export_and_wait(s, {{"format", "csv"}});
  EXPECT_EQ(e["state"], "expired");  // a time to live of 0: expired as soon as written
  EXPECT_EQ(s.get(path_of(e) + "/download")->status, 410);
  fs::path dir = server.data_dir() / "exports";
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1) << "not swept yet";
  server.restart();  // the sweep runs at start-up
  auto again = login(server);
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 0);
  EXPECT_EQ(body(again.get(path_of(e)))["data"]["state"], "expired");
  EXPECT_EQ(again.get(path_of(e) + "/download")->status, 410);
}

TEST(ExportCrash, KilledMidwayItNeverOffersAPartialFileAndRestartsWhole) {
  TestServer server(kPassword, "", {"MIMICOM_EXPORT_CHUNK_ROWS=20", "MIMICOM_JOB_LEASE_MS=1000"});
  ASSERT_EQ(server.run_cli({"demo-data", "--count", "40000"}), 0);
  auto s = std::make_unique<Session>(login(server));
  long long total = body(s->get("/api/v1/prospects?per_page=1"))["meta"]["total"];
  auto r = s->post("/api/v1/exports", {{"format", "csv"}, {"columns", {"id", "email"}}});
  ASSERT_EQ(r->status, 202);
  json e = body(r)["data"]["export"];
  long long job_id = body(r)["data"]["job"]["id"];
  json j = follow_job(*s, job_id, [](const json& job) {
    return job["state"] == "running" && job["progress"]["done"].get<long long>() > 0;
  });
  ASSERT_EQ(j["state"], "running") << "the export ended before it could be killed: more prospects needed";
  server.kill_hard();
  fs::path dir = server.data_dir() / "exports";
  std::string final_name = "export-" + std::to_string(e["id"].get<long long>()) + ".csv";
  EXPECT_FALSE(fs::exists(dir / final_name)) << "a partial file under the final name";

  server.restart();
  s = std::make_unique<Session>(login(server));
  json end = wait_job_end(*s, job_id);
  ASSERT_EQ(end["state"], "succeeded") << end.dump();
  EXPECT_GE(end["attempt"].get<int>(), 2);
  auto file = s->get(path_of(e) + "/download");
  ASSERT_EQ(file->status, 200);
  EXPECT_EQ(std::count(file->body.begin(), file->body.end(), '\n'), total + 1) << "header + every prospect, once";
  std::vector<std::string> left;
  for (const auto& f : fs::directory_iterator(dir)) left.push_back(f.path().filename().string());
  EXPECT_EQ(left, std::vector<std::string>{final_name}) << "no temporary file left";
}

}  // namespace
}  // namespace mimicom::testing
