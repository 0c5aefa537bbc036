// SPDX-License-Identifier: MIT
// The tape's small objects: SmallVector (inline, then on the heap) and the thread-local pool
// that tensors' and nodes' control blocks come from, including blocks freed on other threads.
#include <catch2/catch.hpp>
#include <kaon/kaon.hpp>
#include <memory>
#include <string>
#include <thread>
#include <vector>

using kaon::detail::SmallVector;

TEST_CASE("SmallVector keeps its first elements inline and grows onto the heap", "[core][tape]") {
  SmallVector<std::string, 2> v;
  REQUIRE(v.empty());
  const std::string long_text(100, 'x');  // heap-allocated strings: a leak or a double free shows
  for (int i = 0; i < 7; ++i) v.push_back(long_text + std::to_string(i));
  REQUIRE(v.size() == 7);
  for (int i = 0; i < 7; ++i)
    REQUIRE(v[static_cast<std::size_t>(i)] == long_text + std::to_string(i));
  REQUIRE(v.at(6) == long_text + "6");
  REQUIRE_THROWS_AS(v.at(7), kaon::IndexError);
  REQUIRE_THROWS_WITH(v.at(7), "SmallVector: index 7 is out of range for 7 elements");

  SmallVector<std::string, 2> moved(std::move(v));  // heap storage changes hands
  REQUIRE(moved.size() == 7);
  REQUIRE(v.empty());  // NOLINT(bugprone-use-after-move): a moved-from vector is empty
  REQUIRE(moved[0] == long_text + "0");

  SmallVector<std::string, 2> small{"a", "b"};  // inline elements are moved one by one
  SmallVector<std::string, 2> target{"z"};
  target = std::move(small);
  REQUIRE(target.size() == 2);
  REQUIRE(target[1] == "b");
  target.clear();
  REQUIRE(target.empty());
  target.emplace_back(3, 'c');
  REQUIRE(target[0] == "ccc");
}

TEST_CASE("pooled objects are reused and may be freed on another thread", "[core][tape]") {
  using kaon::detail::make_pooled;
  auto first = make_pooled<std::vector<int>>(3, 7);
  const void* address = first.get();
  first.reset();
  auto second = make_pooled<std::vector<int>>(2, 5);
#if !KAON_ASAN                       // under AddressSanitizer the pool steps aside
  REQUIRE(second.get() == address);  // the freed block came back from this thread's list
#else
  (void)address;
#endif
  REQUIRE(*second == std::vector<int>{5, 5});

  // Tensors made on workers and dropped here, and the reverse, with autograd nodes.
  std::vector<kaon::Tensor<float>> made;
  std::thread maker([&] {
    for (int i = 0; i < 100; ++i) {
      auto x = kaon::full({4}, static_cast<float>(i)).requires_grad_();
      made.push_back((x * 2.0f).sum());
    }
  });
  maker.join();
  REQUIRE(made[99].item() == 99 * 8.0f);
  made.clear();
  auto mine = kaon::ones({3}).requires_grad_();
  auto loss = (mine * 3.0f).sum();
  std::thread dropper([l = std::move(loss)]() mutable {
    l.backward();
    l = {};
  });
  dropper.join();
  REQUIRE(mine.grad().to_vector() == std::vector<float>{3.0f, 3.0f, 3.0f});
}

TEST_CASE("a node and its control block share one pool block and outlive their tensors right",
          "[core][tape]") {
  const auto nodes_before = kaon::autograd::live_nodes();
  auto x = kaon::ones({3}).requires_grad_();
  std::weak_ptr<kaon::autograd::Node<kaon::cpu>> watch;
  const void* address = nullptr;
  {
    auto y = x * 2.0f;
    watch = y.grad_fn();
    address = watch.lock().get();
    REQUIRE(kaon::autograd::live_nodes() == nodes_before + 2);  // MulBackward0, AccumulateGrad
    REQUIRE(watch.lock()->shared_from_this() == y.grad_fn());
  }
  // The node is gone with its tensor; the weak_ptr still holds the block, and says so.
  REQUIRE(watch.expired());
  REQUIRE(kaon::autograd::live_nodes() == nodes_before);
  watch.reset();  // now the block goes back to the pool, and the next node of its size takes it
  auto z = x * 3.0f;
#if !KAON_ASAN  // under AddressSanitizer the pool steps aside
  REQUIRE(z.grad_fn().get() == address);
#else
  (void)address;
#endif
  z.sum().backward();
  REQUIRE(x.grad().to_vector() == std::vector<float>{3.0f, 3.0f, 3.0f});
}
