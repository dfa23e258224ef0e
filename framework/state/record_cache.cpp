#include "state/record_cache.h"

#include <algorithm>

namespace sluice::state {

const RecordCache::Entry* RecordCache::find(std::string_view key) const {
  auto it = map_.find(key);
  return it == map_.end() ? nullptr : &it->second;
}

RecordCache::Map::iterator RecordCache::find_or_insert(std::string_view key) {
  auto it = map_.find(key);
  if (it != map_.end()) return it;
  bytes_ += key.size() + kEntryOverhead;
  return map_.emplace(std::string(key), Entry{}).first;
}

void RecordCache::put(std::string_view key, std::optional<std::string_view> value) {
  auto it = find_or_insert(key);
  Entry& e = it->second;
  bytes_ -= e.value.size();
  if (value) {
    e.value.assign(value->data(), value->size());
    e.tombstone = false;
  } else {
    e.value.clear();
    e.tombstone = true;
  }
  bytes_ += e.value.size();
  if (!e.dirty) {
    e.dirty = true;
    dirty_.push_back(&*it);
  }
}

void RecordCache::fill(std::string_view key, std::string_view value) {
  if (bytes_ + key.size() + value.size() + kEntryOverhead > max_bytes_) return;
  if (map_.find(key) != map_.end()) return;
  auto it = find_or_insert(key);
  it->second.value.assign(value.data(), value.size());
  bytes_ += value.size();
}

void RecordCache::erase(std::string_view key) {
  auto it = map_.find(key);
  if (it == map_.end()) return;
  if (it->second.dirty) {
    auto pos = std::find(dirty_.begin(), dirty_.end(), &*it);
    if (pos != dirty_.end()) {
      *pos = dirty_.back();
      dirty_.pop_back();
    }
  }
  bytes_ -= it->first.size() + it->second.value.size() + kEntryOverhead;
  map_.erase(it);
}

void RecordCache::clear() {
  map_.clear();
  dirty_.clear();
  bytes_ = 0;
}

const std::vector<RecordCache::Slot*>& RecordCache::dirty_sorted() {
  std::sort(dirty_.begin(), dirty_.end(),
            [](const Slot* a, const Slot* b) { return a->first < b->first; });
  return dirty_;
}

void RecordCache::mark_clean() {
  for (Slot* slot : dirty_) slot->second.dirty = false;
  dirty_.clear();
}

}  // namespace sluice::state
