// TaskPosition: the input a task's state reflects. Written with every store's state at commit
// (StateStore::set_position) and after the commit's changelog records as a marker record on
// every changelog, so a restored store says exactly which input it has applied: the task then
// resumes from there, and no input record is applied to state twice (state exactly-once, also
// under at-least-once). `sequence` numbers the commits of a task's state: markers of one
// commit carry the same sequence on every changelog of the task, which is how a restore finds
// the last commit all of its stores completed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/types.h"

namespace sluice::runtime {

struct InputPosition {
  std::string topic;
  Partition partition{0};
  Offset next{0};  // the next offset to read: everything before it is in the state
  bool operator==(const InputPosition&) const = default;
};

// The newest record applied from one upstream partition, for records that crossed a
// repartition topic (see OriginFilter).
struct OriginMark {
  std::string topic;
  Partition partition{0};
  Offset offset{-1};
  int32_t index = 0;  // position within the records one input produced (explode)
  bool operator==(const OriginMark&) const = default;
};

struct TaskPosition {
  uint64_t sequence = 0;  // 0: no commit yet
  std::vector<InputPosition> inputs;
  std::vector<OriginMark> origins;

  bool operator==(const TaskPosition&) const = default;
  const InputPosition* input(std::string_view topic, Partition partition) const;

  // A compact binary form (versioned); decode() rejects anything else with Corruption.
  std::string encode() const;
  static Result<TaskPosition> decode(std::string_view bytes);
};

}  // namespace sluice::runtime
