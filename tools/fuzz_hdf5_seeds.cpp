// SPDX-License-Identifier: MIT
// Writes the HDF5 seed corpus of tests/fuzz/hdf5_fuzz.cpp through the HDF5 C API (kaon has no
// HDF5 writer): small files with a dataset "events" laid out as analysis ntuples are, and some
// that kaon's reader refuses. Built and run by `tools/fuzz.sh --hdf5-seeds`:
//
//   g++ -std=c++20 tools/fuzz_hdf5_seeds.cpp $(pkg-config --cflags --libs hdf5) -o seeds
//   ./seeds tests/fuzz/corpus/hdf5
#include <hdf5.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace {

/// Aborts with the step's name when an HDF5 call fails: a seed file must be what it says.
hid_t ok(hid_t id, const char* what) {
  if (id < 0) {
    std::fprintf(stderr, "fuzz_hdf5_seeds: %s failed\n", what);
    std::exit(1);
  }
  return id;
}

/// A file holding `rows` records of `file_type` (in memory: `memory_type`) as dataset `name`.
void write(const std::filesystem::path& path, const char* name, hid_t memory_type,
           hid_t file_type, const void* records, hsize_t rows, int rank = 1) {
  const hid_t file = ok(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), "create");
  const hsize_t dims[2] = {rows, 1};
  const hid_t space = ok(H5Screate_simple(rank, dims, nullptr), "space");
  const hid_t set = ok(H5Dcreate2(file, name, file_type, space, H5P_DEFAULT, H5P_DEFAULT,
                                  H5P_DEFAULT), "dataset");
  ok(H5Dwrite(set, memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, records), "write");
  H5Dclose(set);
  H5Sclose(space);
  H5Fclose(file);
}

struct Event {
  std::int64_t event_number;
  float weight;
  float jet_pt;
  double mass;
  std::int32_t n_jets;
  std::uint8_t is_signal;
};

hid_t event_type() {
  const hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(Event));
  H5Tinsert(t, "event_number", HOFFSET(Event, event_number), H5T_NATIVE_INT64);
  H5Tinsert(t, "weight", HOFFSET(Event, weight), H5T_NATIVE_FLOAT);
  H5Tinsert(t, "jet_pt", HOFFSET(Event, jet_pt), H5T_NATIVE_FLOAT);
  H5Tinsert(t, "mass", HOFFSET(Event, mass), H5T_NATIVE_DOUBLE);
  H5Tinsert(t, "n_jets", HOFFSET(Event, n_jets), H5T_NATIVE_INT32);
  H5Tinsert(t, "is_signal", HOFFSET(Event, is_signal), H5T_NATIVE_UINT8);
  return t;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <corpus folder>\n", argv[0]);
    return 2;
  }
  const std::filesystem::path out = argv[1];
  std::filesystem::create_directories(out);
  const Event events[3] = {{1, 0.5F, 41.5F, 125.1, 4, 1},
                           {2, -0.25F, 30.0F, 91.2, 2, 0},
                           {3, 1.0F, 55.25F, 250.0, 6, 1}};
  const hid_t native = event_type();
  write(out / "events.h5", "events", native, native, events, 3);

  // Packed and big-endian on disk, as files from other machines are.
  const hid_t packed = H5Tcreate(H5T_COMPOUND, 8 + 4 + 8);
  H5Tinsert(packed, "event_number", 0, H5T_STD_I64BE);
  H5Tinsert(packed, "weight", 8, H5T_IEEE_F32BE);
  H5Tinsert(packed, "mass", 12, H5T_IEEE_F64BE);
  struct Small {
    std::int64_t event_number;
    float weight;
    double mass;
  } small[2] = {{7, 1.5F, 80.4}, {8, -1.0F, 172.5}};
  const hid_t small_memory = H5Tcreate(H5T_COMPOUND, sizeof(Small));
  H5Tinsert(small_memory, "event_number", HOFFSET(Small, event_number), H5T_NATIVE_INT64);
  H5Tinsert(small_memory, "weight", HOFFSET(Small, weight), H5T_NATIVE_FLOAT);
  H5Tinsert(small_memory, "mass", HOFFSET(Small, mass), H5T_NATIVE_DOUBLE);
  write(out / "packed_big_endian.h5", "events", small_memory, packed, small, 2);

  // Refused by kaon's reader: a text member, a 2-D dataset, no dataset "events".
  struct Labelled {
    float met;
    char sample[8];
  } labelled[1] = {{12.5F, "ttbar"}};
  const hid_t text = H5Tcopy(H5T_C_S1);
  H5Tset_size(text, 8);
  const hid_t labelled_type = H5Tcreate(H5T_COMPOUND, sizeof(Labelled));
  H5Tinsert(labelled_type, "met", HOFFSET(Labelled, met), H5T_NATIVE_FLOAT);
  H5Tinsert(labelled_type, "sample", HOFFSET(Labelled, sample), text);
  write(out / "text_member.h5", "events", labelled_type, labelled_type, labelled, 1);
  write(out / "two_dimensional.h5", "events", native, native, events, 3, 2);
  write(out / "other_name.h5", "jets", native, native, events, 3);
  return 0;
}
