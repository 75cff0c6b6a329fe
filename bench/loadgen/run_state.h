// RunState: what every driver of one loadgen run shares — the target, the recorder, the ids of
// this run, and whether to keep sending. Thread-safe (the flag is atomic, the rest immutable or
// thread-safe itself).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "bench/loadgen/load_options.h"
#include "bench/loadgen/recorder.h"
#include "bench/loadgen/target.h"

namespace sb::loadgen {

struct RunState {
  Target target;
  LoadOptions options;
  Recorder recorder;
  std::string id_prefix;  // "lg<run>-": interaction n is lg<run>-n
  std::atomic<bool> sending{true};
  std::atomic<bool> events_lost{false};  // the event session ended during the run
  // Tells driver `owner` that one of its interactions is over (set before the drivers start).
  std::function<void(int owner)> release;

  std::string interaction_id(std::uint64_t n) const {
    std::string id = id_prefix;
    id += std::to_string(n);
    return id;
  }
  // n of an interaction id of this run, nullopt for others.
  std::optional<std::uint64_t> interaction_number(std::string_view id) const;
  // The body of POST /v1/interactions for interaction n (the stream op adds its fields).
  std::string create_fields(std::uint64_t n) const;
};

}  // namespace sb::loadgen
