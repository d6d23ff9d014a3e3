#include "store/sqlite/prospect_keys.hpp"

#include <gtest/gtest.h>

namespace mimicom {
namespace {

TEST(ProspectKeys, AMissIsExactAndAHitNamesTheProspect) {
  ProspectKeys k;
  EXPECT_EQ(k.email("a@x.fr"), 0);
  for (long long id = 1; id <= 200000; ++id) k.note(id, "p" + std::to_string(id) + "@x.fr", std::nullopt);
  for (long long id = 1; id <= 200000; ++id) ASSERT_EQ(k.email("p" + std::to_string(id) + "@x.fr"), id);
  EXPECT_EQ(k.email("p0@x.fr"), 0);
  EXPECT_EQ(k.phone("p1@x.fr"), 0) << "e-mails and phones are apart";
}

TEST(ProspectKeys, AnEmailNamesItsLastHolderAndAPhoneItsOldest) {
  ProspectKeys k;
  k.note(7, "a@x.fr", "+33600000001");
  k.note(3, "b@x.fr", "+33600000001");
  k.note(9, "a@x.fr", "+33600000001");
  EXPECT_EQ(k.email("a@x.fr"), 9);
  EXPECT_EQ(k.phone("+33600000001"), 3);
}

TEST(ProspectKeys, ASettledLookUpReplacesTheCandidate) {
  ProspectKeys k;
  k.note(5, "a@x.fr", "+33600000001");
  k.settle_email_hashed(import_key_hash('e', "a@x.fr"), 0);
  EXPECT_EQ(k.email("a@x.fr"), -1) << "known to have been there: looked up again next time";
  k.settle_phone_hashed(import_key_hash('p', "+33600000001"), 12);
  EXPECT_EQ(k.phone("+33600000001"), 12);
  k.note(4, std::nullopt, "+33600000001");
  EXPECT_EQ(k.phone("+33600000001"), 4);
}

TEST(ProspectKeys, AnIdTooLargeForASlotIsLookedUp) {
  ProspectKeys k;
  k.note(1, "a@x.fr", std::nullopt);
  k.note(1LL << 33, "b@x.fr", std::nullopt);
  EXPECT_EQ(k.email("a@x.fr"), -1) << "every look-up goes to the table";
  EXPECT_EQ(k.email("c@x.fr"), -1);
}

// The import's reader hashes each row's keys (import_key_hash) and the writer looks them up by
// those hashes: the same keys as by their text.
TEST(ProspectKeys, TheHashesOfTheReaderNameTheSameKeys) {
  ProspectKeys k;
  k.note_hashed(4, import_key_hash('e', "a@x.fr"), import_key_hash('p', "+33600000001"));
  EXPECT_EQ(k.email("a@x.fr"), 4);
  EXPECT_EQ(k.phone("+33600000001"), 4);
  k.note(5, "b@x.fr", std::nullopt);
  EXPECT_EQ(k.email_hashed(import_key_hash('e', "b@x.fr")), 5);
  EXPECT_EQ(k.phone_hashed(import_key_hash('p', "b@x.fr")), 0) << "the kinds stay apart";
  k.settle_email_hashed(ProspectKeys::email_key(std::string("a@x.fr")), 0);
  EXPECT_EQ(k.email("a@x.fr"), -1);
  k.note_hashed(6, 0, 0);  // no key at all: nothing noted
  EXPECT_EQ(k.email(""), 0);
}

// Reserved for a load's rows, the tables hold them all without growing, and exactly; more
// than reserved, they grow as before.
TEST(ProspectKeys, ReservedRoomHoldsEveryKeyAndMoreStillFit) {
  ProspectKeys k;
  k.reserve(100000);
  for (long long id = 1; id <= 150000; ++id) {
    k.note(id, "p" + std::to_string(id) + "@x.fr", "+336" + std::to_string(10000000 + id));
  }
  for (long long id = 1; id <= 150000; ++id) {
    ASSERT_EQ(k.email("p" + std::to_string(id) + "@x.fr"), id);
    ASSERT_EQ(k.phone("+336" + std::to_string(10000000 + id)), id);
  }
  EXPECT_EQ(k.email("p0@x.fr"), 0);
}

TEST(ProspectKeys, ClearForgetsEverything) {
  ProspectKeys k;
  k.note(1, "a@x.fr", "+33600000001");
  k.set_loaded(42);
  EXPECT_TRUE(k.loaded());
  EXPECT_EQ(k.revision(), 42);
  k.clear();
  EXPECT_FALSE(k.loaded());
  EXPECT_EQ(k.email("a@x.fr"), 0);
  EXPECT_EQ(k.phone("+33600000001"), 0);
}

}  // namespace
}  // namespace mimicom
