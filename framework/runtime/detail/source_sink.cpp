#include "runtime/detail/source_sink.h"

#include <charconv>

#include "runtime/origin_filter.h"

namespace sluice::runtime::detail {

SourceDecoder::SourceDecoder(const SourceSpec& spec)
    : spec_(spec), serde_(serde::make_value_serde(spec.schema, spec.value_format)) {}

Status SourceDecoder::decode(std::string_view key, std::optional<std::string_view> value,
                             Timestamp record_ts, Record& out) {
  if (!value) {
    // A Kafka tombstone: an empty row marked deleted, keyed by the Kafka key.
    out.value.reset(spec_.schema.get());
    out.value.set_tombstone(true);
  } else {
    SLUICE_RETURN_IF_ERROR(serde_->deserialize(*value, out.value));
  }
  if (spec_.key_slot) {
    const uint32_t slot = *spec_.key_slot;
    if (!out.value.has(slot)) {
      if (!value) {
        out.key.assign(key);
      } else {
        return Status::MissingField("missing key field '" + spec_.schema->field(slot).path + "'");
      }
    } else {
      switch (spec_.schema->field(slot).type) {
        case serde::FieldType::kString:
          out.key.assign(out.value.get_string(slot));
          break;
        case serde::FieldType::kInt64: {
          char buf[24];
          auto r = std::to_chars(buf, buf + sizeof buf, out.value.get_int(slot));
          out.key.assign(buf, r.ptr);
          break;
        }
        default:
          return Status::TypeMismatch("key field '" + spec_.schema->field(slot).path +
                                      "' must be a string or an integer");
      }
    }
  } else {
    out.key.assign(key);
  }
  if (!value && spec_.timestamp.slot && !out.value.has(*spec_.timestamp.slot)) {
    out.timestamp = record_ts;
    return Status::Ok();
  }
  auto ts = spec_.timestamp.extract(out.value, record_ts);
  if (!ts.ok()) return ts.status();
  out.timestamp = *ts;
  return Status::Ok();
}

SinkProcessor::SinkProcessor(const SinkSpec& spec, std::string topic, RecordCollector& collector)
    : spec_(spec),
      topic_(std::move(topic)),
      collector_(collector),
      serde_(serde::make_value_serde(spec.schema, spec.value_format)) {}

const Headers& SinkProcessor::headers_for(const Record& record) {
  // Only records produced straight from an input record have an origin; what a punctuator or
  // a commit-time flush emits does not (offset -1) and crosses without one.
  if (!spec_.internal || record.origin.offset.value() < 0) return record.headers;
  // An origin from an earlier repartition hop is replaced: only this hop's can be compared.
  size_t n = 0;
  with_origin_.resize(record.headers.size() + 1);
  for (const auto& h : record.headers) {
    if (h.key != kOriginHeader) with_origin_[n++] = h;
  }
  with_origin_.resize(n + 1);
  with_origin_[n].key.assign(kOriginHeader);
  encode_origin(record.origin, with_origin_[n].value);
  return with_origin_;
}

Status SinkProcessor::process(Record& record) {
  const Headers& headers = headers_for(record);
  if (record.value.tombstone()) {
    collector_.send(topic_, record.key, std::nullopt, record.timestamp, headers, std::nullopt);
    return Status::Ok();
  }
  buffer_.clear();
  serde_->serialize(record.value, buffer_);
  collector_.send(topic_, record.key, buffer_, record.timestamp, headers, std::nullopt);
  return Status::Ok();
}

}  // namespace sluice::runtime::detail
