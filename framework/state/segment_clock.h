// SegmentClock: the time arithmetic every window-store layer shares. Time is cut into segments
// of `interval_ms` (segment id = floor(window_start / interval)); once stream time has advanced
// to T, every segment whose end <= T - retention is expired, and so is each window in it.
// Stream time only moves forward; before the first advance nothing is expired.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <utility>

#include "common/types.h"

namespace sluice::state {

// What a segmented window store reports about its segments (for tests and status lines).
struct SegmentStats {
  size_t live_segments = 0;     // segments currently held
  size_t segments_visited = 0;  // segments the last fetch / fetch_all opened a scan in
  uint64_t segments_created = 0;
  uint64_t segments_dropped = 0;
};

class SegmentClock {
 public:
  // interval_ms <= 0 picks the default, max(retention / 2, 60 s), as Kafka Streams does.
  // Throws std::invalid_argument when retention_ms < 0 (a configuration error).
  SegmentClock(DurationMs retention_ms, DurationMs interval_ms);

  static DurationMs default_interval(DurationMs retention_ms);

  DurationMs retention_ms() const { return retention_ms_; }
  DurationMs interval_ms() const { return interval_ms_; }
  std::optional<Timestamp> stream_time() const { return stream_time_; }

  int64_t segment_of(Timestamp window_start) const;
  // Moves stream time forward (earlier times are ignored). True when more segments expired.
  bool advance(Timestamp stream_time);
  // The lowest segment id still live; every segment below it is expired.
  int64_t min_live_segment() const { return min_live_; }
  bool segment_expired(int64_t segment) const { return segment < min_live_; }
  bool expired(Timestamp window_start) const { return segment_expired(segment_of(window_start)); }
  // The live segment ids overlapping window starts in [from, to), inclusive; nullopt if none.
  std::optional<std::pair<int64_t, int64_t>> live_segments_overlapping(Timestamp from,
                                                                       Timestamp to) const;

 private:
  DurationMs retention_ms_;
  DurationMs interval_ms_;
  std::optional<Timestamp> stream_time_;
  int64_t min_live_ = std::numeric_limits<int64_t>::min();
};

}  // namespace sluice::state
