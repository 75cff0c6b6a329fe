#include "bench/loadgen/report.h"

namespace sb::loadgen {

void print_report(std::FILE* out, const LoadOptions& o, const Results& r) {
  const bool livez = o.mode == Mode::Livez;
  std::fprintf(
      out,
      "loadgen: mode %s, %d connections%s, rate %s, %.1f s after %.1f s warm-up, %d thread(s)\n",
      run_name(o).c_str(), o.connections,
      o.mode == Mode::Ws ? (", pipeline " + std::to_string(o.pipeline)).c_str() : "",
      o.rate > 0 ? (std::to_string(static_cast<long long>(o.rate)) + "/s").c_str() : "max",
      o.duration_s, o.warmup_s, o.threads);
  std::fprintf(out, "  %-24s %.1f (%llu answered 2xx in the window)\n",
               livez ? "requests/s" : "interactions/s", r.per_s(),
               static_cast<unsigned long long>(r.answered_ok));
  std::fprintf(out, "  %-24s p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f  (%zu samples)\n",
               livez      ? "request ms"
               : o.ingest ? "submit-to-ack ms"
                          : "submit-to-offer ms",
               r.percentile_ms(50), r.percentile_ms(90), r.percentile_ms(99), r.percentile_ms(99.9),
               r.percentile_ms(100), r.latency_ms.size());
  if (!livez && !o.ingest && r.offers_missing > 0) {
    std::fprintf(out, "  offers missing           %llu of %llu sent in the window\n",
                 static_cast<unsigned long long>(r.offers_missing),
                 static_cast<unsigned long long>(r.sent_in_window));
  }
  if (r.errors.empty()) {
    std::fprintf(out, "  errors (whole run)       none\n");
    return;
  }
  for (const auto& [kind, count] : r.errors)
    std::fprintf(out, "  error (whole run)        %s: %llu\n", kind.c_str(),
                 static_cast<unsigned long long>(count));
}

void print_json_line(std::FILE* out, const LoadOptions& o, const Results& r) {
  std::fprintf(out,
               "{\"mode\":\"%s\",\"interactions_per_s\":%.1f,\"submit_to_offer_ms_p50\":%.3f,"
               "\"submit_to_offer_ms_p99\":%.3f}\n",
               run_name(o).c_str(), r.per_s(), r.percentile_ms(50), r.percentile_ms(99));
}

}  // namespace sb::loadgen
