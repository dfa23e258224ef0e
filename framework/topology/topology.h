// Topology: the processor graph a StreamTask instantiates — sources, processor nodes, sinks
// and the state stores they use. Built through add_* (the low-level API; the DSL in operators/
// and the YAML loader compile onto it). Validation errors throw std::invalid_argument at build
// time with the offending name. Nodes keep insertion order, which is also processing order of
// children.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "serde/value_serde.h"
#include "state/store_options.h"
#include "topology/processor.h"
#include "topology/timestamp_extractor.h"

namespace sluice {

enum class NodeType : uint8_t { kSource, kProcessor, kSink };

struct SourceSpec {
  std::string name;                       // required; stable node name
  std::vector<std::string> topics;        // required
  serde::SchemaPtr schema;                // required: the value schema
  serde::ValueSerdeOptions value_format;  // default: JSON, no envelope
  // Value field whose string/int value becomes the record key; default: the Kafka key bytes.
  std::optional<uint32_t> key_slot;
  TimestampExtractor timestamp;  // default: the Kafka record timestamp
  bool internal = false;         // a repartition topic the topology feeds itself
};

struct SinkSpec {
  std::string name;                       // required
  std::string topic;                      // required
  serde::SchemaPtr schema;                // required: the schema of records reaching the sink
  serde::ValueSerdeOptions value_format;  // default: JSON
  bool internal = false;                  // a repartition topic
};

struct ProcessorSpec {
  std::string name;                  // required; stable node name
  std::string op;                    // operator kind for describe(), e.g. "filter"
  std::string detail;                // one line for describe(), e.g. "price > 100"
  ProcessorSupplier supplier;        // required
  std::vector<std::string> parents;  // required
  std::vector<std::string> stores;   // stores the node reads or writes
};

class Topology {
 public:
  struct Node {
    std::string name;
    NodeType type = NodeType::kProcessor;
    std::string op;
    std::string detail;
    std::vector<std::string> parents;
    std::vector<size_t> children;  // indices into nodes()
    std::vector<std::string> stores;
    ProcessorSupplier supplier;        // processors
    std::optional<SourceSpec> source;  // sources
    std::optional<SinkSpec> sink;      // sinks
  };

  Topology& add_source(SourceSpec spec);
  Topology& add_processor(ProcessorSpec spec);
  Topology& add_sink(SinkSpec spec, std::vector<std::string> parents);
  Topology& add_state_store(state::StoreOptions options);

  const std::vector<Node>& nodes() const { return nodes_; }
  const Node* node(std::string_view name) const;
  const std::vector<state::StoreOptions>& stores() const { return stores_; }
  const state::StoreOptions* store(std::string_view name) const;
  // Every topic read by a source (external and internal).
  std::vector<std::string> source_topics() const;
  std::vector<std::string> sink_topics() const;

  // Sub-topologies: groups of nodes connected through parent links or shared stores; a
  // repartition topic (internal sink -> internal source) separates two of them.
  std::vector<std::vector<size_t>> subtopologies() const;

  // Human-readable description, in the spirit of Kafka Streams' TopologyDescription.
  std::string describe() const;
  // Graphviz DOT.
  std::string describe_dot() const;

 private:
  size_t add_node(Node node);
  std::vector<Node> nodes_;
  std::vector<state::StoreOptions> stores_;
};

}  // namespace sluice
