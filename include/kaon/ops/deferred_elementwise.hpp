// SPDX-License-Identifier: MIT
// The work of a deferred element-wise result (core/deferred.hpp): a list of element-wise ops
// (stages) over one contiguous output, run chunk by chunk. An op on the expiring result joins
// the work: fused with the first op into one functor when that op is a tensor-tensor + - * /
// (each element is then stored once), else as a further stage that reads the chunk back.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <numeric>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "kaon/backend/cpu/backend.hpp"
#include "kaon/core/deferred.hpp"
#include "kaon/core/tensor.hpp"
#include "kaon/ops/elementwise_plan.hpp"
#include "kaon/ops/functors.hpp"

namespace kaon::detail {

/// One element-wise op of a deferred result.
class DeferredStage {
 public:
  DeferredStage() = default;
  DeferredStage(const DeferredStage&) = delete;
  DeferredStage& operator=(const DeferredStage&) = delete;
  virtual ~DeferredStage() = default;
  /// Takes the inputs' pointers, computing deferred inputs, before the chunks run.
  virtual void prepare() = 0;
  /// Chunks start and end on multiples of this (the elements of one row of the stage's loop).
  [[nodiscard]] virtual std::int64_t granule() const = 0;
  /// Whether, as a work's only stage, it may store its output past the caches (a dense output
  /// larger than the last-level cache: backend/cpu/streaming_store.hpp).
  [[nodiscard]] virtual bool streams() const = 0;
  /// Writes elements [b, e) of the output, past the caches when `stream` (which the work sets
  /// only where streams()).
  virtual void run(void* out, std::int64_t b, std::int64_t e, bool stream) const = 0;
  /// One address per stage type (no RTTI needed to recognise one).
  [[nodiscard]] virtual const void* type() const = 0;
};

/// Whether F is a fused pair's functor (below), which runs in fused_range.
template <class F>
struct is_fused_pair : std::false_type {};

/// Whether fused_range can run plan p: a dense plan, or rows (rank 2 at most) whose output is
/// dense and whose inputs are each one element per row or a dense run: an outer product and
/// the rows it is combined with.
template <int N>
bool fused_range_fits(const StridedPlan<N>& p) {
  if (p.linear) return true;
  if (p.rank > 2 || p.strides[0][p.rank - 1] != 1) return false;
  for (int k = 1; k < N; ++k)
    if (p.strides[k][p.rank - 1] != 0 && p.strides[k][p.rank - 1] != 1) return false;
  return true;
}

/// Elements [b, e) of a plan that fused_range_fits, as backend<cpu>::elementwise_range would
/// compute them, for a fused pair's inputs x, y and, for a binary second op, z. A program
/// compiles one of these per fused pair it uses: three plain loops, a small part of the
/// backend's general one.
template <class Out, class F, class X, class Y, class... Z>
void fused_range(const StridedPlan<3 + sizeof...(Z)>& p, std::int64_t b, std::int64_t e, Out* out,
                 const F& f, const X* x, const Y* y, const Z*... z) {
  static_assert(sizeof...(Z) <= 1, "a fused pair has two or three inputs");
  const int last = p.rank - 1;
  const std::int64_t sx = p.strides[1][last], sy = p.strides[2][last];
  const std::int64_t sz = p.strides[sizeof...(Z) == 1 ? 3 : 2][last];
  const auto row = [&](std::int64_t len, Out* KAON_RESTRICT o, const X* xr, const Y* yr,
                       const auto*... zr) {
    if (sx == 1 && sy == 1 && sz == 1) {
      for (std::int64_t j = 0; j < len; ++j) o[j] = static_cast<Out>(f(xr[j], yr[j], zr[j]...));
    } else if (sx == 0 && sy == 1 && sz == 1) {  // x one element per row: an outer product
      const X s = *xr;
      for (std::int64_t j = 0; j < len; ++j) o[j] = static_cast<Out>(f(s, yr[j], zr[j]...));
    } else {
      for (std::int64_t j = 0; j < len; ++j)
        o[j] = static_cast<Out>(f(xr[j * sx], yr[j * sy], zr[j * sz]...));
    }
  };
  if (p.linear) return row(e - b, out + b, x + b, y + b, (z + b)...);  // every stride is 1
  const std::int64_t inner = p.sizes[last];
  const auto step = [&](int k) { return p.rank == 2 ? p.strides[k][0] : std::int64_t{0}; };
  for (std::int64_t r = b / inner; r < e / inner; ++r)
    row(inner, out + r * step(0), x + r * step(1), y + r * step(2), (z + r * step(3))...);
}

/// out = f(in...) over a plan whose operand 0 is the deferred output. An input marked `self`
/// is the output itself, as written by the stages before (it is not held: that would be a
/// cycle); every other input is held, and counted as read, until the result is computed.
template <class Out, class F, class... In>
class ElementwiseStage final : public DeferredStage {
  static constexpr int N = 1 + sizeof...(In);
  using Self = std::array<bool, sizeof...(In)>;

 public:
  ElementwiseStage(const StridedPlan<N>& plan, const F& f, const Self& self,
                   const Tensor<In, cpu>&... in)
      : plan_(plan), f_(f), self_(self), in_(in...) {
    drop_self(std::index_sequence_for<In...>{});
    for_inputs([](const auto& t) { t.impl().storage->add_reader(); });
  }
  ~ElementwiseStage() override {
    for_inputs([](const auto& t) { t.impl().storage->remove_reader(); });
  }

  void prepare() override { prepare(std::index_sequence_for<In...>{}); }
  [[nodiscard]] const void* type() const override { return type_id(); }
  static const void* type_id() {
    static const char id = 0;
    return &id;
  }
  [[nodiscard]] const F& functor() const { return f_; }
  /// Input K, undefined when it is the output itself.
  template <std::size_t K>
  [[nodiscard]] const auto& input() const {
    return std::get<K>(in_);
  }
  [[nodiscard]] std::int64_t granule() const override { return backend<cpu>::granule(plan_); }
  [[nodiscard]] bool streams() const override {
    const bool reads_self = std::find(self_.begin(), self_.end(), true) != self_.end();
    return plan_.linear && !reads_self &&
           streams_output(static_cast<std::size_t>(plan_.numel) * sizeof(Out));
  }
  void run(void* out, std::int64_t b, std::int64_t e, bool stream) const override {
    if (stream)
      run_streamed(static_cast<Out*>(out), b, e, std::index_sequence_for<In...>{});
    else
      run(static_cast<Out*>(out), b, e, std::index_sequence_for<In...>{});
  }

 private:
  template <class Fn>
  void for_inputs(const Fn& fn) const {
    std::apply([&](const auto&... t) { ((t.defined() ? fn(t) : void()), ...); }, in_);
  }
  template <std::size_t... K>
  void drop_self(std::index_sequence<K...>) {
    ((self_[K] ? void(std::get<K>(in_) = {}) : void()), ...);
  }
  template <std::size_t... K>
  void prepare(std::index_sequence<K...>) {
    ((std::get<K>(ptr_) = self_[K] ? nullptr : read_ptr(std::get<K>(in_))), ...);
  }
  template <std::size_t... K>
  void run(Out* out, std::int64_t b, std::int64_t e, std::index_sequence<K...>) const {
    if constexpr (is_fused_pair<F>::value)
      fused_range(plan_, b, e, out, f_, operand<K>(out)...);
    else
      backend<cpu>::elementwise_range(plan_, b, e, out, f_, operand<K>(out)...);
  }
  /// run() for a stage that streams(): no input is the output, and the plan is dense, so a
  /// fused pair's inputs are read element for element like any op's.
  template <std::size_t... K>
  void run_streamed(Out* out, std::int64_t b, std::int64_t e, std::index_sequence<K...>) const {
    backend<cpu>::streamed_range(b, e, out, f_, std::get<K>(ptr_)...);
  }
  template <std::size_t K>
  /// The pointer run() passes for input K: the output itself for a `self` input.
  const std::tuple_element_t<K, std::tuple<In...>>* operand(Out* out) const {
    using T = std::tuple_element_t<K, std::tuple<In...>>;
    if constexpr (std::is_same_v<T, Out>)
      if (self_[K]) return out;
    return std::get<K>(ptr_);
  }

  StridedPlan<N> plan_;
  F f_;
  Self self_;
  std::tuple<Tensor<In, cpu>...> in_;
  std::tuple<const In*...> ptr_{};
};

/// The stages of one deferred result with `numel` elements, run a chunk at a time: about
/// kChunk elements, so a chunk that one stage writes is still in L1 when the next reads it.
class ElementwiseWork final : public DeferredWork {
 public:
  explicit ElementwiseWork(const Shape& shape) : shape_(shape), numel_(shape.numel()) {}
  /// The shape the first stage was planned for (a handle to the block may be a reshape).
  [[nodiscard]] const Shape& shape() const { return shape_; }
  void add(std::unique_ptr<DeferredStage> stage) { stages_.push_back(std::move(stage)); }
  /// The only stage, when there is one and it is an S.
  template <class S>
  [[nodiscard]] const S* sole_stage() const {
    if (stages_.size() != 1 || stages_.front()->type() != S::type_id()) return nullptr;
    return static_cast<const S*>(stages_.front().get());
  }
  [[nodiscard]] std::size_t stages() const { return stages_.size(); }
  void replace(std::unique_ptr<DeferredStage> stage) {
    stages_.clear();
    add(std::move(stage));
  }

  void run(void* out) override {
    std::int64_t g = 1;
    for (const auto& s : stages_) {
      s->prepare();
      g = std::lcm(g, s->granule());
    }
    // One stage needs no chunks of its own: it runs in ranges as an op computed at once does.
    const std::int64_t target = stages_.size() == 1 ? kParallelGrain : kChunk;
    const std::int64_t chunk = g * std::max<std::int64_t>(1, target / g);
    const std::int64_t chunks = (numel_ + chunk - 1) / chunk;
    // Several stages read back the chunk the one before wrote: it must stay in cache.
    const bool stream = stages_.size() == 1 && stages_.front()->streams();
    parallel_for(0, chunks, std::max<std::int64_t>(1, kParallelGrain / chunk),
                 [&](std::int64_t c0, std::int64_t c1) {
                   for (std::int64_t c = c0; c < c1; ++c) {
                     const std::int64_t b = c * chunk, e = std::min(numel_, b + chunk);
                     for (const auto& s : stages_) s->run(out, b, e, stream);
                   }
                 });
  }

 private:
  static constexpr std::int64_t kChunk = 4096;
  Shape shape_;
  std::int64_t numel_;
  std::vector<std::unique_ptr<DeferredStage>> stages_;
};

/// True when the program may hold a pointer into t's elements (Tensor::data_ptr()) and write
/// through it at any time: deferred work must not read t.
template <class T>
bool exposed(const Tensor<T, cpu>& t) {
  return t.impl().storage->exposed();
}

/// A deferred contiguous result of this shape holding out = f(in...), `plan` being the op's
/// loop with the output as operand 0.
template <class Out, class F, class... In>
Tensor<Out, cpu> defer_map(const StridedPlan<1 + sizeof...(In)>& plan, const Shape& shape,
                           const F& f, const Tensor<In, cpu>&... in) {
  // Deferred inputs are computed now, so work never waits on a chain of earlier work (a loop
  // of x = x * 0.5f would otherwise build one as long as the loop).
  (void(read_ptr(in)), ...);
  auto work = std::make_unique<ElementwiseWork>(shape);
  work->add(std::make_unique<ElementwiseStage<Out, F, In...>>(
      plan, f, std::array<bool, sizeof...(In)>{}, in...));
  return Tensor<Out, cpu>(shape, std::move(work));
}

/// The first op of a fused pair: + - * / on two tensors of type C.
enum class Arith { add, sub, mul, div };

/// op(x, y), op chosen when the pair is fused. One functor type serves the four ops, so a
/// program compiles one fused kernel per second op, not four; the test on `op` is the same
/// for every element, and GCC's -O3 moves it out of the loop (one loop per op, each
/// vectorised).
template <class C>
C arith(Arith op, C x, C y) {
  if (op == Arith::mul) return static_cast<C>(x * y);
  if (op == Arith::add) return static_cast<C>(x + y);
  if (op == Arith::sub) return static_cast<C>(x - y);
  return static_cast<C>(x / y);
}

/// g(op(x, y)): a scalar op on the result of the first.
template <class C, class G>
struct FusedScalar {
  Arith op;
  G g;
  auto operator()(C x, C y) const { return g(arith(op, x, y)); }
};

template <class C, class G>
struct is_fused_pair<FusedScalar<C, G>> : std::true_type {};

/// g(op(x, y), z) or g(z, op(x, y)): a binary op whose left or right operand is the first's.
template <class C, class G, bool Left>
struct FusedBinary {
  Arith op;
  G g;
  template <class Z>
  auto operator()(C x, C y, Z z) const {
    if constexpr (Left)
      return g(arith(op, x, y), z);
    else
      return g(z, arith(op, x, y));
  }
};

template <class C, class G, bool Left>
struct is_fused_pair<FusedBinary<C, G, Left>> : std::true_type {};

/// The work's only stage when it is out = op(x, y), a tensor-tensor + - * / in C.
template <class C>
bool first_arith(const ElementwiseWork& work, Arith& op, Tensor<C, cpu>& x, Tensor<C, cpu>& y) {
  const auto take = [&](const auto* stage, Arith a) {
    if (stage == nullptr) return false;
    op = a;
    x = stage->template input<0>();
    y = stage->template input<1>();
    return x.defined() && y.defined();
  };
  return take(work.sole_stage<ElementwiseStage<C, fn::Mul<C>, C, C>>(), Arith::mul) ||
         take(work.sole_stage<ElementwiseStage<C, fn::Add<C>, C, C>>(), Arith::add) ||
         take(work.sole_stage<ElementwiseStage<C, fn::Sub<C>, C, C>>(), Arith::sub) ||
         take(work.sole_stage<ElementwiseStage<C, fn::Div<C>, C, C>>(), Arith::div);
}

/// Replaces the work's only stage, out = op(x, y) (first_arith), by one that also applies g:
/// `in` is (out) for a scalar op, (out, z) or (z, out) for a binary one. Each element is then
/// stored once; a second stage would store it twice, and stores bound such loops.
template <class C, class G, class... In>
bool fuse(const char* op, const Tensor<C, cpu>& out, ElementwiseWork& work, const G& g,
          const Tensor<In, cpu>&... in) {
  Arith first{};
  Tensor<C, cpu> x, y;
  if (out.shape() != work.shape() || !first_arith(work, first, x, y)) return false;
  if constexpr (sizeof...(In) == 1) {
    if (!(in.is_alias_of(out) && ...)) return false;
    using H = FusedScalar<C, G>;
    const auto plan = plan_into<cpu>(op, out.shape(), out.strides(), true, x, y);
    if (!fused_range_fits(plan)) return false;
    work.replace(std::make_unique<ElementwiseStage<C, H, C, C>>(plan, H{first, g},
                                                                std::array<bool, 2>{}, x, y));
    return true;
  } else {
    const auto& [a, b] = std::forward_as_tuple(in...);
    const bool left = a.is_alias_of(out);
    if (left == b.is_alias_of(out)) return false;  // x * x: both operands are the output
    const auto fuse_with = [&](auto left_tag, const auto& z) {
      using Z = typename std::remove_cvref_t<decltype(z)>::value_type;
      using H = FusedBinary<C, G, decltype(left_tag)::value>;
      const auto plan = plan_into<cpu>(op, out.shape(), out.strides(), true, x, y, z);
      if (!fused_range_fits(plan)) return false;
      work.replace(std::make_unique<ElementwiseStage<C, H, C, C, Z>>(
          plan, H{first, g}, std::array<bool, 3>{}, x, y, z));
      return true;
    };
    // g(u, z) and g(z, u) are the same numbers for + and *: one kernel serves both sides.
    constexpr bool commutes = std::is_same_v<G, fn::Add<C>> || std::is_same_v<G, fn::Mul<C>>;
    if (left) return fuse_with(std::true_type{}, b);
    if constexpr (commutes)
      return fuse_with(std::true_type{}, a);
    else
      return fuse_with(std::false_type{}, a);
  }
}

/// Stages of one result at most: a loop of x = std::move(x) * 0.5f computes x every few steps.
inline constexpr std::size_t kMaxStages = 8;

/// Appends out = f(in...) to the work of `out`, a deferred result that this handle alone
/// holds, whole (the caller checked is_sole_owner); the inputs that are `out` itself read what
/// the earlier stages wrote. False, with nothing done, when `out` is no longer deferred or
/// does not cover its whole block, or its work has kMaxStages stages, or an input is exposed.
template <class Out, class F, class... In>
bool defer_into(const char* op, const StridedPlan<1 + sizeof...(In)>& plan,
                const Tensor<Out, cpu>& out, const F& f, const Tensor<In, cpu>&... in) {
  if (((out.is_alias_of(in) && !std::is_same_v<In, Out>) || ...)) return false;
  if (((exposed(in) && !out.is_alias_of(in)) || ...)) return false;
  std::lock_guard lock(deferred_mutex());
  auto& storage = *out.impl().storage;
  if (!storage.deferred() || !out.is_contiguous() || out.storage_offset() != 0 ||
      storage.bytes() != static_cast<std::size_t>(out.numel()) * sizeof(Out))
    return false;
  // Every deferred block on the CPU is made by defer_map, with an ElementwiseWork.
  auto& work = static_cast<ElementwiseWork&>(storage.work());
  if constexpr (std::is_floating_point_v<Out> && sizeof...(In) <= 2) {
    if (fuse(op, out, work, f, in...)) return true;
  }
  if (work.stages() >= kMaxStages) return false;
  const std::array<bool, sizeof...(In)> self{out.is_alias_of(in)...};
  work.add(std::make_unique<ElementwiseStage<Out, F, In...>>(plan, f, self, in...));
  return true;
}

}  // namespace kaon::detail
