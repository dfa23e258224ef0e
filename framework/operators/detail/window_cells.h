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
  // Later stages, each once the previous one's line has arrived: the cell entry that slot names,
  // then that cell's accumulator and key. A record's lookups then wait for about one miss per
  // stage, not three misses in a row each. Unconditional (a prefetch of any address is
  // harmless; see prefetch_at).
  void prefetch(uint64_t h) const { prefetch_at(slot_address(h)); }
  void prefetch_cell(uint64_t h) const {
    const Slot* s = slots_.empty() ? nullptr : reinterpret_cast<const Slot*>(slot_address(h));
    const uint32_t index = s != nullptr ? s->index : 0;
    prefetch_at(reinterpret_cast<uintptr_t>(cells_.data()) + (uintptr_t{index} - 1) * sizeof(Cell));
  }
  void prefetch_bytes(uint64_t h) const {
    const Slot* s = slots_.empty() ? nullptr : reinterpret_cast<const Slot*>(slot_address(h));
    const uint32_t index = s != nullptr ? s->index : 0;
    const char* acc = index != 0 ? cells_[index - 1].acc : nullptr;
    prefetch_at(reinterpret_cast<uintptr_t>(acc));
    prefetch_at(reinterpret_cast<uintptr_t>(acc) + acc_size_);  // the key may be a line further
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

  uintptr_t slot_address(uint64_t h) const {
    return reinterpret_cast<uintptr_t>(slots_.data()) + (h & (slots_.size() - 1)) * sizeof(Slot);
  }
  // GCC 12 at -O2 deletes loops of __builtin_prefetch whose addresses come from loads (and a
  // __builtin_prefetch under a branch), as if they did nothing; a volatile asm stays.
  static void prefetch_at(uintptr_t address) {
#if defined(__x86_64__)
    asm volatile("prefetcht0 (%0)" : : "r"(address));
#else
    __builtin_prefetch(reinterpret_cast<const void*>(address));
#endif
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
  // Keys of one size: the first inserted, and per 8-byte word of it the bits in which any other
  // key of that size differs from it. Bytes whose bits never differ are the same in every key of
  // the size, so the order of those keys is the order of their other ("varying") bytes.
  struct SizeClass {
    const char* first = nullptr;
    std::vector<uint64_t> diff;
    std::vector<uint32_t> varying;  // sort_by_key's scratch: positions of the varying bytes
  };
  void note_key(std::string_view key);
  std::vector<uint32_t> class_of_;  // key size -> index into classes_ + 1; 0: none yet
  mutable std::vector<SizeClass> classes_;
  struct SortKey {
    uint64_t bytes;  // 8 varying bytes of the key from the current digit on, big-endian
    uint32_t size, index;
  };
  // Sorts keys of one size that agree on their first `digit` * 8 varying bytes.
  void sort_tied(SortKey* first, SortKey* last, uint32_t digit) const;
  mutable std::vector<SortKey> sort_keys_;  // sort_by_key's scratch
  mutable std::vector<SortKey> sort_tmp_;   // and the radix sort's second buffer
  size_t bytes_ = 0;
};

}  // namespace sluice::ops::detail
