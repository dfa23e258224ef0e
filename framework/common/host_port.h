// HostPort: a listen or connect address written "HOST:PORT" (a name, an IPv4 address or a
// bracketed IPv6 one; PORT 0 to 65535). Parsed where configuration is read and where a server
// binds, by the same rules.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace sluice {

struct HostPort {
  std::string host;  // as written (an IPv6 host keeps its brackets)
  int port = 0;
};

// InvalidArgument saying what is wrong with `text` when it is not HOST:PORT.
Result<HostPort> parse_host_port(std::string_view text);

}  // namespace sluice
