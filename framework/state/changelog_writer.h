// ChangelogWriter: where the change-logging layer sends each state change. The Kafka runtime
// sends them to the store's changelog topic; the test driver keeps them in memory.
#pragma once

#include <optional>
#include <string_view>

#include "common/types.h"

namespace sluice::state {

class ChangelogWriter {
 public:
  virtual ~ChangelogWriter() = default;
  // value == nullopt is a tombstone (the key was deleted).
  virtual void log(std::string_view store, std::string_view key,
                   std::optional<std::string_view> value, Timestamp timestamp) = 0;
};

}  // namespace sluice::state
