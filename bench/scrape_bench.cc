// What observability costs the routing core. The core benchmark's steady state (N agents, a
// backlog, the realistic command mix) is replayed, alternately, in three modes:
//   bare    — no stopwatch, no reports: the core as core_bench measures it;
//   timed   — routing decisions timed with the steady clock (the decision-latency histogram);
//   scraped — timed, and every --interval-ms the core builds its report (counts + measurements,
//             as the runtime publishes them) which another thread renders as Prometheus text,
//             as a scrape every interval would.
// Rounds alternate the modes so that the machine's noise falls on all of them; the medians and
// the ratios to `bare` are printed. Goal (issue 7): scraped / bare >= 0.95 at one scrape every
// 100 ms.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>
#include <vector>

#include "bench/driver.h"
#include "bench/scenario.h"
#include "engine/metrics/metrics.h"

namespace sb::bench {
namespace {

using Clock = std::chrono::steady_clock;

std::uint64_t steady_ns() {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
          .count());
}

enum class Mode { Bare, Timed, Scraped };
const char* name(Mode m) {
  return m == Mode::Bare ? "bare" : m == Mode::Timed ? "timed" : "scraped";
}

// Renders each report it is handed on its own thread, like the I/O thread that answers a scrape.
class Scraper {
 public:
  Scraper() : thread_([this] { loop(); }) {}
  ~Scraper() { finish(); }
  // Renders what is still pending, stops the thread; the size of the last page rendered.
  std::size_t finish() {
    if (thread_.joinable()) {
      {
        std::lock_guard lock(mutex_);
        stop_ = true;
      }
      wake_.notify_one();
      thread_.join();
    }
    return bytes_.load();
  }
  void hand(std::shared_ptr<const runtime::CoreReport> report) {
    {
      std::lock_guard lock(mutex_);
      pending_ = std::move(report);
    }
    wake_.notify_one();
  }

 private:
  void loop() {
    metrics::Metrics metrics;
    for (;;) {
      std::shared_ptr<const runtime::CoreReport> report;
      {
        std::unique_lock lock(mutex_);
        wake_.wait(lock, [&] { return stop_ || pending_; });
        if (!pending_ && stop_) return;
        report = std::move(pending_);
      }
      metrics::Metrics::EngineFigures figures;
      figures.core = std::move(report);
      bytes_ = metrics.render(figures).size();
    }
  }
  std::mutex mutex_;
  std::condition_variable wake_;
  std::shared_ptr<const runtime::CoreReport> pending_;
  bool stop_ = false;
  std::atomic<std::size_t> bytes_{0};
  std::thread thread_;
};

struct Options {
  std::size_t agents = 10'000;
  std::size_t commands = 400'000;
  std::size_t rounds = 3;
  std::uint64_t seed = 1;
  int interval_ms = 100;
};

struct Run {
  double commands_per_s = 0;
  std::size_t reports = 0;
  double report_s = 0;  // on the core's thread, building the reports
};

Run replay(const CommandLog& setup, const CommandLog& log, Mode mode, int interval_ms,
           std::size_t& report_bytes) {
  core::Core core;
  std::vector<Event> events;
  for (const LoggedCommand& c : setup) {
    (void)core.apply(c.command, c.at, events);
    events.clear();
  }
  if (mode != Mode::Bare) core.set_stopwatch(&steady_ns);
  std::optional<Scraper> scraper;
  if (mode == Mode::Scraped) scraper.emplace();
  Run run;
  const auto interval = std::chrono::milliseconds(interval_ms);
  const auto start = Clock::now();
  auto next_report = start;
  auto next_recount = start;
  for (std::size_t k = 0; k < log.size(); ++k) {
    (void)core.apply(log[k].command, log[k].at, events);
    events.clear();
    // The runtime looks at the clock once per batch (up to 512 commands); so does this loop.
    if (scraper && k % 256 == 0 && Clock::now() >= next_report) {
      next_report += interval;
      const auto t0 = Clock::now();
      const bool recount = t0 >= next_recount;  // as the runtime does: every 10 s
      if (recount) next_recount = t0 + std::chrono::seconds(10);
      auto report = std::make_shared<const runtime::CoreReport>(
          runtime::CoreReport{core.counts(), core.stats(recount)});
      run.report_s += std::chrono::duration<double>(Clock::now() - t0).count();
      scraper->hand(std::move(report));
      ++run.reports;
    }
  }
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  run.commands_per_s = static_cast<double>(log.size()) / elapsed;
  if (scraper) report_bytes = scraper->finish();
  return run;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

int run(const Options& o) {
  CommandLog setup, log;
  {
    core::Core core;
    Driver driver(o.agents, o.seed, std::max<std::size_t>(1, o.agents / 10));
    driver.register_agents(core, make_policy(), &setup);
    driver.warm_up(core, &setup);
    driver.run(core, o.commands, &log);
    std::fprintf(stderr, "scrape_bench: %zu agents, %zu waiting, %zu commands to replay\n",
                 o.agents, driver.waiting(), log.size());
  }
  std::vector<double> bare, timed, scraped;
  std::size_t reports = 0, report_bytes = 0;
  double report_s = 0;
  for (std::size_t round = 0; round < o.rounds; ++round) {
    for (Mode mode : {Mode::Bare, Mode::Timed, Mode::Scraped}) {
      const Run r = replay(setup, log, mode, o.interval_ms, report_bytes);
      (mode == Mode::Bare    ? bare
       : mode == Mode::Timed ? timed
                             : scraped)
          .push_back(r.commands_per_s);
      if (mode == Mode::Scraped) {
        reports += r.reports;
        report_s += r.report_s;
      }
      std::fprintf(stderr, "scrape_bench: round %zu %-7s %.0f commands/s\n", round + 1, name(mode),
                   r.commands_per_s);
    }
  }
  const double b = median(bare), t = median(timed), s = median(scraped);
  std::printf("agents %zu, commands %zu, rounds %zu, scrape every %d ms\n", o.agents, log.size(),
              o.rounds, o.interval_ms);
  std::printf("%-8s %14s %10s\n", "mode", "commands/s", "vs bare");
  std::printf("%-8s %14.0f %10.3f\n", "bare", b, 1.0);
  std::printf("%-8s %14.0f %10.3f\n", "timed", t, t / b);
  std::printf("%-8s %14.0f %10.3f\n", "scraped", s, s / b);
  std::printf(
      "reports built: %zu (%.1f per scraped run), %.2f ms each on the core's thread; "
      "last page %zu bytes\n",
      reports, static_cast<double>(reports) / static_cast<double>(o.rounds),
      reports > 0 ? report_s * 1e3 / static_cast<double>(reports) : 0.0, report_bytes);
  return 0;
}

}  // namespace
}  // namespace sb::bench

int main(int argc, char** argv) {
  sb::bench::Options o;
  CLI::App app{"scrape_bench: what decision timing and /metrics scrapes cost the routing core"};
  app.add_option("--agents", o.agents, "agents in the scenario")->check(CLI::Range(1, 200'000));
  app.add_option("--commands", o.commands, "commands replayed per run");
  app.add_option("--rounds", o.rounds, "rounds of (bare, timed, scraped)")
      ->check(CLI::Range(1, 50));
  app.add_option("--seed", o.seed, "seed of the scenario");
  app.add_option("--interval-ms", o.interval_ms, "one report and render every this many ms")
      ->check(CLI::Range(1, 60'000));
  CLI11_PARSE(app, argc, argv);
  return sb::bench::run(o);
}
