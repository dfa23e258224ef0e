#include "state/metered_key_value_store.h"

namespace sluice::state {

Status MeteredKeyValueStore::flush() {
  probe_.flushes();
  return inner_->flush();
}

Status MeteredKeyValueStore::get(std::string_view key, std::string& out) {
  probe_.gets();
  return inner_->get(key, out);
}

Status MeteredKeyValueStore::put(std::string_view key, std::string_view value) {
  probe_.puts();
  return inner_->put(key, value);
}

Status MeteredKeyValueStore::remove(std::string_view key) {
  probe_.deletes();
  return inner_->remove(key);
}

Status MeteredKeyValueStore::write_batch(std::vector<KeyValueWrite>& writes) {
  uint64_t deletes = 0;
  for (const auto& w : writes) deletes += w.value ? 0 : 1;
  probe_.puts(writes.size() - deletes);
  probe_.deletes(deletes);
  return inner_->write_batch(writes);
}

}  // namespace sluice::state
