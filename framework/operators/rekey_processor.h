// rekey(): replaces the record key with the string form of one or more fields ('|'-joined):
// ints in decimal, doubles in shortest round-trip form, bools as true/false.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "topology/processor.h"

namespace sluice::ops {

struct KeyField {
  uint32_t slot = 0;
  serde::FieldType type = serde::FieldType::kString;
  std::string path;  // for the error message of a record that lacks it
};

class RekeyProcessor final : public Processor {
 public:
  explicit RekeyProcessor(std::vector<KeyField> fields) : fields_(std::move(fields)) {}
  Status init(ProcessorContext& context) override;
  Status process(Record& record) override;

 private:
  std::vector<KeyField> fields_;
  ProcessorContext* context_ = nullptr;
  std::string key_;  // the new key, built here and swapped into the record while forwarding
};

// Appends the key form of slot `slot` of `row` (present, not a list) to `out`.
void append_key_part(const serde::Row& row, uint32_t slot, serde::FieldType type, std::string& out);

}  // namespace sluice::ops
