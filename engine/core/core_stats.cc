#include "engine/core/core_stats.h"

namespace sb::core {

void RollingWindow::add(Timestamp now, Duration window, bool within, bool answered,
                        Duration waited) {
  const std::int64_t width = std::max<std::int64_t>(1, window.count() / kSlots);
  const std::int64_t index = now.us / width;
  Slot& slot = slots_[static_cast<std::size_t>(index) % kSlots];
  if (slot.index != index) slot = Slot{index, {}};
  if (answered) {
    ++slot.totals.answered;
    if (within) ++slot.totals.within;
    slot.totals.wait_answered_s += to_seconds(waited);
  } else if (!within) {
    ++slot.totals.late_abandoned;
  }
}

RollingWindow::Totals RollingWindow::totals(Timestamp now, Duration window) const {
  const std::int64_t width = std::max<std::int64_t>(1, window.count() / kSlots);
  const std::int64_t current = now.us / width;
  Totals sum;
  for (const Slot& slot : slots_) {
    if (slot.index < 0 || slot.index > current || current - slot.index >= std::int64_t{kSlots})
      continue;
    sum.within += slot.totals.within;
    sum.answered += slot.totals.answered;
    sum.late_abandoned += slot.totals.late_abandoned;
    sum.wait_answered_s += slot.totals.wait_answered_s;
  }
  return sum;
}

std::optional<double> RollingWindow::service_level(const Totals& t) {
  const std::uint64_t counted = t.answered + t.late_abandoned;
  if (counted == 0) return std::nullopt;
  return static_cast<double>(t.within) / static_cast<double>(counted);
}

QueueChannelCell& CoreStats::cell(QueueIndex queue, Symbol channel) {
  auto [at, added] =
      cell_index_.try_emplace(key(queue, channel), static_cast<std::uint32_t>(cells_.size()));
  if (added) {
    cells_.emplace_back();
    cells_.back().queue = queue;
    cells_.back().channel = channel;
  }
  return cells_[at->second];
}

ChannelCell& CoreStats::channel(Symbol channel) {
  for (ChannelCell& c : channels_) {
    if (c.channel == channel) return c;
  }
  channels_.emplace_back();
  channels_.back().channel = channel;
  return channels_.back();
}

QueueCell& CoreStats::queue(QueueIndex queue) {
  if (queue >= queues_.size()) queues_.resize(queue + 1);
  return queues_[queue];
}

}  // namespace sb::core
