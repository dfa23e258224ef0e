#include "state/rocksdb_support.h"

#include <rocksdb/convenience.h>

#include <algorithm>
#include <filesystem>
#include <stdexcept>
#include <system_error>

namespace sluice::state::rocks {
namespace {
constexpr uint64_t kMemtableBudget = 64ull << 20;  // per column family
}

rocksdb::Options default_options() {
  rocksdb::Options options;
  options.create_if_missing = true;
  options.create_missing_column_families = true;
  options.OptimizeLevelStyleCompaction(kMemtableBudget);
  const auto supported = rocksdb::GetSupportedCompressions();
  const bool lz4 =
      std::find(supported.begin(), supported.end(), rocksdb::kLZ4Compression) != supported.end();
  options.compression = lz4 ? rocksdb::kLZ4Compression : rocksdb::kNoCompression;
  options.compression_per_level.clear();  // one codec for every level
  // Window stores create a column family per segment; opening table files inline avoids a burst
  // of short-lived threads on every CreateColumnFamily / Open.
  options.max_file_opening_threads = 1;
  // WAL is off, so unflushed memtables are written out when the store closes.
  options.avoid_flush_during_shutdown = false;
  return options;
}

rocksdb::ColumnFamilyOptions window_segment_options() {
  rocksdb::ColumnFamilyOptions options(default_options());
  options.level0_file_num_compaction_trigger = 8;
  // Write stalls stay as far above the trigger as RocksDB's defaults (20 and 36 over 4).
  options.level0_slowdown_writes_trigger = 40;
  options.level0_stop_writes_trigger = 60;
  return options;
}

rocksdb::WriteOptions write_options() {
  rocksdb::WriteOptions options;
  options.disableWAL = true;
  return options;
}

Status to_status(const rocksdb::Status& s) {
  if (s.ok()) return Status::Ok();
  if (s.IsNotFound()) return Status::NotFound(s.ToString());
  if (s.IsCorruption()) return Status::Corruption(s.ToString());
  return Status::IOError(s.ToString());
}

void create_directories(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw std::runtime_error("cannot create state directory '" + dir + "': " + ec.message());
}

}  // namespace sluice::state::rocks
