// Options of each DSL operator. Every field documents its default; `name` empty means the
// step's name is derived from its operator and its input (see StreamsBuilder).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/types.h"
#include "operators/expression.h"
#include "serde/value_serde.h"
#include "state/store_options.h"
#include "topology/timestamp_extractor.h"

namespace sluice::ops {

struct SourceOptions {
  std::string name;                             // default: the first topic's name
  std::vector<std::string> topics;              // required
  std::string message_type;                     // protobuf full name, e.g. "sluice.allezon.UserTag"
  serde::SchemaPtr schema;                      // alternative to message_type
  serde::Format format = serde::Format::kJson;  // default: JSON
  serde::Envelope envelope = serde::Envelope::kNone;  // default: plain
  std::string key_field;                              // default: the Kafka record key
  std::string timestamp_field;                        // default: the Kafka record timestamp
  TimestampFormat timestamp_format = TimestampFormat::kIso8601;
  std::vector<std::string> required_fields;  // default: none beyond key and timestamp fields
};

struct SinkOptions {
  std::string name;                             // default: "<input>.to.<topic>"
  std::string topic;                            // required
  serde::Format format = serde::Format::kJson;  // default: JSON
};

struct ProjectField {
  std::string output;  // output path (dots make nested JSON objects)
  ExprPtr expr;        // usually field("input.path")
};

struct ExplodeOptions {
  std::string name;
  std::string list_field;  // required: a repeated message field
  std::string as;          // default: list_field; element fields appear as "<as>.<field>"
};

enum class AggFn : uint8_t { kCount, kSum, kMin, kMax, kAvg, kLast };

struct Aggregation {
  std::string output;  // required: output field name
  AggFn fn = AggFn::kCount;
  std::string field;  // required except for kCount: a numeric field path
  ExprPtr where;      // default: every record; else only records where it holds
};

enum class EmitMode : uint8_t {
  kOnUpdate,  // default: every update of a window is forwarded
  kFinal,     // once per window, when stream time passes window end + grace
};

struct WindowAggregateOptions {
  std::string name;
  DurationMs size_ms = 60'000;        // default: 1 minute
  DurationMs advance_ms = 0;          // default: size (tumbling); smaller = hopping
  DurationMs grace_ms = 0;            // default: no grace
  std::vector<std::string> group_by;  // default: the record key only
  // Subsets of group_by, each maintained in one pass (SQL GROUPING SETS). Default: {group_by}.
  std::vector<std::vector<std::string>> grouping_sets;
  std::vector<Aggregation> aggregations;  // required
  EmitMode emit = EmitMode::kOnUpdate;
  // Wall-clock idle close: if no record arrived for this long, stream time (for this operator)
  // advances with the wall clock so final results are published when traffic stops. 0 = off.
  DurationMs idle_close_ms = 0;
  DurationMs retention_ms = 24 * 3600 * 1000;  // default: 24 h (must be >= size + grace)
  state::StoreBackend backend = state::StoreBackend::kRocksDB;
  std::string store;  // default: "<step>-store"
  // Memory the open windows' cells may take in the operator (its write-back buffer) before they
  // spill into the store; results do not depend on it. Default: 64 MiB per task.
  size_t max_open_bytes = size_t{64} << 20;
};

// All 2^n combinations of `optional` on top of `required` (SQL CUBE).
std::vector<std::vector<std::string>> cube(const std::vector<std::string>& required,
                                           const std::vector<std::string>& optional);

struct CappedListOptions {
  std::string name;
  std::string sub_key_field;  // default: none (one list per key); e.g. "action"
  size_t max_per_key = 200;   // default: 200 per key and sub-key
  state::StoreBackend backend = state::StoreBackend::kRocksDB;
  std::string store;  // default: "<step>-store"
};

struct TableOptions {
  std::string name;
  std::string key_field;  // default: the record key
  state::StoreBackend backend = state::StoreBackend::kRocksDB;
  std::string store;  // default: "<step>-store"
};

enum class JoinType : uint8_t { kInner, kLeft };

struct JoinOptions {
  std::string name;
  JoinType type = JoinType::kInner;  // default: inner
  std::string table_prefix;          // default: the table's name; table fields are "<prefix>.<f>"
};

struct EmitOnChangeOptions {
  std::string name;
  std::vector<std::string> fields;  // numeric fields to watch; default: every numeric field
  // Fields copied into every change record (e.g. "window_start"). Default: none.
  std::vector<std::string> carry;
  DurationMs min_interval_ms = 0;  // default: publish every change; else at most once per key
                                   // and field per interval (the latest value wins)
  state::StoreBackend backend = state::StoreBackend::kRocksDB;
  std::string store;  // default: "<step>-store"
};

}  // namespace sluice::ops
