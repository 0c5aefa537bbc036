// SPDX-License-Identifier: MIT
// A few matplotlib-like plots for kaon's examples, drawn with PLplot's cairo driver into PNG
// files. Without PLplot (KAON_EXAMPLES_HAVE_PLPLOT undefined) or its pngcairo driver every call
// does nothing and plot::available() is false, so the examples still run and say so.
#pragma once

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#ifdef KAON_EXAMPLES_HAVE_PLPLOT
#include <plplot.h>
#endif

namespace plot {

/// matplotlib's tab: colours, then greys; index into the palette below.
enum Color {
  black = 1,
  blue,
  orange,
  green,
  red,
  gray,
  navy,
  light_blue,
  light_orange,
  light_green
};

struct Axes {
  std::string title, xlabel, ylabel;
  double xmin = 0, xmax = 1, ymin = 0, ymax = 1;
  bool logy = false;  // y limits and values are given unlogged; the axis is logarithmic
};

/// True when PLplot and its PNG driver (Debian: plplot-driver-cairo) are both there.
inline bool available() {
#ifdef KAON_EXAMPLES_HAVE_PLPLOT
  static const bool has_png = [] {
    const char* menus[128];
    const char* names[128];
    const char** m = menus;
    const char** d = names;
    int n = 128;
    plgDevs(&m, &d, &n);
    for (int i = 0; i < n; ++i)
      if (std::string(names[i]) == "pngcairo") return true;
    return false;
  }();
  return has_png;
#else
  return false;
#endif
}

/// The folder the PNGs go to: argv[1] when given, else the working directory.
inline std::filesystem::path output_dir(int argc, char** argv) {
  std::filesystem::path dir = argc > 1 ? argv[1] : ".";
  std::filesystem::create_directories(dir);
  return dir;
}

/// One PNG: axes on creation, then lines, points, bars and filled cells; written on destruction.
class Figure {
 public:
  Figure(const std::filesystem::path& file, const Axes& axes) : axes_(axes), file_(file) {
    if (!available()) return;
#ifdef KAON_EXAMPLES_HAVE_PLPLOT
    const int palette[][3] = {{255, 255, 255}, {0, 0, 0},       {31, 119, 180},  {255, 127, 14},
                              {44, 160, 44},   {214, 39, 40},   {127, 127, 127}, {0, 0, 128},
                              {174, 199, 232}, {255, 187, 120}, {152, 223, 138}};
    plsdev("pngcairo");
    plsfnam(file.string().c_str());
    plsetopt("geometry", "800x600");
    plscmap0n(16);
    for (int i = 0; i < 11; ++i) plscol0(i, palette[i][0], palette[i][1], palette[i][2]);
    plinit();
    plcol0(black);
    plenv(axes.xmin, axes.xmax, y(axes.ymin), y(axes.ymax), 0, axes.logy ? 20 : 0);
    pllab(axes.xlabel.c_str(), axes.ylabel.c_str(), axes.title.c_str());
#endif
  }
  Figure(const Figure&) = delete;
  Figure& operator=(const Figure&) = delete;
  ~Figure() {
    if (!available()) return;
#ifdef KAON_EXAMPLES_HAVE_PLPLOT
    plend();
    std::cout << "wrote " << file_.string() << "\n";
#endif
  }

  void line(const std::vector<double>& xs, const std::vector<double>& ys, Color c,
            double width = 2) {
    draw(c, width, xs, ys, [](int n, double* x, double* y) { plline_(n, x, y); });
  }
  void points(const std::vector<double>& xs, const std::vector<double>& ys, Color c) {
    draw(c, 1, xs, ys, [](int n, double* x, double* y) { plstring_(n, x, y); });
  }
  /// Bars over [edges[i], edges[i+1]) with heights counts[i].
  void bars(const std::vector<double>& edges, const std::vector<double>& counts, Color c) {
    for (std::size_t i = 0; i + 1 < edges.size(); ++i) {
      const std::vector<double> x{edges[i], edges[i], edges[i + 1], edges[i + 1]};
      const std::vector<double> h{axes_.logy ? axes_.ymin : 0, counts[i], counts[i],
                                  axes_.logy ? axes_.ymin : 0};
      fill(x, h, c);
      line(x, h, black, 1);
    }
  }
  /// Fills the polygon (xs, ys).
  void fill(const std::vector<double>& xs, const std::vector<double>& ys, Color c) {
    draw(c, 1, xs, ys, [](int n, double* x, double* y) { plfill_(n, x, y); });
  }
  /// A legend entry (a short line and a label) at row `row` in the top-right corner.
  void label(int row, const std::string& text, Color c) {
    const double x0 = axes_.xmin + 0.62 * (axes_.xmax - axes_.xmin);
    const double x1 = x0 + 0.06 * (axes_.xmax - axes_.xmin);
    const double top = y(axes_.ymax), bottom = y(axes_.ymin);
    const double yy = top - (0.06 + 0.06 * row) * (top - bottom);
    std::vector<double> xs{x0, x1}, ys{yy, yy};
    if (!available()) return;
#ifdef KAON_EXAMPLES_HAVE_PLPLOT
    plcol0(c);
    plwidth(3);
    plline(2, xs.data(), ys.data());
    plcol0(black);
    plptex(x1 + 0.01 * (axes_.xmax - axes_.xmin), yy, 1, 0, 0, text.c_str());
#else
    (void)text, (void)c;
#endif
  }

 private:
#ifdef KAON_EXAMPLES_HAVE_PLPLOT
  static void plline_(int n, double* x, double* y) { plline(n, x, y); }
  static void plstring_(int n, double* x, double* y) { plstring(n, x, y, "•"); }
  static void plfill_(int n, double* x, double* y) { plfill(n, x, y); }
#else
  static void plline_(int, double*, double*) {}
  static void plstring_(int, double*, double*) {}
  static void plfill_(int, double*, double*) {}
#endif

  double y(double v) const { return axes_.logy ? std::log10(std::max(v, 1e-300)) : v; }

  template <class Draw>
  void draw(Color c, double width, std::vector<double> xs, std::vector<double> ys, Draw d) {
    if (!available() || xs.empty()) return;
    for (double& v : ys) v = y(v);
#ifdef KAON_EXAMPLES_HAVE_PLPLOT
    plcol0(c);
    plwidth(width);
#else
    (void)c, (void)width;
#endif
    d(static_cast<int>(std::min(xs.size(), ys.size())), xs.data(), ys.data());
  }

  Axes axes_;
  std::filesystem::path file_;
};

/// Says once, for a program that would have drawn, that it could not.
inline void note_if_unavailable() {
  if (!available()) {
    std::cout << "plots skipped: kaon's examples were built without PLplot, or its PNG driver "
                 "(Debian: plplot-driver-cairo) is missing\n";
  }
}

}  // namespace plot
