// The journal section of the server config: its keys, its defaults, and errors that name
// file:line:column.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <variant>

#include "engine/app/server_config.h"

namespace sb::app {
namespace {

const ServerConfig& config_of(const std::variant<ServerConfig, std::vector<std::string>>& r) {
  if (const auto* errors = std::get_if<std::vector<std::string>>(&r)) {
    FAIL(errors->front());
  }
  return std::get<ServerConfig>(r);
}

TEST_CASE("journal: keys, defaults and the shipped config") {
  const auto defaults = load_server_config("", "sb.yaml");
  CHECK(config_of(defaults).journal.fsync == journal::FsyncPolicy::Always);
  CHECK(config_of(defaults).journal.snapshot_every_commands == 1'000'000);
  CHECK_FALSE(config_of(defaults).journal.keep_history);

  const auto set = load_server_config(
      "journal:\n  fsync: interval\n  snapshot_every_commands: 500\n  snapshot_every: 30s\n"
      "  keep_history: true\n",
      "sb.yaml");
  CHECK(config_of(set).journal.fsync == journal::FsyncPolicy::Interval);
  CHECK(config_of(set).journal.snapshot_every_commands == 500);
  CHECK(config_of(set).journal.snapshot_every == std::chrono::seconds(30));
  CHECK(config_of(set).journal.keep_history);

  std::ifstream in(std::string(SB_SOURCE_DIR) + "/config/switchboard.yaml");
  std::ostringstream text;
  text << in.rdbuf();
  const auto shipped = load_server_config(text.str(), "config/switchboard.yaml");
  CHECK_FALSE(config_of(shipped).journal.keep_history);
}

TEST_CASE("journal: bad values name file:line:column and the key") {
  const auto bad =
      load_server_config("journal:\n  keep_history: yes\n  fsync: sometimes\n", "sb.yaml");
  REQUIRE(std::holds_alternative<std::vector<std::string>>(bad));
  const auto& errors = std::get<std::vector<std::string>>(bad);
  REQUIRE(errors.size() == 2);
  CHECK(errors[0] == "sb.yaml:2:17: keep_history must be true or false");
  CHECK(errors[1] == "sb.yaml:3:10: fsync must be always, interval or none");
}

}  // namespace
}  // namespace sb::app
