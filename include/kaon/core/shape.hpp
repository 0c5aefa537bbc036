// SPDX-License-Identifier: MIT
// Shape: up to kMaxDims sizes (or strides) stored inline, so making a view or a result never
// touches the heap. Also the shape arithmetic every op shares: contiguous strides, dim wrapping
// and NumPy broadcasting.
#pragma once

#include <algorithm>
#include <array>
#include <concepts>
#include <cstdint>
#include <initializer_list>
#include <ostream>
#include <ranges>
#include <span>
#include <utility>

#include "kaon/core/error.hpp"

namespace kaon {

inline constexpr int kMaxDims = 8;

/// An integer type that may be a size or a dim: any integer but bool.
template <class I>
concept DimInteger = std::integral<I> && !std::same_as<I, bool>;

class Shape;

/// A range of sizes (a std::vector<int64_t>, a std::span, a std::array<int, 2>), not a Shape.
template <class R>
concept ShapeRange = std::ranges::input_range<R> && DimInteger<std::ranges::range_value_t<R>> &&
    !std::same_as<std::remove_cvref_t<R>, Shape>;

/// A small fixed-capacity list of int64 sizes, used for shapes and strides.
class Shape {
 public:
  constexpr Shape() = default;
  Shape(std::initializer_list<std::int64_t> dims) { assign(dims.begin(), dims.size()); }
  /// From any range of integers a shape may be held in: std::vector<int64_t>, std::span,
  /// std::array, std::vector<int>.
  template <ShapeRange R>
  Shape(const R& dims) {  // NOLINT: implicit, as the braced list
    for (const auto d : dims) {
      KAON_CHECK(std::in_range<std::int64_t>(d), ShapeError, "Shape: size ", d,
                 " does not fit in int64");
      push_back(static_cast<std::int64_t>(d));
    }
  }

  /// A shape of `rank` dims, all equal to `fill`.
  static Shape filled(int rank, std::int64_t fill) {
    Shape s;
    KAON_CHECK(rank >= 0 && rank <= kMaxDims, ShapeError, "Shape: rank ", rank, " is outside [0, ",
               kMaxDims, "]");
    s.rank_ = rank;
    std::fill_n(s.d_.begin(), rank, fill);
    return s;
  }

  [[nodiscard]] constexpr int size() const { return rank_; }
  [[nodiscard]] constexpr bool empty() const { return rank_ == 0; }
  constexpr std::int64_t& operator[](int i) { return d_[static_cast<std::size_t>(i)]; }
  constexpr std::int64_t operator[](int i) const { return d_[static_cast<std::size_t>(i)]; }
  [[nodiscard]] std::int64_t back() const { return d_[static_cast<std::size_t>(rank_ - 1)]; }
  [[nodiscard]] const std::int64_t* begin() const { return d_.data(); }
  [[nodiscard]] const std::int64_t* end() const { return d_.data() + rank_; }
  std::int64_t* begin() { return d_.data(); }
  std::int64_t* end() { return d_.data() + rank_; }
  [[nodiscard]] const std::int64_t* data() const { return d_.data(); }

  void push_back(std::int64_t v) {
    KAON_CHECK(rank_ < kMaxDims, ShapeError, "Shape: more than ", kMaxDims, " dims");
    d_[static_cast<std::size_t>(rank_++)] = v;
  }
  void insert(int pos, std::int64_t v) {
    push_back(0);
    for (int i = rank_ - 1; i > pos; --i) (*this)[i] = (*this)[i - 1];
    (*this)[pos] = v;
  }
  void erase(int pos) {
    for (int i = pos; i + 1 < rank_; ++i) (*this)[i] = (*this)[i + 1];
    --rank_;
  }

  /// Product of the sizes (1 for a 0-d shape). A zero size makes it 0 before any product is
  /// formed, so [2^40, 2^40, 0] is 0, not an overflow; tensors check the rest (checked_numel).
  [[nodiscard]] std::int64_t numel() const {
    for (auto v : *this)
      if (v == 0) return 0;
    std::int64_t n = 1;
    for (auto v : *this) n *= v;
    return n;
  }

  friend bool operator==(const Shape& a, const Shape& b) {
    if (a.rank_ != b.rank_) return false;
    for (int i = 0; i < a.rank_; ++i)  // a short loop, not std::equal's call to memcmp
      if (a[i] != b[i]) return false;
    return true;
  }

 private:
  void assign(const std::int64_t* p, std::size_t n) {
    KAON_CHECK(n <= static_cast<std::size_t>(kMaxDims), ShapeError, "Shape: ", n,
               " dims given, at most ", kMaxDims, " are supported");
    rank_ = static_cast<int>(n);
    std::copy_n(p, n, d_.begin());
  }

  std::array<std::int64_t, kMaxDims> d_{};
  int rank_ = 0;
};

/// Prints "[2, 3]".
inline std::ostream& operator<<(std::ostream& os, const Shape& s) {
  os << '[';
  for (int i = 0; i < s.size(); ++i) os << (i ? ", " : "") << s[i];
  return os << ']';
}

/// A dim argument: built from any integer except bool, so that a flag passed where a dim is
/// expected (`x.std(false)` read as `x.std(0)`) does not compile instead of picking dim 0.
struct Dim {
  std::int64_t value;
  template <DimInteger I>
  constexpr Dim(I v) : value(static_cast<std::int64_t>(v)) {}  // NOLINT: implicit on purpose
  constexpr operator std::int64_t() const { return value; }    // NOLINT: implicit on purpose
};

/// A flag that only a bool converts to (`unbiased`), so that `x.var(0)` is a dim, never a flag.
struct Flag {
  bool value;
  template <std::same_as<bool> B>
  constexpr Flag(B v) : value(v) {}                  // NOLINT: implicit on purpose
  constexpr operator bool() const { return value; }  // NOLINT: implicit on purpose
};

/// torch.var's `correction=` keyword: the divisor is N - correction. `x.var(Correction{0})`.
struct Correction {
  double value;
  explicit constexpr Correction(double v) : value(v) {}
};

namespace detail {

/// The element count of a shape that a tensor will hold: a ShapeError naming `op` for a negative
/// size or a count past int64's range (where numel() would wrap to a wrong, even negative, size).
inline std::int64_t checked_numel(const char* op, const Shape& shape) {
  std::int64_t n = 1;
  bool overflow = false;
  for (auto d : shape) {
    KAON_CHECK(d >= 0, ShapeError, op, ": negative size in shape ", shape);
    overflow = overflow || __builtin_mul_overflow(n, d, &n);
  }
  // A zero size makes the count 0 whatever the others, as PyTorch allows ([0, 2^62, 2^62]).
  const bool empty = std::find(shape.begin(), shape.end(), 0) != shape.end();
  KAON_CHECK(!overflow || empty, ShapeError, op, ": shape ", shape,
             " has more elements than int64 can count");
  return empty ? 0 : n;
}

/// Row-major strides of a contiguous tensor of this shape.
inline Shape contiguous_strides(const Shape& shape) {
  Shape st = Shape::filled(shape.size(), 1);
  for (int i = shape.size() - 2; i >= 0; --i)
    st[i] = st[i + 1] * std::max<std::int64_t>(shape[i + 1], 1);
  return st;
}

/// Wraps a possibly negative dim into [0, rank); `rank` is the rank the dim indexes into. Most
/// ops treat a 0-d tensor as having one dim (sum(0) of a scalar is legal); size() and stride()
/// pass scalar_ok = false, as PyTorch does.
inline int wrap_dim(std::int64_t dim, int rank, const char* op, bool scalar_ok = true) {
  KAON_CHECK(rank > 0 || scalar_ok, ValueError, op, ": dim ", dim,
             " specified but the tensor has no dimensions");
  const int r = std::max(rank, 1);
  KAON_CHECK(dim >= -r && dim < r, ValueError, op, ": dim ", dim, " is out of range for a ", rank,
             "-d tensor (expected in [", -r, ", ", r - 1, "])");
  return static_cast<int>(dim < 0 ? dim + r : dim);
}

/// Strides that view a tensor of (shape, strides) as `want` without copying, or false when the
/// memory layout does not allow it (PyTorch's computeStride): runs of dims that are contiguous
/// with each other may be split and merged freely.
inline bool view_strides(const Shape& shape, const Shape& strides, const Shape& want, Shape& out) {
  out = Shape::filled(want.size(), 1);
  if (shape.numel() == 0 || shape.size() == 0) {
    out = contiguous_strides(want);
    return true;
  }
  int view_d = want.size() - 1;
  std::int64_t chunk_base = strides.back(), tensor_numel = 1, view_numel = 1;
  for (int d = shape.size() - 1; d >= 0; --d) {
    tensor_numel *= shape[d];
    if (d == 0 || (shape[d - 1] != 1 && strides[d - 1] != tensor_numel * chunk_base)) {
      while (view_d >= 0 && (view_numel < tensor_numel || want[view_d] == 1)) {
        out[view_d] = view_numel * chunk_base;
        view_numel *= want[view_d];
        --view_d;
      }
      if (view_numel != tensor_numel) return false;
      if (d > 0) {
        chunk_base = strides[d - 1];
        tensor_numel = 1;
        view_numel = 1;
      }
    }
  }
  return view_d == -1;
}

/// True when no two elements share memory and the elements fill one block without gaps, in
/// some order of the dims (contiguous tensors and their transposes and permutations).
inline bool is_non_overlapping_and_dense(const Shape& shape, const Shape& strides) {
  int order[kMaxDims] = {};
  for (int i = 0; i < shape.size(); ++i) {  // insertion sort of the dims by stride
    int j = i;
    for (; j > 0 && strides[order[j - 1]] > strides[i]; --j) order[j] = order[j - 1];
    order[j] = i;
  }
  std::int64_t expected = 1;
  for (int i = 0; i < shape.size(); ++i) {
    const int d = order[i];
    if (shape[d] == 1) continue;
    if (strides[d] != expected) return false;
    expected *= shape[d];
  }
  return true;
}

/// NumPy broadcasting of two shapes; throws ShapeError naming the op.
inline Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op) {
  if (a == b) return a;
  const int r = std::max(a.size(), b.size());
  Shape out = Shape::filled(r, 1);
  for (int i = 0; i < r; ++i) {
    const int ia = a.size() - r + i, ib = b.size() - r + i;
    const std::int64_t da = ia >= 0 ? a[ia] : 1, db = ib >= 0 ? b[ib] : 1;
    KAON_CHECK(da == db || da == 1 || db == 1, ShapeError, op,
               ": shapes cannot be broadcast together: ", a, " and ", b);
    out[i] = da == 1 ? db : da;
  }
  return out;
}

/// Strides that read a tensor of (shape, strides) as if it had shape `to` (0 on broadcast dims).
inline Shape broadcast_strides(const Shape& shape, const Shape& strides, const Shape& to) {
  Shape out = Shape::filled(to.size(), 0);
  const int off = to.size() - shape.size();
  for (int i = 0; i < shape.size(); ++i) out[off + i] = shape[i] == 1 ? 0 : strides[i];
  return out;
}

}  // namespace detail
}  // namespace kaon
