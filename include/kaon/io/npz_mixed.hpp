// SPDX-License-Identifier: MIT
// .npz archives whose arrays have different dtypes (features in float32, event numbers in int64,
// a selection mask in bool), as numpy.load gives them: load_npz_mixed keeps each array in the
// dtype it was stored in, and MixedArrays hands each out by name as the tensor of that dtype.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "kaon/core/error.hpp"
#include "kaon/core/tensor.hpp"
#include "kaon/io/npz.hpp"

namespace kaon::io {

/// The arrays of an archive by name, in archive order, each in its own dtype: float32, float64,
/// int64 (also for int32 and uint8 data, which kaon has no tensors of) or bool, on device D.
///
///     auto data = kaon::io::load_npz_mixed("events.npz");
///     auto x = data.get<float>("features");
///     auto event = data.get<std::int64_t>("event_number");
template <class D = cpu>
class MixedArrays {
 public:
  using Array =
      std::variant<Tensor<float, D>, Tensor<double, D>, Tensor<std::int64_t, D>, Tensor<bool, D>>;

  MixedArrays() = default;
  /// `source` names the archive in error messages.
  explicit MixedArrays(std::string source) : source_(std::move(source)) {}

  [[nodiscard]] std::size_t size() const { return arrays_.size(); }
  [[nodiscard]] std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& entry : arrays_) out.push_back(entry.first);
    return out;
  }
  [[nodiscard]] bool contains(const std::string& name) const { return find(name) != nullptr; }
  /// PyTorch's name of the array's dtype: "float32", "float64", "int64" or "bool".
  [[nodiscard]] std::string dtype(const std::string& name) const {
    return std::visit([](const auto& t) { return dtype_of(t); }, at(name));
  }
  [[nodiscard]] Shape shape(const std::string& name) const {
    return std::visit([](const auto& t) { return t.shape(); }, at(name));
  }
  /// The array as Tensor<T, D>; T must be its dtype (a kaon::ValueError names both otherwise).
  template <Element T>
  [[nodiscard]] Tensor<T, D> get(const std::string& name) const {
    const Array& a = at(name);
    const bool holds = std::holds_alternative<Tensor<T, D>>(a);
    KAON_CHECK(holds, ValueError, where(), "the array '", name, "' is ", dtype(name), ", not ",
               dtype_name<T>(), ": ask for get<", cpp_name(dtype(name)), ">(\"", name, "\")");
    return std::get<Tensor<T, D>>(a);
  }
  /// Appends an array (for save_npz); the name must be new.
  template <Element T>
  void add(const std::string& name, const Tensor<T, D>& t) {
    KAON_CHECK(!contains(name), ValueError, where(), "the name '", name, "' appears twice");
    KAON_CHECK(t.defined(), ValueError, where(), "the tensor '", name, "' is undefined");
    arrays_.emplace_back(name, t);
  }
  [[nodiscard]] const std::vector<std::pair<std::string, Array>>& arrays() const { return arrays_; }

 private:
  template <class T>
  static std::string dtype_of(const Tensor<T, D>&) {
    return dtype_name<T>();
  }
  static std::string cpp_name(const std::string& dtype) {
    if (dtype == "float32") return "float";
    if (dtype == "float64") return "double";
    return dtype == "int64" ? "std::int64_t" : "bool";
  }
  [[nodiscard]] std::string where() const {
    return source_.empty() ? "MixedArrays: " : "MixedArrays of " + source_ + ": ";
  }
  [[nodiscard]] const Array* find(const std::string& name) const {
    const auto it = std::find_if(arrays_.begin(), arrays_.end(),
                                 [&](const auto& entry) { return entry.first == name; });
    return it == arrays_.end() ? nullptr : &it->second;
  }
  [[nodiscard]] const Array& at(const std::string& name) const {
    const Array* a = find(name);
    if (a == nullptr) {
      std::string known;
      for (const auto& entry : arrays_) known += (known.empty() ? "'" : ", '") + entry.first + "'";
      throw IndexError(where() + "no array named '" + name + "' (it has " +
                       (known.empty() ? "none" : known) + ")");
    }
    return *a;
  }

  std::string source_;
  std::vector<std::pair<std::string, Array>> arrays_;
};

/// Reads an .npz archive (numpy.savez, save_npz) keeping each array in its stored dtype, on
/// device D: `load_npz_mixed(path)` on the CPU, `load_npz_mixed<kaon::cuda>(path)` on the GPU.
template <class D = cpu>
MixedArrays<D> load_npz_mixed(const std::string& path) {
  MixedArrays<D> out(detail::quoted(path));
  const auto put = [&](const std::string& name, auto t) { out.add(name, t.template to<D>()); };
  detail::read_npz(path, "load_npz_mixed",
                   [&](const std::string& name, std::string_view data, const detail::Source& src) {
                     switch (detail::read_npy_layout(data, src).dtype->type) {
                       case detail::NpyType::f4:
                         return put(name, detail::decode_npy<float>(data, src));
                       case detail::NpyType::f8:
                         return put(name, detail::decode_npy<double>(data, src));
                       case detail::NpyType::b1:
                         return put(name, detail::decode_npy<bool>(data, src));
                       default:  // i8, i4, u1
                         return put(name, detail::decode_npy<std::int64_t>(data, src));
                     }
                   });
  return out;
}

/// Writes every array in its own dtype, in order.
template <class D>
void save_npz(const std::string& path, const MixedArrays<D>& arrays) {
  const auto& list = arrays.arrays();
  detail::write_npz(path, list.size(), [&](std::size_t i) {
    return std::pair<std::string, std::string>(
        list[i].first, std::visit([](const auto& t) { return to_npy_bytes(t); }, list[i].second));
  });
}

}  // namespace kaon::io
