// SPDX-License-Identifier: MIT
// Reads dataset "events" of an HDF5 file with plain HDF5 C calls, in the order kaon's read_hdf5
// makes them, and no kaon code: a crash or leak that this program reproduces on a fuzzer's input
// lies inside libhdf5 (docs/reliability.md lists them). tools/fuzz.sh --hdf5-plain FILE... builds
// it with ASan and runs it on each file:
//
//   clang++-14 -std=c++20 -g -fsanitize=address,undefined tools/hdf5_plain_read.cpp \
//     $(pkg-config --cflags --libs hdf5) -o hdf5_plain_read && ./hdf5_plain_read FILE...
#include <hdf5.h>

#include <cstdio>
#include <vector>

namespace {
void read(const char* path) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  const hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file < 0) return std::printf("%s: H5Fopen failed\n", path), void();
  const hid_t set = H5Dopen2(file, "events", H5P_DEFAULT);
  if (set >= 0) {
    const hid_t type = H5Dget_type(set), space = H5Dget_space(set);
    const int n = type >= 0 ? H5Tget_nmembers(type) : -1;
    hsize_t rows = 0;
    if (space >= 0 && H5Sget_simple_extent_ndims(space) == 1)
      H5Sget_simple_extent_dims(space, &rows, nullptr);
    if (n > 0 && rows > 0 && rows < (1U << 20)) {
      const hid_t memory = H5Tcreate(H5T_COMPOUND, static_cast<std::size_t>(n) * sizeof(double));
      for (int i = 0; i < n; ++i) {
        char* name = H5Tget_member_name(type, static_cast<unsigned>(i));
        if (name != nullptr)
          H5Tinsert(memory, name, static_cast<std::size_t>(i) * sizeof(double), H5T_NATIVE_DOUBLE);
        H5free_memory(name);
      }
      std::vector<double> values(rows * static_cast<hsize_t>(n));
      const herr_t status = H5Dread(set, memory, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
      std::printf("%s: H5Dread of %llu rows: %s\n", path, static_cast<unsigned long long>(rows),
                  status < 0 ? "failed" : "ok");
      H5Tclose(memory);
    }
    if (space >= 0) H5Sclose(space);
    if (type >= 0) H5Tclose(type);
    H5Dclose(set);
  } else {  // no "events": list the root's links
    H5G_info_t info{};
    if (H5Gget_info(file, &info) >= 0)
      for (hsize_t i = 0; i < info.nlinks && i < 20; ++i) {
        char name[257];
        if (H5Lget_name_by_idx(file, ".", H5_INDEX_NAME, H5_ITER_INC, i, name, sizeof name,
                               H5P_DEFAULT) < 0)
          break;
      }
    std::printf("%s: no dataset 'events'\n", path);
  }
  H5Fclose(file);
}
}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) read(argv[i]);
  return 0;
}
