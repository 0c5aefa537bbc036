// SPDX-License-Identifier: MIT
// All per-element math, once. Each functor is a small struct over a compute type C whose
// operator() is KAON_HOST_DEVICE, so the CPU backend and the CUDA backend run the same code and
// the CPU tests check the math a GPU runs. Inputs are converted to C before the call, results
// to the output type after it.
#pragma once

#include <cmath>
#include <cstdint>
#include <type_traits>

#include "kaon/core/macros.hpp"

namespace kaon::fn {

// ---- Arithmetic -----------------------------------------------------------------------------

template <class C>
struct Identity {
  KAON_HOST_DEVICE C operator()(C a) const { return a; }
};
template <class C>
struct Add {
  KAON_HOST_DEVICE C operator()(C a, C b) const { return static_cast<C>(a + b); }
};
template <class C>
struct Sub {
  KAON_HOST_DEVICE C operator()(C a, C b) const { return static_cast<C>(a - b); }
};
template <class C>
struct Mul {
  KAON_HOST_DEVICE C operator()(C a, C b) const { return static_cast<C>(a * b); }
};
/// a * b + c, as `c += a * b` computes it.
template <class C>
struct MulAdd {
  KAON_HOST_DEVICE C operator()(C a, C b, C c) const { return static_cast<C>(a * b + c); }
};
template <class C>
struct Div {
  KAON_HOST_DEVICE C operator()(C a, C b) const { return a / b; }
};
/// Python's modulo: the result takes the divisor's sign (torch.remainder).
template <class C>
struct Remainder {
  KAON_HOST_DEVICE C operator()(C a, C b) const {
    if constexpr (std::is_integral_v<C>) {
      if (b == 0 || b == C(-1)) return 0;  // 0 is refused before; x % -1 is 0, INT64_MIN too
      const C r = a % b;
      return (r != 0 && ((r < 0) != (b < 0))) ? r + b : r;
    } else {
      return a - std::floor(a / b) * b;
    }
  }
};
template <class C>
struct Neg {
  KAON_HOST_DEVICE C operator()(C a) const { return -a; }
};

/// a^b; integer powers by squaring (exact, as PyTorch's integer pow), floats by std::pow.
template <class C>
struct Pow {
  KAON_HOST_DEVICE C operator()(C a, C b) const {
    if constexpr (std::is_integral_v<C>) {
      C result = 1;
      for (C e = b; e > 0; e >>= 1) {
        if (e & 1) result *= a;
        a *= a;
      }
      return result;
    } else {
      if (b == C(2)) return a * a;
      return std::pow(a, b);
    }
  }
};

template <class C>
struct Maximum {
  KAON_HOST_DEVICE C operator()(C a, C b) const {
    if constexpr (std::is_floating_point_v<C>) {
      if (a != a) return a;  // NaN propagates, as torch.maximum
      if (b != b) return b;
    }
    return a > b ? a : b;
  }
};
template <class C>
struct Minimum {
  KAON_HOST_DEVICE C operator()(C a, C b) const {
    if constexpr (std::is_floating_point_v<C>) {
      if (a != a) return a;
      if (b != b) return b;
    }
    return a < b ? a : b;
  }
};

// ---- Unary math ---------------------------------------------------------------------------

template <class C>
struct Sqrt {
  KAON_HOST_DEVICE C operator()(C a) const { return std::sqrt(a); }
};
template <class C>
struct Exp {
  KAON_HOST_DEVICE C operator()(C a) const { return std::exp(a); }
};
template <class C>
struct Log {
  KAON_HOST_DEVICE C operator()(C a) const { return std::log(a); }
};
template <class C>
struct Sin {
  KAON_HOST_DEVICE C operator()(C a) const { return std::sin(a); }
};
template <class C>
struct Cos {
  KAON_HOST_DEVICE C operator()(C a) const { return std::cos(a); }
};
template <class C>
struct Tan {
  KAON_HOST_DEVICE C operator()(C a) const { return std::tan(a); }
};
template <class C>
struct Tanh {
  KAON_HOST_DEVICE C operator()(C a) const { return std::tanh(a); }
};
template <class C>
struct Sigmoid {
  KAON_HOST_DEVICE C operator()(C a) const { return C(1) / (C(1) + std::exp(-a)); }
};
template <class C>
struct Relu {
  // One comparison: a NaN fails `a <= 0` and passes through, as in torch.relu. Written so, the
  // compiler selects without a branch (a per-element branch mispredicts on signed data).
  KAON_HOST_DEVICE C operator()(C a) const { return a <= C(0) ? C(0) : a; }
};
/// ReLU's backward from its result y: g where y > 0, else 0 (torch's threshold_backward: a NaN
/// result passes g through).
template <class C>
struct ReluBackward {
  KAON_HOST_DEVICE C operator()(C g, C y) const { return y <= C(0) ? C(0) : g; }
};
/// mse_loss's backward: norm (x - t) g, as torch's mse_backward kernel (norm = 2 / n for a
/// mean, 2 otherwise).
template <class C>
struct MseBackward {
  C norm;
  KAON_HOST_DEVICE C operator()(C x, C t, C g) const { return norm * (x - t) * g; }
};
// Rounds half to even (the default rounding mode), as torch.round and np.round.
template <class C>
struct Round {
  KAON_HOST_DEVICE C operator()(C a) const {
    if constexpr (std::is_floating_point_v<C>)
      return std::rint(a);
    else
      return a;
  }
};
template <class C>
struct Abs {
  KAON_HOST_DEVICE C operator()(C a) const {
    if constexpr (std::is_same_v<C, bool>)
      return a;
    else
      return a < C(0) ? -a : a;
  }
};

// The rest of <cmath>'s one-argument functions, for ops/unary_math.hpp.
#define KAON_STD_UNARY(Name, fun)                                    \
  template <class C>                                                 \
  struct Name {                                                      \
    KAON_HOST_DEVICE C operator()(C a) const { return std::fun(a); } \
  };
KAON_STD_UNARY(Asin, asin)
KAON_STD_UNARY(Acos, acos)
KAON_STD_UNARY(Atan, atan)
KAON_STD_UNARY(Sinh, sinh)
KAON_STD_UNARY(Cosh, cosh)
KAON_STD_UNARY(Asinh, asinh)
KAON_STD_UNARY(Acosh, acosh)
KAON_STD_UNARY(Atanh, atanh)
KAON_STD_UNARY(Log1p, log1p)
KAON_STD_UNARY(Expm1, expm1)
KAON_STD_UNARY(Erf, erf)
KAON_STD_UNARY(Erfc, erfc)
#undef KAON_STD_UNARY

/// floor, ceil and trunc: integers are already whole.
#define KAON_STD_ROUNDING(Name, fun)             \
  template <class C>                             \
  struct Name {                                  \
    KAON_HOST_DEVICE C operator()(C a) const {   \
      if constexpr (std::is_floating_point_v<C>) \
        return std::fun(a);                      \
      else                                       \
        return a;                                \
    }                                            \
  };
KAON_STD_ROUNDING(Floor, floor)
KAON_STD_ROUNDING(Ceil, ceil)
KAON_STD_ROUNDING(Trunc, trunc)
#undef KAON_STD_ROUNDING

/// -1, 0 or 1 (NaN stays NaN, as torch.sign).
template <class C>
struct Sign {
  KAON_HOST_DEVICE C operator()(C a) const {
    if constexpr (std::is_floating_point_v<C>)
      if (a != a) return a;
    return static_cast<C>((C(0) < a) - (a < C(0)));
  }
};
/// atan2(a, b): the angle of the point (b, a), in (-pi, pi].
template <class C>
struct Atan2 {
  KAON_HOST_DEVICE C operator()(C a, C b) const { return std::atan2(a, b); }
};
/// sqrt(a^2 + b^2) without overflow in the squares.
template <class C>
struct Hypot {
  KAON_HOST_DEVICE C operator()(C a, C b) const { return std::hypot(a, b); }
};
/// C's remainder: the result takes the dividend's sign (torch.fmod). Integer division by zero is
/// refused before the loop runs; INT64_MIN fmod -1 is 0, as in PyTorch.
template <class C>
struct Fmod {
  KAON_HOST_DEVICE C operator()(C a, C b) const {
    if constexpr (std::is_integral_v<C>)
      return b == C(-1) ? C(0) : static_cast<C>(a % b);
    else
      return std::fmod(a, b);
  }
};

/// min(max(a, lo), hi); NaN stays NaN, as torch.clamp.
template <class C>
struct Clamp {
  C lo, hi;
  bool has_lo, has_hi;
  KAON_HOST_DEVICE C operator()(C a) const {
    if constexpr (std::is_floating_point_v<C>) {
      if (a != a) return a;
    }
    if (has_lo && a < lo) a = lo;
    if (has_hi && a > hi) a = hi;
    return a;
  }
};

// ---- Comparisons and logic (results are bool) ------------------------------------------------

template <class C>
struct Eq {
  KAON_HOST_DEVICE bool operator()(C a, C b) const { return a == b; }
};
template <class C>
struct Ne {
  KAON_HOST_DEVICE bool operator()(C a, C b) const { return a != b; }
};
template <class C>
struct Lt {
  KAON_HOST_DEVICE bool operator()(C a, C b) const { return a < b; }
};
template <class C>
struct Le {
  KAON_HOST_DEVICE bool operator()(C a, C b) const { return a <= b; }
};
template <class C>
struct Gt {
  KAON_HOST_DEVICE bool operator()(C a, C b) const { return a > b; }
};
template <class C>
struct Ge {
  KAON_HOST_DEVICE bool operator()(C a, C b) const { return a >= b; }
};
struct LogicalAnd {
  KAON_HOST_DEVICE bool operator()(bool a, bool b) const { return a && b; }
};
struct LogicalOr {
  KAON_HOST_DEVICE bool operator()(bool a, bool b) const { return a || b; }
};
struct LogicalXor {
  KAON_HOST_DEVICE bool operator()(bool a, bool b) const { return a != b; }
};
struct LogicalNot {
  KAON_HOST_DEVICE bool operator()(bool a) const { return !a; }
};

/// cond ? a : b.
template <class C>
struct Where {
  KAON_HOST_DEVICE C operator()(bool cond, C a, C b) const { return cond ? a : b; }
};

// ---- Adapters -------------------------------------------------------------------------------

/// g(f(x...)): an op and a unary op after it in one pass (addmm then relu).
template <class F, class G>
struct Then {
  F f;
  G g;
  template <class... X>
  KAON_HOST_DEVICE auto operator()(X... x) const {
    return g(f(x...));
  }
};

/// Binds a scalar as the right operand of a binary functor: x -> f(x, s).
template <class F, class C>
struct BindRight {
  F f;
  C s;
  KAON_HOST_DEVICE auto operator()(C a) const { return f(a, s); }
};
/// Binds a scalar as the left operand of a binary functor: x -> f(s, x).
template <class F, class C>
struct BindLeft {
  F f;
  C s;
  KAON_HOST_DEVICE auto operator()(C a) const { return f(s, a); }
};

// ---- Reductions: an identity and a combine step ------------------------------------------------

template <class C>
struct SumReduce {
  static constexpr C identity() { return C(0); }
  KAON_HOST_DEVICE C operator()(C a, C b) const { return a + b; }
};
template <class C>
struct ProdReduce {
  static constexpr C identity() { return C(1); }
  KAON_HOST_DEVICE C operator()(C a, C b) const { return a * b; }
};
struct AllReduce {
  static constexpr bool identity() { return true; }
  KAON_HOST_DEVICE bool operator()(bool a, bool b) const { return a && b; }
};
struct AnyReduce {
  static constexpr bool identity() { return false; }
  KAON_HOST_DEVICE bool operator()(bool a, bool b) const { return a || b; }
};

/// For argmax/max: is `a` strictly better than the current best `b`? NaN beats everything, and
/// ties keep the first index, as PyTorch does.
template <class C>
struct GreaterOrNan {
  KAON_HOST_DEVICE bool operator()(C a, C b) const {
    if constexpr (std::is_floating_point_v<C>) {
      if (b != b) return false;
      if (a != a) return true;
    }
    return a > b;
  }
  static constexpr bool kGreater = true;  // the order a vectorised pass can use
};
template <class C>
struct LessOrNan {
  KAON_HOST_DEVICE bool operator()(C a, C b) const {
    if constexpr (std::is_floating_point_v<C>) {
      if (b != b) return false;
      if (a != a) return true;
    }
    return a < b;
  }
  static constexpr bool kGreater = false;
};

}  // namespace kaon::fn
