// SPDX-License-Identifier: MIT
// Two threads train two models at once, each on batches large enough that its ops split over
// the worker pool, which the threads then share: each ends with exactly the parameters that the
// same training gives alone. (tools/run_tests.sh runs this under ThreadSanitizer too.)
#include <catch2/catch.hpp>
#include <kaon/kaon.hpp>
#include <thread>
#include <vector>

#include "support/thread_count_guard.hpp"

namespace concurrent_training_test {
namespace nn = kaon::nn;
using Net = nn::Sequential<float>;

/// A 16-64-1 network from its own seed; made before the threads start (the generator is
/// shared, so draws from two threads at once would interleave).
Net make_net(std::uint64_t seed) {
  kaon::manual_seed(seed);
  return Net(nn::Linear<float>(16, 64), nn::Tanh<float>(), nn::Linear<float>(64, 1));
}

/// 4096 rows: the hidden layer's 262144 elements are past the pool's grain.
struct Batch {
  kaon::Tensor<float> x, y;
};
Batch make_batch(float phase) {
  const auto x = kaon::sin(kaon::arange<float>(0, 4096 * 16).reshape({4096, 16}) * 0.01f + phase);
  return {x, kaon::cos(x.sum(1, true))};
}

/// Six Adam steps on the batch; the parameters after them, flattened.
std::vector<float> train(Net& net, const Batch& batch) {
  kaon::optim::Adam<float> opt(net.parameters(), kaon::optim::AdamOptions(1e-2));
  for (int step = 0; step < 6; ++step) {
    opt.zero_grad();
    nn::functional::mse_loss(net(batch.x), batch.y).backward();
    opt.step();
  }
  std::vector<float> out;
  for (const auto& p : net.parameters()) {
    const auto v = p.to_vector();
    out.insert(out.end(), v.begin(), v.end());
  }
  return out;
}
}  // namespace concurrent_training_test

TEST_CASE("Two threads train two models at once, sharing the worker pool", "[core][threads]") {
  using namespace concurrent_training_test;
  kaon_test::ThreadCountGuard guard;
  kaon::set_num_threads(2);
  const Batch batches[2] = {make_batch(0.0f), make_batch(0.5f)};
  std::vector<float> alone[2];
  for (int i = 0; i < 2; ++i) {
    auto net = make_net(static_cast<std::uint64_t>(10 + i));
    alone[i] = train(net, batches[i]);
  }

  Net nets[2] = {make_net(10), make_net(11)};
  std::vector<float> together[2];
  std::vector<std::thread> threads;
  for (int i = 0; i < 2; ++i)
    threads.emplace_back([&, i] { together[i] = train(nets[i], batches[i]); });
  for (auto& t : threads) t.join();
  for (int i = 0; i < 2; ++i) {
    INFO("model " << i);
    REQUIRE(together[i].size() == alone[i].size());
    CHECK(together[i] == alone[i]);
  }
  CHECK(alone[0] != alone[1]);
}
