// A node that forwards every record unchanged: the output of merge() (a node with two parents)
// and each output of branch() (so that every branch is a node of its own to attach steps to).
#pragma once

#include "topology/processor.h"

namespace sluice::ops {

class PassThroughProcessor final : public Processor {
 public:
  Status init(ProcessorContext& context) override {
    context_ = &context;
    return Status::Ok();
  }
  Status process(Record& record) override { return context_->forward(record); }

 private:
  ProcessorContext* context_ = nullptr;
};

}  // namespace sluice::ops
