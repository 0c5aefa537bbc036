// SPDX-License-Identifier: MIT
// Checkpoints that resume exactly: a run saved after 8 steps, in the middle of a shuffled pass
// (model, optimiser, scheduler, random generator and DataLoader position, each through an .npz
// file), and resumed in fresh objects ends bit for bit where an uninterrupted 20-step run ends,
// for Adam with OneCycleLR and Rprop with StepLR. And the schedulers', the generator's and the
// loader's state refuse what they did not write.
#include <catch2/catch.hpp>
#include <cstdint>
#include <kaon/kaon.hpp>
#include <memory>
#include <string>
#include <vector>

#include "support/temp_dir.hpp"

namespace resume_test {
namespace nn = kaon::nn;
namespace optim = kaon::optim;
namespace io = kaon::io;
using Catch::Contains;
using ResumeNet = nn::Sequential<double>;
using ResumeLoader =
    kaon::data::DataLoader<kaon::data::TensorDataset<kaon::Tensor<double>, kaon::Tensor<double>>>;

/// 40 rows in shuffled batches of 16 from the default generator: 3 batches a pass, so the
/// checkpoint after 8 steps falls in the third pass, 2 batches in.
ResumeLoader make_loader() {
  const auto x = kaon::sin(kaon::arange<double>(0, 120).reshape({40, 3}) * 0.37);
  const auto y = kaon::sin((x * kaon::tensor<double>({0.5, -1.0, 2.0})).sum(1, true));
  return ResumeLoader(kaon::data::TensorDataset(x, y), {.batch_size = 16, .shuffle = true});
}

/// A small network with dropout, so that the generator's position matters to every step.
ResumeNet make_model(std::uint64_t seed) {
  kaon::manual_seed(seed);
  return ResumeNet(nn::Linear<double>(3, 8), nn::ReLU<double>(), nn::Dropout<double>(0.25),
                   nn::Linear<double>(8, 1));
}

/// `steps` steps, one per batch, over as many passes as they take: the batches' order and the
/// dropout masks are draws.
template <class Scheduler>
void train(ResumeNet& model, optim::Optimizer<double>& opt, Scheduler& sched, ResumeLoader& loader,
           int steps) {
  for (int done = 0; done < steps;)
    for (const auto& [x, y] : loader) {
      opt.zero_grad();
      nn::functional::mse_loss(model(x), y).backward();
      opt.step();
      sched.step();
      if (++done == steps) return;
    }
}

std::vector<double> flat(const ResumeNet& model) {
  std::vector<double> out;
  for (const auto& p : model.parameters()) {
    const auto v = p.to_vector();
    out.insert(out.end(), v.begin(), v.end());
  }
  return out;
}

/// Uninterrupted 20 steps against 8 steps, a checkpoint, and 12 steps in fresh objects.
template <class MakeOpt, class MakeSched>
void check_resume(const MakeOpt& make_opt, const MakeSched& make_sched) {
  const kaon_test::TempDir dir("kaon-resume-test");
  const auto at = [&](const char* name) { return dir.file(name).string(); };

  auto whole = make_model(7);
  auto whole_opt = make_opt(whole);
  auto whole_sched = make_sched(*whole_opt);
  auto whole_loader = make_loader();
  kaon::manual_seed(100);
  train(whole, *whole_opt, *whole_sched, whole_loader, 20);

  auto first = make_model(7);
  auto first_opt = make_opt(first);
  auto first_sched = make_sched(*first_opt);
  auto first_loader = make_loader();
  kaon::manual_seed(100);
  train(first, *first_opt, *first_sched, first_loader, 8);
  io::save_npz(at("model.npz"), first.state_dict());
  io::save_npz(at("optimizer.npz"), first_opt->state_dict());
  io::save_npz(at("scheduler.npz"), first_sched->state_dict());
  io::save_npz(at("rng.npz"), io::NamedTensors<std::int64_t>{{"rng", kaon::get_rng_state()}});
  io::save_npz(at("loader.npz"), first_loader.state_dict());

  // A new process: another generator position and another model, then the checkpoint.
  const auto resume = [&](bool with_generator, bool with_loader) {
    kaon::manual_seed(999);
    auto model = make_model(12345);
    auto opt = make_opt(model);
    auto sched = make_sched(*opt);
    auto loader = make_loader();
    model.load_state_dict(io::load_npz<double>(at("model.npz")));
    opt->load_state_dict(io::load_npz<double>(at("optimizer.npz")));
    sched->load_state_dict(io::load_npz<double>(at("scheduler.npz")));
    if (with_generator) kaon::set_rng_state(io::load_npz<std::int64_t>(at("rng.npz"))[0].second);
    if (with_loader) loader.load_state_dict(io::load_npz<std::int64_t>(at("loader.npz")));
    train(model, *opt, *sched, loader, 12);
    CHECK(opt->lr() == whole_opt->lr());
    CHECK(sched->last_epoch() == whole_sched->last_epoch());
    return flat(model);
  };
  const auto a = flat(whole), b = resume(true, true);
  REQUIRE(a.size() == b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    INFO("parameter element " << i);
    CHECK(b[i] == a[i]);  // the same operations on the same numbers: bit for bit
  }
  CHECK(resume(false, true) != a);  // without the generator's state the masks differ
  CHECK(resume(true, false) != a);  // without the loader's position the batches differ
}
}  // namespace resume_test

TEST_CASE("A run resumed from a checkpoint continues bit for bit: Adam with OneCycleLR",
          "[optim][resume]") {
  using namespace resume_test;
  check_resume(
      [](const ResumeNet& m) {
        return std::make_unique<optim::Adam<double>>(m.parameters(), optim::AdamOptions(1e-2));
      },
      [](optim::Optimizer<double>& opt) {
        return std::make_unique<optim::OneCycleLR<double>>(opt, 0.05, 20);
      });
}

TEST_CASE("A run resumed from a checkpoint continues bit for bit: Rprop with StepLR",
          "[optim][resume]") {
  using namespace resume_test;
  check_resume(
      [](const ResumeNet& m) {
        return std::make_unique<optim::Rprop<double>>(m.parameters(), optim::RpropOptions(1e-2));
      },
      [](optim::Optimizer<double>& opt) {
        return std::make_unique<optim::StepLR<double>>(opt, 5, 0.5);
      });
}

TEST_CASE("Schedulers and the generator refuse a state they did not write", "[optim][resume]") {
  using namespace resume_test;
  auto p = kaon::zeros<double>({2}).requires_grad_();
  optim::SGD<double> opt({p}, optim::SGDOptions(0.1).momentum(0.9));
  optim::StepLR<double> step(opt, 3);
  const auto good = step.state_dict();
  auto extra = good;
  extra.emplace_back("gamma", kaon::ones<double>({}));
  CHECK_THROWS_WITH(step.load_state_dict(extra), Contains("unexpected key \"gamma\""));
  CHECK_THROWS_WITH(step.load_state_dict({good[0]}), Contains("the state has no \"base_lrs\""));
  CHECK_THROWS_WITH(step.load_state_dict({good[0], {"base_lrs", kaon::ones<double>({3})}}),
                    Contains("\"base_lrs\" has shape [3], expected [1]"));
  CHECK_THROWS_WITH(step.load_state_dict({{"last_epoch", kaon::full<double>({}, 2.5)}, good[1]}),
                    Contains("\"last_epoch\" must hold a whole number of at least 0, got 2.5"));
  CHECK_THROWS_WITH(step.load_state_dict({good[0], good[0], good[1]}),
                    Contains("the key \"last_epoch\" appears twice"));
  CHECK(step.last_epoch() == 0);

  optim::OneCycleLR<double> cycle(opt, 0.1, 10);
  CHECK_THROWS_WITH(cycle.load_state_dict({{"last_epoch", kaon::full<double>({}, 11.0)}}),
                    Contains("last_epoch 11 is past total_steps 10"));
  optim::OneCycleLR<double> stepped(opt, 0.1, 10);
  for (int i = 0; i < 3; ++i) stepped.step();
  const double lr3 = opt.lr(), momentum3 = opt.momentum().value();
  optim::OneCycleLR<double> fresh(opt, 0.1, 10);  // back to step 0's rate and momentum
  CHECK(opt.lr() != lr3);
  CHECK(opt.momentum().value() != momentum3);
  cycle.load_state_dict({{"last_epoch", kaon::full<double>({}, 3.0)}});  // sets step 3's values
  CHECK(cycle.last_epoch() == 3);
  CHECK(opt.lr() == lr3);
  CHECK(opt.momentum().value() == momentum3);

  optim::ReduceLROnPlateau<double> plateau(opt);
  plateau.step(1.0);
  plateau.step(2.0);
  const auto saved = plateau.state_dict();
  optim::ReduceLROnPlateau<double> again(opt);
  again.load_state_dict(saved);
  const auto restored = again.state_dict();
  for (std::size_t i = 0; i < saved.size(); ++i)
    CHECK(restored[i].second.item() == saved[i].second.item());
  CHECK(saved[0].second.item() == 1.0);  // best
  CHECK(saved[1].second.item() == 1.0);  // num_bad_epochs

  CHECK_THROWS_WITH(kaon::set_rng_state(kaon::zeros<std::int64_t>({3})),
                    Contains("set_rng_state: expected the int64 tensor of shape [2]"));
  kaon::manual_seed(5);
  const auto state = kaon::get_rng_state();
  const auto first = kaon::rand({4}).to_vector();
  kaon::set_rng_state(state);
  CHECK(kaon::rand({4}).to_vector() == first);
}

TEST_CASE("A DataLoader resumes its pass from its state and refuses a state it did not write",
          "[data][resume]") {
  using namespace resume_test;
  namespace data = kaon::data;
  const auto rows = kaon::arange<double>(0, 10).reshape({10, 1});
  const data::TensorDataset dataset(rows, rows);
  const auto first_rows = [](auto& loader, int batches) {
    std::vector<double> out;
    for (const auto& [x, y] : loader) {
      const auto v = x.to_vector();
      out.insert(out.end(), v.begin(), v.end());
      if (--batches == 0) break;
    }
    return out;
  };
  // A seeded loader: two passes in one go, against one batch, a checkpoint, and the rest.
  data::DataLoader whole(dataset, {.batch_size = 4, .shuffle = true, .seed = 3});
  auto expected = first_rows(whole, 3);
  const auto second = first_rows(whole, 3);
  expected.insert(expected.end(), second.begin(), second.end());
  data::DataLoader first(dataset, {.batch_size = 4, .shuffle = true, .seed = 3});
  auto got = first_rows(first, 1);
  data::DataLoader resumed(dataset, {.batch_size = 4, .shuffle = true, .seed = 3});
  resumed.load_state_dict(first.state_dict());
  for (int pass = 0; pass < 2; ++pass) {
    const auto rest = first_rows(resumed, 3);
    got.insert(got.end(), rest.begin(), rest.end());
  }
  CHECK(got == expected);
  CHECK(first.state_dict()[0].second.item() == 1);  // one batch fetched

  // A loader in order resumes in order.
  data::DataLoader plain(dataset, {.batch_size = 3});
  (void)first_rows(plain, 2);
  data::DataLoader plain_resumed(dataset, {.batch_size = 3});
  plain_resumed.load_state_dict(plain.state_dict());
  CHECK(first_rows(plain_resumed, 4) == std::vector<double>{6, 7, 8, 9});

  const auto good = first.state_dict();
  auto state = good;
  state[0].second = kaon::full<std::int64_t>({}, 4);
  CHECK_THROWS_WITH(resumed.load_state_dict(state), Contains("\"batches\" is 4, outside [0, 3]"));
  state = good;
  state[1].second = kaon::zeros<std::int64_t>({10});
  CHECK_THROWS_WITH(resumed.load_state_dict(state),
                    Contains("\"order\" is not a permutation of the 10 rows (0)"));
  state = good;
  state[1].second = kaon::arange<std::int64_t>(0, 9);
  CHECK_THROWS_WITH(resumed.load_state_dict(state),
                    Contains("\"order\" has shape [9] but the dataset has 10 rows"));
  CHECK_THROWS_WITH(plain_resumed.load_state_dict(good),
                    Contains("\"order\" has shape [10] for a non-shuffling loader"));
  CHECK_THROWS_WITH(resumed.load_state_dict({good[0], good[1]}),
                    Contains("DataLoader: load_state_dict: the state has no \"offset\""));
  CHECK_THROWS_WITH(resumed.load_state_dict({good[0], good[1], good[2], good[2]}),
                    Contains("the key \"offset\" appears twice"));
  state = good;
  state.emplace_back("epoch", kaon::zeros<std::int64_t>({}));
  CHECK_THROWS_WITH(resumed.load_state_dict(state), Contains("unexpected key \"epoch\""));
}
