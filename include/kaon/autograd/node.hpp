// SPDX-License-Identifier: MIT
// The tape's pieces: a Node per recorded op (its backward), edges to the nodes of its inputs,
// the per-tensor autograd metadata, and saved tensors. Ownership runs one way only, from a
// result to the nodes behind it, so a graph is freed as soon as its last result is: a node
// keeps the tensors it saved but never the result it produced (saved results are kept as
// storage aliases without their grad_fn).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "kaon/autograd/grad_mode.hpp"
#include "kaon/core/pool.hpp"
#include "kaon/core/small_vector.hpp"
#include "kaon/core/tensor.hpp"

namespace kaon::autograd {

/// A gradient flowing through the engine: float or double (or none yet).
template <class D>
using Grad = std::variant<std::monostate, Tensor<float, D>, Tensor<double, D>>;

/// The gradients a node returns, one per input edge (few: kept inline).
template <class D>
using GradList = kaon::detail::SmallVector<Grad<D>, 3>;

/// Any tensor a node may save (masks and indices too).
template <class D>
using AnyTensor =
    std::variant<Tensor<float, D>, Tensor<double, D>, Tensor<std::int64_t, D>, Tensor<bool, D>>;

namespace detail {
inline std::atomic<std::int64_t>& live_nodes_counter() {
  static std::atomic<std::int64_t> n{0};
  return n;
}
inline std::uint64_t next_sequence_nr() {
  thread_local std::uint64_t n = 0;
  return n++;
}
}  // namespace detail

/// The number of live graph nodes (a debug counter for leak tests).
inline std::int64_t live_nodes() { return detail::live_nodes_counter().load(); }
/// The number of live storage blocks (a debug counter for leak tests).
inline std::int64_t live_storages() { return kaon::detail::live_storages().load(); }

template <class D>
struct AutogradMeta;

/// One recorded op: apply() maps the gradient of its result to one gradient per input edge.
template <class D>
struct Node : std::enable_shared_from_this<Node<D>> {
  Node() : sequence_nr(detail::next_sequence_nr()) { detail::live_nodes_counter()++; }
  virtual ~Node() { detail::live_nodes_counter()--; }
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  /// PyTorch's name of the node, e.g. "MulBackward0".
  [[nodiscard]] virtual const char* name() const = 0;
  /// Gradients for the inputs, one per entry of next_edges (monostate where none flows).
  virtual GradList<D> apply(Grad<D>&& grad_output) = 0;
  /// a + b, two gradients of this node's result (either may be none). A node knows its
  /// result's element type, so a program compiles the sum only for the types it uses.
  virtual Grad<D> add(Grad<D>&& a, Grad<D>&& b) const = 0;
  /// Frees what the node saved for backward (after a backward without retain_graph).
  virtual void release_saved() {}
  /// True for the nodes that accumulate into a leaf's grad().
  [[nodiscard]] virtual bool is_accumulator() const { return false; }

  kaon::detail::SmallVector<std::shared_ptr<Node>, 3> next_edges;  // null: no gradient needed
  std::uint64_t sequence_nr;                       // creation order; backward runs newest first
  std::weak_ptr<struct AutogradMeta<D>> retained;  // the result's meta, after retain_grad()

  // Engine scratch state, valid only during one backward pass (a graph is run by one thread at
  // a time) and reset at its end.
  struct EngineState {
    int deps = 0;
    bool seen = false;
    bool needed = false;
    bool is_target = false;
    std::size_t target = 0;
    Grad<D> buffer;
  } engine;
};

/// a + b for gradients of a Tensor<T, D> result, either of which may be none (Node::add).
template <class T, class D>
Grad<D> add_grads(const char* node, Grad<D>&& a, Grad<D>&& b) {
  if (std::holds_alternative<std::monostate>(a)) return std::move(b);
  if (std::holds_alternative<std::monostate>(b)) return std::move(a);
  using G = Tensor<T, D>;
  KAON_CHECK(std::holds_alternative<G>(a) && std::holds_alternative<G>(b), Error, node,
             ": a gradient of another element type than the result's (", dtype_name<T>(),
             ") reached the node");
  return std::get<G>(a) + std::get<G>(b);
}

namespace detail {
/// Room left after a node, in its pool block, for its shared_ptr control block.
inline constexpr std::size_t kControlRoom = 64;

/// Ends a node made by make_node; its block goes back to the pool with the control block.
template <class D>
struct NodeDeleter {
  void operator()(Node<D>* n) const noexcept { n->~Node(); }
};

/// The control block's allocator: it hands out the room make_node left after the node, and
/// gives the whole block back to the pool when the control block goes (after the node and its
/// last weak_ptr), so a node and its control block are one allocation, as with allocate_shared.
template <class T>
struct NodeBlockAllocator {
  using value_type = T;
  NodeBlockAllocator(void* block, std::size_t bytes, std::size_t offset) noexcept
      : block(block), bytes(bytes), offset(offset) {}
  template <class U>
  NodeBlockAllocator(const NodeBlockAllocator<U>& o) noexcept  // NOLINT: rebinding is implicit
      : block(o.block), bytes(o.bytes), offset(o.offset) {}
  T* allocate(std::size_t) {  // called once, for the one control block
    static_assert(sizeof(T) <= kControlRoom && alignof(T) <= alignof(std::max_align_t));
    return static_cast<T*>(static_cast<void*>(static_cast<char*>(block) + offset));
  }
  void deallocate(T*, std::size_t) noexcept { kaon::detail::ObjectPool::deallocate(block, bytes); }
  template <class U>
  friend bool operator==(const NodeBlockAllocator& a, const NodeBlockAllocator<U>& b) {
    return a.block == b.block;
  }
  void* block;
  std::size_t bytes, offset;
};
}  // namespace detail

/// A new node of type N, and the owner of it as a Node<D>.
template <class N, class D>
struct MadeNode {
  N* node;
  std::shared_ptr<Node<D>> owner;
};

/// Makes a node of type N (derived from Node<D>) and its shared_ptr<Node<D>> owner in one pool
/// block. The owner's control block has one type for every kind of node, so a program compiles
/// that machinery once, where std::allocate_shared<N> would compile it once per op.
template <class N, class D, class... Args>
MadeNode<N, D> make_node(Args&&... args) {
  static_assert(std::is_base_of_v<Node<D>, N> && alignof(N) <= alignof(std::max_align_t));
  constexpr std::size_t offset = (sizeof(N) + alignof(std::max_align_t) - 1) /
                                 alignof(std::max_align_t) * alignof(std::max_align_t);
  constexpr std::size_t bytes = offset + detail::kControlRoom;
  void* block = kaon::detail::ObjectPool::allocate(bytes);
  N* n = nullptr;
  try {
    n = ::new (block) N(std::forward<Args>(args)...);
  } catch (...) {
    kaon::detail::ObjectPool::deallocate(block, bytes);
    throw;
  }
  Node<D>* base = n;  // one shared_ptr constructor and control block type for every N
  return {n, std::shared_ptr<Node<D>>(base, detail::NodeDeleter<D>{},
                                      detail::NodeBlockAllocator<Node<D>>(block, bytes, offset))};
}

/// Per-tensor autograd state; present only on tensors that take part in autograd.
template <class D>
struct AutogradMeta {
  bool requires_grad = false;          // set on leaves by requires_grad_()
  bool retains_grad = false;           // retain_grad() on a non-leaf
  std::shared_ptr<Node<D>> grad_fn;    // the op that made a non-leaf
  std::weak_ptr<Node<D>> accumulator;  // a leaf's AccumulateGrad, shared by all its uses
  Grad<D> grad;                        // accumulated gradient
};

/// A tensor saved for backward, with the storage version it had when saved; unpacking it after
/// an in-place change is an error, as in PyTorch.
template <class D>
class SavedVariable {
 public:
  template <class T>
  SavedVariable(const Tensor<T, D>& t, bool is_output)
      : data_(is_output ? t.detach() : t), version_(t.version()), is_output_(is_output) {}

  /// The saved tensor. A saved result gets back its grad_fn (`self`), so that gradients of
  /// gradients flow through it.
  template <class T>
  Tensor<T, D> unpack(const char* op, const std::shared_ptr<Node<D>>& self) const {
    const auto& t = std::get<Tensor<T, D>>(data_);
    KAON_CHECK(t.version() == version_, Error, op,
               ": one of the variables needed for gradient computation has been modified by an "
               "in-place operation: a ",
               dtype_name<T>(), " tensor of shape ", t.shape(), " is at version ", t.version(),
               "; expected version ", version_, " instead");
    if (!is_output_ || !self) return t;
    Tensor<T, D> r = t.detach();
    r.impl().autograd = kaon::detail::make_pooled<AutogradMeta<D>>();
    r.impl().autograd->grad_fn = self;
    return r;
  }

 private:
  AnyTensor<D> data_;
  std::uint64_t version_;
  bool is_output_;
};

}  // namespace kaon::autograd
