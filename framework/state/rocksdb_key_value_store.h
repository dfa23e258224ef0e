// RocksDBKeyValueStore: the bottom of a persistent key-value stack. One RocksDB database in
// `dir` (state_dir/<store name>), default column family only. Writes skip the WAL (the changelog
// is the durable log); write_batch is one rocksdb::WriteBatch; close() flushes the memtable so
// a cleanly closed store reopens with all its data. Iterators must not outlive the store.
#pragma once

#include <memory>
#include <string>

#include "state/key_value_store.h"

namespace rocksdb {
class DB;
}

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
  // Writes are already applied to RocksDB; nothing is buffered here.
  Status flush() override;
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
  std::unique_ptr<rocksdb::DB> db_;  // null once closed
};

}  // namespace sluice::state
