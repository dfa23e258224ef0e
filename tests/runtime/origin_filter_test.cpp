// OriginFilter against a brute-force model: several upstream partitions write into one
// repartition partition, and upstream tasks replay stretches of their input after simulated
// crashes. Every distinct origin must be admitted exactly once, the first time it arrives, and
// the filter's marks must let a restored filter continue the same way.
#include "runtime/origin_filter.h"

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <tuple>

namespace sluice::runtime {
namespace {

struct Emitted {
  RecordOrigin origin;
  std::string header;
};

// The repartition partition's content: origins of 4 upstream partitions (each input explodes
// into 0..3 records), interleaved, with replays from an earlier offset now and then.
std::vector<Emitted> generate(uint64_t seed) {
  static const std::string topics[] = {"orders", "returns"};
  std::mt19937_64 rng(seed);
  struct Upstream {
    const std::string* topic;
    Partition partition;
    int64_t next = 0;
  };
  std::vector<Upstream> ups;
  for (int p = 0; p < 4; ++p) ups.push_back({&topics[p % 2], Partition(p / 2)});
  std::vector<Emitted> out;
  for (int step = 0; step < 4000; ++step) {
    Upstream& u = ups[rng() % ups.size()];
    if (rng() % 200 == 0 && u.next > 0) {
      u.next -= static_cast<int64_t>(rng() % std::min<int64_t>(u.next, 40)) + 1;  // a replay
      continue;
    }
    const int64_t offset = u.next++;
    // The explode count is a function of the input, so a replay emits the same records.
    const int n = static_cast<int>((offset * 7 + u.partition.value()) % 4);
    for (int i = 0; i < n; ++i) {
      Emitted e;
      e.origin = RecordOrigin{*u.topic, u.partition, Offset(offset), i};
      encode_origin(e.origin, e.header);
      out.push_back(std::move(e));
    }
  }
  return out;
}

using Key = std::tuple<std::string, int32_t, int64_t, int32_t>;
Key key_of(const RecordOrigin& o) {
  return {std::string(o.topic), o.partition.value(), o.offset.value(), o.index};
}

TEST(OriginFilter, AdmitsEveryOriginOnceThroughReplays) {
  for (uint64_t seed : {1u, 2u, 3u}) {
    const auto stream = generate(seed);
    OriginFilter filter;
    std::set<Key> seen;
    size_t replays = 0;
    for (const auto& e : stream) {
      const bool fresh = seen.insert(key_of(e.origin)).second;
      replays += !fresh;
      EXPECT_EQ(filter.admit(e.header), fresh) << "seed " << seed;
    }
    EXPECT_GT(replays, 0u) << "the generator must produce replays for the test to mean anything";
  }
}

TEST(OriginFilter, RestoredMarksContinueWhereTheFilterStopped) {
  const auto stream = generate(9);
  OriginFilter first;
  std::set<Key> seen;
  const size_t cut = stream.size() / 2;
  for (size_t i = 0; i < cut; ++i) {
    seen.insert(key_of(stream[i].origin));
    (void)first.admit(stream[i].header);
  }
  // The marks travel through a TaskPosition, as they do through a changelog marker.
  TaskPosition p;
  p.origins = first.marks();
  auto decoded = TaskPosition::decode(p.encode());
  ASSERT_TRUE(decoded.ok());
  OriginFilter second;
  second.restore(decoded->origins);
  for (size_t i = cut; i < stream.size(); ++i) {
    const bool fresh = seen.insert(key_of(stream[i].origin)).second;
    EXPECT_EQ(second.admit(stream[i].header), fresh);
  }
}

TEST(OriginFilter, AdmitsRecordsWithoutADecodableOrigin) {
  OriginFilter filter;
  EXPECT_TRUE(filter.admit(""));
  EXPECT_TRUE(filter.admit("short"));
  EXPECT_TRUE(filter.marks().empty());
}

}  // namespace
}  // namespace sluice::runtime
