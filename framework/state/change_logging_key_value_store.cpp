#include "state/change_logging_key_value_store.h"

namespace sluice::state {

Status ChangeLoggingKeyValueStore::put(std::string_view key, std::string_view value) {
  SLUICE_RETURN_IF_ERROR(inner_->put(key, value));
  changelog_.log(name(), key, value, now());
  return Status::Ok();
}

Status ChangeLoggingKeyValueStore::remove(std::string_view key) {
  SLUICE_RETURN_IF_ERROR(inner_->remove(key));
  changelog_.log(name(), key, std::nullopt, now());
  return Status::Ok();
}

Status ChangeLoggingKeyValueStore::write_batch(std::vector<KeyValueWrite>& writes) {
  SLUICE_RETURN_IF_ERROR(inner_->write_batch(writes));
  const Timestamp ts = now();
  for (const auto& w : writes) {
    std::optional<std::string_view> value;
    if (w.value) value = *w.value;
    changelog_.log(name(), w.key, value, ts);
  }
  return Status::Ok();
}

}  // namespace sluice::state
