#include "builtin_topologies.h"

#include "allezon.pb.h"
#include "minute_aggregation.h"
#include "operators/stream_builder.h"

namespace sluice::cli {

namespace {

// user tags (key: cookie, Kafka record timestamps) -> re-key by country (a repartition topic)
// -> 1 s tumbling count per country, emitted on every update (the upsert view is exact).
Topology country_window_count(const BuiltinTopologyOptions& o) {
  using namespace sluice::ops;
  StreamsBuilder b;
  SourceOptions src;
  src.topics = {o.input_topic.empty() ? "tags" : o.input_topic};
  src.schema = serde::Schema::from_descriptor(allezon::UserTag::descriptor());
  src.key_field = "cookie";
  WindowAggregateOptions w;
  w.name = "count-by-country";
  w.size_ms = 1000;
  w.grace_ms = 3'600'000;  // generated input is shuffled across partitions
  w.group_by = {"country"};
  w.aggregations = {{.output = "n", .fn = AggFn::kCount}};
  b.stream(src)
      .rekey({"country"}, "by-country")
      .window_aggregate(w)
      .to({.topic = o.output_topic.empty() ? "country-counts" : o.output_topic});
  return b.build();
}

}  // namespace

std::vector<std::string> builtin_topology_names() {
  return {"minute_aggregation", "country_window_count"};
}

std::optional<Topology> build_builtin_topology(const std::string& name,
                                               const BuiltinTopologyOptions& options) {
  if (name == "country_window_count") return country_window_count(options);
  if (name == "minute_aggregation") {
    MinuteAggregationOptions m;
    if (!options.input_topic.empty()) m.input_topic = options.input_topic;
    m.output_topic = options.output_topic.empty() ? "minute-aggregates" : options.output_topic;
    m.idle_close_ms = 5'000;
    return build_minute_aggregation(m);
  }
  return std::nullopt;
}

}  // namespace sluice::cli
