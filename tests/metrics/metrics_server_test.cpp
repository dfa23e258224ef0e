#include "metrics/metrics_server.h"

#include <gtest/gtest.h>
#include <prometheus/counter.h>

#include <string>

#include "metrics/registry.h"
#include "support/http_get.h"

namespace sluice::metrics {
namespace {

using test::http_get;

TEST(MetricsServer, ServesTheRegistrysCurrentValuesOnGetMetrics) {
  Registry registry;
  prometheus::Counter& processed =
      registry.counter("sluice_records_processed_total", "Records processed", {{"task", "0_1"}});
  processed.Increment(3);
  MetricsServer server(registry, "127.0.0.1:0");
  ASSERT_GT(server.port(), 0) << "port 0 should have been replaced by the bound port";
  EXPECT_EQ(server.url(), "http://127.0.0.1:" + std::to_string(server.port()) + "/metrics");
  std::string body = http_get(server.port(), "/metrics");
  EXPECT_NE(body.find("200 OK"), std::string::npos) << body;
  EXPECT_NE(body.find("# TYPE sluice_records_processed_total counter"), std::string::npos) << body;
  EXPECT_NE(body.find("sluice_records_processed_total{task=\"0_1\"} 3"), std::string::npos) << body;
  processed.Increment(4);  // a scrape reads live values, not a snapshot taken at start
  body = http_get(server.port(), "/metrics");
  EXPECT_NE(body.find("sluice_records_processed_total{task=\"0_1\"} 7"), std::string::npos) << body;
  EXPECT_NE(http_get(server.port(), "/other").find("404"), std::string::npos);
}

TEST(MetricsServer, ATakenPortOrABadAddressIsAnErrorNamingIt) {
  Registry registry;
  MetricsServer first(registry, "127.0.0.1:0");
  const std::string taken = "127.0.0.1:" + std::to_string(first.port());
  try {
    MetricsServer second(registry, taken);
    FAIL() << "a second server listened on " << taken;
  } catch (const MetricsServerError& e) {
    EXPECT_NE(std::string(e.what()).find(taken), std::string::npos) << e.what();
  }
  EXPECT_THROW(MetricsServer(registry, "9464"), MetricsServerError);
}

}  // namespace
}  // namespace sluice::metrics
