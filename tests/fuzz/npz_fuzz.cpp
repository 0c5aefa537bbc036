// SPDX-License-Identifier: MIT
// The .npz reader on arbitrary bytes: io::load_npz, converting every member to float, and
// io::load_npz_mixed, keeping each member's dtype.
#include <kaon/io/npz.hpp>
#include <kaon/io/npz_mixed.hpp>

#include "fuzz_target.hpp"

KAON_FUZZ_TARGET({
  const std::string path = kaon_fuzz::as_file(input, ".npz");
  kaon_fuzz::attempt([&] { (void)kaon::io::load_npz<float>(path); });
  (void)kaon::io::load_npz_mixed(path);
})
