// TaskPosition's encoding round-trips whatever it holds and rejects anything cut or altered.
#include "runtime/task_position.h"

#include <gtest/gtest.h>

#include <random>

namespace sluice::runtime {
namespace {

TaskPosition random_position(std::mt19937_64& rng) {
  TaskPosition p;
  p.sequence = rng();
  for (int i = 0, n = static_cast<int>(rng() % 4); i < n; ++i) {
    p.inputs.push_back({"topic-" + std::to_string(rng() % 100),
                        Partition(static_cast<int32_t>(rng() % 64)),
                        Offset(static_cast<int64_t>(rng() >> 2))});
  }
  for (int i = 0, n = static_cast<int>(rng() % 5); i < n; ++i) {
    p.origins.push_back({std::string(rng() % 30, 'x'), Partition(static_cast<int32_t>(rng() % 64)),
                         Offset(static_cast<int64_t>(rng() >> 2)),
                         static_cast<int32_t>(rng() % 1000)});
  }
  return p;
}

TEST(TaskPosition, EncodingRoundTripsGeneratedPositions) {
  std::mt19937_64 rng(11);
  for (int i = 0; i < 500; ++i) {
    const TaskPosition p = random_position(rng);
    auto decoded = TaskPosition::decode(p.encode());
    ASSERT_TRUE(decoded.ok()) << decoded.status().to_string();
    EXPECT_EQ(*decoded, p);
  }
}

TEST(TaskPosition, DecodeRejectsEveryTruncationAndTrailingBytes) {
  std::mt19937_64 rng(12);
  TaskPosition p = random_position(rng);
  p.inputs.push_back({"orders", Partition(3), Offset(42)});
  const std::string bytes = p.encode();
  for (size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_FALSE(TaskPosition::decode(bytes.substr(0, n)).ok()) << "prefix of " << n << " bytes";
  }
  EXPECT_FALSE(TaskPosition::decode(bytes + "x").ok());
  std::string wrong_version = bytes;
  wrong_version[0] = 9;
  EXPECT_FALSE(TaskPosition::decode(wrong_version).ok());
}

TEST(TaskPosition, FindsInputsByTopicAndPartition) {
  TaskPosition p;
  p.inputs = {{"a", Partition(0), Offset(5)}, {"a", Partition(1), Offset(7)}};
  ASSERT_NE(p.input("a", Partition(1)), nullptr);
  EXPECT_EQ(p.input("a", Partition(1))->next, Offset(7));
  EXPECT_EQ(p.input("b", Partition(0)), nullptr);
}

}  // namespace
}  // namespace sluice::runtime
