// OriginFilter: drops replays on repartition topics. A record written to a repartition topic
// carries its origin (the upstream input's topic, partition, offset, and its index among the
// records that input produced) in the `sluice.origin` header. Within one repartition partition
// the origins of one upstream partition only grow, except when the upstream task replays input
// after a crash (at-least-once) and writes the same records again. The receiving task keeps,
// per upstream partition, the newest origin it applied, and drops anything not newer. The
// marks are part of the TaskPosition, so they are restored with the state they describe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/task_position.h"
#include "topology/record.h"

namespace sluice::runtime {

inline constexpr std::string_view kOriginHeader = "sluice.origin";

// Appends the header value of `origin` to `out` (cleared first).
void encode_origin(const RecordOrigin& origin, std::string& out);

class OriginFilter {
 public:
  // True when `header_value` (a kOriginHeader value) names a record not applied yet; it is then
  // remembered as applied. Undecodable values are admitted (nothing to compare with).
  bool admit(std::string_view header_value);

  const std::vector<OriginMark>& marks() const { return marks_; }
  void restore(std::vector<OriginMark> marks) { marks_ = std::move(marks); }

 private:
  std::vector<OriginMark> marks_;  // one per upstream partition seen: a handful
};

}  // namespace sluice::runtime
