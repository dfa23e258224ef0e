// RepartitionPurger: trims repartition topics behind their readers, as Kafka Streams does
// (repartition.purge.interval.ms). Repartition topics keep their records forever
// (retention.ms=-1, because their timestamps are event times, which time-based retention could
// expire before the records are read), so the task that reads them deletes what it has
// committed: after a commit, at most once per interval, an asynchronous Admin DeleteRecords up
// to the committed offsets. Results are read on later calls and never block the stream thread.
// A failed purge is counted and logged; the records merely stay, nothing is lost. A broker
// without DeleteRecords (librdkafka 2.0.2's mock cluster) is reported once and left alone.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "kafka/consumer.h"
#include "kafka/detail/handles.h"
#include "metrics/registry.h"

namespace prometheus {
class Counter;
}

namespace sluice::kafka {

struct RepartitionPurgerOptions {
  std::chrono::milliseconds interval{30'000};  // repartition.purge.interval.ms; default 30 s
  std::string client;                          // names the metric series; default: none
  // Whole-request limit (leader lookup included); a request that runs out is a failure and is
  // asked again at the next purge. Default 30 s.
  std::chrono::milliseconds request_timeout{30'000};
  // Say on stderr that the broker lacks DeleteRecords. Default: true; the embedded broker,
  // whose README says so, turns it off.
  bool report_unsupported = true;
};

class RepartitionPurger {
 public:
  // `client`: the handle the requests go through (a stream thread's consumer); it must outlive
  // the purger. `repartition_topics`: full names; offsets of other topics are never purged.
  RepartitionPurger(rd_kafka_t* client, std::set<std::string, std::less<>> repartition_topics,
                    RepartitionPurgerOptions options, metrics::Registry& metrics);
  RepartitionPurger(const RepartitionPurger&) = delete;
  RepartitionPurger& operator=(const RepartitionPurger&) = delete;

  // Call after `committed` (next offsets to read) was committed. Requests the purge of the
  // repartition partitions among them whose offset moved since the last purge, unless one is
  // still in flight or the interval has not passed since the last request. Non-blocking.
  void on_committed(const std::vector<TopicPartitionOffset>& committed,
                    std::chrono::steady_clock::time_point now);
  // Waits up to `timeout` for the request in flight to be answered; true when none is left.
  bool await_result(std::chrono::milliseconds timeout);
  // The broker does not support DeleteRecords: no further requests are made.
  bool unsupported() const { return unsupported_; }

 private:
  // Handles the answer to the request in flight, if it came; false when it is still pending.
  bool read_result(int timeout_ms);

  rd_kafka_t* client_;
  std::set<std::string, std::less<>> topics_;
  RepartitionPurgerOptions options_;
  detail::QueuePtr results_;
  detail::AdminOptionsPtr admin_options_;
  bool in_flight_ = false;
  bool unsupported_ = false;
  std::optional<std::chrono::steady_clock::time_point> last_request_;
  std::map<std::pair<std::string, int32_t>, int64_t> purged_;  // offset last requested
  prometheus::Counter* requests_;
  prometheus::Counter* failures_;
};

}  // namespace sluice::kafka
