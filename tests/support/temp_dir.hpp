// SPDX-License-Identifier: MIT
// Test helper: a fresh directory under the system's temp directory, removed with everything in
// it when the test ends.
#pragma once

#include <filesystem>
#include <random>
#include <string>
#include <system_error>

namespace kaon_test {

class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "kaon-test") {
    std::random_device rd;
    do {
      path_ = std::filesystem::temp_directory_path() /
              (prefix + "-" + std::to_string(rd()) + "-" + std::to_string(rd()));
    } while (!std::filesystem::create_directory(path_));
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  /// A path for `name` inside the directory.
  [[nodiscard]] std::filesystem::path file(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

}  // namespace kaon_test
