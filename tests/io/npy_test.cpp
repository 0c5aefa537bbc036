// SPDX-License-Identifier: MIT
// kaon::io against NumPy: fixtures from tools/gen_npy_fixtures.py, exact round trips, bad files.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <kaon/kaon.hpp>
#include <limits>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

#include "support/temp_dir.hpp"

using Catch::Contains;
using Catch::StartsWith;

namespace {

// The fixtures' arrays, typed in tools/gen_npy_fixtures.py and repeated here as inputs.
const std::vector<float> kF32{1.5f, -2.25f, 3.0f, 0.0f, 0.1f, -77500.0f};  // (2, 3)
const std::vector<double> kF64{0.1, -2.5, 3.141592653589793, 1.0e10, -0.0};
const std::vector<std::int64_t> kI64{1,
                                     -2,
                                     3,
                                     4000000000,
                                     std::numeric_limits<std::int64_t>::min(),
                                     std::numeric_limits<std::int64_t>::max()};  // (3, 2)
const std::vector<bool> kBool{true, false, true, false, false, true};            // (2, 3)
const std::vector<std::int64_t> kI32{-1, 2, 2147483647, -2147483648LL, 0, 5};    // (2, 3)
const std::vector<std::int64_t> kU8{0, 1, 200, 255};
const std::vector<float> kWeight{0.5f, -1.0f, 2.0f,  0.25f, 0.0f,    -0.75f,
                                 1.0f, 1.5f,  -2.5f, 3.0f,  -0.125f, 0.375f};  // (4, 3)
const std::vector<float> kBias{0.1f, -0.2f, 0.3f, -0.4f};

// Appended piece by piece: GCC 12 warns falsely (-Warray-bounds) on an inlined
// `std::string(...) + "..."` chain when this file is compiled with the others (unity build).
std::string fixture(const std::string& name) {
  std::string path = KAON_TEST_DATA_DIR;
  path += "/io/";
  path += name;
  return path;
}

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  REQUIRE(out);
}

std::uint32_t u32_at(const std::string& s, std::size_t pos) {
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = v << 8 | static_cast<unsigned char>(s.at(pos + i));
  return v;
}

void set_u32(std::string& s, std::size_t pos, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) s.at(pos + i) = static_cast<char>((v >> (8 * i)) & 0xFFU);
}

/// The message of the kaon::IOError that f throws; fails the test when it throws none.
template <class F>
std::string io_error(F&& f) {
  try {
    f();
  } catch (const kaon::IOError& e) {
    return e.what();
  }
  FAIL("no kaon::IOError was thrown");
  return {};
}

/// An .npy image with a hand-written header dict (padded as NumPy pads) and raw data bytes.
std::string npy_image(const std::string& dict, const std::string& data, int major = 1) {
  const std::size_t prefix = major == 1 ? 10 : 12;
  std::string header = dict;
  while ((prefix + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::string out("\x93NUMPY", 6);
  out += static_cast<char>(major);
  out += '\0';
  for (std::size_t i = 0; i < prefix - 8; ++i)
    out += static_cast<char>((header.size() >> (8 * i)) & 0xFFU);
  return out + header + data;
}

template <class T>
std::string raw_bytes(const std::vector<T>& v) {
  std::string s(v.size() * sizeof(T), '\0');
  if (!v.empty()) std::memcpy(s.data(), v.data(), s.size());
  return s;
}

/// Same shape and the same bits in every element (NaN equals NaN, -0.0 differs from 0.0).
template <class T>
void require_same(const kaon::Tensor<T>& got, const kaon::Tensor<T>& want) {
  INFO("got shape " << got.shape() << ", want " << want.shape());
  REQUIRE(got.shape() == want.shape());
  const auto a = got.to_vector();
  const auto b = want.to_vector();
  REQUIRE(a.size() == b.size());
  if constexpr (std::is_same_v<T, bool>) {
    REQUIRE(a == b);
  } else {
    REQUIRE((a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0));
  }
}

/// n values of T cycling through the awkward ones: signed zeros, extremes, denormals, inf, NaN.
template <class T>
std::vector<T> awkward(std::size_t n) {
  std::vector<T> special;
  using L = std::numeric_limits<T>;
  if constexpr (std::is_same_v<T, bool>) {
    special = {true, false, false, true, true};
  } else if constexpr (std::is_integral_v<T>) {
    special = {0, -1, 1, L::min(), L::max(), 4000000000, -123456789};
  } else {
    special = {T(0),       -T(0),    T(1.5),      T(-3.25),      T(0.1),         L::denorm_min(),
               L::min(),   L::max(), L::lowest(), L::infinity(), -L::infinity(), L::quiet_NaN(),
               T(1) / T(3)};
  }
  std::vector<T> v;
  for (std::size_t i = 0; i < n; ++i) v.push_back(special[i % special.size()]);
  return v;
}

template <class T>
kaon::Tensor<T> awkward_tensor(const kaon::Shape& shape) {
  return kaon::from_vector<T>(awkward<T>(static_cast<std::size_t>(shape.numel())), shape);
}

}  // namespace

// ---- NumPy's files -------------------------------------------------------------------------

TEST_CASE("load_npy reads NumPy's float32, float64, int64 and bool files exactly", "[io]") {
  const auto f32 = kaon::io::load_npy(fixture("f32.npy"));
  CHECK(f32.shape() == kaon::Shape{2, 3});
  CHECK(f32.to_vector() == kF32);
  const auto f64 = kaon::io::load_npy<double>(fixture("f64.npy"));
  CHECK(f64.shape() == kaon::Shape{5});
  require_same(f64, kaon::from_vector<double>(kF64));
  const auto i64 = kaon::io::load_npy<std::int64_t>(fixture("i64.npy"));
  CHECK(i64.shape() == kaon::Shape{3, 2});
  CHECK(i64.to_vector() == kI64);
  const auto b = kaon::io::load_npy<bool>(fixture("bool.npy"));
  CHECK(b.shape() == kaon::Shape{2, 3});
  CHECK(b.to_vector() == kBool);
}

TEST_CASE("load_npy reads NumPy's 0-d and empty arrays", "[io]") {
  const auto scalar = kaon::io::load_npy<double>(fixture("scalar.npy"));
  CHECK(scalar.dim() == 0);
  CHECK(scalar.item() == 2.5);
  const auto empty = kaon::io::load_npy(fixture("empty.npy"));
  CHECK(empty.shape() == kaon::Shape{0, 3});
  CHECK(empty.numel() == 0);
}

TEST_CASE("load_npy converts the file's dtype to the tensor's as static_cast does", "[io]") {
  CHECK(kaon::io::load_npy<std::int64_t>(fixture("i32.npy")).to_vector() == kI32);
  CHECK(kaon::io::load_npy<std::int64_t>(fixture("i32.npy")).shape() == kaon::Shape{2, 3});
  CHECK(kaon::io::load_npy<std::int64_t>(fixture("u8.npy")).to_vector() == kU8);
  CHECK(kaon::io::load_npy<bool>(fixture("u8.npy")).to_vector() ==
        std::vector<bool>{false, true, true, true});
  CHECK(kaon::io::load_npy<std::int64_t>(fixture("f64.npy")).to_vector() ==
        std::vector<std::int64_t>{0, -2, 3, 10000000000, 0});
  CHECK(kaon::io::load_npy<bool>(fixture("f32.npy")).to_vector() ==
        std::vector<bool>{true, true, true, false, true, true});
  CHECK(kaon::io::load_npy<float>(fixture("bool.npy")).to_vector() ==
        std::vector<float>{1, 0, 1, 0, 0, 1});

  std::vector<double> f32_as_double;
  for (float v : kF32) f32_as_double.push_back(static_cast<double>(v));
  CHECK(kaon::io::load_npy<double>(fixture("f32.npy")).to_vector() == f32_as_double);
  std::vector<float> i64_as_float;
  for (std::int64_t v : kI64) i64_as_float.push_back(static_cast<float>(v));
  CHECK(kaon::io::load_npy<float>(fixture("i64.npy")).to_vector() == i64_as_float);
}

TEST_CASE("load_npz reads numpy.savez's arrays in order, named without .npy", "[io]") {
  const auto arrays = kaon::io::load_npz(fixture("weights.npz"));
  REQUIRE(arrays.size() == 2);
  CHECK(arrays[0].first == "weight");
  CHECK(arrays[0].second.shape() == kaon::Shape{4, 3});
  CHECK(arrays[0].second.to_vector() == kWeight);
  CHECK(arrays[1].first == "bias");
  CHECK(arrays[1].second.shape() == kaon::Shape{4});
  CHECK(arrays[1].second.to_vector() == kBias);
  CHECK(kaon::io::load_npz<double>(fixture("weights.npz"))[1].second.to_vector() ==
        std::vector<double>{0.1f, -0.2f, 0.3f, -0.4f});
  // io::to<Device> keeps names and order (the way to a GPU model; on the CPU the same tensors).
  const auto moved = kaon::io::to<kaon::cpu>(arrays);
  REQUIRE(moved.size() == 2);
  CHECK(moved[1].first == "bias");
  CHECK(moved[1].second.to_vector() == kBias);
}

TEST_CASE("load_npz_mixed keeps each array of numpy.savez's archive in its own dtype", "[io]") {
  const auto arrays = kaon::io::load_npz_mixed(fixture("mixed.npz"));
  CHECK(arrays.names() ==
        std::vector<std::string>{"features", "weight", "event", "passed", "run", "flags"});
  CHECK(arrays.dtype("features") == "float32");
  CHECK(arrays.dtype("weight") == "float64");
  CHECK(arrays.dtype("event") == "int64");
  CHECK(arrays.dtype("passed") == "bool");
  CHECK(arrays.dtype("run") == "int64");  // int32 and uint8 data read as int64
  CHECK(arrays.dtype("flags") == "int64");
  CHECK(arrays.shape("event") == kaon::Shape{3, 2});
  CHECK(arrays.get<float>("features").to_vector() == kF32);
  CHECK(arrays.get<double>("weight").to_vector() == kF64);
  CHECK(arrays.get<std::int64_t>("event").to_vector() == kI64);
  CHECK(arrays.get<bool>("passed").to_vector() == kBool);
  CHECK(arrays.get<std::int64_t>("run").to_vector() == kI32);
  CHECK(arrays.get<std::int64_t>("flags").to_vector() == kU8);
  CHECK_THROWS_AS(arrays.get<float>("event"), kaon::ValueError);
  CHECK_THROWS_WITH(arrays.get<float>("event"), Contains("mixed.npz") &&
                                                    Contains("'event' is int64, not float32") &&
                                                    Contains("get<std::int64_t>(\"event\")"));
  CHECK_THROWS_AS(arrays.get<float>("energy"), kaon::IndexError);
  CHECK_THROWS_WITH(arrays.dtype("energy"),
                    Contains("no array named 'energy'") && Contains("'features', 'weight'"));
  CHECK_THROWS_WITH(kaon::io::load_npz_mixed(fixture("compressed.npz")),
                    StartsWith("load_npz_mixed: ") && Contains("compressed npz"));
  // save_npz writes each in its dtype; reading back gives the same arrays.
  const kaon_test::TempDir dir("kaon-io-test");
  const auto path = dir.file("mixed_again.npz").string();
  kaon::io::save_npz(path, arrays);
  const auto again = kaon::io::load_npz_mixed(path);
  CHECK(again.names() == arrays.names());
  CHECK(again.dtype("passed") == "bool");
  CHECK(again.get<std::int64_t>("event").to_vector() == kI64);
  CHECK(again.get<double>("weight").to_vector() == kF64);
  kaon::io::MixedArrays<> built;
  built.add("x", kaon::ones({2}));
  CHECK_THROWS_WITH(built.add("x", kaon::zeros<std::int64_t>({2})),
                    Contains("the name 'x' appears twice"));
}

TEST_CASE("save_npy writes byte for byte what numpy.save wrote", "[io]") {
  using kaon::io::load_npy;
  using kaon::io::to_npy_bytes;
  CHECK(to_npy_bytes(load_npy<float>(fixture("f32.npy"))) == read_bytes(fixture("f32.npy")));
  CHECK(to_npy_bytes(load_npy<double>(fixture("f64.npy"))) == read_bytes(fixture("f64.npy")));
  CHECK(to_npy_bytes(load_npy<std::int64_t>(fixture("i64.npy"))) == read_bytes(fixture("i64.npy")));
  CHECK(to_npy_bytes(load_npy<bool>(fixture("bool.npy"))) == read_bytes(fixture("bool.npy")));
  CHECK(to_npy_bytes(load_npy<double>(fixture("scalar.npy"))) == read_bytes(fixture("scalar.npy")));
  CHECK(to_npy_bytes(load_npy<float>(fixture("empty.npy"))) == read_bytes(fixture("empty.npy")));
}

TEST_CASE("NumPy's Fortran-order, big-endian and compressed files are refused", "[io]") {
  const auto fortran = fixture("fortran.npy");
  CHECK_THAT(io_error([&] { (void)kaon::io::load_npy(fortran); }),
             StartsWith("load_npy: '" + fortran + "'") && Contains("Fortran-order"));
  const auto big = fixture("big_endian.npy");
  CHECK_THAT(io_error([&] { (void)kaon::io::load_npy<double>(big); }),
             StartsWith("load_npy: '" + big + "'") && Contains("big-endian") && Contains(">f8"));
  const auto compressed = fixture("compressed.npz");
  CHECK_THAT(io_error([&] { (void)kaon::io::load_npz(compressed); }),
             StartsWith("load_npz: '" + compressed + "', member 'weight.npy'") &&
                 Contains("compressed npz (np.savez_compressed) is not supported; use np.savez"));
}

// ---- Round trips ---------------------------------------------------------------------------

TEMPLATE_TEST_CASE("save_npy then load_npy gives back the tensor bit for bit", "[io]", float,
                   double, std::int64_t, bool) {
  const kaon_test::TempDir dir("kaon-io-test");
  const auto base = awkward_tensor<TestType>({3, 4});
  const std::vector<kaon::Tensor<TestType>> cases{
      awkward_tensor<TestType>({}),
      awkward_tensor<TestType>({0, 3}),
      awkward_tensor<TestType>({13}),
      awkward_tensor<TestType>({2, 3, 4}),
      awkward_tensor<TestType>({1, 1, 1, 1, 1, 1, 1, 2}),
      base.t(),
      base.slice(1, 0, 4, 2),
  };
  for (const auto& t : cases) {
    INFO("shape " << t.shape() << (t.is_contiguous() ? "" : ", non-contiguous"));
    const auto path = dir.file("t.npy").string();
    kaon::io::save_npy(path, t);
    const auto back = kaon::io::load_npy<TestType>(path);
    require_same(back, t);
    CHECK(back.is_contiguous());
    require_same(kaon::io::from_npy_bytes<TestType>(kaon::io::to_npy_bytes(t), "memory"), t);
  }
}

TEMPLATE_TEST_CASE("save_npz then load_npz gives back the names and tensors bit for bit", "[io]",
                   float, double, std::int64_t, bool) {
  const kaon_test::TempDir dir("kaon-io-test");
  const auto base = awkward_tensor<TestType>({3, 4});
  const kaon::io::NamedTensors<TestType> tensors{
      {"fc1.weight", awkward_tensor<TestType>({5, 2})},
      {"fc1.bias", awkward_tensor<TestType>({5})},
      {"scalar", awkward_tensor<TestType>({})},
      {"empty", awkward_tensor<TestType>({0, 3})},
      {"transposed", base.t()},
      {"n\xc3\xa4me", base},
  };
  const auto path = dir.file("t.npz").string();
  kaon::io::save_npz(path, tensors);
  const auto back = kaon::io::load_npz<TestType>(path);
  REQUIRE(back.size() == tensors.size());
  for (std::size_t i = 0; i < back.size(); ++i) {
    INFO("member " << tensors[i].first);
    CHECK(back[i].first == tensors[i].first);
    require_same(back[i].second, tensors[i].second);
  }
  kaon::io::save_npz(path, kaon::io::NamedTensors<TestType>{});
  CHECK(kaon::io::load_npz<TestType>(path).empty());
}

TEST_CASE("The data of a written .npy image starts on a 64-byte boundary", "[io]") {
  for (const kaon::Shape& shape :
       {kaon::Shape{}, kaon::Shape{0}, kaon::Shape{7}, kaon::Shape{123456789012, 0},
        kaon::Shape{1, 2, 3, 4, 5, 6, 7, 0}, kaon::Shape{0, 9999999999, 99999}}) {
    INFO("shape " << shape);
    const auto bytes = kaon::io::to_npy_bytes(kaon::zeros(shape));
    const std::size_t header_len = static_cast<unsigned char>(bytes[8]) |
                                   static_cast<std::size_t>(static_cast<unsigned char>(bytes[9]))
                                       << 8;
    CHECK((10 + header_len) % 64 == 0);
    CHECK(bytes[10 + header_len - 1] == '\n');
    CHECK(bytes.size() == 10 + header_len + 4 * static_cast<std::size_t>(shape.numel()));
  }
}

TEST_CASE("load_npy reads format versions 2.0 and 3.0", "[io]") {
  const std::string dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }";
  for (int major : {2, 3}) {
    const auto t = kaon::io::from_npy_bytes<double>(
        npy_image(dict, raw_bytes(std::vector<double>{1.25, -8.0}), major),
        std::to_string(major) + ".0 image");
    CHECK(t.to_vector() == std::vector<double>{1.25, -8.0});
  }
}

TEST_CASE("kaon's CRC-32 gives the standard check value", "[io]") {
  CHECK(kaon::io::detail::crc32("123456789") == 0xCBF43926U);
  CHECK(kaon::io::detail::crc32("") == 0U);
}

// ---- Malformed input -----------------------------------------------------------------------

TEST_CASE("load_npy names the file and the problem for every malformed input", "[io]") {
  const kaon_test::TempDir dir("kaon-io-test");
  const auto path = dir.file("bad.npy").string();
  const auto good = read_bytes(fixture("f32.npy"));
  const auto load_error = [&](const std::string& bytes) {
    write_bytes(path, bytes);
    return io_error([&] { (void)kaon::io::load_npy(path); });
  };
  const auto prefix = StartsWith("load_npy: '" + path + "': ");

  SECTION("a missing file or a directory") {
    const auto missing = dir.file("missing.npy").string();
    CHECK_THAT(io_error([&] { (void)kaon::io::load_npy(missing); }),
               StartsWith("load_npy: '" + missing + "'") && Contains("cannot open"));
    const auto folder = dir.file("").string();
    CHECK_THAT(io_error([&] { (void)kaon::io::load_npy(folder); }), Contains("directory"));
  }
  SECTION("a file cut short at every length") {
    for (std::size_t n = 0; n < good.size(); ++n) {
      INFO("truncated to " << n << " bytes");
      CHECK_THAT(load_error(good.substr(0, n)), prefix);
    }
    CHECK_THAT(load_error(good.substr(0, 8)), prefix && Contains("preamble"));
    CHECK_THAT(load_error(good.substr(0, 40)), prefix && Contains("truncated header"));
    CHECK_THAT(load_error(good.substr(0, good.size() - 1)),
               prefix && Contains("truncated data") && Contains("[2, 3]"));
  }
  SECTION("a bad magic string or version") {
    std::string bad = good;
    bad[1] = 'X';
    CHECK_THAT(load_error(bad), prefix && Contains("not an .npy file"));
    bad = good;
    bad[6] = 4;
    CHECK_THAT(load_error(bad), prefix && Contains("version 4.0"));
  }
  SECTION("headers that do not parse") {
    for (const std::string dict : {
             "this is not a dict",
             "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), ",
             "{'descr': '<f4', 'fortran_order': Maybe, 'shape': (2, 3), }",
             "{'descr': '<f4', 'fortran_order': False, 'shape': (-2, 3), }",
             "{'descr': '<f4', 'fortran_order': False, 'shape': (6), }",
             "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3) }xyz",
             "{'descr': '<f4 'fortran_order': False, 'shape': (2, 3), }",
             "{'descr': '<f4', 'fortran_order': False, 'shape': (2 3), }",
             "{'descr': '<f4', 'shape': (2, 3), }",
             "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'x': 1}",
             "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
             "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2, 3), }",
             "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,), }",
         }) {
      INFO(dict);
      CHECK_THAT(load_error(npy_image(dict, raw_bytes(kF32))),
                 prefix && Contains("header does not parse"));
    }
  }
  SECTION("an unsupported dtype or too many dimensions") {
    CHECK_THAT(load_error(npy_image("{'descr': '<f2', 'fortran_order': False, 'shape': (6,), }",
                                    std::string(12, '\0'))),
               prefix && Contains("unsupported dtype '<f2'"));
    CHECK_THAT(load_error(npy_image("{'descr': '<U3', 'fortran_order': False, 'shape': (1,), }",
                                    std::string(12, '\0'))),
               prefix && Contains("unsupported dtype '<U3'"));
    CHECK_THAT(
        load_error(npy_image(
            "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1, 1, 1, 1, 1, 1, 1, 6), }",
            raw_bytes(kF32))),
        prefix && Contains("9 dimensions"));
  }
  SECTION("a shape whose element count does not match the data") {
    const std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
    CHECK_THAT(load_error(npy_image(dict, raw_bytes(kF32) + "abcd")),
               prefix && Contains("does not match") && Contains("[2, 3]"));
    CHECK_THAT(load_error(npy_image(dict, raw_bytes(kF32).substr(0, 20))),
               prefix && Contains("truncated data"));
    CHECK_THAT(
        load_error(npy_image(
            "{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296, 2), }",
            raw_bytes(kF64))),
        prefix && Contains("too large"));
    CHECK_THAT(
        load_error(npy_image(
            "{'descr': '<f8', 'fortran_order': False, 'shape': (0, 9999999999, 9999999999), }",
            "")),
        prefix && Contains("too large"));
    CHECK_THAT(load_error(npy_image(
                   "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2305843009213693952), }",
                   raw_bytes(kF64))),
               prefix && Contains("truncated data"));
  }
  SECTION("a float with no int64 value") {
    const auto bytes = kaon::io::to_npy_bytes(
        kaon::from_vector<double>({1.0, std::numeric_limits<double>::quiet_NaN()}));
    CHECK_THAT(io_error([&] { (void)kaon::io::from_npy_bytes<std::int64_t>(bytes, "nan.npy"); }),
               StartsWith("from_npy_bytes: nan.npy: element 1") && Contains("int64"));
  }
}

TEST_CASE("load_npz names the file, the member and the problem for every malformed input", "[io]") {
  const kaon_test::TempDir dir("kaon-io-test");
  const auto path = dir.file("bad.npz").string();
  const auto good_path = dir.file("good.npz").string();
  kaon::io::save_npz(good_path,
                     kaon::io::NamedTensors<float>{{"weight", kaon::from_vector(kWeight, {4, 3})},
                                                   {"bias", kaon::from_vector(kBias)}});
  const auto good = read_bytes(good_path);
  const std::size_t central = u32_at(good, good.size() - 22 + 16);
  const auto load_error = [&](const std::string& bytes) {
    write_bytes(path, bytes);
    return io_error([&] { (void)kaon::io::load_npz(path); });
  };
  const auto prefix = StartsWith("load_npz: '" + path + "'");
  const auto weight = StartsWith("load_npz: '" + path + "', member 'weight.npy': ");

  SECTION("a missing file or one that is not a zip archive") {
    const auto missing = dir.file("missing.npz").string();
    CHECK_THAT(io_error([&] { (void)kaon::io::load_npz(missing); }),
               StartsWith("load_npz: '" + missing + "'") && Contains("cannot open"));
    CHECK_THAT(load_error(read_bytes(fixture("f32.npy"))),
               prefix && Contains("no end-of-central-directory record"));
  }
  SECTION("an archive cut short at every length") {
    for (const auto& bytes : {good, read_bytes(fixture("weights.npz"))}) {
      for (std::size_t n = 0; n < bytes.size(); ++n) {
        INFO("truncated to " << n << " of " << bytes.size() << " bytes");
        CHECK_THAT(load_error(bytes.substr(0, n)), prefix);
      }
    }
  }
  SECTION("a corrupt CRC or corrupt data") {
    std::string bad = good;
    bad[central + 16] ^= 0x01;
    CHECK_THAT(load_error(bad), weight && Contains("CRC-32 mismatch"));
    bad = good;
    bad[30 + 10 + 150] ^= 0x40;
    CHECK_THAT(load_error(bad), weight && Contains("CRC-32 mismatch"));
    bad = read_bytes(fixture("weights.npz"));
    bad[bad.find("PK\x03\x04", 4) - 1] ^= 0x40;
    CHECK_THAT(load_error(bad), Contains("member 'weight.npy'") && Contains("CRC-32 mismatch"));
  }
  SECTION("bad signatures, a ZIP64 marker, mismatched names") {
    std::string bad = good;
    bad[central] = 'X';
    CHECK_THAT(load_error(bad), prefix && Contains("bad central directory entry 0"));
    bad = good;
    bad[0] = 'X';
    CHECK_THAT(load_error(bad), weight && Contains("bad local header"));
    bad = good;
    bad[good.size() - 22 + 10] = bad[good.size() - 22 + 8] = '\xff';
    bad[good.size() - 22 + 11] = bad[good.size() - 22 + 9] = '\xff';
    CHECK_THAT(load_error(bad), prefix && Contains("ZIP64"));
    bad = good;
    bad.replace(30, 10, "wEight.npy");
    CHECK_THAT(load_error(bad), weight && Contains("names another member"));
    bad.replace(central + 46, 10, "wEight.txt");
    bad.replace(30, 10, "wEight.txt");
    CHECK_THAT(load_error(bad), StartsWith("load_npz: '" + path + "', member 'wEight.txt'") &&
                                    Contains("not an .npy array"));
  }
  SECTION("a member that is not a valid .npy image") {
    std::string bad = good;
    bad[30 + 10 + 1] = 'X';
    set_u32(bad, central + 16, kaon::io::detail::crc32(std::string_view(bad).substr(40, 176)));
    CHECK_THAT(load_error(bad), weight && Contains("not an .npy file"));
  }
}

TEST_CASE("Any single corrupt or missing byte either loads or throws IOError", "[io]") {
  const kaon_test::TempDir dir("kaon-io-test");
  const auto path = dir.file("fuzz.bin").string();
  const auto loads_or_io_error = [&](const std::string& bytes, bool npz) {
    write_bytes(path, bytes);
    try {
      if (npz)
        (void)kaon::io::load_npz(path);
      else
        (void)kaon::io::load_npy(path);
    } catch (const kaon::IOError& e) {
      CHECK_THAT(std::string(e.what()), StartsWith(npz ? "load_npz: '" : "load_npy: '"));
    }
  };
  for (const char* name : {"f32.npy", "i64.npy", "weights.npz"}) {
    const auto good = read_bytes(fixture(name));
    const bool npz = std::string(name).ends_with(".npz");
    for (std::size_t i = 0; i < good.size(); ++i) {
      INFO(name << ": byte " << i);
      std::string bad = good;
      bad[i] = static_cast<char>(bad[i] ^ 0xA5);
      loads_or_io_error(bad, npz);
      loads_or_io_error(std::string(good).erase(i, 1), npz);
    }
  }
}

TEST_CASE("save_npy and save_npz name a file they cannot create", "[io]") {
  const kaon_test::TempDir dir("kaon-io-test");
  const auto npy = dir.file("no/such/dir/t.npy").string();
  CHECK_THAT(io_error([&] { kaon::io::save_npy(npy, kaon::zeros({2})); }),
             StartsWith("save_npy: '" + npy + "'") && Contains("cannot open"));
  const auto npz = dir.file("no/such/dir/t.npz").string();
  CHECK_THAT(io_error([&] {
               kaon::io::save_npz(npz, kaon::io::NamedTensors<float>{{"a", kaon::zeros({2})}});
             }),
             StartsWith("save_npz: '" + npz + "'") && Contains("cannot open"));
  CHECK_THROWS_AS(kaon::io::save_npz(dir.file("dup.npz"),
                                     kaon::io::NamedTensors<float>{{"a", kaon::zeros({2})},
                                                                   {"a", kaon::ones({2})}}),
                  kaon::ValueError);
}

// ---- Files for tools/gen_npy_fixtures.py --check -------------------------------------------

TEST_CASE("kaon writes the files gen_npy_fixtures.py --check reads when KAON_IO_CHECK_DIR is set",
          "[io]") {
  const char* env = std::getenv("KAON_IO_CHECK_DIR");
  if (env == nullptr || *env == '\0') return;  // only when the NumPy check runs afterwards
  const std::filesystem::path dir(env);
  std::filesystem::create_directories(dir);
  const auto at = [&](const char* name) { return (dir / name).string(); };
  const auto f32 = kaon::from_vector(kF32, {2, 3});
  kaon::io::save_npy(at("kaon_f32.npy"), f32);
  kaon::io::save_npy(at("kaon_f64.npy"), kaon::from_vector(kF64));
  kaon::io::save_npy(at("kaon_i64.npy"), kaon::from_vector(kI64, {3, 2}));
  kaon::io::save_npy(at("kaon_bool.npy"), kaon::from_vector(kBool, {2, 3}));
  kaon::io::save_npy(at("kaon_scalar.npy"), kaon::from_vector<double>({2.5}, kaon::Shape{}));
  kaon::io::save_npy(at("kaon_empty.npy"), kaon::zeros({0, 3}));
  kaon::io::save_npy(at("kaon_f32_transposed.npy"), f32.t());
  kaon::io::save_npz(at("kaon_weights.npz"),
                     kaon::io::NamedTensors<float>{{"weight", kaon::from_vector(kWeight, {4, 3})},
                                                   {"bias", kaon::from_vector(kBias)}});
  kaon::io::save_npz(at("kaon_mixed.npz"), kaon::io::load_npz_mixed(fixture("mixed.npz")));
  kaon::io::StateDict<float> state;
  state.emplace_back("weight", kaon::from_vector(kWeight, {4, 3}));
  state.emplace_back("bias", kaon::from_vector(kBias));
  state.int64.emplace_back("num_batches_tracked", kaon::full<std::int64_t>(kaon::Shape{}, 7));
  kaon::io::save_npz(at("kaon_state.npz"), state);
  SUCCEED("wrote the kaon_* files into " << dir);
}
