// SPDX-License-Identifier: MIT
// data::read_hdf5: a 1-D compound (record) dataset of an HDF5 file as a DataFrame with one numeric
// column per field, in field order. HDF5 converts every integer and floating-point field to
// double; NaN reads as missing. The ATLAS open-data H->WW vs ttbar file stores its `Signal` and
// `Background` tables this way.
//
//   auto names = kaon::data::hdf5_fields("hww.h5", "Signal");       // f["Signal"].dtype.names
//   auto sig = kaon::data::read_hdf5("hww.h5", "Signal");           // like pd.read_hdf
//   auto x = sig.to_tensor<float>({"lep_pt_0", "met_et", "mll"});   // df[[...]].values
//
// Needs the HDF5 C library (link kaon::hdf5). Every failure is a kaon::IOError naming the file,
// the dataset and, where it applies, the field.
#pragma once

#include <hdf5.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <new>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "kaon/core/error.hpp"
#include "kaon/data/column.hpp"
#include "kaon/data/frame.hpp"

namespace kaon::data {
namespace detail {

/// An HDF5 identifier, closed by the H5*close that matches its kind.
class H5Handle {
 public:
  H5Handle(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  H5Handle(const H5Handle&) = delete;
  H5Handle& operator=(const H5Handle&) = delete;
  ~H5Handle() {
    if (id_ >= 0) close_(id_);
  }
  [[nodiscard]] hid_t get() const { return id_; }
  [[nodiscard]] bool valid() const { return id_ >= 0; }

 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

/// Turns off HDF5's printing of its error stack while alive: the caller reports errors itself.
class H5QuietErrors {
 public:
  H5QuietErrors() {
    H5Eget_auto2(H5E_DEFAULT, &func_, &data_);
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
  H5QuietErrors(const H5QuietErrors&) = delete;
  H5QuietErrors& operator=(const H5QuietErrors&) = delete;
  ~H5QuietErrors() { H5Eset_auto2(H5E_DEFAULT, func_, data_); }

 private:
  H5E_auto2_t func_ = nullptr;
  void* data_ = nullptr;
};

inline const char* h5_class_name(H5T_class_t c) {
  switch (c) {
    case H5T_INTEGER:
      return "an integer";
    case H5T_FLOAT:
      return "a float";
    case H5T_STRING:
      return "a string";
    case H5T_COMPOUND:
      return "a compound (nested record)";
    case H5T_ARRAY:
      return "an array";
    case H5T_ENUM:
      return "an enum";
    case H5T_VLEN:
      return "a variable-length sequence";
    default:
      return "a non-numeric type";
  }
}

/// The names of the links at the file's root, to list when a dataset is not found: the first
/// 20, each of at most 256 characters (a corrupt file may claim any count and length).
inline std::string h5_root_names(hid_t file) {
  constexpr hsize_t kMaxNames = 20;
  constexpr ssize_t kMaxLength = 256;
  H5G_info_t info{};
  if (H5Gget_info(file, &info) < 0) return {};
  std::string names;
  for (hsize_t i = 0; i < std::min(info.nlinks, kMaxNames); ++i) {
    const auto n =
        H5Lget_name_by_idx(file, ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
    if (n < 0 || n > kMaxLength) break;
    std::string name(static_cast<std::size_t>(n), '\0');
    H5Lget_name_by_idx(file, ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(),
                       static_cast<std::size_t>(n) + 1, H5P_DEFAULT);
    names += (names.empty() ? "'" : ", '") + name + "'";
  }
  if (info.nlinks > kMaxNames) names += ", ... (" + std::to_string(info.nlinks) + " in all)";
  return names;
}

/// An open 1-D compound dataset: its file, dataset and type handles, its rows and field names.
class H5Table {
 public:
  H5Table(const std::filesystem::path& path, const std::string& dataset, const char* op)
      : file_(open_file(path, op), H5Fclose),
        dataset_(H5Dopen2(file_.get(), dataset.c_str(), H5P_DEFAULT), H5Dclose),
        type_(dataset_.valid() ? H5Dget_type(dataset_.get()) : H5I_INVALID_HID, H5Tclose),
        space_(dataset_.valid() ? H5Dget_space(dataset_.get()) : H5I_INVALID_HID, H5Sclose) {
    const std::string file = path.string();
    if (!dataset_.valid()) {
      const std::string known = h5_root_names(file_.get());
      throw IOError(kaon::detail::concat(op, ": '", file, "' has no dataset '", dataset, "'",
                                         known.empty() ? "" : "; its root holds ", known));
    }
    KAON_CHECK(type_.valid() && space_.valid(), IOError, op, ": '", file, "': cannot read the type",
               " and shape of dataset '", dataset, "'");
    const H5T_class_t cls = H5Tget_class(type_.get());
    KAON_CHECK(cls == H5T_COMPOUND, IOError, op, ": '", file, "': dataset '", dataset, "' holds ",
               h5_class_name(cls), " per element, not a compound (record) type with named fields");
    const int rank = H5Sget_simple_extent_ndims(space_.get());
    KAON_CHECK(rank == 1, IOError, op, ": '", file, "': dataset '", dataset, "' has ", rank,
               " dimensions; a table of records has 1");
    hsize_t rows = 0;
    H5Sget_simple_extent_dims(space_.get(), &rows, nullptr);
    rows_ = static_cast<std::int64_t>(rows);
    const int n = H5Tget_nmembers(type_.get());
    KAON_CHECK(n >= 0, IOError, op, ": '", file, "': cannot read the fields of dataset '", dataset,
               "'");
    // What the file says about its records is checked before HDF5 is asked to convert them: a
    // field that lies outside the record (a corrupt file) made H5Dread read out of bounds.
    const std::size_t record = H5Tget_size(type_.get());
    KAON_CHECK(record > 0, IOError, op, ": '", file, "': dataset '", dataset,
               "' has records of size 0");
    for (int i = 0; i < n; ++i) {
      char* name = H5Tget_member_name(type_.get(), static_cast<unsigned>(i));
      KAON_CHECK(name != nullptr, IOError, op, ": '", file, "': cannot read the name of field ",
                 i + 1, " of dataset '", dataset, "'");
      fields_.emplace_back(name);
      H5free_memory(name);
      const std::size_t offset = H5Tget_member_offset(type_.get(), static_cast<unsigned>(i));
      const H5Handle member(H5Tget_member_type(type_.get(), static_cast<unsigned>(i)), H5Tclose);
      const std::size_t size = member.valid() ? H5Tget_size(member.get()) : 0;
      KAON_CHECK(size > 0 && offset <= record && size <= record - offset, IOError, op, ": '", file,
                 "': dataset '", dataset, "', field '", fields_.back(), "' (", i + 1, " of ", n,
                 ") of ", size, " bytes at offset ", offset, " does not lie inside its ", record,
                 "-byte record: the file is corrupt");
      const std::string bad = numeric_layout_problem(member.get(), size);
      KAON_CHECK(bad.empty(), IOError, op, ": '", file, "': dataset '", dataset, "', field '",
                 fields_.back(), "' (", i + 1, " of ", n, ") ", bad);
    }
    record_ = record;
    // read_hdf5 holds the table twice as doubles (the records, then the columns): a file that
    // claims more rows than this machine's memory can hold is refused before anything is
    // allocated (its rows may be declared and never written, so the file itself can be small).
    // HDF5 converts through buffers of the file's records as well.
    const double needed =
        static_cast<double>(rows) *
        (2.0 * static_cast<double>(std::max(n, 1)) * sizeof(double) + static_cast<double>(record));
    const double memory = physical_memory();
    KAON_CHECK(needed <= memory, IOError, op, ": '", file, "': dataset '", dataset, "' claims ",
               rows, " rows of ", n, " fields (", needed / 0x1p30, " GiB to read), more than ",
               "this machine's ", memory / 0x1p30, " GiB of memory");
  }

  [[nodiscard]] hid_t dataset() const { return dataset_.get(); }
  [[nodiscard]] hid_t type() const { return type_.get(); }
  [[nodiscard]] std::int64_t rows() const { return rows_; }
  /// The bytes of one record in the file.
  [[nodiscard]] std::size_t record_size() const { return record_; }
  [[nodiscard]] const std::vector<std::string>& fields() const { return fields_; }

 private:
  /// What is wrong with the bit layout of a numeric field of `size` bytes (empty when nothing
  /// is): HDF5 converts integers and floats of any declared layout, and on a corrupt file its
  /// converters read and write outside the value. kaon reads integers of 1, 2, 4 or 8 bytes and
  /// floats of 4 or 8 bytes whose bit fields lie inside them.
  static std::string numeric_layout_problem(hid_t member, std::size_t size) {
    const H5T_class_t cls = H5Tget_class(member);
    if (cls != H5T_INTEGER && cls != H5T_FLOAT) return {};  // refused by read_hdf5 by name
    const bool integer = cls == H5T_INTEGER;
    if (integer ? size != 1 && size != 2 && size != 4 && size != 8 : size != 4 && size != 8)
      return kaon::detail::concat("is ", integer ? "an integer" : "a float", " of ", size,
                                  " bytes; kaon reads integers of 1, 2, 4 or 8 bytes and ",
                                  "floats of 4 or 8");
    const std::size_t bits = 8 * size;
    const std::size_t precision = H5Tget_precision(member);
    const int offset = H5Tget_offset(member);
    bool inside = precision > 0 && offset >= 0 && static_cast<std::size_t>(offset) <= bits &&
                  precision <= bits - static_cast<std::size_t>(offset);
    if (!integer && inside) {
      std::size_t spos = 0, epos = 0, esize = 0, mpos = 0, msize = 0;
      inside = H5Tget_fields(member, &spos, &epos, &esize, &mpos, &msize) >= 0 && spos < bits &&
               esize > 0 && msize > 0 && epos <= bits && esize <= bits - epos && mpos <= bits &&
               msize <= bits - mpos;
    }
    if (inside) return {};
    return kaon::detail::concat("declares bit fields (precision ", precision, ", offset ", offset,
                                ") outside its ", size, " bytes: the file is corrupt");
  }

  /// This machine's physical memory in bytes (sysconf), or 2^64 where it cannot say.
  static double physical_memory() {
    const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
    return pages > 0 && page > 0 ? static_cast<double>(pages) * static_cast<double>(page) : 0x1p64;
  }

  static hid_t open_file(const std::filesystem::path& path, const char* op) {
    const hid_t id = H5Fopen(path.string().c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    std::error_code ec;
    KAON_CHECK(id >= 0, IOError, op, ": cannot open '", path.string(),
               std::filesystem::exists(path, ec) ? "' as an HDF5 file" : "': no such file");
    return id;
  }

  H5QuietErrors quiet_;  // first member: silent before the file is opened, until all is closed
  H5Handle file_, dataset_, type_, space_;
  std::int64_t rows_ = 0;
  std::size_t record_ = 0;
  std::vector<std::string> fields_;
};

}  // namespace detail

/// The field names of a 1-D compound dataset, in order, as h5py's `f[dataset].dtype.names`.
inline std::vector<std::string> hdf5_fields(const std::filesystem::path& file,
                                            const std::string& dataset) {
  return detail::H5Table(file, dataset, "hdf5_fields").fields();
}

/// Reads a 1-D compound dataset into a DataFrame of numeric columns, one per field in order;
/// every field must be an integer or a floating-point number.
inline DataFrame read_hdf5(const std::filesystem::path& file, const std::string& dataset) {
  const detail::H5Table table(file, dataset, "read_hdf5");
  const auto& fields = table.fields();
  const std::size_t n = fields.size();
  // One read converts every field: the memory type holds one native double per field, by name.
  detail::H5Handle memory(H5Tcreate(H5T_COMPOUND, n * sizeof(double)), H5Tclose);
  for (std::size_t i = 0; i < n; ++i) {
    const H5T_class_t cls = H5Tget_member_class(table.type(), static_cast<unsigned>(i));
    KAON_CHECK(cls == H5T_INTEGER || cls == H5T_FLOAT, IOError, "read_hdf5: '", file.string(),
               "': dataset '", dataset, "', field '", fields[i], "' (", i + 1, " of ", n, ") is ",
               detail::h5_class_name(cls), "; only integer and floating-point fields can be read");
    KAON_CHECK(
        H5Tinsert(memory.get(), fields[i].c_str(), i * sizeof(double), H5T_NATIVE_DOUBLE) >= 0,
        IOError, "read_hdf5: '", file.string(), "': dataset '", dataset,
        "', cannot convert field '", fields[i], "' to double");
  }
  const auto rows = static_cast<std::size_t>(table.rows());
  // The records, then one column per field: memory for twice the table, and a failure to get it
  // is an IOError naming the dataset's size.
  std::vector<Column> columns;
  try {
    std::vector<double> records(rows * n);
    if (rows > 0) {
      KAON_CHECK(H5Dread(table.dataset(), memory.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT,
                         records.data()) >= 0,
                 IOError, "read_hdf5: '", file.string(), "': cannot read dataset '", dataset, "'");
    }
    for (std::size_t i = 0; i < n; ++i) {
      std::vector<double> values(rows);
      for (std::size_t r = 0; r < rows; ++r) values[r] = records[r * n + i];
      columns.emplace_back(
          fields[i], std::move(values),
          Origin{file.string() + ":" + dataset, static_cast<std::int64_t>(i + 1), {}});
    }
  } catch (const std::bad_alloc&) {
    kaon::detail::raise<IOError>("read_hdf5: '", file.string(), "': dataset '", dataset, "' has ",
                                 rows, " rows of ", n, " fields: out of memory reading them");
  }
  return DataFrame(std::move(columns));
}

}  // namespace kaon::data
