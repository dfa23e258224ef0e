// TaskCheckpoint: the changelog offsets a task's local stores reflect, kept in
// state.dir/<application.id>/<task>/.checkpoint as lines "<topic> <partition> <offset>" (the
// next offset to restore from). Written on a clean close, after the stores closed (RocksDB
// flushes its memtables on close; the WAL is off). Read and then removed when the task opens,
// so after a crash no checkpoint exists and the task rebuilds from its changelog: a stale
// checkpoint over a store that lost its unflushed writes would skip records.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "common/result.h"
#include "common/status.h"
#include "common/types.h"

namespace sluice::kafka {

class TaskCheckpoint {
 public:
  // `task_dir`: state.dir/<application.id>/<task>.
  explicit TaskCheckpoint(std::string task_dir) : dir_(std::move(task_dir)) {}

  // Reads the file (empty map when there is none). Corrupt lines: Status::Corruption.
  Result<std::map<std::string, Offset>> read() const;
  // Writes atomically (temp file + rename).
  Status write(const std::map<std::string, Offset>& offsets) const;
  Status remove() const;
  std::string path() const { return dir_ + "/.checkpoint"; }
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
};

}  // namespace sluice::kafka
