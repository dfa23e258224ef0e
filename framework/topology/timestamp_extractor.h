// TimestampExtractor: where a source finds a record's event time. Resolved once per source.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "common/result.h"
#include "common/types.h"
#include "serde/row.h"

namespace sluice {

enum class TimestampFormat : uint8_t {
  kIso8601,       // "2022-03-22T12:15:00.000Z" (UTC "Z" or a +hh:mm offset; fraction optional)
  kEpochMillis,   // integer milliseconds
  kEpochSeconds,  // integer or fractional seconds
};

struct TimestampExtractor {
  // Field slot holding the event time; nullopt uses the Kafka record's timestamp.
  std::optional<uint32_t> slot;
  TimestampFormat format = TimestampFormat::kIso8601;
  std::string field_path;  // for error messages

  Result<Timestamp> extract(const serde::Row& row, Timestamp record_timestamp) const;
};

// Parses ISO-8601 date-times without allocating; nullopt when malformed.
std::optional<Timestamp> parse_iso8601(std::string_view text);
// Formats as "YYYY-MM-DDTHH:MM:SS.mmmZ".
std::string format_iso8601(Timestamp ts);

}  // namespace sluice
