// Segmentation through the HTTP API of the real binary: a run finds the planted segments and
// the prospects list, KPIs and exports filter on them; renaming, applying, deleting;
// validation, permissions; and a run killed midway (kill -9) that finishes with the segments
// of an uninterrupted run.
#include <gtest/gtest.h>

#include <map>

#include "tests/api/api_client.hpp"

namespace mimicom::testing {
namespace {

// 3 × 40 prospects: industrial companies in Lyon's region, small consultancies in Paris,
// builders in Brittany.
std::string planted_file() {
  std::string s = "E-mail;Secteur;Effectif;Région;CA;Poste\r\n";
  const char* groups[3][5] = {{"Industrie", "250 à 999 salariés", "Auvergne-Rhône-Alpes", "80000000", "Directeur d'usine"},
                              {"Conseil", "1-9", "Île-de-France", "400000", "Consultante"},
                              {"BTP", "10-49", "Bretagne", "3000000", "Conducteur de travaux"}};
  for (int i = 0; i < 120; ++i) {
    const auto& g = groups[i % 3];
    s += "p" + std::to_string(i) + "@x.fr;" + g[0] + ";" + g[1] + ";" + g[2] + ";" + g[3] + ";" + g[4] + "\r\n";
  }
  return s;
}

void import_file(Session& s, const std::string& bytes) {
  json imp = body(upload(s, bytes, "planted.csv"))["data"];
  auto started = s.post("/api/v1/imports/" + std::to_string(imp["id"].get<long long>()) + "/start", json::object());
  if (!started || started->status != 202) throw std::runtime_error(started ? started->body : "no answer");
  json end = wait_job_end(s, body(started)["data"]["job_id"]);
  if (end["state"] != "succeeded") throw std::runtime_error(end.dump());
}

std::string path_of(const json& run) { return "/api/v1/segmentations/" + std::to_string(run["id"].get<long long>()); }

// Starts a run and waits for its job; returns the run as GET /segmentations/{id} shows it.
json segment_and_wait(Session& s, const json& request) {
  auto r = s.post("/api/v1/segmentations", request);
  if (!r || r->status != 202) throw std::runtime_error(r ? r->body : "no answer");
  json run = body(r)["data"];
  wait_job_end(s, run["job"]["id"]);
  return body(s.get(path_of(run)))["data"];
}

long long total(Session& s, const std::string& path) { return body(s.get(path))["meta"]["total"]; }

const json kRequest = {{"fields", {"sector", "region", "company_size", "annual_revenue", "job_title"}}, {"k", 3}, {"seed", 1}};

class SegmentationApi : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new TestServer(kPassword);
    auto s = login(*server_);
    import_file(s, planted_file());
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static TestServer* server_;
};
TestServer* SegmentationApi::server_ = nullptr;

TEST_F(SegmentationApi, ARunFindsThePlantedSegmentsAndTheFiltersFollowThem) {
  auto s = login(*server_);
  json run = segment_and_wait(s, kRequest);
  ASSERT_EQ(run["state"], "ready") << run.dump();
  EXPECT_EQ(run["job"]["state"], "succeeded");
  EXPECT_EQ(run["k"], 3);
  EXPECT_EQ(run["rows"], 120);
  EXPECT_EQ(run["quality"], "good") << run["silhouette"];
  EXPECT_TRUE(run["applied"]);
  EXPECT_EQ(run["points"].size(), 120u);
  ASSERT_EQ(run["segments"].size(), 3u);
  std::set<std::string> names;
  for (const auto& seg : run["segments"]) {
    names.insert(seg["name"]);
    EXPECT_EQ(seg["size"], 40);
    EXPECT_EQ(seg["name"], seg["auto_name"]);
    std::string id = std::to_string(seg["id"].get<long long>());
    // The list, the KPIs and exports all read the same segment.
    EXPECT_EQ(total(s, "/api/v1/prospects?segment=" + id), 40);
    EXPECT_EQ(body(s.get("/api/v1/kpis?segment=" + id))["data"]["total"], 40);
    json first = body(s.get("/api/v1/prospects?per_page=1&segment=" + id))["data"][0];
    EXPECT_EQ(first["segment_id"], seg["id"]);
  }
  EXPECT_TRUE(names.contains("Industrie · Auvergne-Rhône-Alpes · 250–999 salariés")) << *names.begin();
  EXPECT_TRUE(names.contains("Conseil · Île-de-France · 1–9 salariés"));
  std::string two = std::to_string(run["segments"][0]["id"].get<long long>()) + "," +
                    std::to_string(run["segments"][1]["id"].get<long long>());
  EXPECT_EQ(total(s, "/api/v1/prospects?segment=" + two), 80);
  EXPECT_EQ(total(s, "/api/v1/prospects?sector=BTP&segment=" + two),
            run["segments"][0]["name"].get<std::string>().starts_with("BTP") ||
                    run["segments"][1]["name"].get<std::string>().starts_with("BTP")
                ? 40
                : 0);
  EXPECT_EQ(body(s.get(path_of(run)))["data"]["segments"], run["segments"]);

  // The list: newest first, without the points.
  json list = body(s.get("/api/v1/segmentations"));
  EXPECT_GE(list["meta"]["total"].get<int>(), 1);
  EXPECT_EQ(list["data"][0]["id"], run["id"]);
  EXPECT_FALSE(list["data"][0].contains("points"));
}

TEST_F(SegmentationApi, RenamingASegmentPersistsAndAnEmptyNameGivesTheGeneratedOneBack) {
  auto s = login(*server_);
  json run = segment_and_wait(s, kRequest);
  json seg = run["segments"][1];
  std::string path = path_of(run) + "/segments/" + std::to_string(seg["id"].get<long long>());
  auto r = s.patch(path, {{"name", "<b>Cibles</b> prioritaires"}, {"description", "À appeler en janvier"}});
  ASSERT_EQ(r->status, 200) << r->body;
  json again = body(s.get(path_of(run)))["data"]["segments"][1];
  EXPECT_EQ(again["name"], "<b>Cibles</b> prioritaires");  // stored as given: the UI shows it as text
  EXPECT_EQ(again["description"], "À appeler en janvier");
  EXPECT_EQ(again["auto_name"], seg["auto_name"]);
  // 80 characters of two bytes each are not too long; blank is the generated name.
  ASSERT_EQ(s.patch(path, {{"name", [] {
                              std::string e;
                              for (int i = 0; i < 80; ++i) e += "é";
                              return e;
                            }()}})->status,
            200);
  ASSERT_EQ(s.patch(path, {{"name", "   "}})->status, 200);
  again = body(s.get(path_of(run)))["data"]["segments"][1];
  EXPECT_EQ(again["name"], seg["auto_name"]);
  EXPECT_EQ(again["description"], "À appeler en janvier");

  auto bad = s.patch(path, {{"name", std::string(81, 'x')}, {"colour", "red"}});
  EXPECT_EQ(bad->status, 422);
  EXPECT_EQ(error_fields(bad), (std::set<std::string>{"name", "colour"}));
  EXPECT_EQ(s.patch(path_of(run) + "/segments/999999", {{"name", "x"}})->status, 404);
}

TEST_F(SegmentationApi, ApplyingAnOlderRunAndDeletingTheAppliedOne) {
  auto s = login(*server_);
  json older = segment_and_wait(s, kRequest);
  json newer = segment_and_wait(s, {{"fields", {"sector"}}, {"k", 2}});
  EXPECT_FALSE(body(s.get(path_of(older)))["data"]["applied"]);
  auto r = s.post(path_of(older) + "/apply", json::object());
  ASSERT_EQ(r->status, 202) << r->body;
  wait_job_end(s, body(r)["data"]["job"]["id"]);
  EXPECT_TRUE(body(s.get(path_of(older)))["data"]["applied"]);
  EXPECT_FALSE(body(s.get(path_of(newer)))["data"]["applied"]);
  std::string id = std::to_string(older["segments"][0]["id"].get<long long>());
  EXPECT_EQ(total(s, "/api/v1/prospects?segment=" + id), 40);

  ASSERT_EQ(s.del(path_of(older))->status, 204);
  EXPECT_EQ(s.get(path_of(older))->status, 404);
  EXPECT_EQ(total(s, "/api/v1/prospects?segment=" + id), 0);
  json p = body(s.get("/api/v1/prospects?per_page=1"))["data"][0];
  EXPECT_TRUE(p["segment_id"].is_null());
}

TEST_F(SegmentationApi, BadRequestsNameEveryField) {
  auto s = login(*server_);
  auto r = s.post("/api/v1/segmentations", {{"fields", {"sector", "pointure"}}, {"k", 40}, {"filter", {{"status", "x"}}},
                                             {"seed", "a"}, {"colour", 1}});
  ASSERT_EQ(r->status, 422);
  EXPECT_EQ(error_fields(r), (std::set<std::string>{"fields", "k", "filter.status", "seed", "colour"}));
  // A filter matching too few prospects: the job fails and says why; the run cannot be applied.
  json run = segment_and_wait(s, {{"fields", {"sector"}}, {"k", 3}, {"filter", {{"sector", "Nulle part"}}}});
  EXPECT_EQ(run["state"], "failed");
  EXPECT_NE(run["job"]["error"].get<std::string>().find("trop peu de prospects"), std::string::npos);
  EXPECT_EQ(s.post(path_of(run) + "/apply", json::object())->status, 409);
  // Unauthenticated: 401.
  auto anonymous = server_->client();
  EXPECT_EQ(anonymous.Get("/api/v1/segmentations")->status, 401);
  EXPECT_EQ(anonymous.Get("/api/v1/segmentations/features")->status, 401);
}

TEST_F(SegmentationApi, AMemberSeesOnlyTheirOwnRuns) {
  auto admin = login(*server_);
  json run = segment_and_wait(admin, kRequest);
  ASSERT_EQ(server_->run_cli({"user", "add", "marie@x.fr", "--role", "member", "--password-stdin"}, nullptr,
                             "mot-de-passe-marie\n"),
            0);
  auto marie = login(*server_, "marie@x.fr", "mot-de-passe-marie");
  EXPECT_EQ(marie.get(path_of(run))->status, 404);
  EXPECT_EQ(marie.post(path_of(run) + "/apply", json::object())->status, 404);
  EXPECT_EQ(marie.del(path_of(run))->status, 404);
  json mine = segment_and_wait(marie, {{"fields", {"sector"}}, {"k", 2}});
  json list = body(marie.get("/api/v1/segmentations"));
  EXPECT_EQ(list["meta"]["total"], 1);
  EXPECT_EQ(list["data"][0]["id"], mine["id"]);
}

TEST_F(SegmentationApi, FeaturesListsCustomNumericFields) {
  auto s = login(*server_);
  import_file(s, "E-mail;Score\r\nscore1@x.fr;12,5\r\nscore2@x.fr;7\r\n");
  json f = body(s.get("/api/v1/segmentations/features"))["data"];
  std::map<std::string, std::string> kinds;
  for (const auto& x : f) kinds[x["field"]] = x["kind"];
  EXPECT_EQ(kinds["sector"], "category");
  EXPECT_EQ(kinds["job_title"], "text");
  EXPECT_EQ(kinds["custom_fields.Score"], "number");
}

// Labels of every prospect by id order: the index of its segment in the run.
std::vector<int> labels(Session& s, const json& run) {
  std::map<long long, int> index;
  for (const auto& seg : run["segments"]) index[seg["id"]] = seg["index"];
  std::vector<int> out;
  for (int page = 1;; ++page) {
    json items = body(s.get("/api/v1/prospects?per_page=500&sort=id&page=" + std::to_string(page)))["data"];
    if (items.empty()) break;
    for (const auto& p : items) out.push_back(p["segment_id"].is_null() ? -1 : index.at(p["segment_id"]));
  }
  return out;
}

TEST(SegmentationKill, AKilledRunFinishesWithTheSegmentsOfAnUninterruptedOne) {
  const json request = {{"fields", {"sector", "region", "company_size", "annual_revenue", "job_title"}}, {"k", 4}, {"seed", 3}};
  // 60 batches with a pause after each keep the job writing long enough to be killed between
  // two of them (reading and fitting 12,000 prospects take a blink).
  std::vector<std::string> env = {"MIMICOM_SEGMENT_BATCH_ROWS=200", "MIMICOM_SEGMENT_BATCH_PAUSE_MS=50",
                                  "MIMICOM_WORKERS=1"};
  std::vector<int> reference;
  {
    TestServer server(kPassword, "", env);
    ASSERT_EQ(server.run_cli({"demo-data", "--count", "12000", "--seed", "5"}), 0);
    auto s = login(server);
    json run = segment_and_wait(s, request);
    ASSERT_EQ(run["state"], "ready");
    reference = labels(s, run);
  }
  TestServer server(kPassword, "", env);
  ASSERT_EQ(server.run_cli({"demo-data", "--count", "12000", "--seed", "5"}), 0);
  auto s = login(server);
  auto r = s.post("/api/v1/segmentations", request);
  ASSERT_EQ(r->status, 202);
  json run = body(r)["data"];
  long long job_id = run["job"]["id"];
  // Killed once the fit is saved and segment ids are being written (70 % and beyond): the
  // resumed job reads the saved model and goes on from its checkpoint into the pending
  // assignment the killed one left.
  // The stream ends by itself if the job ends first; a job still queued (a busy machine) is
  // followed until it runs.
  json seen = follow_job(s, job_id, [](const json& j) { return j["state"] == "running" && j["progress"]["done"].get<int>() > 70; });
  ASSERT_EQ(seen["state"], "running") << "the run ended before it could be killed: more prospects needed";
  server.kill_hard();
  server.restart();
  auto again = login(server);
  json end = wait_job_end(again, job_id);
  ASSERT_EQ(end["state"], "succeeded") << end.dump();
  EXPECT_GE(end["attempt"].get<int>(), 2);
  json done = body(again.get(path_of(run)))["data"];
  EXPECT_EQ(labels(again, done), reference);
}

}  // namespace
}  // namespace mimicom::testing
