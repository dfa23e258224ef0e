// ChangeLoggingWindowStore: forwards every write to the window store below and, once applied,
// hands it to the ChangelogWriter under the key encode_window_key(key, window start)
// (state/window_key.h), stamped with the window start. Writes refused as expired are not
// logged; a batch is forwarded first, then its live entries are logged. restore() goes straight
// down and is not logged.
#pragma once

#include <memory>
#include <string>

#include "state/changelog_writer.h"
#include "state/window_store.h"

namespace sluice::state {

class ChangeLoggingWindowStore final : public WindowStore {
 public:
  ChangeLoggingWindowStore(std::unique_ptr<WindowStore> inner, ChangelogWriter& changelog)
      : inner_(std::move(inner)), changelog_(changelog) {}

  const std::string& name() const override { return inner_->name(); }
  bool persistent() const override { return inner_->persistent(); }
  void set_position(std::string_view position) override { inner_->set_position(position); }
  std::optional<std::string> position() const override { return inner_->position(); }
  Status flush() override { return inner_->flush(); }
  void close() override { inner_->close(); }
  Status restore(std::span<const RestoreRecord> records) override {
    return inner_->restore(records);
  }

  Status get(std::string_view key, Timestamp window_start, std::string& out) override {
    return inner_->get(key, window_start, out);
  }
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
  void log(std::string_view key, Timestamp window_start, std::optional<std::string_view> value);

  std::unique_ptr<WindowStore> inner_;
  ChangelogWriter& changelog_;
  std::string scratch_;  // reused encoding buffer
};

}  // namespace sluice::state
