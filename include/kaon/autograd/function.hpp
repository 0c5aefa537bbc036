// SPDX-License-Identifier: MIT
// Function<Derived>: an op with a hand-written backward, as torch.autograd.Function. Derived
// gives `static Tensor forward(Context&, args...)` and `static tensor_list backward(Context&,
// tensor_list grads)`; Derived::apply(args...) runs forward and, when grad mode is on and an
// input requires grad, records a node. Every differentiable op of kaon is written this way.
//
//   struct Cube : kaon::autograd::Function<Cube> {
//     static constexpr const char* name = "CubeBackward";
//     template <class T, class D>
//     static kaon::Tensor<T, D> forward(kaon::autograd::Context<D>& ctx, const kaon::Tensor<T, D>&
//     x) {
//       ctx.save_for_backward(x);
//       return x * x * x;
//     }
//     template <class T, class D>
//     static std::vector<kaon::Tensor<T, D>> backward(kaon::autograd::Context<D>& ctx,
//                                                     const std::vector<kaon::Tensor<T, D>>& g) {
//       auto x = ctx.template saved<T>(0);
//       return {g[0] * 3 * x * x};
//     }
//   };
//   auto y = Cube::apply(x);
#pragma once

#include <any>
#include <array>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "kaon/autograd/node.hpp"

namespace kaon::detail {
/// The gradients a backward returns: one per float/double tensor input.
template <class T, class D>
using grads_t = std::vector<Tensor<T, D>>;
}  // namespace kaon::detail

namespace kaon::autograd {

/// The plain values an op keeps for its backward when it declares none.
struct NoFields {};

template <class D, class Fields = NoFields>
class Context;

namespace detail {

template <class X>
using bare_t = std::remove_cvref_t<X>;

/// The floating element type of the first float/double tensor argument (void if none).
template <class... Args>
struct first_float {
  using type = void;
};
template <class A, class... Rest>
struct first_float<A, Rest...> : first_float<Rest...> {};
template <class T, class D, class... Rest>
struct first_float<Tensor<T, D>, Rest...> {
  using type =
      std::conditional_t<std::is_floating_point_v<T>, T, typename first_float<Rest...>::type>;
};
/// The device of the first tensor argument.
template <class... Args>
struct first_device {
  using type = void;
};
template <class A, class... Rest>
struct first_device<A, Rest...> : first_device<Rest...> {};
template <class T, class D, class... Rest>
struct first_device<Tensor<T, D>, Rest...> {
  using type = D;
};

template <class T, class D>
bool records(const Tensor<T, D>& t) {
  if constexpr (std::is_floating_point_v<T>) {
    const auto& m = t.impl().autograd;
    return m && (m->requires_grad || m->grad_fn);
  } else {
    return false;
  }
}
template <class X>
bool records(const X&) {
  return false;
}

}  // namespace detail

/// What forward leaves for backward, apart from the op's own fields: saved tensors and the
/// inputs' shapes. It does not depend on the op, so a program compiles it once per device.
template <class D>
class ContextBase {
 public:
  /// Saves tensors (inputs or the result) for backward; a no-op when nothing is recorded.
  template <class... Ts>
  void save_for_backward(const Tensor<Ts, D>&... ts) {
    if (recording_) (pending_.emplace_back(AnyTensor<D>(ts)), ...);
  }
  /// The i-th saved tensor as Tensor<T, D>; throws if it was modified in place since.
  template <class T>
  [[nodiscard]] Tensor<T, D> saved(std::size_t i) const {
    KAON_CHECK(!released_, Error, name_,
               ": trying to backward through the graph a second time (or to use saved tensors "
               "after they were freed); pass retain_graph = true to the first backward");
    return saved_.at(i).template unpack<T>(name_, self_ ? self_->shared_from_this() : nullptr);
  }
  /// Whether input i (counting the float/double tensor arguments of the op's type) needs a
  /// gradient; backward may skip the others.
  [[nodiscard]] bool needs_input_grad(std::size_t i) const {
    return i < needs_.size() && needs_[i];
  }
  /// Shape of the i-th tensor argument of the op's type.
  [[nodiscard]] const Shape& input_shape(std::size_t i) const { return shapes_.at(i); }

  /// Named plain values for user functions, as LibTorch's ctx->saved_data.
  std::unordered_map<std::string, std::any> saved_data;

  // Engine side.
  explicit ContextBase(bool recording, const char* name = "")
      : recording_(recording), name_(name) {}
  [[nodiscard]] bool recording() const { return recording_; }
  template <class T>
  void add_input(const Tensor<T, D>& t, bool needs) {
    shapes_.push_back(t.shape());
    needs_.push_back(needs);
  }
  template <class T>
  void finalize(const Tensor<T, D>& out, Node<D>* self) {
    self_ = self;
    saved_.reserve(pending_.size());
    for (const auto& p : pending_)
      std::visit(
          [&](const auto& t) {
            bool is_out = false;
            if constexpr (std::is_same_v<std::decay_t<decltype(t)>, Tensor<T, D>>)
              is_out = t.defined() && out.defined() && &t.impl() == &out.impl();
            saved_.emplace_back(t, is_out);
          },
          p);
    pending_.clear();
  }
  void release() {
    saved_.clear();
    if (!saved_data.empty()) saved_data.clear();  // clear() walks every bucket even when empty
    released_ = true;
  }

 private:
  bool recording_;
  bool released_ = false;
  const char* name_;
  Node<D>* self_ = nullptr;
  // Inline room for an op of up to kInline tensor arguments (and as many saved tensors).
  static constexpr std::size_t kInline = 3;
  kaon::detail::SmallVector<AnyTensor<D>, kInline> pending_;
  kaon::detail::SmallVector<SavedVariable<D>, kInline> saved_;
  kaon::detail::SmallVector<Shape, kInline> shapes_;
  kaon::detail::SmallVector<bool, kInline> needs_;
};

/// ContextBase and `fields`, the op's own plain values as named, typed members
/// (Derived::Fields, when the op declares one):
///
///   struct Sum : Function<Sum> {
///     struct Fields { std::optional<std::int64_t> dim; bool keepdim; };
///     static ... forward(Context<D, Fields>& ctx, ...) { ctx.fields = {dim, keepdim}; ... }
///   };
template <class D, class Fields>
class Context : public ContextBase<D> {
 public:
  using ContextBase<D>::ContextBase;
  /// The op's own plain values (Derived::Fields).
  [[no_unique_address]] Fields fields{};
};

/// The gradient sink of a leaf: adds incoming gradients into its grad().
template <class T, class D>
struct AccumulateGrad final : Node<D> {
  explicit AccumulateGrad(const Tensor<T, D>& leaf) : leaf(leaf) {
    this->sequence_nr = UINT64_MAX;  // run as soon as ready, as PyTorch does
  }
  [[nodiscard]] const char* name() const override { return "AccumulateGrad"; }
  [[nodiscard]] bool is_accumulator() const override { return true; }
  GradList<D> apply(Grad<D>&& g) override;
  Grad<D> add(Grad<D>&& a, Grad<D>&& b) const override {
    return add_grads<T, D>(name(), std::move(a), std::move(b));
  }
  Tensor<T, D> leaf;
};

namespace detail {
/// The gradients a node's backward returned, one per input, checked against the inputs and
/// handed to the engine. Out of line: one copy per element type serves every op.
template <class T, class D>
KAON_NOINLINE GradList<D> input_grads(const char* op, const std::vector<Tensor<T, D>>& grads,
                                      const Node<D>& node, const ContextBase<D>& ctx) {
  KAON_CHECK(grads.size() == node.next_edges.size(), Error, op, ": backward returned ",
             grads.size(), " gradients, expected ", node.next_edges.size(),
             " (one per float/double tensor input)");
  GradList<D> out;
  out.reserve(grads.size());
  for (std::size_t i = 0; i < grads.size(); ++i) {
    out.emplace_back();  // none unless a gradient flows to this input
    if (!node.next_edges[i] || !grads[i].defined()) continue;
    KAON_CHECK(grads[i].shape() == ctx.input_shape(i), ShapeError, op,
               ": backward returned a gradient of shape ", grads[i].shape(), " for input ", i,
               " of shape ", ctx.input_shape(i));
    out[i] = grads[i];
  }
  return out;
}
}  // namespace detail

/// Derived::Fields, or NoFields when the op declares none.
template <class Derived>
struct fields_of {
  using type = NoFields;
};
template <class Derived>
requires requires { typename Derived::Fields; }
struct fields_of<Derived> {
  using type = typename Derived::Fields;
};

/// The node of a Function<Derived> applied to tensors of element type T.
template <class Derived, class T, class D>
struct FunctionNode final : Node<D> {
  FunctionNode() : ctx(true, Derived::name) {}
  [[nodiscard]] const char* name() const override {
    if constexpr (requires { Derived::name_for(ctx); })
      return Derived::name_for(ctx);
    else
      return Derived::name;
  }
  GradList<D> apply(Grad<D>&& g) override {
    std::vector<Tensor<T, D>> grads_out{std::get<Tensor<T, D>>(std::move(g))};
    return detail::input_grads(Derived::name, Derived::backward(ctx, grads_out), *this, ctx);
  }
  Grad<D> add(Grad<D>&& a, Grad<D>&& b) const override {
    return add_grads<T, D>(name(), std::move(a), std::move(b));
  }
  void release_saved() override { ctx.release(); }
  Context<D, typename fields_of<Derived>::type> ctx;
};

/// The edge to follow from a tensor argument: its grad_fn, its leaf accumulator, or none.
template <class T, class D>
std::shared_ptr<Node<D>> gradient_edge(const Tensor<T, D>& t) {
  const auto& m = t.impl().autograd;
  if (!m) return nullptr;
  if (m->grad_fn) return m->grad_fn;
  if (!m->requires_grad) return nullptr;
  if (auto acc = m->accumulator.lock()) return acc;
  auto acc = make_node<AccumulateGrad<T, D>, D>(t).owner;
  m->accumulator = acc;
  return acc;
}

namespace detail {
/// What Function<Derived>::apply returns for these arguments: the type of Derived::forward.
template <class Derived, class... Args>
struct apply_result {
  using type = decltype(Derived::forward(
      std::declval<
          Context<typename first_device<Args...>::type, typename fields_of<Derived>::type>&>(),
      std::declval<const Args&>()...));
};

/// Makes `out` the result of `node` (owned by `owner`): keeps what forward saved and sets out's
/// grad_fn. Out of line: one copy per element type serves every op.
template <class T, class D>
KAON_NOINLINE Tensor<T, D> attach_result(Tensor<T, D> out, ContextBase<D>& ctx,
                                         std::shared_ptr<Node<D>> owner) {
  ctx.finalize(out, owner.get());
  if (out.impl().autograd) out = out.detach();  // forward returned an input as is
  out.impl().autograd = kaon::detail::make_pooled<AutogradMeta<D>>();
  out.impl().autograd->grad_fn = std::move(owner);
  return out;
}
}  // namespace detail

/// Base of ops with a hand-written backward; see the top of this header.
template <class Derived>
struct Function {
  /// Runs Derived::forward and records a node when an input requires grad. Defined below, out
  /// of the class, so that kaon/precompiled.hpp can declare its float/double instantiations.
  template <class... Args>
  static typename detail::apply_result<Derived, Args...>::type apply(const Args&... args);
};

template <class Derived>
template <class... Args>
typename detail::apply_result<Derived, Args...>::type Function<Derived>::apply(
    const Args&... args) {
  using T = typename detail::first_float<Args...>::type;
  using D = typename detail::first_device<Args...>::type;
  static_assert(!std::is_void_v<D>, "Function::apply: needs at least one tensor argument");
  using Ctx = Context<D, typename fields_of<Derived>::type>;
  if constexpr (std::is_void_v<T>) {
    Ctx ctx(false);
    return Derived::forward(ctx, args...);
  } else {
    if (!GradMode::is_enabled() || !(detail::records(args) || ...)) {
      Ctx ctx(false);
      return Derived::forward(ctx, args...);
    }
    auto made = make_node<FunctionNode<Derived, T, D>, D>();
    auto* node = made.node;
    auto add = [&](const auto& a) {
      if constexpr (std::is_same_v<detail::bare_t<decltype(a)>, Tensor<T, D>>) {
        node->ctx.add_input(a, detail::records(a));
        node->next_edges.push_back(gradient_edge(a));
      }
    };
    (add(args), ...);
    Tensor<T, D> out = [&] {
      NoGradGuard no_grad;
      return Tensor<T, D>(Derived::forward(node->ctx, args...));
    }();
    return detail::attach_result(std::move(out), node->ctx, std::move(made.owner));
  }
}

}  // namespace kaon::autograd
