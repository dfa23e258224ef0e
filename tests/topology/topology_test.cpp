#include "topology/topology.h"

#include <gtest/gtest.h>

#include "allezon.pb.h"

namespace sluice {
namespace {

class Noop final : public Processor {
 public:
  Status init(ProcessorContext&) override { return Status::Ok(); }
  Status process(Record&) override { return Status::Ok(); }
};

Topology small_topology() {
  auto schema = serde::Schema::from_descriptor(allezon::UserTag::descriptor());
  Topology t;
  t.add_source({.name = "tags", .topics = {"user-tags"}, .schema = schema});
  t.add_state_store({.name = "counts-store"});
  t.add_processor({.name = "counts",
                   .op = "count",
                   .detail = "per cookie",
                   .supplier = [] { return std::make_unique<Noop>(); },
                   .parents = {"tags"},
                   .stores = {"counts-store"}});
  t.add_sink({.name = "out", .topic = "counts", .schema = schema}, {"counts"});
  return t;
}

TEST(Topology, DescribeNamesEveryNodeStoreAndTopic) {
  Topology t = small_topology();
  const std::string text = t.describe();
  for (const char* s : {"tags", "user-tags", "counts", "counts-store", "out", "--> counts",
                        "<-- tags", "Sub-topology: 0"}) {
    EXPECT_NE(text.find(s), std::string::npos) << s << " missing in\n" << text;
  }
  const std::string dot = t.describe_dot();
  EXPECT_EQ(dot.rfind("digraph topology {", 0), 0u);
  EXPECT_NE(dot.find("\"tags\" -> \"counts\""), std::string::npos) << dot;
  EXPECT_NE(dot.find("\"store:counts-store\""), std::string::npos) << dot;
}

TEST(Topology, RejectsDuplicateNamesUnknownParentsAndUnknownStores) {
  Topology t = small_topology();
  auto supplier = [] { return std::make_unique<Noop>(); };
  EXPECT_THROW(t.add_processor({.name = "counts", .supplier = supplier, .parents = {"tags"}}),
               std::invalid_argument);
  EXPECT_THROW(t.add_processor({.name = "x", .supplier = supplier, .parents = {"nope"}}),
               std::invalid_argument);
  EXPECT_THROW(
      t.add_processor({.name = "y", .supplier = supplier, .parents = {"tags"}, .stores = {"zz"}}),
      std::invalid_argument);
  EXPECT_THROW(t.add_processor({.name = "z", .supplier = supplier, .parents = {"out"}}),
               std::invalid_argument);
}

TEST(Topology, NodesSharingAStoreFormOneSubtopology) {
  auto schema = serde::Schema::from_descriptor(allezon::UserTag::descriptor());
  Topology t;
  auto supplier = [] { return std::make_unique<Noop>(); };
  t.add_source({.name = "a", .topics = {"ta"}, .schema = schema});
  t.add_source({.name = "b", .topics = {"tb"}, .schema = schema});
  t.add_source({.name = "c", .topics = {"tc"}, .schema = schema});
  t.add_state_store({.name = "shared"});
  t.add_processor({.name = "pa", .supplier = supplier, .parents = {"a"}, .stores = {"shared"}});
  t.add_processor({.name = "pb", .supplier = supplier, .parents = {"b"}, .stores = {"shared"}});
  t.add_processor({.name = "pc", .supplier = supplier, .parents = {"c"}});
  auto subs = t.subtopologies();
  ASSERT_EQ(subs.size(), 2u);
  EXPECT_EQ(subs[0].size(), 4u);  // a, b, pa, pb
  EXPECT_EQ(subs[1].size(), 2u);  // c, pc
}

}  // namespace
}  // namespace sluice
