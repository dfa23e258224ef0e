#include "minute_aggregation.h"

#include "operators/stream_builder.h"

namespace sluice::cli {

Topology build_minute_aggregation(const MinuteAggregationOptions& options) {
  using namespace sluice::ops;
  StreamsBuilder b;
  KStream tags = b.stream({.name = "user_tags",
                           .topics = {options.input_topic},
                           .message_type = "sluice.allezon.UserTag",
                           .key_field = "cookie",
                           .timestamp_field = "time"});
  // Repartitioned by action, the one dimension every grouping set has (see the YAML file).
  KStream buckets =
      tags.rekey({"action"}, "by_action")
          .window_aggregate({.name = "minute",
                             .size_ms = 60'000,
                             .grace_ms = 20'000,
                             .group_by = {"action", "origin", "product_info.brand_id",
                                          "product_info.category_id"},
                             .grouping_sets = cube({"action"}, {"origin", "product_info.brand_id",
                                                                "product_info.category_id"}),
                             .aggregations = {{.output = "count", .fn = AggFn::kCount},
                                              {.output = "sum_price",
                                               .fn = AggFn::kSum,
                                               .field = "product_info.price"}},
                             .emit = EmitMode::kFinal,
                             .idle_close_ms = options.idle_close_ms,
                             .backend = state::StoreBackend::kRocksDB});
  if (options.output_topic) buckets.to({.name = "minute-out", .topic = *options.output_topic});
  return b.build();
}

}  // namespace sluice::cli
