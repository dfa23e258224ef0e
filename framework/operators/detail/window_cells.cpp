#include "operators/detail/window_cells.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <functional>
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

uint64_t WindowCells::hash(std::string_view key) { return std::hash<std::string_view>{}(key); }

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
  note_prefix({p + acc_size_, key.size()});
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

// Bytes [off, off + 8) of a key of `size` bytes as a big-endian number, zeros past the end:
// comparing two such numbers orders the bytes as memcmp does.
uint64_t load_be(const char* key, size_t size, size_t off) {
  if (off + 8 <= size) {
    uint64_t v;
    std::memcpy(&v, key + off, 8);
    return __builtin_bswap64(v);
  }
  uint64_t v = 0;
  for (size_t i = 0; i < 8; ++i) {
    v <<= 8;
    if (off + i < size) v |= static_cast<unsigned char>(key[off + i]);
  }
  return v;
}

// sort_tied compares 8-byte digits up to this depth, then memcmp: bounds its recursion.
constexpr uint32_t kMaxDigitDepth = 64;

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

void WindowCells::note_prefix(std::string_view key) {
  if (common_.size() <= key.size()) common_.resize(key.size() + 1, {nullptr, 0});
  auto& [first, lcp] = common_[key.size()];
  if (first == nullptr) {
    first = key.data();
    lcp = static_cast<uint32_t>(key.size());
    return;
  }
  uint32_t n = 0;
  while (n < lcp && first[n] == key[n]) ++n;
  lcp = n;
}

void WindowCells::sort_by_key(std::vector<uint32_t>& order) const {
  // Group keys share long prefixes ("origin_", "brand_" ...), so a memcmp sort spends its time
  // re-reading them from all over the arena. Instead, integers held in the sort array itself
  // are compared: per key size, the prefix every key of that size shares (kept up to date by
  // insert) is skipped and the next 8 bytes are loaded as one big-endian number; runs that tie
  // on those are sorted on their next 8 bytes, and so on (an MSD sort, 8 bytes a digit).
  sort_keys_.clear();
  sort_keys_.reserve(order.size());
  for (uint32_t i : order) {
    const Cell& c = cells_[i];
    const uint32_t off = common_[c.key_size].second;
    sort_keys_.push_back(SortKey{load_be(c.acc + acc_size_, c.key_size, off), c.key_size, i});
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
    if (next - run > 1) sort_tied(run, next, 8);
    run = next;
  }
  for (size_t k = 0; k < order.size(); ++k) order[k] = sort_keys_[k].index;
}

void WindowCells::sort_tied(SortKey* first, SortKey* last, uint32_t depth) const {
  const uint32_t size = first->size;
  const uint32_t off = common_[size].second + depth;
  if (off >= size) return;        // equal keys (cannot happen in one table; harmless)
  if (depth >= kMaxDigitDepth) {  // long tied keys: the rest by memcmp, recursion bounded
    std::sort(first, last, [this, off, size](const SortKey& x, const SortKey& y) {
      const char* kx = cells_[x.index].acc + acc_size_;
      const char* ky = cells_[y.index].acc + acc_size_;
      return std::memcmp(kx + off, ky + off, size - off) < 0;
    });
    return;
  }
  for (SortKey* k = first; k != last; ++k) {
    k->bytes = load_be(cells_[k->index].acc + acc_size_, size, off);
  }
  std::sort(first, last, [](const SortKey& x, const SortKey& y) { return x.bytes < y.bytes; });
  for (SortKey* run = first; run != last;) {
    SortKey* next = run + 1;
    while (next != last && next->bytes == run->bytes) ++next;
    if (next - run > 1) sort_tied(run, next, depth + 8);
    run = next;
  }
}

void WindowCells::clear() {
  slots_ = {};
  cells_ = {};
  common_ = {};
  for (auto& block : blocks_) pool_->give(std::move(block));
  blocks_.clear();
  big_.clear();
  block_used_ = kBlockSize;
  bytes_ = 0;
}

}  // namespace sluice::ops::detail
