#pragma once
// The subcommands of `mimicom`; each returns the process exit code.
#include <string>

#include "core/config.hpp"

namespace mimicom::cmd {

int serve(const Config& config, const std::string& version);
int user_add(const Config& config, const std::string& email, const std::string& role, const std::string& name,
             bool password_stdin);
int token_create(const Config& config, const std::string& email, const std::string& name);
int demo_data(const Config& config, long long count, unsigned long long seed);

}  // namespace mimicom::cmd
