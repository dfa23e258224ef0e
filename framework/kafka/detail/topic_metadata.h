// Topic metadata ahead of the first record. librdkafka holds a record for a topic it has no
// leader for (and a consumer holds an assigned partition's offset query) until its one-second
// topic scan fetches that topic's metadata; a client that knows its topics up front creates
// their handles and asks for them once instead, so its first records and fetches do not wait.
#pragma once

#include <chrono>

#include "common/status.h"
#include "kafka/detail/handles.h"

namespace sluice::kafka::detail {

// Fetches the metadata of every topic `rk` has a handle for, in one request. Returns the
// request's error.
Status fetch_known_topic_metadata(rd_kafka_t* rk, std::chrono::milliseconds timeout);

}  // namespace sluice::kafka::detail
