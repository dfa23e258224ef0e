#include "operators/detail/window_cells.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <utility>

namespace sluice::ops::detail {

std::unique_ptr<char[]> BlockPool::take() {
  if (spare_.empty()) return std::make_unique_for_overwrite<char[]>(kBlockSize);
  std::unique_ptr<char[]> block = std::move(spare_.back());
  spare_.pop_back();
  return block;
}

void BlockPool::give(std::unique_ptr<char[]> block) {
  if (spare_.size() < max_spare_) spare_.push_back(std::move(block));
}

WindowCells::WindowCells(size_t acc_size, BlockPool& pool, size_t expected_cells)
    : acc_size_(acc_size), pool_(&pool) {
  if (expected_cells > 0) {
    size_t slots = 1024;
    while (slots < expected_cells * 2) slots *= 2;
    grow(slots);
    cells_.reserve(expected_cells);
    bytes_ += cells_.capacity() * sizeof(Cell);
  }
}

uint64_t WindowCells::hash(std::string_view key) {
  // 8 bytes a step, multiply-xorshift mixed, the tail read as at most two overlapping loads,
  // then murmur3's finalizer so that both the low bits (slot) and the high ones (tag) depend on
  // every byte: a few cycles per word, where std::hash (murmur) was 5% of the benchmark.
  // In-process only: never stored, so it may change.
  constexpr uint64_t kMul = 0x9E3779B97F4A7C15ull;
  const char* p = key.data();
  size_t n = key.size();
  uint64_t h = (n + 1) * kMul;
  auto mix = [&h](uint64_t w) {
    h = (h ^ w) * kMul;
    h ^= h >> 29;
  };
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    mix(w);
  }
  if (n >= 4) {
    uint32_t lo, hi;
    std::memcpy(&lo, p, 4);
    std::memcpy(&hi, p + n - 4, 4);
    mix(lo | (uint64_t{hi} << 32));
  } else if (n > 0) {
    const auto b = [p](size_t i) { return uint64_t{static_cast<unsigned char>(p[i])}; };
    mix(b(0) | (b(n / 2) << 8) | (b(n - 1) << 16) | (uint64_t{n} << 24));
  }
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 33;
  return h;
}

WindowCells::Cell* WindowCells::find(std::string_view key, uint64_t h) {
  if (slots_.empty()) return nullptr;
  const size_t mask = slots_.size() - 1;
  const auto tag = static_cast<uint32_t>(h >> 32);
  for (size_t i = h & mask;; i = (i + 1) & mask) {
    const Slot s = slots_[i];
    if (s.index == 0) return nullptr;
    if (s.tag != tag) continue;
    Cell& c = cells_[s.index - 1];
    if (c.key_size == key.size() && std::memcmp(c.acc + acc_size_, key.data(), key.size()) == 0) {
      return &c;
    }
  }
}

char* WindowCells::allocate(size_t n) {
  if (n > kBlockSize / 4) {  // rare (huge keys): a block of its own
    big_.push_back(std::make_unique<char[]>(n));
    bytes_ += n;
    return big_.back().get();
  }
  if (block_used_ + n > kBlockSize) {
    blocks_.push_back(pool_->take());
    bytes_ += kBlockSize;
    block_used_ = 0;
  }
  char* p = blocks_.back().get() + block_used_;
  block_used_ += n;
  return p;
}

void WindowCells::grow(size_t n) {
  bytes_ -= slots_.size() * sizeof(Slot);
  std::vector<Slot> slots(n, Slot{0, 0});
  const size_t mask = n - 1;
  for (uint32_t k = 0; k < cells_.size(); ++k) {
    const Cell& c = cells_[k];
    const uint64_t h = hash(c.key(acc_size_));
    size_t i = h & mask;
    while (slots[i].index != 0) i = (i + 1) & mask;
    slots[i] = Slot{static_cast<uint32_t>(h >> 32), k + 1};
  }
  slots_ = std::move(slots);
  bytes_ += slots_.size() * sizeof(Slot);
}

WindowCells::Cell& WindowCells::insert(std::string_view key, uint64_t h, std::string_view acc,
                                       uint8_t flags) {
  if ((cells_.size() + 1) * 2 > slots_.size()) grow(slots_.empty() ? 1024 : slots_.size() * 2);
  char* p = allocate(acc_size_ + key.size());
  std::memcpy(p, acc.data(), acc_size_);
  std::memcpy(p + acc_size_, key.data(), key.size());
  note_key({p + acc_size_, key.size()});
  const size_t cap = cells_.capacity();
  cells_.push_back(Cell{p, static_cast<uint32_t>(key.size()), flags});
  bytes_ += (cells_.capacity() - cap) * sizeof(Cell);
  const size_t mask = slots_.size() - 1;
  size_t i = h & mask;
  while (slots_[i].index != 0) i = (i + 1) & mask;
  slots_[i] = Slot{static_cast<uint32_t>(h >> 32), static_cast<uint32_t>(cells_.size())};
  return cells_.back();
}

namespace {

// Bytes [off, off + 8) of a key, zeros past its end, as a little-endian number (for XOR).
uint64_t load_word(const char* key, size_t size, size_t off) {
  uint64_t v = 0;
  if (off + 8 <= size) {
    std::memcpy(&v, key + off, 8);
    return v;
  }
  std::memcpy(&v, key + off, size - off);
  return v;
}

// The key's bytes at positions pos[0, n) (n <= 8), big-endian, zero-padded: comparing two such
// numbers orders those bytes as memcmp does.
uint64_t load_at(const char* key, const uint32_t* pos, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8; ++i) {
    v <<= 8;
    if (i < n) v |= static_cast<unsigned char>(key[pos[i]]);
  }
  return v;
}

// sort_tied compares 8-byte digits up to this many, then memcmp: bounds its recursion.
constexpr uint32_t kMaxDigits = 8;
// Below this many keys std::sort beats the radix sort's fixed cost (its histograms).
constexpr size_t kRadixMin = 512;

// Digit d (0 least significant) of the (size, bytes) order: bytes' 8 bytes, then size's 4.
template <typename K>
uint32_t sort_digit(const K& k, int d) {
  return d < 8 ? static_cast<uint32_t>(k.bytes >> (8 * d)) & 0xff
               : (k.size >> (8 * (d - 8))) & 0xff;
}

// LSD radix sort by (size, bytes), a byte a pass, skipping bytes every key has alike (most of
// size's, and bytes' low ones for short keys). Stable, so `tmp` and `keys` may hold anything.
template <typename K>
void radix_sort(std::vector<K>& keys, std::vector<K>& tmp) {
  constexpr int kDigits = 12;
  const size_t n = keys.size();
  std::vector<std::array<uint32_t, 256>> counts(kDigits);
  for (const K& k : keys) {
    for (int d = 0; d < kDigits; ++d) ++counts[d][sort_digit(k, d)];
  }
  tmp.resize(n);
  K* src = keys.data();
  K* dst = tmp.data();
  for (int d = 0; d < kDigits; ++d) {
    std::array<uint32_t, 256>& c = counts[d];
    if (c[sort_digit(*src, d)] == n) continue;  // one value for every key: order unchanged
    uint32_t sum = 0;
    for (uint32_t& x : c) sum += std::exchange(x, sum);
    for (size_t i = 0; i < n; ++i) dst[c[sort_digit(src[i], d)]++] = src[i];
    std::swap(src, dst);
  }
  if (src != keys.data()) std::copy(src, src + n, keys.data());
}

}  // namespace

void WindowCells::note_key(std::string_view key) {
  if (class_of_.size() <= key.size()) class_of_.resize(key.size() + 1, 0);
  uint32_t& c = class_of_[key.size()];
  if (c == 0) {
    classes_.push_back(SizeClass{key.data(), std::vector<uint64_t>((key.size() + 7) / 8, 0), {}});
    c = static_cast<uint32_t>(classes_.size());
    return;
  }
  SizeClass& k = classes_[c - 1];
  for (size_t w = 0; w < k.diff.size(); ++w) {
    k.diff[w] |= load_word(k.first, key.size(), w * 8) ^ load_word(key.data(), key.size(), w * 8);
  }
}

void WindowCells::sort_by_key(std::vector<uint32_t>& order) const {
  // Group keys share most of their bytes ("origin_", "brand_", the set's tags and lengths), so
  // a memcmp sort spends its time re-reading them from all over the arena. Instead, integers
  // held in the sort array itself are compared: per key size, only the bytes in which keys of
  // that size differ (kept up to date by insert) are loaded, 8 to a big-endian number, and the
  // array is radix-sorted by (size, that number); runs that tie are sorted on their next 8
  // varying bytes, and so on. For group keys 8 varying bytes mostly settle the order.
  for (SizeClass& k : classes_) {
    k.varying.clear();
    for (size_t w = 0; w < k.diff.size(); ++w) {
      for (uint32_t b = 0; b < 8; ++b) {
        if ((k.diff[w] >> (8 * b)) & 0xff) k.varying.push_back(static_cast<uint32_t>(w * 8 + b));
      }
    }
  }
  sort_keys_.clear();
  sort_keys_.reserve(order.size());
  for (uint32_t i : order) {
    const Cell& c = cells_[i];
    const std::vector<uint32_t>& pos = classes_[class_of_[c.key_size] - 1].varying;
    const uint64_t bytes = load_at(c.acc + acc_size_, pos.data(), std::min<size_t>(8, pos.size()));
    sort_keys_.push_back(SortKey{bytes, c.key_size, i});
  }
  if (sort_keys_.size() >= kRadixMin) {
    radix_sort(sort_keys_, sort_tmp_);
  } else {
    std::sort(sort_keys_.begin(), sort_keys_.end(), [](const SortKey& x, const SortKey& y) {
      return x.size != y.size ? x.size < y.size : x.bytes < y.bytes;
    });
  }
  SortKey* const end = sort_keys_.data() + sort_keys_.size();
  for (SortKey* run = sort_keys_.data(); run != end;) {
    SortKey* next = run + 1;
    while (next != end && next->size == run->size && next->bytes == run->bytes) ++next;
    if (next - run > 1) sort_tied(run, next, 1);
    run = next;
  }
  for (size_t k = 0; k < order.size(); ++k) order[k] = sort_keys_[k].index;
}

void WindowCells::sort_tied(SortKey* first, SortKey* last, uint32_t digit) const {
  const uint32_t size = first->size;
  const std::vector<uint32_t>& pos = classes_[class_of_[size] - 1].varying;
  const size_t from = size_t{digit} * 8;
  if (from >= pos.size()) return;  // equal keys (cannot happen in one table; harmless)
  if (digit >= kMaxDigits) {       // many tied bytes: the rest by memcmp, recursion bounded
    const uint32_t off = pos[from];
    std::sort(first, last, [this, off, size](const SortKey& x, const SortKey& y) {
      const char* kx = cells_[x.index].acc + acc_size_;
      const char* ky = cells_[y.index].acc + acc_size_;
      return std::memcmp(kx + off, ky + off, size - off) < 0;
    });
    return;
  }
  const size_t n = std::min<size_t>(8, pos.size() - from);
  for (SortKey* k = first; k != last; ++k) {
    k->bytes = load_at(cells_[k->index].acc + acc_size_, pos.data() + from, n);
  }
  std::sort(first, last, [](const SortKey& x, const SortKey& y) { return x.bytes < y.bytes; });
  for (SortKey* run = first; run != last;) {
    SortKey* next = run + 1;
    while (next != last && next->bytes == run->bytes) ++next;
    if (next - run > 1) sort_tied(run, next, digit + 1);
    run = next;
  }
}

void WindowCells::clear() {
  slots_ = {};
  cells_ = {};
  class_of_ = {};
  classes_ = {};
  for (auto& block : blocks_) pool_->give(std::move(block));
  blocks_.clear();
  big_.clear();
  block_used_ = kBlockSize;
  bytes_ = 0;
}

}  // namespace sluice::ops::detail
