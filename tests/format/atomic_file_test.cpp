#include "snapshot/atomic_file.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "format/fd_io.hpp"
#include "format_test_util.hpp"

namespace respawn::detail {
namespace {

namespace fs = std::filesystem;
using format::testing::error_code_of;

class AtomicFile : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "respawn-atomic-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    folder_ = pattern;
  }
  void TearDown() override { fs::remove_all(folder_); }

  std::vector<std::string> entries() const {
    std::vector<std::string> names;
    for (const fs::directory_entry& entry : fs::directory_iterator(folder_)) {
      names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  static std::string contents(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
  }

  static void write(const atomic_file& file, const std::string& text) {
    format::write_all(file.fd(), text.data(), text.size(), "test");
  }

  fs::path folder_;
};

TEST_F(AtomicFile, TemporaryIsHiddenBesideTheTargetWithMode0600) {
  const mode_t old_mask = ::umask(0);  // mkostemp alone would honour the umask
  atomic_file file(folder_ / "state.snap");
  ::umask(old_mask);
  struct stat info;
  ASSERT_EQ(::fstat(file.fd(), &info), 0);
  EXPECT_EQ(info.st_mode & 07777, 0600u);
  const std::vector<std::string> names = entries();
  ASSERT_EQ(names.size(), 1u);
  EXPECT_EQ(names[0].rfind(".state.snap.tmp-", 0), 0u) << names[0];
  EXPECT_FALSE(fs::exists(folder_ / "state.snap"));
  EXPECT_NE(::fcntl(file.fd(), F_GETFD) & FD_CLOEXEC, 0);
}

TEST_F(AtomicFile, DestructionWithoutCommitRemovesTheTemporary) {
  { atomic_file file(folder_ / "state.snap"); }
  EXPECT_TRUE(entries().empty());
}

TEST_F(AtomicFile, DestructionWithoutCommitKeepsTheOldTarget) {
  { std::ofstream(folder_ / "state.snap") << "old"; }
  {
    atomic_file file(folder_ / "state.snap");
    write(file, "half of the new");
  }
  EXPECT_EQ(entries(), std::vector<std::string>{"state.snap"});
  EXPECT_EQ(contents(folder_ / "state.snap"), "old");
}

TEST_F(AtomicFile, CommitReplacesTheTarget) {
  { std::ofstream(folder_ / "state.snap") << "old contents"; }
  fs::permissions(folder_ / "state.snap",
                  fs::perms::owner_read | fs::perms::owner_write | fs::perms::others_read);
  {
    atomic_file file(folder_ / "state.snap");
    write(file, "new");
    file.commit();
  }
  EXPECT_EQ(entries(), std::vector<std::string>{"state.snap"});
  EXPECT_EQ(contents(folder_ / "state.snap"), "new");
  struct stat info;
  ASSERT_EQ(::stat((folder_ / "state.snap").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 07777, 0600u);
}

TEST_F(AtomicFile, RelativeTargetUsesTheWorkingFolder) {
  const fs::path previous = fs::current_path();
  fs::current_path(folder_);
  {
    atomic_file file("here.snap");
    write(file, "x");
    file.commit();
  }
  fs::current_path(previous);
  EXPECT_EQ(contents(folder_ / "here.snap"), "x");
}

TEST_F(AtomicFile, MissingFolderIsAnIoErrorNamingThePath) {
  const fs::path target = folder_ / "missing" / "state.snap";
  std::string message;
  EXPECT_EQ(error_code_of([&] { atomic_file file(target); }, &message), errc::io_error);
  EXPECT_EQ(message.rfind(target.string() + ": ", 0), 0u) << message;
  EXPECT_NE(message.find("No such file or directory"), std::string::npos) << message;
}

TEST_F(AtomicFile, UnwritableFolderIsAnIoError) {
  if (::geteuid() == 0) GTEST_SKIP() << "root writes into any folder";
  fs::permissions(folder_, fs::perms::owner_read | fs::perms::owner_exec);
  std::string message;
  EXPECT_EQ(error_code_of([&] { atomic_file file(folder_ / "state.snap"); }, &message), errc::io_error);
  fs::permissions(folder_, fs::perms::owner_all);
  EXPECT_NE(message.find("Permission denied"), std::string::npos) << message;
}

TEST_F(AtomicFile, TargetWithoutAFileNameIsAnIoError) {
  EXPECT_EQ(error_code_of([&] { atomic_file file(folder_ / ""); }), errc::io_error);
}

TEST_F(AtomicFile, RenameOntoAFolderFailsAndLeavesNoTemporary) {
  fs::create_directory(folder_ / "state.snap");
  fs::create_directory(folder_ / "state.snap" / "occupied");
  {
    atomic_file file(folder_ / "state.snap");
    std::string message;
    EXPECT_EQ(error_code_of([&] { file.commit(); }, &message), errc::io_error);
    EXPECT_NE(message.find("cannot rename"), std::string::npos) << message;
  }
  EXPECT_EQ(entries(), std::vector<std::string>{"state.snap"});
}

}  // namespace
}  // namespace respawn::detail
