// WindowCells: the open cells of one window of a window aggregate, held by the processor as a
// write-back cache in front of its window store (see WindowAggregateProcessor).
//
// A flat open-addressing hash table (linear probing, load <= 1/2) of slot = {hash tag, cell
// index}; each cell's accumulator and group key bytes lie back to back in an arena of large
// blocks that never move, so a lookup is one probe into the slot array plus one comparison in
// the arena, an update rewrites the accumulator in place, and creating a cell allocates only when
// a block or the slot array fills. Cells are kept in creation order (kFinal emits them so) and
// are never removed one by one: a window's cells go all at once when it closes or spills.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice::ops::detail {

// Arena blocks handed back by closed windows, reused by new ones: a window's cells then land
// in memory that is already mapped instead of faulting fresh pages in, window after window.
class BlockPool {
 public:
  static constexpr size_t kBlockSize = size_t{1} << 20;
  explicit BlockPool(size_t max_spare) : max_spare_(max_spare) {}
  std::unique_ptr<char[]> take();
  void give(std::unique_ptr<char[]> block);

 private:
  size_t max_spare_;
  std::vector<std::unique_ptr<char[]>> spare_;
};

class WindowCells {
 public:
  // Per-cell flags.
  static constexpr uint8_t kDirty = 1;   // changed since it was last written to the store
  static constexpr uint8_t kListed = 2;  // also listed as pending in the store (kFinal, spills)

  struct Cell {
    char* acc;  // acc_size bytes, then the key bytes
    uint32_t key_size;
    uint8_t flags;
    std::string_view key(size_t acc_size) const { return {acc + acc_size, key_size}; }
  };

  // `expected_cells` sizes the slot array up front (e.g. the previous window's count).
  WindowCells(size_t acc_size, BlockPool& pool, size_t expected_cells = 0);
  ~WindowCells() { clear(); }
  WindowCells(const WindowCells&) = delete;
  WindowCells& operator=(const WindowCells&) = delete;

  static uint64_t hash(std::string_view key);

  // Starts loading the slot `h` probes first, so that a record's lookups overlap their misses.
  void prefetch(uint64_t h) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[h & (slots_.size() - 1)]);
  }
  // Later stages, each once the previous one's line has arrived: the cell entry the first probed
  // slot names (when its tag matches), then that cell's accumulator and key. A record's lookups
  // then wait for one miss at a time, not three in a row each.
  void prefetch_cell(uint64_t h) const {
    if (const Slot* s = first_match(h)) __builtin_prefetch(&cells_[s->index - 1]);
  }
  void prefetch_bytes(uint64_t h) const {
    if (const Slot* s = first_match(h)) __builtin_prefetch(cells_[s->index - 1].acc);
  }
  // The cell of `key` (whose hash() is `h`), or nullptr.
  Cell* find(std::string_view key, uint64_t h);
  // Adds a cell that find() just reported missing; its accumulator starts as `acc`.
  Cell& insert(std::string_view key, uint64_t h, std::string_view acc, uint8_t flags);

  // Sorts cell indices by key bytes in the window store's order (length, then bytes).
  void sort_by_key(std::vector<uint32_t>& order) const;

  size_t size() const { return cells_.size(); }
  Cell& cell(size_t i) { return cells_[i]; }
  const Cell& cell(size_t i) const { return cells_[i]; }
  size_t acc_size() const { return acc_size_; }
  // Memory held: arena blocks, slots and the cell list.
  size_t bytes() const { return bytes_; }
  // Drops every cell; the arena blocks go back to the pool.
  void clear();

 private:
  struct Slot {
    uint32_t tag;    // high bits of the hash; 0 with index 0 marks an empty slot
    uint32_t index;  // cell index + 1; 0 = empty
  };
  static constexpr size_t kBlockSize = BlockPool::kBlockSize;

  // The first slot `h` probes, when it holds a cell with h's tag.
  const Slot* first_match(uint64_t h) const {
    if (slots_.empty()) return nullptr;
    const Slot& s = slots_[h & (slots_.size() - 1)];
    return s.index != 0 && s.tag == static_cast<uint32_t>(h >> 32) ? &s : nullptr;
  }
  char* allocate(size_t n);
  void grow(size_t slots);

  size_t acc_size_;
  BlockPool* pool_;
  std::vector<Slot> slots_;  // power-of-two size, or empty
  std::vector<Cell> cells_;
  std::vector<std::unique_ptr<char[]>> blocks_;
  std::vector<std::unique_ptr<char[]>> big_;  // cells too large to share a block
  size_t block_used_ = kBlockSize;            // bytes used in blocks_.back()
  // Per key size: the first key inserted and the prefix every key of that size shares.
  void note_prefix(std::string_view key);
  std::vector<std::pair<const char*, uint32_t>> common_;
  struct SortKey {
    uint64_t bytes;  // 8 key bytes from the current depth on, big-endian, zero-padded
    uint32_t size, index;
  };
  // Sorts keys of one size that agree on their first `depth` bytes (past the shared prefix).
  void sort_tied(SortKey* first, SortKey* last, uint32_t depth) const;
  mutable std::vector<SortKey> sort_keys_;  // sort_by_key's scratch
  mutable std::vector<SortKey> sort_tmp_;   // and the radix sort's second buffer
  size_t bytes_ = 0;
};

}  // namespace sluice::ops::detail
