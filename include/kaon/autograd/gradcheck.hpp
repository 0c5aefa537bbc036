// SPDX-License-Identifier: MIT
// gradcheck and gradgradcheck, as torch.autograd's: compare the Jacobian autograd computes with
// central finite differences, in double precision. Keep inputs away from kinks (relu at 0, abs
// at 0, clamp at its bounds, max at ties), where the two legitimately differ.
#pragma once

#include <cmath>
#include <functional>
#include <sstream>
#include <vector>

#include "kaon/autograd/engine.hpp"
#include "kaon/ops/join.hpp"
#include "kaon/ops/random.hpp"
#include "kaon/ops/view.hpp"

namespace kaon::autograd {

struct GradcheckOptions {
  double eps = 1e-6;   // finite-difference step
  double atol = 1e-5;  // |analytical - numerical| <= atol + rtol * |numerical|
  double rtol = 1e-3;
  bool raise_exception = true;  // throw kaon::Error describing the first mismatch
};

template <class D = cpu>
using DoubleFn = std::function<Tensor<double, D>(const std::vector<Tensor<double, D>>&)>;

namespace detail {

/// d out_j / d in_k by central differences, for every output element j and input element k.
template <class D>
std::vector<std::vector<double>> numerical_jacobian(const DoubleFn<D>& fn,
                                                    const std::vector<Tensor<double, D>>& inputs,
                                                    std::size_t which, double eps) {
  NoGradGuard no_grad;
  std::vector<Tensor<double, D>> xs;
  for (const auto& x : inputs) xs.push_back(x.detach().clone());
  std::vector<double> base = xs[which].to_vector();
  std::vector<std::vector<double>> columns;
  for (std::size_t k = 0; k < base.size(); ++k) {
    auto probe = [&](double delta) {
      std::vector<double> v = base;
      v[k] += delta;
      xs[which] = from_vector<double, D>(v, inputs[which].shape());
      return fn(xs).contiguous().to_vector();
    };
    const auto plus = probe(eps), minus = probe(-eps);
    std::vector<double> col(plus.size());
    for (std::size_t j = 0; j < col.size(); ++j) col[j] = (plus[j] - minus[j]) / (2 * eps);
    columns.push_back(col);
  }
  return columns;
}

}  // namespace detail

/// Checks fn's gradients with respect to every input (float64 tensors) against finite
/// differences; returns true when they agree, else throws (or returns false).
template <class D = cpu>
bool gradcheck(const DoubleFn<D>& fn, const std::vector<Tensor<double, D>>& inputs,
               const GradcheckOptions& opts = {}) {
  std::vector<Tensor<double, D>> xs;
  for (const auto& x : inputs) xs.push_back(x.detach().clone().requires_grad_());
  const Tensor<double, D> out = fn(xs);
  const std::int64_t m = out.numel();
  for (std::size_t i = 0; i < xs.size(); ++i) {
    const auto numerical = detail::numerical_jacobian<D>(fn, xs, i, opts.eps);
    for (std::int64_t j = 0; j < m; ++j) {
      std::vector<double> onehot(static_cast<std::size_t>(m), 0.0);
      onehot[static_cast<std::size_t>(j)] = 1.0;
      const auto g = grad<double, D>({out}, {xs[i]}, {from_vector<double, D>(onehot, out.shape())},
                                     true, false, true)[0];
      const std::vector<double> row =
          g.defined() ? g.contiguous().to_vector()
                      : std::vector<double>(static_cast<std::size_t>(xs[i].numel()), 0.0);
      for (std::size_t k = 0; k < row.size(); ++k) {
        const double a = row[k], n = numerical[k][static_cast<std::size_t>(j)];
        if (std::fabs(a - n) <= opts.atol + opts.rtol * std::fabs(n)) continue;
        if (!opts.raise_exception) return false;
        std::ostringstream os;
        os << "gradcheck: Jacobian mismatch for output element " << j << " with respect to input "
           << i << " (shape " << xs[i].shape() << "), element " << k << ": analytical " << a
           << ", numerical " << n;
        throw Error(os.str());
      }
    }
  }
  return true;
}

/// Checks second derivatives: gradcheck of the first gradients recorded with create_graph,
/// with respect to the inputs and to a seeded random output gradient v (as
/// torch.autograd.gradgradcheck does, so linear functions pass too).
template <class D = cpu>
bool gradgradcheck(const DoubleFn<D>& fn, const std::vector<Tensor<double, D>>& inputs,
                   const GradcheckOptions& opts = {}) {
  std::vector<Tensor<double, D>> all = inputs;
  {
    NoGradGuard no_grad;
    std::vector<Tensor<double, D>> xs;
    for (const auto& x : inputs) xs.push_back(x.detach());
    all.push_back(randn<double, D>(fn(xs).shape()));
  }
  const DoubleFn<D> first = [&](const std::vector<Tensor<double, D>>& xs_and_v) {
    std::vector<Tensor<double, D>> leaves;
    for (std::size_t i = 0; i + 1 < xs_and_v.size(); ++i) {
      const auto& x = xs_and_v[i];
      leaves.push_back(x.requires_grad() ? x : x.detach().requires_grad_());
    }
    EnableGradGuard enable;
    const auto gs = grad<double, D>({fn(leaves)}, leaves, {xs_and_v.back()}, true, true, true);
    std::vector<Tensor<double, D>> flat;
    for (std::size_t i = 0; i < gs.size(); ++i)
      flat.push_back(gs[i].defined() ? gs[i].reshape({-1}) : zeros<double, D>({leaves[i].numel()}));
    return cat(flat, 0);
  };
  return gradcheck<D>(first, all, opts);
}

}  // namespace kaon::autograd
