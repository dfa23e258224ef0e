// RecordCollector: where a task's sinks, its dead-letter output and (later) its changelogs send
// records. The Kafka runtime implements it over a producer; the test driver keeps records in
// memory.
#pragma once

#include <optional>
#include <string_view>

#include "common/types.h"
#include "topology/record.h"

namespace sluice::runtime {

class RecordCollector {
 public:
  virtual ~RecordCollector() = default;
  // value == nullopt sends a tombstone. `partition` nullopt lets the producer partition by key.
  virtual void send(std::string_view topic, std::string_view key,
                    std::optional<std::string_view> value, Timestamp timestamp,
                    const Headers& headers, std::optional<Partition> partition) = 0;
};

}  // namespace sluice::runtime
