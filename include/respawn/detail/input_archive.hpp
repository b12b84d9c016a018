// The archive respawn reads snapshots with: the mirror of output_archive. It
// builds objects in place (so their addresses stay valid for pointers and
// after_restore hooks), checks every size against load_options before
// allocating, binds lazy fields to their recipes, and names the object path
// in every error.
#pragma once

#include <boost/archive/binary_iarchive_impl.hpp>
#include <cstdint>
#include <memory>
#include <new>
#include <stdexcept>
#include <streambuf>
#include <string>
#include <type_traits>
#include <typeinfo>
#include <unordered_map>
#include <utility>
#include <vector>

#include "respawn/detail/byte_stream.hpp"
#include "respawn/detail/object_path.hpp"
#include "respawn/detail/ownership.hpp"
#include "respawn/detail/policy_traits.hpp"
#include "respawn/detail/registry.hpp"
#include "respawn/detail/schema.hpp"
#include "respawn/detail/type_name.hpp"
#include "respawn/detail/value_io.hpp"
#include "respawn/error.hpp"
#include "respawn/lazy.hpp"
#include "respawn/options.hpp"
#include "respawn/restore_context.hpp"
#include "respawn/types/string.hpp"

namespace respawn::detail {

class source_streambuf final : public std::streambuf {
 public:
  explicit source_streambuf(byte_source& source) : source_(source) {}

 protected:
  std::streamsize xsgetn(char* data, std::streamsize size) override;
  int_type underflow() override;

 private:
  byte_source& source_;
  char last_ = 0;
};

struct input_stream_holder {
  explicit input_stream_holder(byte_source& source) : streambuf(source) {}
  source_streambuf streambuf;
};

class input_archive
    : private input_stream_holder,
      public boost::archive::binary_iarchive_impl<input_archive, char, std::char_traits<char>> {
  using boost_archive = boost::archive::binary_iarchive_impl<input_archive, char, std::char_traits<char>>;
  friend class boost::archive::detail::interface_iarchive<input_archive>;
  friend class boost::archive::basic_binary_iarchive<input_archive>;
  friend class boost::archive::basic_binary_iprimitive<input_archive, char, std::char_traits<char>>;
  friend class boost::archive::load_access;

 public:
  input_archive(byte_source& source, const snapshot_schema& file_schema, std::uint32_t boost_archive_version,
                std::shared_ptr<restore_context> context, const load_options& options);
  // Frees every object built through a pointer that nothing adopted.
  ~input_archive() override;

  template <class T>
  void load_root(T& root) {
    load_override(root);
    check_every_object_owned();
  }
  // Runs the after_restore hooks, in the order their objects finished loading.
  void run_after_restore_hooks();

  // ---- For value_io specializations (respawn/types/*.hpp).
  // A container or string size, checked against max_container_elements.
  std::uint64_t read_size() {
    const std::uint64_t size = source_.read_varint();
    if (size > options_.max_container_elements) fail_too_many(size);
    return size;
  }
  // Throws limit_exceeded unless `count` objects of `size` bytes fit the limits.
  void check_allocation(std::uint64_t count, std::size_t size) const;
  // Gives an empty contiguous container room for the `count` elements it
  // claims, so that they keep their addresses while they load (pointers into
  // them are resolved by address), without building any: a large block is
  // mapped, not touched, and its pages become resident only as elements are
  // really read into it. A claim above the limits, or one the system cannot
  // reserve, is limit_exceeded.
  template <class Container>
  void reserve_elements(Container& container, std::uint64_t count) {
    check_allocation(count, sizeof(typename Container::value_type));
    try {
      container.reserve(static_cast<std::size_t>(count));
    } catch (const std::bad_alloc&) {
      fail(errc::limit_exceeded,
           "cannot reserve memory for the " + std::to_string(count) + " elements a container claims");
    } catch (const std::length_error&) {
      fail(errc::limit_exceeded,
           "a container claims " + std::to_string(count) + " elements, more than it can hold");
    }
  }
  void read_bytes(void* data, std::size_t size) { source_.read(data, size); }
  // The next `size` bytes if the current buffer holds them all (then they are
  // consumed), or null; lets a string be built from the buffer in one copy.
  const char* read_in_place(std::size_t size) { return source_.read_in_place(size); }
  std::size_t available() const { return source_.available(); }
  template <class X>
  void load_item(std::size_t index, X& item) {
    path_.push_index(index);
    load_override(item);
    path_.pop();
  }
  template <class K, class V>
  void load_entry_value(std::size_t index, const K& key, V& value) {
    if constexpr (std::is_same_v<K, std::string>) {
      path_.push_key(key);
      try {
        load_override(value);
      } catch (...) {
        path_.freeze();  // the key dies with its node as the exception unwinds
        throw;
      }
      path_.pop();
    } else {
      load_item(index, value);
    }
  }
  template <class T>
  T* load_pointer(ownership how, std::shared_ptr<T>* shared = nullptr);
  // The fields of a class registered with RESPAWN_REGISTER (already tracked).
  template <class T>
  void load_registered(T& object) {
    load_fields(object);
  }

  [[noreturn]] void fail(errc code, const std::string& message) const;
  const object_path& path() const { return path_; }

  // ---- Boost's primitive interface, and the entry point of every value.
  template <class T>
  void load(T& value) {
    if constexpr (std::is_arithmetic_v<T>) {
      source_.read(&value, sizeof value);
    } else {
      boost_archive::load(value);  // Boost's own primitives: class ids, versions, ...
    }
  }
  void load(bool& value);
  void load_binary(void* data, std::size_t size) { source_.read(data, size); }

  template <class T>
  void load_override(T& value) {
    if constexpr (has_policy<T>) {
      if (written_type_of<T>().referenceable) track_value(&value, typeid(T));
      load_fields(value);
    } else {
      load_value(value);
    }
  }

 private:
  // What a reference back to an object reads, kept apart from the rest of
  // the object's state: the table each pointer lookup misses into holds 16
  // bytes an object instead of 48 (load_pointer fell from 18% to 7% of a
  // load's samples at 100,000 elements).
  struct loaded_object {
    void* address;
    const std::type_info* type;
  };
  struct object_state {
    void (*destroy)(void*);  // null for objects held by value
    ownership owner;
    bool adopted;  // something that frees it holds it
    bool loading;  // its contents are being read: owning it from inside would be a cycle
  };
  struct after_restore_hook {
    void* object;
    void (*run)(void* object, restore_context& context);
  };

  template <class T>
  void load_value(T& value) {
    if constexpr (std::is_arithmetic_v<T>) {
      load(value);
    } else if constexpr (std::is_enum_v<T>) {
      std::underlying_type_t<T> underlying;
      load(underlying);
      value = static_cast<T>(underlying);
    } else if constexpr (std::is_pointer_v<T>) {
      value = load_pointer<std::remove_cv_t<std::remove_pointer_t<T>>>(ownership::none);
    } else if constexpr (has_value_io<T>) {
      value_io<T>::load(*this, value);
    } else {
      boost_archive::load_override(value);
    }
  }

  template <class T>
  void load_fields(T& object) {
    static_assert(checked_policy<T>());
    depth_scope depth(*this);
    const std::uint32_t version = written_type_of<T>().version;
    constexpr std::size_t field_count = std::tuple_size_v<decltype(policy<T>::fields.items)>;
    [&]<std::size_t... I>(std::index_sequence<I...>) { (load_field<T, I>(object, version), ...); }
    (std::make_index_sequence<field_count>{});
    if constexpr (has_after_restore<T>) {
      hooks_.push_back(
          {&object, [](void* o, restore_context& c) { policy<T>::after_restore(*static_cast<T*>(o), c); }});
    }
  }

  template <class T, std::size_t I>
  void load_field(T& object, std::uint32_t version) {
    constexpr const auto& field = std::get<I>(policy<T>::fields.items);
    using F = std::decay_t<decltype(field)>;
    if constexpr (is_base_field<F>::value) {
      load_fields(static_cast<typename F::base_type&>(object));
    } else if constexpr (requires { F::is_serialize; }) {
      if (field.since_version > version) return;  // written before the field existed
      path_.push_field(field.name);
      load_override(object.*(field.member));
      path_.pop();
    } else if constexpr (requires { F::is_recompute; }) {
      bind_recipe<T, I>(object);
    }
  }

  template <class T, std::size_t I>
  void bind_recipe(T& object);

  template <class T>
  void load_contents(T& object) {
    if constexpr (has_policy<T>) {
      load_fields(object);
    } else {
      depth_scope depth(*this);
      load_value(object);
    }
  }

  // What the file says of a policy type, looked up by name once per type.
  struct written_type {
    std::uint32_t version = 0;
    bool referenceable = true;  // its by-value objects take object ids
    bool known = false;         // looked up
  };
  template <class T>
  const written_type& written_type_of() {
    const std::size_t slot = type_slot<T>();
    if (slot >= written_.size()) written_.resize(slot + 1);
    if (!written_[slot].known) written_[slot] = look_up_written(type_name<T>(), version_of<T>());
    return written_[slot];
  }

  class depth_scope {
   public:
    explicit depth_scope(input_archive& archive) : archive_(archive) {
      if (++archive_.depth_ > archive_.max_depth_) archive_.fail_too_deep();
    }
    ~depth_scope() { --archive_.depth_; }
    depth_scope(const depth_scope&) = delete;
    depth_scope& operator=(const depth_scope&) = delete;

   private:
    input_archive& archive_;
  };

  template <class T>
  T* load_new_object(std::uint64_t id, ownership how, std::shared_ptr<T>* shared);
  template <class T>
  T* as_pointer_to(loaded_object& object);
  void claim(std::uint64_t id, ownership how);
  std::shared_ptr<void>& shared_owner(std::uint64_t id);

  void track_value(void* address, const std::type_info& type);
  std::uint64_t add_object(void* address, const std::type_info& type, void (*destroy)(void*));
  const registered_class* load_class_reference();
  written_type look_up_written(const std::string& type_name, std::uint32_t program_version) const;
  [[noreturn]] void fail_too_deep() const;
  [[noreturn]] void fail_too_many(std::uint64_t size) const;
  void check_every_object_owned();

  byte_source& source_;
  const snapshot_schema& file_schema_;
  std::shared_ptr<restore_context> context_;
  load_options options_;
  object_path path_;
  std::size_t depth_ = 0;
  std::size_t max_depth_;
  std::vector<loaded_object> objects_;                                      // index = object id; 0 is unused
  std::vector<object_state> states_;                                        // likewise
  std::unordered_map<std::uint64_t, std::shared_ptr<void>> shared_owners_;  // by object id
  std::vector<after_restore_hook> hooks_;
  std::vector<written_type> written_;  // by type_slot
  std::vector<const registered_class*> classes_;
};

template <class T, std::size_t I>
void input_archive::bind_recipe(T& object) {
  constexpr const auto& field = std::get<I>(policy<T>::fields.items);
  using V = typename std::decay_t<decltype(field)>::value_type;
  lazy_recipe<V> bound;
  bound.compute = [](const void* owner, restore_context& context) -> V {
    const T& typed = *static_cast<const T*>(owner);
    const auto& recipe = std::get<I>(policy<T>::fields.items).recipe;
    if constexpr (std::is_invocable_v<decltype(recipe), const T&, restore_context&>) {
      return recipe(typed, context);
    } else {
      return recipe(typed);
    }
  };
  auto& member = object.*(field.member);
  bound.owner_offset = reinterpret_cast<const char*>(&member) - reinterpret_cast<const char*>(&object);
  bound.field = field.name;
  bound.context = context_;
  member.bind(std::move(bound));
}

template <class T>
T* input_archive::load_pointer(ownership how, std::shared_ptr<T>* shared) {
  const std::uint64_t reference = source_.read_varint();
  if (reference == null_reference) return nullptr;
  const std::uint64_t id = reference >> 1;
  if ((reference & 1) != 0) return load_new_object<T>(id, how, shared);
  if (id == 0 || id >= objects_.size())
    fail(errc::corrupt, "reference to object #" + std::to_string(id) + ", which does not exist");
  T* pointer = as_pointer_to<T>(objects_[id]);
  if (how != ownership::none) claim(id, how);                // most references are raw pointers: no call
  if (how == ownership::unique) states_[id].adopted = true;  // complete, and the caller takes it now
  if (shared != nullptr) *shared = std::shared_ptr<T>(shared_owner(id), pointer);
  return pointer;
}

template <class T>
T* input_archive::load_new_object(std::uint64_t id, ownership how, std::shared_ptr<T>* shared) {
  if (id != objects_.size()) fail(errc::corrupt, "new object #" + std::to_string(id) + " is out of sequence");
  const registered_class* registered = nullptr;
  if constexpr (std::is_polymorphic_v<T>) registered = load_class_reference();
  T* pointer = nullptr;
  if (registered != nullptr) {
    void* object = registered->create();
    add_object(object, *registered->type, registered->destroy);
    pointer = static_cast<T*>(registered->upcast(object, typeid(T)));
    if (pointer == nullptr) {
      fail(errc::corrupt,
           "a " + registered->name + " is stored where a " + demangled_name(typeid(T)) +
               " is expected, and respawn knows no conversion (name the base with respawn::base)");
    }
    claim(id, how);
    if (shared != nullptr) *shared = std::shared_ptr<T>(shared_owner(id), pointer);
    depth_scope depth(*this);
    states_[id].loading = true;
    registered->load(*this, object);
    states_[id].loading = false;
  } else if constexpr (!std::is_abstract_v<T> && std::is_default_constructible_v<T>) {
    pointer = new T();
    add_object(pointer, typeid(T), [](void* p) { delete static_cast<T*>(p); });
    claim(id, how);
    if (shared != nullptr) *shared = std::shared_ptr<T>(shared_owner(id), pointer);
    states_[id].loading = true;
    load_contents(*pointer);
    states_[id].loading = false;
  } else {
    fail(errc::corrupt,
         "an object of abstract type " + demangled_name(typeid(T)) + " is stored without its class");
  }
  if (how == ownership::unique) states_[id].adopted = true;  // complete, and the caller takes it now
  return pointer;
}

template <class T>
T* input_archive::as_pointer_to(loaded_object& object) {
  if (*object.type == typeid(T)) return static_cast<T*>(object.address);
  if constexpr (std::is_polymorphic_v<T>) {
    if (const registered_class* registered = find_class(*object.type)) {
      if (void* pointer = registered->upcast(object.address, typeid(T))) return static_cast<T*>(pointer);
    }
  }
  fail(errc::corrupt, "a pointer to " + demangled_name(typeid(T)) + " refers to an object of type " +
                          demangled_name(*object.type));
}

}  // namespace respawn::detail
