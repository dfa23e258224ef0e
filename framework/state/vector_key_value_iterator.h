// VectorKeyValueIterator: an iterator over entries copied out of a store (the in-memory store's
// snapshot), or an empty iterator that only reports an error status.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "state/key_value_store.h"

namespace sluice::state {

class VectorKeyValueIterator final : public KeyValueIterator {
 public:
  using Entries = std::vector<std::pair<std::string, std::string>>;
  explicit VectorKeyValueIterator(Entries entries) : entries_(std::move(entries)) {}
  explicit VectorKeyValueIterator(Status error) : status_(std::move(error)) {}

  bool valid() const override { return pos_ < entries_.size(); }
  void next() override { ++pos_; }
  std::string_view key() const override { return entries_[pos_].first; }
  std::string_view value() const override { return entries_[pos_].second; }
  Status status() const override { return status_; }

 private:
  Entries entries_;
  size_t pos_ = 0;
  Status status_;
};

}  // namespace sluice::state
