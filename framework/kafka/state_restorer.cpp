#include "kafka/state_restorer.h"

#include <fmt/format.h>

#include <vector>

namespace sluice::kafka {

namespace {
constexpr size_t kBatch = 2000;
}

Result<RestoreResult> StateRestorer::restore(state::StateStore& store, const std::string& topic,
                                             Partition partition, std::optional<Offset> from,
                                             std::chrono::milliseconds timeout) {
  RestoreResult result;
  auto wm = consumer_.watermarks(topic, partition, timeout);
  if (!wm.ok()) return wm.status();
  const auto [low, high] = *wm;
  Offset start = from.value_or(low);
  if (start < low) {
    result.truncated = true;
    start = low;
  }
  result.end = std::max(start, high);
  if (start >= high) return result;
  SLUICE_RETURN_IF_ERROR(consumer_.assign({{topic, partition, start}}));
  std::vector<MessagePtr> messages;
  std::vector<state::RestoreRecord> records;
  messages.reserve(kBatch);
  records.reserve(kBatch);
  int64_t next = start.value();
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (next < high.value()) {
    if (std::chrono::steady_clock::now() > deadline) {
      (void)consumer_.assign({});
      return Status::IOError(fmt::format("restoring {} from {}[{}]: timed out at offset {} of {}",
                                         store.name(), topic, partition.value(), next,
                                         high.value()));
    }
    messages.clear();
    records.clear();
    consumer_.poll_batch(messages, kBatch, std::chrono::milliseconds(100));
    for (const auto& m : messages) {
      if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) continue;
      if (m->err) {
        (void)consumer_.assign({});
        return Status::IOError(fmt::format("restoring {} from {}: {}", store.name(), topic,
                                           rd_kafka_message_errstr(m.get())));
      }
      if (m->offset >= high.value()) continue;  // written after restore began: not ours
      std::optional<std::string_view> value;
      if (m->payload) value = std::string_view(static_cast<const char*>(m->payload), m->len);
      records.push_back({std::string_view(static_cast<const char*>(m->key), m->key_len), value});
      next = m->offset + 1;
    }
    if (!records.empty()) {
      SLUICE_RETURN_IF_ERROR(store.restore(records));
      result.records += records.size();
    }
  }
  SLUICE_RETURN_IF_ERROR(consumer_.assign({}));
  return result;
}

}  // namespace sluice::kafka
