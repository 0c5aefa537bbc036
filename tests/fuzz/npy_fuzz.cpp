// SPDX-License-Identifier: MIT
// The .npy reader (io::from_npy_bytes, which load_npy and every .npz member use) on arbitrary
// bytes, converted to each of kaon's element types.
#include <kaon/io/npy.hpp>

#include "fuzz_target.hpp"

KAON_FUZZ_TARGET({
  kaon_fuzz::attempt([&] { (void)kaon::io::from_npy_bytes<float>(input, "fuzz.npy"); });
  kaon_fuzz::attempt([&] { (void)kaon::io::from_npy_bytes<double>(input, "fuzz.npy"); });
  kaon_fuzz::attempt([&] { (void)kaon::io::from_npy_bytes<std::int64_t>(input, "fuzz.npy"); });
  (void)kaon::io::from_npy_bytes<bool>(input, "fuzz.npy");
})
