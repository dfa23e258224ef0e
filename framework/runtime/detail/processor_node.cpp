#include "runtime/detail/processor_node.h"

#include "runtime/stream_task.h"

namespace sluice::runtime::detail {

Status ProcessorNode::process(Record& record) {
  Status st = processor_->process(record);
  if (!st.ok()) task_.note_failure(name_);
  return st;
}

const TaskId& ProcessorNode::task_id() const { return task_.id(); }

Status ProcessorNode::forward(Record& record) {
  for (ProcessorNode* child : children_) SLUICE_RETURN_IF_ERROR(child->process(record));
  return Status::Ok();
}

Status ProcessorNode::forward_to(size_t child, Record& record) {
  if (child >= children_.size()) {
    return Status::InvalidArgument(name_ + ": forward_to child " + std::to_string(child) + " of " +
                                   std::to_string(children_.size()));
  }
  return children_[child]->process(record);
}

state::StateStore* ProcessorNode::state_store(std::string_view name) {
  for (auto& [n, store] : stores_) {
    if (n == name) return store;
  }
  return nullptr;
}

Timestamp ProcessorNode::stream_time() const { return task_.stream_time(); }
Timestamp ProcessorNode::wall_clock_time() const { return task_.wall_clock(); }

void ProcessorNode::schedule(DurationMs interval, PunctuationType type, Punctuator punctuator) {
  task_.schedule(type, interval, std::move(punctuator));
}

void ProcessorNode::record_dropped(std::string_view reason) {
  task_.probe().dropped(name_, reason);
}

metrics::Registry& ProcessorNode::metrics() { return task_.metrics(); }

}  // namespace sluice::runtime::detail
