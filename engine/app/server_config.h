// The server's configuration file (config/switchboard.yaml): listen address, I/O threads, TLS,
// tokens and their roles, rate limit and limits. Every key is checked (unknown keys, wrong types
// and bad values are errors at FILE:LINE:COLUMN). Pure: parses the text it is given.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "engine/api/auth.h"
#include "engine/api/json_decode.h"
#include "engine/api/server.h"
#include "engine/api/server_limits.h"
#include "engine/app/logging.h"
#include "engine/journal/journal.h"
#include "switchboard/time.h"

namespace sb::app {

// The write-ahead journal in data_dir (docs/operations.md, "Durability").
struct JournalConfig {
  journal::FsyncPolicy fsync = journal::FsyncPolicy::Always;
  Duration fsync_interval = std::chrono::milliseconds(10);
  std::uint64_t segment_bytes = 64ull << 20;
  std::uint64_t snapshot_every_commands = 1'000'000;   // 0: not by count
  Duration snapshot_every = std::chrono::minutes(10);  // 0: not by time
  bool keep_history = false;  // keep the segments a snapshot covers (for what-if replay)
};

struct ServerConfig {
  std::string listen = "127.0.0.1:8080";
  std::size_t io_threads = 1;
  std::string data_dir = "./data";
  std::optional<api::TlsFiles> tls;
  std::vector<api::TokenConfig> tokens;
  api::RateLimit rate_limit;
  api::ServerLimits limits;
  api::DecodeLimits decode;
  std::size_t inbound_queue_max = 65'536;
  Duration policy_watch = std::chrono::seconds(1);  // 0: don't watch the policy file
  JournalConfig journal;
  // How often the core publishes its figures for /metrics (metrics.report_interval).
  Duration metrics_report_interval = std::chrono::seconds(1);
  LogConfig log;
};

// The config, or every problem as "FILE:LINE:COLUMN: message".
std::variant<ServerConfig, std::vector<std::string>> load_server_config(std::string_view yaml,
                                                                        const std::string& file);

// "HOST:PORT" (IPv6 as "[::1]:8080") into its parts; nullopt if malformed.
std::optional<std::pair<std::string, std::uint16_t>> split_host_port(std::string_view text);

}  // namespace sb::app
