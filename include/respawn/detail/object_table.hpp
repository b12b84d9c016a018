// The writer's table of objects seen so far, keyed by (address, type): an
// open-addressing hash table with linear probing. A save looks up every
// pointer and records every policy object, so this is the hottest structure
// of the writer; std::unordered_map's node per entry cost a cache miss more.
#pragma once

#include <cstddef>
#include <cstdint>
#include <typeinfo>
#include <vector>

#include "respawn/detail/ownership.hpp"

namespace respawn::detail {

class object_table {
 public:
  struct entry {
    const void* address = nullptr;  // null marks a free slot
    const std::type_info* type = nullptr;
    std::uint64_t id = 0;
    ownership owner = ownership::none;
  };

  object_table() : slots_(std::size_t{1} << initial_bits), shift_(64 - initial_bits) {}

  // Starts loading the key's home slot into the cache. A writer about to look
  // up several pointers (a vector of them) prefetches them all first, so their
  // cache misses overlap instead of coming one after another.
  void prefetch(const void* address, const std::type_info& type) const {
    __builtin_prefetch(&slots_[home(address, type)]);
  }

  // The entry for the key, inserting {id, owner} if there is none; `inserted`
  // tells which. The reference is valid until the next insertion.
  entry& find_or_insert(const void* address, const std::type_info& type, std::uint64_t id, ownership owner,
                        bool& inserted) {
    if ((size_ + 1) * 2 > slots_.size()) grow();
    entry* slot = probe(address, type);
    inserted = slot->address == nullptr;
    if (inserted) {
      *slot = {address, &type, id, owner};
      ++size_;
    }
    return *slot;
  }

 private:
  // Fibonacci hashing: the top bits of the product depend on every bit of the
  // key. (The low bits would not: aligned addresses have constant low bits.)
  std::size_t home(const void* address, const std::type_info& type) const {
    const auto key =
        reinterpret_cast<std::uintptr_t>(address) ^ (reinterpret_cast<std::uintptr_t>(&type) >> 4);
    return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ULL) >> shift_);
  }

  entry* probe(const void* address, const std::type_info& type) {
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = home(address, type);; i = (i + 1) & mask) {
      entry& slot = slots_[i];
      if (slot.address == nullptr || (slot.address == address && *slot.type == type)) return &slot;
    }
  }

  void grow() {
    std::vector<entry> old(slots_.size() * 2);
    old.swap(slots_);
    --shift_;
    for (const entry& e : old) {
      if (e.address != nullptr) *probe(e.address, *e.type) = e;
    }
  }

  static constexpr unsigned initial_bits = 10;

  std::vector<entry> slots_;  // a power of two, at most half full
  unsigned shift_;            // 64 - log2(slots_.size())
  std::size_t size_ = 0;
};

}  // namespace respawn::detail
