// SPDX-License-Identifier: MIT
// The state-dict readers on arbitrary .npz archives, as a program resumes from a checkpoint it
// did not write: a module (with BatchNorm1d's int64 buffer), the optimisers, a scheduler and a
// DataLoader each load what the archive holds. Each must refuse what does not fit it with a
// kaon::Error and stay usable: a step after a refused load must not fault.
#include <kaon/kaon.hpp>

#include "fuzz_target.hpp"

namespace {
namespace nn = kaon::nn;
namespace optim = kaon::optim;

void load_into_optimisers(const kaon::io::NamedTensors<float>& state) {
  nn::Sequential<float> model(nn::Linear<float>(3, 4), nn::Linear<float>(4, 2));
  const auto params = model.parameters();
  optim::Adam<float> adam(params, optim::AdamOptions(0.1));
  optim::SGD<float> sgd(params, optim::SGDOptions(0.1).momentum(0.9));
  optim::RMSprop<float> rmsprop(params, optim::RMSpropOptions(0.1));
  optim::Adagrad<float> adagrad(params, optim::AdagradOptions(0.1));
  optim::Rprop<float> rprop(params, optim::RpropOptions(0.1));
  optim::Optimizer<float>* all[] = {&adam, &sgd, &rmsprop, &adagrad, &rprop};
  for (auto* opt : all) {
    kaon_fuzz::attempt([&] { opt->load_state_dict(state); });
    for (auto p : params) p.set_grad(kaon::ones_like(p));
    opt->step();  // what was loaded, or the untouched state, must fit the parameters
  }
}
}  // namespace

KAON_FUZZ_TARGET({
  const std::string path = kaon_fuzz::as_file(input, ".npz");
  kaon_fuzz::attempt([&] {
    const auto mixed = kaon::io::load_npz_mixed(path);
    kaon::io::StateDict<float> state;
    for (const auto& [name, array] : mixed.arrays()) {
      if (const auto* f = std::get_if<kaon::Tensor<float>>(&array)) state.emplace_back(name, *f);
      if (const auto* i = std::get_if<kaon::Tensor<std::int64_t>>(&array))
        state.int64.emplace_back(name, *i);
    }
    nn::Sequential<float> model(nn::Linear<float>(3, 4), nn::BatchNorm1d<float>(4),
                                nn::Linear<float>(4, 2));
    kaon_fuzz::attempt([&] { model.load_state_dict(state); });
    (void)model(kaon::ones({2, 3}));
    kaon::data::DataLoader loader(kaon::data::TensorDataset(kaon::zeros({5, 1}), kaon::zeros({5})),
                                  {.batch_size = 2, .shuffle = true});
    kaon_fuzz::attempt([&] { loader.load_state_dict(state.int64); });
    for (const auto& batch : loader) (void)batch;
  });
  const auto floats = kaon::io::load_npz<float>(path);
  load_into_optimisers(floats);
  auto p = kaon::zeros<double>({2}).requires_grad_();
  optim::SGD<double> sgd({p}, optim::SGDOptions(0.1));
  optim::StepLR<double> sched(sgd, 3);
  (void)sched.load_state_dict(kaon::io::load_npz<double>(path));
  sched.step();
})
