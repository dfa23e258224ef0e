// project(): builds each output record from expressions over the input. The output Row and
// Record are members reused for every input, so steady-state processing does not allocate.
#pragma once

#include <cstdint>
#include <vector>

#include "operators/expression.h"
#include "topology/processor.h"

namespace sluice::ops {

struct ProjectColumn {
  uint32_t out_slot = 0;
  serde::FieldType type = serde::FieldType::kString;  // of the output slot
  // A bare input field (any type, lists included) is copied slot to slot; else `expr` is
  // evaluated and its value stored (null leaves the output field absent).
  bool copy = false;
  uint32_t in_slot = 0;
  CompiledExpr expr;
};

class ProjectProcessor final : public Processor {
 public:
  ProjectProcessor(serde::SchemaPtr schema, std::vector<ProjectColumn> columns)
      : schema_(std::move(schema)), columns_(std::move(columns)) {}
  Status init(ProcessorContext& context) override;
  Status process(Record& record) override;

 private:
  serde::SchemaPtr schema_;
  std::vector<ProjectColumn> columns_;
  ProcessorContext* context_ = nullptr;
  Record out_;
};

// Copies key, timestamp, origin and headers of `from` into the reused record `to`, keeping the
// capacity of its buffers. Shared by the operators that build new records.
void copy_record_metadata(const Record& from, Record& to);

}  // namespace sluice::ops
