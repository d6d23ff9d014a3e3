// The import task on real files and a real SQLite store: the bad input of the wild, the
// duplicate policies, and resuming after an interruption at every batch boundary.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <nlohmann/json.hpp>

#include <SQLiteCpp/SQLiteCpp.h>

#include "core/csv.hpp"
#include "core/imports.hpp"
#include "queue/job_queue.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "worker/tasks.hpp"

namespace mimicom {
namespace {

using json = nlohmann::json;

class ImportTask : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("mimicom-import-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    store_ = open("a.db");
    queue_ = make_local_job_queue(*store_);
  }
  void TearDown() override {
    queue_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::unique_ptr<Store> open(const std::string& name) {
    auto s = open_sqlite_store({.path = (dir_ / name).string(), .connections = 4});
    EXPECT_TRUE(s) << s.error().message;
    return std::move(*s);
  }

  // Uploads `bytes` as the API does (sniff + import row), starts it with the proposed
  // mapping (or `mapping`), then runs the job to its end. With stop_each_batch, the worker is
  // told to stop after every batch, and the job is taken again: it resumes from its
  // checkpoint each time.
  Job import(const std::string& bytes, const std::string& policy = "skip", long long batch_rows = 1000,
             bool stop_each_batch = false, Store* store = nullptr,
             std::vector<std::pair<std::string, std::string>> mapping = {}) {
    Store& s = store ? *store : *store_;
    auto q = make_local_job_queue(s);
    std::string path = (dir_ / ("upload-" + std::to_string(++n_) + ".csv")).string();
    std::ofstream(path, std::ios::binary) << bytes;
    CsvSniff sniff = sniff_csv(std::string_view(bytes).substr(0, kSniffHeadBytes));
    ImportFile f;
    f.file_name = "test.csv";
    f.path = path;
    f.size = static_cast<long long>(bytes.size());
    f.encoding = std::string(encoding_name(sniff.encoding));
    f.separator = std::string(1, sniff.separator);
    f.header = sniff.header;
    auto imp = s.create_import(f);
    EXPECT_TRUE(imp);
    json m = json::object();
    if (mapping.empty()) {
      auto proposed = propose_mapping(sniff.header);
      for (size_t i = 0; i < sniff.header.size(); ++i) m[sniff.header[i]] = proposed[i];
    } else {
      for (auto& [k, v] : mapping) m[k] = v;
    }
    auto job = s.start_import(imp->id, m.dump(), policy, {"import", json{{"import_id", imp->id}}.dump()}, 0);
    EXPECT_TRUE(job) << job.error().message;
    TaskSettings settings{(dir_ / "data").string(), batch_rows};
    settings.import_bulk_min_bytes = bulk_min_bytes_;
    for (int round = 0; round < 100000; ++round) {
      auto taken = q->take("w", std::chrono::milliseconds(0));
      EXPECT_TRUE(taken && *taken);
      if (!taken || !*taken) break;
      JobContext ctx(s, *q, **taken);
      if (stop_each_batch) ctx.request_stop();
      TaskOutcome out = run_import(ctx, settings);
      if (out.kind == TaskOutcome::Kind::Stopped) {
        EXPECT_TRUE(q->release(ctx.fence()));
        ++resumes_;
        if (between_runs_) between_runs_();
        continue;
      }
      const char* state = out.kind == TaskOutcome::Kind::Succeeded ? "succeeded"
                          : out.kind == TaskOutcome::Kind::Failed  ? "failed"
                                                                   : "cancelled";
      EXPECT_TRUE(q->finish(ctx.fence(), state, out.result, out.error));
      break;
    }
    return *s.get_job(job->id);
  }

  static json report(const Job& j) { return json::parse(j.result.empty() ? "{}" : j.result); }

  std::vector<Prospect> all(Store* store = nullptr) {
    Store& s = store ? *store : *store_;
    ProspectQuery q;
    q.per_page = kMaxPerPage;
    q.sort = {"id", false};
    return s.list_prospects(q)->items;
  }

  std::optional<Prospect> by_email(const std::string& email) {
    for (auto& p : all())
      if (p.email == email) return p;
    return std::nullopt;
  }

  // A prospect created through the store with `email` is refused as a duplicate.
  void expect_email_taken(const std::string& email) {
    Prospect p;
    p.email = email;
    auto dup = store_->create_prospect(p);
    ASSERT_FALSE(dup) << email;
    EXPECT_EQ(dup.error().code, Error::Code::Conflict) << email;
  }

  std::vector<ImportReject> rejects(const Job& j) {
    auto params = json::parse(j.params);
    return *store_->import_rejects(params["import_id"].get<long long>(), 0, 1000);
  }

  // The full-text index agrees with the prospects (FTS5's own check), and finds `word`
  // exactly in `expected` prospects. A bulk load leaves its rows to the store's search
  // catch-up, which runs on after the job: it is waited for first (checked meanwhile, the
  // index is incomplete, or its writer holds the file).
  void expect_search(const std::string& word, size_t expected) {
    ASSERT_TRUE(store_->catch_up_search_index(true));
    SQLite::Database db((dir_ / "a.db").string(), SQLite::OPEN_READWRITE);
    EXPECT_NO_THROW(db.exec("INSERT INTO prospects_fts (prospects_fts) VALUES ('integrity-check')"));
    ProspectQuery q;
    q.filter.q = word;
    EXPECT_EQ(store_->list_prospects(q)->items.size(), expected) << word;
  }

  // The indexes of prospects in database `name` of the test's folder.
  std::set<std::string> prospect_indexes(const std::string& name = "a.db") {
    SQLite::Database db((dir_ / name).string(), SQLite::OPEN_READONLY);
    SQLite::Statement st(db, "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'prospects' AND sql IS NOT NULL");
    std::set<std::string> out;
    while (st.executeStep()) out.insert(st.getColumn(0).getString());
    return out;
  }

  // Two imports of the same file, `a` into store `sa`, `b` into `sb`, both succeeded with the
  // same report and left the same prospects.
  void expect_same_imports(const Job& a, Store* sa, const Job& b, Store* sb) {
    ASSERT_EQ(a.state, "succeeded") << a.error;
    ASSERT_EQ(b.state, "succeeded") << b.error;
    for (const char* k : {"rows", "inserted", "updated", "duplicates_in_file", "duplicates_existing", "rejected"})
      EXPECT_EQ(report(a)[k], report(b)[k]) << k;
    auto pa = all(sa), pb = all(sb);
    ASSERT_EQ(pa.size(), pb.size());
    for (size_t i = 0; i < pa.size(); ++i) {
      EXPECT_EQ(pa[i].email, pb[i].email);
      EXPECT_EQ(pa[i].phone, pb[i].phone);
      EXPECT_EQ(pa[i].first_name, pb[i].first_name);
      EXPECT_EQ(pa[i].company, pb[i].company);
    }
  }

  std::filesystem::path dir_;
  long long bulk_min_bytes_ = 1LL << 40;  // no file of a test defers the list indexes unless it says so
  std::function<void()> between_runs_;    // after each stopped run of import()
  std::unique_ptr<Store> store_;
  std::unique_ptr<JobQueue> queue_;
  int n_ = 0;
  int resumes_ = 0;
};

TEST_F(ImportTask, ExcelFrenchExportWithBomSemicolonsAndDecimalComma) {
  Job j = import(
      "\xEF\xBB\xBFPrénom;Nom;Société;E-mail;Téléphone;CA;Effectif\r\n"
      "Élodie;Martin;Acme;elodie@acme.fr;06 12 34 56 78;1 250 000,50;120\r\n");
  ASSERT_EQ(j.state, "succeeded") << j.error;
  auto p = by_email("elodie@acme.fr");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->first_name, "Élodie");  // the BOM is not part of the first column's name
  EXPECT_EQ(p->phone, "+33612345678");
  EXPECT_DOUBLE_EQ(*p->annual_revenue, 1250000.5);
  EXPECT_EQ(p->company_size, "50-249");
  EXPECT_EQ(report(j)["inserted"], 1);
}

TEST_F(ImportTask, Windows1252AccentsBecomeUtf8) {
  Job j = import("Soci\xE9t\xE9;Ville;Email\nCaf\xE9 de l'\x8Ctre;Orl\xE9" "ans;cafe@exemple.fr\n");
  ASSERT_EQ(j.state, "succeeded") << j.error;
  auto p = by_email("cafe@exemple.fr");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->company, "Café de l'Œtre");
  EXPECT_EQ(p->city, "Orléans");
}

TEST_F(ImportTask, Utf16WithBomIsRead) {
  std::string utf16 = "\xFF\xFE";
  std::u16string u;
  for (char32_t c : std::u32string{U"Email,Ville\na@exemple.fr,Sète\n"}) u += static_cast<char16_t>(c);
  for (char16_t c : u) {
    utf16 += static_cast<char>(c & 0xFF);
    utf16 += static_cast<char>(c >> 8);
  }
  Job j = import(utf16);
  ASSERT_EQ(j.state, "succeeded") << j.error;
  EXPECT_EQ(by_email("a@exemple.fr")->city, "Sète");
}

TEST_F(ImportTask, EveryLineEndingAndTrailingBlankLines) {
  Job j = import("Email,Ville\r\na@x.fr,Lyon\nb@x.fr,Nice\rc@x.fr,Pau\r\n\r\n\n\nd@x.fr,Metz");
  ASSERT_EQ(j.state, "succeeded") << j.error;
  EXPECT_EQ(report(j)["rows"], 4);
  EXPECT_EQ(report(j)["inserted"], 4);
  EXPECT_EQ(by_email("d@x.fr")->city, "Metz");  // no final newline
}

TEST_F(ImportTask, QuotedSeparatorsDoubledQuotesAndLineBreaks) {
  Job j = import("Email;Notes;Ville\na@x.fr;\"un; deux \"\"trois\"\"\nquatre\";Lyon\nb@x.fr;O\"Neil;Nice\n");
  ASSERT_EQ(j.state, "succeeded") << j.error;
  EXPECT_EQ(by_email("a@x.fr")->notes, "un; deux \"trois\"\nquatre");
  EXPECT_EQ(by_email("b@x.fr")->notes, "O\"Neil");  // a stray quote in an unquoted field is kept
}

TEST_F(ImportTask, UnterminatedQuoteAtTheEndRejectsThatRowOnly) {
  Job j = import("Email,Notes\na@x.fr,ok\nb@x.fr,\"jamais fermé\n");
  ASSERT_EQ(j.state, "succeeded") << j.error;
  EXPECT_EQ(report(j)["inserted"], 1);
  auto r = rejects(j);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].line, 3);
  EXPECT_NE(r[0].reason.find("guillemet non fermé"), std::string::npos) << r[0].reason;
}

TEST_F(ImportTask, RowsWithTooFewOrTooManyFieldsAreRejectedWithTheCounts) {
  Job j = import("Email,Ville,Notes\na@x.fr,Lyon\nb@x.fr,Nice,n,en trop\nc@x.fr,Pau,ok,\n");
  ASSERT_EQ(j.state, "succeeded") << j.error;
  auto r = rejects(j);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].line, 2);
  EXPECT_NE(r[0].reason.find("2 champs alors que l'en-tête a 3"), std::string::npos) << r[0].reason;
  EXPECT_EQ(r[1].line, 3);
  EXPECT_NE(r[1].reason.find("4 champs"), std::string::npos) << r[1].reason;
  EXPECT_TRUE(by_email("c@x.fr"));  // a trailing empty cell is harmless
  EXPECT_EQ(json::parse(r[1].cells), json({"b@x.fr", "Nice", "n", "en trop"}));
}

TEST_F(ImportTask, EmptyFileFailsTheJobClearly) {
  Job j = import("\n\n");
  EXPECT_EQ(j.state, "failed");
  EXPECT_NE(j.error.find("vide"), std::string::npos) << j.error;
}

TEST_F(ImportTask, HeaderOnlyFileSucceedsWithNothingImported) {
  Job j = import("Email,Ville\r\n");
  ASSERT_EQ(j.state, "succeeded") << j.error;
  EXPECT_EQ(report(j)["rows"], 0);
  EXPECT_TRUE(all().empty());
}

TEST_F(ImportTask, DuplicateAndEmptyHeaderNamesGetDistinctColumns) {
  Job j = import("Email,Ville,Ville,\na@x.fr,Lyon,Villeurbanne,zone 2\n");
  ASSERT_EQ(j.state, "succeeded") << j.error;
  auto p = by_email("a@x.fr");
  EXPECT_EQ(p->city, "Lyon");
  // The second "Ville" and the unnamed column are kept as custom fields.
  EXPECT_EQ(p->custom_fields,
            (std::vector<std::pair<std::string, std::string>>{{"Ville_2", "Villeurbanne"}, {"colonne_4", "zone 2"}}));
}

TEST_F(ImportTask, NulBytesAreDroppedAndInvalidUtf8IsReplaced) {
  static constexpr char kFile[] = "Email,Soci\xC3\xA9t\xC3\xA9\na@x.fr,Ac\0me\nb@x.fr,Caf\xE9 \xC3\xA9t\xC3\xA9\n";
  Job j = import(std::string(kFile, sizeof kFile - 1));
  ASSERT_EQ(j.state, "succeeded") << j.error;
  EXPECT_EQ(by_email("a@x.fr")->company, "Acme");
  EXPECT_EQ(by_email("b@x.fr")->company, "Caf\xEF\xBF\xBD \xC3\xA9t\xC3\xA9");  // U+FFFD for the lone byte
}

TEST_F(ImportTask, TenMegabyteFieldRejectsItsRowAndKeepsTheOthers) {
  std::string big(10 << 20, 'x');
  Job j = import("Email,Notes\na@x.fr,court\nb@x.fr,\"" + big + "\"\nc@x.fr,fin\n");
  ASSERT_EQ(j.state, "succeeded") << j.error;
  EXPECT_EQ(report(j)["inserted"], 2);
  auto r = rejects(j);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_NE(r[0].reason.find("notes : trop long"), std::string::npos) << r[0].reason;
  EXPECT_LT(r[0].cells.size(), 5000u);  // the report keeps a bounded excerpt
}

TEST_F(ImportTask, BinaryFileRenamedCsvFailsTheJob) {
  std::string zip = "PK\x03\x04\x14\x00\x06\x00";
  zip += std::string(4000, '\0');
  Job j = import(zip);
  EXPECT_EQ(j.state, "failed");
  EXPECT_NE(j.error.find("pas un CSV"), std::string::npos) << j.error;
}

TEST_F(ImportTask, FormulasAndHtmlAreStoredVerbatim) {
  Job j = import("Email,Société,Notes,Ville\na@x.fr,=HYPERLINK(\"http://x\"),<script>alert(1)</script>,@SUM(A1)\n"
                 "b@x.fr,+33 Conseil,-10 %,Lyon\n");
  ASSERT_EQ(j.state, "succeeded") << j.error;
  auto a = by_email("a@x.fr");
  EXPECT_EQ(a->company, "=HYPERLINK(\"http://x\")");
  EXPECT_EQ(a->notes, "<script>alert(1)</script>");
  EXPECT_EQ(a->city, "@SUM(A1)");
  EXPECT_EQ(by_email("b@x.fr")->notes, "-10 %");
}

TEST_F(ImportTask, SameEmailInAnotherCaseAndSpacingIsOneProspect) {
  Job j = import("Email,Prénom\nJean.Dupont@Acme.FR,Jean\n  jean.dupont@acme.fr ,Jeannot\n");
  ASSERT_EQ(j.state, "succeeded") << j.error;
  EXPECT_EQ(all().size(), 1u);
  EXPECT_EQ(report(j)["duplicates_in_file"], 1);
  EXPECT_EQ(by_email("jean.dupont@acme.fr")->first_name, "Jean");
}

TEST_F(ImportTask, InvalidValuesAreRejectedWithEveryReason) {
  Job j = import("Email,Téléphone,Statut,Salariés\npas-un-mail,12,inconnu,-3\nok@x.fr,,Contacté,12\n");
  ASSERT_EQ(j.state, "succeeded") << j.error;
  auto r = rejects(j);
  ASSERT_EQ(r.size(), 1u);
  for (const char* part : {"e-mail :", "téléphone :", "statut :", "salariés :"})
    EXPECT_NE(r[0].reason.find(part), std::string::npos) << r[0].reason;
  EXPECT_EQ(by_email("ok@x.fr")->status, "contacted");
}

TEST_F(ImportTask, DuplicatePoliciesAgainstExistingProspects) {
  Prospect existing;
  existing.email = "a@x.fr";
  existing.first_name = "Anne";
  existing.city = "Lyon";
  existing.tags = {"salon"};
  auto created = store_->create_prospect(existing);
  ASSERT_TRUE(created);
  const std::string file = "Email,Prénom,Ville,Société,Étiquettes\na@x.fr,Annie,Paris,Acme,web\n";

  Job skip = import(file, "skip");
  EXPECT_EQ(report(skip)["duplicates_existing"], 1);
  EXPECT_EQ(report(skip)["updated"], 0);
  EXPECT_EQ(by_email("a@x.fr")->company, std::nullopt);

  Job fill = import(file, "fill_empty");
  EXPECT_EQ(report(fill)["updated"], 1);
  auto f = by_email("a@x.fr");
  EXPECT_EQ(f->first_name, "Anne");  // kept
  EXPECT_EQ(f->city, "Lyon");        // kept
  EXPECT_EQ(f->company, "Acme");     // filled
  EXPECT_EQ(f->tags, (std::vector<std::string>{"salon", "web"}));
  EXPECT_EQ(f->email, "a@x.fr");  // the columns the merge did not change stay as they were
  EXPECT_EQ(f->status, "new");
  EXPECT_EQ(f->created_at, created->created_at);
  EXPECT_GE(f->updated_at, created->updated_at);
  expect_search("Acme", 1);  // a searched column filled: the search index follows

  Job again = import(file, "fill_empty");
  EXPECT_EQ(report(again)["updated"], 0);  // nothing left to fill

  Job over = import(file, "overwrite");
  EXPECT_EQ(report(over)["updated"], 1);
  auto o = by_email("a@x.fr");
  EXPECT_EQ(o->first_name, "Annie");
  EXPECT_EQ(o->city, "Paris");
  EXPECT_EQ(all().size(), 1u);
  expect_search("Annie", 1);
  expect_search("Anne", 0);
  expect_search("Lyon", 0);
}

// A duplicate updating a prospect added earlier in the same batch (not yet in the full-text
// index while the batch runs) must leave the index whole and right.
TEST_F(ImportTask, DuplicateOfARowOfTheSameBatchKeepsTheSearchIndexRight) {
  Job j = import("Email,Prénom,Ville\na@x.fr,Anne,\nA@X.FR,Annie,Lyon\nb@x.fr,Bruno,Nice\n", "overwrite");
  ASSERT_EQ(j.state, "succeeded") << j.error;
  EXPECT_EQ(report(j)["updated"], 1);
  expect_search("Annie", 1);
  expect_search("Anne", 0);
  expect_search("Lyon", 1);
  expect_search("Bruno", 1);
  ASSERT_TRUE(store_->delete_prospect(by_email("a@x.fr")->id));
  expect_search("Annie", 0);
}

// Regression: a phone-only row was skipped as a duplicate of the file because an earlier row
// with that phone had been skipped itself (a duplicate of another e-mail): nobody had the
// phone, and the row was lost.
TEST_F(ImportTask, PhoneOfASkippedRowDoesNotHideANewProspect) {
  Job j = import("Email,Nom,Téléphone\na@x.fr,Anne,\nA@x.fr,Anne bis,06 12 34 56 78\n,Paul,0612345678\n", "skip");
  ASSERT_EQ(j.state, "succeeded") << j.error;
  ASSERT_EQ(all().size(), 2u);
  EXPECT_EQ(all()[1].last_name, "Paul");
  EXPECT_EQ(all()[1].phone, "+33612345678");
}

TEST_F(ImportTask, ProspectsWithoutEmailAreDeduplicatedOnThePhone) {
  Job j = import("Nom,Téléphone\nMartin,06 12 34 56 78\nMartin bis,+33612345678\nDurand,0698765432\n");
  ASSERT_EQ(j.state, "succeeded") << j.error;
  EXPECT_EQ(all().size(), 2u);
  EXPECT_EQ(report(j)["duplicates_in_file"], 1);
}

// Builds a file with every kind of row: valid, invalid, duplicates inside the file, rows
// spanning lines.
std::string mixed_file(int rows) {
  std::string s = "Prénom;Nom;E-mail;Téléphone;Ville;Notes\r\n";
  for (int i = 0; i < rows; ++i) {
    std::string email = i % 17 == 5 ? "invalide-" + std::to_string(i) : "p" + std::to_string(i % 250) + "@exemple.fr";
    if (i % 29 == 3) email = " P" + std::to_string(i % 250) + "@Exemple.FR ";
    s += "Prénom" + std::to_string(i) + ";Nom;" + email + ";;Ville " + std::to_string(i % 7) + ";\"ligne 1\nligne; 2\"\r\n";
  }
  return s;
}

TEST_F(ImportTask, ResumingAtEveryBatchBoundaryGivesTheSameProspectsAndReport) {
  std::string file = mixed_file(400);
  auto reference = open("reference.db");
  Job whole = import(file, "fill_empty", 1000, false, reference.get());
  ASSERT_EQ(whole.state, "succeeded") << whole.error;

  Job pieces = import(file, "fill_empty", 7, true);
  ASSERT_EQ(pieces.state, "succeeded") << pieces.error;
  EXPECT_GE(resumes_, 50);  // 400 rows / 7 a batch: stopped and resumed after each batch

  auto a = report(whole), b = report(pieces);
  for (const char* k : {"rows", "inserted", "updated", "duplicates_in_file", "duplicates_existing", "rejected", "fixed"})
    EXPECT_EQ(a[k], b[k]) << k;
  EXPECT_EQ(a["rows"], 400);
  EXPECT_GT(a["fixed"], 0) << "the upper-case e-mails";
  auto pa = all(reference.get()), pb = all();
  ASSERT_EQ(pa.size(), pb.size());
  for (size_t i = 0; i < pa.size(); ++i) {
    EXPECT_EQ(pa[i].email, pb[i].email);
    EXPECT_EQ(pa[i].first_name, pb[i].first_name);
    EXPECT_EQ(pa[i].notes, pb[i].notes);
  }
  EXPECT_EQ(rejects(pieces).size(), static_cast<size_t>(a["rejected"].get<long long>()));
}

// A file said to be UTF-8 is checked as it is read. Bytes that are not UTF-8 in its middle
// send the rest of the import to the file's UTF-8 copy, from the last row read before them:
// stopped and resumed after every batch (before the switch, across it, after it), a file with
// a BOM ends with the same prospects and report as the same text with U+FFFD already in place.
TEST_F(ImportTask, BytesThatAreNotUtf8MidFileSwitchToTheCopyThereAndResumeRight) {
  std::string good = mixed_file(400);
  std::string bad = good;
  for (const std::string& row : {std::string("Prénom200;"), std::string("Prénom301;")}) {
    size_t at = bad.find(row);
    ASSERT_NE(at, std::string::npos);
    bad.insert(at + row.size() - 1, row == "Prénom200;" ? "\xFF" : "\xC3");  // a lone byte, a cut sequence
  }
  std::string fixed = bad;
  for (const char* b : {"\xFF;", "\xC3;"}) fixed.replace(fixed.find(b), 1, "\xEF\xBF\xBD");
  ASSERT_EQ(fixed.find('\xFF'), std::string::npos);

  auto reference = open("reference.db");
  Job whole = import(fixed, "fill_empty", 1000, false, reference.get());
  ASSERT_EQ(whole.state, "succeeded") << whole.error;
  // In one run (the switch inside a batch), then stopped after each batch.
  auto straight_store = open("straight.db");
  Job straight = import("\xEF\xBB\xBF" + bad, "fill_empty", 7, false, straight_store.get());
  ASSERT_EQ(straight.state, "succeeded") << straight.error;
  Job pieces = import("\xEF\xBB\xBF" + bad, "fill_empty", 7, true);
  ASSERT_EQ(pieces.state, "succeeded") << pieces.error;
  EXPECT_GE(resumes_, 50);

  auto pa = all(reference.get());
  for (auto [job, store] : {std::pair{&straight, straight_store.get()}, std::pair{&pieces, store_.get()}}) {
    auto a = report(whole), b = report(*job);
    for (const char* k : {"rows", "inserted", "updated", "duplicates_in_file", "duplicates_existing", "rejected", "fixed"})
      EXPECT_EQ(a[k], b[k]) << k;
    auto pb = all(store);
    ASSERT_EQ(pa.size(), pb.size());
    for (size_t i = 0; i < pa.size(); ++i) {
      EXPECT_EQ(pa[i].email, pb[i].email);
      EXPECT_EQ(pa[i].first_name, pb[i].first_name);
      EXPECT_EQ(pa[i].notes, pb[i].notes);
    }
  }
  EXPECT_TRUE(by_email("p200@exemple.fr")->first_name.value_or("").ends_with("\xEF\xBF\xBD")) << "the lone byte replaced";
  auto logs = *store_->job_logs(pieces.id, 0, 10000);
  EXPECT_EQ(std::count_if(logs.begin(), logs.end(), [](const JobLog& l) { return l.message.starts_with("conversion du fichier"); }), 1)
      << "the copy is made once and used by the runs after";
  EXPECT_FALSE(std::filesystem::exists(dir_ / "data" / "uploads" / ("import-" + json::parse(pieces.params)["import_id"].dump() + ".utf8")))
      << "the copy is removed at the end";
}

// Valid UTF-8 cut by the end of a chunk read (1 MiB) is not taken for invalid bytes.
TEST_F(ImportTask, AUtf8CharacterCutByTheEndOfAReadIsNotAConversion) {
  std::string file = "E-mail;Notes\n";
  int n = 0;
  while (file.size() < (1u << 20) - 100) file += "r" + std::to_string(n++) + "@exemple.fr;note\n";
  file += "last@exemple.fr;";
  while (file.size() < (1u << 20) - 1) file += "x";
  file += "\xE2\x82\xAC fin\nz@exemple.fr;ok\n";  // "€": its first byte is the chunk's last
  ASSERT_EQ(file.substr((1u << 20) - 1, 3), "\xE2\x82\xAC");
  Job j = import(file);
  ASSERT_EQ(j.state, "succeeded") << j.error;
  auto logs = *store_->job_logs(j.id, 0, 10000);
  for (const auto& l : logs) EXPECT_FALSE(l.message.starts_with("conversion du fichier")) << l.message;
  SQLite::Database db((dir_ / "a.db").string(), SQLite::OPEN_READONLY);
  auto notes = [&](const char* email) {
    SQLite::Statement st(db, "SELECT notes FROM prospects WHERE email = ?");
    st.bind(1, email);
    return st.executeStep() ? st.getColumn(0).getString() : std::string("(none)");
  };
  EXPECT_TRUE(notes("last@exemple.fr").ends_with("\xE2\x82\xAC fin")) << notes("last@exemple.fr");
  EXPECT_EQ(notes("z@exemple.fr"), "ok");
  EXPECT_EQ(report(j)["inserted"], n + 2);
}

// A large file into an empty base loads without the list indexes and builds them at the
// end: the same prospects and report as a load that keeps them, and every index back.
TEST_F(ImportTask, AnImportIntoAnEmptyBaseBuildsTheListIndexesAfterItsLoad) {
  std::string file = mixed_file(400);
  auto reference = open("reference.db");
  Job whole = import(file, "fill_empty", 1000, false, reference.get());
  ASSERT_EQ(whole.state, "succeeded") << whole.error;
  const auto indexes = prospect_indexes();
  EXPECT_TRUE(indexes.contains("prospects_sector") && indexes.contains("prospects_email")) << indexes.size();

  bulk_min_bytes_ = 0;
  Job bulk = import(file, "fill_empty", 50);
  ASSERT_EQ(bulk.state, "succeeded") << bulk.error;
  bool deferred = false;
  auto logs = store_->job_logs(bulk.id, 0, 1000);
  ASSERT_TRUE(logs);
  for (const auto& l : *logs)
    deferred = deferred || l.message.find("construits après le chargement") != std::string::npos;
  EXPECT_TRUE(deferred) << "the list indexes were kept during the load";
  EXPECT_EQ(prospect_indexes(), indexes);
  {
    // Built from sorted keys into their b-trees (presorted_index.hpp): SQLite finds them sound.
    SQLite::Database db((dir_ / "a.db").string(), SQLite::OPEN_READONLY);
    EXPECT_EQ(db.execAndGet("PRAGMA integrity_check").getString(), "ok");
    EXPECT_EQ(db.execAndGet("SELECT count(*) FROM sqlite_schema WHERE name LIKE 'mimicom%'").getInt(), 0);
  }
  auto a = report(whole), b = report(bulk);
  for (const char* k : {"rows", "inserted", "updated", "duplicates_in_file", "duplicates_existing", "rejected", "fixed"})
    EXPECT_EQ(a[k], b[k]) << k;
  auto pa = all(reference.get()), pb = all();
  ASSERT_EQ(pa.size(), pb.size());
  for (size_t i = 0; i < pa.size(); ++i) {
    EXPECT_EQ(pa[i].email, pb[i].email);
    EXPECT_EQ(pa[i].notes, pb[i].notes);
  }
  for (const char* city : {"Ville 0", "Ville 3", "Ville 6"}) {  // through the city index, rebuilt
    ProspectQuery by_city;
    by_city.per_page = kMaxPerPage;
    by_city.filter.city = {city};
    auto ra = reference->list_prospects(by_city)->items, rb = store_->list_prospects(by_city)->items;
    EXPECT_GT(ra.size(), 0u) << city;
    ASSERT_EQ(ra.size(), rb.size()) << city;
    for (size_t i = 0; i < ra.size(); ++i) EXPECT_EQ(ra[i].email, rb[i].email) << city << " " << i;
  }
  expect_email_taken(pb.front().email.value());
  ProspectQuery q;
  q.filter.q = "Prénom7";
  size_t hits = reference->list_prospects(q)->items.size();
  EXPECT_GT(hits, 0u);
  expect_search("Prénom7", hits);
}

// Stopped after every batch, the job keeps its indexes deferred from one run to the next and
// builds them once, at its end; meanwhile the unique e-mail rule holds for other writers
// (without its index),
// search finds what the load added, and the lists answer (without their indexes).
TEST_F(ImportTask, ResumingWithTheListIndexesDeferredKeepsEveryRule) {
  std::string file = mixed_file(400);
  auto reference = open("reference.db");
  Job whole = import(file, "fill_empty", 1000, false, reference.get());
  ASSERT_EQ(whole.state, "succeeded") << whole.error;
  const auto indexes = prospect_indexes("reference.db");

  bulk_min_bytes_ = 0;
  int checks = 0;
  between_runs_ = [&] {
    auto now = prospect_indexes();
    EXPECT_FALSE(now.contains("prospects_sector"));
    EXPECT_FALSE(now.contains("prospects_email") || now.contains("prospects_phone"));
    EXPECT_TRUE(now.contains("prospects_rev") && now.contains("prospects_created"));
    if (checks++ != 3) return;
    expect_email_taken("p1@exemple.fr");  // imported by the first batches
    ProspectQuery q;
    q.filter.q = "Prénom1";
    EXPECT_GE(store_->list_prospects(q)->total, 1);
    q.filter = {};
    q.filter.sector = {"x"};
    EXPECT_EQ(store_->list_prospects(q)->total, 0);
  };
  Job pieces = import(file, "fill_empty", 7, true);
  ASSERT_EQ(pieces.state, "succeeded") << pieces.error;
  EXPECT_GE(checks, 50);
  EXPECT_EQ(prospect_indexes(), indexes);
  auto a = report(whole), b = report(pieces);
  for (const char* k : {"rows", "inserted", "updated", "duplicates_in_file", "duplicates_existing", "rejected", "fixed"})
    EXPECT_EQ(a[k], b[k]) << k;
  auto pa = all(reference.get()), pb = all();
  ASSERT_EQ(pa.size(), pb.size());
  for (size_t i = 0; i < pa.size(); ++i) {
    EXPECT_EQ(pa[i].email, pb[i].email);
    EXPECT_EQ(pa[i].first_name, pb[i].first_name);
  }
  ProspectQuery q;
  q.filter.q = "Prénom7";
  size_t hits = reference->list_prospects(q)->items.size();
  EXPECT_GT(hits, 0u);
  expect_search("Prénom7", hits);
}

// Rows keyed on e-mails and on phones, with duplicates of both kinds inside the file.
std::string keyed_file(int rows) {
  std::string s = "Prénom,Nom,E-mail,Téléphone,Société\n";
  auto phone = [](int k) {
    std::string d = std::to_string(k % 60);
    return "06 12 34 " + std::string(4 - d.size(), '0') + d.substr(0, 2) + " " + d.substr(d.size() >= 2 ? 2 : 0);
  };
  for (int i = 0; i < rows; ++i) {
    std::string email, tel;
    if (i % 5 == 0) tel = phone(i / 5);  // phone only
    else email = (i % 7 == 1 ? "E" : "e") + std::to_string(i % 150) + "@x.fr";
    if (i % 9 == 4) tel = phone(i);  // an e-mail and a phone
    s += "P" + std::to_string(i) + ",N" + std::to_string(i % 3) + "," + email + "," + tel + "," +
         (i % 4 ? "" : "Co" + std::to_string(i)) + "\n";
  }
  return s;
}

// Without the unique e-mail index and the phone index (deferred for a bulk load), duplicates
// are found in memory: exactly those the indexes find, for every policy.
TEST_F(ImportTask, ABulkLoadFindsTheSameDuplicatesWithoutTheKeyIndexes) {
  const std::string file = keyed_file(600);
  for (const char* policy : {"skip", "fill_empty", "overwrite"}) {
    SCOPED_TRACE(policy);
    auto reference = open(std::string("ref-") + policy + ".db");
    auto bulk = open(std::string("bulk-") + policy + ".db");
    bulk_min_bytes_ = 1LL << 40;
    Job a = import(file, policy, 40, false, reference.get());
    bulk_min_bytes_ = 0;
    Job b = import(file, policy, 40, false, bulk.get());
    expect_same_imports(a, reference.get(), b, bulk.get());
  }
}

// Other writers between the batches of a bulk load without the key indexes: a prospect they
// add, change or delete is met by the load's later rows exactly as with the indexes, and
// they cannot take an e-mail that a prospect has.
TEST_F(ImportTask, WritersDuringABulkLoadWithoutTheKeyIndexesKeepEveryRule) {
  std::string file = "E-mail,Prénom,Téléphone\n";
  for (int i = 0; i < 60; ++i) file += "m" + std::to_string(i) + "@x.fr,P" + std::to_string(i) + ",\n";
  file += ",Tel,06 99 99 99 99\n";
  for (int i = 0; i < 60; ++i) file += "m" + std::to_string(i) + "@x.fr,Again" + std::to_string(i) + ",\n";
  file += "later@x.fr,Later,\nmoved@x.fr,Moved,\n";
  bulk_min_bytes_ = 0;
  int run = 0;
  between_runs_ = [&] {
    ++run;
    EXPECT_FALSE(prospect_indexes().contains("prospects_email"));
    if (run == 2) {
      Prospect p;
      p.email = "later@x.fr";  // further in the file: a duplicate of an existing prospect there
      p.first_name = "Api";
      ASSERT_TRUE(store_->create_prospect(p));
      expect_email_taken("m0@x.fr");  // imported by the first batch
      Prospect tel;
      tel.phone = "+33699999999";  // the phone-only row further on
      tel.first_name = "ApiTel";
      ASSERT_TRUE(store_->create_prospect(tel));
      auto m1 = by_email("m1@x.fr");
      ASSERT_TRUE(m1);
      ASSERT_TRUE(store_->delete_prospect(m1->id));  // its second row comes back as new
      auto m2 = by_email("m2@x.fr");
      ASSERT_TRUE(m2);
      m2->email = "moved@x.fr";  // its second row is new; moved@ is now a duplicate
      ASSERT_TRUE(store_->update_prospect(*m2));
      auto m3 = by_email("m3@x.fr");
      m3->email = "m4@x.fr";
      auto clash = store_->update_prospect(*m3);
      ASSERT_FALSE(clash);
      EXPECT_EQ(clash.error().code, Error::Code::Conflict);
    }
  };
  Job j = import(file, "skip", 25, true);
  ASSERT_EQ(j.state, "succeeded") << j.error;
  EXPECT_GE(run, 4);
  auto r = report(j);
  EXPECT_EQ(r["rows"], 123);
  // The writes come after the second batch (rows 1-50); the rows they meet, from row 61 on.
  EXPECT_EQ(r["inserted"], 60 + 2);        // m0..m59, then m1 and m2 again
  EXPECT_EQ(r["duplicates_existing"], 3);  // the phone (ApiTel), later@ (Api), moved@ (m2)
  EXPECT_EQ(r["duplicates_in_file"], 58);
  std::set<std::string> emails;
  for (const auto& p : all()) {
    if (!p.email) continue;
    EXPECT_TRUE(emails.insert(*p.email).second) << "twice: " << *p.email;
  }
  EXPECT_EQ(by_email("later@x.fr")->first_name, "Api");
  EXPECT_EQ(by_email("m1@x.fr")->first_name, "Again1");
  EXPECT_EQ(by_email("m2@x.fr")->first_name, "Again2");
  EXPECT_EQ(by_email("moved@x.fr")->first_name, "P2");
  EXPECT_TRUE(prospect_indexes().contains("prospects_email"));
}

// A large file imported into a base that has its prospects (its key indexes are kept) finds its
// duplicates through the store's keys in memory (ImportBatch::keyed): exactly those the indexes
// find, for every policy.
TEST_F(ImportTask, AReImportThroughTheKeysInMemoryFindsWhatTheIndexesFind) {
  const std::string first = keyed_file(600), again = keyed_file(900);
  for (const char* policy : {"skip", "fill_empty", "overwrite"}) {
    SCOPED_TRACE(policy);
    auto reference = open(std::string("ref-") + policy + ".db");
    auto keyed = open(std::string("keyed-") + policy + ".db");
    bulk_min_bytes_ = 1LL << 40;
    ASSERT_EQ(import(first, "skip", 1000, false, reference.get()).state, "succeeded");
    ASSERT_EQ(import(first, "skip", 1000, false, keyed.get()).state, "succeeded");
    Job a = import(again, policy, 40, false, reference.get());
    bulk_min_bytes_ = 0;
    Job b = import(again, policy, 40, false, keyed.get());
    expect_same_imports(a, reference.get(), b, keyed.get());
    EXPECT_GT(report(a)["duplicates_existing"], 0);
  }
}

// Other writers between the batches of such an import: a prospect they add, delete or give
// another e-mail is met by the import's later rows as the indexes would find it (the keys in
// memory name candidates, which the stored rows confirm or not).
TEST_F(ImportTask, WritersDuringAReImportThroughTheKeysInMemoryAreMetRight) {
  std::string base = "E-mail,Prénom,Société\n";
  for (int i = 0; i < 60; ++i) base += "m" + std::to_string(i) + "@x.fr,P" + std::to_string(i) + ",\n";
  ASSERT_EQ(import(base).state, "succeeded");
  std::string file = "E-mail,Prénom,Société\n";
  for (int i = 0; i < 60; ++i) file += "m" + std::to_string(i) + "@x.fr,Again" + std::to_string(i) + ",Co\n";
  file += "later@x.fr,Later,Co\nmoved@x.fr,Moved,Co\n";
  bulk_min_bytes_ = 0;
  int run = 0;
  between_runs_ = [&] {
    if (++run != 1) return;
    EXPECT_TRUE(prospect_indexes().contains("prospects_email"));
    Prospect p;
    p.email = "later@x.fr";
    p.first_name = "Api";
    ASSERT_TRUE(store_->create_prospect(p));
    auto m31 = by_email("m31@x.fr");
    ASSERT_TRUE(m31);
    ASSERT_TRUE(store_->delete_prospect(m31->id));  // its row comes back as new
    auto m32 = by_email("m32@x.fr");
    ASSERT_TRUE(m32);
    m32->email = "moved@x.fr";  // its row is new; moved@ is now a duplicate of it
    ASSERT_TRUE(store_->update_prospect(*m32));
  };
  Job j = import(file, "fill_empty", 25, true);
  ASSERT_EQ(j.state, "succeeded") << j.error;
  EXPECT_GE(run, 2);  // a stop after each of its 3 batches but the last, at least (more under load)
  auto r = report(j);
  EXPECT_EQ(r["rows"], 62);
  EXPECT_EQ(r["inserted"], 2);              // m31 and m32 again
  EXPECT_EQ(r["duplicates_existing"], 60);  // 58 of m0..m59, later@ (Api), moved@ (P32)
  EXPECT_EQ(r["updated"], 60);              // each gets its company
  EXPECT_EQ(by_email("later@x.fr")->first_name, "Api");
  EXPECT_EQ(by_email("later@x.fr")->company, "Co");
  EXPECT_EQ(by_email("m31@x.fr")->first_name, "Again31");
  EXPECT_EQ(by_email("m32@x.fr")->first_name, "Again32");
  EXPECT_EQ(by_email("moved@x.fr")->first_name, "P32");
  EXPECT_EQ(by_email("m0@x.fr")->first_name, "P0");
  EXPECT_EQ(by_email("m0@x.fr")->company, "Co");
  EXPECT_EQ(all().size(), 62u);  // 60, Api's, one deleted, two new
}

// The reader's hints (Store::find_known_prospects) are checked against the row's e-mail before
// the writer trusts them: a hint made stale by another writer between the look-up and the
// batch costs a look-up, never a wrong merge nor a doubled prospect.
TEST_F(ImportTask, TheReadersHintsAreRightAndAStaleOneNeverMergesIntoTheWrongProspect) {
  auto make = [&](const std::string& email) {
    Prospect p;
    p.email = email;
    auto r = store_->create_prospect(p);
    EXPECT_TRUE(r) << email;
    return r ? r->id : 0;
  };
  const long long a = make("a@x.fr"), b = make("b@x.fr");
  auto row = [&](const std::string& email, const std::string& city) {
    ImportRow r;
    r.prospect.email = email;
    r.prospect.city = city;
    r.given = import_field_bit("email") | import_field_bit("city");
    return r;
  };
  ImportBatch batch;
  batch.policy = DuplicatePolicy::FillEmpty;
  batch.rows = {row("a@x.fr", "Paris"), row("b@x.fr", "Brest"), row("c@x.fr", "Caen"), row("d@x.fr", "Dijon")};
  ImportRow earlier = row("a@x.fr", "Autre");
  earlier.duplicate_in_file = true;
  batch.rows.push_back(earlier);
  store_->find_known_prospects(batch);
  std::vector<long long> hints;
  for (const auto& r : batch.rows) hints.push_back(r.known_id);
  EXPECT_EQ(hints, (std::vector<long long>{a, b, 0, 0, -1})) << "a row with an earlier one in the file is not looked up";

  // Then other writers: c comes, and the hints of a and d name prospects that do not have their e-mail.
  const long long c = make("c@x.fr");
  batch.rows[0].known_id = b;
  batch.rows[3].known_id = a;
  batch.rows.pop_back();
  ImportFile f;
  f.file_name = "hints.csv";
  f.path = (dir_ / "hints.csv").string();
  auto imp = store_->create_import(f);
  ASSERT_TRUE(imp);
  batch.import_id = imp->id;
  auto job = store_->start_import(imp->id, "{}", "fill_empty", {"import", json{{"import_id", imp->id}}.dump()}, 0);
  ASSERT_TRUE(job);
  auto taken = queue_->take("w", std::chrono::milliseconds(0));
  ASSERT_TRUE(taken && *taken);
  JobFence fence{(*taken)->id, (*taken)->attempt};
  auto n = store_->import_batch(batch, fence, [](const ImportCounts&) { return std::string("{}"); }, 1, 1, 0);
  ASSERT_TRUE(n) << n.error().message;
  EXPECT_EQ(n->inserted, 1);
  EXPECT_EQ(n->duplicates_existing, 3);
  EXPECT_EQ(n->updated, 3);
  EXPECT_EQ(all().size(), 4u);
  EXPECT_EQ(store_->get_prospect(a)->city, "Paris");
  EXPECT_EQ(store_->get_prospect(b)->city, "Brest");
  EXPECT_EQ(store_->get_prospect(c)->city, "Caen");
  EXPECT_EQ(by_email("d@x.fr")->city, "Dijon");
}

// A bulk load leaves its prospects out of the full-text index until the store's catch-up
// indexes them: meanwhile search answers as the index will (a scan of the rows left out),
// other writers keep the index right, and a restart takes the catch-up up again.
TEST_F(ImportTask, SearchIsRightWhileTheSearchIndexCatchesUpAndAfterARestart) {
  std::string file = mixed_file(400);
  auto reference = open("reference.db");
  ASSERT_EQ(import(file, "fill_empty", 1000, false, reference.get()).state, "succeeded");
  bulk_min_bytes_ = 0;
  Job bulk = import(file, "fill_empty", 50);
  ASSERT_EQ(bulk.state, "succeeded") << bulk.error;
  ASSERT_TRUE(store_->catch_up_search_index(true));

  auto backlog = [&] {
    SQLite::Database db((dir_ / "a.db").string(), SQLite::OPEN_READONLY);
    return db.execAndGet("SELECT unindexed_from FROM bulk_mode").getInt64();
  };
  EXPECT_EQ(backlog(), 0) << "caught up";
  // The state a crash in the middle of the catch-up leaves: the rows from `from` on out of
  // the index, bulk_mode saying so.
  const long long from = all()[all().size() / 3].id;
  {
    SQLite::Database db((dir_ / "a.db").string(), SQLite::OPEN_READWRITE);
    db.exec("INSERT INTO prospects_fts (prospects_fts, rowid, first_name, last_name, company, email, job_title, city) "
            "SELECT 'delete', id, first_name, last_name, company, email, job_title, city FROM prospects WHERE id >= " +
            std::to_string(from));
    db.exec("UPDATE bulk_mode SET unindexed_from = " + std::to_string(from));
  }
  auto same_search = [&](const std::string& words, Store& expected) {
    ProspectQuery q;
    q.per_page = kMaxPerPage;
    q.sort = {"id", false};
    q.filter.q = words;
    auto a = expected.list_prospects(q), b = store_->list_prospects(q);
    ASSERT_TRUE(a && b);
    EXPECT_EQ(a->total, b->total) << words;
    ASSERT_EQ(a->items.size(), b->items.size()) << words;
    for (size_t i = 0; i < a->items.size(); ++i) EXPECT_EQ(a->items[i].email, b->items[i].email) << words;
    EXPECT_EQ(*expected.count_prospects(q.filter), *store_->count_prospects(q.filter)) << words;
  };
  for (const char* words : {"Prénom7", "prenom3", "PRÉNOM", "exemple", "p12@exemple", "ville 3", "nom", "zzz"})
    same_search(words, *reference);

  // Writers meanwhile: a row left out changes, another goes, a new one comes.
  auto late = all().back();
  late.first_name = "Zébulon";
  ASSERT_TRUE(store_->update_prospect(late));
  ASSERT_TRUE(store_->delete_prospect(all()[all().size() - 2].id));
  Prospect added;
  added.email = "nouveau@exemple.fr";
  added.first_name = "Zébulon";
  ASSERT_TRUE(store_->create_prospect(added));
  ProspectQuery q;
  q.filter.q = "zebul";
  EXPECT_EQ(store_->list_prospects(q)->total, 2);
  EXPECT_EQ(backlog(), from) << "the catch-up did not run: the test drives it";

  // A restart: the store's opening takes the catch-up up again.
  queue_.reset();
  store_.reset();
  store_ = open("a.db");
  ASSERT_TRUE(store_->catch_up_search_index(true));
  EXPECT_EQ(backlog(), 0);
  expect_search("zebul", 2);
  q.filter.q = "Prénom7";
  EXPECT_EQ(store_->list_prospects(q)->total, reference->list_prospects(q)->total);
  // The catch-up turns FTS5's automatic merging off while it writes, and on again at its end.
  SQLite::Database db((dir_ / "a.db").string(), SQLite::OPEN_READONLY);
  EXPECT_EQ(db.execAndGet("SELECT v FROM prospects_fts_config WHERE k = 'automerge'").getInt(), 4);
  // Then it merges the index into one segment (the writers above and its chunks had made several).
  EXPECT_EQ(db.execAndGet("SELECT count(DISTINCT segid) FROM prospects_fts_idx").getInt(), 1);
}

// A base made before migrations 008 and 009 (its full-text index kept column sizes and
// positions): the upgrade makes the index again without them, in the background, and search
// gives the same answers before, during and after.
TEST_F(ImportTask, ABaseFromBeforeTheSearchIndexWithoutColumnSizesIsReindexed) {
  ASSERT_EQ(import(mixed_file(300), "skip").state, "succeeded");
  auto search = [&](const std::string& words) {
    ProspectQuery q;
    q.per_page = kMaxPerPage;
    q.sort = {"id", false};
    q.filter.q = words;
    auto page = store_->list_prospects(q);
    EXPECT_TRUE(page) << words;
    std::vector<std::string> emails;
    if (page)
      for (const auto& p : page->items) emails.push_back(p.email.value_or(""));
    return emails;
  };
  const std::vector<std::string> words = {"Prénom7", "prenom3", "exemple", "p12@exemple", "ville 3", "zzz"};
  std::map<std::string, std::vector<std::string>> before;
  for (const auto& w : words) before[w] = search(w);
  ASSERT_FALSE(before["Prénom7"].empty());
  queue_.reset();
  store_.reset();
  {
    // The index as migration 001 made it, full, and neither 008 nor 009 applied.
    SQLite::Database db((dir_ / "a.db").string(), SQLite::OPEN_READWRITE);
    db.exec("DELETE FROM schema_migrations WHERE name IN ('008_search_without_column_sizes.sql', "
            "'009_search_without_positions.sql')");
    db.exec("DROP TABLE prospects_fts");
    db.exec("CREATE VIRTUAL TABLE prospects_fts USING fts5 (first_name, last_name, company, email, job_title, city, "
            "content = 'prospects', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2')");
    db.exec("INSERT INTO prospects_fts (prospects_fts) VALUES ('rebuild')");
    ASSERT_GT(db.execAndGet("SELECT count(*) FROM prospects_fts_docsize").getInt(), 0);
  }
  store_ = open("a.db");
  {
    SQLite::Database db((dir_ / "a.db").string(), SQLite::OPEN_READONLY);
    std::string sql = db.execAndGet("SELECT sql FROM sqlite_master WHERE name = 'prospects_fts'").getString();
    EXPECT_NE(sql.find("columnsize = 0"), std::string::npos) << sql;
    EXPECT_NE(sql.find("detail = none"), std::string::npos) << sql;
  }
  for (const auto& w : words) EXPECT_EQ(search(w), before[w]) << w << " (during or after the catch-up)";
  ASSERT_TRUE(store_->catch_up_search_index(true));
  SQLite::Database db((dir_ / "a.db").string(), SQLite::OPEN_READONLY);
  EXPECT_EQ(db.execAndGet("SELECT unindexed_from FROM bulk_mode").getInt64(), 0);
  EXPECT_FALSE(db.tableExists("prospects_fts_docsize"));
  for (const auto& w : words) EXPECT_EQ(search(w), before[w]) << w;
  expect_search("Prénom7", before["Prénom7"].size());
}

// A new base gets 16 KiB pages; a base made with 4 KiB ones keeps them and works as before.
TEST_F(ImportTask, ANewBaseHasLargePagesAndAnOlderOneKeepsItsOwn) {
  {
    SQLite::Database db((dir_ / "a.db").string(), SQLite::OPEN_READONLY);
    EXPECT_EQ(db.execAndGet("PRAGMA page_size").getInt(), 16384);
  }
  {
    SQLite::Database old((dir_ / "old.db").string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    old.exec("PRAGMA page_size = 4096");
    old.exec("CREATE TABLE made_before (x)");
  }
  auto old = open("old.db");
  ASSERT_TRUE(old);
  Prospect p;
  p.email = "ancienne@exemple.fr";
  p.last_name = "Ancienne";
  ASSERT_TRUE(old->create_prospect(p));
  EXPECT_EQ(old->count_prospects({.q = "ancien"}).value(), 1);
  SQLite::Database db((dir_ / "old.db").string(), SQLite::OPEN_READONLY);
  EXPECT_EQ(db.execAndGet("PRAGMA page_size").getInt(), 4096);
}

// Indexes deferred by a job that will never build them (it failed, or is gone) are built when
// the store opens; a job never defers them while another job has them deferred.
TEST_F(ImportTask, IndexesLeftDeferredByAnEndedJobAreBuiltAtTheNextStart) {
  const auto indexes = prospect_indexes();
  auto names = store_->defer_prospect_indexes(424242, 10);
  ASSERT_TRUE(names) << names.error().message;
  EXPECT_EQ(names->size(), indexes.size() - 2) << "all but the revision and creation indexes";
  EXPECT_EQ(prospect_indexes().size(), 2u);
  EXPECT_TRUE(store_->defer_prospect_indexes(424243, 10)->empty()) << "deferred by another job already";
  EXPECT_EQ(store_->defer_prospect_indexes(424242, 10)->size(), names->size()) << "the same job, again";
  queue_.reset();
  store_.reset();
  store_ = open("a.db");
  EXPECT_EQ(prospect_indexes(), indexes);
}

TEST_F(ImportTask, ABaseLargerThanTheLimitKeepsItsIndexes) {
  for (int i = 0; i < 3; ++i) {
    Prospect p;
    p.email = "x" + std::to_string(i) + "@x.fr";
    ASSERT_TRUE(store_->create_prospect(p));
  }
  const auto indexes = prospect_indexes();
  EXPECT_TRUE(store_->defer_prospect_indexes(1, 2)->empty());
  EXPECT_EQ(prospect_indexes(), indexes);
  EXPECT_EQ(store_->defer_prospect_indexes(1, 3)->size(), indexes.size() - 2);
  EXPECT_EQ(*store_->build_deferred_indexes(1, {}), static_cast<long long>(indexes.size() - 2));
  EXPECT_EQ(prospect_indexes(), indexes);
}

TEST_F(ImportTask, AMappingWithoutEmailOrPhoneFailsClearly) {
  Job j = import("Email,Ville\na@x.fr,Lyon\n", "skip", 1000, false, nullptr, {{"Email", ""}, {"Ville", "city"}});
  EXPECT_EQ(j.state, "failed");
  EXPECT_NE(j.error.find("e-mail ou au téléphone"), std::string::npos) << j.error;
}

}  // namespace
}  // namespace mimicom
