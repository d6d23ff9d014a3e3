#include "core/config.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace mimicom {

std::string Config::store_url() const { return store.empty() ? data_dir + "/mimicom.db" : store; }

std::map<std::string, std::string> parse_env_file(const std::string& text) {
  std::map<std::string, std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    size_t b = line.find_first_not_of(" \t");
    if (b == std::string::npos || line[b] == '#') continue;
    line = line.substr(b);
    if (line.rfind("export ", 0) == 0) line = line.substr(7);
    size_t eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string key = line.substr(0, eq), value = line.substr(eq + 1);
    while (!key.empty() && (key.back() == ' ' || key.back() == '\t')) key.pop_back();
    size_t vb = value.find_first_not_of(" \t");
    value = vb == std::string::npos ? "" : value.substr(vb);
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front()) {
      value = value.substr(1, value.size() - 2);
    } else {
      size_t hash = value.find(" #");
      if (hash != std::string::npos) value = value.substr(0, hash);
      while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.pop_back();
    }
    out[key] = value;
  }
  return out;
}

Config load_config(const std::string& env_file) {
  std::map<std::string, std::string> values;
  if (std::ifstream f(env_file); f) {
    std::stringstream ss;
    ss << f.rdbuf();
    values = parse_env_file(ss.str());
  }
  auto get = [&](const char* key) -> std::string {
    if (const char* v = std::getenv(key)) return v;
    auto it = values.find(key);
    return it == values.end() ? "" : it->second;
  };
  Config c;
  if (auto v = get("MIMICOM_HOST"); !v.empty()) c.host = v;
  if (auto v = get("MIMICOM_PORT"); !v.empty()) c.port = std::atoi(v.c_str());
  if (auto v = get("MIMICOM_DATA_DIR"); !v.empty()) c.data_dir = v;
  if (auto v = get("MIMICOM_STORE"); !v.empty()) c.store = v;
  if (auto v = get("MIMICOM_UI_DIR"); !v.empty()) c.ui_dir = v;
  if (auto v = get("MIMICOM_ADMIN_EMAIL"); !v.empty()) c.admin_email = v;
  c.admin_password = get("MIMICOM_ADMIN_PASSWORD");
  if (auto v = get("MIMICOM_WORKERS"); !v.empty()) c.workers = std::atoi(v.c_str());
  if (auto v = get("MIMICOM_JOB_LEASE_MS"); !v.empty()) c.job_lease_ms = std::atoll(v.c_str());
  if (auto v = get("MIMICOM_MAX_UPLOAD_MB"); !v.empty()) c.max_upload_mb = std::atoll(v.c_str());
  if (auto v = get("MIMICOM_IMPORT_BATCH_ROWS"); !v.empty()) c.import_batch_rows = std::atoll(v.c_str());
  if (auto v = get("MIMICOM_IMPORT_BULK_MIN_MB"); !v.empty()) c.import_bulk_min_mb = std::atoll(v.c_str());
  if (auto v = get("MIMICOM_EXPORT_TTL_HOURS"); !v.empty()) c.export_ttl_hours = std::atoll(v.c_str());
  if (auto v = get("MIMICOM_EXPORT_CHUNK_ROWS"); !v.empty()) c.export_chunk_rows = std::atoll(v.c_str());
  if (auto v = get("MIMICOM_SEGMENT_BATCH_ROWS"); !v.empty()) c.segment_batch_rows = std::atoll(v.c_str());
  if (auto v = get("MIMICOM_SEGMENT_BATCH_PAUSE_MS"); !v.empty()) c.segment_batch_pause_ms = std::atoll(v.c_str());
  c.secure_cookies = get("MIMICOM_SECURE_COOKIES") == "true" || get("MIMICOM_SECURE_COOKIES") == "1";
  return c;
}

}  // namespace mimicom
