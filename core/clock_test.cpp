#include "core/clock.hpp"

#include <gtest/gtest.h>

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
  for (long long t : {0LL, 86399LL, 951782400LL, 1795582970LL}) EXPECT_EQ(parse_iso8601(format_iso8601(t)), t);
}

}  // namespace mimicom
