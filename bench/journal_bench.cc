// The journal's benchmark (docs/benchmarks.md, "Journal"):
//  1. ingest: commands/s through the runtime (real FileJournal, group commit per batch) with
//     fsync always, none, and no journal at all, in the same run; fdatasync latency p50/p99;
//  2. recovery: time to rebuild a core from 1,000,000 journaled commands (a realistic mix:
//     agents, creates, offers accepted, completions, rejections);
//  3. snapshot: time and size of a state snapshot of 100,000 agents and 1,000,000 waiting
//     interactions — the first (its thread replays the whole journal into a core of its own)
//     and the next one (it loads the first, replays the 1,000 commands since, saves) — and the
//     recovery time from it, against replaying the same history record by record.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "engine/journal/file_journal.h"
#include "engine/journal/recovery.h"
#include "engine/policy/policy_loader.h"
#include "engine/runtime/runtime.h"

namespace {

using namespace sb;
using Clock = std::chrono::steady_clock;

std::string policy_source() {
  std::ifstream in(std::string(SB_SOURCE_DIR) + "/config/routing.yaml", std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

SetPolicy set_policy() {
  const std::string source = policy_source();
  auto loaded = policy::load_policy(source, "routing.yaml", 1);
  if (!loaded.loaded) std::abort();
  return SetPolicy{loaded.loaded->policy, source};
}

journal::PolicyCompiler compiler() {
  return [](const std::string& source,
            std::uint64_t version) -> Result<std::shared_ptr<const Policy>> {
    auto loaded = policy::load_policy(source, "journal", version);
    if (!loaded.loaded) return make_error(ErrorCode::InvalidField, "policy", "does not compile");
    return loaded.loaded->policy;
  };
}

// A journal in `dir` that takes snapshots only when asked (snapshot_now), with the policy
// compiler its snapshot thread needs.
journal::FileJournalOptions journal_options(const std::string& dir, journal::FsyncPolicy fsync) {
  journal::FileJournalOptions o;
  o.dir = dir;
  o.fsync = fsync;
  o.snapshot_every_commands = 0;
  o.snapshot_every = std::chrono::seconds(0);
  o.compile = compiler();
  return o;
}

std::string temp_dir(const std::string& under) {
  std::string pattern = under + "/sb-journal-bench-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) std::abort();
  return pattern;
}

UpsertAgent agent(std::size_t k) {
  UpsertAgent a;
  a.agent_id = "agent-" + std::to_string(k);
  a.skills = {{"billing", 5 + static_cast<int>(k % 5)}, {"tech", 6}};
  a.languages = {"en"};
  a.channels = {{"chat", 3}, {"voice", 1}};
  return a;
}

CreateInteraction create(std::size_t k) {
  CreateInteraction c;
  c.interaction_id = "i-" + std::to_string(k);
  c.channel = "chat";
  c.customer_id = "c-" + std::to_string(k % 100'000);
  c.attributes = {{"intent", std::string(k % 2 ? "billing" : "tech")},
                  {"language", std::string("en")}};
  c.sentiment = -0.2;
  return c;
}

// Times every fdatasync, for exact percentiles.
class TimedOps : public journal::FileOps {
 public:
  int fdatasync(int fd) override {
    const auto start = Clock::now();
    const int rc = FileOps::fdatasync(fd);
    const double s = std::chrono::duration<double>(Clock::now() - start).count();
    std::lock_guard lock(mutex_);
    samples_.push_back(s);
    return rc;
  }
  double total() {
    std::lock_guard lock(mutex_);
    double t = 0;
    for (double x : samples_) t += x;
    return t;
  }
  double percentile(double p) {
    std::lock_guard lock(mutex_);
    if (samples_.empty()) return 0;
    std::sort(samples_.begin(), samples_.end());
    return samples_[static_cast<std::size_t>(p * static_cast<double>(samples_.size() - 1))];
  }
  std::size_t count() {
    std::lock_guard lock(mutex_);
    return samples_.size();
  }

 private:
  std::mutex mutex_;
  std::vector<double> samples_;
};

struct Ingest {
  double per_s = 0;
  std::uint64_t commands = 0;
  double fsync_p50 = 0, fsync_p99 = 0;
  std::size_t fsyncs = 0;
  double fsync_share = 0;  // of the run's time spent in fdatasync
};

// Producers submit creates (and agent commands) as fast as the core takes them, with a bounded
// number in flight, for `seconds`.
Ingest ingest(const std::string& dir, std::optional<journal::FsyncPolicy> fsync, double seconds,
              int producers, std::size_t in_flight_max, std::size_t batch_max) {
  core::Core core;
  runtime::RuntimeOptions options;
  options.batch_max = batch_max;
  runtime::Runtime rt(core, options, {});
  auto ops = std::make_shared<TimedOps>();
  std::unique_ptr<journal::FileJournal> j;
  if (fsync) {
    const journal::FileJournalOptions o = journal_options(dir, *fsync);
    if (!journal::FileJournal::open(o, 1, j, ops).ok()) std::abort();
    rt.attach_journal(j.get(), 1);
  }
  rt.start();
  if (!rt.call(set_policy()).ok()) std::abort();
  for (std::size_t a = 0; a < 1000; ++a) {
    if (!rt.call(agent(a)).ok()) std::abort();
    if (!rt.call(SetAgentState{"agent-" + std::to_string(a), Presence::Available, ""}).ok()) {
      std::abort();
    }
  }
  const std::size_t fsyncs_before = ops->count();
  std::atomic<std::uint64_t> done{0};
  std::atomic<std::size_t> in_flight{0};
  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> next_id{0};
  std::vector<std::thread> threads;
  const auto start = Clock::now();
  for (int p = 0; p < producers; ++p) {
    threads.emplace_back([&] {
      while (!stop.load(std::memory_order_relaxed)) {
        if (in_flight.load(std::memory_order_relaxed) >= in_flight_max) {
          std::this_thread::yield();
          continue;
        }
        in_flight.fetch_add(1, std::memory_order_relaxed);
        runtime::Request r;
        r.what = Command{create(next_id.fetch_add(1, std::memory_order_relaxed))};
        r.done = [&](runtime::Outcome&&) {
          done.fetch_add(1, std::memory_order_relaxed);
          in_flight.fetch_sub(1, std::memory_order_relaxed);
        };
        if (rt.submit(std::move(r)) != runtime::SubmitStatus::Accepted) {
          in_flight.fetch_sub(1, std::memory_order_relaxed);
        }
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  const std::uint64_t finished = done.load();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  stop = true;
  for (auto& t : threads) t.join();
  rt.stop();
  Ingest out;
  out.per_s = static_cast<double>(finished) / elapsed;
  out.commands = finished;
  out.fsyncs = ops->count() - fsyncs_before;
  out.fsync_share = ops->total() / elapsed;
  out.fsync_p50 = ops->percentile(0.5);
  out.fsync_p99 = ops->percentile(0.99);
  return out;
}

// Journals `n` commands of a realistic mix straight through a FileJournal (fsync none: the
// write speed is not what is measured), applying them to a live core for the offer ids.
std::uint64_t write_mix(const std::string& dir, std::size_t n, std::uint64_t& live_hash) {
  const journal::FileJournalOptions o = journal_options(dir, journal::FsyncPolicy::None);
  std::unique_ptr<journal::FileJournal> j;
  if (!journal::FileJournal::open(o, 1, j).ok()) std::abort();
  core::Core live;
  std::vector<Event> events;
  std::vector<Command> batch;
  std::vector<journal::Entry> entries;
  Timestamp now{1'800'000'000'000'000};
  std::uint64_t seq = 1;
  std::size_t k = 0;
  std::vector<std::string> assigned;
  auto next = [&]() -> Command {
    if (k == 0) return set_policy();
    if (k <= 2000) return agent(k - 1);
    if (k <= 4000)
      return SetAgentState{"agent-" + std::to_string(k - 2001), Presence::Available, ""};
    const std::size_t phase = k % 4;
    if (phase == 0 || phase == 1) {
      const std::string id = "i-" + std::to_string(k);
      CreateInteraction c = create(k);
      c.interaction_id = id;
      assigned.push_back(id);
      return c;
    }
    if (phase == 2 && !assigned.empty()) {
      auto st = live.status(assigned.back());
      if (st && st->offer_id != 0) return AcceptOffer{st->offer_id};
      return AcceptOffer{0};  // rejected
    }
    if (!assigned.empty()) {
      const std::string id = assigned.front();
      assigned.erase(assigned.begin());
      return CompleteInteraction{id, "resolved"};
    }
    return AcceptOffer{0};
  };
  while (k < n) {
    batch.clear();
    entries.clear();
    now = now + std::chrono::milliseconds(2);
    for (std::size_t b = 0; b < 256 && k < n; ++b, ++k) batch.push_back(next());
    for (std::size_t b = 0; b < batch.size(); ++b) {
      entries.push_back(
          journal::Entry{seq + b, now + sb::Duration{static_cast<std::int64_t>(b)}, &batch[b]});
    }
    if (!j->append(entries).ok()) std::abort();
    for (const auto& e : entries) (void)live.apply(*e.command, e.at, events);
    events.clear();
    seq += batch.size();
    if (assigned.size() > 4096) assigned.erase(assigned.begin(), assigned.begin() + 2048);
  }
  live_hash = live.state_hash();
  return seq - 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"journal benchmark: ingest with fsync always vs none, recovery, snapshot"};
  std::string under = std::filesystem::temp_directory_path().string();
  double seconds = 3;
  int producers = 2;
  std::size_t in_flight = 8192;
  std::size_t batch_max = 512;
  std::size_t recovery_commands = 1'000'000;
  std::size_t snapshot_agents = 100'000;
  std::size_t snapshot_waiting = 1'000'000;
  bool json = false;
  app.add_option("--dir", under, "where to make the data directories (a real disk)");
  app.add_option("--seconds", seconds, "ingest time per fsync policy");
  app.add_option("--producers", producers, "submitting threads");
  app.add_option("--in-flight", in_flight, "commands submitted but not answered, at most");
  app.add_option("--batch-max", batch_max, "the runtime's batch_max (commands per group commit)");
  app.add_option("--recovery-commands", recovery_commands, "journaled commands to recover");
  app.add_option("--snapshot-agents", snapshot_agents, "agents in the snapshot");
  app.add_option("--snapshot-waiting", snapshot_waiting, "waiting interactions in the snapshot");
  app.add_flag("--json", json, "one JSON line");
  CLI11_PARSE(app, argc, argv);

  auto fresh = [&] { return temp_dir(under); };
  auto remove = [](const std::string& d) { std::filesystem::remove_all(d); };

  // 1. Ingest.
  std::string d = fresh();
  const Ingest always =
      ingest(d, journal::FsyncPolicy::Always, seconds, producers, in_flight, batch_max);
  remove(d);
  d = fresh();
  const Ingest none =
      ingest(d, journal::FsyncPolicy::None, seconds, producers, in_flight, batch_max);
  remove(d);
  d = fresh();
  const Ingest off = ingest(d, std::nullopt, seconds, producers, in_flight, batch_max);
  remove(d);

  // 2. Recovery of 1M commands.
  d = fresh();
  std::uint64_t live_hash = 0;
  const std::uint64_t written = write_mix(d, recovery_commands, live_hash);
  std::uint64_t journal_bytes = 0;
  for (const auto& e : std::filesystem::directory_iterator(d)) journal_bytes += e.file_size();
  double recovery_s = 0;
  bool same_hash = false;
  {
    core::Core core;
    journal::RecoveryOptions ro;
    ro.dir = d;
    auto r = journal::recover(core, ro, compiler());
    if (!r.ok()) {
      std::fprintf(stderr, "recovery failed: %s\n", r.error().message.c_str());
      return 1;
    }
    recovery_s = r.value().seconds;
    same_hash = core.state_hash() == live_hash;
  }
  // The same journal after a snapshot: a restart loads the state the 1M commands left (a few
  // thousand live interactions) and replays nothing.
  double mix_snapshot_recovery_s = 0;
  std::uint64_t mix_snapshot_bytes = 0;
  {
    const journal::FileJournalOptions o = journal_options(d, journal::FsyncPolicy::None);
    std::unique_ptr<journal::FileJournal> j;
    if (!journal::FileJournal::open(o, written + 1, j).ok()) std::abort();
    std::vector<Command> one = {AcceptOffer{0}};  // a segment to seal: one more (rejected) command
    const journal::Entry entry{written + 1, Timestamp{1'900'000'000'000'000}, &one[0]};
    if (!j->append(std::span(&entry, 1)).ok() || !j->snapshot_now()) std::abort();
    j->wait_for_snapshots();
    mix_snapshot_bytes = j->last_snapshot()->bytes;
  }
  {
    core::Core core;
    journal::RecoveryOptions ro;
    ro.dir = d;
    auto r = journal::recover(core, ro, compiler());
    if (!r.ok() || !r.value().from_state) {
      std::fprintf(stderr, "recovery from the snapshot failed\n");
      return 1;
    }
    mix_snapshot_recovery_s = r.value().seconds;
  }
  remove(d);

  // 3. Snapshot of 100k agents and 1M waiting interactions (agents offline: nothing is routed).
  d = fresh();
  double snapshot_first_s = 0;
  double snapshot_s = 0;
  std::uint64_t snapshot_bytes = 0;
  double snapshot_recovery_s = 0;
  double history_replay_s = 0;
  std::size_t waiting = 0;
  std::uint64_t snapshot_hash = 0;
  {
    journal::FileJournalOptions o = journal_options(d, journal::FsyncPolicy::None);
    o.keep_history = true;  // so that the same history can be replayed record by record too
    std::unique_ptr<journal::FileJournal> j;
    if (!journal::FileJournal::open(o, 1, j).ok()) std::abort();
    std::vector<Command> batch;
    std::vector<journal::Entry> entries;
    std::uint64_t seq = 1;
    Timestamp now{1'800'000'000'000'000};
    const std::size_t total = 1 + snapshot_agents + snapshot_waiting;
    for (std::size_t k = 0; k < total;) {
      batch.clear();
      entries.clear();
      for (std::size_t b = 0; b < 512 && k < total; ++b, ++k) {
        if (k == 0) {
          batch.push_back(set_policy());
        } else if (k <= snapshot_agents) {
          batch.push_back(agent(k - 1));
        } else {
          batch.push_back(create(k));
        }
      }
      now = now + std::chrono::microseconds(600);
      for (std::size_t b = 0; b < batch.size(); ++b) {
        entries.push_back(journal::Entry{seq + b, now, &batch[b]});
      }
      if (!j->append(entries).ok()) std::abort();
      seq += batch.size();
    }
    auto timed_snapshot = [&] {
      const auto start = Clock::now();
      if (!j->snapshot_now()) std::abort();
      j->wait_for_snapshots();
      return std::chrono::duration<double>(Clock::now() - start).count();
    };
    snapshot_first_s = timed_snapshot();
    // 1,000 more commands, then the snapshot a running engine takes again and again.
    for (std::size_t k = 0; k < 1000; k += 500) {
      batch.clear();
      entries.clear();
      for (std::size_t b = 0; b < 500; ++b) batch.push_back(create(total + k + b));
      now = now + std::chrono::microseconds(600);
      for (std::size_t b = 0; b < batch.size(); ++b) {
        entries.push_back(journal::Entry{seq + b, now, &batch[b]});
      }
      if (!j->append(entries).ok()) std::abort();
      seq += batch.size();
    }
    snapshot_s = timed_snapshot();
    snapshot_bytes = j->last_snapshot()->bytes;
  }
  {
    core::Core core;
    journal::RecoveryOptions ro;
    ro.dir = d;
    ro.keep_history = true;
    auto r = journal::recover(core, ro, compiler());
    if (!r.ok() || !r.value().from_state) {
      std::fprintf(stderr, "snapshot recovery failed\n");
      return 1;
    }
    snapshot_recovery_s = r.value().seconds;
    waiting = core.counts().waiting;
    snapshot_hash = core.state_hash();
  }
  {
    // The same history, record by record: an observer makes recovery read from the first.
    core::Core core;
    journal::RecoveryOptions ro;
    ro.dir = d;
    ro.read_only = true;
    ro.observe = [](const journal::ReplayStep&) {};
    auto r = journal::recover(core, ro, compiler());
    if (!r.ok() || r.value().from_state || core.state_hash() != snapshot_hash) {
      std::fprintf(stderr, "history replay failed or differs from the snapshot\n");
      return 1;
    }
    history_replay_s = r.value().seconds;
  }
  remove(d);

  const double ratio = none.per_s > 0 ? always.per_s / none.per_s : 0;
  if (json) {
    std::printf(
        "{\"ingest_always_per_s\":%.0f,\"ingest_none_per_s\":%.0f,\"ingest_no_journal_per_s\":%.0f,"
        "\"always_vs_none\":%.3f,\"batch_max\":%zu,\"fsyncs_always\":%zu,"
        "\"fsync_p50_ms\":%.3f,\"fsync_p99_ms\":%.3f,\"fsync_share\":%.3f,\"recovery_commands\":%"
        "llu,"
        "\"journal_bytes\":%llu,\"recovery_s\":%.3f,\"recovery_hash_equal\":%s,"
        "\"recovery_from_snapshot_s\":%.3f,\"recovery_snapshot_bytes\":%llu,"
        "\"snapshot_agents\":%zu,\"snapshot_waiting\":%zu,\"snapshot_first_s\":%.3f,"
        "\"snapshot_s\":%.3f,\"snapshot_bytes\":%llu,\"snapshot_recovery_s\":%.3f,"
        "\"history_replay_s\":%.3f}\n",
        always.per_s, none.per_s, off.per_s, ratio, batch_max, always.fsyncs,
        always.fsync_p50 * 1e3, always.fsync_p99 * 1e3, always.fsync_share,
        static_cast<unsigned long long>(written), static_cast<unsigned long long>(journal_bytes),
        recovery_s, same_hash ? "true" : "false", mix_snapshot_recovery_s,
        static_cast<unsigned long long>(mix_snapshot_bytes), snapshot_agents, waiting,
        snapshot_first_s, snapshot_s, static_cast<unsigned long long>(snapshot_bytes),
        snapshot_recovery_s, history_replay_s);
  } else {
    std::printf(
        "ingest, fsync always      %10.0f commands/s (%zu fdatasyncs, %.0f commands each)\n",
        always.per_s, always.fsyncs,
        always.fsyncs > 0 ? static_cast<double>(always.commands) / always.fsyncs : 0.0);
    std::printf("ingest, fsync none        %10.0f commands/s\n", none.per_s);
    std::printf("ingest, no journal        %10.0f commands/s\n", off.per_s);
    std::printf("always / none             %10.1f %%\n", ratio * 100);
    std::printf("fdatasync p50 / p99       %10.3f / %.3f ms (%.0f %% of the run)\n",
                always.fsync_p50 * 1e3, always.fsync_p99 * 1e3, always.fsync_share * 100);
    std::printf("recovery of %llu commands (%llu bytes): %.3f s, state hash %s\n",
                static_cast<unsigned long long>(written),
                static_cast<unsigned long long>(journal_bytes), recovery_s,
                same_hash ? "equal to the live one" : "DIFFERENT");
    std::printf("the same after a snapshot (%llu bytes): %.3f s\n",
                static_cast<unsigned long long>(mix_snapshot_bytes), mix_snapshot_recovery_s);
    std::printf(
        "state snapshot of %zu agents + %zu waiting: first %.3f s, next %.3f s, %llu bytes\n",
        snapshot_agents, waiting, snapshot_first_s, snapshot_s,
        static_cast<unsigned long long>(snapshot_bytes));
    std::printf("recovery from it %.3f s; replaying the same history record by record %.3f s\n",
                snapshot_recovery_s, history_replay_s);
  }
  return same_hash ? 0 : 2;
}
