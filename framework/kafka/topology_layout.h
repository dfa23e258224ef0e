// TopologyLayout: how a Topology maps onto Kafka for one application id: its sub-topologies
// (Kafka Streams' numbering: the order Topology::subtopologies() returns), the full names of
// the topics each reads (internal ones prefixed "<application.id>-"), the partition count of
// each (= its task count), and the internal topics to create: repartition topics and one
// changelog per logged store, "<application.id>-<store>-changelog", with the partition count
// of the store's sub-topology. Computed once at startup from the cluster's topic list.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "kafka/admin_client.h"
#include "topology/topology.h"

namespace sluice::kafka {

struct SubtopologyLayout {
  int32_t id = 0;
  std::vector<size_t> nodes;               // indices into Topology::nodes()
  std::vector<std::string> source_topics;  // full names
  std::vector<std::string> stores;         // every store its nodes use
  int partitions = 0;                      // tasks: one per partition
};

struct TopologyLayout {
  std::string application_id;
  std::vector<SubtopologyLayout> subtopologies;
  // Internal topics to create: repartition topics, then changelogs. Their configs follow Kafka
  // Streams': repartition topics delete, never expire by time (retention.ms=-1; the readers
  // purge them, RepartitionPurger); key-value changelogs compact; window changelogs compact and
  // delete after the store's retention plus LayoutOptions' additional retention.
  std::vector<NewTopic> internal_topics;
  std::set<std::string, std::less<>> repartition_topics;  // full names

  std::string internal_prefix() const { return application_id + "-"; }
  std::string changelog_topic(std::string_view store) const;
  // The sub-topology reading `topic` (full name), or nullptr.
  const SubtopologyLayout* reader_of(std::string_view topic) const;
  // Every topic the application consumes.
  std::vector<std::string> all_source_topics() const;
  // The topics the consumer group assigns: the first source of each sub-topology. The other
  // sources of a sub-topology are co-partitioned with it and follow it: whoever is assigned its
  // partition p also reads partition p of them (companions()), so any assignor, cooperative-
  // sticky included, keeps a task's inputs together.
  std::vector<std::string> group_topics() const;
  // The partitions read alongside `tp` of a group topic (same partition of the other sources of
  // its sub-topology).
  std::vector<std::pair<std::string, Partition>> companions(std::string_view topic,
                                                            Partition partition) const;
};

struct LayoutOptions {
  // windowstore.changelog.additional.retention.ms: how much longer than its store a window
  // changelog keeps records, for clock drift between brokers and instances. Default: 1 day.
  DurationMs window_changelog_additional_retention = 86'400'000;
};

// Plans the layout. `existing` maps topic names to partition counts (AdminClient::list_topics).
// Throws KafkaError when a source topic is missing or co-partitioned sources disagree.
TopologyLayout plan_layout(const Topology& topology, const std::string& application_id,
                           const std::map<std::string, int>& existing,
                           const LayoutOptions& options = {});

}  // namespace sluice::kafka
