// ProcessorStateManager: restores the logged stores of one task to ONE committed position, as
// Kafka Streams' ProcessorStateManager owns a task's stores and their changelog offsets.
//
// Each store's changelog is restored up to its last complete commit (StateRestorer). A crash
// can stop a commit after some of its stores' markers were written and before others: those
// stores are then one commit apart. The task's position is the newest commit EVERY store
// completed; a store that got one commit further has that commit rolled back (its records were
// held back, never applied). Whatever a store's changelog holds beyond the chosen commit (the
// rolled-back commit, or records of a commit cut short) is overwritten on the changelog with
// the restored values followed by a marker, so the changelog again ends in the state the store
// holds. The task then resumes its input from that position: no input record is applied twice.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "kafka/kafka_record_collector.h"
#include "kafka/runtime_stats.h"
#include "kafka/state_restorer.h"
#include "metrics/registry.h"
#include "runtime/task_position.h"
#include "state/state_store.h"

namespace sluice::kafka {

struct StoreChangelog {
  std::string store;
  std::string topic;
  std::optional<Offset> next;  // next changelog offset: what the local store reflects
};

class ProcessorStateManager {
 public:
  ProcessorStateManager(StateRestorer& restorer, metrics::Registry& metrics, RuntimeStats& stats)
      : restorer_(restorer), metrics_(metrics), stats_(stats) {}

  using StoreLookup = std::function<state::StateStore*(const std::string& name)>;

  // Restores the stores of task `task` (opened; its processors not yet initialized) from
  // `changelogs` (partition = the task's), starting at the offsets in `checkpointed`
  // ("topic:partition" -> offset) for persistent stores that have one, else from the start.
  // Overwrites of unfinished commits go out through `writer`. Returns the position the restored
  // state reflects (sequence 0: no commit found). Non-ok: the restore failed.
  Result<runtime::TaskPosition> restore(const std::string& task, Partition partition,
                                        const StoreLookup& store_of,
                                        std::vector<StoreChangelog>& changelogs,
                                        const std::map<std::string, Offset>& checkpointed,
                                        KafkaChangelogWriter& writer);

 private:
  Status restore_store(const std::string& task, state::StateStore& store, Partition partition,
                       StoreChangelog& cl, std::optional<Offset> from, RestoreResult& out);

  StateRestorer& restorer_;
  metrics::Registry& metrics_;
  RuntimeStats& stats_;
};

std::string checkpoint_key(const std::string& topic, Partition p);

}  // namespace sluice::kafka
