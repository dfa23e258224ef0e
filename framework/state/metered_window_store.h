// MeteredWindowStore: the outermost window layer. Counts puts, gets, deletes and flushes through
// its StoreProbe and forwards every call unchanged. Nothing else.
#pragma once

#include <memory>

#include "state/store_probe.h"
#include "state/window_store.h"

namespace sluice::state {

class MeteredWindowStore final : public WindowStore {
 public:
  MeteredWindowStore(std::unique_ptr<WindowStore> inner, StoreProbe probe)
      : inner_(std::move(inner)), probe_(probe) {}

  const std::string& name() const override { return inner_->name(); }
  bool persistent() const override { return inner_->persistent(); }
  void set_position(std::string_view position) override { inner_->set_position(position); }
  std::optional<std::string> position() const override { return inner_->position(); }
  Status flush() override;
  void close() override { inner_->close(); }
  Status restore(std::span<const RestoreRecord> records) override {
    return inner_->restore(records);
  }

  Status get(std::string_view key, Timestamp window_start, std::string& out) override;
  Status put(std::string_view key, Timestamp window_start, std::string_view value) override;
  Status remove(std::string_view key, Timestamp window_start) override;
  Status write_batch(std::vector<WindowWrite>& writes) override;
  Status write_views(std::span<const WindowWriteView> writes) override;
  std::unique_ptr<WindowIterator> fetch(std::string_view key, Timestamp from,
                                        Timestamp to) override {
    return inner_->fetch(key, from, to);
  }
  std::unique_ptr<WindowIterator> fetch_all(Timestamp from, Timestamp to) override {
    return inner_->fetch_all(from, to);
  }
  Status advance_time(Timestamp stream_time) override { return inner_->advance_time(stream_time); }
  DurationMs retention_ms() const override { return inner_->retention_ms(); }
  bool expired(Timestamp window_start) const override { return inner_->expired(window_start); }

 private:
  std::unique_ptr<WindowStore> inner_;
  StoreProbe probe_;
};

}  // namespace sluice::state
