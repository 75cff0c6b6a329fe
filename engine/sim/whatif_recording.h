// What-if replay, part 1: what a journal recorded, read from the recorded run as recovery replays
// it (every command at its recorded time, with the events the core gave). The RecordingBuilder
// splits the stream into
// - the script: what came from outside and is replayed as it was — agents (upserts, presence),
//   interactions (creates, updates), and the cancels and transfers of waiting interactions,
//   which apply only if the interaction still waits at that point in the candidate run;
// - per contact (an interaction as created): its offers (to whom, answered how and how fast)
//   and its answered legs (who, the handle time from the accept to the complete, transfer or
//   cancel), the raw material of the behaviour model (whatif_model.h);
// - the recorded KPIs, measured by a KpiObserver.
// It knows nothing of files: engine/app feeds it from journal::recover.
//
// Thread contract: single-threaded; a builder is fed one run, then finish() once.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "engine/sim/kpi_observer.h"
#include "switchboard/command.h"
#include "switchboard/event.h"

namespace sb::sim {

// How a recorded offer ended. Open: still pending when the recording ends.
enum class OfferOutcome : std::uint8_t { Accepted, Rejected, Expired, Withdrawn, Open };

struct RecordedOffer {
  std::string agent{};
  // From the offer to its end (the answer, the expiry, the withdrawal, or the recording's end).
  Duration delay{0};
  OfferOutcome outcome = OfferOutcome::Open;
  std::uint64_t answer_sequence = 0;  // of the accept or reject
  std::string reason{};               // a reject's
};

// How an answered leg ended. Open: still being handled when the recording ends.
enum class LegEnd : std::uint8_t { Complete, Transfer, Cancel, Open };

struct RecordedLeg {
  std::string agent{};
  Duration handle{0};  // from the accept to the end command (Open: to the recording's end)
  LegEnd end = LegEnd::Open;
  std::uint64_t end_sequence = 0;  // of the complete, transfer or cancel
  std::string outcome{};           // a complete's outcome, a cancel's reason
  std::string to_queue{};          // a transfer's target (one of the two, or neither: out)
  std::string to_agent{};
};

// The first leg of a contact as recorded: answered, abandoned, still waiting at the end, or
// never created (the create was refused live).
enum class FirstLeg : std::uint8_t { NotCreated, Answered, Abandoned, Waiting };

struct RecordedContact {
  std::string id;
  std::string channel;
  Timestamp created;
  FirstLeg first = FirstLeg::NotCreated;
  Duration first_wait{0};  // from the create to the first answer, the abandonment, or the end
  std::vector<RecordedOffer> offers;
  std::vector<RecordedLeg> legs;
};

// A recorded command the candidate run applies at its recorded time and sequence.
struct ScriptItem {
  std::uint64_t sequence = 0;
  Timestamp at;
  Command command;
  bool accepted_live = false;
  std::int32_t contact = -1;  // a create (not a retried duplicate), or a conditional item's
  // -1: always applied. Otherwise a cancel (the customer left) or a transfer of an interaction
  // that was waiting live, with this many answered legs: applied only if it waits likewise.
  std::int32_t if_waiting_after_legs = -1;
  // A policy installed live: the candidate is installed here instead. Installing it again
  // where the live engine reloaded re-evaluates the waiting interactions at the same moments
  // in both runs (a reload moves a waiting interaction back to the queue its attributes match),
  // so that the reload's side effects are not taken for the candidate's.
  bool install_candidate = false;
};

struct Recording {
  Timestamp start;
  Timestamp end;
  std::uint64_t commands = 0;
  std::vector<ScriptItem> script;
  std::vector<RecordedContact> contacts;
  std::vector<std::uint64_t> policy_versions;  // installed live, in order
  // Agents the core set away for missed offers, and when; and how long each took to say
  // "available" again.
  std::vector<std::pair<std::string, Timestamp>> missed_offer_aways;
  std::vector<Duration> back_after_missed;
  Measurements measured;  // the recorded KPIs
};

class RecordingBuilder {
 public:
  // Timers that fell due before a record, their events each at its own time.
  void timers(std::span<const Event> events);
  // One recorded command applied at `at`, the core's answer and the events it caused.
  void command(std::uint64_t sequence, Timestamp at, const Command& command,
               const Result<Reply>& result, std::span<const Event> events);
  // The recording ends at `end` (its last record).
  Recording finish(Timestamp end);

  bool empty() const { return r_.commands == 0; }

 private:
  struct Tracking {  // a contact while the run goes on
    Timestamp leg_started;
    bool leg_open = false;  // assigned, its end not yet seen
  };
  struct OpenOffer {
    std::int32_t contact = -1;
    std::uint32_t index = 0;  // in the contact's offers
    Timestamp at;
  };
  struct Step {  // the command whose events are being read
    std::uint64_t sequence = 0;
    const Command* command = nullptr;
    bool waiting_cancel = false;    // it abandoned a waiting interaction
    bool waiting_transfer = false;  // it transferred a waiting interaction
    std::int32_t contact = -1;      // the contact it created, cancelled or transferred
    std::int32_t legs = -1;         // that contact's answered legs then
  };

  void start(Timestamp at);
  void on_event(const Event& event, Step& step);
  std::int32_t contact_of(const std::string& id) const;
  void add_script(std::uint64_t sequence, Timestamp at, const Command& command, bool accepted,
                  const Step& step);

  Recording r_;
  std::optional<KpiObserver> observer_;
  std::vector<Tracking> tracking_;
  std::unordered_map<std::string, std::int32_t> contact_index_;  // live id -> latest contact
  std::unordered_map<OfferId, OpenOffer> offers_;                // pending offers
  std::unordered_map<std::string, Timestamp> away_since_;        // set away for missed offers
};

}  // namespace sb::sim
