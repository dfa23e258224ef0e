#include "kafka/detail/topic_metadata.h"

#include <fmt/format.h>

namespace sluice::kafka::detail {

Status fetch_known_topic_metadata(rd_kafka_t* rk, std::chrono::milliseconds timeout) {
  // all_topics=0 without a topic handle asks for every topic this client knows.
  const rd_kafka_metadata_t* raw = nullptr;
  rd_kafka_resp_err_t err =
      rd_kafka_metadata(rk, 0, nullptr, &raw, static_cast<int>(timeout.count()));
  MetadataPtr md(raw);
  if (err) return Status::IOError(fmt::format("topic metadata: {}", rd_kafka_err2str(err)));
  return Status::Ok();
}

}  // namespace sluice::kafka::detail
