#include "kafka/state_restorer.h"

#include <fmt/format.h>

#include <vector>

#include "kafka/kafka_record_collector.h"

namespace sluice::kafka {

namespace {
constexpr size_t kBatch = 2000;

bool is_marker(rd_kafka_message_t* m) {
  rd_kafka_headers_t* headers = nullptr;
  if (rd_kafka_message_headers(m, &headers) != RD_KAFKA_RESP_ERR_NO_ERROR) return false;
  const void* value = nullptr;
  size_t size = 0;
  const std::string name(kPositionMarkerHeader);
  return rd_kafka_header_get_last(headers, name.c_str(), &value, &size) ==
         RD_KAFKA_RESP_ERR_NO_ERROR;
}
}  // namespace

Status StateRestorer::apply(state::StateStore& store, const std::vector<ChangelogRecord>& records) {
  std::vector<state::RestoreRecord> views;
  views.reserve(std::min(records.size(), kBatch));
  for (size_t i = 0; i < records.size(); i += kBatch) {
    views.clear();
    for (size_t j = i; j < std::min(records.size(), i + kBatch); ++j) {
      std::optional<std::string_view> value;
      if (records[j].value) value = *records[j].value;
      views.push_back({records[j].key, value});
    }
    SLUICE_RETURN_IF_ERROR(store.restore(views));
  }
  return Status::Ok();
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
  messages.reserve(kBatch);
  std::vector<ChangelogRecord> current;  // records since the last marker
  int64_t next = start.value();
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto fail = [&](std::string why) -> Status {
    (void)consumer_.assign({});
    return Status::IOError(
        fmt::format("restoring {} from {}[{}]: {}", store.name(), topic, partition.value(), why));
  };
  while (next < high.value()) {
    if (std::chrono::steady_clock::now() > deadline) {
      return fail(fmt::format("timed out at offset {} of {}", next, high.value()));
    }
    messages.clear();
    consumer_.poll_batch(messages, kBatch, std::chrono::milliseconds(100));
    for (const auto& m : messages) {
      if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) continue;
      if (m->err) return fail(rd_kafka_message_errstr(m.get()));
      if (m->offset >= high.value()) continue;  // written after restore began: not ours
      next = m->offset + 1;
      const std::string_view payload =
          m->payload ? std::string_view(static_cast<const char*>(m->payload), m->len)
                     : std::string_view();
      if (!is_marker(m.get())) {
        ChangelogRecord r;
        r.key.assign(static_cast<const char*>(m->key), m->key_len);
        if (m->payload) r.value.emplace(payload);
        current.push_back(std::move(r));
        continue;
      }
      auto position = runtime::TaskPosition::decode(payload);
      if (!position.ok())
        return fail(fmt::format("offset {}: {}", m->offset, position.status().to_string()));
      // A commit completed: the one held before it is no longer the last, so it is applied.
      if (result.held) {
        Status st = apply(store, result.held_records);
        if (!st.ok()) return fail(st.to_string());
        result.records += result.held_records.size();
        result.applied = std::move(result.held);
      }
      result.held = std::move(*position);
      result.held_records = std::move(current);
      current.clear();
    }
  }
  for (auto& r : current) result.trailing_keys.push_back(std::move(r.key));
  SLUICE_RETURN_IF_ERROR(consumer_.assign({}));
  return result;
}

}  // namespace sluice::kafka
