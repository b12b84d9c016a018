#include "respawn/detail/output_archive.hpp"

// Boost's binary archive templates, instantiated for respawn's archive the
// way Boost instantiates them for its own.
#include <boost/archive/impl/archive_serializer_map.ipp>
#include <boost/archive/impl/basic_binary_oarchive.ipp>
#include <boost/archive/impl/basic_binary_oprimitive.ipp>
#include <cstring>
#include <iterator>
#include <limits>

#include "respawn/detail/type_name.hpp"

namespace boost::archive {
template class detail::archive_serializer_map<respawn::detail::output_archive>;
template class basic_binary_oprimitive<respawn::detail::output_archive, char, std::char_traits<char>>;
template class basic_binary_oarchive<respawn::detail::output_archive>;
template class binary_oarchive_impl<respawn::detail::output_archive, char, std::char_traits<char>>;
}  // namespace boost::archive

namespace respawn::detail {

std::streamsize sink_streambuf::xsputn(const char* data, std::streamsize size) {
  sink_.write(data, static_cast<std::size_t>(size));
  return size;
}

sink_streambuf::int_type sink_streambuf::overflow(int_type c) {
  if (!traits_type::eq_int_type(c, traits_type::eof())) {
    const char byte = traits_type::to_char_type(c);
    sink_.write(&byte, 1);
  }
  return traits_type::not_eof(c);
}

output_archive::output_archive(byte_sink& sink, std::string name, std::string root_name,
                               const tracked_types& tracked, const save_options& options)
    : output_stream_holder(sink),
      boost_archive(streambuf, boost::archive::no_header | boost::archive::no_codecvt),
      sink_(sink),
      name_(std::move(name)),
      path_(std::move(root_name)),
      max_depth_(options.max_depth),
      tracked_(tracked),
      measure_costs_(options.measure_costs) {}

std::vector<type_cost> output_archive::take_costs() {
  std::vector<type_cost> costs(std::make_move_iterator(costs_.begin()),
                               std::make_move_iterator(costs_.end()));
  costs_.clear();
  costs_by_slot_.clear();
  return costs;
}

void output_archive::fail(errc code, const std::string& message) const {
  throw error(code, name_ + ": " + path_.str() + ": " + message);
}

void output_archive::fail_too_deep() const {
  fail(errc::policy_violation, "objects nest deeper than save_options::max_depth (" +
                                   std::to_string(max_depth_) +
                                   "); a long chain of owning pointers should be a container");
}

void output_archive::fail_unregistered(const std::type_info& dynamic, const std::type_info& pointer) const {
  fail(errc::policy_violation, "the object is a " + demangled_name(dynamic) +
                                   ", reached through a pointer to " + demangled_name(pointer) +
                                   "; register it with RESPAWN_REGISTER(" + demangled_name(dynamic) +
                                   ", \"stable-name\")");
}

void output_archive::save_long_double(long double value) {
  // x87 extended precision has a 64-bit significand: 10 value bytes.
  constexpr std::size_t value_bytes =
      std::numeric_limits<long double>::digits == 64 ? 10 : sizeof(long double);
  char bytes[sizeof(long double)] = {};
  std::memcpy(bytes, &value, value_bytes);
  sink_.write(bytes, sizeof bytes);
}

void output_archive::track_value(const void* address, const std::type_info& type) {
  check_id_fits();
  bool inserted = false;
  objects_.find_or_insert(address, type, next_id_, ownership::value, inserted);
  if (!inserted) {
    fail(errc::policy_violation,
         "this object was already written through a pointer; write the field that owns an object before "
         "any pointer to it");
  }
  ++next_id_;
}

std::pair<output_archive::object_record, bool> output_archive::track_pointer(const void* address,
                                                                             const std::type_info& type,
                                                                             ownership how) {
  check_id_fits();
  bool inserted = false;
  object_table::entry& record = objects_.find_or_insert(address, type, next_id_, how, inserted);
  if (inserted) {
    if (how == ownership::none) unowned_.emplace(next_id_, path_.str());
    ++next_id_;
    return {{record.id(), how}, true};
  }
  if (how == ownership::none || (how == ownership::shared && record.owner() == ownership::shared)) {
    return {{record.id(), record.owner()}, false};
  }
  if (record.owner() != ownership::none) {
    fail(errc::policy_violation, "the object has two owners (a unique_ptr or shared_ptr, and another owner)");
  }
  record.set_owner(how);
  unowned_.erase(record.id());
  return {{record.id(), how}, false};
}

void output_archive::fail_too_many_objects() const {
  fail(errc::limit_exceeded, "more than " + std::to_string(object_table::max_id) + " objects");
}

void output_archive::save_class_reference(const registered_class* registered) {
  if (registered == nullptr) {
    sink_.write_varint(0);
    return;
  }
  const auto [found, inserted] =
      class_references_.try_emplace(registered, static_cast<std::uint32_t>(class_references_.size() + 1));
  sink_.write_varint(found->second);
  if (inserted) save_override(registered->name);
}

void output_archive::check_every_object_owned() const {
  if (unowned_.empty()) return;
  auto first = unowned_.begin();
  for (auto it = unowned_.begin(); it != unowned_.end(); ++it) {
    if (it->first < first->first) first = it;
  }
  throw error(
      errc::policy_violation,
      name_ + ": " + first->second +
          ": a raw pointer points to an object that nothing in the snapshot owns; raw pointers must "
          "point to objects owned elsewhere in the graph, by a unique_ptr or shared_ptr, or by value as "
          "an object of a type with a respawn::policy (by-value objects of other types, such as a "
          "std::string in a vector, are not tracked)");
}

}  // namespace respawn::detail
