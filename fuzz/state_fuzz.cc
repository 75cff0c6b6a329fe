// libFuzzer target: a saved core state, damaged. A snapshot's CRC catches damage on disk, so
// what this guards against is a sound file the loader still must not trust blindly (a bug in an
// older writer, a state from another version). The base is a valid state saved at start-up from
// a small centre driven through every kind of command (offers pending and accepted, wrap-ups,
// holds, cancels, transfers, sentiment updates); the input edits it: each 4 bytes replace one
// byte (3 bytes of offset, 1 of value), and an input whose length is odd also cuts the state
// there. Whatever the bytes, Core::load_state must refuse cleanly, or load a state that keeps
// every invariant and goes on routing (in a child process: see below).
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "engine/core/core.h"
#include "engine/policy/policy_loader.h"

namespace {

using namespace sb;

constexpr Timestamp kStart{1'800'000'000'000'000};

struct Base {
  std::shared_ptr<const Policy> policy;
  std::string state;
  Timestamp now;
};

std::shared_ptr<const Policy> load_default_policy() {
  std::ifstream in(std::string(SB_SOURCE_DIR) + "/config/routing.yaml", std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  auto loaded = policy::load_policy(text.str(), "routing.yaml", 1);
  if (!loaded.loaded) std::abort();
  return loaded.loaded->policy;
}

Base make_base() {
  Base b;
  b.policy = load_default_policy();
  core::Core core;
  std::vector<Event> events;
  Timestamp now = kStart;
  auto apply = [&](Command c) {
    now = now + std::chrono::seconds(1);
    (void)core.apply(c, now, events);
  };
  apply(SetPolicy{b.policy});
  const char* skills[] = {"billing", "tech", "sales", "deescalation"};
  for (int a = 0; a < 24; ++a) {
    UpsertAgent u;
    u.agent_id = "agent-" + std::to_string(a);
    u.skills = {{skills[a % 4], 3 + a % 8}, {skills[(a + 1) % 4], 1 + a % 5}};
    u.languages =
        a % 3 == 0 ? std::vector<std::string>{"en", "es"} : std::vector<std::string>{"en"};
    if (a % 5 == 0) u.channels = {{"chat", 2}, {"email", 3}};
    u.attributes = {{"team", std::string(a % 2 ? "north" : "south")}};
    apply(u);
    if (a % 6 != 5) apply(SetAgentState{u.agent_id, Presence::Available, ""});
  }
  const char* channels[] = {"chat", "voice", "email", "sms"};
  const char* intents[] = {"billing", "tech", "sales", "upgrade"};
  std::vector<OfferId> offers;
  for (int i = 0; i < 90; ++i) {
    CreateInteraction c;
    c.interaction_id = "i-" + std::to_string(i);
    c.channel = channels[i % 4];
    c.customer_id = "c-" + std::to_string(i % 37);
    c.attributes = {{"intent", std::string(intents[i % 4])},
                    {"language", std::string(i % 7 ? "en" : "es")}};
    c.sentiment = i % 9 == 0 ? -0.8 : 0.1;
    events.clear();
    apply(c);
    for (const Event& e : events) {
      if (const auto* o = std::get_if<OfferCreated>(&e.body)) offers.push_back(o->offer_id);
    }
    if (i % 5 == 0 && !offers.empty()) {
      apply(AcceptOffer{offers.back()});
      offers.pop_back();
    }
    if (i % 11 == 0 && !offers.empty()) {
      apply(RejectOffer{offers.back(), "busy"});
      offers.pop_back();
    }
    if (i % 13 == 0) apply(CompleteInteraction{"i-" + std::to_string(i - 5), "resolved"});
    if (i % 17 == 0) apply(CancelInteraction{"i-" + std::to_string(i - 3), "hung up"});
    if (i % 19 == 0) apply(TransferInteraction{"i-" + std::to_string(i - 2), "general", ""});
    if (i % 23 == 0) {
      UpdateInteraction u;
      u.interaction_id = "i-" + std::to_string(i - 1);
      u.sentiment = -0.9;
      apply(u);
    }
  }
  core.save_state(b.state);
  b.now = now;
  return b;
}

void check(const core::Core& core, const char* when) {
  const auto broken = core.check_invariants();
  if (broken.empty()) return;
  std::fprintf(stderr, "state_fuzz: an invariant broke %s: %s\n", when, broken.front().c_str());
  std::abort();
}

// Time passes (every timer fires), new work arrives, agents come and go; then every invariant
// must still hold. Runs in a child process: exits 3 on a broken invariant.
void go_on_routing(core::Core& core) {
  std::vector<Event> events;
  core.advance(core.now() + std::chrono::hours(2), events);
  CreateInteraction c;
  c.interaction_id = "fuzz-new";
  c.channel = "chat";
  c.customer_id = "c-1";
  c.attributes = {{"intent", std::string("billing")}};
  (void)core.apply(c, core.now() + std::chrono::seconds(1), events);
  for (const AgentView& a : core.agents()) {
    (void)core.apply(SetAgentState{a.id, Presence::Available, ""},
                     core.now() + std::chrono::seconds(1), events);
  }
  const auto broken = core.check_invariants();
  if (broken.empty()) return;
  std::fprintf(stderr, "state_fuzz: an invariant broke after routing on: %s\n",
               broken.front().c_str());
  std::_Exit(3);
}

const Base& base() {
  static const Base b = make_base();
  return b;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const Base& b = base();
  std::string state = b.state;
  for (std::size_t k = 0; k + 4 <= size; k += 4) {
    const std::size_t offset =
        (std::size_t{data[k]} | std::size_t{data[k + 1]} << 8 | std::size_t{data[k + 2]} << 16) %
        state.size();
    state[offset] = static_cast<char>(data[k + 3]);
  }
  if (size % 2 == 1 && size >= 3) {
    state.resize((std::size_t{data[0]} | std::size_t{data[1]} << 8) % (state.size() + 1));
  }
  core::Core core;
  auto loaded = core.load_state(state, b.policy);
  if (!loaded.ok()) return 0;
  check(core, "after the load (load_state must have refused it)");
  // It goes on routing, in a child process. A state that loads but is subtly inconsistent (a
  // sound file from a buggy writer) may stop the core at an SB_CHECK: that is its designed
  // fail-stop ("crash loudly rather than limp on"), and allowed. A memory error, undefined
  // behaviour, a broken invariant or a hang is not.
  const pid_t child = ::fork();
  if (child < 0) std::abort();
  if (child == 0) {
    std::signal(SIGABRT, SIG_DFL);  // an SB_CHECK ends the child, not libFuzzer's crash handler
    go_on_routing(core);
    std::_Exit(0);
  }
  int status = 0;
  while (::waitpid(child, &status, 0) < 0) {
  }
  const bool finished = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  const bool fail_stop = WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
  if (!finished && !fail_stop) {
    std::fprintf(stderr, "state_fuzz: routing on from the loaded state failed (status %d)\n",
                 status);
    std::abort();
  }
  return 0;
}
