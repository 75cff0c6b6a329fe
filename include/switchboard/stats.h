// What the routing core has measured: the figures Prometheus, dashboards and the simulator read.
// The core keeps them as it applies commands (cheap counters and fixed-bucket histograms on the
// core thread) and hands out a copy on request; the copy is plain data, safe from any thread.
// Metric names and meanings: docs/operations.md.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "switchboard/time.h"

namespace sb {

// A histogram in Prometheus's shape: `counts[k]` observations <= bounds[k] and above the
// previous bound (not cumulative); counts has one more entry, for those above every bound.
struct HistogramData {
  std::span<const double> bounds;
  std::vector<std::uint64_t> counts;
  double sum = 0;
  std::uint64_t count = 0;

  void observe(double value);
  explicit HistogramData(std::span<const double> b = {}) : bounds(b), counts(b.size() + 1, 0) {}
};

// Bucket bounds, in the histogram's unit (seconds unless named otherwise).
namespace buckets {
inline constexpr std::array<double, 15> kWait{1,  2,  5,   10,  15,  20,  30,  45,
                                              60, 90, 120, 180, 300, 600, 1800};
inline constexpr std::array<double, 12> kHandle{10,  30,  60,  120,  180,  300,
                                                450, 600, 900, 1800, 3600, 7200};
inline constexpr std::array<double, 8> kWrapUp{5, 10, 20, 30, 60, 120, 300, 600};
inline constexpr std::array<double, 6> kCount{0, 1, 2, 3, 5, 10};  // transfers, contacts, switches
inline constexpr std::array<double, 12> kJourney{60,    300,    900,    1800,   3600,    4 * 3600,
                                                 86400, 172800, 259200, 604800, 1209600, 2592000};
inline constexpr std::array<double, 12> kDecision{250e-9, 500e-9, 1e-6,   2e-6,   5e-6,   10e-6,
                                                  20e-6,  50e-6,  100e-6, 250e-6, 500e-6, 1e-3};
}  // namespace buckets

// One queue on one channel (a queue removed by a reload keeps its figures).
struct QueueChannelStats {
  std::string queue;
  std::string channel;
  std::uint32_t waiting = 0;
  Duration oldest_wait{0};
  std::uint64_t entered = 0;
  std::uint64_t answered = 0;
  std::uint64_t abandoned = 0;
  std::uint64_t transferred = 0;  // transferred out by an agent or the platform
  std::uint64_t overflowed = 0;   // moved on to the queue's overflow
  HistogramData wait_answered{buckets::kWait};
  HistogramData wait_abandoned{buckets::kWait};
  HistogramData handle_time{buckets::kHandle};  // accept to complete (or the customer hangs up)
  HistogramData wrap_up_time{buckets::kWrapUp};
  // Over the rolling window: answered within the threshold / (answered + abandoned after it);
  // none while nothing was answered or abandoned in the window.
  std::optional<double> service_level;
  std::optional<double> average_speed_of_answer_s;
};

struct QueueStats {
  std::string name;
  bool active = true;
  double sla_target = 0;
  Duration sla_threshold{0};
  std::optional<double> service_level;  // rolling window, every channel
  bool below_target = false;            // as last announced on the stream
  std::optional<Duration> estimated_wait;
  // Logged-in agents (available or busy) who may take the interaction at the head of the
  // queue; with nothing waiting, the free agents who could take a new arrival.
  std::uint32_t agents_eligible = 0;
  std::uint64_t preferred_agent_timeouts = 0;
  std::uint64_t sla_breaches = 0;
};

enum class AgentBucket : std::uint8_t { Available, Busy, WrapUp, Away, Offline };
inline constexpr std::array<const char*, 5> kAgentBucketNames{"available", "busy", "wrap_up",
                                                              "away", "offline"};
enum class OfferResult : std::uint8_t { Created, Accepted, Rejected, Expired, Withdrawn };
inline constexpr std::array<const char*, 5> kOfferResultNames{"created", "accepted", "rejected",
                                                              "expired", "withdrawn"};

struct ChannelStats {
  std::string channel;
  // Agents who take this channel, by what they are doing on it.
  std::array<std::uint32_t, 5> agents{};
  double occupancy = 0;  // busy / (available + busy + wrap-up) of those agents; 0 if none
  std::array<std::uint64_t, 5> offers{};
  std::uint64_t repeat_contacts = 0;  // same customer and intent within the repeat window
  std::uint64_t affinity_hits = 0;    // answered by an agent who served the customer before
  std::uint64_t bot_escalations = 0;  // transferred away from a bot that was handling it
  std::uint64_t resolutions = 0;      // journeys closed as resolved, by the resolving channel
  std::uint64_t first_contact_resolutions = 0;  // ... with a single contact
  HistogramData transfers_per_interaction{buckets::kCount};
};

struct ChannelSwitchStats {
  std::string from;
  std::string to;
  std::uint64_t count = 0;
};

// Journeys: one customer's contacts on one intent, closed once the repeat window passes after
// the last of them ended with no new contact.
struct JourneyStats {
  std::uint64_t resolved = 0;
  std::uint64_t unresolved = 0;
  std::uint64_t autonomous = 0;  // resolved with no human agent on any contact
  HistogramData contacts{buckets::kCount};
  HistogramData channel_switches{buckets::kCount};
  HistogramData resolution_time{buckets::kJourney};  // first contact to resolution
};

struct StatsSnapshot {
  Timestamp at;
  Duration service_level_window{0};
  std::vector<QueueChannelStats> queue_channels;
  std::vector<QueueStats> queues;
  std::vector<ChannelStats> channels;
  std::vector<ChannelSwitchStats> channel_switches;
  JourneyStats journeys;
  std::uint64_t agents_set_away = 0;                // after too many missed offers
  HistogramData decision_time{buckets::kDecision};  // empty unless the core has a stopwatch
  // Commands by kind (command_name order) and result.
  std::array<std::uint64_t, 10> commands_applied{};
  std::array<std::uint64_t, 10> commands_rejected{};
};

}  // namespace sb
