// Saving an object graph to a snapshot and loading it back, through a file or
// an open descriptor (a pipe, a memfd, a socket). docs/format.md describes the
// bytes; docs/policies.md which fields travel.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <typeinfo>

#include "respawn/detail/input_archive.hpp"
#include "respawn/detail/output_archive.hpp"
#include "respawn/detail/schema_builder.hpp"
#include "respawn/options.hpp"

namespace respawn {

namespace detail {

// The parts of a save that do not depend on the root's type: the container
// around the payload, written to `fd` as `name` says in errors.
class save_session {
 public:
  save_session(int fd, std::string name, const graph_description& graph, const save_options& options);
  ~save_session();
  save_session(const save_session&) = delete;
  save_session& operator=(const save_session&) = delete;

  output_archive& archive();
  snapshot_info finish();

 private:
  struct impl;
  explicit save_session(std::unique_ptr<impl> session);
  // Saves to a file it then makes durable, which lets the session start the
  // file's write-back early.
  friend snapshot_info save_to_file(const std::filesystem::path& file, const graph_description& graph,
                                    const save_options& options, void (*write)(output_archive&, const void*),
                                    const void* root);
  std::unique_ptr<impl> impl_;
};

// The parts of a load that do not depend on the root's type: reading and
// checking the header against the program's schema, the trailer, the hooks.
class load_session {
 public:
  load_session(int fd, std::string name, const snapshot_schema& expected, const load_options& options);
  ~load_session();
  load_session(const load_session&) = delete;
  load_session& operator=(const load_session&) = delete;

  input_archive& archive();
  // Checks the trailer, then runs the after_restore hooks with `root` set.
  void finish(void* root, const std::type_info& root_type);
  // Rethrows the exception in flight as a respawn::error naming the input
  // and the object path where it happened.
  [[noreturn]] void rethrow_with_context();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

std::string descriptor_name(int fd);

// Opens a snapshot for reading; closes it on destruction.
class input_file {
 public:
  explicit input_file(const std::filesystem::path& file);
  ~input_file();
  input_file(const input_file&) = delete;
  input_file& operator=(const input_file&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

snapshot_info save_to_file(const std::filesystem::path& file, const graph_description& graph,
                           const save_options& options, void (*write)(output_archive&, const void*),
                           const void* root);

template <class T>
snapshot_info save_named(const T& root, int fd, std::string name, const save_options& options) {
  save_session session(fd, std::move(name), describe_graph<T>(), options);
  session.archive().save_root(root);
  return session.finish();
}

template <class T>
std::unique_ptr<T> load_named(int fd, std::string name, const load_options& options) {
  load_session session(fd, std::move(name), schema_of<T>(), options);
  std::unique_ptr<T> root;
  try {
    root = std::make_unique<T>();
    session.archive().load_root(*root);
    session.finish(root.get(), typeid(T));
  } catch (...) {
    root.reset();  // frees what was built before the archive frees what nothing adopted
    session.rethrow_with_context();
  }
  return root;
}

}  // namespace detail

// Writes root (and everything its serialize fields reach) to `file`, atomically:
// readers see the old file or the complete new one. New files get mode 0600.
template <class T>
snapshot_info save(const T& root, const std::filesystem::path& file, const save_options& options = {}) {
  return detail::save_to_file(
      file, detail::describe_graph<T>(), options,
      [](detail::output_archive& archive, const void* object) {
        archive.save_root(*static_cast<const T*>(object));
      },
      &root);
}

// Writes the snapshot to an open descriptor, from its current position.
template <class T>
snapshot_info save(const T& root, int fd, const save_options& options = {}) {
  return detail::save_named(root, fd, detail::descriptor_name(fd), options);
}

template <class T>
std::unique_ptr<T> load(const std::filesystem::path& file, const load_options& options = {}) {
  detail::input_file input(file);
  return detail::load_named<T>(input.fd(), file.string(), options);
}

// Reads exactly one snapshot from the descriptor, never past its end.
template <class T>
std::unique_ptr<T> load(int fd, const load_options& options = {}) {
  return detail::load_named<T>(fd, detail::descriptor_name(fd), options);
}

// Checks every hash and size of a snapshot without building objects.
snapshot_info verify(const std::filesystem::path& file, const load_options& options = {});
snapshot_info verify(int fd, const load_options& options = {});

}  // namespace respawn
