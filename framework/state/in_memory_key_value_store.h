// InMemoryKeyValueStore: the bottom of a non-persistent key-value stack, a std::map in key
// byte order. Iterators are snapshots (the range is copied), so writes during iteration are safe.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>

#include "state/key_value_store.h"

namespace sluice::state {

class InMemoryKeyValueStore final : public KeyValueStore {
 public:
  explicit InMemoryKeyValueStore(std::string name) : name_(std::move(name)) {}

  const std::string& name() const override { return name_; }
  bool persistent() const override { return false; }
  Status flush() override { return Status::Ok(); }
  void close() override {}
  Status restore(std::span<const RestoreRecord> records) override;
  void set_position(std::string_view position) override { position_ = position; }
  std::optional<std::string> position() const override { return position_; }

  Status get(std::string_view key, std::string& out) override;
  Status put(std::string_view key, std::string_view value) override;
  Status remove(std::string_view key) override;
  Status write_batch(std::vector<KeyValueWrite>& writes) override;
  std::unique_ptr<KeyValueIterator> range(std::string_view from, std::string_view to) override;
  uint64_t approximate_num_entries() override { return map_.size(); }

 private:
  std::optional<std::string> position_;
  std::string name_;
  std::map<std::string, std::string, std::less<>> map_;
};

}  // namespace sluice::state
