#include "core/clock.hpp"

#include <gtest/gtest.h>

#include <ctime>

namespace mimicom {

TEST(Clock, FormatsUnixSecondsAsUtcIso8601) {
  EXPECT_EQ(format_iso8601(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(format_iso8601(1795582970), "2026-11-25T05:02:50Z");
}

TEST(Clock, ParsesDatesTimesAndOffsets) {
  EXPECT_EQ(parse_iso8601("1970-01-01"), 0);
  EXPECT_EQ(parse_iso8601("2026-11-25T05:02:50Z"), 1795582970);
  EXPECT_EQ(parse_iso8601("2026-11-25 06:02:50+01:00"), 1795582970);
  EXPECT_EQ(parse_iso8601("2026-11-25T05:02:50.123Z"), 1795582970);
  EXPECT_EQ(parse_iso8601("2024-02-29"), parse_iso8601("2024-02-28").value() + 86400);
}

TEST(Clock, RejectsDatesThatDoNotExist) {
  EXPECT_FALSE(parse_iso8601("2025-02-29"));
  EXPECT_FALSE(parse_iso8601("2025-13-01"));
  EXPECT_FALSE(parse_iso8601("2025-04-31"));
  EXPECT_FALSE(parse_iso8601("25/12/2025"));
  EXPECT_FALSE(parse_iso8601("2025-12-01T25:00"));
  EXPECT_FALSE(parse_iso8601("2025-12-01Tjunk"));
  EXPECT_FALSE(parse_iso8601(""));
}

TEST(Clock, RoundTrips) {
  for (long long t : {0LL, 86399LL, 951782400LL, 1795582970LL, -1LL, 4102444800LL})
    EXPECT_EQ(parse_iso8601(format_iso8601(t)), t) << t;
}

TEST(Clock, FormatsLikeTheCLibraryEveryDayForCenturies) {
  for (long long t = -86400LL * 365 * 60; t < 86400LL * 365 * 200; t += 86400 * 7 + 3671) {
    std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    ASSERT_EQ(format_iso8601(t), buf) << t;
  }
}

}  // namespace mimicom
