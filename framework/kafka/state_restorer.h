// StateRestorer: rebuilds a task's stores from their changelog partitions before the task
// processes anything, reading from a given offset up to the high watermark seen when restore
// began, through one assign()ed consumer (no group) per StreamThread. Records are applied in
// batches via StateStore::restore (straight to the bottom store; nothing is re-logged).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "common/result.h"
#include "common/status.h"
#include "common/types.h"
#include "kafka/consumer.h"
#include "state/state_store.h"

namespace sluice::kafka {

struct RestoreResult {
  uint64_t records = 0;
  Offset end{0};           // the next offset after what the store now reflects
  bool truncated = false;  // the changelog no longer held `from` (bounded broker retention)
};

class StateRestorer {
 public:
  explicit StateRestorer(Conf conf) : consumer_(std::move(conf)) {}

  // Restores `store` from `topic`[`partition`] starting at `from` (nullopt: the beginning).
  Result<RestoreResult> restore(state::StateStore& store, const std::string& topic,
                                Partition partition, std::optional<Offset> from,
                                std::chrono::milliseconds timeout);

 private:
  Consumer consumer_;
};

}  // namespace sluice::kafka
