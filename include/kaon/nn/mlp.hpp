// SPDX-License-Identifier: MIT
// nn::MLP: Linear, ReLU, Linear, ..., ReLU, Linear through given widths, as
// torchvision.ops.MLP(in_channels, hidden_channels) without its dropout layers (so its
// parameters are named as nn.Sequential's: "0.weight", "2.weight"). It is also where kaon's one
// fused path lives: on the CPU, a Linear(k, m), ReLU, Linear(m, p) with narrow ends (k, p <= 4:
// a curve fit's 1 -> 50 -> 1) runs forward and backward as one node,
// LinearReluLinearBackward, whose kernels never store the hidden layer: a block of rows sits
// in the lanes of a vector and each hidden unit's column is recomputed from x in registers.
// The composed ops write and read h, and its gradient, several times over; here only x, the
// upstream gradient and the [rows, p] result move. The choice depends on the device and the
// shapes only, and the values and gradients are those of the composed layers.
//
//   kaon::nn::MLP model(1, {50, 1});   // Linear(1, 50), ReLU, Linear(50, 1)
//   auto y = model(x);                  // x: [n, 1]
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "kaon/nn/activation.hpp"
#include "kaon/nn/linear.hpp"
#include "kaon/nn/module.hpp"
#include "kaon/ops/addmm.hpp"

namespace kaon {
namespace detail {

/// Linear(k, m) -> ReLU -> Linear(m, p)'s parameters, dense row-major: w1 [m, k], b1 [m],
/// w2 [p, m], b2 [p] (null: no bias); n rows of input.
template <class T>
struct NarrowLayers {
  std::int64_t n, k, m, p;
  const T *w1, *b1, *w2, *b2;
};

/// Their gradients wanted (null: not wanted), dense row-major in the parameters' shapes; dx is
/// [n, k] row-major.
template <class T>
struct NarrowGrads {
  T *dx, *dw1, *db1, *dw2, *db2;
};

/// Most inputs (k) and outputs (p) of the two layers linear_relu_linear_cpu takes.
inline constexpr std::int64_t kNarrowMaxEnds = 4;

/// Bytes of one vector register: the kernels' block of rows fills one. A wider GCC vector than
/// the target has is emulated through the stack (a 64-byte block on AVX2 ran 7x slower).
#if defined(__AVX512F__)
inline constexpr int kLaneBytes = 64;
#elif defined(__AVX__)
inline constexpr int kLaneBytes = 32;
#else
inline constexpr int kLaneBytes = 16;
#endif

/// One vector register of T, a block of rows (GCC's vector extension, which Clang and nvcc's
/// host compiler share). Passed by reference only: a vector argument by value changes the ABI
/// and draws -Wpsabi.
template <class T>
struct Lanes;
template <>
struct Lanes<float> {
  typedef float type __attribute__((vector_size(kLaneBytes)));
};
template <>
struct Lanes<double> {
  typedef double type __attribute__((vector_size(kLaneBytes)));
};

/// Columns of a [n, cols] matrix (either layout) as `width` >= cols rows of n_pad elements
/// each, zero past n and past cols: a block of rows then loads as one vector. Returns scratch
/// that lives until the calling thread's next call with the same slot (0 or 1).
template <class T>
const T* narrow_columns(const MatrixRef<const T>& a, std::int64_t width, std::int64_t n_pad,
                        int slot) {
  thread_local std::vector<T> buffers[2];
  auto& buf = buffers[slot];
  buf.assign(static_cast<std::size_t>(width * n_pad), T(0));
  const std::int64_t rs = a.row_major ? a.ld : 1, cs = a.row_major ? 1 : a.ld;
  for (std::int64_t c = 0; c < a.cols; ++c)
    for (std::int64_t i = 0; i < a.rows; ++i) buf[c * n_pad + i] = a.data[i * rs + c * cs];
  return buf.data();
}

/// The layers' parameters for kernels of K inputs and P outputs, k <= K and p <= P: a as it is
/// where k = K and p = P, else a copy, zero in the padded inputs and outputs (which then add
/// nothing), in scratch of the calling thread until its next call.
template <int K, int P, class T>
NarrowLayers<T> narrow_packed(const NarrowLayers<T>& a) {
  if (a.k == K && a.p == P) return a;
  thread_local std::vector<T> buf;
  buf.assign(static_cast<std::size_t>(a.m * (K + 1 + P) + P), T(0));
  T *w1 = buf.data(), *b1 = w1 + a.m * K, *w2 = b1 + a.m, *b2 = w2 + P * a.m;
  for (std::int64_t j = 0; j < a.m; ++j) {
    for (std::int64_t c = 0; c < a.k; ++c) w1[j * K + c] = a.w1[j * a.k + c];
    b1[j] = a.b1[j];
    for (std::int64_t q = 0; q < a.p; ++q) w2[q * a.m + j] = a.w2[q * a.m + j];
  }
  for (std::int64_t q = 0; q < a.p && a.b2; ++q) b2[q] = a.b2[q];
  return {a.n, K, a.m, P, w1, b1, w2, a.b2 ? b2 : nullptr};
}

/// v = the block of rows starting at p (unaligned).
template <class V, class T>
inline void load_lanes(V& v, const T* p) {
  std::memcpy(&v, p, sizeof(V));
}

/// The backward's sums run in T over this many blocks of rows and in double (for float) across
/// them, as linear_relu_backward_k's: float gradients about as accurate as kaon's float sum.
inline constexpr std::int64_t kNarrowJoin = 64;

/// total += the lanes of s, then s = 0.
template <class Total, class V>
inline void lane_sum(Total& total, V& s) {
  constexpr std::size_t L = sizeof(V) / sizeof(s[0]);
  std::remove_cvref_t<decltype(s[0])> lanes[L];
  std::memcpy(lanes, &s, sizeof(V));
  for (std::size_t r = 0; r < L; ++r) total += lanes[r];
  s = V{};
}

/// A block of rows' hidden unit j: h = relu(b1[j] + sum_c x[:, c] w1[j, c]) (as fn::Relu: a
/// NaN passes), the parameters given as scalars (W = T) or broadcast vectors (W = V).
template <int K, class V, class W>
inline void narrow_hidden(const V (&xv)[K], const W* w1j, const W& b1j, V& h) {
  V z = xv[0] * w1j[0] + b1j;
  for (int c = 1; c < K; ++c) z += xv[c] * w1j[c];
  h = z <= V{} ? V{} : z;
}

template <int K, int P, class T>
void linear_relu_linear_k(const NarrowLayers<T>& a, const MatrixRef<const T>& x, T* out) {
  using V = typename Lanes<T>::type;
  constexpr std::int64_t L = sizeof(V) / sizeof(T);
  constexpr std::int64_t R = 4;  // blocks of rows per step: R independent chains through acc
  const std::int64_t n_pad = (a.n + R * L - 1) / (R * L) * (R * L);
  const NarrowLayers<T> w = narrow_packed<K, P>(a);
  const T* xt = narrow_columns(x, K, n_pad, 0);
  for (std::int64_t i0 = 0; i0 < a.n; i0 += R * L) {
    V xv[R][K], acc[R][P];
    for (int s = 0; s < R; ++s) {
      for (int c = 0; c < K; ++c) load_lanes(xv[s][c], xt + c * n_pad + i0 + s * L);
      for (int q = 0; q < P; ++q) acc[s][q] = V{} + w.b2[q];
    }
    for (std::int64_t j = 0; j < a.m; ++j)
      for (int s = 0; s < R; ++s) {
        V h;
        narrow_hidden(xv[s], w.w1 + j * K, w.b1[j], h);
        for (int q = 0; q < P; ++q) acc[s][q] += h * w.w2[q * a.m + j];
      }
    for (int s = 0; s < R; ++s) {
      const std::int64_t start = i0 + s * L, rows = std::min(L, a.n - start);
      for (std::int64_t r = 0; r < rows; ++r)
        for (std::int64_t q = 0; q < a.p; ++q) out[(start + r) * a.p + q] = acc[s][q][r];
    }
  }
}

/// The backward's inputs as columns (narrow_columns) and where the input gradient collects.
template <class T>
struct NarrowColumns {
  const T *xt, *gt;  // [k, n_pad], [p, n_pad]
  T* dxt;            // [k, n_pad] or null
  std::int64_t n, n_pad;
};

/// Hidden units j0 .. j0 + J - 1 (those below m) of linear_relu_linear_backward_k (w from
/// narrow_packed; a the caller's), each block of rows loaded once for all J: J independent chains
/// through each sum, which one unit's chain (one add per block) would leave waiting on the
/// adder's latency.
template <int K, int P, int J, class T>
void narrow_backward_units(const NarrowLayers<T>& a, const NarrowLayers<T>& w,
                           const NarrowColumns<T>& cols, std::int64_t j0, const NarrowGrads<T>& d) {
  using Total = std::conditional_t<std::is_same_v<T, float>, double, T>;
  using V = typename Lanes<T>::type;
  constexpr std::int64_t L = sizeof(V) / sizeof(T);
  const std::int64_t n_pad = cols.n_pad, blocks = n_pad / L;
  // The last block's lanes past n hold zeros of x and g; their h and dz are set to 0 so that an
  // infinite or NaN parameter adds nothing there (0 * inf would be NaN).
  const std::int64_t valid_last = cols.n - (blocks - 1) * L;
  const bool first = d.dw1 || d.db1 || cols.dxt;  // the first layer's gradients, which need dz
  // The units' parameters, each broadcast to a vector once; zero for units past m (the last
  // pass's), which then add nothing.
  V w1[J][K], b1[J], w2[J][P];
  for (int u = 0; u < J; ++u) {
    const bool unit = j0 + u < a.m;
    for (int c = 0; c < K; ++c) w1[u][c] = V{} + (unit ? w.w1[(j0 + u) * K + c] : T(0));
    b1[u] = V{} + (unit ? w.b1[j0 + u] : T(0));
    for (int q = 0; q < P; ++q) w2[u][q] = V{} + (unit ? w.w2[q * a.m + j0 + u] : T(0));
  }
  V lane;  // 0, 1, ..., L - 1
  for (std::int64_t r = 0; r < L; ++r) lane[r] = static_cast<T>(r);
  V s_b1[J]{}, s_w1[J][K]{}, s_w2[J][P]{};
  Total t_b1[J]{}, t_w1[J][K]{}, t_w2[J][P]{};
  auto join = [&] {
    for (int u = 0; u < J; ++u) {
      lane_sum(t_b1[u], s_b1[u]);
      for (int c = 0; c < K; ++c) lane_sum(t_w1[u][c], s_w1[u][c]);
      for (int q = 0; q < P; ++q) lane_sum(t_w2[u][q], s_w2[u][q]);
    }
  };
  for (std::int64_t b = 0; b < blocks; ++b) {
    const std::int64_t i0 = b * L;
    V xv[K], gv[P], dx[K]{};
    for (int c = 0; c < K; ++c) load_lanes(xv[c], cols.xt + c * n_pad + i0);
    for (int q = 0; q < P; ++q) load_lanes(gv[q], cols.gt + q * n_pad + i0);
    for (int u = 0; u < J; ++u) {
      V h;
      narrow_hidden(xv, w1[u], b1[u], h);
      V dh = gv[0] * w2[u][0];
      for (int q = 1; q < P; ++q) dh += gv[q] * w2[u][q];
      V dz = h <= T(0) ? V{} : dh;  // relu's backward from its result, as fn::ReluBackward
      if (b == blocks - 1) {
        const T valid = static_cast<T>(valid_last);
        h = lane < valid ? h : V{};
        dz = lane < valid ? dz : V{};
      }
      for (int q = 0; q < P; ++q) s_w2[u][q] += gv[q] * h;
      if (first) {
        s_b1[u] += dz;
        for (int c = 0; c < K; ++c) s_w1[u][c] += xv[c] * dz, dx[c] += dz * w1[u][c];
      }
    }
    if (cols.dxt)
      for (int c = 0; c < K; ++c) {
        V t;
        load_lanes(t, cols.dxt + c * n_pad + i0);
        t += dx[c];
        std::memcpy(cols.dxt + c * n_pad + i0, &t, sizeof(V));
      }
    if ((b + 1) % kNarrowJoin == 0) join();
  }
  join();
  for (int u = 0; u < J && j0 + u < a.m; ++u) {
    const std::int64_t j = j0 + u;
    if (d.db1) d.db1[j] = static_cast<T>(t_b1[u]);
    if (d.dw1)
      for (std::int64_t c = 0; c < a.k; ++c) d.dw1[j * a.k + c] = static_cast<T>(t_w1[u][c]);
    if (d.dw2)
      for (std::int64_t q = 0; q < a.p; ++q) d.dw2[q * a.m + j] = static_cast<T>(t_w2[u][q]);
  }
}

template <int K, int P, class T>
void linear_relu_linear_backward_k(const NarrowLayers<T>& a, const MatrixRef<const T>& x,
                                   const T* g, const NarrowGrads<T>& d) {
  using V = typename Lanes<T>::type;
  using Total = std::conditional_t<std::is_same_v<T, float>, double, T>;
  constexpr std::int64_t L = sizeof(V) / sizeof(T);
  const std::int64_t n_pad = (a.n + L - 1) / L * L;
  const NarrowLayers<T> w = narrow_packed<K, P>(a);
  std::vector<T> dxt(d.dx ? static_cast<std::size_t>(K * n_pad) : 0, T(0));
  const NarrowColumns<T> cols{
      narrow_columns(x, K, n_pad, 0),
      narrow_columns(MatrixRef<const T>{g, a.n, a.p, a.p, true}, P, n_pad, 1),
      d.dx ? dxt.data() : nullptr, a.n, n_pad};
  constexpr int J = 4;  // hidden units per pass over the rows
  for (std::int64_t j = 0; j < a.m; j += J) narrow_backward_units<K, P, J>(a, w, cols, j, d);
  if (d.db2)
    for (std::int64_t q = 0; q < a.p; ++q) {
      // sum_i g[i, q]: padded lanes hold zeros; blocks joined as the units' sums are
      Total t = 0;
      V s{};
      for (std::int64_t b = 0; b < n_pad / L; ++b) {
        V gv;
        load_lanes(gv, cols.gt + q * n_pad + b * L);
        s += gv;
        if ((b + 1) % kNarrowJoin == 0) lane_sum(t, s);
      }
      lane_sum(t, s);
      d.db2[q] = static_cast<T>(t);
    }
  if (d.dx)
    for (std::int64_t i = 0; i < a.n; ++i)
      for (std::int64_t c = 0; c < a.k; ++c)
        d.dx[i * a.k + c] = dxt[static_cast<std::size_t>(c * n_pad + i)];
}

/// Calls f.template operator()<K, P>() with K, P in {1, 2, 4}, the smallest at least the
/// layers' k and p (a 3 runs padded to 4: nine kernels rather than sixteen to compile).
template <class F>
void narrow_dispatch(std::int64_t k, std::int64_t p, F&& f) {
  auto with_p = [&]<int K>() {
    if (p == 1) return f.template operator()<K, 1>();
    if (p == 2) return f.template operator()<K, 2>();
    return f.template operator()<K, 4>();
  };
  if (k == 1) return with_p.template operator()<1>();
  if (k == 2) return with_p.template operator()<2>();
  return with_p.template operator()<4>();
}

/// out [n, p] (dense row-major) = relu(x W1^T + b1) W2^T + b2 for x [n, k] in either layout,
/// k, p <= kNarrowMaxEnds. One pass over x, on the calling thread.
template <class T>
void linear_relu_linear_cpu(const NarrowLayers<T>& a, const MatrixRef<const T>& x, T* out) {
  narrow_dispatch(a.k, a.p, [&]<int K, int P>() { linear_relu_linear_k<K, P>(a, x, out); });
}

/// The gradients of linear_relu_linear_cpu's inputs for g [n, p] (dense row-major), the
/// gradient of its result: with dz = 1[h > 0] (g W2),
///   dx = dz W1, dw1 = dz^T x, db1 = sum_i dz, dw2 = g^T h, db2 = sum_i g.
/// One pass over x and g, n (k + p) values, per four hidden units, on the calling thread.
template <class T>
void linear_relu_linear_backward_cpu(const NarrowLayers<T>& a, const MatrixRef<const T>& x,
                                     const T* g, const NarrowGrads<T>& d) {
  narrow_dispatch(a.k, a.p,
                  [&]<int K, int P>() { linear_relu_linear_backward_k<K, P>(a, x, g, d); });
}

template <class T, class D>
NarrowLayers<T> narrow_layers(const Tensor<T, D>& x, const Tensor<T, D>& w1, const Tensor<T, D>& b1,
                              const Tensor<T, D>& w2, const Tensor<T, D>& b2) {
  return {x.size(0),     w1.size(1),    w1.size(0),    w2.size(0),
          w1.data_ptr(), b1.data_ptr(), w2.data_ptr(), b2.defined() ? b2.data_ptr() : nullptr};
}

/// Whether relu(x W1^T + b1) W2^T + b2 runs as one node: on the CPU, for x [n, k], W1 [m, k],
/// b1 [m], W2 [p, m], b2 [p] with k, p <= kNarrowMaxEnds and contiguous parameters.
template <class T, class D>
bool runs_linear_relu_linear(const Tensor<T, D>& x, const Tensor<T, D>& w1, const Tensor<T, D>& b1,
                             const Tensor<T, D>& w2, const Tensor<T, D>& b2) {
  return std::is_same_v<D, cpu> && std::is_floating_point_v<T> && b1.defined() && b2.defined() &&
         x.dim() == 2 && x.size(1) == w1.size(1) && w1.size(1) <= kNarrowMaxEnds &&
         w2.size(0) <= kNarrowMaxEnds && w2.size(1) == w1.size(0) && w1.is_contiguous() &&
         b1.is_contiguous() && w2.is_contiguous() && b2.is_contiguous();
}
}  // namespace detail

namespace ops {
// With h = relu(x W1^T + b1) and dz = 1[h > 0] (g W2):
// d/dx = dz W1, d/dW1 = dz^T x, d/db1 = sum_i dz, d/dW2 = g^T h, d/db2 = sum_i g
struct LinearReluLinear : autograd::Function<LinearReluLinear> {
  static constexpr const char* name = "LinearReluLinearBackward";
  template <class T, class D>
  static Tensor<T, D> forward(autograd::Context<D>& ctx, const Tensor<T, D>& x,
                              const Tensor<T, D>& w1, const Tensor<T, D>& b1,
                              const Tensor<T, D>& w2, const Tensor<T, D>& b2) {
    ctx.save_for_backward(x, w1, b1, w2);
    Tensor<T, D> out({x.size(0), w2.size(0)}), keep;
    detail::linear_relu_linear_cpu(detail::narrow_layers(x, w1, b1, w2, b2),
                                   detail::as_matrix(x, keep), out.data_ptr());
    return out;
  }
  template <class T, class D>
  static detail::grads_t<T, D> backward(autograd::Context<D>& ctx, const detail::grads_t<T, D>& g) {
    const auto x = ctx.template saved<T>(0), w1 = ctx.template saved<T>(1),
               b1 = ctx.template saved<T>(2), w2 = ctx.template saved<T>(3);
    if (!autograd::GradMode::is_enabled()) {
      detail::grads_t<T, D> d(5);
      for (std::size_t i = 0; i < d.size(); ++i)
        if (ctx.needs_input_grad(i)) d[i] = Tensor<T, D>(ctx.input_shape(i));
      auto ptr = [](const Tensor<T, D>& t) { return t.defined() ? t.data_ptr() : nullptr; };
      const auto gc = g[0].contiguous();
      Tensor<T, D> keep;
      detail::linear_relu_linear_backward_cpu(
          detail::narrow_layers(x, w1, b1, w2, Tensor<T, D>()), detail::as_matrix(x, keep),
          gc.data_ptr(), {ptr(d[0]), ptr(d[1]), ptr(d[2]), ptr(d[3]), ptr(d[4])});
      return d;
    }
    // create_graph: the same gradients from differentiable ops, h recomputed
    const auto h = relu(addmm(b1, x, w1.t()));
    const auto dz = ReluGrad::apply(MM::apply(g[0], w2), h);
    return {ctx.needs_input_grad(0) ? MM::apply(dz, w1) : Tensor<T, D>(),
            ctx.needs_input_grad(1) ? MM::apply(dz.t(), x) : Tensor<T, D>(),
            detail::grad_to(ctx, 2, dz),
            ctx.needs_input_grad(3) ? MM::apply(g[0].t(), h) : Tensor<T, D>(),
            detail::grad_to(ctx, 4, g[0])};
  }
};
}  // namespace ops

namespace nn {

/// Linear(in_features, hidden[0]), ReLU, Linear(hidden[0], hidden[1]), ..., Linear(..,
/// hidden.back()): torchvision.ops.MLP(in_features, hidden) with ReLU and no dropout. A
/// Linear, ReLU, Linear whose ends are narrow runs as one fused node on the CPU (above).
template <class T = float, class D = cpu>
class MLP : public Module<T, D> {
 public:
  MLP(std::int64_t in_features, const std::vector<std::int64_t>& hidden) : Module<T, D>("MLP") {
    KAON_CHECK(!hidden.empty(), ValueError, "MLP: hidden_channels is empty");
    std::int64_t in = in_features;
    for (std::size_t i = 0; i < hidden.size(); ++i) {
      if (i > 0) this->register_module(std::to_string(2 * i - 1), std::make_shared<ReLU<T, D>>());
      linears_.push_back(this->register_module(std::to_string(2 * i),
                                               std::make_shared<Linear<T, D>>(in, hidden[i])));
      in = hidden[i];
    }
  }

  /// x: [..., in_features] -> [..., hidden.back()].
  Tensor<T, D> forward(const Tensor<T, D>& x) const {
    Tensor<T, D> y = x;
    for (std::size_t i = 0; i < linears_.size();) {
      const auto& a = *linears_[i];
      if (i + 1 < linears_.size()) {
        const auto& b = *linears_[i + 1];
        if (kaon::detail::runs_linear_relu_linear(y, a.weight, a.bias, b.weight, b.bias)) {
          y = kaon::ops::LinearReluLinear::apply(y, a.weight, a.bias, b.weight, b.bias);
          i += 2;
          if (i < linears_.size()) y = relu(y);
          continue;
        }
      }
      y = a.forward(y);
      if (++i < linears_.size()) y = relu(y);
    }
    return y;
  }
  Tensor<T, D> operator()(const Tensor<T, D>& x) const { return forward(x); }

 private:
  std::vector<std::shared_ptr<Linear<T, D>>> linears_;
};

}  // namespace nn
}  // namespace kaon
