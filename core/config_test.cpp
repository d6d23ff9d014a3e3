#include "core/config.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

namespace mimicom {

TEST(EnvFile, ParsesQuotesCommentsAndExport) {
  auto v = parse_env_file(
      "# comment\nMIMICOM_PORT=9090\nexport MIMICOM_HOST = 0.0.0.0 # trailing\nMIMICOM_ADMIN_PASSWORD=\"a b#c\"\r\n"
      "broken line\n");
  EXPECT_EQ(v["MIMICOM_PORT"], "9090");
  EXPECT_EQ(v["MIMICOM_HOST"], "0.0.0.0");
  EXPECT_EQ(v["MIMICOM_ADMIN_PASSWORD"], "a b#c");
  EXPECT_EQ(v.count("broken line"), 0u);
}

TEST(Config, StoreDefaultsToASqliteFileInTheDataFolder) {
  Config c;
  c.data_dir = "/tmp/x";
  EXPECT_EQ(c.store_url(), "/tmp/x/mimicom.db");
}

TEST(Config, ExportTimeToLiveDefaultsTo72HoursAndComesFromTheEnvironment) {
  EXPECT_EQ(Config{}.export_ttl_hours, 72);
  ::setenv("MIMICOM_EXPORT_TTL_HOURS", "5", 1);
  Config c = load_config("/nonexistent/.env");
  ::unsetenv("MIMICOM_EXPORT_TTL_HOURS");
  EXPECT_EQ(c.export_ttl_hours, 5);
}

}  // namespace mimicom
