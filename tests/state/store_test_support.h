// Helpers shared by the state tests: a temporary directory, a recording ChangelogWriter, layers
// that count what reaches the store below, and iterator collectors.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <random>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "state/changelog_writer.h"
#include "state/key_value_store.h"
#include "state/window_store.h"

namespace sluice::state::test {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "sluice-state-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) std::abort();
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

struct LoggedRecord {
  std::string store;
  std::string key;
  std::optional<std::string> value;
  Timestamp timestamp;
};

class RecordingChangelog final : public ChangelogWriter {
 public:
  void log(std::string_view store, std::string_view key, std::optional<std::string_view> value,
           Timestamp timestamp) override {
    records.push_back({std::string(store), std::string(key),
                       value ? std::optional<std::string>(std::string(*value)) : std::nullopt,
                       timestamp});
  }
  // The records as restore() takes them; views into `records`.
  std::vector<RestoreRecord> restore_records() const {
    std::vector<RestoreRecord> out;
    for (const auto& r : records) {
      std::optional<std::string_view> v;
      if (r.value) v = *r.value;
      out.push_back({r.key, v});
    }
    return out;
  }
  std::vector<LoggedRecord> records;
};

// Counts every write that reaches it, then forwards it.
class CountingKeyValueStore final : public KeyValueStore {
 public:
  explicit CountingKeyValueStore(std::unique_ptr<KeyValueStore> inner) : inner_(std::move(inner)) {}
  const std::string& name() const override { return inner_->name(); }
  bool persistent() const override { return inner_->persistent(); }
  Status flush() override { return inner_->flush(); }
  void close() override { inner_->close(); }
  Status get(std::string_view k, std::string& out) override { return inner_->get(k, out); }
  Status put(std::string_view k, std::string_view v) override {
    ++writes;
    return inner_->put(k, v);
  }
  Status remove(std::string_view k) override {
    ++writes;
    return inner_->remove(k);
  }
  Status write_batch(std::vector<KeyValueWrite>& w) override {
    ++batches;
    writes += w.size();
    return inner_->write_batch(w);
  }
  std::unique_ptr<KeyValueIterator> range(std::string_view f, std::string_view t) override {
    return inner_->range(f, t);
  }
  uint64_t approximate_num_entries() override { return inner_->approximate_num_entries(); }
  size_t writes = 0;
  size_t batches = 0;

 private:
  std::unique_ptr<KeyValueStore> inner_;
};

class CountingWindowStore final : public WindowStore {
 public:
  explicit CountingWindowStore(std::unique_ptr<WindowStore> inner) : inner_(std::move(inner)) {}
  const std::string& name() const override { return inner_->name(); }
  bool persistent() const override { return inner_->persistent(); }
  Status flush() override { return inner_->flush(); }
  void close() override { inner_->close(); }
  Status get(std::string_view k, Timestamp s, std::string& out) override {
    return inner_->get(k, s, out);
  }
  Status put(std::string_view k, Timestamp s, std::string_view v) override {
    ++writes;
    return inner_->put(k, s, v);
  }
  Status remove(std::string_view k, Timestamp s) override {
    ++writes;
    return inner_->remove(k, s);
  }
  Status write_batch(std::vector<WindowWrite>& w) override {
    ++batches;
    writes += w.size();
    return inner_->write_batch(w);
  }
  std::unique_ptr<WindowIterator> fetch(std::string_view k, Timestamp f, Timestamp t) override {
    return inner_->fetch(k, f, t);
  }
  std::unique_ptr<WindowIterator> fetch_all(Timestamp f, Timestamp t) override {
    return inner_->fetch_all(f, t);
  }
  Status advance_time(Timestamp t) override { return inner_->advance_time(t); }
  DurationMs retention_ms() const override { return inner_->retention_ms(); }
  bool expired(Timestamp s) const override { return inner_->expired(s); }
  size_t writes = 0;
  size_t batches = 0;

 private:
  std::unique_ptr<WindowStore> inner_;
};

using KvPairs = std::vector<std::pair<std::string, std::string>>;
using Windows = std::vector<std::tuple<std::string, int64_t, std::string>>;

inline KvPairs collect(KeyValueIterator& it) {
  KvPairs out;
  for (; it.valid(); it.next()) out.emplace_back(std::string(it.key()), std::string(it.value()));
  if (!it.status().ok()) out.emplace_back("<error>", it.status().to_string());
  return out;
}

inline Windows collect(WindowIterator& it) {
  Windows out;
  for (; it.valid(); it.next()) {
    out.emplace_back(std::string(it.key()), it.window_start().ms(), std::string(it.value()));
  }
  if (!it.status().ok()) out.emplace_back("<error>", 0, it.status().to_string());
  return out;
}

// Short keys over a small alphabet with bytes 0x00 and 0xff, so some are prefixes of others
// and byte order matters.
inline std::string random_key(std::mt19937_64& rng, size_t max_len = 3) {
  static constexpr char kAlphabet[] = {'a', 'b', '\0', '\xff'};
  std::string k(1 + rng() % max_len, 'a');
  for (auto& c : k) c = kAlphabet[rng() % 4];
  return k;
}

inline std::string random_value(std::mt19937_64& rng) {
  std::string v(rng() % 24, 'x');
  for (auto& c : v) c = static_cast<char>('a' + rng() % 26);
  return v;
}

}  // namespace sluice::state::test
