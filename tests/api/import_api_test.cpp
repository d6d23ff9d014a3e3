// Imports and jobs through the HTTP API of the real binary: upload, mapping, the job and its
// live events, the report and the rejected rows, permissions, limits, cancel and retry, and
// an import that survives kill -9 at random moments.
#include <SQLiteCpp/SQLiteCpp.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <gtest/gtest.h>

#include <signal.h>

#include <fstream>
#include <functional>
#include <random>

#include "store/sqlite/sqlite_store.hpp"
#include "tests/api/api_client.hpp"

namespace mimicom::testing {
namespace {

constexpr const char* kFile =
    "\xEF\xBB\xBFPrénom;Nom;Société;E-mail;Téléphone;Ville;Couleur\r\n"
    "Élodie;Martin;Acme;elodie@acme.fr;06 12 34 56 78;;bleu\r\n"
    "Jean;Dupont;=HYPERLINK(\"http://x\");pas-un-email;;Paris;vert\r\n"
    "Élodie;Martin;Acme;  ELODIE@acme.fr ;;Lyon;rouge\r\n"
    "<script>alert(1)</script>;Durand;\"Dupont; fils\";paul@durand.fr;;Nice;\r\n";

// Sends `request` as it is and returns what the server answers until it closes the
// connection or a full response arrived (for requests a client library will not send).
std::string raw_request(int port, const std::string& request) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return "connect failed";
  ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  timeval tv{30, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::string out;
  char buf[4096];
  while (true) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
    size_t head_end = out.find("\r\n\r\n");
    size_t cl = out.find("Content-Length: ");
    if (head_end != std::string::npos && cl != std::string::npos &&
        out.size() >= head_end + 4 + std::stoul(out.substr(cl + 16)))
      break;
  }
  ::close(fd);
  return out;
}

class ImportApi : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new TestServer(kPassword, "", {"MIMICOM_MAX_UPLOAD_MB=1"}); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static TestServer* server_;
};
TestServer* ImportApi::server_ = nullptr;

TEST_F(ImportApi, UploadDetectsTheFileAndProposesAMapping) {
  auto s = login(*server_);
  auto r = upload(s, kFile);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 201) << r->body;
  json d = body(r)["data"];
  EXPECT_EQ(d["file_name"], "clients.csv");
  EXPECT_EQ(d["encoding"], "UTF-8 (BOM)");
  EXPECT_EQ(d["separator"], ";");
  EXPECT_EQ(d["header"][0], "Prénom");
  EXPECT_EQ(d["preview"].size(), 4u);
  EXPECT_EQ(d["preview"][3][2], "Dupont; fils");
  EXPECT_EQ(d["mapping"]["E-mail"], "email");
  EXPECT_EQ(d["mapping"]["Société"], "company");
  EXPECT_EQ(d["mapping"]["Couleur"], "custom:Couleur");
  EXPECT_TRUE(d["job"].is_null());
  EXPECT_GE(d["fields"].size(), 20u);
}

TEST_F(ImportApi, ImportRunsAsAJobWithAReportAndRejectedRows) {
  auto s = login(*server_);
  json imp = body(upload(s, kFile))["data"];
  std::string base = "/api/v1/imports/" + std::to_string(imp["id"].get<long long>());
  auto started = s.post(base + "/start", {{"mapping", imp["mapping"]}, {"on_duplicate", "fill_empty"}});
  ASSERT_EQ(started->status, 202) << started->body;
  long long job_id = body(started)["data"]["job_id"];
  json job = wait_job_end(s, job_id);
  ASSERT_EQ(job["state"], "succeeded") << job.dump();
  EXPECT_EQ(job["type"], "import");
  EXPECT_EQ(job["label"], "Import de « clients.csv »");
  json rep = job["result"];
  EXPECT_EQ(rep["rows"], 4);
  EXPECT_EQ(rep["inserted"], 2);
  EXPECT_EQ(rep["duplicates_in_file"], 1);
  EXPECT_EQ(rep["updated"], 1);  // the duplicate row gives the city the first one lacked
  EXPECT_EQ(rep["rejected"], 1);

  auto again = s.post(base + "/start", {{"on_duplicate", "skip"}});
  EXPECT_EQ(again->status, 409);

  auto csv = s.get(base + "/rejected.csv");
  ASSERT_EQ(csv->status, 200);
  EXPECT_NE(csv->get_header_value("Content-Type").find("text/csv"), std::string::npos);
  EXPECT_NE(csv->get_header_value("Content-Disposition").find("rejets-import-"), std::string::npos);
  EXPECT_EQ(csv->body.substr(0, 3), "\xEF\xBB\xBF");
  EXPECT_NE(csv->body.find("ligne;motif;Prénom;Nom"), std::string::npos) << csv->body;
  EXPECT_NE(csv->body.find("\r\n3;e-mail : adresse e-mail invalide"), std::string::npos) << csv->body;
  EXPECT_NE(csv->body.find("\"'=HYPERLINK(\"\"http://x\"\")\""), std::string::npos) << csv->body;

  auto list = s.get("/api/v1/prospects?q=durand");
  json items = body(list)["data"];
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0]["first_name"], "<script>alert(1)</script>");
  EXPECT_EQ(items[0]["company"], "Dupont; fils");
  EXPECT_EQ(items[0]["owner"], kAdmin);

  auto logs = s.get("/api/v1/jobs/" + std::to_string(job_id) + "/logs");
  json lines = body(logs)["data"];
  ASSERT_GE(lines.size(), 2u);
  EXPECT_NE(lines.back()["message"].get<std::string>().find("terminé"), std::string::npos);

  auto got = s.get(base);
  EXPECT_EQ(body(got)["data"]["job"]["state"], "succeeded");
  EXPECT_EQ(body(got)["data"]["on_duplicate"], "fill_empty");
}

TEST_F(ImportApi, EventsStreamTheJobUntilItEnds) {
  auto s = login(*server_);
  json imp = body(upload(s, kFile, "events.csv"))["data"];
  auto started = s.post("/api/v1/imports/" + std::to_string(imp["id"].get<long long>()) + "/start", json::object());
  ASSERT_EQ(started->status, 202) << started->body;
  long long job_id = body(started)["data"]["job_id"];
  std::string stream;
  auto r = s.http.Get("/api/v1/jobs/" + std::to_string(job_id) + "/events", s.headers(false),
                      [&](const char* data, size_t n) {
                        stream.append(data, n);
                        return true;
                      });
  ASSERT_TRUE(r);  // the server ends the stream once the job has ended
  EXPECT_EQ(r->status, 200);
  EXPECT_NE(stream.find("event: job\ndata: "), std::string::npos);
  EXPECT_NE(stream.find("event: log\ndata: "), std::string::npos);
  std::string last = stream.substr(stream.rfind("event: job\ndata: ") + 17);
  json final_job = json::parse(last.substr(0, last.find("\n\n")));
  EXPECT_EQ(final_job["state"], "succeeded");
  EXPECT_EQ(final_job["id"], job_id);
}

TEST_F(ImportApi, MultipartUploadWorksLikeCurlDashF) {
  auto s = login(*server_);
  httplib::MultipartFormDataItems items = {{"file", "Email,Ville\na@x.fr,Lyon\n", "équipe.csv", "text/csv"}};
  auto r = s.http.Post("/api/v1/imports", s.headers(), items);
  ASSERT_EQ(r->status, 201) << r->body;
  EXPECT_EQ(body(r)["data"]["file_name"], "équipe.csv");
  EXPECT_EQ(body(r)["data"]["separator"], ",");
}

TEST_F(ImportApi, BadFilesAndBadMappingsAreRefusedWithTheReason) {
  auto s = login(*server_);
  // Over the cap (1 MB here): refused from the headers, before the body is sent.
  std::string answer = raw_request(server_->port(), "POST /api/v1/imports?filename=gros.csv HTTP/1.1\r\n"
                                                    "Host: 127.0.0.1\r\nCookie: " + s.cookie + "\r\nX-CSRF-Token: " +
                                                    s.csrf + "\r\nContent-Type: text/csv\r\nContent-Length: " +
                                                    std::to_string((1 << 20) + 10) + "\r\n\r\n");
  EXPECT_EQ(answer.substr(0, 12), "HTTP/1.1 413") << answer;
  EXPECT_NE(answer.find("fichier trop volumineux (1 Mo au plus)"), std::string::npos) << answer;
  auto empty = upload(s, "");
  EXPECT_EQ(empty->status, 422);
  auto binary = upload(s, std::string("%PDF-1.4\n") + std::string(3000, '\x01'), "devis.csv");
  ASSERT_EQ(binary->status, 422);
  EXPECT_NE(body(binary)["error"]["fields"][0]["message"].get<std::string>().find("pas un CSV"), std::string::npos);

  json imp = body(upload(s, kFile))["data"];
  std::string start = "/api/v1/imports/" + std::to_string(imp["id"].get<long long>()) + "/start";
  auto bad = s.post(start, {{"mapping", {{"E-mail", "ville"}, {"Nom", "email"}, {"Inconnue", "city"}}},
                            {"on_duplicate", "merge"}});
  ASSERT_EQ(bad->status, 422);
  EXPECT_EQ(error_fields(bad), (std::set<std::string>{"mapping.E-mail", "mapping.Inconnue", "on_duplicate"}));
  auto none = s.post(start, {{"mapping", {{"E-mail", ""}, {"Téléphone", nullptr}, {"Ville", "city"}}}});
  ASSERT_EQ(none->status, 422);
  EXPECT_EQ(error_fields(none), (std::set<std::string>{"mapping"}));
  // A JSON body over the JSON limit is refused before it is read.
  std::string huge = raw_request(server_->port(), "POST /api/v1/prospects HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: " +
                                                     s.cookie + "\r\nX-CSRF-Token: " + s.csrf +
                                                     "\r\nContent-Type: application/json\r\nContent-Length: " +
                                                     std::to_string(9 << 20) + "\r\n\r\n");
  EXPECT_EQ(huge.substr(0, 12), "HTTP/1.1 413") << huge;
}

TEST_F(ImportApi, MembersSeeOnlyTheirOwnImportsAndJobs) {
  auto admin = login(*server_);
  ASSERT_EQ(server_->run_cli({"user", "add", "bob@mimicom.local", "--password-stdin"}, nullptr, "mot-de-passe-bob\n"), 0);
  auto bob = login(*server_, "bob@mimicom.local", "mot-de-passe-bob");
  json imp = body(upload(admin, kFile, "admin.csv"))["data"];
  std::string id = std::to_string(imp["id"].get<long long>());
  auto started = admin.post("/api/v1/imports/" + id + "/start", json::object());
  long long job_id = body(started)["data"]["job_id"];
  wait_job_end(admin, job_id);
  EXPECT_EQ(bob.get("/api/v1/imports/" + id)->status, 404);
  EXPECT_EQ(bob.get("/api/v1/imports/" + id + "/rejected.csv")->status, 404);
  EXPECT_EQ(bob.get("/api/v1/jobs/" + std::to_string(job_id))->status, 404);
  EXPECT_EQ(bob.post("/api/v1/jobs/" + std::to_string(job_id) + "/retry", json::object())->status, 404);
  EXPECT_EQ(body(bob.get("/api/v1/jobs"))["meta"]["total"], 0);
  EXPECT_EQ(body(bob.get("/api/v1/imports"))["data"].size(), 0u);
  EXPECT_GE(body(admin.get("/api/v1/jobs?type=import&state=succeeded"))["meta"]["total"], 1);
  EXPECT_EQ(admin.get("/api/v1/jobs?state=bloqué")->status, 422);
  // Unauthenticated: 401 everywhere.
  auto anon = server_->client();
  for (std::string path : {"/api/v1/jobs", "/api/v1/imports", "/api/v1/jobs/1/events", "/api/v1/imports/1"})
    EXPECT_EQ(anon.Get(path)->status, 401) << path;
  EXPECT_EQ(anon.Post("/api/v1/imports", "a,b\n", "text/csv")->status, 401);
}

// A server without workers: jobs stay queued, so cancel and retry are seen step by step.
TEST(JobsWithoutWorkers, CancelAndRetryAQueuedJob) {
  TestServer server(kPassword, "", {}, {"--no-worker"});
  auto s = login(server);
  json imp = body(upload(s, kFile))["data"];
  auto started = s.post("/api/v1/imports/" + std::to_string(imp["id"].get<long long>()) + "/start", json::object());
  std::string job = "/api/v1/jobs/" + std::to_string(body(started)["data"]["job_id"].get<long long>());
  EXPECT_EQ(body(s.get(job))["data"]["state"], "queued");
  EXPECT_EQ(body(s.get("/api/v1/jobs?state=queued"))["meta"]["total"], 1);
  EXPECT_EQ(s.post(job + "/retry", json::object())->status, 409);
  auto cancelled = s.post(job + "/cancel", json::object());
  ASSERT_EQ(cancelled->status, 200) << cancelled->body;
  EXPECT_EQ(body(cancelled)["data"]["state"], "cancelled");
  EXPECT_EQ(s.post(job + "/cancel", json::object())->status, 409);
  auto retried = s.post(job + "/retry", json::object());
  ASSERT_EQ(retried->status, 200);
  EXPECT_EQ(body(retried)["data"]["state"], "queued");

  // The scaled mode: a separate `mimicom worker` process on the same data runs the job.
  std::string pid_file = (server.data_dir() / "worker.pid").string();
  std::string cmd = std::string(MIMICOM_BIN) + " --data-dir '" + server.data_dir().string() + "' worker --workers 1 >'" +
                    (server.data_dir() / "worker.log").string() + "' 2>&1 & echo $! >'" + pid_file + "'";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  pid_t worker = 0;
  std::ifstream(pid_file) >> worker;
  ASSERT_GT(worker, 0);
  json end = wait_job_end(s, body(retried)["data"]["id"].get<long long>());
  ::kill(worker, SIGTERM);
  EXPECT_EQ(end["state"], "succeeded") << end.dump();
  EXPECT_EQ(end["result"]["inserted"], 2);
  EXPECT_EQ(body(s.get("/api/v1/prospects"))["meta"]["total"], 2);
}

// ---------------------------------------------------------------------------------------
// kill -9 at random moments: the import resumes and ends with exactly the prospects of an
// uninterrupted import.

std::string big_file(int rows) {
  std::mt19937 rng(7);
  std::string s = "Prénom;Nom;E-mail;Téléphone;Société;Ville;Notes\r\n";
  for (int i = 0; i < rows; ++i) {
    int who = static_cast<int>(rng() % (rows * 9 / 10));  // ~10 % duplicates
    std::string email = "p" + std::to_string(who) + "@exemple.fr";
    if (rng() % 100 == 0) email = "invalide " + std::to_string(i);
    if (rng() % 50 == 0) email = " P" + std::to_string(who) + "@EXEMPLE.fr";
    s += "Prénom" + std::to_string(i) + ";Nom" + std::to_string(who % 97) + ";" + email + ";;Société " +
         std::to_string(who % 311) + ";Ville;\"note " + std::to_string(i) + ", avec € et\nretour\"\r\n";
  }
  return s;
}

// Every prospect as one line of text, in e-mail order: equal digests, equal prospects.
std::string digest(const std::filesystem::path& db) {
  SQLite::Database d(db.string(), SQLite::OPEN_READONLY);
  SQLite::Statement q(d,
                      "SELECT coalesce(email,''), coalesce(first_name,''), coalesce(last_name,''), "
                      "coalesce(company,''), coalesce(notes,''), custom_fields FROM prospects ORDER BY email");
  std::string out;
  while (q.executeStep())
    for (int i = 0; i < 6; ++i) out += q.getColumn(i).getString() + (i == 5 ? "\x1e" : "\x1f");
  return out;
}

json import_through(Session& s, const std::string& file, long long* job_id) {
  json imp = body(upload(s, file, "gros.csv"))["data"];
  auto started = s.post("/api/v1/imports/" + std::to_string(imp["id"].get<long long>()) + "/start",
                        {{"on_duplicate", "overwrite"}});
  if (started->status != 202) throw std::runtime_error(started->body);
  *job_id = body(started)["data"]["job_id"];
  return imp;
}

// The indexes of prospects in a database file, as "name:sql" lines.
std::string prospect_indexes(const std::filesystem::path& db) {
  SQLite::Database d(db.string(), SQLite::OPEN_READONLY);
  SQLite::Statement q(d, "SELECT name || ':' || sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'prospects' "
                         "AND sql IS NOT NULL ORDER BY name");
  std::string out;
  while (q.executeStep()) out += q.getColumn(0).getString() + "\n";
  return out;
}

// Imports a file through a server killed (SIGKILL) at random moments and restarted, and
// compares with an uninterrupted import. `server_env` is added to the killed server's.
void kill_and_resume(const std::vector<std::string>& server_env, bool expect_deferred) {
  const std::string file = big_file(40000);
  std::vector<std::string> env = {"MIMICOM_IMPORT_BATCH_ROWS=100", "MIMICOM_MAX_UPLOAD_MB=64"};

  TestServer reference(kPassword, "", env);
  auto r = login(reference);
  long long ref_job;
  import_through(r, file, &ref_job);
  json ref = wait_job_end(r, ref_job);
  ASSERT_EQ(ref["state"], "succeeded") << ref.dump();

  env.insert(env.end(), server_env.begin(), server_env.end());
  TestServer server(kPassword, "", env);
  auto s = std::make_unique<Session>(login(server));
  long long job_id;
  import_through(*s, file, &job_id);
  std::mt19937 rng(static_cast<unsigned>(std::random_device{}()));
  int kills_mid_job = 0;
  for (int round = 0; round < 4; ++round) {
    // Wait until the job has gone past a random point, then kill -9 the server. (Read again
    // and again: after a restart, the rest of the job can be shorter than the event stream's
    // 250 ms between two looks.)
    double target = 0.15 + 0.2 * round + std::uniform_real_distribution<double>(0, 0.1)(rng);
    json j = poll_job(*s, job_id, [&](const json& job) {
      long long total = job["progress"]["total"];
      return job["state"] == "running" && total > 0 &&
             job["progress"]["done"].get<long long>() >= target * static_cast<double>(total);
    });
    if (j["state"] != "running") break;
    server.restart();  // SIGKILL, then start again on the same data folder
    ++kills_mid_job;
    // The same session (sessions are stored): a new login's password hashing would let the
    // restarted server finish the job before the next look.
    s = std::make_unique<Session>(Session{server.client(), s->cookie, s->csrf});
  }
  json end = wait_job_end(*s, job_id);
  ASSERT_EQ(end["state"], "succeeded") << end.dump();
  EXPECT_GE(kills_mid_job, 2);
  EXPECT_GE(end["attempt"].get<int>(), 2);
  for (const char* k : {"rows", "inserted", "updated", "duplicates_in_file", "duplicates_existing", "rejected"})
    EXPECT_EQ(end["result"][k], ref["result"][k]) << k;
  EXPECT_EQ(end["result"]["rows"], 40000);
  std::string a = digest(reference.data_dir() / "mimicom.db"), b = digest(server.data_dir() / "mimicom.db");
  EXPECT_EQ(std::count(a.begin(), a.end(), '\x1e'), end["result"]["inserted"].get<long long>());
  EXPECT_TRUE(a == b) << "the prospects differ from an uninterrupted import";
  EXPECT_EQ(prospect_indexes(server.data_dir() / "mimicom.db"), prospect_indexes(reference.data_dir() / "mimicom.db"));
  {
    SQLite::Database d((server.data_dir() / "mimicom.db").string(), SQLite::OPEN_READONLY);
    SQLite::Statement q(d, "SELECT count(*) FROM job_logs WHERE message LIKE '%construits après le chargement%'");
    q.executeStep();
    EXPECT_EQ(q.getColumn(0).getInt() > 0, expect_deferred);
    // The indexes a deferred load builds are written into their b-trees directly (see
    // store/sqlite/presorted_index.hpp): SQLite finds the base sound.
    EXPECT_EQ(d.execAndGet("PRAGMA integrity_check").getString(), "ok");
  }
  // A deferred load's search index is built after the job, in the background: killed right
  // after the job, and again once the restarted server has had its start to take it up, the
  // next opening of the store (the server's own code, here in the test) takes it up again, and
  // waiting for it (on the store's condition, not a clock) it ends whole.
  server.restart();
  server.kill_hard();
  auto backlog = [&] {
    SQLite::Database d((server.data_dir() / "mimicom.db").string(), SQLite::OPEN_READONLY);
    return d.execAndGet("SELECT unindexed_from FROM bulk_mode").getInt64();
  };
  {
    auto store = open_sqlite_store({.path = (server.data_dir() / "mimicom.db").string()});
    ASSERT_TRUE(store) << store.error().message;
    ASSERT_TRUE((*store)->catch_up_search_index(true));
  }
  ASSERT_EQ(backlog(), 0) << "the search index never caught up";
  auto hits = [](const std::filesystem::path& db, const char* match) {
    SQLite::Database d(db.string(), SQLite::OPEN_READWRITE);
    d.exec("INSERT INTO prospects_fts (prospects_fts) VALUES ('integrity-check')");
    SQLite::Statement q(d, "SELECT count(*) FROM prospects_fts WHERE prospects_fts MATCH ?");
    q.bind(1, match);
    q.executeStep();
    return q.getColumn(0).getInt64();
  };
  for (const char* match : {"\"prenom1\"*", "\"nom7\"*", "\"societe\"* \"12\"*", "exemple"})
    EXPECT_EQ(hits(server.data_dir() / "mimicom.db", match), hits(reference.data_dir() / "mimicom.db", match)) << match;
}

TEST(ImportCrash, KilledAtRandomMomentsItResumesToExactlyTheSameProspects) { kill_and_resume({}, false); }

// The same with the list indexes deferred to the end of the load (a large file into an empty
// base): killed during the load, it ends with the same prospects and every index.
TEST(ImportCrash, KilledWithTheListIndexesDeferredItEndsWithTheSameProspectsAndIndexes) {
  kill_and_resume({"MIMICOM_IMPORT_BULK_MIN_MB=0"}, true);
}

}  // namespace
}  // namespace mimicom::testing
