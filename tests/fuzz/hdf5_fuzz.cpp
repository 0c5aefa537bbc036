// SPDX-License-Identifier: MIT
// The HDF5 reader on arbitrary files: data::hdf5_fields and data::read_hdf5 of the dataset
// "events", as a program reads an ntuple. A header that passes kaon's checks but declares more
// than 2^16 rows, or records over 4 KiB, is not read: its rows are fill values HDF5 makes up,
// and reading them tests only the fuzzer's memory limit (the refusal of claims past the
// machine's memory is a unit test).
// Crashes and leaks inside libhdf5 itself, reproduced with plain HDF5 calls
// (tools/hdf5_plain_read.cpp), are listed in docs/reliability.md and kept out of the corpus;
// hdf5_lsan.supp keeps libhdf5's own leaks out of the report.
#include <kaon/data/hdf5.hpp>

#include "fuzz_target.hpp"

KAON_FUZZ_TARGET({
  const std::string path = kaon_fuzz::as_file(input, ".h5");
  const auto fields = kaon::data::hdf5_fields(path, "events");
  const kaon::data::detail::H5Table table(path, "events", "read_hdf5");
  if (table.rows() <= (1 << 16) && table.record_size() <= (1 << 12))
    (void)kaon::data::read_hdf5(path, "events");
})
