#include "state/rocksdb_window_store.h"

#include <rocksdb/db.h>
#include <rocksdb/sst_file_writer.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <future>
#include <optional>
#include <stdexcept>
#include <system_error>

#include "state/rocksdb_support.h"
#include "state/vector_window_iterator.h"
#include "state/window_key.h"

namespace sluice::state {
namespace {

constexpr std::string_view kSegmentPrefix = "segment_";
constexpr std::string_view kIntervalKey = "sluice.segment_interval_ms";
constexpr std::string_view kPositionKey = "sluice.position";

rocksdb::Slice slice(std::string_view s) { return {s.data(), s.size()}; }

std::optional<int64_t> parse_segment_name(std::string_view name) {
  if (!name.starts_with(kSegmentPrefix)) return std::nullopt;
  name.remove_prefix(kSegmentPrefix.size());
  int64_t id = 0;
  auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), id);
  if (ec != std::errc() || end != name.data() + name.size()) return std::nullopt;
  return id;
}

// Scans one RocksDB iterator per segment, in segment order. With a key, each iterator is bounded
// to that key's windows in [from, to) (seek to the lower bound, iterate_upper_bound at the upper);
// without one, every window of the segment is read and those outside [from, to) are skipped
// (only the first and last segment can hold any).
class RocksDBWindowIterator final : public WindowIterator {
 public:
  RocksDBWindowIterator(rocksdb::DB& db, const std::vector<rocksdb::ColumnFamilyHandle*>& segments,
                        const std::string_view* key, Timestamp from, Timestamp to)
      : bounded_(key != nullptr), from_(from), to_(to) {
    rocksdb::ReadOptions ro;
    if (bounded_) {
      lower_ = encode_window_key(*key, from);
      upper_ = encode_window_key(*key, to);
      upper_slice_ = rocksdb::Slice(upper_);
      ro.iterate_upper_bound = &upper_slice_;
    }
    // All iterators are created now: each pins its segment, even if it is dropped meanwhile.
    for (auto* h : segments) its_.emplace_back(db.NewIterator(ro, h));
    settle();
  }

  bool valid() const override { return pos_ < its_.size(); }
  void next() override {
    its_[pos_]->Next();
    settle();
  }
  std::string_view key() const override { return current_.key; }
  Timestamp window_start() const override { return current_.window_start; }
  std::string_view value() const override { return its_[pos_]->value().ToStringView(); }
  Status status() const override { return status_; }

 private:
  // Moves to the next window to report, across segments; pos_ == its_.size() at the end.
  void settle() {
    while (pos_ < its_.size()) {
      rocksdb::Iterator& it = *its_[pos_];
      if (!positioned_) {
        if (bounded_) {
          it.Seek(slice(lower_));
        } else {
          it.SeekToFirst();
        }
        positioned_ = true;
      }
      for (; it.Valid(); it.Next()) {
        auto decoded = decode_window_key(it.key().ToStringView());
        if (!decoded) return fail(Status::Corruption("malformed window key in segment"));
        if (!bounded_ && (decoded->window_start < from_ || decoded->window_start >= to_)) continue;
        current_ = *decoded;
        return;
      }
      if (!it.status().ok()) return fail(rocks::to_status(it.status()));
      ++pos_;
      positioned_ = false;
    }
  }
  void fail(Status s) {
    status_ = std::move(s);
    pos_ = its_.size();
  }

  bool bounded_;
  Timestamp from_, to_;
  std::string lower_, upper_;
  rocksdb::Slice upper_slice_;  // points into upper_; the object is never moved
  std::vector<std::unique_ptr<rocksdb::Iterator>> its_;
  size_t pos_ = 0;
  bool positioned_ = false;
  WindowKeyView current_;
  Status status_;
};

std::optional<std::string_view> value_of(const WindowWrite& w) {
  if (!w.value) return std::nullopt;
  return std::string_view(*w.value);
}
std::optional<std::string_view> value_of(const WindowWriteView& w) {
  if (w.tombstone) return std::nullopt;
  return w.value;
}

Status closed_error(const std::string& name) {
  return Status::IOError("store '" + name + "' is closed");
}

}  // namespace

std::string RocksDBWindowStore::segment_name(int64_t segment) {
  return std::string(kSegmentPrefix) + std::to_string(segment);
}

RocksDBWindowStore::RocksDBWindowStore(std::string name, std::string dir, DurationMs retention_ms,
                                       DurationMs segment_interval_ms)
    : name_(std::move(name)), dir_(std::move(dir)), clock_(retention_ms, segment_interval_ms) {
  open();
}

RocksDBWindowStore::~RocksDBWindowStore() { close(); }

void RocksDBWindowStore::open() {
  auto fail = [&](const std::string& why) {
    throw std::runtime_error("cannot open window store '" + name_ + "' at " + dir_ + ": " + why);
  };
  rocks::create_directories(dir_);
  const rocksdb::Options options = rocks::default_options();
  std::vector<std::string> names;
  if (!rocksdb::DB::ListColumnFamilies(options, dir_, &names).ok() || names.empty()) {
    names = {rocksdb::kDefaultColumnFamilyName};  // a new database
  }
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const auto& n : names) {
    descriptors.emplace_back(n, n == rocksdb::kDefaultColumnFamilyName
                                    ? rocksdb::ColumnFamilyOptions(options)
                                    : rocks::window_segment_options());
  }
  std::vector<rocksdb::ColumnFamilyHandle*> raw;
  rocksdb::DB* db = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(options, dir_, descriptors, &raw, &db);
  db_.reset(db);
  std::vector<Handle> handles;
  for (auto* h : raw) handles.emplace_back(h);
  if (!s.ok()) fail(s.ToString());
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == rocksdb::kDefaultColumnFamilyName) {
      default_cf_ = std::move(handles[i]);
    } else if (auto id = parse_segment_name(names[i])) {
      segments_.emplace(*id, std::move(handles[i]));
    } else {
      fail("unexpected column family '" + names[i] + "'");
    }
  }
  const std::string interval = std::to_string(clock_.interval_ms());
  std::string stored;
  s = db_->Get(rocksdb::ReadOptions(), default_cf_.get(), kIntervalKey, &stored);
  if (s.ok() && stored != interval) {
    fail("it was created with segment interval " + stored + " ms, not " + interval + " ms");
  }
  if (s.IsNotFound())
    s = db_->Put(rocks::write_options(), default_cf_.get(), kIntervalKey, interval);
  if (!s.ok()) fail(s.ToString());
  s = db_->Get(rocksdb::ReadOptions(), default_cf_.get(), kPositionKey, &stored);
  if (s.ok()) position_ = std::move(stored);
  if (!s.ok() && !s.IsNotFound()) fail(s.ToString());
}

void RocksDBWindowStore::close() {
  if (!db_) return;
  (void)ready();  // waits for a pending ingestion; best effort: close cannot report
  std::vector<rocksdb::ColumnFamilyHandle*> all{default_cf_.get()};
  for (const auto& [id, h] : segments_) all.push_back(h.get());
  (void)db_->Flush(rocksdb::FlushOptions(), all);  // WAL is off: persist the memtables
  segments_.clear();
  default_cf_.reset();
  (void)db_->Close();
  db_.reset();
}

Status RocksDBWindowStore::flush() {
  SLUICE_RETURN_IF_ERROR(ready());
  if (!pending_position_) return Status::Ok();
  // After the flush's data (the caching layer may have written it in several batches, and
  // ready() waited for any bulk file of it): with the WAL off, a position never reaches disk
  // ahead of writes made before it.
  SLUICE_RETURN_IF_ERROR(rocks::to_status(
      db_->Put(rocks::write_options(), default_cf_.get(), kPositionKey, *pending_position_)));
  position_ = std::move(pending_position_);
  pending_position_.reset();
  return Status::Ok();
}

Status RocksDBWindowStore::ready() {
  if (!db_) return closed_error(name_);
  if (!pending_.valid()) return Status::Ok();
  const rocksdb::Status s = pending_.get();
  if (s.ok()) return Status::Ok();
  return Status::IOError("store '" + name_ + "': ingesting a bulk file failed: " + s.ToString());
}

rocksdb::ColumnFamilyHandle* RocksDBWindowStore::segment(int64_t id) const {
  auto it = segments_.find(id);
  return it == segments_.end() ? nullptr : it->second.get();
}

Status RocksDBWindowStore::create_segments(std::vector<int64_t> ids) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  std::erase_if(ids, [&](int64_t id) { return segments_.count(id) != 0; });
  if (ids.empty()) return Status::Ok();
  std::vector<std::string> names;
  for (int64_t id : ids) names.push_back(segment_name(id));
  std::vector<rocksdb::ColumnFamilyHandle*> raw;
  rocksdb::Status s = db_->CreateColumnFamilies(rocks::window_segment_options(), names, &raw);
  // On failure RocksDB returns the handles it did create; keep those.
  for (size_t i = 0; i < raw.size(); ++i) {
    segments_.emplace(ids[i], Handle(raw[i]));
    ++stats_.segments_created;
  }
  return rocks::to_status(s);
}

Status RocksDBWindowStore::get(std::string_view key, Timestamp window_start, std::string& out) {
  SLUICE_RETURN_IF_ERROR(ready());
  auto* h = segment(clock_.segment_of(window_start));
  if (h == nullptr) return Status::NotFound();
  assign_window_key(scratch_, key, window_start);
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), h, scratch_, &out);
  if (s.IsNotFound()) return Status::NotFound();
  return rocks::to_status(s);
}

Status RocksDBWindowStore::put(std::string_view key, Timestamp window_start,
                               std::string_view value) {
  SLUICE_RETURN_IF_ERROR(ready());
  if (clock_.expired(window_start)) return Status::NotFound("window segment expired");
  const int64_t id = clock_.segment_of(window_start);
  if (segment(id) == nullptr) SLUICE_RETURN_IF_ERROR(create_segments({id}));
  assign_window_key(scratch_, key, window_start);
  return rocks::to_status(db_->Put(rocks::write_options(), segment(id), scratch_, slice(value)));
}

Status RocksDBWindowStore::remove(std::string_view key, Timestamp window_start) {
  SLUICE_RETURN_IF_ERROR(ready());
  if (clock_.expired(window_start)) return Status::NotFound("window segment expired");
  auto* h = segment(clock_.segment_of(window_start));
  if (h == nullptr) return Status::Ok();  // nothing was ever written there
  assign_window_key(scratch_, key, window_start);
  return rocks::to_status(db_->Delete(rocks::write_options(), h, scratch_));
}

Status RocksDBWindowStore::write_batch(std::vector<WindowWrite>& writes) {
  return write_entries(std::span<const WindowWrite>(writes));
}

Status RocksDBWindowStore::write_views(std::span<const WindowWriteView> writes) {
  return write_entries(writes);
}

template <typename W>
Status RocksDBWindowStore::write_entries(std::span<const W> writes) {
  SLUICE_RETURN_IF_ERROR(ready());
  // Segments to create; a batch is mostly one window, so consecutive repeats are skipped here.
  std::vector<int64_t> needed;
  bool bulk = writes.size() >= kBulkMinEntries;  // and, below: puts into one live segment
  for (const auto& w : writes) {
    if (!value_of(w) || clock_.expired(w.window_start)) {
      bulk = false;
      continue;
    }
    const int64_t id = clock_.segment_of(w.window_start);
    if (needed.empty() || needed.back() != id) {
      if (!needed.empty()) bulk = false;
      needed.push_back(id);
    }
  }
  const int64_t bulk_segment = needed.empty() ? 0 : needed.front();
  SLUICE_RETURN_IF_ERROR(create_segments(std::move(needed)));
  if (bulk) {
    if (ingest(writes, bulk_segment)) return Status::Ok();
    ++bulk_.fallbacks;
  }
  // Sized up front for a chunk (kept across chunks by Clear): it would otherwise regrow (and
  // copy) its buffer a dozen times. ~24 bytes per entry cover RocksDB's tag, lengths and column
  // family.
  size_t bytes = 0;
  for (size_t i = 0; i < writes.size() && i < kChunkEntries; ++i) {
    const auto value = value_of(writes[i]);
    bytes += writes[i].key.size() + kWindowKeyOverhead + (value ? value->size() : 0) + 24;
  }
  rocksdb::WriteBatch batch(bytes);
  size_t in_batch = 0;
  for (const auto& w : writes) {
    if (clock_.expired(w.window_start)) continue;  // late: dropped, as a put would be
    const int64_t id = clock_.segment_of(w.window_start);
    assign_window_key(scratch_, w.key, w.window_start);
    rocksdb::Status s;
    if (const auto value = value_of(w)) {
      s = batch.Put(segment(id), scratch_, slice(*value));
    } else if (auto* h = segment(id)) {
      s = batch.Delete(h, scratch_);
    }
    if (!s.ok()) return rocks::to_status(s);
    if (++in_batch == kChunkEntries) {
      SLUICE_RETURN_IF_ERROR(rocks::to_status(db_->Write(rocks::write_options(), &batch)));
      batch.Clear();
      in_batch = 0;
    }
  }
  if (in_batch == 0) return Status::Ok();
  return rocks::to_status(db_->Write(rocks::write_options(), &batch));
}

template <typename W>
bool RocksDBWindowStore::ingest(std::span<const W> writes, int64_t id) {
  rocksdb::ColumnFamilyHandle* cf = segment(id);
  const std::string path = dir_ + "/bulk-" + std::to_string(bulk_.files_ingested + 1) + ".sst";
  // Uncompressed: the file lands in level 0, which compaction soon rewrites (compressed) on a
  // background thread, so compressing it here would be paid twice, on the caller's thread.
  // The page cache keeps it, for that compaction to read back.
  rocksdb::Options options = rocks::default_options();
  options.compression = rocksdb::kNoCompression;
  auto writer = std::make_shared<rocksdb::SstFileWriter>(rocksdb::EnvOptions(), options, cf,
                                                         /*invalidate_page_cache=*/false);
  rocksdb::Status s = writer->Open(path);
  for (size_t i = 0; s.ok() && i < writes.size(); ++i) {
    assign_window_key(scratch_, writes[i].key, writes[i].window_start);
    // Refuses a key not above the previous one: such a batch falls back to WriteBatches.
    s = writer->Put(scratch_, slice(*value_of(writes[i])));
  }
  if (!s.ok()) {
    writer.reset();
    std::error_code ec;
    std::filesystem::remove(path, ec);
    bulk_.last_fallback = s.ToString();
    return false;
  }
  // The rest is mostly waiting on the disk (Finish syncs the file; ingestion links it in and
  // syncs the MANIFEST), so it runs on another thread while records go on; ready() waits for
  // it before anything else touches the database. A failure there is reported by that next
  // call: the batch is then lost from the store (not from the changelog, which has it).
  auto finish = [db = db_.get(), cf, path, writer]() {
    rocksdb::Status st = writer->Finish();
    if (st.ok()) {
      rocksdb::IngestExternalFileOptions options;
      options.move_files = true;  // linked into the database, not copied
      // The sequence number goes into the MANIFEST only, not also into the file (one random
      // write and one more sync per file); files are read by this RocksDB version or newer.
      options.write_global_seqno = false;
      st = db->IngestExternalFile(cf, {path}, options);
    }
    std::error_code ec;
    std::filesystem::remove(path, ec);  // gone already once moved; a failed attempt leaves it
    return st;
  };
  try {
    pending_ = std::async(std::launch::async, finish);
  } catch (const std::system_error&) {  // no thread to be had: here, then
    std::promise<rocksdb::Status> done;
    done.set_value(finish());
    pending_ = done.get_future();
  }
  ++bulk_.files_ingested;
  bulk_.entries_ingested += writes.size();
  return true;
}

Status RocksDBWindowStore::restore(std::span<const RestoreRecord> records) {
  SLUICE_RETURN_IF_ERROR(ready());
  std::vector<int64_t> needed;
  for (const auto& r : records) {
    auto decoded = decode_window_key(r.key);
    if (!decoded) return Status::Corruption("store '" + name_ + "': malformed window key");
    if (r.value && !clock_.expired(decoded->window_start)) {
      needed.push_back(clock_.segment_of(decoded->window_start));
    }
  }
  SLUICE_RETURN_IF_ERROR(create_segments(std::move(needed)));
  rocksdb::WriteBatch batch;
  for (const auto& r : records) {
    const Timestamp start = window_start_of(r.key);  // well-formed: checked above
    if (clock_.expired(start)) continue;
    const int64_t id = clock_.segment_of(start);
    rocksdb::Status s;
    if (r.value) {
      s = batch.Put(segment(id), slice(r.key), slice(*r.value));
    } else if (auto* h = segment(id)) {
      s = batch.Delete(h, slice(r.key));
    }
    if (!s.ok()) return rocks::to_status(s);
  }
  return rocks::to_status(db_->Write(rocks::write_options(), &batch));
}

std::unique_ptr<WindowIterator> RocksDBWindowStore::scan(const std::string_view* key,
                                                         Timestamp from, Timestamp to) {
  if (Status st = ready(); !st.ok()) return std::make_unique<VectorWindowIterator>(std::move(st));
  std::vector<rocksdb::ColumnFamilyHandle*> visit;
  if (auto ids = clock_.live_segments_overlapping(from, to)) {
    for (auto it = segments_.lower_bound(ids->first);
         it != segments_.end() && it->first <= ids->second; ++it) {
      visit.push_back(it->second.get());
    }
  }
  stats_.segments_visited = visit.size();
  return std::make_unique<RocksDBWindowIterator>(*db_, visit, key, from, to);
}

std::unique_ptr<WindowIterator> RocksDBWindowStore::fetch(std::string_view key, Timestamp from,
                                                          Timestamp to) {
  return scan(&key, from, to);
}

std::unique_ptr<WindowIterator> RocksDBWindowStore::fetch_all(Timestamp from, Timestamp to) {
  return scan(nullptr, from, to);
}

Status RocksDBWindowStore::advance_time(Timestamp stream_time) {
  if (!db_) return closed_error(name_);
  clock_.advance(stream_time);
  // Also retries a drop that failed on an earlier call.
  const auto end = segments_.lower_bound(clock_.min_live_segment());
  std::vector<rocksdb::ColumnFamilyHandle*> expired;
  for (auto it = segments_.begin(); it != end; ++it) expired.push_back(it->second.get());
  if (expired.empty()) return Status::Ok();
  SLUICE_RETURN_IF_ERROR(ready());  // a pending ingestion may be into one of them
  // Whole segments at once, all in one call (one OPTIONS-file rewrite).
  SLUICE_RETURN_IF_ERROR(rocks::to_status(db_->DropColumnFamilies(expired)));
  stats_.segments_dropped += expired.size();
  segments_.erase(segments_.begin(), end);
  return Status::Ok();
}

SegmentStats RocksDBWindowStore::segment_stats() const {
  SegmentStats s = stats_;
  s.live_segments = segments_.size();
  return s;
}

}  // namespace sluice::state
