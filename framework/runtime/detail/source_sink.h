// The processors behind source and sink nodes: decoding bytes into a Record, and encoding a
// Record for the RecordCollector. Internal to the runtime.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "runtime/record_collector.h"
#include "topology/topology.h"

namespace sluice::runtime::detail {

// Decodes one input record; not a Processor because its input is bytes, not a Record.
class SourceDecoder {
 public:
  explicit SourceDecoder(const SourceSpec& spec);
  // Fills `out` from the raw record. Record errors mean: dead letter.
  Status decode(std::string_view key, std::optional<std::string_view> value, Timestamp record_ts,
                Record& out);
  const SourceSpec& spec() const { return spec_; }

 private:
  const SourceSpec& spec_;
  std::unique_ptr<serde::ValueSerde> serde_;
};

class SinkProcessor final : public Processor {
 public:
  SinkProcessor(const SinkSpec& spec, std::string topic, RecordCollector& collector);
  Status init(ProcessorContext&) override { return Status::Ok(); }
  Status process(Record& record) override;

 private:
  const SinkSpec& spec_;
  std::string topic_;  // with the internal-topic prefix applied
  RecordCollector& collector_;
  std::unique_ptr<serde::ValueSerde> serde_;
  std::string buffer_;
  // Internal (repartition) sinks: the record's headers plus its origin, reused per record so
  // the strings keep their capacity.
  Headers with_origin_;
  const Headers& headers_for(const Record& record);
};

}  // namespace sluice::runtime::detail
