// explode(): one output record per element of a list field. Each output carries the input's
// non-list fields plus the element's fields (under "<as>."); origin.index is the element's
// position, so downstream de-duplication can tell the outputs of one input apart.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "topology/processor.h"

namespace sluice::ops {

struct SlotCopy {
  uint32_t out_slot = 0;
  uint32_t in_slot = 0;  // in the input row, or in the element row for element fields
};

class ExplodeProcessor final : public Processor {
 public:
  ExplodeProcessor(serde::SchemaPtr schema, uint32_t list_slot, std::vector<SlotCopy> parent,
                   std::vector<SlotCopy> element)
      : schema_(std::move(schema)),
        list_slot_(list_slot),
        parent_(std::move(parent)),
        element_(std::move(element)) {}
  Status init(ProcessorContext& context) override;
  Status process(Record& record) override;

 private:
  serde::SchemaPtr schema_;
  uint32_t list_slot_;
  std::vector<SlotCopy> parent_;
  std::vector<SlotCopy> element_;
  ProcessorContext* context_ = nullptr;
  Record out_;
};

}  // namespace sluice::ops
