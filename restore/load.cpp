// load() and verify(): the container checks, the schema check, and the error
// context around a failed load.
#include <fcntl.h>
#include <unistd.h>

#include <boost/archive/archive_exception.hpp>
#include <cerrno>
#include <cstring>
#include <new>

#include "respawn/snapshot.hpp"
#include "restore/frame_reader.hpp"

namespace respawn::detail {

namespace {

std::vector<std::string> written_fields(const type_schema& type, std::uint32_t version) {
  std::vector<std::string> names;
  for (const field_schema& field : type.fields) {
    if (field.policy == field_policy::base) names.push_back("base " + field.name);
    if (field.policy == field_policy::serialize && field.since <= version) names.push_back(field.name);
  }
  return names;
}

std::string join(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& name : names) text += (text.empty() ? "" : ", ") + name;
  return "(" + text + ")";
}

// The snapshot must be of the expected root type, and each type the program
// knows must have been written at a version it knows, with the fields that
// version had.
void check_schema(const std::string& input, const snapshot_schema& file, const snapshot_schema& program) {
  if (file.root_type != program.root_type) {
    throw error(errc::type_mismatch,
                input + ": the snapshot's root is a " + file.root_type + ", not a " + program.root_type);
  }
  for (const type_schema& known : program.types) {
    const type_schema* written = file.find(known.name);
    if (written == nullptr) continue;
    if (written->version > known.version) {
      throw error(errc::unsupported_version,
                  input + ": " + known.name + " was written at version " + std::to_string(written->version) +
                      "; this program knows up to " + std::to_string(known.version));
    }
    const auto expected = written_fields(known, written->version);
    const auto found = written_fields(*written, written->version);
    if (expected != found) {
      throw error(errc::type_mismatch, input + ": " + known.name + " version " +
                                           std::to_string(written->version) + " was written with fields " +
                                           join(found) + ", but this program's policy " + "gives " +
                                           join(expected) + " (bump policy<T>::version and use .since)");
    }
  }
}

}  // namespace

struct load_session::impl {
  impl(int fd, std::string name, const snapshot_schema& expected, const load_options& options)
      : reader(fd, std::move(name), options),
        context(options.context != nullptr
                    ? std::shared_ptr<restore_context>(std::shared_ptr<void>(), options.context)
                    : std::make_shared<restore_context>()),
        archive((check_schema(reader.name(), reader.file_header().schema, expected), reader),
                reader.file_header().schema, reader.file_header().boost_archive_version, context, options) {}

  format::frame_reader reader;
  std::shared_ptr<restore_context> context;
  input_archive archive;
};

load_session::load_session(int fd, std::string name, const snapshot_schema& expected,
                           const load_options& options)
    : impl_(std::make_unique<impl>(fd, std::move(name), expected, options)) {}

load_session::~load_session() = default;

input_archive& load_session::archive() { return impl_->archive; }

void load_session::finish(void* root, const std::type_info& root_type) {
  impl_->reader.finish();
  impl_->context->set_root(root, root_type);
  impl_->archive.run_after_restore_hooks();
}

void load_session::rethrow_with_context() {
  const std::string& name = impl_->reader.name();
  // The path still shows where the exception left the archive (object_path.hpp).
  const std::string where = impl_->archive.path().depth() > 0 ? impl_->archive.path().failure() : "";
  const std::string at = where.empty() ? "" : " (at " + where + ")";
  try {
    throw;
  } catch (const error& e) {
    if (at.empty() || std::strstr(e.what(), where.c_str()) != nullptr) throw;
    throw error(e.code(), e.what() + at);
  } catch (const boost::archive::archive_exception& e) {
    throw error(errc::corrupt, name + at + ": " + e.what());
  } catch (const std::bad_alloc&) {
    throw error(errc::limit_exceeded, name + at + ": out of memory while building objects");
  }
}

input_file::input_file(const std::filesystem::path& file) : fd_(::open(file.c_str(), O_RDONLY | O_CLOEXEC)) {
  if (fd_ < 0) throw error(errc::io_error, file.string() + ": cannot open: " + std::strerror(errno));
}

input_file::~input_file() { ::close(fd_); }

}  // namespace respawn::detail

namespace respawn {

snapshot_info verify(const std::filesystem::path& file, const load_options& options) {
  detail::input_file input(file);
  return format::verify(input.fd(), file.string(), options);
}

snapshot_info verify(int fd, const load_options& options) {
  return format::verify(fd, detail::descriptor_name(fd), options);
}

}  // namespace respawn
