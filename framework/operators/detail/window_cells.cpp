#include "operators/detail/window_cells.h"

#include <algorithm>
#include <cstring>
#include <functional>

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
  // Group keys share long prefixes ("origin_", "brand_" ...), so a plain memcmp sort spends
  // its time re-reading them from all over the arena. Instead: per key size, the prefix every
  // key of that size shares (kept up to date by insert) is skipped, and the next 16 bytes are
  // compared as two integers held in the sort array itself; only ties read the keys.
  sort_keys_.clear();
  sort_keys_.reserve(order.size());
  for (uint32_t i : order) {
    const Cell& c = cells_[i];
    const char* key = c.acc + acc_size_;
    const uint32_t off = common_[c.key_size].second;
    sort_keys_.push_back(
        SortKey{load_be(key, c.key_size, off), load_be(key, c.key_size, off + 8), c.key_size, i});
  }
  std::sort(sort_keys_.begin(), sort_keys_.end(), [this](const SortKey& x, const SortKey& y) {
    if (x.size != y.size) return x.size < y.size;
    if (x.a != y.a) return x.a < y.a;
    if (x.b != y.b) return x.b < y.b;
    const size_t from = common_[x.size].second + 16;  // same size, so the same prefix
    if (from >= x.size) return false;
    const char* kx = cells_[x.index].acc + acc_size_;
    const char* ky = cells_[y.index].acc + acc_size_;
    return std::memcmp(kx + from, ky + from, x.size - from) < 0;
  });
  for (size_t k = 0; k < order.size(); ++k) order[k] = sort_keys_[k].index;
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
