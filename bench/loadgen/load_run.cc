#include "bench/loadgen/load_run.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <memory>
#include <random>
#include <thread>
#include <vector>

#include "bench/loadgen/agent_setup.h"
#include "bench/loadgen/http_driver.h"
#include "bench/loadgen/offer_handler.h"
#include "bench/loadgen/run_state.h"
#include "bench/loadgen/text.h"
#include "bench/loadgen/ws_driver.h"
#include "engine/client/endpoint.h"

namespace sb::loadgen {
namespace net = boost::asio;
using namespace std::chrono_literals;

namespace {

constexpr auto kReadyWait = 10s;

std::string random_run_id() {
  std::random_device device;
  char text[16];
  std::snprintf(text, sizeof text, "%08x", static_cast<unsigned>(device()));
  return text;
}

// Fills run.target; "" or what went wrong.
std::string resolve(const LoadOptions& options, client::Endpoint& endpoint, Target& target) {
  std::string error;
  endpoint = client::parse_url(options.url, error);
  if (!error.empty()) return cat({"bad --url: ", error});
  if (endpoint.tls) return "loadgen speaks plain HTTP and WebSocket only (http:// or ws://)";
  endpoint.token = options.token;
  net::io_context ioc;
  net::ip::tcp::resolver resolver(ioc);
  boost::system::error_code ec;
  target.endpoints = resolver.resolve(endpoint.host, std::to_string(endpoint.port), ec);
  if (ec) return cat({"cannot resolve ", endpoint.host, ": ", ec.message()});
  const bool v6 = endpoint.host.find(':') != std::string::npos;
  target.host = v6 ? cat({"[", endpoint.host, "]:", std::to_string(endpoint.port)})
                   : cat({endpoint.host, ":", std::to_string(endpoint.port)});
  if (!options.token.empty()) target.authorization = cat({"Bearer ", options.token});
  return {};
}

template <class Pred>
bool wait_for(Pred pred, std::chrono::steady_clock::duration limit) {
  const auto deadline = Clock::now() + limit;
  while (!pred()) {
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

std::chrono::steady_clock::duration seconds(double s) {
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double>(s));
}

}  // namespace

RunOutcome run_load(const LoadOptions& options, std::FILE* log) {
  RunOutcome outcome;
  RunState run;
  run.options = options;
  run.id_prefix = cat({"lg", random_run_id(), "-"});
  client::Endpoint endpoint;
  if (outcome.error = resolve(options, endpoint, run.target); !outcome.error.empty())
    return outcome;
  const bool routes = options.mode != Mode::Livez;
  if (routes && options.agents > 0) {
    std::fprintf(log, "loadgen: registering %d agents (chat capacity %d)\n", options.agents,
                 options.capacity);
    if (outcome.error = register_agents(endpoint, options); !outcome.error.empty()) {
      outcome.error = cat({"agent set-up failed: ", outcome.error});
      return outcome;
    }
  }

  net::io_context ioc;
  auto work = net::make_work_guard(ioc);
  std::vector<std::thread> threads;
  for (int i = 0; i < std::max(options.threads, 1); ++i)
    threads.emplace_back([&ioc] { ioc.run(); });
  const auto stop_threads = [&] {
    work.reset();
    ioc.stop();
    for (std::thread& t : threads) t.join();
  };

  std::unique_ptr<OfferHandler> offers;
  if (routes && !options.ingest) {
    offers = std::make_unique<OfferHandler>(ioc, run, options.connections);
    offers->start();
    if (!wait_for([&] { return offers->ready(); }, kReadyWait)) {
      stop_threads();
      outcome.error = "the event stream did not open (subscription or sessions)";
      outcome.results = run.recorder.results();
      return outcome;
    }
  }

  const auto start = Clock::now();
  run.recorder.set_window(start + seconds(options.warmup_s),
                          start + seconds(options.warmup_s + options.duration_s));
  std::vector<std::shared_ptr<HttpDriver>> http_drivers;
  std::vector<std::unique_ptr<WsDriver>> ws_drivers;
  if (options.mode == Mode::Ws) {
    for (int i = 0; i < options.connections; ++i)
      ws_drivers.push_back(std::make_unique<WsDriver>(ioc, run, i, options.connections));
    run.release = [&ws_drivers](int owner) { ws_drivers[owner]->release(); };
  }
  for (int i = 0; i < options.connections; ++i) {
    if (options.mode == Mode::Ws) {
      ws_drivers[i]->start();
    } else {
      http_drivers.push_back(std::make_shared<HttpDriver>(ioc, run, i, options.connections));
      http_drivers.back()->start();
    }
  }
  std::this_thread::sleep_until(start + seconds(options.warmup_s + options.duration_s));
  run.sending = false;
  if (routes) {
    const bool drained =
        wait_for([&] { return run.recorder.outstanding() == 0; }, seconds(options.drain_s_max));
    if (!drained) {
      std::fprintf(log, "loadgen: %llu interactions still open after the drain\n",
                   static_cast<unsigned long long>(run.recorder.outstanding()));
    }
    if (offers) offers->close();
  }
  stop_threads();
  outcome.results = run.recorder.results();
  outcome.events_lost = run.events_lost;
  return outcome;
}

}  // namespace sb::loadgen
