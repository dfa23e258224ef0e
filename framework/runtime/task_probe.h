// TaskProbe: the metrics a StreamTask produces, resolved once per task.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "metrics/registry.h"

namespace prometheus {
class Counter;
}

namespace sluice::runtime {

class TaskProbe {
 public:
  TaskProbe(metrics::Registry& registry, std::string task_id);
  void record_processed();
  void dead_letter(std::string_view reason_code);
  void dropped(std::string_view node, std::string_view reason);
  void punctuation();
  // A repartition record this task had already applied (an upstream replay), dropped.
  void duplicate_dropped();

 private:
  metrics::Registry& registry_;
  std::string task_id_;
  prometheus::Counter* processed_;
  prometheus::Counter* punctuations_;
  prometheus::Counter* duplicates_ = nullptr;  // created on first use
  std::map<std::string, prometheus::Counter*, std::less<>> dead_letters_;
  std::map<std::string, prometheus::Counter*, std::less<>> dropped_;
};

}  // namespace sluice::runtime
