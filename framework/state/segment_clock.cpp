#include "state/segment_clock.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace sluice::state {
namespace {

constexpr DurationMs kMinDefaultInterval = 60'000;

int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  if (a % b != 0 && ((a < 0) != (b < 0))) --q;
  return q;
}

}  // namespace

SegmentClock::SegmentClock(DurationMs retention_ms, DurationMs interval_ms)
    : retention_ms_(retention_ms),
      interval_ms_(interval_ms > 0 ? interval_ms : default_interval(retention_ms)) {
  if (retention_ms < 0) {
    throw std::invalid_argument("window store retention must be >= 0, got " +
                                std::to_string(retention_ms));
  }
}

DurationMs SegmentClock::default_interval(DurationMs retention_ms) {
  return std::max(retention_ms / 2, kMinDefaultInterval);
}

int64_t SegmentClock::segment_of(Timestamp window_start) const {
  return floor_div(window_start.ms(), interval_ms_);
}

bool SegmentClock::advance(Timestamp stream_time) {
  if (stream_time_ && stream_time <= *stream_time_) return false;
  stream_time_ = stream_time;
  int64_t cutoff = 0;
  if (__builtin_sub_overflow(stream_time.ms(), retention_ms_, &cutoff)) {
    cutoff = std::numeric_limits<int64_t>::min();
  }
  // Segment s ends at (s + 1) * interval; it is expired when that end <= cutoff, i.e. for every
  // s < floor(cutoff / interval).
  const int64_t min_live = floor_div(cutoff, interval_ms_);
  if (min_live <= min_live_) return false;
  min_live_ = min_live;
  return true;
}

std::optional<std::pair<int64_t, int64_t>> SegmentClock::live_segments_overlapping(
    Timestamp from, Timestamp to) const {
  if (to <= from) return std::nullopt;
  const int64_t first = std::max(segment_of(from), min_live_);
  const int64_t last = segment_of(to - 1);
  if (last < first) return std::nullopt;
  return std::pair{first, last};
}

}  // namespace sluice::state
