// SPDX-License-Identifier: MIT
// A program built from a plain compiler command line with pkg-config's flags for kaon-hdf5 (see
// tests/cmake/run_pkg_config_consumer.cmake): it writes a small compound dataset with HDF5's C
// API, reads it back with kaon::data::read_hdf5 and sums its columns: exit 0 when they match.
#include <hdf5.h>

#include <cstdio>
#include <kaon/data/hdf5.hpp>
#include <kaon/kaon.hpp>

namespace {
struct Event {
  double pt;
  int charge;
};
}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  const Event events[3] = {{41.5, 1}, {27.25, -1}, {63.0, 1}};
  const hsize_t n = 3;
  const hid_t file = H5Fcreate(argv[1], H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  const hid_t type = H5Tcreate(H5T_COMPOUND, sizeof(Event));
  H5Tinsert(type, "pt", HOFFSET(Event, pt), H5T_NATIVE_DOUBLE);
  H5Tinsert(type, "charge", HOFFSET(Event, charge), H5T_NATIVE_INT);
  const hid_t space = H5Screate_simple(1, &n, nullptr);
  const hid_t set = H5Dcreate2(file, "Events", type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  H5Dwrite(set, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, events);
  H5Dclose(set);
  H5Sclose(space);
  H5Tclose(type);
  H5Fclose(file);

  const auto df = kaon::data::read_hdf5(argv[1], "Events");
  const auto x = df.to_tensor<double>({"pt", "charge"});
  const auto sum = x.sum(0).to_vector();
  std::printf("read %lld events: sum pt %.2f, sum charge %.0f\n", static_cast<long long>(df.rows()),
              sum[0], sum[1]);
  return df.rows() == 3 && sum[0] == 131.75 && sum[1] == 1.0 ? 0 : 1;
}
