#include "kafka/conf.h"

#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>

namespace sluice::kafka {

Conf::Conf() : conf_(rd_kafka_conf_new()) {}

Conf::Conf(const Conf& other) : conf_(rd_kafka_conf_dup(other.conf_.get())) {}

Conf& Conf::operator=(const Conf& other) {
  if (this != &other) conf_.reset(rd_kafka_conf_dup(other.conf_.get()));
  return *this;
}

Conf& Conf::set(std::string_view key, std::string_view value) {
  char err[512];
  const std::string k(key);
  const std::string v(value);
  if (rd_kafka_conf_set(conf_.get(), k.c_str(), v.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
    throw KafkaError(fmt::format("kafka config '{}': {}", k, err));
  }
  return *this;
}

Conf& Conf::set_all(const std::map<std::string, std::string>& entries) {
  for (const auto& [k, v] : entries) set(k, v);
  return *this;
}

namespace {

// librdkafka's own property table (rd_kafka_conf_properties_show, the CONFIGURATION.md text):
// property name -> 'C' (consumer only), 'P' (producer only) or '*'. Built once (it is the same
// for the whole process) and read-only after.
std::map<std::string, char, std::less<>> parse_property_roles() {
  std::map<std::string, char, std::less<>> roles;
  char* buf = nullptr;
  size_t size = 0;
  FILE* f = open_memstream(&buf, &size);
  if (!f) return roles;
  rd_kafka_conf_properties_show(f);
  std::fclose(f);
  const std::string_view text(buf, size);
  size_t at = 0;
  while (at < text.size()) {
    size_t end = text.find('\n', at);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(at, end - at);
    at = end + 1;
    const size_t bar = line.find('|');
    if (bar == std::string_view::npos || bar + 4 > line.size()) continue;
    std::string_view name = line.substr(0, bar);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    const std::string_view role = line.substr(bar + 1, 4);
    for (char c : role) {
      if (c == 'C' || c == 'P' || c == '*') {
        roles.emplace(std::string(name), c);
        break;
      }
    }
  }
  std::free(buf);
  return roles;
}

}  // namespace

Conf& Conf::set_all_for(rd_kafka_type_t type, const std::map<std::string, std::string>& entries) {
  static const auto roles = parse_property_roles();
  const char other = type == RD_KAFKA_PRODUCER ? 'C' : 'P';
  for (const auto& [k, v] : entries) {
    auto it = roles.find(k);
    if (it != roles.end() && it->second == other) continue;
    set(k, v);
  }
  return *this;
}

std::string Conf::get(std::string_view key) const {
  const std::string k(key);
  size_t size = 0;
  if (rd_kafka_conf_get(conf_.get(), k.c_str(), nullptr, &size) != RD_KAFKA_CONF_OK) return {};
  std::string out(size, '\0');
  if (rd_kafka_conf_get(conf_.get(), k.c_str(), out.data(), &size) != RD_KAFKA_CONF_OK) return {};
  if (!out.empty() && out.back() == '\0') out.pop_back();
  return out;
}

detail::HandlePtr make_handle(rd_kafka_type_t type, Conf conf) {
  char err[512];
  detail::ConfPtr raw = conf.release();
  rd_kafka_t* rk = rd_kafka_new(type, raw.get(), err, sizeof err);
  if (!rk) {
    throw KafkaError(fmt::format("creating a Kafka {}: {}",
                                 type == RD_KAFKA_PRODUCER ? "producer" : "consumer", err));
  }
  (void)raw.release();  // owned by rk now
  return detail::HandlePtr(rk);
}

}  // namespace sluice::kafka
