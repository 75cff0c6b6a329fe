#include "engine/app/serve_command.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <csignal>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>
#include <vector>

#include "engine/api/io_thread.h"
#include "engine/api/policy_admin.h"
#include "engine/api/request_handler.h"
#include "engine/api/server.h"
#include "engine/app/journal_setup.h"
#include "engine/app/logging.h"
#include "engine/app/read_file.h"
#include "engine/app/server_config.h"
#include "engine/core/core.h"
#include "engine/journal/file_journal.h"
#include "engine/journal/recovery.h"
#include "engine/metrics/metrics.h"
#include "engine/policy/reloader.h"
#include "engine/runtime/runtime.h"

namespace sb::app {
namespace {

using namespace std::chrono_literals;

// What identifies a version of the policy file on disk, to notice edits.
struct FileStamp {
  std::int64_t mtime_ns = 0;
  std::int64_t size = -1;
  bool operator==(const FileStamp&) const = default;
};

FileStamp stamp_of(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return {};
  return {static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec,
          static_cast<std::int64_t>(st.st_size)};
}

void log_reload(const policy::ReloadRecord& r) {
  if (r.accepted) {
    spdlog::info("policy v{} installed ({}; sha256 {})", r.version, policy::to_string(r.trigger),
                 r.sha256.substr(0, 12));
    return;
  }
  spdlog::error("policy v{} refused ({}); the running policy is unchanged:", r.version,
                policy::to_string(r.trigger));
  for (const std::string& e : r.errors) spdlog::error("  {}", e);
}

// Reloads the policy file if it can be read; logs the outcome either way.
void reload_file(policy::PolicyReloader& reloader, const std::string& path,
                 policy::ReloadTrigger trigger) {
  auto text = read_file(path);
  if (!text) return spdlog::error("cannot read the policy file {}", path);
  if (auto current = reloader.current(); current && current->second == *text) return;
  log_reload(reloader.reload(*text, trigger, runtime::system_now()));
}

}  // namespace

int run_serve(const ServeOptions& options, std::FILE* out) {
  // The log goes to standard error; standard output carries only the "listening on" line.
  spdlog::set_default_logger(spdlog::stderr_color_mt("switchboard"));
  // Signals are taken by the main thread alone: block them before any thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  for (int s : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&signals, s);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  // A file grown past RLIMIT_FSIZE fails with EFBIG, which the journal handles like any failed
  // write (503 journal_unavailable, repaired later); the default SIGXFSZ would kill the server.
  std::signal(SIGXFSZ, SIG_IGN);

  auto config_text = read_file(options.config_file);
  if (!config_text) {
    spdlog::error("{}:1:1: cannot read the server config", options.config_file);
    return 1;
  }
  auto loaded = load_server_config(*config_text, options.config_file);
  if (auto* errors = std::get_if<std::vector<std::string>>(&loaded)) {
    for (const std::string& e : *errors) std::fprintf(stderr, "%s\n", e.c_str());
    return 1;
  }
  ServerConfig config = std::get<ServerConfig>(std::move(loaded));
  if (!options.log_level.empty()) config.log.level = options.log_level;
  configure_logging(config.log);
  if (!options.listen.empty()) config.listen = options.listen;
  if (!options.data_dir.empty()) config.data_dir = options.data_dir;
  auto host_port = split_host_port(config.listen);
  if (!host_port) {
    spdlog::error("--listen {}: expected HOST:PORT", config.listen);
    return 1;
  }
  auto policy_text = read_file(options.policy_file);
  if (!policy_text) {
    spdlog::error("{}:1:1: cannot read the routing policy", options.policy_file);
    return 1;
  }

  // Before the I/O threads: sessions still open when they are destroyed give back their
  // connection slot to health.connections.
  api::Health health;
  health.journal_recovered.store(false);  // /readyz: not ready until the journal is replayed
  std::vector<std::unique_ptr<api::IoThread>> io;
  std::vector<runtime::Outbox*> outboxes;
  std::vector<api::IoThread*> io_threads;
  for (std::size_t k = 0; k < config.io_threads; ++k) {
    io.push_back(std::make_unique<api::IoThread>(k));
    outboxes.push_back(io.back().get());
    io_threads.push_back(io.back().get());
  }
  // The snapshot thread rebuilds the state in a core of its own: it must have the same limits
  // (retention, for one, changes the state).
  const core::CoreLimits core_limits;
  core::Core core(core_limits);
  std::unique_ptr<journal::FileJournal> journal;  // outlives the runtime
  runtime::RuntimeOptions runtime_options;
  runtime_options.inbound_max = config.inbound_queue_max;
  runtime_options.report_interval =
      std::chrono::duration_cast<std::chrono::milliseconds>(config.metrics_report_interval);
  runtime_options.log = [](const std::string& m) { spdlog::warn("{}", m); };
  runtime::Runtime runtime(core, runtime_options, outboxes);

  policy::PolicyReloader reloader(options.policy_file,
                                  [&](SetPolicy c) { return runtime.call(std::move(c)); });
  const api::TokenTable tokens(config.tokens, config.rate_limit);
  api::PolicyAdmin admin(reloader, "api");
  metrics::Metrics metrics(api::route_labels());
  api::RequestHandler handler(runtime, tokens, config.decode, config.limits, health, admin,
                              metrics);
  for (auto& t : io) t->start();

  api::ListenOptions listen;
  listen.host = host_port->first;
  listen.port = host_port->second;
  listen.tls = config.tls;
  listen.auth_enabled = tokens.enabled();
  api::Server server(listen, handler, config.limits, io_threads, health.connections);
  auto port = server.start();
  if (!port.ok()) {
    spdlog::error("cannot listen: {}", port.error().message);
    for (auto& t : io) t->stop();
    return 1;
  }
  health.listening.store(true);
  auto give_up = [&] {
    health.shutting_down.store(true);
    server.stop_accepting();
    runtime.stop();
    for (auto& t : io) t->close_sessions();
    for (auto& t : io) t->stop();
    return 1;
  };

  // Recovery: the newest snapshot, then the journal, through the core, before it goes live.
  journal::RecoveryOptions recovery;
  recovery.dir = config.data_dir;
  recovery.truncate_corrupt = options.truncate_corrupt;
  recovery.keep_history = config.journal.keep_history;
  auto recovered = journal::recover(core, recovery, journal_policy_compiler());
  if (!recovered.ok()) {
    spdlog::error("cannot recover the journal in {}: {}", config.data_dir,
                  recovered.error().message);
    return give_up();
  }
  const journal::RecoveryReport& report = recovered.value();
  for (const std::string& w : report.warnings) spdlog::warn("recovery: {}", w);
  if (report.commands > 0 || report.snapshot) {
    spdlog::info(
        "recovered {} commands ({} rejected, as live) from {}{} segment(s) in {} ms; last "
        "sequence {}, state hash {:016x}",
        report.commands, report.rejected,
        report.snapshot ? (report.from_state ? "the state in " : "") + *report.snapshot + " and "
                        : "",
        report.segments, static_cast<int>(report.seconds * 1000), report.last_sequence,
        core.state_hash());
  }
  journal::FileJournalOptions journal_options;
  journal_options.dir = config.data_dir;
  journal_options.fsync = config.journal.fsync;
  journal_options.fsync_interval = config.journal.fsync_interval;
  journal_options.segment_bytes = config.journal.segment_bytes;
  journal_options.snapshot_every_commands = config.journal.snapshot_every_commands;
  journal_options.snapshot_every =
      std::chrono::duration_cast<std::chrono::seconds>(config.journal.snapshot_every);
  journal_options.compile = journal_policy_compiler();
  journal_options.core_limits = core_limits;
  journal_options.keep_history = config.journal.keep_history;
  journal_options.info = [](const std::string& m) { spdlog::info("journal: {}", m); };
  journal_options.warn = [](const std::string& m) { spdlog::warn("journal: {}", m); };
  if (journal::Status s =
          journal::FileJournal::open(journal_options, report.last_sequence + 1, journal);
      !s.ok()) {
    spdlog::error("cannot open the journal: {}", s.message());
    return give_up();
  }
  runtime.attach_journal(journal.get(), report.last_sequence + 1);
  runtime.start();

  // The policy: the journal's, unless the policy file says otherwise (then it is reloaded, as
  // on SIGHUP). With nothing recovered, the file's policy must be valid.
  if (report.policy) reloader.restore(report.policy->first, report.policy->second);
  if (!report.policy || report.policy->second != *policy_text) {
    const policy::ReloadRecord first =
        reloader.reload(*policy_text, policy::ReloadTrigger::Startup, runtime::system_now());
    if (!first.accepted && !report.policy) {
      for (const std::string& e : first.errors) std::fprintf(stderr, "%s\n", e.c_str());
      return give_up();
    }
    log_reload(first);
    if (!first.accepted) spdlog::warn("running the recovered policy v{}", report.policy->first);
  }
  health.journal_recovered.store(true);

  if (!tokens.enabled()) {
    spdlog::warn(
        "AUTH IS OFF: no tokens in {}; every caller is an admin. Listening on loopback "
        "only. Add tokens (auth.tokens) before exposing this server.",
        options.config_file);
  }
  const std::string scheme = config.tls ? "https" : "http";
  spdlog::info(
      "switchboard serving {}://{}:{} with {} I/O thread(s), policy {}, journal {} "
      "(fsync {})",
      scheme, listen.host, port.value(), config.io_threads, options.policy_file, config.data_dir,
      journal::to_string(config.journal.fsync));
  std::fprintf(out, "listening on %s:%u\n", listen.host.c_str(),
               static_cast<unsigned>(port.value()));
  std::fflush(out);

  FileStamp seen = stamp_of(options.policy_file);
  const auto watch = config.policy_watch;
  for (;;) {
    timespec wait{};
    const auto step = watch.count() > 0 ? watch : Duration(1s);
    wait.tv_sec = static_cast<time_t>(step.count() / 1'000'000);
    wait.tv_nsec = static_cast<long>(step.count() % 1'000'000 * 1000);
    const int sig = sigtimedwait(&signals, nullptr, &wait);
    if (sig == SIGINT || sig == SIGTERM) {
      spdlog::info("{}: shutting down", sig == SIGINT ? "SIGINT" : "SIGTERM");
      break;
    }
    if (sig == SIGHUP) {
      reload_file(reloader, options.policy_file, policy::ReloadTrigger::Signal);
      seen = stamp_of(options.policy_file);
      continue;
    }
    if (watch.count() > 0) {
      const FileStamp now = stamp_of(options.policy_file);
      if (now != seen) {
        seen = now;
        reload_file(reloader, options.policy_file, policy::ReloadTrigger::FileChange);
      }
    }
  }

  // Graceful: refuse new work, answer what was accepted, let sessions flush and close.
  health.shutting_down.store(true);
  server.stop_accepting();
  runtime.stop();
  for (auto& t : io) t->close_sessions();
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (server.connections() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);
  }
  for (auto& t : io) t->stop();
  if (auto hash = runtime.final_state_hash()) spdlog::info("final state hash {:016x}", *hash);
  spdlog::info("stopped ({} connections left open)", server.connections());
  return 0;
}

}  // namespace sb::app
