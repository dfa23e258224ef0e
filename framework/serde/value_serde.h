// ValueSerde: turns record value bytes into a Row and back, for one Schema and one wire format.
// Decoding never throws: malformed input yields a record error Status, which sends the record
// to the dead-letter output. Instances are not thread-safe (decoders keep reusable buffers);
// each StreamTask owns its own.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "serde/row.h"

namespace sluice::serde {

enum class Format : uint8_t { kJson, kProtobuf };
std::string_view format_name(Format f);

// How a JSON value is wrapped. kDebezium reads {"before","after","op"}: "c"/"r"/"u" decode
// "after"; "d" decodes "before" and marks the row a tombstone.
enum class Envelope : uint8_t { kNone, kDebezium };

struct ValueSerdeOptions {
  Format format = Format::kJson;        // default: JSON
  Envelope envelope = Envelope::kNone;  // default: plain value
  // Slots that must be present after decoding, else Status::MissingField. Default: none.
  std::vector<uint32_t> required;
};

class ValueSerde {
 public:
  virtual ~ValueSerde() = default;
  // Decodes `bytes` into `out` (which is reset to the serde's schema first).
  virtual Status deserialize(std::string_view bytes, Row& out) = 0;
  // Appends the encoding of `row` to `out` (callers clear it when reusing a buffer).
  virtual void serialize(const Row& row, std::string& out) = 0;
  virtual const Schema& schema() const = 0;
  virtual Format format() const = 0;
};

std::unique_ptr<ValueSerde> make_value_serde(SchemaPtr schema, ValueSerdeOptions options = {});

}  // namespace sluice::serde
