// InMemoryWindowStore: the bottom of a non-persistent window stack. One ordered map per time
// segment, keyed by encode_window_key(key, start), so it orders and expires exactly like the
// RocksDB window store: retention drops whole segment maps. Iterators are snapshots.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "state/segment_clock.h"
#include "state/window_store.h"

namespace sluice::state {

class InMemoryWindowStore final : public WindowStore {
 public:
  // segment_interval_ms <= 0 picks the default (see SegmentClock).
  InMemoryWindowStore(std::string name, DurationMs retention_ms, DurationMs segment_interval_ms);

  const std::string& name() const override { return name_; }
  bool persistent() const override { return false; }
  Status flush() override { return Status::Ok(); }
  void close() override {}
  Status restore(std::span<const RestoreRecord> records) override;
  void set_position(std::string_view position) override { position_ = position; }
  std::optional<std::string> position() const override { return position_; }

  Status get(std::string_view key, Timestamp window_start, std::string& out) override;
  Status put(std::string_view key, Timestamp window_start, std::string_view value) override;
  Status remove(std::string_view key, Timestamp window_start) override;
  Status write_batch(std::vector<WindowWrite>& writes) override;
  std::unique_ptr<WindowIterator> fetch(std::string_view key, Timestamp from,
                                        Timestamp to) override;
  std::unique_ptr<WindowIterator> fetch_all(Timestamp from, Timestamp to) override;
  Status advance_time(Timestamp stream_time) override;
  DurationMs retention_ms() const override { return clock_.retention_ms(); }
  bool expired(Timestamp window_start) const override { return clock_.expired(window_start); }

  DurationMs segment_interval_ms() const { return clock_.interval_ms(); }
  SegmentStats segment_stats() const;

 private:
  std::optional<std::string> position_;
  using Segment = std::map<std::string, std::string, std::less<>>;
  // Writes one encoded window; the caller has checked expiry.
  void apply(int64_t segment, std::string_view encoded, const std::string_view* value);

  std::string name_;
  SegmentClock clock_;
  std::map<int64_t, Segment> segments_;
  std::string scratch_;  // reused encoding buffer
  SegmentStats stats_;
};

}  // namespace sluice::state
