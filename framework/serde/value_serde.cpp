#include "serde/value_serde.h"

#include <stdexcept>

#include "serde/detail/json_codec.h"
#include "serde/detail/protobuf_codec.h"

namespace sluice::serde {

std::string_view format_name(Format f) { return f == Format::kJson ? "json" : "protobuf"; }

namespace {

class PlannedSerde : public ValueSerde {
 public:
  PlannedSerde(SchemaPtr schema, ValueSerdeOptions options)
      : schema_(std::move(schema)), options_(std::move(options)), plan_(detail::build_plan(*schema_)) {
    for (uint32_t slot : options_.required) {
      if (slot >= schema_->size()) throw std::invalid_argument("serde: required slot out of range");
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
  SchemaPtr schema_;
  ValueSerdeOptions options_;
  std::shared_ptr<const detail::Plan> plan_;
};

class JsonSerde final : public PlannedSerde {
 public:
  JsonSerde(SchemaPtr schema, ValueSerdeOptions options)
      : PlannedSerde(std::move(schema), std::move(options)), decoder_(plan_, options_.envelope) {}
  Status deserialize(std::string_view bytes, Row& out) override {
    SLUICE_RETURN_IF_ERROR(decoder_.decode(bytes, out));
    return check_required(out);
  }
  void serialize(const Row& row, std::string& out) override { detail::encode_json(*plan_, row, out); }

 private:
  detail::JsonDecoder decoder_;
};

class ProtobufSerde final : public PlannedSerde {
 public:
  using PlannedSerde::PlannedSerde;
  Status deserialize(std::string_view bytes, Row& out) override {
    SLUICE_RETURN_IF_ERROR(detail::decode_protobuf(*plan_, bytes, out));
    return check_required(out);
  }
  void serialize(const Row& row, std::string& out) override { encoder_.encode(*plan_, row, out); }

 private:
  detail::ProtobufEncoder encoder_;
};

}  // namespace

std::unique_ptr<ValueSerde> make_value_serde(SchemaPtr schema, ValueSerdeOptions options) {
  if (!schema) throw std::invalid_argument("serde: no schema");
  if (options.format == Format::kProtobuf) {
    return std::make_unique<ProtobufSerde>(std::move(schema), std::move(options));
  }
  return std::make_unique<JsonSerde>(std::move(schema), std::move(options));
}

}  // namespace sluice::serde
