// MeteredKeyValueStore: the outermost layer. Counts puts, gets, deletes and flushes through its
// StoreProbe and forwards every call unchanged. Nothing else.
#pragma once

#include <memory>

#include "state/key_value_store.h"
#include "state/store_probe.h"

namespace sluice::state {

class MeteredKeyValueStore final : public KeyValueStore {
 public:
  MeteredKeyValueStore(std::unique_ptr<KeyValueStore> inner, StoreProbe probe)
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

  Status get(std::string_view key, std::string& out) override;
  Status put(std::string_view key, std::string_view value) override;
  Status remove(std::string_view key) override;
  Status write_batch(std::vector<KeyValueWrite>& writes) override;
  std::unique_ptr<KeyValueIterator> range(std::string_view from, std::string_view to) override {
    return inner_->range(from, to);
  }
  uint64_t approximate_num_entries() override { return inner_->approximate_num_entries(); }

 private:
  std::unique_ptr<KeyValueStore> inner_;
  StoreProbe probe_;
};

}  // namespace sluice::state
