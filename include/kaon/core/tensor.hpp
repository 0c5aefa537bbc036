// SPDX-License-Identifier: MIT
// Tensor<T, Device>: a cheap reference-counted handle to a strided view of device storage, as in
// PyTorch (copies share storage; views share storage with their base). This header declares the
// class and its accessors; each op family's header defines the member functions it provides, so
// include <kaon/kaon.hpp> to use them all.
#pragma once

#include <concepts>
#include <cstdint>
#include <limits>
#include <memory>
#include <new>
#include <optional>
#include <vector>

#include "kaon/core/device.hpp"
#include "kaon/core/dtype.hpp"
#include "kaon/core/error.hpp"
#include "kaon/core/pool.hpp"
#include "kaon/core/shape.hpp"
#include "kaon/core/storage.hpp"

namespace kaon {

template <Element T = float, class Device = cpu>
class Tensor;

template <Element T, class Device>
struct MinMax;

namespace autograd {
template <class Device>
struct AutogradMeta;
template <class Device>
struct Node;
}  // namespace autograd

namespace detail {

template <class Device>
struct TensorImpl {
  std::shared_ptr<Storage<Device>> storage;
  std::int64_t offset = 0;  // in elements
  Shape shape;
  Shape strides;
  bool contiguous = true;
  // Set only for tensors that take part in autograd (autograd/meta.hpp).
  std::shared_ptr<autograd::AutogradMeta<Device>> autograd;
};

inline bool is_contiguous(const Shape& shape, const Shape& strides) {
  std::int64_t expected = 1;
  for (int i = shape.size() - 1; i >= 0; --i) {
    if (shape[i] == 1) continue;
    if (strides[i] != expected) return false;
    expected *= shape[i];
  }
  return true;
}

}  // namespace detail

/// An n-dimensional array of T (float, double, int64 or bool) on Device (cpu or cuda).
/// Copies are shallow: `auto b = a;` shares a's storage, like `b = a` in Python.
template <Element T, class Device>
class Tensor {
  static_assert(detail::backend_compiled<Device>::value,
                "Tensor<T, kaon::cuda> needs the CUDA backend: include <kaon/cuda.cuh> from a .cu "
                "file that nvcc compiles (CMake: KAON_ENABLE_CUDA=ON, link kaon::cuda)");

 public:
  using value_type = T;
  using device_type = Device;
  using Impl = detail::TensorImpl<Device>;

  /// An undefined tensor (like a default-constructed at::Tensor); most ops reject it.
  Tensor() = default;

  /// A fresh contiguous tensor of this shape with uninitialised elements.
  explicit Tensor(const Shape& shape) : impl_(detail::make_pooled<Impl>()) {
    const auto n = static_cast<std::size_t>(detail::checked_numel("empty", shape));
    KAON_CHECK(n <= std::numeric_limits<std::size_t>::max() / 2 / sizeof(T), ShapeError,
               "empty: shape ", shape, " needs more bytes than memory can address");
    try {
      impl_->storage = detail::make_pooled<detail::Storage<Device>>(n * sizeof(T));
    } catch (const std::bad_alloc&) {
      detail::raise<Error>("empty: out of memory allocating ", n * sizeof(T),
                           " bytes for a tensor of shape ", shape);
    }
    impl_->shape = shape;
    impl_->strides = detail::contiguous_strides(shape);
  }

  /// A view of `base`'s storage with its own offset, shape and strides.
  Tensor(const Tensor& base, std::int64_t offset, const Shape& shape, const Shape& strides)
      : impl_(detail::make_pooled<Impl>()) {
    impl_->storage = base.impl_->storage;
    impl_->offset = offset;
    impl_->shape = shape;
    impl_->strides = strides;
    impl_->contiguous = detail::is_contiguous(shape, strides);
  }

  // ---- Access -------------------------------------------------------------------------------

  [[nodiscard]] bool defined() const { return impl_ != nullptr; }
  [[nodiscard]] const Shape& shape() const { return impl().shape; }
  [[nodiscard]] const Shape& strides() const { return impl().strides; }
  /// Size of dim `d`; negative d counts from the end.
  [[nodiscard]] std::int64_t size(std::int64_t d) const {
    return shape()[detail::wrap_dim(d, dim(), "size", false)];
  }
  [[nodiscard]] std::int64_t stride(std::int64_t d) const {
    return strides()[detail::wrap_dim(d, dim(), "stride", false)];
  }
  [[nodiscard]] int dim() const { return shape().size(); }
  [[nodiscard]] std::int64_t numel() const { return shape().numel(); }
  [[nodiscard]] std::int64_t storage_offset() const { return impl().offset; }
  [[nodiscard]] bool is_contiguous() const { return impl().contiguous; }
  /// Pointer to the first element (device memory for cuda), as torch's x.data_ptr().
  [[nodiscard]] T* data_ptr() const {
    return static_cast<T*>(impl().storage->data()) + impl().offset;
  }
  [[nodiscard]] const char* dtype_name() const { return kaon::dtype_name<T>(); }
  /// Whether the tensor lives on the GPU (torch's x.is_cuda); the device is part of the type.
  [[nodiscard]] static constexpr bool is_cuda() { return std::is_same_v<Device, cuda>; }
  /// The device as PyTorch prints x.device: "cpu" or "cuda:0".
  [[nodiscard]] static constexpr const char* device() { return is_cuda() ? "cuda:0" : "cpu"; }
  /// True when both handles share one storage block.
  template <Element U>
  [[nodiscard]] bool is_alias_of(const Tensor<U, Device>& o) const {
    return impl().storage == o.impl().storage;
  }
  /// True when this handle is the only one to its elements: no copy, view or saved tensor
  /// shares them (an op may then write its result into an expiring temporary's elements).
  [[nodiscard]] bool is_sole_owner() const {
    return impl_ && impl_.use_count() == 1 && impl_->storage.use_count() == 1;
  }
  /// Number of in-place modifications of the storage so far.
  [[nodiscard]] std::uint64_t version() const { return impl().storage->version(); }
  void bump_version() const { impl().storage->bump_version(); }

  /// The value of a one-element tensor, as U (T by default).
  template <class U = T>
  [[nodiscard]] U item() const;
  /// The elements in row-major order, copied to the host.
  [[nodiscard]] std::vector<T> to_vector() const;
  /// `to<double>()` converts the element type; `to<kaon::cpu>()` moves to a device.
  template <class X>
  [[nodiscard]] auto to() const;
  /// Element-type conversion; same as `to<U>()`.
  template <Element U>
  [[nodiscard]] Tensor<U, Device> cast() const;

  // ---- Autograd (autograd/tensor_autograd.hpp) ----------------------------------------------

  /// True for a leaf marked with requires_grad_() and for every result computed from one.
  [[nodiscard]] bool requires_grad() const;
  /// Marks a leaf tensor so that backward() fills its grad(); returns *this.
  Tensor& requires_grad_(bool on = true);
  /// True for tensors not produced by a recorded op (user-made tensors and parameters).
  [[nodiscard]] bool is_leaf() const;
  /// The accumulated gradient of a leaf (undefined before the first backward).
  [[nodiscard]] Tensor grad() const;
  /// Sets or clears (with an undefined tensor) the accumulated gradient.
  void set_grad(const Tensor& g) const;
  /// The node that produced this tensor, or null for leaves; grad_fn()->name() is PyTorch's.
  [[nodiscard]] std::shared_ptr<autograd::Node<Device>> grad_fn() const;
  /// Keeps the gradient of a non-leaf tensor in grad() after backward.
  Tensor& retain_grad();
  /// Backpropagates from a one-element tensor (the gradient defaults to 1).
  void backward(bool retain_graph = false, bool create_graph = false) const;
  /// Backpropagates the vector-Jacobian product with `gradient` (same shape as this tensor).
  void backward(const Tensor& gradient, bool retain_graph = false, bool create_graph = false) const;

  // ---- Shape and views (ops/view.hpp, ops/copy.hpp, ops/index.hpp) ---------------------------

  [[nodiscard]] Tensor reshape(const Shape& shape) const;
  [[nodiscard]] Tensor view(const Shape& shape) const;
  [[nodiscard]] Tensor flatten(std::int64_t start_dim = 0, std::int64_t end_dim = -1) const;
  [[nodiscard]] Tensor squeeze() const;
  [[nodiscard]] Tensor squeeze(std::int64_t dim) const;
  [[nodiscard]] Tensor unsqueeze(std::int64_t dim) const;
  [[nodiscard]] Tensor transpose(std::int64_t dim0, std::int64_t dim1) const;
  [[nodiscard]] Tensor t() const;
  [[nodiscard]] Tensor permute(const Shape& dims) const;
  [[nodiscard]] Tensor expand(const Shape& shape) const;
  [[nodiscard]] Tensor expand_as(const Tensor& other) const { return expand(other.shape()); }
  [[nodiscard]] Tensor slice(std::int64_t dim, std::int64_t start, std::int64_t end,
                             std::int64_t step = 1) const;
  [[nodiscard]] Tensor select(std::int64_t dim, std::int64_t index) const;
  [[nodiscard]] Tensor contiguous() const;
  [[nodiscard]] Tensor clone() const;
  [[nodiscard]] Tensor detach() const;
  [[nodiscard]] Tensor index_select(std::int64_t dim,
                                    const Tensor<std::int64_t, Device>& index) const;
  [[nodiscard]] Tensor masked_select(const Tensor<bool, Device>& mask) const;
  /// `x[mask]`: elements where mask is true; rows when the mask is 1-D and x is 2-D or more.
  [[nodiscard]] Tensor operator[](const Tensor<bool, Device>& mask) const;
  /// `x[index]` for an int64 index: rows of x along dim 0, shape index.shape() + the rest
  /// (ops/index_put.hpp).
  [[nodiscard]] Tensor operator[](const Tensor<std::int64_t, Device>& index) const;
  /// `x[index] = values` (or `+=` with accumulate), values broadcast to the indexed shape.
  Tensor& index_put_(const Tensor<std::int64_t, Device>& index, const Tensor& values,
                     bool accumulate = false);
  /// `x[mask] = values` for a bool mask over x's leading dims.
  Tensor& index_put_(const Tensor<bool, Device>& mask, const Tensor& values);
  /// Sets the elements where the (broadcast) mask is true to value, in place.
  Tensor& masked_fill_(const Tensor<bool, Device>& mask, double value);
  /// `x[i]`: select(0, i).
  [[nodiscard]] Tensor operator[](std::int64_t i) const { return select(0, i); }

  // ---- Reductions (ops/reduce.hpp, ops/minmax.hpp) ------------------------------------------

  /// Dims are `Dim`s: any integer but bool, so `x.sum(true)` does not compile as `x.sum(1)`.
  [[nodiscard]] Tensor<sum_t<T>, Device> sum() const;
  [[nodiscard]] Tensor<sum_t<T>, Device> sum(Dim dim, bool keepdim = false) const;
  [[nodiscard]] Tensor<sum_t<T>, Device> prod() const;
  [[nodiscard]] Tensor<sum_t<T>, Device> prod(Dim dim, bool keepdim = false) const;
  [[nodiscard]] Tensor mean() const;
  [[nodiscard]] Tensor mean(Dim dim, bool keepdim = false) const;
  /// Variance in PyTorch's positional order: x.var(), x.var(false) (biased), x.var(dim),
  /// x.var(dim, unbiased, keepdim). Other divisors: x.var(Correction{c}), x.var(dim,
  /// Correction{c}).
  [[nodiscard]] Tensor var(Flag unbiased = true) const;
  [[nodiscard]] Tensor var(Correction correction) const;
  [[nodiscard]] Tensor var(Dim dim, Flag unbiased = true, bool keepdim = false) const;
  [[nodiscard]] Tensor var(Dim dim, Correction correction, bool keepdim = false) const;
  /// Standard deviation, the same overloads as var.
  [[nodiscard]] Tensor std(Flag unbiased = true) const;
  [[nodiscard]] Tensor std(Correction correction) const;
  [[nodiscard]] Tensor std(Dim dim, Flag unbiased = true, bool keepdim = false) const;
  [[nodiscard]] Tensor std(Dim dim, Correction correction, bool keepdim = false) const;
  [[nodiscard]] Tensor norm(double p = 2) const;
  [[nodiscard]] Tensor norm(double p, Dim dim, bool keepdim = false) const;
  [[nodiscard]] Tensor min() const;
  [[nodiscard]] Tensor max() const;
  [[nodiscard]] MinMax<T, Device> min(Dim dim, bool keepdim = false) const;
  [[nodiscard]] MinMax<T, Device> max(Dim dim, bool keepdim = false) const;
  [[nodiscard]] Tensor<std::int64_t, Device> argmin() const;
  [[nodiscard]] Tensor<std::int64_t, Device> argmax() const;
  [[nodiscard]] Tensor<std::int64_t, Device> argmin(Dim dim, bool keepdim = false) const;
  [[nodiscard]] Tensor<std::int64_t, Device> argmax(Dim dim, bool keepdim = false) const;
  /// Ordering along a dim (ops/sort.hpp): values and indices, or the indices alone.
  [[nodiscard]] MinMax<T, Device> sort(std::int64_t dim = -1, bool descending = false) const;
  [[nodiscard]] Tensor<std::int64_t, Device> argsort(std::int64_t dim = -1,
                                                     bool descending = false) const;
  [[nodiscard]] MinMax<T, Device> topk(std::int64_t k, std::int64_t dim = -1,
                                       bool largest = true) const;
  [[nodiscard]] MinMax<T, Device> kthvalue(std::int64_t k, std::int64_t dim = -1,
                                           bool keepdim = false) const;
  [[nodiscard]] Tensor quantile(double q, std::optional<Dim> dim = {}, bool keepdim = false) const;
  [[nodiscard]] Tensor<bool, Device> all() const;
  [[nodiscard]] Tensor<bool, Device> all(Dim dim, bool keepdim = false) const;
  [[nodiscard]] Tensor<bool, Device> any() const;
  [[nodiscard]] Tensor<bool, Device> any(Dim dim, bool keepdim = false) const;

  // ---- Element-wise (ops/unary.hpp, ops/binary.hpp) -----------------------------------------

  [[nodiscard]] Tensor<float_t<T>, Device> sqrt() const;
  [[nodiscard]] Tensor<float_t<T>, Device> exp() const;
  [[nodiscard]] Tensor<float_t<T>, Device> log() const;
  [[nodiscard]] Tensor<float_t<T>, Device> sin() const;
  [[nodiscard]] Tensor<float_t<T>, Device> cos() const;
  [[nodiscard]] Tensor<float_t<T>, Device> tanh() const;
  [[nodiscard]] Tensor<float_t<T>, Device> sigmoid() const;
  [[nodiscard]] Tensor<float_t<T>, Device> tan() const;
  // ops/unary_math.hpp
  [[nodiscard]] Tensor<float_t<T>, Device> asin() const;
  [[nodiscard]] Tensor<float_t<T>, Device> acos() const;
  [[nodiscard]] Tensor<float_t<T>, Device> atan() const;
  [[nodiscard]] Tensor<float_t<T>, Device> sinh() const;
  [[nodiscard]] Tensor<float_t<T>, Device> cosh() const;
  [[nodiscard]] Tensor<float_t<T>, Device> asinh() const;
  [[nodiscard]] Tensor<float_t<T>, Device> acosh() const;
  [[nodiscard]] Tensor<float_t<T>, Device> atanh() const;
  [[nodiscard]] Tensor<float_t<T>, Device> log1p() const;
  [[nodiscard]] Tensor<float_t<T>, Device> expm1() const;
  [[nodiscard]] Tensor<float_t<T>, Device> erf() const;
  [[nodiscard]] Tensor<float_t<T>, Device> erfc() const;
  [[nodiscard]] Tensor sign() const;
  [[nodiscard]] Tensor floor() const;
  [[nodiscard]] Tensor ceil() const;
  [[nodiscard]] Tensor trunc() const;
  [[nodiscard]] Tensor round() const;
  [[nodiscard]] Tensor abs() const;
  [[nodiscard]] Tensor relu() const;
  [[nodiscard]] Tensor clamp(double min, double max) const;
  [[nodiscard]] Tensor clamp_min(double min) const;
  [[nodiscard]] Tensor clamp_max(double max) const;

  /// The same functions as kaon::pow, atan2, hypot and fmod, with this tensor first; `other`
  /// is a tensor or a scalar (ops/binary.hpp, ops/binary_math.hpp).
  template <class E>
  [[nodiscard]] auto pow(const E& exponent) const;
  template <class O>
  [[nodiscard]] auto atan2(const O& other) const;
  template <class O>
  [[nodiscard]] auto hypot(const O& other) const;
  template <class O>
  [[nodiscard]] auto fmod(const O& other) const;
  /// Running sum and product along dim, and the n-th difference of neighbours
  /// (ops/cumulative.hpp).
  [[nodiscard]] Tensor<sum_t<T>, Device> cumsum(std::int64_t dim) const;
  [[nodiscard]] Tensor<sum_t<T>, Device> cumprod(std::int64_t dim) const;
  [[nodiscard]] Tensor diff(std::int64_t n = 1, std::int64_t dim = -1) const;
  /// Lower and upper triangles, and the diagonal (ops/diagonal.hpp).
  [[nodiscard]] Tensor tril(std::int64_t diagonal = 0) const;
  [[nodiscard]] Tensor triu(std::int64_t diagonal = 0) const;
  [[nodiscard]] Tensor diag(std::int64_t diagonal = 0) const;
  /// The slices along dim (ops/join.hpp).
  [[nodiscard]] std::vector<Tensor> unbind(std::int64_t dim = 0) const;
  /// Matrix products, as kaon::mm and kaon::matmul (ops/matmul.hpp).
  [[nodiscard]] Tensor mm(const Tensor& other) const;
  [[nodiscard]] Tensor matmul(const Tensor& other) const;
  /// `value` where mask is true, this tensor's elements elsewhere; the mask broadcasts
  /// (ops/where.hpp).
  [[nodiscard]] Tensor masked_fill(const Tensor<bool, Device>& mask, double value) const;
  /// Elements picked along `dim` by an int64 index of this tensor's rank (ops/gather.hpp).
  [[nodiscard]] Tensor gather(std::int64_t dim, const Tensor<std::int64_t, Device>& index) const;

  /// In-place element-wise updates; the right side broadcasts to this tensor's shape.
  template <class R>
  Tensor& operator+=(const R& rhs);
  template <class R>
  Tensor& operator-=(const R& rhs);
  template <class R>
  Tensor& operator*=(const R& rhs);
  template <class R>
  Tensor& operator/=(const R& rhs);
  /// Sets every element to v.
  Tensor& fill_(T v);
  Tensor& zero_() { return fill_(T(0)); }
  /// Copies src (broadcast, converted) into this tensor's elements.
  template <Element U>
  Tensor& copy_(const Tensor<U, Device>& src);

  /// The shared implementation (for kaon's own ops).
  [[nodiscard]] Impl& impl() const {
    KAON_CHECK(impl_ != nullptr, ValueError, "Tensor: use of an undefined tensor");
    return *impl_;
  }

 private:
  std::shared_ptr<Impl> impl_;
};

/// The result of min(dim) / max(dim): the values and the int64 indices where they were found.
template <Element T, class Device>
struct MinMax {
  Tensor<T, Device> values;
  Tensor<std::int64_t, Device> indices;
};

template <class X>
inline constexpr bool is_tensor_v = false;
template <class T, class D>
inline constexpr bool is_tensor_v<Tensor<T, D>> = true;

}  // namespace kaon
