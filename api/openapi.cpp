#include "api/openapi.hpp"

#include <yaml-cpp/yaml.h>

#include <regex>
#include <stdexcept>

#include "core/embedded.hpp"

namespace mimicom::api {

namespace {

nlohmann::json to_json(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Map: {
      nlohmann::json o = nlohmann::json::object();
      for (const auto& kv : n) o[kv.first.as<std::string>()] = to_json(kv.second);
      return o;
    }
    case YAML::NodeType::Sequence: {
      nlohmann::json a = nlohmann::json::array();
      for (const auto& v : n) a.push_back(to_json(v));
      return a;
    }
    case YAML::NodeType::Scalar: {
      const std::string& s = n.Scalar();
      if (n.Tag() == "!") return s;  // quoted: always text
      static const std::regex integer(R"(-?[0-9]+)"), real(R"(-?[0-9]+\.[0-9]+([eE][-+]?[0-9]+)?)");
      if (s == "true") return true;
      if (s == "false") return false;
      if (s == "null" || s == "~") return nullptr;
      if (std::regex_match(s, integer)) return std::stoll(s);
      if (std::regex_match(s, real)) return std::stod(s);
      return s;
    }
    default:
      return nullptr;
  }
}

}  // namespace

const nlohmann::json& openapi_document() {
  static const nlohmann::json doc = [] {
    auto text = embedded_file("api/openapi.yaml");
    if (!text) throw std::runtime_error("api/openapi.yaml is not embedded");
    return to_json(YAML::Load(std::string(*text)));
  }();
  return doc;
}

}  // namespace mimicom::api
