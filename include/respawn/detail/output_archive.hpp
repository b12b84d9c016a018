// The archive respawn writes snapshots with. It is a Boost binary archive, so
// types with a hand-written Boost.Serialization function work unchanged, but it
// walks policy types, standard types and pointers itself: writing straight into
// the frame buffer, tracking pointer identity in one hash table, and naming
// the object path in every error.
#pragma once

#include <boost/archive/binary_oarchive_impl.hpp>
#include <cstdint>
#include <deque>
#include <streambuf>
#include <string>
#include <type_traits>
#include <typeinfo>
#include <unordered_map>
#include <vector>

#include "respawn/detail/byte_stream.hpp"
#include "respawn/detail/object_path.hpp"
#include "respawn/detail/object_table.hpp"
#include "respawn/detail/ownership.hpp"
#include "respawn/detail/policy_traits.hpp"
#include "respawn/detail/registry.hpp"
#include "respawn/detail/tracked_types.hpp"
#include "respawn/detail/type_name.hpp"
#include "respawn/detail/value_io.hpp"
#include "respawn/error.hpp"
#include "respawn/options.hpp"
#include "respawn/types/string.hpp"

namespace respawn::detail {

// Boost's primitive layer writes a few things (arrays of primitives) straight
// to its stream buffer; this one forwards them to the byte sink.
class sink_streambuf final : public std::streambuf {
 public:
  explicit sink_streambuf(byte_sink& sink) : sink_(sink) {}

 protected:
  std::streamsize xsputn(const char* data, std::streamsize size) override;
  int_type overflow(int_type c) override;

 private:
  byte_sink& sink_;
};

struct output_stream_holder {
  explicit output_stream_holder(byte_sink& sink) : streambuf(sink) {}
  sink_streambuf streambuf;
};

class output_archive
    : private output_stream_holder,
      public boost::archive::binary_oarchive_impl<output_archive, char, std::char_traits<char>> {
  using boost_archive = boost::archive::binary_oarchive_impl<output_archive, char, std::char_traits<char>>;
  friend class boost::archive::detail::interface_oarchive<output_archive>;
  friend class boost::archive::basic_binary_oarchive<output_archive>;
  friend class boost::archive::basic_binary_oprimitive<output_archive, char, std::char_traits<char>>;
  friend class boost::archive::save_access;

 public:
  // `name` is the file or descriptor, `root_name` the root type's schema name;
  // `tracked` the policy types whose by-value objects pointers may refer to.
  output_archive(byte_sink& sink, std::string name, std::string root_name, const tracked_types& tracked,
                 const save_options& options);

  template <class T>
  void save_root(const T& root) {
    save_override(root);
    check_every_object_owned();
  }

  // ---- For value_io specializations (respawn/types/*.hpp).
  void write_size(std::uint64_t size) { sink_.write_varint(size); }
  void write_bytes(const void* data, std::size_t size) { sink_.write(data, size); }
  // Leaf values (value_io.hpp) are written without a path segment: only the
  // file can fail under them, and the push is most of writing a short string.
  template <class X>
  void save_item(std::size_t index, const X& item) {
    if constexpr (leaf_value<X>) {
      save_value(item);
    } else {
      path_.push_index(index);
      save_override(item);
      path_.pop();
    }
  }
  template <class K, class V>
  void save_entry(std::size_t index, const K& key, const V& value) {
    save_item(index, key);
    if constexpr (std::is_same_v<K, std::string> && !leaf_value<V>) {
      path_.push_key(key);
      save_override(value);
      path_.pop();
    } else {
      save_item(index, value);
    }
  }
  template <class T>
  void save_pointer(const T* pointer, ownership how);
  // Before a run of pointers is saved: warms the table slots they will need.
  template <class T>
  void prefetch_pointers(const T* const* pointers, std::size_t count) const {
    if constexpr (!std::is_polymorphic_v<T>) {  // a polymorphic key needs the object itself
      for (std::size_t i = 0; i < count; ++i) objects_.prefetch(pointers[i]);
    }
  }
  // The fields of a class registered with RESPAWN_REGISTER (already tracked).
  template <class T>
  void save_registered(const T& object) {
    save_fields(object);
  }

  [[noreturn]] void fail(errc code, const std::string& message) const;

  // Per-type and per-field costs, when save_options::measure_costs is set.
  std::vector<type_cost> take_costs();

  // ---- Boost's primitive interface, and the entry point of every value.
  template <class T>
  void save(const T& value) {
    if constexpr (std::is_same_v<T, long double>) {
      save_long_double(value);
    } else if constexpr (std::is_arithmetic_v<T>) {
      sink_.write(&value, sizeof value);
    } else {
      boost_archive::save(value);  // Boost's own primitives: class ids, versions, ...
    }
  }
  void save_binary(const void* data, std::size_t size) { sink_.write(data, size); }

  template <class T>
  void save_override(const T& value) {
    if constexpr (has_policy<T>) {
      // Only a by-value object a pointer may refer to takes an id; the schema
      // marks its type referenceable so that the reader counts the same.
      if (tracked_.contains(type_slot<T>())) track_value(&value, typeid(T));
      save_fields(value);
    } else {
      save_value(value);
    }
  }

 private:
  struct object_record {
    std::uint64_t id;
    ownership owner;
  };

  template <class T>
  void save_value(const T& value) {
    if constexpr (std::is_arithmetic_v<T>) {
      save(value);
    } else if constexpr (std::is_enum_v<T>) {
      save(static_cast<std::underlying_type_t<T>>(value));
    } else if constexpr (std::is_pointer_v<T>) {
      save_pointer(value, ownership::none);
    } else if constexpr (has_value_io<T>) {
      value_io<T>::save(*this, value);
    } else {
      boost_archive::save_override(value);
    }
  }

  // A policy object's fields, without tracking (the caller tracked it).
  template <class T>
  void save_fields(const T& object) {
    static_assert(checked_policy<T>());
    depth_scope depth(*this);
    type_cost* cost = measure_costs_ ? &cost_of<T>() : nullptr;
    const std::uint64_t start = cost != nullptr ? sink_.bytes_written() : 0;
    std::size_t written_field = 0;
    for_each_field<T>([&](const auto& field) {
      using F = std::decay_t<decltype(field)>;
      const std::uint64_t before = cost != nullptr ? sink_.bytes_written() : 0;
      if constexpr (is_base_field<F>::value) {
        save_fields(static_cast<const typename F::base_type&>(object));
      } else if constexpr (requires { F::is_serialize; }) {
        using member_type = std::remove_cvref_t<decltype(object.*(field.member))>;
        if constexpr (leaf_value<member_type>) {
          save_value(object.*(field.member));
        } else {
          path_.push_field(field.name);
          save_override(object.*(field.member));
          path_.pop();
        }
      } else {
        return;  // recompute and exclude fields write nothing
      }
      if (cost != nullptr) cost->fields[written_field].bytes += sink_.bytes_written() - before;
      ++written_field;
    });
    if (cost != nullptr) {
      ++cost->objects;
      cost->bytes += sink_.bytes_written() - start;
    }
  }

  // The cost record of T, made on first use with T's written fields.
  template <class T>
  type_cost& cost_of() {
    const std::size_t slot = type_slot<T>();
    if (slot >= costs_by_slot_.size()) costs_by_slot_.resize(slot + 1, nullptr);
    if (costs_by_slot_[slot] == nullptr) {
      type_cost& cost = costs_.emplace_back();
      cost.type = type_name<T>();
      for_each_field<T>([&](const auto& field) {
        using F = std::decay_t<decltype(field)>;
        if constexpr (is_base_field<F>::value) {
          cost.fields.push_back({"base " + type_name<typename F::base_type>(), 0});
        } else if constexpr (requires { F::is_serialize; }) {
          cost.fields.push_back({field.name, 0});
        }
      });
      costs_by_slot_[slot] = &cost;
    }
    return *costs_by_slot_[slot];
  }

  template <class T>
  void save_contents(const T& object) {
    if constexpr (has_policy<T>) {
      save_fields(object);
    } else {
      depth_scope depth(*this);
      save_value(object);
    }
  }

  class depth_scope {
   public:
    explicit depth_scope(output_archive& archive) : archive_(archive) {
      if (++archive_.depth_ > archive_.max_depth_) archive_.fail_too_deep();
    }
    ~depth_scope() { --archive_.depth_; }
    depth_scope(const depth_scope&) = delete;
    depth_scope& operator=(const depth_scope&) = delete;

   private:
    output_archive& archive_;
  };

  // Writes the value bytes of a long double and zeros for its padding (six
  // bytes on x86-64), which would otherwise carry whatever memory held.
  void save_long_double(long double value);
  void track_value(const void* address, const std::type_info& type);
  // Returns the record and whether the object is seen for the first time.
  std::pair<object_record, bool> track_pointer(const void* address, const std::type_info& type,
                                               ownership how);
  // Only the ids of recorded objects must fit the table; one beyond it would
  // need more objects than any memory holds, but is refused rather than wrapped.
  void check_id_fits() const {
    if (next_id_ > object_table::max_id) [[unlikely]]
      fail_too_many_objects();
  }
  [[noreturn]] void fail_too_many_objects() const;
  void save_class_reference(const registered_class* registered);
  [[noreturn]] void fail_too_deep() const;
  [[noreturn]] void fail_unregistered(const std::type_info& dynamic, const std::type_info& pointer) const;
  void check_every_object_owned() const;

  byte_sink& sink_;
  std::string name_;
  object_path path_;
  std::size_t depth_ = 0;
  std::size_t max_depth_;
  std::uint64_t next_id_ = 1;
  const tracked_types& tracked_;
  object_table objects_;
  std::unordered_map<std::uint64_t, std::string> unowned_;  // id -> path of the raw pointer that wrote it
  std::unordered_map<const registered_class*, std::uint32_t> class_references_;
  bool measure_costs_;
  std::deque<type_cost> costs_;            // stable addresses for costs_by_slot_
  std::vector<type_cost*> costs_by_slot_;  // by type_slot
};

template <class T>
void output_archive::save_pointer(const T* pointer, ownership how) {
  if (pointer == nullptr) {
    sink_.write_varint(null_reference);
    return;
  }
  const void* address = pointer;
  const std::type_info* type = &typeid(T);
  const registered_class* registered = nullptr;
  if constexpr (std::is_polymorphic_v<T>) {
    const std::type_info& dynamic = typeid(*pointer);
    if (dynamic != typeid(T)) {
      registered = find_class(dynamic);
      if (registered == nullptr) fail_unregistered(dynamic, typeid(T));
      address = dynamic_cast<const void*>(pointer);
      type = &dynamic;
    }
  }
  const auto [record, first_time] = track_pointer(address, *type, how);
  if (!first_time) {
    sink_.write_varint(record.id << 1);
    return;
  }
  sink_.write_varint((record.id << 1) | 1);
  if constexpr (std::is_polymorphic_v<T>) save_class_reference(registered);
  if (registered != nullptr) {
    depth_scope depth(*this);
    registered->save(*this, address);
  } else {
    save_contents(*pointer);
  }
}

}  // namespace respawn::detail
