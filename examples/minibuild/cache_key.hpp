// Element cache keys: 64 hex digits identifying what an element would build,
// from its sources and the cache keys of its build dependencies.
#pragma once

#include <string>

#include "model.hpp"

namespace minibuild {

// Reads the build dependencies' cache_key (computing them first if they are
// lazy and empty), so it recurses down the dependency graph. The recursion is
// as deep as the longest chain of not-yet-computed keys: computing keys in id
// order keeps it at one level, since dependencies are earlier elements.
std::string compute_cache_key(const Element& element);

}  // namespace minibuild
