// SPDX-License-Identifier: MIT
// bench_compare's Eigen floor: each workload written by hand in Eigen, about as fast as this
// machine allows without leaving Eigen. Forward, gradients and the optimiser update are written
// out (PyTorch's formulas: torch/optim/adam.py and rprop.py, single-tensor form), every buffer
// is allocated once, and the parameters and gradients of a network each sit in one flat buffer
// in PyTorch's order, so the optimiser is one loop. Eigen's slow paths are avoided:
//   - a GEMM with an inner dimension of 1 (the 1→50 layer) is written column by column;
//   - rowwise().sum() is replaced by sums of columns of column-major matrices;
//   - ReLU masks use plain loops with a ternary, which GCC vectorises, not select() or casts of
//     boolean arrays.
#include <benchmark/benchmark.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <utility>

#include "compare.hpp"

namespace compare {
namespace {

using Index = Eigen::Index;
using ArrayXf = Eigen::ArrayXf;
using MatrixXf = Eigen::MatrixXf;
using RowMatrixXf = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using RowMap = Eigen::Map<RowMatrixXf>;
using VectorMap = Eigen::Map<Eigen::VectorXf>;
using ArrayMap = Eigen::Map<ArrayXf>;
using ConstArrayMap = Eigen::Map<const ArrayXf>;

ArrayXf to_eigen(const Array& a) {
  return ConstArrayMap(a.data.data(), static_cast<Index>(a.data.size()));
}

/// Copies the parameters, in order, into one flat buffer.
ArrayXf flat_params(const std::vector<Array>& params) {
  std::size_t n = 0;
  for (const auto& p : params) n += p.data.size();
  ArrayXf flat(static_cast<Index>(n));
  Index at = 0;
  for (const auto& p : params)
    for (const float v : p.data) flat[at++] = v;
  return flat;
}

/// torch.optim.Adam without weight decay or AMSGrad, over a flat buffer.
class Adam {
 public:
  Adam(Index n, double lr) : lr_(lr), m_(ArrayXf::Zero(n)), v_(ArrayXf::Zero(n)) {}
  void step(float* p, const float* g) {
    ++step_;
    const double bc1 = 1 - std::pow(beta1_, step_), bc2 = 1 - std::pow(beta2_, step_);
    const auto beta1 = static_cast<float>(beta1_), one_minus_beta1 = static_cast<float>(1 - beta1_);
    const auto beta2 = static_cast<float>(beta2_), one_minus_beta2 = static_cast<float>(1 - beta2_);
    const auto step_size = static_cast<float>(lr_ / bc1);
    const auto bc2_sqrt = static_cast<float>(std::sqrt(bc2));
    const auto eps = static_cast<float>(eps_);
    float* m = m_.data();
    float* v = v_.data();
    for (Index i = 0; i < m_.size(); ++i) {
      m[i] = m[i] * beta1 + one_minus_beta1 * g[i];
      v[i] = v[i] * beta2 + one_minus_beta2 * g[i] * g[i];
      p[i] = p[i] - step_size * m[i] / (std::sqrt(v[i]) / bc2_sqrt + eps);
    }
  }

 private:
  double lr_, beta1_ = 0.9, beta2_ = 0.999, eps_ = 1e-8;
  int step_ = 0;
  ArrayXf m_, v_;
};

/// torch.optim.Rprop with its defaults, over a flat buffer.
class Rprop {
 public:
  explicit Rprop(Index n) : prev_(ArrayXf::Zero(n)), step_size_(ArrayXf::Constant(n, 0.01f)) {}
  void step(float* p, const float* g) {
    constexpr float etaminus = 0.5f, etaplus = 1.2f, step_min = 1e-6f, step_max = 50;
    float* prev = prev_.data();
    float* step = step_size_.data();
    for (Index i = 0; i < prev_.size(); ++i) {
      const float product = g[i] * prev[i];
      const float factor = product > 0 ? etaplus : product < 0 ? etaminus : 1.0f;
      step[i] = std::clamp(step[i] * factor, step_min, step_max);
      const float gi = factor == etaminus ? 0.0f : g[i];
      const float sign = gi > 0 ? 1.0f : gi < 0 ? -1.0f : 0.0f;
      p[i] = p[i] - sign * step[i];
      prev[i] = gi;
    }
  }

 private:
  ArrayXf prev_, step_size_;
};

/// dz = h > 0 ? dh : 0, over n contiguous elements (h = relu(z), so h > 0 exactly where z > 0).
void relu_backward(Index n, const float* h, float* dz) {
  for (Index i = 0; i < n; ++i) dz[i] = h[i] > 0 ? dz[i] : 0.0f;
}

/// 1→H→1 ReLU network on N rows, MSE, Adam or Rprop. Parameters: w1 [H], b1 [H], w2 [H], b2.
template <class Optimizer>
class MlpSmall final : public Workload {
 public:
  template <class... OptimizerArgs>
  MlpSmall(const Problem& p, OptimizerArgs... args)
      : x_(to_eigen(p.inputs[0])),
        y_(to_eigen(p.inputs[1])),
        n_(x_.size()),
        h_(static_cast<Index>(p.params[1].data.size())),
        params_(flat_params(p.params)),
        grads_(ArrayXf::Zero(params_.size())),
        hidden_(n_, h_),
        yhat_(n_),
        d_(n_),
        dz_(n_),
        opt_(params_.size(), args...) {}

  void run() override {
    const float* w1 = params_.data();
    const float* b1 = w1 + h_;
    const float* w2 = b1 + h_;
    const float b2 = w2[h_];
    // forward: hidden column j = relu(x w1[j] + b1[j]); yhat = hidden w2 + b2
    for (Index j = 0; j < h_; ++j) hidden_.col(j) = (x_ * w1[j] + b1[j]).max(0.0f).matrix();
    yhat_.matrix().noalias() = hidden_ * Eigen::Map<const Eigen::VectorXf>(w2, h_);
    yhat_ += b2;
    // loss = mean((yhat - y)^2); d = dloss/dyhat = 2 (yhat - y) / N
    d_ = yhat_ - y_;
    loss_ = d_.matrix().squaredNorm() / static_cast<float>(n_);
    d_ *= 2.0f / static_cast<float>(n_);
    // backward
    float* gw1 = grads_.data();
    float* gb1 = gw1 + h_;
    VectorMap gw2(gb1 + h_, h_);
    gw2.noalias() = hidden_.transpose() * d_.matrix();
    grads_[3 * h_] = d_.sum();
    for (Index j = 0; j < h_; ++j) {
      dz_ = d_ * w2[j];
      relu_backward(n_, hidden_.col(j).data(), dz_.data());
      gw1[j] = dz_.matrix().dot(x_.matrix());
      gb1[j] = dz_.sum();
    }
    opt_.step(params_.data(), grads_.data());
    benchmark::DoNotOptimize(params_.data());
    benchmark::ClobberMemory();
  }
  double check() override { return loss_; }

 private:
  ArrayXf x_, y_;
  Index n_, h_;
  ArrayXf params_, grads_;
  MatrixXf hidden_;  // [N, H], column-major: one column per hidden unit
  ArrayXf yhat_, d_, dz_;
  Optimizer opt_;
  float loss_ = 0;
};

/// Linear(2, 1) on N rows, MSE, Rprop. Parameters: w [2], b.
class Linreg final : public Workload {
 public:
  explicit Linreg(const Problem& p)
      : n_(p.inputs[0].shape[0]),
        x0_(n_),
        x1_(n_),
        y_(to_eigen(p.inputs[1])),
        params_(flat_params(p.params)),
        grads_(ArrayXf::Zero(3)),
        d_(n_),
        opt_(3) {
    const ArrayXf x = to_eigen(p.inputs[0]);  // [N, 2] row-major
    for (Index i = 0; i < n_; ++i) x0_[i] = x[2 * i], x1_[i] = x[2 * i + 1];
  }
  void run() override {
    d_ = x0_ * params_[0] + x1_ * params_[1] + params_[2] - y_;
    loss_ = d_.matrix().squaredNorm() / static_cast<float>(n_);
    d_ *= 2.0f / static_cast<float>(n_);
    grads_[0] = d_.matrix().dot(x0_.matrix());
    grads_[1] = d_.matrix().dot(x1_.matrix());
    grads_[2] = d_.sum();
    opt_.step(params_.data(), grads_.data());
    benchmark::DoNotOptimize(params_.data());
    benchmark::ClobberMemory();
  }
  double check() override { return loss_; }

 private:
  Index n_;
  ArrayXf x0_, x1_, y_, params_, grads_, d_;
  Rprop opt_;
  float loss_ = 0;
};

/// The sum of the columns of a column-major matrix (rowwise().sum() without its slow path).
void sum_columns(const MatrixXf& m, float* out) {
  VectorMap s(out, m.rows());
  s = m.col(0);
  for (Index c = 1; c < m.cols(); ++c) s += m.col(c);
}

/// in→h1→h2→out ReLU network, MSE, Adam. Activations are stored transposed, [features, N]
/// column-major (one column per sample), so the input [N, in] row-major is already x^T and
/// every bias is a column broadcast.
class MlpMedium final : public Workload {
 public:
  MlpMedium(const Problem& p, double lr)
      : n_(p.inputs[0].shape[0]),
        in_(p.inputs[0].shape[1]),
        h1_(p.params[0].shape[0]),
        h2_(p.params[2].shape[0]),
        out_(p.params[4].shape[0]),
        xt_(Eigen::Map<const MatrixXf>(p.inputs[0].data.data(), in_, n_)),
        yt_(Eigen::Map<const MatrixXf>(p.inputs[1].data.data(), out_, n_)),
        params_(flat_params(p.params)),
        grads_(ArrayXf::Zero(params_.size())),
        a1_(h1_, n_),
        a2_(h2_, n_),
        yhat_(out_, n_),
        d3_(out_, n_),
        d2_(h2_, n_),
        d1_(h1_, n_),
        opt_(params_.size(), lr) {}

  void run() override {
    Index at = 0;
    auto weight = [&](ArrayXf& flat, Index rows, Index cols) {
      RowMap m(flat.data() + at, rows, cols);
      at += rows * cols;
      return m;
    };
    auto bias = [&](ArrayXf& flat, Index rows) {
      VectorMap v(flat.data() + at, rows);
      at += rows;
      return v;
    };
    const RowMap w1 = weight(params_, h1_, in_);
    const VectorMap b1 = bias(params_, h1_);
    const RowMap w2 = weight(params_, h2_, h1_);
    const VectorMap b2 = bias(params_, h2_);
    const RowMap w3 = weight(params_, out_, h2_);
    const VectorMap b3 = bias(params_, out_);
    at = 0;
    RowMap gw1 = weight(grads_, h1_, in_);
    VectorMap gb1 = bias(grads_, h1_);
    RowMap gw2 = weight(grads_, h2_, h1_);
    VectorMap gb2 = bias(grads_, h2_);
    RowMap gw3 = weight(grads_, out_, h2_);
    VectorMap gb3 = bias(grads_, out_);

    // forward
    a1_.noalias() = w1 * xt_;
    for (Index c = 0; c < n_; ++c) a1_.col(c) = (a1_.col(c) + b1).cwiseMax(0.0f);
    a2_.noalias() = w2 * a1_;
    for (Index c = 0; c < n_; ++c) a2_.col(c) = (a2_.col(c) + b2).cwiseMax(0.0f);
    yhat_.noalias() = w3 * a2_;
    for (Index c = 0; c < n_; ++c) yhat_.col(c) += b3;
    // loss = mean((yhat - y)^2) over N * out elements
    d3_ = yhat_ - yt_;
    const auto count = static_cast<float>(d3_.size());
    loss_ = d3_.squaredNorm() / count;
    d3_ *= 2.0f / count;
    // backward
    gw3.noalias() = d3_ * a2_.transpose();
    sum_columns(d3_, gb3.data());
    d2_.noalias() = w3.transpose() * d3_;
    relu_backward(d2_.size(), a2_.data(), d2_.data());
    gw2.noalias() = d2_ * a1_.transpose();
    sum_columns(d2_, gb2.data());
    d1_.noalias() = w2.transpose() * d2_;
    relu_backward(d1_.size(), a1_.data(), d1_.data());
    gw1.noalias() = d1_ * xt_.transpose();
    sum_columns(d1_, gb1.data());

    opt_.step(params_.data(), grads_.data());
    benchmark::DoNotOptimize(params_.data());
    benchmark::ClobberMemory();
  }
  double check() override { return loss_; }

 private:
  Index n_, in_, h1_, h2_, out_;
  MatrixXf xt_, yt_;
  ArrayXf params_, grads_;
  MatrixXf a1_, a2_, yhat_, d3_, d2_, d1_;
  Adam opt_;
  float loss_ = 0;
};

/// The 1→50→1 network's forward on N rows.
class Inference final : public Workload {
 public:
  explicit Inference(const Problem& p)
      : x_(to_eigen(p.inputs[0])),
        params_(flat_params(p.params)),
        h_(static_cast<Index>(p.params[1].data.size())),
        hidden_(x_.size(), h_),
        out_(x_.size()) {}
  void run() override {
    const float* w1 = params_.data();
    const float* b1 = w1 + h_;
    const float* w2 = b1 + h_;
    for (Index j = 0; j < h_; ++j) hidden_.col(j) = (x_ * w1[j] + b1[j]).max(0.0f).matrix();
    out_.noalias() = hidden_ * Eigen::Map<const Eigen::VectorXf>(w2, h_);
    out_.array() += w2[h_];
    benchmark::DoNotOptimize(out_.data());
    benchmark::ClobberMemory();
  }
  double check() override { return out_.cwiseAbs().cast<double>().sum(); }

 private:
  ArrayXf x_, params_;
  Index h_;
  MatrixXf hidden_;
  Eigen::VectorXf out_;
};

/// x = u0 cos(theta) t and y = u0 sin(theta) t - 4.9 t^2, row by row.
class Projectile final : public Workload {
 public:
  explicit Projectile(const Problem& p)
      : u0_(to_eigen(p.inputs[0])),
        theta_(to_eigen(p.inputs[1])),
        t_(to_eigen(p.inputs[2]).transpose()),
        tt_(t_.size()),
        x_(u0_.size(), t_.size()),
        y_(u0_.size(), t_.size()) {}
  void run() override {
    tt_ = 4.9f * t_ * t_;
    for (Index i = 0; i < u0_.size(); ++i) {
      x_.row(i) = (u0_[i] * std::cos(theta_[i])) * t_;
      y_.row(i) = (u0_[i] * std::sin(theta_[i])) * t_ - tt_;
    }
    benchmark::DoNotOptimize(x_.data());
    benchmark::DoNotOptimize(y_.data());
    benchmark::ClobberMemory();
  }
  double check() override { return x_.abs().cast<double>().sum() + y_.abs().cast<double>().sum(); }

 private:
  using RowArray = Eigen::Array<float, 1, Eigen::Dynamic>;
  using Grid = Eigen::Array<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  ArrayXf u0_, theta_;
  RowArray t_, tt_;
  Grid x_, y_;
};

/// c = a @ b into a preallocated c.
class Gemm final : public Workload {
 public:
  explicit Gemm(const Problem& p)
      : a_(Eigen::Map<const RowMatrixXf>(p.inputs[0].data.data(), p.inputs[0].shape[0],
                                         p.inputs[0].shape[1])),
        b_(Eigen::Map<const RowMatrixXf>(p.inputs[1].data.data(), p.inputs[1].shape[0],
                                         p.inputs[1].shape[1])),
        c_(a_.rows(), b_.cols()) {}
  void run() override {
    c_.noalias() = a_ * b_;
    benchmark::DoNotOptimize(c_.data());
    benchmark::ClobberMemory();
  }
  double check() override { return c_.cwiseAbs().cast<double>().sum(); }

 private:
  MatrixXf a_, b_, c_;
};

class AddLarge final : public Workload {
 public:
  explicit AddLarge(const Problem& p) : a_(to_eigen(p.inputs[0])), b_(to_eigen(p.inputs[1])) {}
  void run() override {
    a_ += b_;
    benchmark::DoNotOptimize(a_.data());
    benchmark::ClobberMemory();
  }
  double check() override { return kNothing; }

 private:
  ArrayXf a_, b_;
};

/// c = a + b into a new array each run, as plain Eigen code would write it.
class AddNew final : public Workload {
 public:
  explicit AddNew(const Problem& p) : a_(to_eigen(p.inputs[0])), b_(to_eigen(p.inputs[1])) {}
  void run() override {
    const ArrayXf c = a_ + b_;
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  double check() override { return kNothing; }

 private:
  ArrayXf a_, b_;
};

}  // namespace

std::unique_ptr<Workload> make_eigen_floor(const Problem& p) {
  const auto& name = p.name;
  if (name == "mlp_step") return std::make_unique<MlpSmall<Adam>>(p, 0.01);
  if (name == "mlp_step_rprop") return std::make_unique<MlpSmall<Rprop>>(p);
  if (name == "linreg_step") return std::make_unique<Linreg>(p);
  if (name == "mlp_medium") return std::make_unique<MlpMedium>(p, 1e-3);
  if (name == "inference_small") return std::make_unique<Inference>(p);
  if (name == "projectile") return std::make_unique<Projectile>(p);
  if (name.rfind("gemm/", 0) == 0) return std::make_unique<Gemm>(p);
  if (name == "add_large") return std::make_unique<AddLarge>(p);
  if (name == "add_new") return std::make_unique<AddNew>(p);
  return nullptr;
}

}  // namespace compare
