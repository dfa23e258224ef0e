#include "serde/value_serde.h"

#include <stdexcept>

#include "serde/detail/json_decoder.h"
#include "serde/detail/json_encoder.h"
#include "serde/detail/protobuf_codec.h"

namespace sluice::serde {

std::string_view format_name(Format f) { return f == Format::kJson ? "json" : "protobuf"; }

namespace {

class SerdeBase : public ValueSerde {
 public:
  SerdeBase(SchemaPtr schema, ValueSerdeOptions options, detail::PlanShape shape)
      : schema_(std::move(schema)),
        options_(std::move(options)),
        plan_(detail::build_plan(*schema_, shape)) {
    for (uint32_t slot : options_.required) {
      if (slot >= schema_->size()) {
        throw std::invalid_argument("serde for " + schema_->name() + ": required slot " +
                                    std::to_string(slot) + " is out of range");
      }
    }
  }
  const Schema& schema() const override { return *schema_; }
  Format format() const override { return options_.format; }

 protected:
  Status check_required(const Row& row) const {
    for (uint32_t slot : options_.required) {
      if (!row.has(slot)) {
        return Status::MissingField("missing required field '" + schema_->field(slot).path + "'");
      }
    }
    return Status::Ok();
  }

  SchemaPtr schema_;  // owns what plan_ and the rows point at
  ValueSerdeOptions options_;
  std::shared_ptr<const detail::Plan> plan_;
};

class JsonSerde final : public SerdeBase {
 public:
  JsonSerde(SchemaPtr schema, ValueSerdeOptions options)
      : SerdeBase(std::move(schema), std::move(options), detail::PlanShape::kJson),
        decoder_(plan_, options_.envelope) {}

  Status deserialize(std::string_view bytes, Row& out) override {
    SLUICE_RETURN_IF_ERROR(decoder_.decode(bytes, out));
    return check_required(out);
  }
  void serialize(const Row& row, std::string& out) override {
    detail::encode_json(*plan_, row, out);
  }

 private:
  detail::JsonDecoder decoder_;
};

class ProtobufSerde final : public SerdeBase {
 public:
  ProtobufSerde(SchemaPtr schema, ValueSerdeOptions options)
      : SerdeBase(std::move(schema), std::move(options), detail::PlanShape::kProtobuf) {}

  Status deserialize(std::string_view bytes, Row& out) override {
    SLUICE_RETURN_IF_ERROR(detail::decode_protobuf(*plan_, bytes, out));
    return check_required(out);
  }
  void serialize(const Row& row, std::string& out) override {
    detail::encode_protobuf(*plan_, row, out);
  }
};

}  // namespace

std::unique_ptr<ValueSerde> make_value_serde(SchemaPtr schema, ValueSerdeOptions options) {
  if (!schema) throw std::invalid_argument("serde: no schema");
  if (options.format == Format::kProtobuf) {
    if (options.envelope != Envelope::kNone) {
      throw std::invalid_argument("serde for " + schema->name() +
                                  ": the Debezium envelope is read from JSON only");
    }
    return std::make_unique<ProtobufSerde>(std::move(schema), std::move(options));
  }
  return std::make_unique<JsonSerde>(std::move(schema), std::move(options));
}

}  // namespace sluice::serde
