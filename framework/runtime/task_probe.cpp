#include "runtime/task_probe.h"

#include <prometheus/counter.h>

namespace sluice::runtime {

TaskProbe::TaskProbe(metrics::Registry& registry, std::string task_id)
    : registry_(registry),
      task_id_(std::move(task_id)),
      processed_(&registry.counter("sluice_records_processed_total",
                                   "Input records a task processed", {{"task", task_id_}})),
      punctuations_(&registry.counter("sluice_punctuations_total", "Punctuator calls",
                                      {{"task", task_id_}})) {}

void TaskProbe::record_processed() { processed_->Increment(); }
void TaskProbe::punctuation() { punctuations_->Increment(); }

void TaskProbe::duplicate_dropped() {
  if (!duplicates_) {
    duplicates_ = &registry_.counter(
        "sluice_duplicates_dropped_total",
        "Repartition records dropped because the task had applied them already (upstream replay)",
        {{"task", task_id_}});
  }
  duplicates_->Increment();
}

void TaskProbe::dead_letter(std::string_view reason_code) {
  auto it = dead_letters_.find(reason_code);
  if (it == dead_letters_.end()) {
    auto& c = registry_.counter("sluice_dead_letter_records_total",
                                "Input records sent to the dead-letter topic",
                                {{"task", task_id_}, {"reason", std::string(reason_code)}});
    it = dead_letters_.emplace(std::string(reason_code), &c).first;
  }
  it->second->Increment();
}

void TaskProbe::dropped(std::string_view node, std::string_view reason) {
  std::string key = std::string(node) + '\0' + std::string(reason);
  auto it = dropped_.find(key);
  if (it == dropped_.end()) {
    auto& c = registry_.counter(
        "sluice_dropped_records_total", "Records an operator dropped on purpose (late, no match)",
        {{"task", task_id_}, {"node", std::string(node)}, {"reason", std::string(reason)}});
    it = dropped_.emplace(std::move(key), &c).first;
  }
  it->second->Increment();
}

}  // namespace sluice::runtime
