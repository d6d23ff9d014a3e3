#include "core/auth.hpp"

#include <gtest/gtest.h>

namespace mimicom {

class AuthTest : public ::testing::Test {
 protected:
  void SetUp() override { init_crypto(); }
};

TEST_F(AuthTest, PasswordHashVerifiesOnlyTheRightPassword) {
  auto h = hash_password("correct horse battery");
  ASSERT_TRUE(h);
  EXPECT_TRUE(h->starts_with("$argon2id$"));
  EXPECT_TRUE(verify_password("correct horse battery", *h));
  EXPECT_FALSE(verify_password("correct horse batterz", *h));
}

TEST_F(AuthTest, TokensAreRandomAndHashedDeterministically) {
  auto a = random_token("mc_"), b = random_token("mc_");
  EXPECT_NE(a, b);
  EXPECT_TRUE(a.starts_with("mc_"));
  EXPECT_EQ(a.size(), 3 + 43u);
  EXPECT_EQ(hash_token(a), hash_token(a));
  EXPECT_NE(hash_token(a), hash_token(b));
  EXPECT_EQ(hash_token(a).size(), 64u);
}

TEST_F(AuthTest, ShortPasswordsAreRefused) {
  EXPECT_FALSE(password_problem("court").empty());
  EXPECT_TRUE(password_problem("assez-long-mdp").empty());
}

TEST(LoginThrottle, SlowsDownAnAddressAfterFreeAttemptsOnly) {
  LoginThrottle t(3);
  auto now = LoginThrottle::Clock::now();
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(t.wait_seconds("1.2.3.4", now), 0);
    t.record_failure("1.2.3.4", now);
  }
  EXPECT_EQ(t.wait_seconds("1.2.3.4", now), 1);
  t.record_failure("1.2.3.4", now);
  EXPECT_EQ(t.wait_seconds("1.2.3.4", now), 2);
  EXPECT_EQ(t.wait_seconds("1.2.3.4", now + std::chrono::seconds(2)), 0);
  EXPECT_EQ(t.wait_seconds("5.6.7.8", now), 0) << "another address is not slowed down";
  t.record_success("1.2.3.4");
  EXPECT_EQ(t.wait_seconds("1.2.3.4", now), 0);
}

}  // namespace mimicom
