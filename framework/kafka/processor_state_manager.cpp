#include "kafka/processor_state_manager.h"

#include <fmt/format.h>
#include <prometheus/counter.h>

#include <algorithm>
#include <chrono>

#include "state/key_value_store.h"
#include "state/window_key.h"
#include "state/window_store.h"

namespace sluice::kafka {

namespace {
constexpr auto kRestoreTimeout = std::chrono::minutes(5);

// The value `store` holds under changelog key `key` (nullopt: none, logged as a tombstone).
Result<std::optional<std::string>> current_value(state::StateStore& store, std::string_view key) {
  std::string out;
  Status st;
  if (store.kind() == state::StoreKind::kWindow) {
    auto decoded = state::decode_window_key(key);
    if (!decoded) return Status::Corruption("malformed window key in changelog");
    st = static_cast<state::WindowStore&>(store).get(decoded->key, decoded->window_start, out);
  } else {
    st = static_cast<state::KeyValueStore&>(store).get(key, out);
  }
  if (st.code() == Status::Code::kNotFound) return std::optional<std::string>();
  if (!st.ok()) return st;
  return std::optional<std::string>(std::move(out));
}

uint64_t sequence_of(const std::optional<runtime::TaskPosition>& p) { return p ? p->sequence : 0; }
}  // namespace

std::string checkpoint_key(const std::string& topic, Partition p) {
  return topic + ":" + std::to_string(p.value());
}

Status ProcessorStateManager::restore_store(const std::string& name, state::StateStore& store,
                                            Partition partition, StoreChangelog& cl,
                                            std::optional<Offset> from, RestoreResult& out) {
  auto restored = restorer_.restore(store, cl.topic, partition, from, kRestoreTimeout);
  if (!restored.ok()) return restored.status();
  out = std::move(*restored);
  cl.next = out.end;
  stats_.records_restored += out.records;
  if (!from) ++stats_.full_restores;
  if (out.truncated) {
    fmt::print(stderr,
               "sluice: warning: task {} store {}: changelog {} no longer holds offset {}; "
               "restored what the broker kept\n",
               name, cl.store, cl.topic, from ? from->value() : 0);
  }
  return Status::Ok();
}

Result<runtime::TaskPosition> ProcessorStateManager::restore(
    const std::string& name, Partition partition, const StoreLookup& store_of,
    std::vector<StoreChangelog>& changelogs, const std::map<std::string, Offset>& checkpointed,
    KafkaChangelogWriter& writer) {
  struct Restored {
    StoreChangelog* cl;
    state::StateStore* store;
    RestoreResult result;
  };
  std::vector<Restored> stores;
  for (auto& cl : changelogs) {
    state::StateStore* store = store_of(cl.store);
    if (!store) continue;
    std::optional<Offset> from;
    auto it = checkpointed.find(checkpoint_key(cl.topic, partition));
    if (it != checkpointed.end() && store->persistent()) from = it->second;
    Restored r{&cl, store, {}};
    SLUICE_RETURN_IF_ERROR(restore_store(name, *store, partition, cl, from, r.result));
    if (!r.result.applied && from) {
      // Nothing newer than the local state was applied: it reflects the position it stored.
      if (auto local = store->position()) {
        auto decoded = runtime::TaskPosition::decode(*local);
        if (!decoded.ok()) return decoded.status();
        r.result.applied = std::move(*decoded);
      }
    }
    stores.push_back(std::move(r));
  }
  if (stores.empty()) return runtime::TaskPosition{};

  // The newest commit every store completed.
  uint64_t target = UINT64_MAX;
  for (const auto& r : stores) {
    target =
        std::min(target, r.result.held ? r.result.held->sequence : sequence_of(r.result.applied));
  }
  std::optional<runtime::TaskPosition> position;
  const Timestamp now = wall_clock_now();
  for (auto& r : stores) {
    RestoreResult& res = r.result;
    std::vector<std::string> overwrite = std::move(res.trailing_keys);
    std::optional<runtime::TaskPosition> reached = res.applied;
    if (res.held && res.held->sequence == target) {
      SLUICE_RETURN_IF_ERROR(StateRestorer::apply(*r.store, res.held_records));
      res.records += res.held_records.size();
      stats_.records_restored += res.held_records.size();
      reached = std::move(res.held);
    } else if (res.held) {
      fmt::print(stderr,
                 "sluice: task {} store {}: rolled back commit {} (other stores of the task "
                 "stopped at commit {})\n",
                 name, r.cl->store, res.held->sequence, target);
      for (auto& rec : res.held_records) overwrite.push_back(std::move(rec.key));
    }
    if (sequence_of(reached) != target) {
      // Only one commit can be rolled back; anything further apart means a changelog lost
      // records (bounded retention) and the stores cannot agree exactly.
      fmt::print(stderr,
                 "sluice: warning: task {} store {} is at commit {}, the task at {}: its state "
                 "may count some input twice or miss some\n",
                 name, r.cl->store, sequence_of(reached), target);
    }
    if (!overwrite.empty()) {
      std::sort(overwrite.begin(), overwrite.end());
      overwrite.erase(std::unique(overwrite.begin(), overwrite.end()), overwrite.end());
      for (const auto& key : overwrite) {
        auto value = current_value(*r.store, key);
        if (!value.ok()) return value.status();
        std::optional<std::string_view> view;
        if (*value) view = **value;
        writer.log(r.cl->store, key, view, now);
      }
      writer.mark(reached ? reached->encode() : runtime::TaskPosition{}.encode(), now, r.cl->store);
      fmt::print(stderr,
                 "sluice: task {} store {}: overwrote {} changelog keys of an "
                 "unfinished commit\n",
                 name, r.cl->store, overwrite.size());
    }
    if (reached) {
      r.store->set_position(reached->encode());
      SLUICE_RETURN_IF_ERROR(r.store->flush());
      if (reached->sequence == target) position = reached;
    }
    metrics_
        .counter("sluice_restore_records_total", "Changelog records applied while restoring",
                 {{"task", name}, {"store", r.cl->store}})
        .Increment(static_cast<double>(res.records));
    if (res.records > 0) {
      fmt::print(stderr, "sluice: task {} restored {} records into {} (up to commit {})\n", name,
                 res.records, r.cl->store, sequence_of(reached));
    }
  }
  return position.value_or(runtime::TaskPosition{});
}

}  // namespace sluice::kafka
