// ChangeLoggingKeyValueStore: forwards every write to the store below and, once it is applied,
// hands it to the ChangelogWriter (a remove logs a tombstone). A batch is forwarded first and
// logged entry by entry afterwards, so a batch the store refused logs nothing. restore() goes
// straight down and is not logged. Records are stamped with *record_time (Timestamp(0) if null).
#pragma once

#include <memory>

#include "state/changelog_writer.h"
#include "state/key_value_store.h"

namespace sluice::state {

class ChangeLoggingKeyValueStore final : public KeyValueStore {
 public:
  ChangeLoggingKeyValueStore(std::unique_ptr<KeyValueStore> inner, ChangelogWriter& changelog,
                             const Timestamp* record_time = nullptr)
      : inner_(std::move(inner)), changelog_(changelog), record_time_(record_time) {}

  const std::string& name() const override { return inner_->name(); }
  bool persistent() const override { return inner_->persistent(); }
  void set_position(std::string_view position) override { inner_->set_position(position); }
  std::optional<std::string> position() const override { return inner_->position(); }
  Status flush() override { return inner_->flush(); }
  void close() override { inner_->close(); }
  Status restore(std::span<const RestoreRecord> records) override {
    return inner_->restore(records);
  }

  Status get(std::string_view key, std::string& out) override { return inner_->get(key, out); }
  Status put(std::string_view key, std::string_view value) override;
  Status remove(std::string_view key) override;
  Status write_batch(std::vector<KeyValueWrite>& writes) override;
  std::unique_ptr<KeyValueIterator> range(std::string_view from, std::string_view to) override {
    return inner_->range(from, to);
  }
  uint64_t approximate_num_entries() override { return inner_->approximate_num_entries(); }

 private:
  Timestamp now() const { return record_time_ ? *record_time_ : Timestamp(0); }

  std::unique_ptr<KeyValueStore> inner_;
  ChangelogWriter& changelog_;
  const Timestamp* record_time_;
};

}  // namespace sluice::state
