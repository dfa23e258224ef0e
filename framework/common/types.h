// Vocabulary types shared by every layer: partitions, offsets, event/wall-clock time, task ids.
#pragma once

#include <chrono>
#include <cstdint>
#include <limits>
#include <string>

#include "common/strong_type.h"

namespace sluice {

using Partition = StrongType<struct PartitionTag, int32_t>;
using Offset = StrongType<struct OffsetTag, int64_t>;

// Milliseconds since the Unix epoch. Event time and wall-clock time share the unit but not the
// type of their source: see StreamTime and WallClock in runtime/.
class Timestamp {
 public:
  constexpr Timestamp() = default;
  constexpr explicit Timestamp(int64_t ms) : ms_(ms) {}
  static constexpr Timestamp min() { return Timestamp(std::numeric_limits<int64_t>::min()); }
  static constexpr Timestamp max() { return Timestamp(std::numeric_limits<int64_t>::max()); }
  constexpr int64_t ms() const { return ms_; }
  constexpr auto operator<=>(const Timestamp&) const = default;
  constexpr Timestamp operator+(int64_t d) const { return Timestamp(ms_ + d); }
  constexpr Timestamp operator-(int64_t d) const { return Timestamp(ms_ - d); }
  constexpr int64_t operator-(Timestamp o) const { return ms_ - o.ms_; }

 private:
  int64_t ms_ = 0;
};

// The system clock now, as a Timestamp (wall-clock punctuation, record times of markers).
inline Timestamp wall_clock_now() {
  return Timestamp(std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count());
}

// A duration in milliseconds (window sizes, grace periods, punctuation intervals).
using DurationMs = int64_t;

// A task is one partition of one sub-topology, as in Kafka Streams ("0_3").
struct TaskId {
  int32_t subtopology = 0;
  int32_t partition = 0;
  auto operator<=>(const TaskId&) const = default;
  std::string to_string() const {
    return std::to_string(subtopology) + "_" + std::to_string(partition);
  }
};

}  // namespace sluice
