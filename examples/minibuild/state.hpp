// The reference state, generated from a seed, and the checks
// that tell whether a restored state equals a freshly built one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "model.hpp"
#include "policies.hpp"

namespace minibuild {

// The option keys under which a project records how it was generated.
inline constexpr const char* kElementsOption = "elements";
inline constexpr const char* kSeedOption = "seed";

// Builds the state of `elements` elements. The same arguments give the same
// state, field for field, on every platform: the generator is our own
// splitmix64, not a standard distribution whose output varies between
// standard libraries. The lazy fields are set, as a live process would have
// them; the excluded ones hold live values (a log stream, callbacks, threads).
std::unique_ptr<Scheduler> build_state(std::size_t elements, std::uint64_t seed);

// The value of a numeric project option such as kElementsOption, if present and a number.
std::optional<std::uint64_t> numeric_option(const Project& project, const std::string& key);

// Compares every serialized field of two states, deeply: pointers to elements
// by the position of their target in its project, queues by the elements they
// hold. Returns the first difference as "object path: what differs" (paths
// spelled as respawn spells them, "Scheduler.project.elements[42].name"), or
// nullopt when the states are equal.
std::optional<std::string> first_difference(const Scheduler& a, const Scheduler& b);

// Compares the recompute fields (every element's cache_key and reverse_deps)
// of `restored` with those of `reference`, computing them where empty. Call
// after first_difference found the states equal.
std::optional<std::string> first_lazy_difference(const Scheduler& restored, const Scheduler& reference);

}  // namespace minibuild
