#include "bench_engine.h"

#include <fmt/core.h>
#include <stdlib.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <optional>

#include "bench_clock.h"
#include "operators/aggregate_state.h"
#include "testing/topology_test_driver.h"

namespace sluice::cli {

namespace {

uint64_t directory_bytes(const std::filesystem::path& dir) {
  uint64_t total = 0;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code size_ec;
    if (it->is_regular_file(size_ec)) {
      const auto n = it->file_size(size_ec);
      if (!size_ec) total += n;
    }
  }
  return total;
}

// A fresh directory under `root`, removed when the object goes away.
class TempDir {
 public:
  explicit TempDir(const std::string& root) {
    std::error_code ec;
    std::filesystem::create_directories(root, ec);  // a failure shows in mkdtemp's errno
    std::string pattern = (std::filesystem::path(root) / "sluice-bench-XXXXXX").string();
    if (::mkdtemp(pattern.data()) != nullptr) {
      path_ = pattern;
    } else {
      error_ = fmt::format("cannot create a state directory in {}: {}", root, std::strerror(errno));
    }
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  const std::string& error() const { return error_; }

 private:
  std::string path_, error_;
};

}  // namespace

EngineResult run_engine(const std::vector<std::string_view>& lines, const std::string& state_root,
                        const TopologyFactory& build) {
  EngineResult r;
  TempDir dir(state_root);
  if (!dir.error().empty()) {
    r.error = dir.error();
    return r;
  }
  try {
    Stopwatch t;
    const Topology topology = build();
    // cache.max.bytes sized for the open windows of this workload (~2 minutes of cells), as a
    // deployment would; changelog records are counted, not kept, as a producer would send them.
    testing::TopologyTestDriver driver(
        topology,
        {.state_dir = dir.path(), .keep_changelogs = false, .cache_max_bytes = size_t{256} << 20});
    r.setup_seconds = t.wall_seconds();

    t.restart();
    const Stopwatch timed;
    for (std::string_view line : lines) {
      const Status st = driver.pipe("user_tags", {}, line, Timestamp(0));
      if (!st.ok()) {
        r.error = fmt::format("pipe failed after {} records: {}", r.events, st.to_string());
        return r;
      }
      ++r.events;
    }
    r.pipe_seconds = t.wall_seconds();
    t.restart();
    if (const Status st = driver.commit(); !st.ok()) {
      r.error = fmt::format("commit failed: {}", st.to_string());
      return r;
    }
    r.commit_seconds = t.wall_seconds();
    r.cpu_seconds = timed.cpu_seconds();

    r.dead_letters = driver.read_dead_letters().size();
    state::WindowStore* store = driver.window_store("minute-store");
    if (store == nullptr) {
      r.error = "the topology has no window store named minute-store";
      return r;
    }
    auto it = store->fetch_all(Timestamp::min(), Timestamp::max());
    const ops::AggregateLayout layout({ops::AggFn::kCount, ops::AggFn::kSum});
    for (; it->valid(); it->next()) {
      if (!layout.valid(it->value())) {
        r.error = fmt::format("minute-store holds a {}-byte value; expected {} bytes",
                              it->value().size(), layout.size());
        return r;
      }
      ++r.cells;
      double sum = 0;
      int64_t count = 0;
      if (layout.output(it->value(), 0, sum, count)) r.total_count += count;
      if (layout.output(it->value(), 1, sum, count)) r.total_sum += std::llround(sum);
    }
    if (const Status st = it->status(); !st.ok()) {
      r.error = fmt::format("scanning minute-store failed: {}", st.to_string());
      return r;
    }
    r.state_bytes = directory_bytes(dir.path());
  } catch (const std::exception& e) {
    r.error = e.what();
  }
  return r;
}

}  // namespace sluice::cli
