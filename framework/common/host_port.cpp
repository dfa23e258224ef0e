#include "common/host_port.h"

#include <fmt/format.h>

#include <charconv>

namespace sluice {

Result<HostPort> parse_host_port(std::string_view text) {
  // The last ':' separates the port: an IPv6 host has colons of its own, inside brackets.
  const auto colon = text.rfind(':');
  const auto not_host_port = [text] {
    return Status::InvalidArgument(
        fmt::format("'{}' is not HOST:PORT (PORT from 0 to 65535)", text));
  };
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size()) {
    return not_host_port();
  }
  HostPort out;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data() + colon + 1, end, out.port);
  if (ec != std::errc() || ptr != end || out.port < 0 || out.port > 65535) return not_host_port();
  out.host = std::string(text.substr(0, colon));
  if (out.host.find(':') != std::string::npos &&
      (out.host.front() != '[' || out.host.back() != ']')) {
    return Status::InvalidArgument(
        fmt::format("'{}': an IPv6 host goes in brackets, as in [::1]:9464", text));
  }
  return out;
}

}  // namespace sluice
