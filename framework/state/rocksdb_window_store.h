// RocksDBWindowStore: the bottom of a persistent window stack. One RocksDB database in `dir`
// (state_dir/<store name>) with one column family per time segment ("segment_<id>"), keys
// inside a segment encoded by encode_window_key, so fetch(key, from, to) is one seek plus one
// bounded scan per live segment overlapping [from, to), in time order. advance_time drops
// expired segments with DropColumnFamily, whole, never key by key. On open, existing segment
// column families are found with ListColumnFamilies and reopened; the segment interval is kept
// in the default column family and a different one on reopen is refused.
//
// Writes skip the WAL; close() flushes memtables. Iterators must not outlive the store.
//
// Bulk writes: a batch of at least kBulkMinEntries puts into one live segment, in strictly
// ascending encoded-key order (one window's cells, as the window aggregate writes them at
// close and commit), is written as an SST file and ingested into the segment's column family
// (SstFileWriter + IngestExternalFile) instead of going through the memtable: no skip-list
// insert, no memtable flush. Ingestion gives the file a sequence number above every earlier
// write, so it reads exactly as the same writes through a WriteBatch would. The file is built on
// the caller's thread; finishing it (a sync) and ingesting it (a MANIFEST sync) run on another
// while the caller goes on, and every later call that touches the database waits for them
// first (and reports their failure). Any other batch (or one whose file cannot be built, e.g.
// keys out of order) goes through WriteBatches of kChunkEntries entries each.
#pragma once

#include <rocksdb/status.h>

#include <cstdint>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "state/segment_clock.h"
#include "state/window_store.h"

namespace rocksdb {
class DB;
class ColumnFamilyHandle;
}  // namespace rocksdb

namespace sluice::state {

class RocksDBWindowStore final : public WindowStore {
 public:
  // Throws std::runtime_error when the database cannot be opened. segment_interval_ms <= 0
  // picks the default (see SegmentClock).
  RocksDBWindowStore(std::string name, std::string dir, DurationMs retention_ms,
                     DurationMs segment_interval_ms);
  ~RocksDBWindowStore() override;
  RocksDBWindowStore(const RocksDBWindowStore&) = delete;
  RocksDBWindowStore& operator=(const RocksDBWindowStore&) = delete;

  const std::string& name() const override { return name_; }
  bool persistent() const override { return true; }
  // Writes the position set since the last flush (the data is already in RocksDB).
  Status flush() override;
  void set_position(std::string_view position) override { pending_position_ = position; }
  std::optional<std::string> position() const override { return position_; }
  void close() override;
  Status restore(std::span<const RestoreRecord> records) override;

  Status get(std::string_view key, Timestamp window_start, std::string& out) override;
  Status put(std::string_view key, Timestamp window_start, std::string_view value) override;
  Status remove(std::string_view key, Timestamp window_start) override;
  Status write_batch(std::vector<WindowWrite>& writes) override;
  Status write_views(std::span<const WindowWriteView> writes) override;
  std::unique_ptr<WindowIterator> fetch(std::string_view key, Timestamp from,
                                        Timestamp to) override;
  std::unique_ptr<WindowIterator> fetch_all(Timestamp from, Timestamp to) override;
  Status advance_time(Timestamp stream_time) override;
  DurationMs retention_ms() const override { return clock_.retention_ms(); }
  bool expired(Timestamp window_start) const override { return clock_.expired(window_start); }

  // Batches at least this long may be ingested as an SST file (see above).
  static constexpr size_t kBulkMinEntries = 8192;
  // Entries per WriteBatch otherwise: big enough to amortize the write, small enough that the
  // batch stays in cache.
  static constexpr size_t kChunkEntries = 4096;
  struct BulkStats {
    uint64_t files_ingested = 0;    // batches written as SST files (the last may be pending)
    uint64_t entries_ingested = 0;  // entries in those files
    uint64_t fallbacks = 0;         // bulk-eligible batches that went through WriteBatches
    std::string last_fallback;      // RocksDB's reason for the latest fallback
  };
  const BulkStats& bulk_stats() const { return bulk_; }

  DurationMs segment_interval_ms() const { return clock_.interval_ms(); }
  SegmentStats segment_stats() const;
  const std::string& path() const { return dir_; }
  static std::string segment_name(int64_t segment);

 private:
  // Deleting a handle is how RocksDB releases it (DestroyColumnFamilyHandle does the same).
  using Handle = std::unique_ptr<rocksdb::ColumnFamilyHandle>;

  void open();
  // Closed-store check, then waits for a pending ingestion: every call that touches the
  // database goes through here first. Reports a failed ingestion.
  Status ready();
  rocksdb::ColumnFamilyHandle* segment(int64_t id) const;
  // Creates the missing segments among `ids` in one CreateColumnFamilies call (RocksDB rewrites
  // its OPTIONS file once per call, so batches and restores create their segments together).
  Status create_segments(std::vector<int64_t> ids);
  template <typename W>
  Status write_entries(std::span<const W> writes);
  // Writes `writes` (puts into segment `id` only) as one ingested SST file. False when it could
  // not: then nothing was written (ingestion is atomic), and the caller uses WriteBatches.
  template <typename W>
  bool ingest(std::span<const W> writes, int64_t id);
  std::unique_ptr<WindowIterator> scan(const std::string_view* key, Timestamp from, Timestamp to);

  std::string name_;
  std::string dir_;
  SegmentClock clock_;
  // Declared before the handles: members are destroyed in reverse, so handles go first.
  std::unique_ptr<rocksdb::DB> db_;  // null once closed
  Handle default_cf_;
  std::map<int64_t, Handle> segments_;
  std::string scratch_;
  SegmentStats stats_;
  std::optional<std::string> position_;          // as stored
  std::optional<std::string> pending_position_;  // set, written at the next flush
  BulkStats bulk_;
  std::future<rocksdb::Status> pending_;  // the last bulk file's ingestion, while it runs
};

}  // namespace sluice::state
