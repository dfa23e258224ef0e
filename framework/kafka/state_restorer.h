// StateRestorer: rebuilds a task's stores from their changelog partitions before the task
// processes anything, reading from a given offset up to the high watermark seen when restore
// began, through one assign()ed consumer (no group) per StreamThread.
//
// A changelog is a sequence of commits: each commit's state records, then a position marker
// (kPositionMarkerHeader) saying which input the state reflects from then on. The restorer
// applies whole commits only. The last complete commit is read but held back (the TaskManager
// applies it, or rolls it back when another store of the task did not complete that commit),
// and records after the last marker (a commit cut short by a crash) are never applied: their
// keys are reported so the TaskManager can log the restored values over them.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/status.h"
#include "common/types.h"
#include "kafka/consumer.h"
#include "runtime/task_position.h"
#include "state/state_store.h"

namespace sluice::kafka {

struct ChangelogRecord {
  std::string key;
  std::optional<std::string> value;  // nullopt: tombstone
};

struct RestoreResult {
  uint64_t records = 0;    // state records applied to the store
  Offset end{0};           // the next offset after what was read
  bool truncated = false;  // the changelog no longer held `from` (bounded broker retention)
  // The position of the last commit applied; nullopt when none was read.
  std::optional<runtime::TaskPosition> applied;
  // The last complete commit read, not applied: its position and records.
  std::optional<runtime::TaskPosition> held;
  std::vector<ChangelogRecord> held_records;
  // Keys written after the last marker: a commit that never completed, not applied.
  std::vector<std::string> trailing_keys;
};

class StateRestorer {
 public:
  explicit StateRestorer(Conf conf) : consumer_(std::move(conf)) {}

  // Restores `store` from `topic`[`partition`] starting at `from` (nullopt: the beginning).
  Result<RestoreResult> restore(state::StateStore& store, const std::string& topic,
                                Partition partition, std::optional<Offset> from,
                                std::chrono::milliseconds timeout);

  // Applies changelog records to `store` (straight to the bottom store, nothing re-logged).
  static Status apply(state::StateStore& store, const std::vector<ChangelogRecord>& records);

 private:
  Consumer consumer_;
};

}  // namespace sluice::kafka
