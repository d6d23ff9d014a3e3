// The Store conformance suite: the same behaviour, checked on every backend that exists.
// SQLite always; MongoDB joins when built (MIMICOM_TEST_MONGODB_URI).
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <map>
#include <random>
#include <set>

#include "core/prospects.hpp"
#include "store/kpi_cache.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "store/store.hpp"

namespace mimicom {
namespace {

struct Backend {
  std::string name;
  std::function<std::unique_ptr<Store>(const std::string& dir)> open;
};

void PrintTo(const Backend& b, std::ostream* os) { *os << b.name; }

std::vector<Backend> backends() {
  return {{"sqlite", [](const std::string& dir) {
             auto s = open_sqlite_store({.path = dir + "/store.db", .connections = 4});
             if (!s) throw std::runtime_error(s.error().message);
             return std::move(*s);
           }}};
}

class StoreConformance : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("mimicom-store-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    store_ = GetParam().open(dir_.string());
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  Prospect make(const std::string& email, const std::string& sector = "Industrie", std::string status = "new") {
    Prospect p;
    p.email = email;
    p.first_name = "Élodie";
    p.last_name = "Martin";
    p.company = "Acme";
    p.sector = sector;
    p.status = std::move(status);
    return p;
  }

  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
};

TEST_P(StoreConformance, ProspectRoundTripsEveryField) {
  Prospect p = make("elodie@acme.fr");
  p.phone = "+33612345678";
  p.job_title = "DAF";
  p.city = "Lyon";
  p.postal_code = "69002";
  p.region = "Auvergne-Rhône-Alpes";
  p.country = "FR";
  p.company_size = "50-249";
  p.employees = 120;
  p.annual_revenue = 1.5e7;
  p.source = "Salon";
  p.owner = "vendeur@mimicom.local";
  p.notes = "Rappeler, \"urgent\" — 10 000 €";
  p.tags = {"prioritaire", "salon-2026"};
  p.custom_fields = {{"linkedin", "https://linkedin.com/in/x"}, {"taille_stand", "12"}};
  p.opted_out = true;
  p.created_at = 1700000000;
  p.updated_at = 1700000001;
  p.last_contact_at = 1700000500;
  auto created = store_->create_prospect(p);
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_GT(created->id, 0);
  auto got = store_->get_prospect(created->id);
  ASSERT_TRUE(got);
  p.id = created->id;
  EXPECT_EQ(got->email, p.email);
  EXPECT_EQ(got->phone, p.phone);
  EXPECT_EQ(got->notes, p.notes);
  EXPECT_EQ(got->tags, p.tags);
  EXPECT_EQ(got->custom_fields, p.custom_fields);
  EXPECT_EQ(got->employees, p.employees);
  EXPECT_EQ(got->annual_revenue, p.annual_revenue);
  EXPECT_EQ(got->opted_out, true);
  EXPECT_EQ(got->created_at, 1700000000);
  EXPECT_EQ(got->last_contact_at, 1700000500);
  EXPECT_EQ(got->region, p.region);
}

TEST_P(StoreConformance, DuplicateEmailIsAConflictAndWritesNothing) {
  ASSERT_TRUE(store_->create_prospect(make("a@acme.fr")));
  Prospect dup = make("a@acme.fr");
  dup.tags = {"x"};
  auto r = store_->create_prospect(dup);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Error::Code::Conflict);
  EXPECT_EQ(r.error().fields.at(0).field, "email");
  EXPECT_EQ(store_->count_prospects({}).value(), 1);
  ProspectFilter tagged;
  tagged.tags = {"x"};
  EXPECT_EQ(store_->count_prospects(tagged).value(), 0);
}

TEST_P(StoreConformance, ProspectsWithoutEmailDoNotCollide) {
  Prospect a, b;
  a.phone = "+33612345678";
  b.phone = "+33612345679";
  EXPECT_TRUE(store_->create_prospect(a));
  EXPECT_TRUE(store_->create_prospect(b));
}

TEST_P(StoreConformance, UpdateRewritesFieldsAndTagsAndChecksEmail) {
  auto a = store_->create_prospect(make("a@acme.fr")).value();
  ASSERT_TRUE(store_->create_prospect(make("b@acme.fr")));
  a.company = "Nouvelle Société";
  a.tags = {"vip"};
  auto u = store_->update_prospect(a);
  ASSERT_TRUE(u);
  EXPECT_EQ(store_->get_prospect(a.id)->company, "Nouvelle Société");
  EXPECT_EQ(store_->get_prospect(a.id)->tags, std::vector<std::string>{"vip"});
  a.email = "b@acme.fr";
  auto clash = store_->update_prospect(a);
  ASSERT_FALSE(clash);
  EXPECT_EQ(clash.error().code, Error::Code::Conflict);
  EXPECT_EQ(store_->get_prospect(a.id)->email, "a@acme.fr");
  Prospect ghost = a;
  ghost.id = 999999;
  ghost.email = "ghost@acme.fr";
  auto missing = store_->update_prospect(ghost);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, Error::Code::NotFound) << missing.error().message;
}

TEST_P(StoreConformance, DeleteRemovesTheProspectAndItsTags) {
  Prospect p = make("a@acme.fr");
  p.tags = {"vip"};
  auto id = store_->create_prospect(p)->id;
  ASSERT_TRUE(store_->delete_prospect(id));
  EXPECT_EQ(store_->get_prospect(id).error().code, Error::Code::NotFound);
  EXPECT_EQ(store_->delete_prospect(id).error().code, Error::Code::NotFound);
  auto facets = store_->prospect_facets().value();
  for (const auto& [field, values] : facets.fields)
    if (field == "tags") EXPECT_TRUE(values.empty());
}

TEST_P(StoreConformance, ListFiltersSortsPagesAndCounts) {
  std::vector<std::string> sectors = {"Industrie", "BTP", "Santé"};
  for (int i = 0; i < 30; ++i) {
    Prospect p = make("p" + std::to_string(i) + "@acme.fr", sectors[i % 3], i % 2 ? "contacted" : "new");
    p.created_at = 1700000000 + i;
    p.company = "Société " + std::to_string(100 + i);
    if (i % 5 == 0) p.tags = {"vip"};
    ASSERT_TRUE(store_->create_prospect(p));
  }
  ProspectQuery q;
  q.filter.sector = {"BTP"};
  q.per_page = 4;
  auto page = store_->list_prospects(q).value();
  EXPECT_EQ(page.total, 10);
  ASSERT_EQ(page.items.size(), 4u);
  EXPECT_EQ(page.items[0].email, "p28@acme.fr");  // newest first by default
  EXPECT_EQ(page.items[1].email, "p25@acme.fr");
  q.page = 3;
  page = store_->list_prospects(q).value();
  ASSERT_EQ(page.items.size(), 2u);
  EXPECT_EQ(page.items[1].email, "p1@acme.fr");

  ProspectQuery multi;
  multi.filter.sector = {"BTP", "Santé"};
  multi.filter.status = {"contacted"};
  multi.sort = {"company", false};
  multi.per_page = 100;
  page = store_->list_prospects(multi).value();
  EXPECT_EQ(page.total, 10);
  for (size_t i = 1; i < page.items.size(); ++i) EXPECT_LT(*page.items[i - 1].company, *page.items[i].company);

  ProspectFilter vip;
  vip.tags = {"vip"};
  EXPECT_EQ(store_->count_prospects(vip).value(), 6);
  ProspectFilter ids;
  ids.ids = {1, 2, 3, 999};
  EXPECT_EQ(store_->count_prospects(ids).value(), 3);
}

TEST_P(StoreConformance, FullTextSearchIgnoresCaseAndAccentsAndMatchesPrefixes) {
  Prospect a = make("jean.dupont@boulangerie.fr");
  a.first_name = "Jérôme";
  a.last_name = "Dupont";
  a.company = "Boulangerie Lefèvre";
  a.job_title = "Gérant de l’atelier n°2";
  ASSERT_TRUE(store_->create_prospect(a));
  ASSERT_TRUE(store_->create_prospect(make("autre@acme.fr")));
  // A typographic apostrophe or n° joins letters into one word that the tokenizer cuts in two.
  for (const char* q : {"jerome", "JÉRÔME", "dup", "lefevre", "boulangerie.fr", "Jérôme Dupont", "l’atelier", "l’ATEL",
                        "n°2", "n°"}) {
    ProspectFilter f;
    f.q = q;
    EXPECT_EQ(store_->count_prospects(f).value(), 1) << q;
  }
  ProspectFilter none;
  none.q = "\"unbalanced OR";
  EXPECT_EQ(store_->count_prospects(none).value(), 0);
  // The index follows updates.
  auto p = store_->list_prospects({.filter = {.q = "dupont"}}).value().items.at(0);
  p.last_name = "Durand";
  ASSERT_TRUE(store_->update_prospect(p));
  EXPECT_EQ(store_->count_prospects({.q = "dupont"}).value(), 1) << "the email still says dupont";
  EXPECT_EQ(store_->count_prospects({.q = "durand"}).value(), 1);
}

TEST_P(StoreConformance, CountsFollowWrites) {
  ProspectFilter f;
  f.sector = {"BTP"};
  EXPECT_EQ(store_->count_prospects(f).value(), 0);
  auto p = store_->create_prospect(make("a@acme.fr", "BTP")).value();
  EXPECT_EQ(store_->count_prospects(f).value(), 1);
  p.sector = "Santé";
  ASSERT_TRUE(store_->update_prospect(p));
  EXPECT_EQ(store_->count_prospects(f).value(), 0);
}

TEST_P(StoreConformance, BulkActionsApplyToTheSelectionOnly) {
  for (int i = 0; i < 10; ++i)
    ASSERT_TRUE(store_->create_prospect(make("b" + std::to_string(i) + "@acme.fr", i < 4 ? "BTP" : "Santé")));
  ProspectFilter btp;
  btp.sector = {"BTP"};
  EXPECT_EQ(store_->bulk_update_prospects(btp, {BulkAction::Kind::SetStatus, "qualified"}).value(), 4);
  EXPECT_EQ(store_->bulk_update_prospects(btp, {BulkAction::Kind::SetStatus, "qualified"}).value(), 0)
      << "nothing changes the second time";
  ProspectFilter qualified;
  qualified.status = {"qualified"};
  EXPECT_EQ(store_->count_prospects(qualified).value(), 4);

  EXPECT_EQ(store_->bulk_update_prospects(btp, {BulkAction::Kind::AddTag, "chantier"}).value(), 4);
  EXPECT_EQ(store_->bulk_update_prospects(btp, {BulkAction::Kind::AddTag, "chantier"}).value(), 0);
  ProspectFilter tagged;
  tagged.tags = {"chantier"};
  EXPECT_EQ(store_->count_prospects(tagged).value(), 4);
  ProspectFilter two;
  two.ids = {1, 2};
  EXPECT_EQ(store_->bulk_update_prospects(two, {BulkAction::Kind::RemoveTag, "chantier"}).value(), 2);
  EXPECT_EQ(store_->count_prospects(tagged).value(), 2);
  EXPECT_EQ(store_->get_prospect(3)->tags, std::vector<std::string>{"chantier"});

  EXPECT_EQ(store_->bulk_update_prospects(two, {BulkAction::Kind::Delete, ""}).value(), 2);
  EXPECT_EQ(store_->count_prospects({}).value(), 8);
}

TEST_P(StoreConformance, FacetsCountValuesAndFollowWrites) {
  ASSERT_TRUE(store_->create_prospect(make("a@acme.fr", "BTP")));
  ASSERT_TRUE(store_->create_prospect(make("b@acme.fr", "BTP")));
  ASSERT_TRUE(store_->create_prospect(make("c@acme.fr", "Santé")));
  auto sector_of = [&]() {
    auto facets = store_->prospect_facets().value();
    for (auto& [field, values] : facets.fields)
      if (field == "sector") return values;
    return std::vector<FacetValue>{};
  };
  auto s = sector_of();
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].value, "BTP");
  EXPECT_EQ(s[0].count, 2);
  ASSERT_TRUE(store_->create_prospect(make("d@acme.fr", "Santé")));
  ASSERT_TRUE(store_->create_prospect(make("e@acme.fr", "Santé")));
  s = sector_of();
  EXPECT_EQ(s[0].value, "Santé");
  EXPECT_EQ(s[0].count, 3);
}

TEST_P(StoreConformance, BulkInsertSkipsExistingEmails) {
  ASSERT_TRUE(store_->create_prospect(make("a@acme.fr")));
  Prospect phone_only;
  phone_only.phone = "+33612345678";
  std::vector<Prospect> ps = {make("a@acme.fr"), make("b@acme.fr"), make("c@acme.fr"), phone_only};
  ps[1].tags = {"import"};
  EXPECT_EQ(store_->insert_prospects(ps).value(), 3);
  EXPECT_EQ(store_->count_prospects({}).value(), 4);
  EXPECT_EQ(store_->insert_prospects(std::vector<Prospect>{phone_only}).value(), 0)
      << "without an email, the phone tells duplicates";
  EXPECT_EQ(store_->count_prospects({.tags = {"import"}}).value(), 1);
}

TEST_P(StoreConformance, UsersSessionsAndTokens) {
  auto u = store_->create_user({"vendeur@acme.fr", "Vendeur", "member", "hash"});
  ASSERT_TRUE(u);
  EXPECT_EQ(store_->create_user({"vendeur@acme.fr", "", "member", "h"}).error().code, Error::Code::Conflict);
  EXPECT_EQ(store_->find_user_by_email("vendeur@acme.fr")->password_hash, "hash");
  EXPECT_EQ(store_->find_user_by_email("personne@acme.fr").error().code, Error::Code::NotFound);
  EXPECT_EQ(store_->count_users().value(), 1);

  ASSERT_TRUE(store_->create_session({"h1", u->id, "csrf", 100, 200}));
  EXPECT_TRUE(store_->get_session("h1", 150));
  EXPECT_FALSE(store_->get_session("h1", 200)) << "expired";
  ApiToken t;
  t.user_id = u->id;
  t.name = "script";
  t.prefix = "mc_abc";
  t.token_hash = "th";
  auto tok = store_->create_api_token(t);
  ASSERT_TRUE(tok);
  EXPECT_TRUE(store_->find_api_token("th", 1000));
  EXPECT_EQ(store_->find_api_token("th", 1000)->last_used_at, 1000);

  ASSERT_TRUE(store_->update_user(u->id, {.disabled = true}));
  EXPECT_FALSE(store_->get_session("h1", 150)) << "a disabled user's session stops working";
  EXPECT_FALSE(store_->find_api_token("th", 1000));
  ASSERT_TRUE(store_->update_user(u->id, {.disabled = false}));

  auto other = store_->create_user({"autre@acme.fr", "", "member", "h"}).value();
  EXPECT_EQ(store_->revoke_api_token(tok->id, other.id).error().code, Error::Code::NotFound)
      << "a member cannot revoke someone else's token";
  ASSERT_TRUE(store_->revoke_api_token(tok->id, u->id));
  EXPECT_FALSE(store_->find_api_token("th", 1000));

  ASSERT_TRUE(store_->delete_user(u->id));
  EXPECT_FALSE(store_->get_session("h1", 150));
  EXPECT_TRUE(store_->list_api_tokens(u->id)->empty());
}

TEST_P(StoreConformance, StreamReadsTheFilterInIdOrderChunkByChunk) {
  std::vector<long long> industry;
  for (int i = 0; i < 23; ++i) {
    Prospect p = make("p" + std::to_string(i) + "@acme.fr", i % 3 == 0 ? "Industrie" : "Commerce");
    p.tags = i % 2 ? std::vector<std::string>{"a", "b"} : std::vector<std::string>{};
    p.custom_fields = {{"rang", std::to_string(i)}};
    auto made = store_->create_prospect(p);
    ASSERT_TRUE(made);
    if (i % 3 == 0) industry.push_back(made->id);
  }
  std::vector<long long> seen;
  std::vector<size_t> sizes;
  ProspectFilter f;
  f.sector = {"Industrie"};
  ASSERT_TRUE(store_->stream_prospects(f, 0, 3, [&](std::vector<Prospect>& chunk) -> bool {
    sizes.push_back(chunk.size());
    for (const auto& p : chunk) {
      seen.push_back(p.id);
      EXPECT_EQ(p.sector, "Industrie");
      EXPECT_EQ(p.custom_fields.size(), 1u);
      if (p.custom_fields.empty()) continue;
      int rank = std::stoi(p.custom_fields[0].second);
      EXPECT_EQ(p.tags, rank % 2 ? std::vector<std::string>({"a", "b"}) : std::vector<std::string>{});
      EXPECT_EQ(p.first_name, "Élodie");
    }
    return true;
  }));
  EXPECT_EQ(seen, industry);
  EXPECT_EQ(sizes, (std::vector<size_t>{3, 3, 2}));

  // Everything, starting after an id; the consumer keeps chunks by swapping them out, and
  // stops early.
  std::vector<std::vector<Prospect>> kept;
  int calls = 0;
  ASSERT_TRUE(store_->stream_prospects({}, industry[1], 5, [&](std::vector<Prospect>& chunk) {
    kept.emplace_back();
    std::swap(kept.back(), chunk);
    return ++calls < 2;
  }));
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_EQ(kept[0].front().id, industry[1] + 1);
  EXPECT_EQ(kept[1].front().id, kept[0].back().id + 1);
  EXPECT_EQ(kept[1].size(), 5u);
}

TEST_P(StoreConformance, FeatureStreamReadsOnlyWhatSegmentationEncodes) {
  std::vector<long long> ids;
  for (int i = 0; i < 7; ++i) {
    Prospect p = make("f" + std::to_string(i) + "@acme.fr", i % 2 ? "BTP" : "Conseil");
    p.region = "Bretagne";
    p.company_size = "10-49";
    p.source = "salon";
    p.status = "won";
    p.annual_revenue = 1000.5 * i;
    p.employees = i;
    p.job_title = "Gérante";
    p.tags = {"t" + std::to_string(i)};
    p.custom_fields = {{"score", std::to_string(i)}};
    p.notes = "long notes";
    ids.push_back(store_->create_prospect(p)->id);
  }
  for (bool tags : {false, true}) {
    bool custom = tags;
    std::vector<Prospect> all;
    ASSERT_TRUE(store_->stream_segment_features({}, ids[1], 2, tags, custom, [&](std::vector<Prospect>& chunk) {
      all.insert(all.end(), chunk.begin(), chunk.end());
      return true;
    }));
    ASSERT_EQ(all.size(), 5u);
    for (size_t k = 0; k < all.size(); ++k) {
      const Prospect& p = all[k];
      int i = static_cast<int>(k) + 2;
      EXPECT_EQ(p.id, ids[i]);
      EXPECT_EQ(p.sector, i % 2 ? "BTP" : "Conseil");
      EXPECT_EQ(p.region, "Bretagne");
      EXPECT_EQ(p.company_size, "10-49");
      EXPECT_EQ(p.source, "salon");
      EXPECT_EQ(p.status, "won");
      EXPECT_EQ(p.annual_revenue, 1000.5 * i);
      EXPECT_EQ(p.employees, i);
      EXPECT_EQ(p.job_title, "Gérante");
      using Fields = std::vector<std::pair<std::string, std::string>>;
      EXPECT_EQ(p.custom_fields, (custom ? Fields{{"score", std::to_string(i)}} : Fields{}));
      EXPECT_EQ(p.tags, tags ? std::vector<std::string>{"t" + std::to_string(i)} : std::vector<std::string>{});
      EXPECT_FALSE(p.email);
      EXPECT_FALSE(p.notes);
    }
  }
}

TEST_P(StoreConformance, StreamSeesWritesBetweenChunksWithoutRepeatingOrSkipping) {
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(store_->create_prospect(make("p" + std::to_string(i) + "@acme.fr")));
  std::vector<long long> seen;
  bool wrote = false;
  ASSERT_TRUE(store_->stream_prospects({}, 0, 4, [&](std::vector<Prospect>& chunk) {
    for (const auto& p : chunk) seen.push_back(p.id);
    if (!wrote) {  // between two chunks: one prospect ahead deleted, one added at the end
      wrote = true;
      EXPECT_TRUE(store_->delete_prospect(6));
      EXPECT_TRUE(store_->create_prospect(make("nouveau@acme.fr")));
    }
    return true;
  }));
  EXPECT_EQ(seen, (std::vector<long long>{1, 2, 3, 4, 5, 7, 8, 9, 10, 11}));
}

TEST_P(StoreConformance, ExportsWithTheirJobFinishOnceAndExpire) {
  auto u = store_->create_user({"vendeur@acme.fr", "Vendeur", "member", "hash"}).value();
  Export e;
  e.created_by = u.id;
  e.format = "csv";
  e.options = R"({"bom":true})";
  e.filter = R"({"status":"new"})";
  e.columns = {"email", "custom:couleur"};
  long long seen_id = 0;
  auto made = store_->create_export(
      e,
      [&](long long id) {
        seen_id = id;
        return NewJob{"export", "{\"export_id\":" + std::to_string(id) + "}", u.id, 3, "lignes"};
      },
      1000);
  ASSERT_TRUE(made) << made.error().message;
  auto [exp, job] = *made;
  EXPECT_EQ(exp.id, seen_id);
  EXPECT_EQ(exp.job_id, job.id);
  EXPECT_EQ(exp.state, "pending");
  EXPECT_EQ(exp.columns, e.columns);
  EXPECT_EQ(exp.filter, e.filter);
  EXPECT_EQ(job.type, "export");
  EXPECT_EQ(store_->list_exports(u.id, 10)->size(), 1u);
  EXPECT_EQ(store_->list_exports(u.id + 1, 10)->size(), 0u);
  EXPECT_EQ(store_->list_exports(std::nullopt, 10)->size(), 1u);
  EXPECT_EQ(store_->get_export(exp.id + 100).error().code, Error::Code::NotFound);

  // Only the attempt holding the running job may mark it ready.
  EXPECT_EQ(store_->finish_export(exp.id, {job.id, 1}, "f.csv", 10, 2, 5000).error().code, Error::Code::Conflict);
  auto leased = store_->lease_job("w", 2000, 30000);
  ASSERT_TRUE(leased && *leased);
  JobFence fence{job.id, (*leased)->attempt};
  EXPECT_FALSE(store_->finish_export(exp.id, {job.id, fence.attempt + 1}, "f.csv", 10, 2, 5000));
  auto ready = store_->finish_export(exp.id, fence, "f.csv", 10, 2, 5000);
  ASSERT_TRUE(ready) << ready.error().message;
  EXPECT_EQ(ready->state, "ready");
  EXPECT_EQ(ready->rows, 2);
  EXPECT_EQ(ready->expires_at, 5000);
  EXPECT_FALSE(store_->finish_export(exp.id, fence, "f.csv", 10, 2, 5000)) << "once";

  EXPECT_TRUE(store_->expire_exports(4999)->empty());
  auto expired = store_->expire_exports(5000);
  ASSERT_EQ(expired->size(), 1u);
  EXPECT_EQ(expired->front().file_name, "f.csv");
  EXPECT_EQ(store_->get_export(exp.id)->state, "expired");
  EXPECT_TRUE(store_->expire_exports(6000)->empty());
}

TEST_P(StoreConformance, SegmentationsSaveOnceUnderTheirFenceAndApplyOneRunAtATime) {
  auto u = store_->create_user({"vendeur@acme.fr", "Vendeur", "member", "hash"}).value();
  std::vector<long long> ids;
  for (int i = 0; i < 7; ++i) ids.push_back(store_->create_prospect(make("p" + std::to_string(i) + "@x.fr"))->id);
  auto start = [&](const std::string& name) {
    Segmentation s;
    s.created_by = u.id;
    s.name = name;
    s.params = R"({"fields":["sector"],"k":2})";
    auto made = store_->create_segmentation(
        s, [&](long long id) { return NewJob{"segmentation", "{\"segmentation_id\":" + std::to_string(id) + "}", u.id, 3, "%"}; },
        1000);
    EXPECT_TRUE(made) << made.error().message;
    return *made;
  };
  auto [a, job_a] = start("A");
  EXPECT_EQ(a.job_id, job_a.id);
  EXPECT_EQ(a.state, "pending");
  EXPECT_EQ(store_->list_segmentations(u.id, 10, 0)->second, 1);
  EXPECT_EQ(store_->list_segmentations(u.id + 1, 10, 0)->second, 0);
  EXPECT_EQ(store_->get_segmentation(a.id + 100).error().code, Error::Code::NotFound);

  std::vector<Segment> segs(2);
  segs[0].index = 0, segs[0].auto_name = "Industrie", segs[0].size = 4, segs[0].profile = R"({"share":0.66})";
  segs[1].index = 1, segs[1].auto_name = "BTP", segs[1].size = 2;
  // Only the attempt holding the running job saves the fit.
  EXPECT_EQ(store_->save_segmentation_fit(a.id, {job_a.id, 1}, "{}", "m", segs, "cp", 70, 100, 2000).error().code,
            Error::Code::Conflict);
  auto leased = store_->lease_job("w", 2000, 30000);
  ASSERT_TRUE(leased && *leased);
  JobFence fence{job_a.id, (*leased)->attempt};
  auto saved = store_->save_segmentation_fit(a.id, fence, R"({"k":2})", "model-a", segs, "cp", 70, 100, 2000);
  ASSERT_TRUE(saved) << saved.error().message;
  EXPECT_EQ(saved->state, "ready");
  ASSERT_EQ(saved->segments.size(), 2u);
  EXPECT_EQ(saved->segments[1].auto_name, "BTP");
  EXPECT_EQ(store_->get_job(job_a.id)->checkpoint, "cp");
  EXPECT_EQ(store_->get_segmentation(a.id, true)->model, "model-a");
  EXPECT_EQ(store_->get_segmentation(a.id)->model, "") << "the model is read only when asked";
  long long s0 = saved->segments[0].id, s1 = saved->segments[1].id;

  // Batches: a pending assignment nobody sees until the last batch puts it in place; a stale
  // fence writes nothing; prospects deleted since the read (before or after their batch was
  // written) are left out; one deleted before the read revision was taken stays out too.
  using Batch = Store::SegmentBatch;
  auto revision = store_->prospects_revision();
  ASSERT_TRUE(revision);
  ProspectFilter f0, f1, both;
  f0.segment = {s0};
  f1.segment = {s1};
  both.segment = {s0, s1};
  std::vector<std::pair<long long, long long>> first = {{ids[0], s0}, {ids[1], s0}, {ids[2], s1}};
  EXPECT_EQ(store_->write_segment_batch(a.id, fence, {false, false, *revision}, first, "b0", 75, 100, 3000).error().code,
            Error::Code::Conflict)
      << "a later batch without a first one";
  ASSERT_TRUE(store_->write_segment_batch(a.id, fence, {true, false, *revision}, first, "b1", 80, 100, 3000));
  EXPECT_EQ(store_->count_prospects(both).value(), 0) << "pending until the last batch";
  EXPECT_FALSE(store_->get_prospect(ids[0])->segment_id);
  EXPECT_FALSE(store_->get_segmentation(a.id)->applied_at);
  EXPECT_FALSE(store_->write_segment_batch(a.id, {job_a.id, fence.attempt + 1}, {false, false, *revision},
                                           std::vector<std::pair<long long, long long>>{{ids[3], s1}}, "x", 90, 100, 3000));
  ASSERT_TRUE(store_->delete_prospect(ids[1]));  // after its batch
  ASSERT_TRUE(store_->delete_prospect(ids[4]));  // before its batch
  std::vector<std::pair<long long, long long>> second = {{ids[3], s1}, {ids[4], s1}};
  ASSERT_TRUE(store_->write_segment_batch(a.id, fence, {false, false, *revision}, second, "b2", 90, 100, 3000));
  EXPECT_EQ(store_->get_job(job_a.id)->checkpoint, "b2");
  EXPECT_EQ(store_->count_prospects(both).value(), 0);
  std::vector<std::pair<long long, long long>> third = {{ids[5], s0}};
  ASSERT_TRUE(store_->write_segment_batch(a.id, fence, {false, true, *revision}, third, "b3", 100, 100, 3000));
  EXPECT_EQ(store_->get_job(job_a.id)->checkpoint, "b3");
  EXPECT_EQ(store_->count_prospects(f0).value(), 2);  // ids[0], ids[5]
  EXPECT_EQ(store_->count_prospects(f1).value(), 2);  // ids[2], ids[3]
  EXPECT_EQ(store_->count_prospects(both).value(), 4);
  EXPECT_EQ(store_->get_prospect(ids[2])->segment_id, s1);
  EXPECT_EQ(store_->get_prospect(ids[5])->segment_id, s0);
  EXPECT_FALSE(store_->get_prospect(ids[6])->segment_id);
  EXPECT_TRUE(store_->get_segmentation(a.id)->applied_at);
  EXPECT_EQ(store_->write_segment_batch(a.id, fence, {false, false, *revision}, third, "b4", 100, 100, 3000).error().code,
            Error::Code::Conflict)
      << "the pending assignment is in place: there is none any more";

  // Renaming: a name, then "" back to the generated one; the description stays.
  auto renamed = store_->update_segment(a.id, s0, "Cibles", "à appeler");
  ASSERT_TRUE(renamed);
  EXPECT_EQ(renamed->name, "Cibles");
  renamed = store_->update_segment(a.id, s0, "", std::nullopt);
  EXPECT_FALSE(renamed->name);
  EXPECT_EQ(renamed->description, "à appeler");
  EXPECT_EQ(store_->update_segment(a.id, s0 + 1000, "x", std::nullopt).error().code, Error::Code::NotFound);

  // A second run applied: the first one's segments leave every prospect.
  auto [b, job_b] = start("B");
  EXPECT_EQ(store_->start_segmentation_apply(b.id, {"segmentation", "{}", u.id, 3, "%"}, 4000).error().code,
            Error::Code::Conflict)
      << "not ready";
  auto lb = store_->lease_job("w", 4000, 30000);
  ASSERT_TRUE(lb && *lb);
  JobFence fb{job_b.id, (*lb)->attempt};
  auto sb = store_->save_segmentation_fit(b.id, fb, "{}", "model-b", segs, "cp", 70, 100, 4000);
  ASSERT_TRUE(sb);
  ASSERT_TRUE(store_->write_segment_batch(b.id, fb, {true, false, *revision},
                                          std::vector<std::pair<long long, long long>>{{ids[0], sb->segments[1].id}},
                                          "b1", 80, 100, 5000));
  EXPECT_EQ(store_->count_prospects(both).value(), 4) << "run A stays whole while B is pending";
  EXPECT_TRUE(store_->get_segmentation(a.id)->applied_at);
  ASSERT_TRUE(store_->write_segment_batch(b.id, fb, {false, true, *revision}, {}, "b2", 100, 100, 5000));
  EXPECT_EQ(store_->count_prospects(both).value(), 0);
  EXPECT_EQ(store_->get_prospect(ids[0])->segment_id, sb->segments[1].id);
  EXPECT_FALSE(store_->get_segmentation(a.id)->applied_at);
  EXPECT_TRUE(store_->get_segmentation(b.id)->applied_at);
  auto again = store_->start_segmentation_apply(a.id, {"segmentation", "{}", u.id, 3, "%"}, 6000);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(store_->get_segmentation(a.id)->job_id, again->id);

  // Deleting the applied run: its prospects leave their segment.
  ASSERT_TRUE(store_->delete_segmentation(b.id));
  EXPECT_FALSE(store_->get_prospect(ids[0])->segment_id);
  EXPECT_EQ(store_->delete_segmentation(b.id).error().code, Error::Code::NotFound);
  EXPECT_EQ(store_->list_segmentations(std::nullopt, 10, 0)->first.size(), 1u);
}

// A random sequence of writes, checked against a plain in-memory model after each step.
TEST_P(StoreConformance, RandomisedAgainstAModel) {
  std::mt19937 rng(7);
  std::map<long long, Prospect> model;
  std::vector<std::string> sectors = {"BTP", "Santé", "Industrie"};
  std::vector<std::string> statuses = {"new", "contacted", "won"};
  auto pick = [&](const std::vector<std::string>& v) { return v[rng() % v.size()]; };
  for (int step = 0; step < 300; ++step) {
    int op = rng() % 10;
    if (op < 5 || model.empty()) {
      Prospect p = make("r" + std::to_string(rng() % 150) + "@acme.fr", pick(sectors), pick(statuses));
      bool taken = false;
      for (auto& [id, m] : model) taken |= m.email == p.email;
      auto r = store_->create_prospect(p);
      ASSERT_EQ(bool(r), !taken) << "step " << step << ": " << (r ? "" : r.error().message);
      if (r) model[r->id] = *r;
    } else if (op < 7) {
      auto it = std::next(model.begin(), rng() % model.size());
      Prospect p = it->second;
      p.sector = pick(sectors);
      ASSERT_TRUE(store_->update_prospect(p));
      it->second.sector = p.sector;
    } else if (op < 8) {
      auto it = std::next(model.begin(), rng() % model.size());
      ASSERT_TRUE(store_->delete_prospect(it->first));
      model.erase(it);
    } else {
      ProspectFilter f;
      f.sector = {pick(sectors)};
      std::string status = pick(statuses);
      long long expected = 0;
      for (auto& [id, m] : model)
        if (m.sector == f.sector[0] && m.status != status) {
          m.status = status;
          ++expected;
        }
      ASSERT_EQ(store_->bulk_update_prospects(f, {BulkAction::Kind::SetStatus, status}).value(), expected);
    }
    for (const auto& s : sectors) {
      for (const auto& st : statuses) {
        ProspectFilter f;
        f.sector = {s};
        f.status = {st};
        long long n = 0;
        for (auto& [id, m] : model) n += m.sector == s && m.status == st;
        ASSERT_EQ(store_->count_prospects(f).value(), n) << "step " << step << " " << s << "/" << st;
      }
    }
  }
}

// The KPI index follows the store change by change (read_prospect_changes), and its numbers
// equal the store's own counts (SQL, an independent implementation of the same filter), for
// every kind of write: create, update, delete, bulk status, bulk tags (also removing the tag
// the filter is on), bulk delete and bulk insert.
TEST_P(StoreConformance, KpisFollowEveryWriteAndEqualTheStoresCounts) {
  std::mt19937 rng(11);
  KpiCache cache(*store_);
  std::vector<std::string> sectors = {"BTP", "Santé", "Industrie"};
  std::vector<std::string> regions = {"Bretagne", "Occitanie"};
  std::vector<std::string> statuses(std::begin(kStatuses), std::end(kStatuses));
  std::vector<std::string> tags = {"vip", "relance"};
  auto pick = [&](const std::vector<std::string>& v) { return v[rng() % v.size()]; };
  auto random_prospect = [&](int n) {
    Prospect p = make("k" + std::to_string(n) + "@acme.fr", pick(sectors), pick(statuses));
    if (rng() % 5 == 0) p.sector.reset();
    p.region = pick(regions);
    if (rng() % 4 == 0) p.tags = {pick(tags)};
    if (rng() % 3 == 0) p.last_contact_at = 1'760'000'000LL + static_cast<long long>(rng() % 1'000'000);
    return p;
  };
  std::vector<long long> ids;
  int serial = 0;
  for (int step = 0; step < 120; ++step) {
    int op = rng() % 9;
    if (op < 3 || ids.empty()) {
      auto r = store_->create_prospect(random_prospect(serial++));
      ASSERT_TRUE(r);
      ids.push_back(r->id);
    } else if (op == 3) {
      Prospect p = store_->get_prospect(ids[rng() % ids.size()]).value();
      p.sector = pick(sectors);
      p.status = pick(statuses);
      p.tags = rng() % 2 ? std::vector<std::string>{} : std::vector<std::string>{pick(tags)};
      ASSERT_TRUE(store_->update_prospect(p));
    } else if (op == 4) {
      size_t i = rng() % ids.size();
      ASSERT_TRUE(store_->delete_prospect(ids[i]));
      ids.erase(ids.begin() + static_cast<long>(i));
    } else if (op == 5) {
      ProspectFilter f;
      f.sector = {pick(sectors)};
      ASSERT_TRUE(store_->bulk_update_prospects(f, {BulkAction::Kind::SetStatus, pick(statuses)}));
    } else if (op == 6) {
      ProspectFilter f;
      f.region = {pick(regions)};
      ASSERT_TRUE(store_->bulk_update_prospects(f, {BulkAction::Kind::AddTag, pick(tags)}));
    } else if (op == 7) {
      ProspectFilter f;
      std::string tag = pick(tags);
      f.tags = {tag};  // the rows leave the filter as the tag goes
      ASSERT_TRUE(store_->bulk_update_prospects(f, {BulkAction::Kind::RemoveTag, tag}));
    } else {
      std::vector<Prospect> batch;
      for (int i = 0; i < 5; ++i) batch.push_back(random_prospect(serial++));
      ASSERT_TRUE(store_->insert_prospects(batch));
      ids = store_->prospect_ids({}).value();
    }
    if (step % 10 == 9) {  // a bulk delete now and then
      ProspectFilter f;
      f.sector = {pick(sectors)};
      f.status = {pick(statuses)};
      ASSERT_TRUE(store_->bulk_update_prospects(f, {BulkAction::Kind::Delete, ""}));
      ids = store_->prospect_ids({}).value();
    }

    for (int probe = 0; probe < 3; ++probe) {
      ProspectFilter f;
      if (probe == 1) f.region = {pick(regions)};
      if (probe == 2) f.tags = {pick(tags)};
      auto k = cache.kpis(f);
      ASSERT_TRUE(k) << k.error().message;
      ASSERT_EQ(k->total, store_->count_prospects(f).value()) << "step " << step;
      for (const auto& [field, b] : k->by) {
        if (field != "status" && field != "sector") continue;
        for (const auto& v : b.values) {
          ProspectFilter g = f;
          (field == "status" ? g.status : g.sector) = {v.value};
          ASSERT_EQ(v.count, store_->count_prospects(g).value()) << "step " << step << " " << field << "=" << v.value;
        }
      }
      // An index loaded from scratch agrees with the one that followed the changes.
      KpiCache fresh(*store_);
      auto k2 = fresh.kpis(f);
      ASSERT_TRUE(k2);
      ASSERT_EQ(k2->total, k->total);
      for (size_t i = 0; i < k->by.size(); ++i) {
        ASSERT_EQ(k->by[i].second.values.size(), k2->by[i].second.values.size()) << k->by[i].first;
        for (size_t j = 0; j < k->by[i].second.values.size(); ++j) {
          EXPECT_EQ(k->by[i].second.values[j].value, k2->by[i].second.values[j].value);
          EXPECT_EQ(k->by[i].second.values[j].count, k2->by[i].second.values[j].count);
        }
        EXPECT_EQ(k->by[i].second.missing, k2->by[i].second.missing);
      }
      EXPECT_EQ(k->missing_email, k2->missing_email);
      ASSERT_EQ(k->contacted_per_week.size(), k2->contacted_per_week.size());
      for (size_t j = 0; j < k->contacted_per_week.size(); ++j)
        EXPECT_EQ(k->contacted_per_week[j].count, k2->contacted_per_week[j].count);
    }
  }
}

TEST_P(StoreConformance, ProspectChangesComeOnceAndInOrder) {
  auto a = store_->create_prospect(make("a@acme.fr")).value();
  auto b = store_->create_prospect(make("b@acme.fr")).value();
  std::vector<long long> rows, deleted;
  std::vector<std::pair<long long, std::string>> tag_list;
  ProspectChangeVisitor v{[&](long long id) { deleted.push_back(id); },
                          [&](const KpiRowView& r) { rows.push_back(r.id); },
                          [&](long long id, std::string_view t) { tag_list.emplace_back(id, std::string(t)); }};
  long long rev = store_->read_prospect_changes(-1, v).value();
  EXPECT_EQ(rows, (std::vector<long long>{a.id, b.id}));
  rows.clear();
  EXPECT_EQ(store_->read_prospect_changes(rev, v).value(), rev);  // nothing new
  EXPECT_TRUE(rows.empty());
  b.tags = {"vip"};
  ASSERT_TRUE(store_->update_prospect(b));
  ASSERT_TRUE(store_->delete_prospect(a.id));
  long long rev2 = store_->read_prospect_changes(rev, v).value();
  EXPECT_GT(rev2, rev);
  EXPECT_EQ(deleted, std::vector<long long>{a.id});
  EXPECT_EQ(rows, std::vector<long long>{b.id});
  ASSERT_EQ(tag_list.size(), 1u);
  EXPECT_EQ(tag_list[0], std::make_pair(b.id, std::string("vip")));
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreConformance, ::testing::ValuesIn(backends()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace mimicom
