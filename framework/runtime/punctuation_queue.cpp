#include "runtime/punctuation_queue.h"

#include <algorithm>

namespace sluice::runtime {

void PunctuationQueue::schedule(DurationMs interval, Timestamp now, Punctuator punctuator) {
  if (interval <= 0) interval = 1;
  schedules_.push_back({interval, now + interval, std::move(punctuator)});
}

Status PunctuationQueue::fire_due(Timestamp now) {
  // Index loop: a punctuator may schedule another one, which appends to the vector.
  for (size_t i = 0; i < schedules_.size(); ++i) {
    if (schedules_[i].next > now) continue;
    const DurationMs interval = schedules_[i].interval;
    const Timestamp due = schedules_[i].next;
    schedules_[i].next = due + ((now - due) / interval + 1) * interval;
    Punctuator fn = schedules_[i].punctuator;  // copy: the vector may grow during the call
    SLUICE_RETURN_IF_ERROR(fn(now));
  }
  return Status::Ok();
}

Timestamp PunctuationQueue::next_due() const {
  Timestamp next = Timestamp::max();
  for (const auto& s : schedules_) next = std::min(next, s.next);
  return next;
}

}  // namespace sluice::runtime
