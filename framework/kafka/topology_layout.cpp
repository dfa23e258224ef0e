#include "kafka/topology_layout.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "kafka/conf.h"

namespace sluice::kafka {

std::string TopologyLayout::changelog_topic(std::string_view store) const {
  return fmt::format("{}-{}-changelog", application_id, store);
}

const SubtopologyLayout* TopologyLayout::reader_of(std::string_view topic) const {
  for (const auto& s : subtopologies) {
    for (const auto& t : s.source_topics) {
      if (t == topic) return &s;
    }
  }
  return nullptr;
}

std::vector<std::string> TopologyLayout::group_topics() const {
  std::vector<std::string> out;
  for (const auto& sub : subtopologies) {
    if (!sub.source_topics.empty()) out.push_back(sub.source_topics.front());
  }
  return out;
}

std::vector<std::pair<std::string, Partition>> TopologyLayout::companions(
    std::string_view topic, Partition partition) const {
  std::vector<std::pair<std::string, Partition>> out;
  const SubtopologyLayout* sub = reader_of(topic);
  if (!sub || sub->source_topics.empty() || sub->source_topics.front() != topic) return out;
  for (size_t i = 1; i < sub->source_topics.size(); ++i) {
    out.emplace_back(sub->source_topics[i], partition);
  }
  return out;
}

std::vector<std::string> TopologyLayout::all_source_topics() const {
  std::vector<std::string> out;
  for (const auto& s : subtopologies)
    out.insert(out.end(), s.source_topics.begin(), s.source_topics.end());
  return out;
}

TopologyLayout plan_layout(const Topology& topology, const std::string& application_id,
                           const std::map<std::string, int>& existing,
                           const LayoutOptions& options) {
  TopologyLayout layout;
  layout.application_id = application_id;
  const std::string prefix = layout.internal_prefix();
  const auto& nodes = topology.nodes();
  const auto groups = topology.subtopologies();
  // Which sub-topology writes each internal topic (its partition count follows the writer's).
  std::map<std::string, size_t> internal_writer;
  for (size_t g = 0; g < groups.size(); ++g) {
    SubtopologyLayout s;
    s.id = static_cast<int32_t>(g);
    s.nodes = groups[g];
    std::set<std::string> stores;
    for (size_t i : groups[g]) {
      const auto& n = nodes[i];
      stores.insert(n.stores.begin(), n.stores.end());
      if (n.type == NodeType::kSource) {
        for (const auto& t : n.source->topics) {
          s.source_topics.push_back(n.source->internal ? prefix + t : t);
        }
      }
      if (n.type == NodeType::kSink && n.sink->internal)
        internal_writer[prefix + n.sink->topic] = g;
    }
    s.stores.assign(stores.begin(), stores.end());
    layout.subtopologies.push_back(std::move(s));
  }
  // External sources first: they must exist and co-partitioned ones must agree.
  for (auto& s : layout.subtopologies) {
    for (const auto& t : s.source_topics) {
      if (internal_writer.count(t)) continue;
      auto it = existing.find(t);
      if (it == existing.end()) {
        throw KafkaError(
            fmt::format("source topic '{}' does not exist (sub-topology {})", t, s.id));
      }
      if (s.partitions != 0 && s.partitions != it->second) {
        throw KafkaError(fmt::format(
            "co-partitioned source topics of sub-topology {} disagree: '{}' has {} partitions, "
            "others {}",
            s.id, t, it->second, s.partitions));
      }
      s.partitions = it->second;
    }
  }
  // Internal sources take the partition count of their writer (an existing repartition topic
  // keeps its own); repeat until nothing changes, for chains of repartition steps.
  for (bool changed = true; changed;) {
    changed = false;
    for (auto& s : layout.subtopologies) {
      if (s.partitions != 0) continue;
      int count = 0;
      for (const auto& t : s.source_topics) {
        auto ex = existing.find(t);
        if (ex != existing.end()) {
          count = ex->second;
        } else {
          count = std::max(count, layout.subtopologies[internal_writer.at(t)].partitions);
        }
      }
      if (count > 0) {
        s.partitions = count;
        changed = true;
      }
    }
  }
  for (const auto& s : layout.subtopologies) {
    if (s.partitions == 0) {
      throw KafkaError(
          fmt::format("sub-topology {} has no partition count (a repartition cycle?)", s.id));
    }
  }
  for (const auto& [topic, writer] : internal_writer) {
    const SubtopologyLayout* reader = layout.reader_of(topic);
    const int partitions = reader ? reader->partitions : layout.subtopologies[writer].partitions;
    // Kafka Streams' RepartitionTopicConfig: records carry event times, so time-based retention
    // could delete them unread; the readers purge what they committed instead.
    layout.internal_topics.push_back(NewTopic{topic,
                                              partitions,
                                              -1,
                                              {{"cleanup.policy", "delete"},
                                               {"retention.ms", "-1"},
                                               {"segment.bytes", "52428800"},
                                               {"segment.ms", "600000"}}});
    layout.repartition_topics.insert(topic);
  }
  for (const auto& s : layout.subtopologies) {
    for (const auto& store : s.stores) {
      const state::StoreOptions* opts = topology.store(store);
      if (!opts || !opts->logging) continue;
      NewTopic changelog{layout.changelog_topic(store), s.partitions, -1, {}};
      if (opts->kind == state::StoreKind::kWindow) {
        changelog.config = {
            {"cleanup.policy", "compact,delete"},
            {"retention.ms",
             std::to_string(opts->retention_ms + options.window_changelog_additional_retention)}};
      } else {
        changelog.config = {{"cleanup.policy", "compact"}};
      }
      layout.internal_topics.push_back(std::move(changelog));
    }
  }
  return layout;
}

}  // namespace sluice::kafka
