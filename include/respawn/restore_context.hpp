// What after_restore hooks and recompute recipes can reach in the restoring
// process: services the caller provides (a logger, a thread pool, a
// connection) and the restored root.
#pragma once

#include <typeindex>
#include <typeinfo>
#include <unordered_map>

namespace respawn {

class restore_context {
 public:
  restore_context() = default;
  restore_context(const restore_context&) = delete;
  restore_context& operator=(const restore_context&) = delete;

  // Makes `service` available to get<S>(). The context does not own it: the
  // service must outlive every restored object that may still use it.
  template <class S>
  void provide(S& service) {
    services_[std::type_index(typeid(S))] = &service;
  }

  // The service provided as S; throws respawn::error (policy_violation) if none was.
  template <class S>
  S& get() const {
    return *static_cast<S*>(find_service(typeid(S)));
  }

  // The restored root; throws respawn::error (type_mismatch) if it is not an R,
  // or (policy_violation) before the root exists.
  template <class R>
  R& root() const {
    return *static_cast<R*>(find_root(typeid(R)));
  }

  // Used by load once the root object exists.
  void set_root(void* root, const std::type_info& type) {
    root_ = root;
    root_type_ = &type;
  }

 private:
  void* find_service(const std::type_info& type) const;
  void* find_root(const std::type_info& type) const;

  std::unordered_map<std::type_index, void*> services_;
  void* root_ = nullptr;
  const std::type_info* root_type_ = nullptr;
};

}  // namespace respawn
