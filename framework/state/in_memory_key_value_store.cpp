#include "state/in_memory_key_value_store.h"

#include "state/vector_key_value_iterator.h"

namespace sluice::state {

Status InMemoryKeyValueStore::get(std::string_view key, std::string& out) {
  auto it = map_.find(key);
  if (it == map_.end()) return Status::NotFound();
  out.assign(it->second);
  return Status::Ok();
}

Status InMemoryKeyValueStore::put(std::string_view key, std::string_view value) {
  auto it = map_.find(key);
  if (it != map_.end()) {
    it->second.assign(value.data(), value.size());
  } else {
    map_.emplace(std::string(key), std::string(value));
  }
  return Status::Ok();
}

Status InMemoryKeyValueStore::remove(std::string_view key) {
  auto it = map_.find(key);
  if (it != map_.end()) map_.erase(it);
  return Status::Ok();
}

Status InMemoryKeyValueStore::write_batch(std::vector<KeyValueWrite>& writes) {
  for (auto& w : writes) {
    if (w.value) {
      (void)put(w.key, *w.value);
    } else {
      (void)remove(w.key);
    }
  }
  return Status::Ok();
}

Status InMemoryKeyValueStore::restore(std::span<const RestoreRecord> records) {
  for (const auto& r : records) {
    if (r.value) {
      (void)put(r.key, *r.value);
    } else {
      (void)remove(r.key);
    }
  }
  return Status::Ok();
}

std::unique_ptr<KeyValueIterator> InMemoryKeyValueStore::range(std::string_view from,
                                                               std::string_view to) {
  VectorKeyValueIterator::Entries entries;
  for (auto it = map_.lower_bound(from); it != map_.end() && (to.empty() || it->first < to); ++it) {
    entries.emplace_back(it->first, it->second);
  }
  return std::make_unique<VectorKeyValueIterator>(std::move(entries));
}

}  // namespace sluice::state
