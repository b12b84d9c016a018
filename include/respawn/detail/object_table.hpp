// The writer's table of objects seen so far, keyed by (address, type): an
// open-addressing hash table with linear probing. A save looks up every
// pointer and records every policy object, so this is the hottest structure
// of the writer: std::unordered_map's node per entry cost a cache miss more,
// and the lookups of random pointers miss the cache anyway, so an entry is
// packed into 16 bytes (four to a cache line) to keep more of the table there.
#pragma once

#include <cstddef>
#include <cstdint>
#include <typeinfo>
#include <vector>

#include "respawn/detail/ownership.hpp"

namespace respawn::detail {

class object_table {
 public:
  // Object ids fit in 40 bits: a trillion objects, far beyond any memory.
  static constexpr std::uint64_t max_id = (std::uint64_t{1} << 40) - 1;

  class entry {
   public:
    std::uint64_t id() const { return bits_ >> id_shift; }
    ownership owner() const { return static_cast<ownership>(bits_ & owner_mask); }
    void set_owner(ownership owner) { bits_ = (bits_ & ~owner_mask) | static_cast<std::uint64_t>(owner); }

   private:
    friend class object_table;
    static constexpr unsigned type_shift = 2;  // below it: the ownership
    static constexpr unsigned id_shift = 24;   // between: the type's index in types_
    static constexpr std::uint64_t owner_mask = (std::uint64_t{1} << type_shift) - 1;

    std::uint32_t type_index() const {
      return static_cast<std::uint32_t>((bits_ >> type_shift) &
                                        ((std::uint64_t{1} << (id_shift - type_shift)) - 1));
    }

    const void* address_ = nullptr;  // null marks a free slot
    std::uint64_t bits_ = 0;         // id, type index, ownership
  };

  // Most objects of the same address have the same type, so the hash reads
  // the address only; objects of different types at one address (a class and
  // its first member) sit in consecutive slots.
  object_table()
      : slots_(std::size_t{1} << initial_bits), mask_(slots_.size() - 1), shift_(64 - initial_bits) {}

  // Starts loading the address's home slot into the cache. A writer about to
  // look up several pointers (a vector of them) prefetches them all first, so
  // their cache misses overlap instead of coming one after another.
  void prefetch(const void* address) const { __builtin_prefetch(&slots_[home(address)]); }

  // The entry for the key, inserting {id, owner} if there is none; `inserted`
  // tells which. The reference is valid until the next insertion. Callers keep
  // ids at most max_id.
  entry& find_or_insert(const void* address, const std::type_info& type, std::uint64_t id, ownership owner,
                        bool& inserted) {
    if ((size_ + 1) * 2 > mask_ + 1) [[unlikely]]
      grow();
    const std::uint32_t type_index = index_of(type);
    entry* slot = probe(address, type_index);
    inserted = slot->address_ == nullptr;
    if (inserted) {
      slot->address_ = address;
      slot->bits_ = id << entry::id_shift | std::uint64_t{type_index} << entry::type_shift |
                    static_cast<std::uint64_t>(owner);
      ++size_;
    }
    return *slot;
  }

 private:
  // Fibonacci hashing: the top bits of the product depend on every bit of the
  // key. (The low bits would not: aligned addresses have constant low bits.)
  std::size_t home(const void* address) const {
    return static_cast<std::size_t>((reinterpret_cast<std::uintptr_t>(address) * 0x9E3779B97F4A7C15ULL) >>
                                    shift_);
  }

  entry* probe(const void* address, std::uint32_t type_index) {
    for (std::size_t i = home(address);; i = (i + 1) & mask_) {
      entry& slot = slots_[i];
      if (slot.address_ == nullptr || (slot.address_ == address && slot.type_index() == type_index))
        return &slot;
    }
  }

  // A save meets few types, mostly one after another, so a type's index is
  // found by comparing with the last one and then scanning. std::type_info
  // objects are compared with ==, not by address: a type's type_info may have
  // several copies, one in each shared library.
  std::uint32_t index_of(const std::type_info& type) {
    if (&type == last_type_) return last_index_;
    std::uint32_t index = 0;
    while (index < types_.size() && *types_[index] != type) ++index;
    if (index == types_.size()) types_.push_back(&type);
    last_type_ = &type;
    last_index_ = index;
    return index;
  }

  // Out of line, so that the lookup around it stays small enough to inline.
  [[gnu::noinline]] void grow() {
    std::vector<entry> old(slots_.size() * 2);
    old.swap(slots_);
    mask_ = slots_.size() - 1;
    --shift_;
    for (const entry& e : old) {
      if (e.address_ != nullptr) *probe(e.address_, e.type_index()) = e;
    }
  }

  static constexpr unsigned initial_bits = 10;

  std::vector<entry> slots_;  // a power of two, at most half full
  std::size_t mask_;          // slots_.size() - 1
  unsigned shift_;            // 64 - log2(slots_.size())
  std::size_t size_ = 0;
  std::vector<const std::type_info*> types_;  // index -> type
  const std::type_info* last_type_ = nullptr;
  std::uint32_t last_index_ = 0;
};

}  // namespace respawn::detail
