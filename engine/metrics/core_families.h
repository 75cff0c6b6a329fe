// The routing core's report (counts and measurements, published by the core thread) as
// Prometheus metric families, built afresh on each scrape: no state, nothing to keep in step.
// Names, types and labels: docs/operations.md.
#pragma once

#include <prometheus/metric_family.h>

#include <vector>

#include "engine/runtime/runtime.h"

namespace sb::metrics {

std::vector<prometheus::MetricFamily> core_families(const runtime::CoreReport& report);

}  // namespace sb::metrics
