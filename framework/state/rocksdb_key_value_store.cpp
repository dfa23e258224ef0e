#include "state/rocksdb_key_value_store.h"

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <stdexcept>

#include "state/rocksdb_support.h"
#include "state/vector_key_value_iterator.h"

namespace sluice::state {
namespace {

constexpr std::string_view kMetaFamily = "sluice.meta";
constexpr std::string_view kPositionKey = "position";

Status closed_error(const std::string& name) {
  return Status::IOError("store '" + name + "' is closed");
}

rocksdb::Slice slice(std::string_view s) { return {s.data(), s.size()}; }

// Keys in [from, to) straight from a RocksDB iterator; `to` is the iterate_upper_bound.
class RocksDBKeyValueIterator final : public KeyValueIterator {
 public:
  RocksDBKeyValueIterator(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* cf, std::string_view from,
                          std::string_view to)
      : upper_(to), upper_slice_(upper_) {
    rocksdb::ReadOptions ro;
    if (!upper_.empty()) ro.iterate_upper_bound = &upper_slice_;
    it_.reset(db.NewIterator(ro, cf));
    it_->Seek(slice(from));
  }
  bool valid() const override { return it_->Valid(); }
  void next() override { it_->Next(); }
  std::string_view key() const override { return it_->key().ToStringView(); }
  std::string_view value() const override { return it_->value().ToStringView(); }
  Status status() const override { return rocks::to_status(it_->status()); }

 private:
  std::string upper_;
  rocksdb::Slice upper_slice_;  // points into upper_; the object is never moved
  std::unique_ptr<rocksdb::Iterator> it_;
};

}  // namespace

RocksDBKeyValueStore::RocksDBKeyValueStore(std::string name, std::string dir)
    : name_(std::move(name)), dir_(std::move(dir)) {
  rocks::create_directories(dir_);
  const rocksdb::Options options = rocks::default_options();
  const std::vector<rocksdb::ColumnFamilyDescriptor> families{
      {rocksdb::kDefaultColumnFamilyName, options}, {std::string(kMetaFamily), options}};
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(options, dir_, families, &handles, &raw);
  db_.reset(raw);
  if (s.ok()) {
    data_cf_.reset(handles[0]);
    meta_cf_.reset(handles[1]);
    std::string stored;
    s = db_->Get(rocksdb::ReadOptions(), meta_cf_.get(), slice(kPositionKey), &stored);
    if (s.ok()) position_ = std::move(stored);
    if (s.IsNotFound()) s = rocksdb::Status::OK();
  }
  if (!s.ok()) {
    throw std::runtime_error("cannot open key-value store '" + name_ + "' at " + dir_ + ": " +
                             s.ToString());
  }
}

RocksDBKeyValueStore::~RocksDBKeyValueStore() { close(); }

void RocksDBKeyValueStore::close() {
  if (!db_) return;
  // WAL is off: persist the memtables.
  (void)db_->Flush(rocksdb::FlushOptions(), {data_cf_.get(), meta_cf_.get()});
  data_cf_.reset();
  meta_cf_.reset();
  (void)db_->Close();
  db_.reset();
}

Status RocksDBKeyValueStore::write_pending_position(rocksdb::WriteBatch* batch) {
  if (!pending_position_) return Status::Ok();
  rocksdb::Status s =
      batch ? batch->Put(meta_cf_.get(), slice(kPositionKey), slice(*pending_position_))
            : db_->Put(rocks::write_options(), meta_cf_.get(), slice(kPositionKey),
                       slice(*pending_position_));
  return rocks::to_status(s);
}

Status RocksDBKeyValueStore::flush() {
  if (!db_) return closed_error(name_);
  SLUICE_RETURN_IF_ERROR(write_pending_position(nullptr));
  if (pending_position_) position_ = std::move(pending_position_);
  pending_position_.reset();
  return Status::Ok();
}

Status RocksDBKeyValueStore::get(std::string_view key, std::string& out) {
  if (!db_) return closed_error(name_);
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), slice(key), &out);
  if (s.IsNotFound()) return Status::NotFound();
  return rocks::to_status(s);
}

Status RocksDBKeyValueStore::put(std::string_view key, std::string_view value) {
  if (!db_) return closed_error(name_);
  return rocks::to_status(db_->Put(rocks::write_options(), slice(key), slice(value)));
}

Status RocksDBKeyValueStore::remove(std::string_view key) {
  if (!db_) return closed_error(name_);
  return rocks::to_status(db_->Delete(rocks::write_options(), slice(key)));
}

Status RocksDBKeyValueStore::write_batch(std::vector<KeyValueWrite>& writes) {
  if (!db_) return closed_error(name_);
  rocksdb::WriteBatch batch;
  for (const auto& w : writes) {
    rocksdb::Status s =
        w.value ? batch.Put(data_cf_.get(), w.key, *w.value) : batch.Delete(data_cf_.get(), w.key);
    if (!s.ok()) return rocks::to_status(s);
  }
  SLUICE_RETURN_IF_ERROR(write_pending_position(&batch));
  SLUICE_RETURN_IF_ERROR(rocks::to_status(db_->Write(rocks::write_options(), &batch)));
  if (pending_position_) position_ = std::move(pending_position_);
  pending_position_.reset();
  return Status::Ok();
}

Status RocksDBKeyValueStore::restore(std::span<const RestoreRecord> records) {
  if (!db_) return closed_error(name_);
  rocksdb::WriteBatch batch;
  for (const auto& r : records) {
    rocksdb::Status s =
        r.value ? batch.Put(slice(r.key), slice(*r.value)) : batch.Delete(slice(r.key));
    if (!s.ok()) return rocks::to_status(s);
  }
  return rocks::to_status(db_->Write(rocks::write_options(), &batch));
}

std::unique_ptr<KeyValueIterator> RocksDBKeyValueStore::range(std::string_view from,
                                                              std::string_view to) {
  if (!db_) return std::make_unique<VectorKeyValueIterator>(closed_error(name_));
  return std::make_unique<RocksDBKeyValueIterator>(*db_, data_cf_.get(), from, to);
}

uint64_t RocksDBKeyValueStore::approximate_num_entries() {
  uint64_t n = 0;
  if (db_ && db_->GetIntProperty("rocksdb.estimate-num-keys", &n)) return n;
  return 0;
}

}  // namespace sluice::state
