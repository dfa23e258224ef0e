// Record: what flows between processor nodes. The value is a decoded Row (fields resolved to
// slots at build time); the key is bytes. Where it came from (topic, partition, offset, and the
// index within an explode) travels with it, for dead letters and for de-duplication later.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/types.h"
#include "serde/row.h"

namespace sluice {

struct Header {
  std::string key;
  std::string value;
};
using Headers = std::vector<Header>;

struct RecordOrigin {
  std::string_view topic;  // points at a name owned by the topology; valid for its lifetime
  Partition partition{-1};
  Offset offset{-1};
  int32_t index = 0;  // position within the records one input produced (explode)
};

struct Record {
  std::string key;
  serde::Row value;
  Timestamp timestamp;
  Headers headers;
  RecordOrigin origin;
};

}  // namespace sluice
