// SPDX-License-Identifier: MIT
// kaon::data::read_hdf5 on files written here through the HDF5 C API: compound datasets laid out
// as in the ATLAS open-data H->WW file, type conversion, and the errors for bad files.
#include <hdf5.h>

#include <catch2/catch.hpp>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <kaon/data/hdf5.hpp>
#include <kaon/kaon.hpp>
#include <random>
#include <string>
#include <vector>

#include "support/temp_dir.hpp"

using Catch::Contains;

namespace {

/// Closes an HDF5 id when the scope ends; the writer below checks every id it gets.
struct Id {
  hid_t id;
  herr_t (*close)(hid_t);
  Id(hid_t i, herr_t (*c)(hid_t)) : id(i), close(c) { REQUIRE(id >= 0); }
  Id(const Id&) = delete;
  Id& operator=(const Id&) = delete;
  ~Id() { close(id); }
};

// float32 values are exactly representable, so they compare equal after the trip through double.
struct SignalRecord {
  float lep_pt_0;
  float lep_eta_0;
  float met_et;
  double mll;
  std::int32_t jet_n;
  float totalWeight;
};
const std::vector<SignalRecord> kSignal{{41.5f, -1.25f, 33.75f, 52.125, 0, 0.5f},
                                        {27.0f, 0.5f, 18.5f, 40.0625, 1, 0.75f},
                                        {63.25f, 2.0f, 71.0f, 88.5, 2, 1.25f},
                                        {35.75f, -0.375f, 25.25f, 31.0, 0, -0.25f},
                                        {50.0f, 1.5f, 44.5f, 61.75, 3, 2.0f}};
const std::vector<std::string> kSignalFields{"lep_pt_0", "lep_eta_0", "met_et",
                                             "mll",      "jet_n",     "totalWeight"};

struct BackgroundRecord {
  float lep_pt_0;
  std::uint8_t jet_n;
  std::int64_t eventNumber;
};
const std::vector<BackgroundRecord> kBackground{
    {120.5f, 4, 9000000001LL}, {88.25f, 3, 17LL}, {64.0f, 2, -5LL}};

template <class Record>
void write_records(hid_t file, const char* name, hid_t memory_type, hid_t file_type,
                   const std::vector<Record>& records) {
  const hsize_t n = records.size();
  Id space(H5Screate_simple(1, &n, nullptr), H5Sclose);
  Id set(H5Dcreate2(file, name, file_type, space.id, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
         H5Dclose);
  if (n > 0) {
    REQUIRE(H5Dwrite(set.id, memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, records.data()) >= 0);
  }
}

/// Writes the test file: `Signal` (native layout, packed on disk), `Background` (big-endian and
/// unsigned fields), an empty table, a plain double array, a 2-D table and tables with a string
/// field and an array field.
void write_file(const std::filesystem::path& path) {
  Id file(H5Fcreate(path.string().c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);

  Id signal(H5Tcreate(H5T_COMPOUND, sizeof(SignalRecord)), H5Tclose);
  H5Tinsert(signal.id, "lep_pt_0", offsetof(SignalRecord, lep_pt_0), H5T_NATIVE_FLOAT);
  H5Tinsert(signal.id, "lep_eta_0", offsetof(SignalRecord, lep_eta_0), H5T_NATIVE_FLOAT);
  H5Tinsert(signal.id, "met_et", offsetof(SignalRecord, met_et), H5T_NATIVE_FLOAT);
  H5Tinsert(signal.id, "mll", offsetof(SignalRecord, mll), H5T_NATIVE_DOUBLE);
  H5Tinsert(signal.id, "jet_n", offsetof(SignalRecord, jet_n), H5T_NATIVE_INT32);
  H5Tinsert(signal.id, "totalWeight", offsetof(SignalRecord, totalWeight), H5T_NATIVE_FLOAT);
  Id packed(H5Tcopy(signal.id), H5Tclose);
  REQUIRE(H5Tpack(packed.id) >= 0);
  write_records(file.id, "Signal", signal.id, packed.id, kSignal);
  write_records(file.id, "Empty", signal.id, packed.id, std::vector<SignalRecord>{});

  Id background(H5Tcreate(H5T_COMPOUND, sizeof(BackgroundRecord)), H5Tclose);
  H5Tinsert(background.id, "lep_pt_0", offsetof(BackgroundRecord, lep_pt_0), H5T_NATIVE_FLOAT);
  H5Tinsert(background.id, "jet_n", offsetof(BackgroundRecord, jet_n), H5T_NATIVE_UINT8);
  H5Tinsert(background.id, "eventNumber", offsetof(BackgroundRecord, eventNumber),
            H5T_NATIVE_INT64);
  Id on_disk(H5Tcreate(H5T_COMPOUND, 4 + 1 + 8), H5Tclose);
  H5Tinsert(on_disk.id, "lep_pt_0", 0, H5T_IEEE_F32BE);
  H5Tinsert(on_disk.id, "jet_n", 4, H5T_STD_U8LE);
  H5Tinsert(on_disk.id, "eventNumber", 5, H5T_STD_I64BE);
  write_records(file.id, "Background", background.id, on_disk.id, kBackground);

  const std::vector<double> weights{0.5, 1.5, 2.5};
  write_records(file.id, "Weights", H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE, weights);

  const hsize_t grid_dims[2] = {2, 2};
  Id grid_space(H5Screate_simple(2, grid_dims, nullptr), H5Sclose);
  Id grid(
      H5Dcreate2(file.id, "Grid", packed.id, grid_space.id, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
      H5Dclose);

  const hsize_t one = 1;
  Id one_space(H5Screate_simple(1, &one, nullptr), H5Sclose);
  Id text(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(text.id, 8);
  Id labelled(H5Tcreate(H5T_COMPOUND, 4 + 8), H5Tclose);
  H5Tinsert(labelled.id, "met_et", 0, H5T_IEEE_F32LE);
  H5Tinsert(labelled.id, "sample", 4, text.id);
  Id labelled_set(H5Dcreate2(file.id, "Labelled", labelled.id, one_space.id, H5P_DEFAULT,
                             H5P_DEFAULT, H5P_DEFAULT),
                  H5Dclose);

  const hsize_t four = 4;
  Id four_floats(H5Tarray_create2(H5T_IEEE_F32LE, 1, &four), H5Tclose);
  Id jets(H5Tcreate(H5T_COMPOUND, 4 + 16), H5Tclose);
  H5Tinsert(jets.id, "jet_n", 0, H5T_STD_I32LE);
  H5Tinsert(jets.id, "jet_pt", 4, four_floats.id);
  Id jets_set(
      H5Dcreate2(file.id, "Jets", jets.id, one_space.id, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
      H5Dclose);
}

/// How many files and objects in files (datasets, groups, named types, attributes) HDF5 holds
/// open; equal before and after a call that closed everything it opened. HDF5 1.10 offers no
/// count of transient type and dataspace ids.
ssize_t open_objects() { return H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL); }

/// A temp dir holding the test file, written once per test case.
struct Fixture {
  kaon_test::TempDir dir{"kaon-hdf5-test"};
  std::filesystem::path file = dir.file("hww.h5");
  Fixture() { write_file(file); }
};

}  // namespace

TEST_CASE("read_hdf5 reads a compound dataset into numeric columns in field order",
          "[data][hdf5]") {
  Fixture f;
  const auto df = kaon::data::read_hdf5(f.file, "Signal");
  REQUIRE(df.columns() == kSignalFields);
  REQUIRE(df.rows() == 5);
  for (std::int64_t r = 0; r < 5; ++r) {
    const auto& rec = kSignal[static_cast<std::size_t>(r)];
    CHECK(df["lep_pt_0"].number(r) == rec.lep_pt_0);
    CHECK(df["lep_eta_0"].number(r) == rec.lep_eta_0);
    CHECK(df["met_et"].number(r) == rec.met_et);
    CHECK(df["mll"].number(r) == rec.mll);
    CHECK(df["jet_n"].number(r) == rec.jet_n);
    CHECK(df["totalWeight"].number(r) == rec.totalWeight);
  }
  for (std::int64_t c = 0; c < df.cols(); ++c) {
    CHECK(df.column(c).is_numeric());
    CHECK(df.column(c).origin().file == f.file.string() + ":Signal");
    CHECK(df.column(c).origin().position == c + 1);
  }
  CHECK(kaon::data::hdf5_fields(f.file, "Signal") == kSignalFields);
}

TEST_CASE("read_hdf5 columns go into tensors like a CSV frame's", "[data][hdf5]") {
  Fixture f;
  const auto df = kaon::data::read_hdf5(f.file, "Signal");
  const auto x = df.to_tensor<float>({"lep_pt_0", "met_et", "mll"});
  REQUIRE(x.shape() == kaon::Shape{5, 3});
  const auto v = x.to_vector();
  CHECK(v[0] == 41.5f);
  CHECK(v[1] == 33.75f);
  CHECK(v[2] == 52.125f);
  CHECK(v[14] == 61.75f);
  const auto jets = df["jet_n"].to_tensor<std::int64_t>();
  CHECK(jets.to_vector() == std::vector<std::int64_t>{0, 1, 2, 0, 3});
  const auto selected = df[df["jet_n"].to_tensor<float>() == 0.0f];
  CHECK(selected.rows() == 2);
}

TEST_CASE("read_hdf5 converts big-endian, unsigned and 64-bit integer fields to double",
          "[data][hdf5]") {
  Fixture f;
  const auto df = kaon::data::read_hdf5(f.file, "Background");
  REQUIRE(df.columns() == std::vector<std::string>{"lep_pt_0", "jet_n", "eventNumber"});
  REQUIRE(df.rows() == 3);
  for (std::int64_t r = 0; r < 3; ++r) {
    const auto& rec = kBackground[static_cast<std::size_t>(r)];
    CHECK(df["lep_pt_0"].number(r) == rec.lep_pt_0);
    CHECK(df["jet_n"].number(r) == rec.jet_n);
    CHECK(df["eventNumber"].number(r) == static_cast<double>(rec.eventNumber));
  }
}

TEST_CASE("read_hdf5 reads an empty table as columns without rows", "[data][hdf5]") {
  Fixture f;
  const auto df = kaon::data::read_hdf5(f.file, "Empty");
  CHECK(df.columns() == kSignalFields);
  CHECK(df.rows() == 0);
}

TEST_CASE("read_hdf5 errors name the file, the dataset and the field", "[data][hdf5]") {
  Fixture f;
  const std::string file = f.file.string();
  const auto missing = f.dir.file("missing.h5");

  REQUIRE_THROWS_AS(kaon::data::read_hdf5(missing, "Signal"), kaon::IOError);
  REQUIRE_THROWS_WITH(kaon::data::read_hdf5(missing, "Signal"),
                      Contains(missing.string()) && Contains("no such file"));

  const auto not_hdf5 = f.dir.file("notes.h5");
  std::ofstream(not_hdf5) << "lep_pt_0,met_et\n41.5,33.75\n";
  REQUIRE_THROWS_AS(kaon::data::read_hdf5(not_hdf5, "Signal"), kaon::IOError);
  REQUIRE_THROWS_WITH(kaon::data::read_hdf5(not_hdf5, "Signal"),
                      Contains(not_hdf5.string()) && Contains("as an HDF5 file"));

  REQUIRE_THROWS_AS(kaon::data::read_hdf5(f.file, "signal"), kaon::IOError);
  REQUIRE_THROWS_WITH(kaon::data::read_hdf5(f.file, "signal"),
                      Contains(file) && Contains("no dataset 'signal'") &&
                          Contains("'Background'") && Contains("'Signal'"));

  REQUIRE_THROWS_AS(kaon::data::read_hdf5(f.file, "Weights"), kaon::IOError);
  REQUIRE_THROWS_WITH(kaon::data::read_hdf5(f.file, "Weights"),
                      Contains(file) && Contains("'Weights'") && Contains("not a compound"));

  REQUIRE_THROWS_AS(kaon::data::read_hdf5(f.file, "Grid"), kaon::IOError);
  REQUIRE_THROWS_WITH(kaon::data::read_hdf5(f.file, "Grid"),
                      Contains(file) && Contains("'Grid'") && Contains("has 2 dimensions"));

  REQUIRE_THROWS_AS(kaon::data::read_hdf5(f.file, "Labelled"), kaon::IOError);
  REQUIRE_THROWS_WITH(kaon::data::read_hdf5(f.file, "Labelled"),
                      Contains(file) && Contains("'Labelled'") && Contains("field 'sample'") &&
                          Contains("a string"));

  REQUIRE_THROWS_AS(kaon::data::read_hdf5(f.file, "Jets"), kaon::IOError);
  REQUIRE_THROWS_WITH(
      kaon::data::read_hdf5(f.file, "Jets"),
      Contains("'Jets'") && Contains("field 'jet_pt' (2 of 2)") && Contains("an array"));

  REQUIRE_THROWS_WITH(kaon::data::hdf5_fields(f.file, "Weights"),
                      Contains("hdf5_fields: ") && Contains("'Weights'"));
  CHECK(kaon::data::hdf5_fields(f.file, "Labelled") ==
        std::vector<std::string>{"met_et", "sample"});
}

TEST_CASE(
    "read_hdf5 closes the file and its objects and restores error printing, also when it throws",
    "[data][hdf5]") {
  Fixture f;
  H5open();
  H5E_auto2_t func_before = nullptr;
  void* data_before = nullptr;
  H5Eget_auto2(H5E_DEFAULT, &func_before, &data_before);
  const ssize_t before = open_objects();
  REQUIRE(before == 0);

  CHECK(kaon::data::read_hdf5(f.file, "Signal").rows() == 5);
  CHECK(open_objects() == before);
  for (const char* dataset : {"signal", "Weights", "Grid", "Labelled", "Jets"}) {
    INFO(dataset);
    CHECK_THROWS_AS(kaon::data::read_hdf5(f.file, dataset), kaon::IOError);
    CHECK(open_objects() == before);
  }
  CHECK_THROWS_AS(kaon::data::read_hdf5(f.dir.file("missing.h5"), "Signal"), kaon::IOError);
  CHECK(open_objects() == before);

  H5E_auto2_t func_after = nullptr;
  void* data_after = nullptr;
  H5Eget_auto2(H5E_DEFAULT, &func_after, &data_after);
  const bool restored = func_after == func_before && data_after == data_before;
  CHECK(restored);
}

TEST_CASE("A file whose compound field lies outside its record is an IOError, not a crash",
          "[data][hdf5]") {
  // The outside reliability run's crash (issue 28, row 4): a field offset patched past the
  // record made H5Dread copy out of bounds. kaon checks every field against the record first.
  struct Record {
    float pt;
    double mass;
  };
  const kaon_test::TempDir dir("kaon-hdf5-corrupt");
  const auto path = dir.file("corrupt.h5");
  {
    Id file(H5Fcreate(path.string().c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
    Id type(H5Tcreate(H5T_COMPOUND, sizeof(Record)), H5Tclose);
    H5Tinsert(type.id, "pt", offsetof(Record, pt), H5T_NATIVE_FLOAT);
    H5Tinsert(type.id, "zzzz_mass", offsetof(Record, mass), H5T_NATIVE_DOUBLE);
    write_records(file.id, "Events", type.id, type.id,
                  std::vector<Record>{{1.0f, 2.0}, {3.0f, 4.0}});
  }
  REQUIRE(kaon::data::read_hdf5(path, "Events").rows() == 2);
  // The datatype message stores a member's name, NUL-padded to 8 bytes, then its 4-byte offset.
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  in.close();
  const auto at = bytes.find("zzzz_mass");
  REQUIRE(at != std::string::npos);
  REQUIRE(bytes[at + 16] == 8);  // offsetof(Record, mass)
  bytes[at + 19] = 0x7f;         // offset 0x7f000008
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
  CHECK_THROWS_WITH(kaon::data::read_hdf5(path, "Events"),
                    Contains("corrupt.h5': dataset 'Events', field 'zzzz_mass' (2 of 2) of 8 bytes "
                             "at offset 2130706440 does not lie inside its 16-byte record"));
  CHECK_THROWS_AS(kaon::data::hdf5_fields(path, "Events"), kaon::IOError);
}

TEST_CASE("A dataset claiming 2^40 rows is an IOError naming its size, before allocating",
          "[data][hdf5]") {
  // Issue 28, row 5: the rows are declared, never written, so the file stays small. The claim
  // is refused before any allocation, so this holds under AddressSanitizer too.
  struct Record {
    float pt;
    double mass;
  };
  const kaon_test::TempDir dir("kaon-hdf5-huge");
  const auto path = dir.file("huge.h5");
  {
    Id file(H5Fcreate(path.string().c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
    Id type(H5Tcreate(H5T_COMPOUND, sizeof(Record)), H5Tclose);
    H5Tinsert(type.id, "pt", offsetof(Record, pt), H5T_NATIVE_FLOAT);
    H5Tinsert(type.id, "mass", offsetof(Record, mass), H5T_NATIVE_DOUBLE);
    const hsize_t rows = hsize_t{1} << 40;
    Id space(H5Screate_simple(1, &rows, nullptr), H5Sclose);
    Id set(H5Dcreate2(file.id, "Events", type.id, space.id, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
           H5Dclose);
  }
  CHECK_THROWS_WITH(kaon::data::read_hdf5(path, "Events"),
                    Contains("huge.h5': dataset 'Events' claims 1099511627776 rows of 2 fields "
                             "(49152 GiB to read), more than this machine's"));
  CHECK_THROWS_WITH(kaon::data::hdf5_fields(path, "Events"), Contains("1099511627776 rows"));
}

TEST_CASE("Files on which libhdf5's converters crashed are refused before it reads them",
          "[data][hdf5][fuzz]") {
  // Found by tests/fuzz/hdf5_fuzz.cpp: numeric fields whose declared bit layout lies outside
  // their bytes (a bus error and a smashed stack inside H5Dread's integer-to-double conversion).
  const std::string corpus = KAON_FUZZ_CORPUS_DIR "/hdf5/";
  CHECK_THROWS_WITH(kaon::data::read_hdf5(corpus + "crash_int_to_float_bus.h5", "events"),
                    Contains("field 'A' (5 of 6) declares bit fields (precision 0, offset 8192) "
                             "outside its 4 bytes: the file is corrupt"));
  CHECK_THROWS_WITH(kaon::data::read_hdf5(corpus + "crash_int_to_float_stack.h5", "events"),
                    Contains("field 'is_signal' (6 of 6) declares bit fields (precision 196, "
                             "offset 0) outside its 1 bytes"));
  CHECK_THROWS_AS(kaon::data::read_hdf5(corpus + "oom_record_size.h5", "events"), kaon::IOError);
  // The seeds themselves read.
  const auto events = kaon::data::read_hdf5(corpus + "events.h5", "events");
  CHECK(events.rows() == 3);
  CHECK(events["mass"].number(0) == 125.1);
}
