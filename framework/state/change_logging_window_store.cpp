#include "state/change_logging_window_store.h"

#include "state/window_key.h"

namespace sluice::state {

void ChangeLoggingWindowStore::log(std::string_view key, Timestamp window_start,
                                   std::optional<std::string_view> value) {
  assign_window_key(scratch_, key, window_start);
  changelog_.log(name(), scratch_, value, window_start);
}

Status ChangeLoggingWindowStore::put(std::string_view key, Timestamp window_start,
                                     std::string_view value) {
  SLUICE_RETURN_IF_ERROR(inner_->put(key, window_start, value));
  log(key, window_start, value);
  return Status::Ok();
}

Status ChangeLoggingWindowStore::remove(std::string_view key, Timestamp window_start) {
  SLUICE_RETURN_IF_ERROR(inner_->remove(key, window_start));
  log(key, window_start, std::nullopt);
  return Status::Ok();
}

Status ChangeLoggingWindowStore::write_batch(std::vector<WindowWrite>& writes) {
  SLUICE_RETURN_IF_ERROR(inner_->write_batch(writes));
  for (const auto& w : writes) {
    if (inner_->expired(w.window_start)) continue;  // dropped below, as a put would be
    std::optional<std::string_view> value;
    if (w.value) value = *w.value;
    log(w.key, w.window_start, value);
  }
  return Status::Ok();
}

Status ChangeLoggingWindowStore::write_views(std::span<const WindowWriteView> writes) {
  SLUICE_RETURN_IF_ERROR(inner_->write_views(writes));
  for (const auto& w : writes) {
    if (inner_->expired(w.window_start)) continue;  // dropped below, as a put would be
    std::optional<std::string_view> value;
    if (!w.tombstone) value = w.value;
    log(w.key, w.window_start, value);
  }
  return Status::Ok();
}

}  // namespace sluice::state
