// save(): the container around the payload, and atomic replacement of a file.
#include <boost/archive/basic_archive.hpp>

#include "respawn/snapshot.hpp"
#include "snapshot/atomic_file.hpp"
#include "snapshot/frame_writer.hpp"

namespace respawn::detail {

struct save_session::impl {
  impl(int fd, std::string name, const graph_description& graph, const save_options& options,
       format::destination where)
      : writer(
            fd, name,
            format::header{static_cast<std::uint32_t>(boost::archive::BOOST_ARCHIVE_VERSION()), graph.schema},
            options, where),
        archive(writer, std::move(name), graph.schema.root_type, graph.tracked, options) {}

  format::frame_writer writer;
  output_archive archive;
};

save_session::save_session(int fd, std::string name, const graph_description& graph,
                           const save_options& options)
    : impl_(std::make_unique<impl>(fd, std::move(name), graph, options, format::destination::stream)) {}

save_session::save_session(std::unique_ptr<impl> session) : impl_(std::move(session)) {}

save_session::~save_session() = default;

output_archive& save_session::archive() { return impl_->archive; }

snapshot_info save_session::finish() {
  snapshot_info info = impl_->writer.finish();
  info.costs = impl_->archive.take_costs();
  return info;
}

snapshot_info save_to_file(const std::filesystem::path& file, const graph_description& graph,
                           const save_options& options, void (*write)(output_archive&, const void*),
                           const void* root) {
  atomic_file output(file);
  save_session session(std::make_unique<save_session::impl>(output.fd(), file.string(), graph, options,
                                                            format::destination::file_to_sync));
  write(session.archive(), root);
  snapshot_info info = session.finish();
  output.commit();
  return info;
}

std::string descriptor_name(int fd) { return "fd " + std::to_string(fd); }

}  // namespace respawn::detail
