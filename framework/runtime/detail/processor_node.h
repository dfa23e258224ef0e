// ProcessorNode: one node of a task's instantiated graph, with the ProcessorContext its
// processor sees. Internal to the runtime.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "topology/processor.h"

namespace sluice::runtime {
class StreamTask;
}

namespace sluice::runtime::detail {

class ProcessorNode final : public ProcessorContext {
 public:
  ProcessorNode(StreamTask& task, std::string name, std::unique_ptr<Processor> processor)
      : task_(task), name_(std::move(name)), processor_(std::move(processor)) {}

  Status init() { return processor_->init(*this); }
  // Runs the processor; on failure remembers this node as the one that failed (innermost).
  Status process(Record& record);
  Status flush() { return processor_->flush(); }
  void close() { processor_->close(); }
  void add_child(ProcessorNode* child) { children_.push_back(child); }
  void add_store(std::string name, state::StateStore* store) {
    stores_.emplace_back(std::move(name), store);
  }

  // ProcessorContext
  const TaskId& task_id() const override;
  const std::string& node_name() const override { return name_; }
  Status forward(Record& record) override;
  Status forward_to(size_t child, Record& record) override;
  size_t num_children() const override { return children_.size(); }
  state::StateStore* state_store(std::string_view name) override;
  Timestamp stream_time() const override;
  Timestamp wall_clock_time() const override;
  void schedule(DurationMs interval, PunctuationType type, Punctuator punctuator) override;
  void record_dropped(std::string_view reason) override;
  metrics::Registry& metrics() override;

 private:
  StreamTask& task_;
  std::string name_;
  std::unique_ptr<Processor> processor_;
  std::vector<ProcessorNode*> children_;
  std::vector<std::pair<std::string, state::StateStore*>> stores_;
};

}  // namespace sluice::runtime::detail
