#include "kafka/conf.h"

#include <fmt/format.h>

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
