// WindowStore: (key, window start) -> value, ordered by key then window start, so the windows
// of one key over a time range are one ordered scan. Time is cut into segments of
// `segment_interval_ms`; retention drops whole segments (a RocksDB column family each, or a
// map each in memory) once stream time passes their end + retention, never key by key.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/types.h"
#include "state/state_store.h"

namespace sluice::state {

struct WindowWrite {
  std::string key;
  Timestamp window_start;
  std::optional<std::string> value;  // nullopt deletes
};

// A WindowWrite by reference: the bytes belong to the caller and must stay valid for the call.
struct WindowWriteView {
  std::string_view key;
  Timestamp window_start;
  std::string_view value;  // ignored when tombstone
  bool tombstone = false;  // true deletes
};

class WindowIterator {
 public:
  virtual ~WindowIterator() = default;
  virtual bool valid() const = 0;
  virtual void next() = 0;
  virtual std::string_view key() const = 0;
  virtual Timestamp window_start() const = 0;
  virtual std::string_view value() const = 0;
  virtual Status status() const = 0;
};

class WindowStore : public StateStore {
 public:
  StoreKind kind() const override { return StoreKind::kWindow; }
  virtual Status get(std::string_view key, Timestamp window_start, std::string& out) = 0;
  // Writes into a window; a write into an expired segment is dropped and reported as
  // Status::NotFound (the caller counts it as late).
  virtual Status put(std::string_view key, Timestamp window_start, std::string_view value) = 0;
  virtual Status remove(std::string_view key, Timestamp window_start) = 0;
  virtual Status write_batch(std::vector<WindowWrite>& writes) = 0;
  // write_batch with the entries as views into the caller's memory, so that a writer holding
  // them elsewhere (the window aggregate's cell arena) does not copy each into owned strings.
  // A batch that is one window's cells in key order, puts only, is what the persistent store
  // can write without its memtable. This default copies into WindowWrites and calls
  // write_batch; the store layers override it to pass the views down.
  virtual Status write_views(std::span<const WindowWriteView> writes) {
    std::vector<WindowWrite> copies;
    copies.reserve(writes.size());
    for (const auto& w : writes) {
      auto& c = copies.emplace_back(WindowWrite{std::string(w.key), w.window_start, std::nullopt});
      if (!w.tombstone) c.value.emplace(w.value);
    }
    return write_batch(copies);
  }
  // Windows of `key` with start in [from, to), ascending by start.
  virtual std::unique_ptr<WindowIterator> fetch(std::string_view key, Timestamp from,
                                                Timestamp to) = 0;
  // Windows of all keys with start in [from, to), ordered by segment then key then start
  // (keys compare by length first, then bytes: the order of encode_window_key).
  virtual std::unique_ptr<WindowIterator> fetch_all(Timestamp from, Timestamp to) = 0;
  // Advances the store's notion of stream time; drops segments that fell out of retention.
  virtual Status advance_time(Timestamp stream_time) = 0;
  virtual DurationMs retention_ms() const = 0;
  // True when a window starting at `window_start` lies in a segment that retention has already
  // dropped: puts into it are refused with Status::NotFound.
  virtual bool expired(Timestamp window_start) const = 0;
};

}  // namespace sluice::state
