// Test helpers for the journal: a temporary data directory, the e2e policy with its source, a
// policy compiler for recovery, and a workload that drives a reference core the way the runtime
// does (advance at the batch time, then each command at its own time) while journaling every
// command, so that a replay can be compared with the live state. Single-threaded.
#pragma once

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "engine/core/core.h"
#include "engine/journal/file_journal.h"
#include "engine/journal/recovery.h"
#include "engine/policy/policy_loader.h"

namespace sb::journal::test {

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline std::string policy_source() {
  return read_text(std::string(SB_SOURCE_DIR) + "/tests/e2e/e2e_policy.yaml");
}

inline PolicyCompiler compiler() {
  return [](const std::string& source,
            std::uint64_t version) -> Result<std::shared_ptr<const Policy>> {
    auto loaded = policy::load_policy(source, "journal", version);
    if (!loaded.loaded) return make_error(ErrorCode::InvalidField, "policy", "does not compile");
    return loaded.loaded->policy;
  };
}

inline SetPolicy set_policy(std::uint64_t version = 1) {
  const std::string source = policy_source();
  auto loaded = policy::load_policy(source, "test", version);
  REQUIRE(loaded.loaded);
  return SetPolicy{loaded.loaded->policy, source};
}

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "sb-journal-XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }
  std::vector<std::string> files(std::string_view suffix) const {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(path_)) {
      if (e.path().string().ends_with(suffix)) out.push_back(e.path().string());
    }
    std::sort(out.begin(), out.end());
    return out;
  }

 private:
  std::string path_;
};

inline constexpr Timestamp kStart{1'800'000'000'000'000};

// A live core fed with random but meaningful commands (agents, interactions, offers accepted,
// rejected and left to expire, completions, cancels, transfers, updates, a policy reload), in
// batches stamped like the runtime stamps them, each batch journaled before it is applied.
class Workload {
 public:
  explicit Workload(std::uint64_t seed) : rng_(seed) {}

  core::Core& live() { return live_; }
  std::uint64_t last_sequence() const { return next_sequence_ - 1; }
  Timestamp now() const { return now_; }

  // One batch of `n` commands, `gap` after the previous one; false if the journal refused it.
  bool batch(Journal& journal, std::size_t n, Duration gap = std::chrono::milliseconds(40)) {
    now_ = now_ + gap;
    std::vector<Event> events;
    live_.advance(now_, events);
    std::vector<Command> commands;
    std::vector<Entry> entries;
    commands.reserve(n);
    for (std::size_t k = 0; k < n; ++k) commands.push_back(next_command());
    Timestamp at = now_;
    for (std::size_t k = 0; k < n; ++k) {
      at = at + Duration{3};
      entries.push_back(Entry{next_sequence_ + k, at, &commands[k]});
    }
    if (!journal.append(entries).ok()) return false;
    for (const Entry& e : entries) (void)live_.apply(*e.command, e.at, events);
    next_sequence_ += n;
    now_ = at;
    return true;
  }

 private:
  Command next_command() {
    if (!policy_set_) {
      policy_set_ = true;
      return set_policy(1);
    }
    if (agents_ < 8) {
      UpsertAgent a;
      a.agent_id = "agent-" + std::to_string(agents_++);
      a.skills = {{"billing", 5 + static_cast<int>(agents_ % 5)}, {"tech", 6}};
      a.languages = {"en"};
      a.channels = {{"chat", 2}, {"voice", 1}};
      a.attributes = {{"team", std::string("emea")}, {"tier", 2.0}, {"senior", true}};
      return a;
    }
    if (!available_) {
      if (available_count_ < agents_) {
        return SetAgentState{"agent-" + std::to_string(available_count_++), Presence::Available,
                             ""};
      }
      available_ = true;
    }
    const int dice = std::uniform_int_distribution<int>(0, 99)(rng_);
    if (dice < 35 || created_.empty()) {
      CreateInteraction c;
      c.interaction_id = "i-" + std::to_string(created_.size());
      c.channel = dice % 3 == 0 ? "voice" : "chat";
      c.customer_id = "c-" + std::to_string(created_.size() % 17);
      c.attributes = {{"intent", std::string(dice % 2 ? "billing" : "tech")}};
      c.sentiment = -0.5 + 0.01 * dice;
      created_.push_back(c.interaction_id);
      return c;
    }
    const std::string& id =
        created_[std::uniform_int_distribution<std::size_t>(0, created_.size() - 1)(rng_)];
    const auto status = live_.status(id);
    if (dice < 60 && status && status->offer_id != 0) return AcceptOffer{status->offer_id};
    if (dice < 65 && status && status->offer_id != 0) return RejectOffer{status->offer_id, "busy"};
    if (dice < 80) return CompleteInteraction{id, "resolved"};
    if (dice < 85) return CancelInteraction{id, "left"};
    if (dice < 88) return TransferInteraction{id, "general", ""};
    if (dice < 95) {
      UpdateInteraction u;
      u.interaction_id = id;
      u.sentiment = -0.9;
      u.attributes = Attributes{{"vip", true}};
      return u;
    }
    if (dice < 97)
      return SetAgentState{"agent-" + std::to_string(dice % agents_),
                           dice % 2 ? Presence::Away : Presence::Available, "break"};
    if (dice < 98) return set_policy(++policy_version_);
    return AcceptOffer{999'999};  // rejected: no such offer
  }

  std::mt19937_64 rng_;
  core::Core live_;
  Timestamp now_ = kStart;
  std::uint64_t next_sequence_ = 1;
  bool policy_set_ = false;
  std::uint64_t policy_version_ = 1;
  std::uint32_t agents_ = 0;
  std::uint32_t available_count_ = 0;
  bool available_ = false;
  std::vector<std::string> created_;
};

inline FileJournalOptions options_for(const TempDir& dir, FsyncPolicy fsync = FsyncPolicy::Always) {
  FileJournalOptions o;
  o.dir = dir.path();
  o.fsync = fsync;
  o.snapshot_every_commands = 0;
  o.snapshot_every = std::chrono::seconds(0);
  o.compile = compiler();
  return o;
}

inline std::unique_ptr<FileJournal> open_journal(const FileJournalOptions& o,
                                                 std::uint64_t next_sequence = 1,
                                                 std::shared_ptr<FileOps> ops = nullptr) {
  std::unique_ptr<FileJournal> j;
  Status s = FileJournal::open(o, next_sequence, j, std::move(ops));
  INFO(s.message());
  REQUIRE(s.ok());
  return j;
}

// Recovers `dir` into `core`; fails the test on an error.
inline RecoveryReport recover_ok(core::Core& core, const std::string& dir,
                                 bool truncate_corrupt = false, bool keep_history = false) {
  RecoveryOptions o;
  o.dir = dir;
  o.truncate_corrupt = truncate_corrupt;
  o.keep_history = keep_history;
  auto r = recover(core, o, compiler());
  INFO((r.ok() ? std::string() : r.error().message));
  REQUIRE(r.ok());
  return r.value();
}

}  // namespace sb::journal::test
