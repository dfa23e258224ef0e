// Helpers shared by the RocksDB-backed stores: their options and the mapping of RocksDB errors
// onto Status. Internal to state/.
#pragma once

#include <rocksdb/options.h>
#include <rocksdb/status.h>

#include <string>

#include "common/status.h"

namespace sluice::state::rocks {

// Defaults for a write-heavy store whose durability comes from the changelog: level-style
// compaction tuned for a modest memtable budget, LZ4 when this RocksDB has it (else none),
// missing databases and column families created on open.
rocksdb::Options default_options();
// Column families of window-store segments: default_options, but level 0 takes 8 files (not 2)
// before it is compacted. A segment is written a window at a time, mostly as ingested files
// that each span its whole key range, and is dropped whole by retention, so compacting early
// only rewrites the same cells again and again (paired runs of the engine benchmark: 0.85x the
// process's CPU, 0.90x its wall time); reads merge a few more files.
rocksdb::ColumnFamilyOptions window_segment_options();
// Writes skip the WAL: the changelog topic is the durable log.
rocksdb::WriteOptions write_options();
// A non-ok RocksDB status as Status::IOError carrying RocksDB's message (NotFound -> NotFound).
Status to_status(const rocksdb::Status& s);
// Creates `dir` and its parents; throws std::runtime_error when it cannot.
void create_directories(const std::string& dir);

}  // namespace sluice::state::rocks
