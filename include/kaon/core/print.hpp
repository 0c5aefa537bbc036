// SPDX-License-Identifier: MIT
// operator<< for tensors, laid out as PyTorch's repr: the same number formats (4 decimals, an
// integer mode, scientific mode for wide ranges), right-aligned columns, line wrapping at 80
// characters, and "..." summaries above 1000 elements.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <ostream>
#include <string>
#include <type_traits>
#include <vector>

#include "kaon/core/tensor.hpp"

namespace kaon {

/// PyTorch's print options (torch.set_printoptions).
struct PrintOptions {
  int precision = 4;
  std::int64_t threshold = 1000;
  std::int64_t edgeitems = 3;
  int linewidth = 80;
};

inline PrintOptions& print_options() {
  static PrintOptions opts;
  return opts;
}

namespace detail {

inline std::string format_c(const char* fmt, int precision, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt, precision, v);
  return buf;
}

/// Picks one format for all printed values and pads them to one width (torch's _Formatter).
class Formatter {
 public:
  template <class T>
  Formatter(const std::vector<T>& values, bool floating) : floating_(floating) {
    const int prec = print_options().precision;
    if (!floating_) {
      for (const T& v : values) width_ = std::max(width_, plain(v).size());
      return;
    }
    double lo = 0, hi = 0;
    bool any = false;
    for (const T& t : values) {
      const double v = static_cast<double>(t);
      if (!std::isfinite(v) || v == 0) continue;
      const double a = std::fabs(v);
      lo = any ? std::min(lo, a) : a;
      hi = any ? std::max(hi, a) : a;
      any = true;
      if (v != std::ceil(v)) int_mode_ = false;
    }
    if (!any) return;
    sci_ = hi / lo > 1000.0 || hi > 1.0e8 || (!int_mode_ && lo < 1.0e-4);
    for (const T& t : values) {
      const double v = static_cast<double>(t);
      if (!std::isfinite(v) || v == 0) continue;
      const std::string s = sci_        ? format_c("%.*e", prec, v)
                            : int_mode_ ? format_c("%.*f", 0, v) + "."
                                        : format_c("%.*f", prec, v);
      width_ = std::max(width_, s.size());
    }
  }

  [[nodiscard]] std::size_t width() const { return width_; }

  template <class T>
  [[nodiscard]] std::string format(T t) const {
    std::string s;
    if (!floating_) {
      s = plain(t);
    } else {
      const double v = static_cast<double>(t);
      const int prec = print_options().precision;
      if (std::isnan(v))
        s = "nan";
      else if (std::isinf(v))
        s = v > 0 ? "inf" : "-inf";
      else if (sci_)
        s = format_c("%.*e", prec, v);
      else if (int_mode_)
        s = format_c("%.*f", 0, v) + ".";
      else
        s = format_c("%.*f", prec, v);
    }
    return std::string(width_ > s.size() ? width_ - s.size() : 0, ' ') + s;
  }

 private:
  template <class T>
  static std::string plain(T v) {
    if constexpr (std::is_same_v<T, bool>)
      return v ? "True" : "False";
    else
      return std::to_string(v);
  }

  bool floating_;
  bool int_mode_ = true;
  bool sci_ = false;
  std::size_t width_ = 1;
};

/// Prints a dense host copy of a tensor recursively, as torch's _tensor_str_with_formatter.
template <class T>
class TensorPrinter {
 public:
  TensorPrinter(const std::vector<T>& data, const Shape& shape)
      : data_(data), shape_(shape), strides_(contiguous_strides(shape)) {
    summarize_ = shape.numel() > print_options().threshold;
  }

  std::string str(std::size_t indent) {
    std::vector<T> shown;
    collect(0, 0, shown);
    fmt_ = std::make_unique<Formatter>(shown, std::is_floating_point_v<T>);
    return recurse(0, 0, indent);
  }

 private:
  bool cut(int dim) const { return summarize_ && shape_[dim] > 2 * print_options().edgeitems; }

  template <class Fn>
  void for_each_index(int dim, const Fn& fn) const {
    const std::int64_t n = shape_[dim], e = print_options().edgeitems;
    for (std::int64_t i = 0; i < n; ++i) {
      if (cut(dim) && i == e) {
        fn(-1);
        i = n - e - 1;
        continue;
      }
      fn(i);
    }
  }

  void collect(int dim, std::int64_t offset, std::vector<T>& out) const {
    if (dim == shape_.size()) {
      out.push_back(data_[static_cast<std::size_t>(offset)]);
      return;
    }
    for_each_index(dim, [&](std::int64_t i) {
      if (i >= 0) collect(dim + 1, offset + i * strides_[dim], out);
    });
  }

  std::string recurse(int dim, std::int64_t offset, std::size_t indent) const {
    if (shape_.size() == 0) return fmt_->format(data_[0]);
    std::vector<std::string> parts;
    if (dim == shape_.size() - 1) {
      for_each_index(dim, [&](std::int64_t i) {
        parts.push_back(
            i < 0 ? " ..."
                  : fmt_->format(data_[static_cast<std::size_t>(offset + i * strides_[dim])]));
      });
      const std::size_t per_line =
          std::max<std::size_t>(1, (static_cast<std::size_t>(print_options().linewidth) -
                                    std::min<std::size_t>(indent, 80)) /
                                       (fmt_->width() + 2));
      std::string s = "[";
      for (std::size_t i = 0; i < parts.size(); ++i) {
        if (i > 0) s += i % per_line == 0 ? ",\n" + std::string(indent + 1, ' ') : ", ";
        s += parts[i];
      }
      return s + "]";
    }
    for_each_index(dim, [&](std::int64_t i) {
      parts.push_back(i < 0 ? "..." : recurse(dim + 1, offset + i * strides_[dim], indent + 1));
    });
    const std::string sep = "," +
                            std::string(static_cast<std::size_t>(shape_.size() - dim - 1), '\n') +
                            std::string(indent + 1, ' ');
    std::string s = "[";
    for (std::size_t i = 0; i < parts.size(); ++i) s += (i ? sep : "") + parts[i];
    return s + "]";
  }

  const std::vector<T>& data_;
  Shape shape_, strides_;
  bool summarize_ = false;
  std::unique_ptr<Formatter> fmt_;
};

}  // namespace detail

/// Prints like PyTorch: `tensor([[1.0000, 2.5000]])`, with `dtype=torch.float64` for double
/// and `device='cuda:0'` off the CPU.
template <class T, class D>
std::ostream& operator<<(std::ostream& os, const Tensor<T, D>& x) {
  if (!x.defined()) return os << "tensor(undefined)";
  std::vector<std::string> suffixes;
  std::string body;
  if (x.numel() == 0) {
    body = "[]";
    if (x.dim() != 1) {
      std::string size = "size=(";
      for (int i = 0; i < x.dim(); ++i) size += (i ? ", " : "") + std::to_string(x.size(i));
      suffixes.push_back(size + ")");
    }
    if (!std::is_same_v<T, float>)
      suffixes.push_back(std::string("dtype=torch.") + dtype_name<T>());
  } else {
    const std::vector<T> data = x.to_vector();
    body = detail::TensorPrinter<T>(data, x.shape()).str(7);
    if (std::is_same_v<T, double>) suffixes.push_back("dtype=torch.float64");
  }
  if (!std::is_same_v<D, cpu>)
    suffixes.insert(suffixes.begin(), std::string("device='") + x.device() + "'");
  if constexpr (std::is_floating_point_v<T>) {
    if (const auto fn = x.grad_fn())
      suffixes.push_back(std::string("grad_fn=<") + fn->name() + ">");
    else if (x.requires_grad())
      suffixes.push_back("requires_grad=True");
  }
  std::string s = "tensor(" + body;
  const std::size_t nl = s.rfind('\n');
  std::size_t last = nl == std::string::npos ? s.size() + 2 : s.size() - nl + 1;
  for (const auto& suf : suffixes) {
    if (last + suf.size() + 2 > static_cast<std::size_t>(print_options().linewidth)) {
      s += ",\n       " + suf;
      last = 7 + suf.size();
    } else {
      s += ", " + suf;
      last += suf.size() + 2;
    }
  }
  return os << s << ")";
}

}  // namespace kaon
