// Conf: a librdkafka configuration under construction. Every set() is checked at once, so a
// bad key or value fails at startup with the key in the message instead of at first use.
#pragma once

#include <map>
#include <stdexcept>
#include <string>
#include <string_view>

#include "kafka/detail/handles.h"

namespace sluice::kafka {

// A Kafka client could not be configured or created (startup errors only).
class KafkaError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Conf {
 public:
  Conf();
  Conf(const Conf& other);
  Conf& operator=(const Conf& other);
  Conf(Conf&&) noexcept = default;
  Conf& operator=(Conf&&) noexcept = default;

  // Throws KafkaError naming the key (unknown key, invalid value).
  Conf& set(std::string_view key, std::string_view value);
  Conf& set_all(const std::map<std::string, std::string>& entries);
  // set_all() for one kind of client: keys librdkafka documents as the other kind's only
  // (consumer keys for a producer, producer keys for a consumer) are skipped instead of drawing
  // librdkafka's "will be ignored" warning. Unknown keys still throw.
  Conf& set_all_for(rd_kafka_type_t type, const std::map<std::string, std::string>& entries);
  // The value of `key`, or "" when unset.
  std::string get(std::string_view key) const;

  rd_kafka_conf_t* raw() { return conf_.get(); }
  // Hands the configuration to rd_kafka_new(), which takes ownership only on success.
  detail::ConfPtr release() { return std::move(conf_); }

 private:
  detail::ConfPtr conf_;
};

// Creates a client of `type` from `conf`. Throws KafkaError with librdkafka's reason.
detail::HandlePtr make_handle(rd_kafka_type_t type, Conf conf);

}  // namespace sluice::kafka
