// RocksDBKeyValueStore: the bottom of a persistent key-value stack. One RocksDB database in
// `dir` (state_dir/<store name>): the data in the default column family, the store's input
// position in "sluice.meta". Writes skip the WAL (the changelog is the durable log);
// write_batch is one rocksdb::WriteBatch, which also carries a position set since the last
// flush, so state and position land together; close() flushes the memtables so a cleanly closed
// store reopens with all its data. Iterators must not outlive the store.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "state/key_value_store.h"

namespace rocksdb {
class DB;
class ColumnFamilyHandle;
class WriteBatch;
}  // namespace rocksdb

namespace sluice::state {

class RocksDBKeyValueStore final : public KeyValueStore {
 public:
  // Opens the database, creating it when missing. Throws std::runtime_error when it cannot.
  RocksDBKeyValueStore(std::string name, std::string dir);
  ~RocksDBKeyValueStore() override;
  RocksDBKeyValueStore(const RocksDBKeyValueStore&) = delete;
  RocksDBKeyValueStore& operator=(const RocksDBKeyValueStore&) = delete;

  const std::string& name() const override { return name_; }
  bool persistent() const override { return true; }
  // Writes are already applied to RocksDB; a position no batch carried is written here.
  Status flush() override;
  void set_position(std::string_view position) override { pending_position_ = position; }
  std::optional<std::string> position() const override { return position_; }
  void close() override;
  // One WriteBatch, WAL off, nothing logged.
  Status restore(std::span<const RestoreRecord> records) override;

  Status get(std::string_view key, std::string& out) override;
  Status put(std::string_view key, std::string_view value) override;
  Status remove(std::string_view key) override;
  Status write_batch(std::vector<KeyValueWrite>& writes) override;
  std::unique_ptr<KeyValueIterator> range(std::string_view from, std::string_view to) override;
  uint64_t approximate_num_entries() override;

  const std::string& path() const { return dir_; }

 private:
  std::string name_;
  std::string dir_;
  Status write_pending_position(rocksdb::WriteBatch* batch);

  // Declared before the handles: members are destroyed in reverse, so handles go first.
  std::unique_ptr<rocksdb::DB> db_;  // null once closed
  std::unique_ptr<rocksdb::ColumnFamilyHandle> data_cf_;
  std::unique_ptr<rocksdb::ColumnFamilyHandle> meta_cf_;
  std::optional<std::string> position_;          // as stored
  std::optional<std::string> pending_position_;  // set, written with the next batch or flush
};

}  // namespace sluice::state
