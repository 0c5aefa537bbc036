// SPDX-License-Identifier: MIT
// Exercise 4 (4_Classification_Penguins.ipynb): penguin species from bill length and depth.
// Adelie vs Chinstrap with a 2-16-1 sigmoid network and BCELoss, then all three species with a
// 2-16-3 ReLU network and CrossEntropyLoss, both trained with Rprop.
#pragma once

#include <filesystem>
#include <iostream>
#include <kaon/kaon.hpp>
#include <vector>

#include "plot.hpp"
#include "train.hpp"

namespace examples {

template <class D>
int penguins_classification(const std::filesystem::path& csv, const std::filesystem::path& out) {
  namespace nn = kaon::nn;
  namespace metrics = kaon::metrics;
  kaon::manual_seed(0);
  // Tasks 1-2: read, dropna (333 rows), and the species scatter.
  const auto df = kaon::data::read_csv(csv).dropna();
  const std::vector<std::string> features{"bill_length_mm", "bill_depth_mm"};
  const std::vector<std::string> species{"Adelie", "Gentoo", "Chinstrap"};
  const plot::Color colors[] = {plot::blue, plot::orange, plot::green};
  auto host = [](const auto& t) { return t.template to<double>().reshape({-1}).to_vector(); };
  const plot::Axes limits{"", "bill length (mm)", "bill depth (mm)", 29, 61, 12, 22};
  {
    auto axes = limits;
    axes.title = "Palmer penguins";
    plot::Figure fig(out / "penguins_species.png", axes);
    for (int s = 0; s < 3; ++s) {
      const auto rows = df[df["species"] == species[s]].template to_tensor<float, D>(features);
      std::cout << species[s] << ": " << rows.size(0) << " rows\n";
      fig.points(host(rows.select(1, 0)), host(rows.select(1, 1)), colors[s]);
      fig.label(s, species[s], colors[s]);
    }
  }

  // Tasks 3-7: Adelie (0) vs Chinstrap (1), 214 rows; target from factorize.
  const auto two = df[df["species"] != "Gentoo"];
  const auto x = two.template to_tensor<float, D>(features);
  const auto y = kaon::data::factorize(two["species"])
                     .codes.template to<float>()
                     .template to<D>()
                     .reshape({-1, 1});
  nn::Sequential binary(nn::Linear<float, D>(2, 16), nn::Sigmoid<float, D>(),
                        nn::Linear<float, D>(16, 1), nn::Sigmoid<float, D>());
  kaon::optim::Rprop rprop(binary.parameters(), 0.1);
  const auto losses = train(binary, rprop, nn::BCELoss<float, D>(), x, y, 250, 25, "binary");
  kaon::Tensor<float, D> scores;
  {
    kaon::NoGradGuard no_grad;
    scores = binary(x);
  }
  const auto pred = kaon::round(scores);  // np.round: 0.5 goes to 0
  const auto w = metrics::precision_recall_f1(y, pred, metrics::Average::weighted);
  std::cout << "binary final loss: " << losses.back() << "\n"
            << "binary mistakes: " << (pred != y).sum().item() << "\n"
            << "binary accuracy: " << metrics::accuracy(y, pred) << "\n"
            << "binary confusion matrix:\n"
            << metrics::confusion_matrix(y, pred) << "\n"
            << "binary weighted precision: " << w.precision << "\n"
            << "binary weighted recall: " << w.recall << "\n"
            << "binary weighted F1: " << w.f1 << "\n";
  {
    plot::Figure fig(out / "penguins_scores.png", {"Network output, Adelie (0) vs Chinstrap (1)",
                                                   "score", "penguins", 0, 1, 0, 160});
    const auto counts = kaon::histc(scores.reshape({-1}), 10, 0, 1);
    fig.bars(host(kaon::linspace<double, D>(0, 1, 11)), host(counts), plot::blue);
  }

  // Task 8: all three species, logits from a 2-16-3 ReLU network, CrossEntropyLoss.
  const auto x3 = df.template to_tensor<float, D>(features);
  const auto y3 = kaon::data::factorize(df["species"]).codes.template to<D>();
  nn::Sequential multi(nn::Linear<float, D>(2, 16), nn::ReLU<float, D>(),
                       nn::Linear<float, D>(16, 3));
  kaon::optim::Rprop rprop3(multi.parameters(), 0.01);
  const auto losses3 =
      train(multi, rprop3, nn::CrossEntropyLoss<float, D>(), x3, y3, 200, 20, "three classes");
  kaon::NoGradGuard no_grad;
  const auto classes = nn::functional::softmax(multi(x3), 1).argmax(1);
  const auto r = metrics::precision_recall_f1(y3, classes, metrics::Average::weighted);
  std::cout << "three classes final loss: " << losses3.back() << "\n"
            << "three classes accuracy: " << metrics::accuracy(y3, classes) << "\n"
            << "three classes confusion matrix:\n"
            << metrics::confusion_matrix(y3, classes) << "\n"
            << "three classes weighted precision, recall, F1: " << r.precision << ", " << r.recall
            << ", " << r.f1 << "\n";

  // Decision regions: the predicted class over a 100 x 100 grid of the plot's limits.
  {
    auto axes = limits;
    axes.title = "Decision regions of the 2-16-3 network";
    plot::Figure fig(out / "penguins_decision_regions.png", axes);
    const std::int64_t n = 100;
    const auto gx = kaon::linspace<float, D>(29, 61, n), gy = kaon::linspace<float, D>(12, 22, n);
    const auto grid = kaon::stack({gx.unsqueeze(1).expand({n, n}).reshape({-1}),
                                   gy.unsqueeze(0).expand({n, n}).reshape({-1})},
                                  1);
    const auto region = multi(grid).argmax(1).to_vector();
    const double dx = 32.0 / (n - 1), dy = 10.0 / (n - 1);
    const plot::Color light[] = {plot::light_blue, plot::light_orange, plot::light_green};
    for (std::int64_t i = 0; i < n * n; ++i) {
      const double cx = 29 + dx * static_cast<double>(i / n),
                   cy = 12 + dy * static_cast<double>(i % n);
      fig.fill({cx - dx / 2, cx + dx / 2, cx + dx / 2, cx - dx / 2},
               {cy - dy / 2, cy - dy / 2, cy + dy / 2, cy + dy / 2}, light[region[i]]);
    }
    for (int s = 0; s < 3; ++s) {
      const auto rows = df[df["species"] == species[s]].template to_tensor<float, D>(features);
      fig.points(host(rows.select(1, 0)), host(rows.select(1, 1)), colors[s]);
      fig.label(s, species[s], colors[s]);
    }
  }
  plot::note_if_unavailable();
  return 0;
}

}  // namespace examples
