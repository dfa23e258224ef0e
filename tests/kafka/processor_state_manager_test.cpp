// ProcessorStateManager on changelogs written through the real KafkaChangelogWriter to the
// in-process mock broker: generated commits on two stores, then a crash cut into the last
// commit in every way a crash can cut it. The restored stores must equal a brute-force replay
// of the commits BOTH stores completed, the position must be that commit's, and the changelogs
// must afterwards restore to the same state again (the unfinished commit overwritten).
#include "kafka/processor_state_manager.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

#include "kafka/mock_cluster.h"
#include "kafka/producer.h"
#include "state/in_memory_key_value_store.h"

namespace sluice::kafka {
namespace {

using namespace std::chrono_literals;
using State = std::map<std::string, std::string>;
const std::vector<std::string> kStores = {"a", "b"};

std::string changelog_of(const std::string& store) { return "app-" + store + "-changelog"; }

Conf conf_for(const MockCluster& cluster) {
  Conf c;
  c.set("bootstrap.servers", cluster.bootstrap());
  return c;
}

// One commit: per store, the key updates it logs (nullopt: delete).
using Commit =
    std::map<std::string, std::vector<std::pair<std::string, std::optional<std::string>>>>;

std::vector<Commit> generate_commits(std::mt19937_64& rng, int n) {
  std::vector<Commit> commits(n);
  for (auto& c : commits) {
    for (const auto& store : kStores) {
      for (int i = 0, m = static_cast<int>(rng() % 6); i < m; ++i) {
        std::optional<std::string> value;
        if (rng() % 5) value = std::to_string(rng() % 1000);
        c[store].push_back({"k" + std::to_string(rng() % 12), value});
      }
    }
  }
  return commits;
}

runtime::TaskPosition position_after(size_t commits) {
  runtime::TaskPosition p;
  p.sequence = commits;
  p.inputs.push_back({"input", Partition(0), Offset(static_cast<int64_t>(commits * 100))});
  return p;
}

std::map<std::string, State> brute_force(const std::vector<Commit>& commits, size_t n) {
  std::map<std::string, State> out;
  for (size_t i = 0; i < n; ++i) {
    for (const auto& [store, writes] : commits[i]) {
      for (const auto& [k, v] : writes) {
        if (v) {
          out[store][k] = *v;
        } else {
          out[store].erase(k);
        }
      }
    }
  }
  return out;
}

State contents(state::KeyValueStore& store) {
  State s;
  for (auto it = store.all(); it->valid(); it->next())
    s[std::string(it->key())] = std::string(it->value());
  return s;
}

// How the crash cut the last commit.
enum class Cut { kNone, kSecondStoreUnmarked, kSecondStoreHalfWritten, kFirstStoreHalfWritten };

struct Restored {
  std::map<std::string, std::unique_ptr<state::InMemoryKeyValueStore>> stores;
  runtime::TaskPosition position;
};

Restored restore(const MockCluster& cluster, Producer& producer) {
  Restored r;
  for (const auto& s : kStores) r.stores[s] = std::make_unique<state::InMemoryKeyValueStore>(s);
  StateRestorer restorer(conf_for(cluster));
  metrics::Registry metrics;
  RuntimeStats stats;
  ProcessorStateManager manager(restorer, metrics, stats);
  std::vector<StoreChangelog> changelogs;
  std::vector<std::pair<std::string, std::string>> topics;
  for (const auto& s : kStores) {
    changelogs.push_back({s, changelog_of(s), std::nullopt});
    topics.emplace_back(s, changelog_of(s));
  }
  KafkaChangelogWriter writer(producer, Partition(0), topics);
  auto position = manager.restore(
      "0_0", Partition(0),
      [&r](const std::string& name) -> state::StateStore* { return r.stores.at(name).get(); },
      changelogs, {}, writer);
  EXPECT_TRUE(position.ok()) << position.status().to_string();
  if (position.ok()) r.position = *position;
  EXPECT_TRUE(producer.flush(10s).ok());
  return r;
}

class ProcessorStateManagerCut : public ::testing::TestWithParam<Cut> {};

TEST_P(ProcessorStateManagerCut, RestoresTheLastCommitEveryStoreCompleted) {
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    MockCluster cluster;
    for (const auto& s : kStores) cluster.create_topic(changelog_of(s), 1);
    Producer producer(conf_for(cluster));
    KafkaChangelogWriter writer(producer, Partition(0),
                                {{"a", changelog_of("a")}, {"b", changelog_of("b")}});
    std::mt19937_64 rng(seed);
    const auto commits = generate_commits(rng, 8);
    const Cut cut = GetParam();
    for (size_t i = 0; i < commits.size(); ++i) {
      const bool last = i + 1 == commits.size();
      const std::string marker = position_after(i + 1).encode();
      for (size_t s = 0; s < kStores.size(); ++s) {
        const std::string& store = kStores[s];
        const auto it = commits[i].find(store);
        const auto& writes = it == commits[i].end() ? decltype(it->second){} : it->second;
        size_t written = writes.size();
        bool marked = true;
        if (last && cut == Cut::kSecondStoreUnmarked && s == 1) marked = false;
        if (last && cut == Cut::kSecondStoreHalfWritten && s == 1) {
          written /= 2;
          marked = false;
        }
        if (last && cut == Cut::kFirstStoreHalfWritten) {
          written = s == 0 ? written / 2 : 0;
          marked = false;
        }
        for (size_t w = 0; w < written; ++w) {
          std::optional<std::string_view> v;
          if (writes[w].second) v = *writes[w].second;
          writer.log(store, writes[w].first, v, Timestamp(1));
        }
        if (marked) writer.mark(marker, Timestamp(1), store);
      }
    }
    ASSERT_TRUE(producer.flush(10s).ok());
    ASSERT_TRUE(writer.status().ok());

    const size_t completed = cut == Cut::kNone ? commits.size() : commits.size() - 1;
    const auto expected = brute_force(commits, completed);
    for (int round = 0; round < 2; ++round) {
      // Round 1 restores what the crash left (and overwrites the unfinished commit); round 2
      // restores those changelogs again into fresh stores.
      Restored r = restore(cluster, producer);
      EXPECT_EQ(r.position, position_after(completed)) << "seed " << seed << " round " << round;
      for (const auto& s : kStores) {
        auto want = expected.count(s) ? expected.at(s) : State{};
        EXPECT_EQ(contents(*r.stores.at(s)), want)
            << "store " << s << " seed " << seed << " round " << round;
        EXPECT_EQ(r.stores.at(s)->position(), position_after(completed).encode());
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Crashes, ProcessorStateManagerCut,
                         ::testing::Values(Cut::kNone, Cut::kSecondStoreUnmarked,
                                           Cut::kSecondStoreHalfWritten,
                                           Cut::kFirstStoreHalfWritten));

}  // namespace
}  // namespace sluice::kafka
