#include "state/metered_window_store.h"

namespace sluice::state {

Status MeteredWindowStore::flush() {
  probe_.flushes();
  return inner_->flush();
}

Status MeteredWindowStore::get(std::string_view key, Timestamp window_start, std::string& out) {
  probe_.gets();
  return inner_->get(key, window_start, out);
}

Status MeteredWindowStore::put(std::string_view key, Timestamp window_start,
                               std::string_view value) {
  probe_.puts();
  return inner_->put(key, window_start, value);
}

Status MeteredWindowStore::remove(std::string_view key, Timestamp window_start) {
  probe_.deletes();
  return inner_->remove(key, window_start);
}

Status MeteredWindowStore::write_batch(std::vector<WindowWrite>& writes) {
  uint64_t deletes = 0;
  for (const auto& w : writes) deletes += w.value ? 0 : 1;
  probe_.puts(writes.size() - deletes);
  probe_.deletes(deletes);
  return inner_->write_batch(writes);
}

Status MeteredWindowStore::write_views(std::span<const WindowWriteView> writes) {
  uint64_t deletes = 0;
  for (const auto& w : writes) deletes += w.tombstone ? 1 : 0;
  probe_.puts(writes.size() - deletes);
  probe_.deletes(deletes);
  return inner_->write_views(writes);
}

}  // namespace sluice::state
