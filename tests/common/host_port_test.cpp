#include "common/host_port.h"

#include <gtest/gtest.h>

namespace sluice {
namespace {

TEST(HostPort, ParsesNamesIpv4AndBracketedIpv6) {
  struct Case {
    const char* text;
    const char* host;
    int port;
  };
  for (const Case& c : {Case{"localhost:9464", "localhost", 9464}, Case{"0.0.0.0:0", "0.0.0.0", 0},
                        Case{"[::1]:65535", "[::1]", 65535}}) {
    Result<HostPort> parsed = parse_host_port(c.text);
    ASSERT_TRUE(parsed.ok()) << c.text << ": " << parsed.status().to_string();
    EXPECT_EQ(parsed->host, c.host);
    EXPECT_EQ(parsed->port, c.port);
  }
}

TEST(HostPort, RejectsWhatIsNotHostColonPortSayingWhy) {
  for (const char* bad : {"", "9464", ":9464", "host:", "host:65536", "host:-1", "host:94x",
                          "::1:9464", "host:9464 "}) {
    Result<HostPort> parsed = parse_host_port(bad);
    ASSERT_FALSE(parsed.ok()) << "accepted '" << bad << "'";
    EXPECT_NE(parsed.status().message().find(std::string("'") + bad + "'"), std::string::npos)
        << parsed.status().message();
  }
}

}  // namespace
}  // namespace sluice
