// The Processor API, as in Kafka Streams: a node's Processor gets each record, may read and
// write its state stores, and forwards records to its children through its ProcessorContext.
// process() returns a Status: a record error (Status::is_record_error) sends the task's current
// input record to the dead-letter output; any other error fails the task.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "common/types.h"
#include "topology/record.h"

namespace sluice::state {
class StateStore;
}
namespace sluice::metrics {
class Registry;
}

namespace sluice {

enum class PunctuationType : uint8_t {
  kStreamTime,     // fires as stream time (max event time seen by the task) passes each interval
  kWallClockTime,  // fires as the wall clock passes each interval, even with no input
};

// Called with the time (stream or wall-clock) that triggered it.
using Punctuator = std::function<Status(Timestamp)>;

class ProcessorContext {
 public:
  virtual ~ProcessorContext() = default;
  virtual const TaskId& task_id() const = 0;
  virtual const std::string& node_name() const = 0;
  // Passes `record` to every child in order; children may modify it, so a caller that reuses
  // the record after forwarding must not rely on its content.
  virtual Status forward(Record& record) = 0;
  // Passes `record` to one child (branch).
  virtual Status forward_to(size_t child, Record& record) = 0;
  virtual size_t num_children() const = 0;
  // A store the node was connected to when the topology was built; nullptr otherwise.
  virtual state::StateStore* state_store(std::string_view name) = 0;
  template <class S>
  S* store(std::string_view name) {
    return dynamic_cast<S*>(state_store(name));
  }
  // For init(): sets `out` to the store `name` of kind S, or fails naming the node and store
  // (the topology did not connect it: a wiring bug, reported at startup).
  template <class S>
  Status connect_store(std::string_view name, S*& out) {
    out = store<S>(name);
    if (out != nullptr) return Status::Ok();
    return Status::InvalidArgument(node_name() + ": store '" + std::string(name) +
                                   "' is not connected, or is not of the kind this node needs");
  }
  // The task's stream time: the largest event timestamp it has processed.
  virtual Timestamp stream_time() const = 0;
  virtual Timestamp wall_clock_time() const = 0;
  virtual void schedule(DurationMs interval, PunctuationType type, Punctuator punctuator) = 0;
  // Counts a record this node dropped on purpose (e.g. "late"); dropping is never silent.
  virtual void record_dropped(std::string_view reason) = 0;
  // The registry for probes; never null.
  virtual metrics::Registry& metrics() = 0;
};

class Processor {
 public:
  virtual ~Processor() = default;
  virtual Status init(ProcessorContext& context) = 0;
  virtual Status process(Record& record) = 0;
  // Called at every commit, before the task's stores flush: a processor that buffers state
  // writes (a write-back cache of its own) hands it to its stores here, so the store flush that
  // follows sends it on to disk and changelog, and reads after the commit see it.
  virtual Status flush() { return Status::Ok(); }
  virtual void close() {}
};

using ProcessorSupplier = std::function<std::unique_ptr<Processor>()>;

}  // namespace sluice
