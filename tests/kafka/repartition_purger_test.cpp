// RepartitionPurger: which partitions it asks to trim, how often, and what it does with a broker
// that cannot (librdkafka's mock cluster lacks DeleteRecords) or does not answer. That records
// really go is shown against a real Kafka (RealKafka.RepartitionPurgerDeletesCommittedRecords).
#include "kafka/repartition_purger.h"

#include <gtest/gtest.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#endif

#include "kafka/conf.h"
#include "kafka/mock_cluster.h"
#include "kafka/producer.h"

namespace sluice::kafka {
namespace {

using namespace std::chrono_literals;

double purge_counter(const metrics::Registry& m, const std::string& name) {
  return m.value(name, {{"client", "t"}});
}

// librdkafka 2.0.2 leaks 176 bytes that rd_kafka_new allocated, once per client handle, after
// a DeleteRecords request is refused with _UNSUPPORTED_FEATURE (reproduced in plain C: mock
// cluster, one request, every handle and event destroyed). LeakSanitizer is told to ignore
// what rd_kafka_new allocates for this one handle on this thread; the purger's own
// allocations, and the other test's handle, stay checked.
detail::HandlePtr handle_that_may_leak_after_an_unsupported_request(const Conf& conf) {
#if defined(__SANITIZE_ADDRESS__)
  __lsan::ScopedDisabler ignore_librdkafka_leak;
#endif
  return make_handle(RD_KAFKA_PRODUCER, conf);
}

TEST(RepartitionPurger, ABrokerWithoutDeleteRecordsIsReportedOnceAndThenLeftAlone) {
  MockCluster cluster;
  cluster.create_topic("app-x-repartition", 2);
  Conf conf;
  conf.set("bootstrap.servers", cluster.bootstrap());
  {
    Producer producer(conf);
    for (int i = 0; i < 10; ++i) {
      ASSERT_TRUE(
          producer.send("app-x-repartition", Partition(0), "k", "v", Timestamp(0), {}).ok());
    }
    ASSERT_TRUE(producer.flush(10s).ok());
  }
  detail::HandlePtr client = handle_that_may_leak_after_an_unsupported_request(conf);
  metrics::Registry metrics;
  RepartitionPurger purger(client.get(), {"app-x-repartition"}, {.interval = 0ms, .client = "t"},
                           metrics);
  const auto now = std::chrono::steady_clock::now();
  purger.on_committed({{"app-x-repartition", Partition(0), Offset(5)}}, now);
  EXPECT_EQ(purge_counter(metrics, "sluice_repartition_purge_requests_total"), 1);
  ASSERT_TRUE(purger.await_result(10s));
  EXPECT_TRUE(purger.unsupported());
  EXPECT_EQ(purge_counter(metrics, "sluice_repartition_purge_failures_total"), 1);
  // Later commits ask nothing more, and nothing was deleted.
  purger.on_committed({{"app-x-repartition", Partition(0), Offset(8)}}, now + 1s);
  EXPECT_EQ(purge_counter(metrics, "sluice_repartition_purge_requests_total"), 1);
  int64_t low = -1, high = -1;
  ASSERT_EQ(
      rd_kafka_query_watermark_offsets(client.get(), "app-x-repartition", 0, &low, &high, 10000),
      RD_KAFKA_RESP_ERR_NO_ERROR);
  EXPECT_EQ(low, 0);
  EXPECT_EQ(high, 10);
}

TEST(RepartitionPurger, AsksOnlyForRepartitionTopicsAtMostOncePerIntervalAndRetriesAFailure) {
  // No broker listens here: every request runs out of time and must be asked again.
  Conf conf;
  conf.set("bootstrap.servers", "127.0.0.1:1");
  conf.set("log_level", "0");
  detail::HandlePtr client = make_handle(RD_KAFKA_PRODUCER, conf);
  metrics::Registry metrics;
  RepartitionPurger purger(client.get(), {"app-x-repartition"},
                           {.interval = 10s, .client = "t", .request_timeout = 200ms}, metrics);
  const auto requests = [&] {
    return purge_counter(metrics, "sluice_repartition_purge_requests_total");
  };
  const auto t0 = std::chrono::steady_clock::now();
  // Source topics, and a repartition partition that has committed nothing, are never asked.
  purger.on_committed(
      {{"tags", Partition(0), Offset(7)}, {"app-x-repartition", Partition(1), Offset(0)}}, t0);
  EXPECT_EQ(requests(), 0);
  purger.on_committed({{"app-x-repartition", Partition(0), Offset(5)}}, t0);
  EXPECT_EQ(requests(), 1);
  ASSERT_TRUE(purger.await_result(10s));
  EXPECT_FALSE(purger.unsupported());
  EXPECT_EQ(purge_counter(metrics, "sluice_repartition_purge_failures_total"), 1);
  // Within the interval: nothing; after it, the failed offset is asked again.
  purger.on_committed({{"app-x-repartition", Partition(0), Offset(5)}}, t0 + 5s);
  EXPECT_EQ(requests(), 1);
  purger.on_committed({{"app-x-repartition", Partition(0), Offset(5)}}, t0 + 10s);
  EXPECT_EQ(requests(), 2);
  // While a request is in flight, commits do not stack more of them.
  purger.on_committed({{"app-x-repartition", Partition(0), Offset(9)}}, t0 + 30s);
  EXPECT_EQ(requests(), 2);
  ASSERT_TRUE(purger.await_result(10s));
  EXPECT_EQ(purge_counter(metrics, "sluice_repartition_purge_failures_total"), 2);
}

}  // namespace
}  // namespace sluice::kafka
