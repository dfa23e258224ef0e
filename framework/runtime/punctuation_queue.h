// PunctuationQueue: the schedules of one task for one PunctuationType. Each schedule fires at
// most once per call to `fire_due`, then its next time moves to the first multiple of its
// interval after `now`, as Kafka Streams does (missed intervals are not replayed one by one).
#pragma once

#include <vector>

#include "common/status.h"
#include "topology/processor.h"

namespace sluice::runtime {

class PunctuationQueue {
 public:
  void schedule(DurationMs interval, Timestamp now, Punctuator punctuator);
  // Fires every schedule whose time has come; stops at the first error and returns it.
  Status fire_due(Timestamp now);
  bool empty() const { return schedules_.empty(); }
  // The earliest time a schedule falls due, or Timestamp::max().
  Timestamp next_due() const;

 private:
  struct Schedule {
    DurationMs interval;
    Timestamp next;
    Punctuator punctuator;
  };
  std::vector<Schedule> schedules_;
};

}  // namespace sluice::runtime
