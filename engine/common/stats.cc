#include "switchboard/stats.h"

#include <algorithm>

namespace sb {

void HistogramData::observe(double value) {
  // lower_bound: a value equal to a bound belongs to that bound's bucket (Prometheus's `le`).
  const auto at = std::lower_bound(bounds.begin(), bounds.end(), value);
  ++counts[static_cast<std::size_t>(at - bounds.begin())];
  sum += value;
  ++count;
}

}  // namespace sb
