// The core's measurements (switchboard/stats.h): counters and fixed-bucket histograms per
// queue and channel, per channel, and of customer journeys, updated by the core as it applies
// commands and fires timers. Measurements never influence routing and are not part of the
// state hash. Core-thread only.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <unordered_map>
#include <vector>

#include "engine/core/records.h"
#include "switchboard/stats.h"

namespace sb {
class ByteWriter;
class ByteReader;
}  // namespace sb

namespace sb::core {

// Outcomes of the last `window`, in kSlots slots, so that a rolling figure costs O(kSlots).
class RollingWindow {
 public:
  static constexpr std::size_t kSlots = 15;
  void add(Timestamp now, Duration window, bool within, bool answered, Duration waited);
  struct Totals {
    std::uint64_t within = 0;    // answered within the threshold
    std::uint64_t answered = 0;  // every answer
    std::uint64_t late_abandoned = 0;
    double wait_answered_s = 0;
  };
  Totals totals(Timestamp now, Duration window) const;
  static std::optional<double> service_level(const Totals& t);
  void save(ByteWriter& w) const;
  void load(ByteReader& r);

 private:
  struct Slot {
    std::int64_t index = -1;
    Totals totals;
  };
  std::array<Slot, kSlots> slots_{};
};

struct QueueChannelCell {
  QueueIndex queue = kNone;
  Symbol channel = kNoSymbol;
  std::uint32_t waiting = 0;
  std::uint64_t entered = 0, answered = 0, abandoned = 0, transferred = 0, overflowed = 0;
  HistogramData wait_answered{buckets::kWait};
  HistogramData wait_abandoned{buckets::kWait};
  HistogramData handle_time{buckets::kHandle};
  HistogramData wrap_up_time{buckets::kWrapUp};
  RollingWindow window;
};

struct ChannelCell {
  Symbol channel = kNoSymbol;
  std::array<std::uint64_t, 5> offers{};
  std::uint64_t repeat_contacts = 0, affinity_hits = 0, bot_escalations = 0;
  std::uint64_t resolutions = 0, first_contact_resolutions = 0;
  HistogramData transfers_per_interaction{buckets::kCount};
};

struct QueueCell {
  RollingWindow window;
  bool below_target = false;
  std::uint64_t preferred_agent_timeouts = 0;
};

// A contact whose journey may close once the repeat window has passed since it ended.
struct PendingClose {
  Timestamp due;
  std::uint32_t customer = kNone;
  std::uint64_t contact_seq = 0;
};

class CoreStats {
 public:
  QueueChannelCell& cell(QueueIndex queue, Symbol channel);
  ChannelCell& channel(Symbol channel);
  QueueCell& queue(QueueIndex queue);
  void channel_switch(Symbol from, Symbol to) { ++switches_[key(from, to)]; }
  void command(std::size_t kind, bool applied) {
    ++(applied ? commands_applied_ : commands_rejected_)[kind];
  }

  const std::vector<QueueChannelCell>& cells() const { return cells_; }
  const std::vector<ChannelCell>& channels() const { return channels_; }
  const std::vector<QueueCell>& queues() const { return queues_; }
  const std::unordered_map<std::uint64_t, std::uint64_t>& switches() const { return switches_; }
  static Symbol switch_from(std::uint64_t k) { return static_cast<Symbol>(k >> 32); }
  static Symbol switch_to(std::uint64_t k) { return static_cast<Symbol>(k & 0xFFFFFFFFu); }

  JourneyStats journeys;
  std::deque<PendingClose> pending_closes;  // due in order: the repeat window is one duration
  std::uint64_t agents_set_away = 0;
  HistogramData decision_time{buckets::kDecision};
  const std::array<std::uint64_t, 10>& commands_applied() const { return commands_applied_; }
  const std::array<std::uint64_t, 10>& commands_rejected() const { return commands_rejected_; }

  // State snapshots (core_state.cc); `load` wants fresh stats. False when malformed.
  void save(ByteWriter& w) const;
  bool load(ByteReader& r, std::size_t symbols, std::size_t queues);

 private:
  static std::uint64_t key(Symbol a, Symbol b) { return (std::uint64_t{a} << 32) | b; }
  std::vector<QueueChannelCell> cells_;
  std::unordered_map<std::uint64_t, std::uint32_t> cell_index_;
  std::vector<ChannelCell> channels_;
  std::vector<QueueCell> queues_;
  std::unordered_map<std::uint64_t, std::uint64_t> switches_;
  std::array<std::uint64_t, 10> commands_applied_{};
  std::array<std::uint64_t, 10> commands_rejected_{};
};

}  // namespace sb::core
