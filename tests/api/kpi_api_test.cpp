// The dashboard's numbers through the HTTP API of the real binary, on a known dataset made
// through the API itself (forms and a CSV import): exact values, equal to the prospects
// list's own totals for the same filters, and following every change at once.
#include <gtest/gtest.h>

#include <map>

#include "tests/api/api_client.hpp"

namespace mimicom::testing {
namespace {

std::string url_encode(const std::string& s) {
  std::string out;
  char buf[4];
  for (unsigned char ch : s) {
    if (std::isalnum(ch) || ch == '-' || ch == '_' || ch == '.') {
      out += static_cast<char>(ch);
    } else {
      std::snprintf(buf, sizeof buf, "%%%02X", ch);
      out += buf;
    }
  }
  return out;
}

class KpiApi : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new TestServer(kPassword); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static TestServer* server_;

  static json kpis(Session& s, const std::string& query = "") {
    auto r = s.get("/api/v1/kpis" + query);
    if (!r || r->status != 200) throw std::runtime_error("GET /kpis" + query + ": " + (r ? r->body : "no answer"));
    return body(r)["data"];
  }
  static long long list_total(Session& s, const std::string& query) {
    auto r = s.get("/api/v1/prospects?per_page=1&" + query);
    if (!r || r->status != 200) throw std::runtime_error("GET /prospects?" + query);
    return body(r)["meta"]["total"].get<long long>();
  }
  static long long count_in(const json& breakdown, const std::string& value) {
    for (const auto& v : breakdown["values"])
      if (v["value"] == value) return v["count"].get<long long>();
    return 0;
  }
};
TestServer* KpiApi::server_ = nullptr;

TEST_F(KpiApi, ExactNumbersOnAKnownDatasetEqualTheListsTotals) {
  Session s = login(*server_);
  json k0 = kpis(s);
  EXPECT_EQ(k0["total"], 0);
  ASSERT_EQ(k0["funnel"]["stages"].size(), 5u);
  EXPECT_EQ(k0["funnel"]["stages"][1]["rate"], nullptr) << "no rate without prospects";

  // Six prospects by form.
  struct Row {
    const char* email;
    const char* sector;
    const char* status;
    const char* region;
    const char* contact;  // last_contact_at
  };
  const Row rows[] = {
      {"a@kpi.fr", "Industrie", "new", "Bretagne", nullptr},
      {"b@kpi.fr", "Industrie", "contacted", "Bretagne", "2026-11-18"},
      {"c@kpi.fr", "Industrie", "won", "Occitanie", "2026-11-19"},
      {"d@kpi.fr", "Santé", "contacted", "Occitanie", "2026-11-10"},
      {"e@kpi.fr", "Santé", "lost", "Bretagne", nullptr},
      {nullptr, "BTP", "qualified", "Bretagne", nullptr},
  };
  for (const auto& r : rows) {
    json p = {{"sector", r.sector}, {"status", r.status}, {"region", r.region}, {"company", "Acme"}};
    if (r.email) p["email"] = r.email;
    else p["phone"] = "06 11 22 33 44";
    if (r.contact) p["last_contact_at"] = r.contact;
    if (std::string(r.sector) == "Santé") p["tags"] = {"vip"};
    auto res = s.post("/api/v1/prospects", p);
    ASSERT_EQ(res->status, 201) << res->body;
  }
  // Three more by import, and one rejected row (no e-mail nor phone).
  json imp = body(upload(s,
                         "Prénom;E-mail;Secteur;Statut;Région\n"
                         "Luc; LUC@kpi.fr;Industrie;Qualifié;Bretagne\n"
                         "Léa;lea@kpi.fr;BTP;Nouveau;\n"
                         "Zoé;;BTP;Nouveau;Bretagne\n"
                         "Max;max@kpi.fr;;Gagné;Occitanie\n",
                         "kpi.csv"))["data"];
  auto start = s.post("/api/v1/imports/" + std::to_string(imp["id"].get<long long>()) + "/start",
                      {{"mapping", imp["mapping"]}, {"on_duplicate", "skip"}});
  ASSERT_EQ(start->status, 202) << start->body;
  json job = wait_job_end(s, body(start)["data"]["job"]["id"].get<long long>());
  ASSERT_EQ(job["state"], "succeeded") << job.dump();

  json k = kpis(s);
  EXPECT_EQ(k["total"], 9);
  // Funnel: new 2 (a, léa), contacted 2 (b, d), qualified 2 (btp form, luc), meeting 0,
  // won 2 (c, max); lost 1 (e). Reached: 8, 6, 4, 2, 2.
  const long long counts[] = {2, 2, 2, 0, 2}, reached[] = {8, 6, 4, 2, 2};
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(k["funnel"]["stages"][i]["count"], counts[i]) << i;
    EXPECT_EQ(k["funnel"]["stages"][i]["reached"], reached[i]) << i;
  }
  EXPECT_EQ(k["funnel"]["stages"][0]["rate"], nullptr);
  EXPECT_DOUBLE_EQ(k["funnel"]["stages"][1]["rate"].get<double>(), 6.0 / 8.0);
  EXPECT_DOUBLE_EQ(k["funnel"]["stages"][4]["rate"].get<double>(), 1.0);
  EXPECT_EQ(k["funnel"]["lost"], 1);
  EXPECT_EQ(count_in(k["by"]["sector"], "Industrie"), 4);
  EXPECT_EQ(count_in(k["by"]["sector"], "BTP"), 2);
  EXPECT_EQ(k["by"]["sector"]["missing"], 1);
  EXPECT_EQ(k["by"]["region"]["missing"], 1);
  EXPECT_EQ(k["by"]["status"]["values"].size(), 6u) << "every status, in pipeline order";
  EXPECT_EQ(k["by"]["status"]["values"][3]["value"], "meeting");
  EXPECT_EQ(k["quality"]["missing_email"]["count"], 1);
  EXPECT_EQ(k["quality"]["missing_company"]["count"], 3) << "the imported rows have no company";
  EXPECT_DOUBLE_EQ(k["quality"]["missing_phone"]["share"].get<double>(), 8.0 / 9.0);
  EXPECT_EQ(k["quality"]["imports"]["files"], 1);
  EXPECT_EQ(k["quality"]["imports"]["rows"], 4);
  EXPECT_EQ(k["quality"]["imports"]["rejected"], 1);
  EXPECT_EQ(k["quality"]["imports"]["fixed"], 4) << "LUC@ and three status labels";
  // Contacted per week: b and c in the week of Monday 2026-11-16, d in the week before.
  ASSERT_EQ(k["contacted_per_week"].size(), 2u);
  EXPECT_EQ(k["contacted_per_week"][0], json({{"start", "2026-11-09"}, {"count", 1}}));
  EXPECT_EQ(k["contacted_per_week"][1], json({{"start", "2026-11-16"}, {"count", 2}}));
  long long weekly = 0;
  for (const auto& w : k["new_per_week"]) weekly += w["count"].get<long long>();
  EXPECT_EQ(weekly, 9);

  // Every listed count equals the prospects list's total for that filter (SQL).
  for (const char* field : {"status", "sector", "region"})
    for (const auto& v : k["by"][field]["values"]) {
      std::string q = std::string(field) + "=" + url_encode(v["value"].get<std::string>());
      EXPECT_EQ(v["count"].get<long long>(), list_total(s, q)) << q;
    }
  // And so do filtered KPIs, for each kind of filter.
  for (std::string q : {"sector=Industrie", "sector=Industrie,BTP&region=Bretagne", "tags=vip", "q=kpi",
                        "status=won", "created_from=2000-01-01&created_to=2100-01-01", "opted_out=false",
                        "contacted_from=2026-11-16&contacted_to=2026-11-23", "contacted_to=2026-11-16"}) {
    json f = kpis(s, "?" + q);
    EXPECT_EQ(f["total"].get<long long>(), list_total(s, q)) << q;
    for (const auto& v : f["by"]["status"]["values"]) {
      std::string both = q + "&status=" + v["value"].get<std::string>();
      if (q.find("status=") == std::string::npos)
        EXPECT_EQ(v["count"].get<long long>(), list_total(s, both)) << both;
    }
  }

  EXPECT_EQ(kpis(s, "?contacted_from=2026-11-16&contacted_to=2026-11-23")["total"], 2) << "b and c";

  // Changes show at once: an edit, a bulk action, a deletion.
  json a = body(s.get("/api/v1/prospects?sector=Industrie&status=new"))["data"][0];
  ASSERT_EQ(a["email"], "a@kpi.fr");
  std::string id = std::to_string(a["id"].get<long long>());
  ASSERT_EQ(s.patch("/api/v1/prospects/" + id, {{"status", "meeting"}})->status, 200);
  EXPECT_EQ(kpis(s)["funnel"]["stages"][3]["count"], 1);
  auto bulk = s.post("/api/v1/prospects/bulk", {{"filter", {{"sector", "Santé"}}}, {"action", "remove_tag"}, {"value", "vip"}});
  ASSERT_EQ(bulk->status, 200) << bulk->body;
  EXPECT_EQ(kpis(s, "?tags=vip")["total"], 0);
  ASSERT_EQ(s.del("/api/v1/prospects/" + id)->status, 204);
  json after = kpis(s);
  EXPECT_EQ(after["total"], 8);
  EXPECT_EQ(after["funnel"]["stages"][3]["count"], 0);
  EXPECT_EQ(count_in(after["by"]["sector"], "Industrie"), 3);
}

TEST_F(KpiApi, NeedsASessionAndRefusesBadFilters) {
  auto anonymous = server_->client().Get("/api/v1/kpis");
  ASSERT_TRUE(anonymous);
  EXPECT_EQ(anonymous->status, 401);
  Session s = login(*server_);
  auto r = s.get("/api/v1/kpis?couleur=bleu&created_from=hier");
  ASSERT_EQ(r->status, 422);
  EXPECT_EQ(error_fields(r), (std::set<std::string>{"couleur", "created_from"}));
}

}  // namespace
}  // namespace mimicom::testing
