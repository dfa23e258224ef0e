// The accumulator of one window-aggregate cell, as the bytes stored in the window store.
//
// Fixed layout, little-endian, unaligned (read and written with memcpy):
//   [0, 8)   int64  records that reached the cell
//   [8]      uint8  flags (bit 0: the final result was emitted, see WindowAggregateProcessor)
//   then one block per aggregation, in order:
//     count:            int64 n                     (records where `where` holds)
//     sum, avg:         double sum, int64 n
//     min, max:         double v (init +inf / -inf), int64 n
//     last:             double v, int64 event time, int64 n
// A block with n == 0 saw no value: its output is absent (count outputs 0).
// `last` keeps the value with the latest event time; a tie goes to the later arrival.
// Updates rewrite the bytes in place in a caller-owned std::string, so a steady-state update
// allocates nothing.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/types.h"
#include "operators/options.h"

namespace sluice::ops {

// One record's contribution to one aggregation, computed once per record (not per cell).
struct AggInput {
  bool applies = false;  // `where` holds (and, except for count, the field is present)
  double value = 0;
};

class AggregateLayout {
 public:
  static constexpr size_t kHeaderSize = 9;
  static constexpr uint8_t kFlagEmitted = 1;

  explicit AggregateLayout(std::vector<AggFn> fns);

  size_t size() const { return initial_.size(); }
  size_t num_aggregations() const { return fns_.size(); }
  AggFn fn(size_t i) const { return fns_[i]; }
  // The bytes of an accumulator that has seen nothing.
  const std::string& initial() const { return initial_; }
  // True when `acc` has this layout's size.
  bool valid(std::string_view acc) const { return acc.size() == initial_.size(); }

  // Adds one record (event time `ts`) to `acc`; `inputs` holds one entry per aggregation.
  void update(std::string& acc, const AggInput* inputs, Timestamp ts) const {
    update(acc.data(), inputs, ts);
  }
  // The same on size() bytes at `acc` (an accumulator held in place elsewhere).
  void update(char* acc, const AggInput* inputs, Timestamp ts) const;

  static int64_t records(std::string_view acc);
  static uint8_t flags(std::string_view acc);
  static void set_flags(std::string& acc, uint8_t flags) { set_flags(acc.data(), flags); }
  static void set_flags(char* acc, uint8_t flags) { acc[8] = static_cast<char>(flags); }

  // The output of aggregation i: false when absent. Count writes `count`, the others `value`.
  bool output(std::string_view acc, size_t i, double& value, int64_t& count) const;

 private:
  std::vector<AggFn> fns_;
  std::vector<uint32_t> offsets_;
  std::string initial_;
};

}  // namespace sluice::ops
