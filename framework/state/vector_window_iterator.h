// VectorWindowIterator: an iterator over windows copied out of a store (the in-memory window
// store's snapshot), or an empty iterator that only reports an error status.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "state/window_store.h"

namespace sluice::state {

class VectorWindowIterator final : public WindowIterator {
 public:
  struct Entry {
    std::string key;
    Timestamp window_start;
    std::string value;
  };
  explicit VectorWindowIterator(std::vector<Entry> entries) : entries_(std::move(entries)) {}
  explicit VectorWindowIterator(Status error) : status_(std::move(error)) {}

  bool valid() const override { return pos_ < entries_.size(); }
  void next() override { ++pos_; }
  std::string_view key() const override { return entries_[pos_].key; }
  Timestamp window_start() const override { return entries_[pos_].window_start; }
  std::string_view value() const override { return entries_[pos_].value; }
  Status status() const override { return status_; }

 private:
  std::vector<Entry> entries_;
  size_t pos_ = 0;
  Status status_;
};

}  // namespace sluice::state
