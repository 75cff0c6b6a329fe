// A self-contained SVG of a simulation's timeline: service level per interval (against the
// target) above, interactions waiting below, time in hours along the bottom. Pure function.
#pragma once

#include <string>
#include <vector>

#include "engine/sim/kpis.h"

namespace sb::sim {

// `target`: drawn as a dashed line when above 0.
std::string timeline_svg(const std::vector<Sample>& timeline, double duration_s, double target,
                         const std::string& title);

}  // namespace sb::sim
