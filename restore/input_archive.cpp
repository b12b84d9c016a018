#include "respawn/detail/input_archive.hpp"

// Boost's binary archive templates, instantiated for respawn's archive the
// way Boost instantiates them for its own.
#include <boost/archive/impl/archive_serializer_map.ipp>
#include <boost/archive/impl/basic_binary_iarchive.ipp>
#include <boost/archive/impl/basic_binary_iprimitive.ipp>

namespace boost::archive {
template class detail::archive_serializer_map<respawn::detail::input_archive>;
template class basic_binary_iprimitive<respawn::detail::input_archive, char, std::char_traits<char>>;
template class basic_binary_iarchive<respawn::detail::input_archive>;
template class binary_iarchive_impl<respawn::detail::input_archive, char, std::char_traits<char>>;
}  // namespace boost::archive

namespace respawn::detail {

std::streamsize source_streambuf::xsgetn(char* data, std::streamsize size) {
  source_.read(data, static_cast<std::size_t>(size));
  return size;
}

source_streambuf::int_type source_streambuf::underflow() {
  source_.read(&last_, 1);
  setg(&last_, &last_, &last_ + 1);
  return traits_type::to_int_type(last_);
}

input_archive::input_archive(byte_source& source, const snapshot_schema& file_schema,
                             std::uint32_t boost_archive_version, std::shared_ptr<restore_context> context,
                             const load_options& options)
    : input_stream_holder(source),
      boost_archive(streambuf, boost::archive::no_header | boost::archive::no_codecvt),
      source_(source),
      file_schema_(file_schema),
      context_(std::move(context)),
      options_(options),
      path_(file_schema.root_type),
      max_depth_(options.max_depth),
      objects_(1),  // id 0 is the null reference
      states_(1) {
  set_library_version(boost::serialization::library_version_type(boost_archive_version));
}

input_archive::~input_archive() {
  for (std::size_t id = 1; id < objects_.size(); ++id) {
    if (!states_[id].adopted && states_[id].destroy != nullptr) states_[id].destroy(objects_[id].address);
  }
}

void input_archive::fail(errc code, const std::string& message) const {
  throw error(code, source_.name() + ": " + path_.str() + ": " + message);
}

void input_archive::fail_too_deep() const {
  fail(errc::limit_exceeded,
       "objects nest deeper than load_options::max_depth (" + std::to_string(max_depth_) + ")");
}

void input_archive::load(bool& value) {
  std::uint8_t byte = 0;
  load(byte);
  if (byte > 1) fail(errc::corrupt, "a bool holds " + std::to_string(byte));
  value = byte != 0;
}

void input_archive::fail_too_many(std::uint64_t size) const {
  fail(errc::limit_exceeded, "a container or string claims " + std::to_string(size) +
                                 " elements, above load_options::max_container_elements (" +
                                 std::to_string(options_.max_container_elements) + ")");
}

void input_archive::check_allocation(std::uint64_t count, std::size_t size) const {
  const std::uint64_t budget = options_.max_raw_bytes;
  if (size != 0 && count > budget / size) {
    fail(errc::limit_exceeded, "a container claims " + std::to_string(count) + " elements of " +
                                   std::to_string(size) + " bytes, above load_options::max_raw_bytes (" +
                                   std::to_string(budget) + ")");
  }
}

void input_archive::track_value(void* address, const std::type_info& type) {
  objects_.push_back({address, &type});
  states_.push_back({nullptr, ownership::value, true, false});
}

std::uint64_t input_archive::add_object(void* address, const std::type_info& type, void (*destroy)(void*)) {
  objects_.push_back({address, &type});
  states_.push_back({destroy, ownership::none, false, false});
  return objects_.size() - 1;
}

void input_archive::claim(std::uint64_t id, ownership how) {
  if (how == ownership::none) return;
  object_state& object = states_[id];
  if (how == ownership::shared && object.owner == ownership::shared) return;
  if (object.owner != ownership::none) {
    fail(errc::corrupt, "object #" + std::to_string(id) + " has two owners");
  }
  if (how == ownership::unique && object.loading) {
    fail(errc::corrupt, "object #" + std::to_string(id) + " would own itself through a unique_ptr inside it");
  }
  object.owner = how;
}

std::shared_ptr<void>& input_archive::shared_owner(std::uint64_t id) {
  std::shared_ptr<void>& owner = shared_owners_[id];
  if (!owner) {
    owner = std::shared_ptr<void>(objects_[id].address, states_[id].destroy);
    states_[id].adopted = true;
  }
  return owner;
}

const registered_class* input_archive::load_class_reference() {
  const std::uint64_t reference = source_.read_varint();
  if (reference == 0) return nullptr;
  if (reference <= classes_.size()) return classes_[reference - 1];
  if (reference != classes_.size() + 1)
    fail(errc::corrupt, "class reference " + std::to_string(reference) + " is out of sequence");
  std::string name;
  load_override(name);
  const registered_class* registered = find_class(name);
  if (registered == nullptr) {
    fail(errc::type_mismatch, "the snapshot holds a class registered as \"" + name +
                                  "\", which this program does not register (RESPAWN_REGISTER)");
  }
  classes_.push_back(registered);
  return registered;
}

// A type the schema does not list is one the writer reached only through a
// hand-written Boost serialize function, which makes it give every by-value
// object an id (tracked_types.hpp): referenceable.
input_archive::written_type input_archive::look_up_written(const std::string& type_name,
                                                           std::uint32_t program_version) const {
  const type_schema* written = file_schema_.find(type_name);
  if (written == nullptr) return {program_version, true, true};
  return {written->version, written->referenceable, true};
}

void input_archive::check_every_object_owned() {
  for (std::size_t id = 1; id < objects_.size(); ++id) {
    if (states_[id].owner == ownership::none) {
      fail(errc::corrupt,
           "object #" + std::to_string(id) + " is reached only through raw pointers; nothing owns it");
    }
  }
}

void input_archive::run_after_restore_hooks() {
  for (const after_restore_hook& hook : hooks_) hook.run(hook.object, *context_);
}

}  // namespace respawn::detail
