// The DSL: StreamsBuilder and KStream/KTable handles, compiled onto a Topology. Field paths
// and expressions are resolved against each stream's schema here, at build time; a bad path or
// type throws std::invalid_argument naming the step and the nearest valid fields.
//
// Names: a step's name is the one given, else "<input>.<operator>" (plus "-2", "-3" when the
// same input has several steps of one operator). Stores are "<step>-store" unless the options
// name one (`store`); repartition topics "<step>-repartition" (the runtime prefixes internal
// topics with the application id). No name depends on a global counter, so adding a step
// renames nothing else.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "operators/options.h"
#include "topology/topology.h"

namespace sluice::ops {

class StreamsBuilder;
class KTable;

class KStream {
 public:
  const std::string& name() const { return node_; }
  const serde::SchemaPtr& schema() const { return schema_; }
  // True after a re-key: the next stateful step reads through a repartition topic.
  bool repartition_pending() const { return repartition_pending_; }

  KStream filter(const ExprPtr& predicate, std::string name = {}) const;
  KStream project(const std::vector<ProjectField>& fields, std::string name = {}) const;
  KStream explode(const ExplodeOptions& options) const;
  // The new key is the field's value (several fields are joined with '|').
  KStream rekey(const std::vector<std::string>& fields, std::string name = {}) const;
  // One output stream per predicate; a record goes to the first that holds (dropped if none).
  std::vector<KStream> branch(const std::vector<ExprPtr>& predicates, std::string name = {}) const;
  KStream merge(const KStream& other, std::string name = {}) const;

  KStream window_aggregate(const WindowAggregateOptions& options) const;
  KStream capped_list(const CappedListOptions& options) const;
  KTable to_table(const TableOptions& options) const;
  KStream join(const KTable& table, const JoinOptions& options) const;
  KStream emit_on_change(const EmitOnChangeOptions& options) const;

  void to(const SinkOptions& options) const;

  // Inserts "<name>-repartition" (sink + source) when a re-key is pending; returns the stream
  // a stateful step should read (this stream when nothing is pending). Idempotent: a second
  // call reuses the topic. Public so that the YAML loader and tests can place it explicitly.
  KStream through_repartition_if_needed() const;

 private:
  friend class StreamsBuilder;
  friend class KTable;
  KStream(StreamsBuilder* b, std::string node, serde::SchemaPtr schema, bool rp)
      : builder_(b), node_(std::move(node)), schema_(std::move(schema)), repartition_pending_(rp) {}

  StreamsBuilder* builder_;
  std::string node_;
  serde::SchemaPtr schema_;
  bool repartition_pending_ = false;
};

class KTable {
 public:
  const std::string& name() const { return node_; }
  const std::string& store_name() const { return store_; }
  const serde::SchemaPtr& schema() const { return schema_; }
  // The table's updates as a stream (tombstones included).
  KStream to_stream() const;

 private:
  friend class KStream;
  KTable(StreamsBuilder* b, std::string node, std::string store, serde::SchemaPtr schema)
      : builder_(b), node_(std::move(node)), store_(std::move(store)), schema_(std::move(schema)) {}
  StreamsBuilder* builder_;
  std::string node_;
  std::string store_;
  serde::SchemaPtr schema_;
};

class StreamsBuilder {
 public:
  StreamsBuilder() = default;
  StreamsBuilder(const StreamsBuilder&) = delete;
  StreamsBuilder& operator=(const StreamsBuilder&) = delete;

  KStream stream(const SourceOptions& options);
  // The finished topology; the builder is empty afterwards.
  Topology build();

  // For operator implementations.
  Topology& topology() { return topology_; }
  std::string derive_name(const std::string& given, const std::string& input,
                          const std::string& op);

 private:
  Topology topology_;
  std::map<std::string, int> used_;  // "<input>.<op>" -> how many steps took it
};

}  // namespace sluice::ops
