// SPDX-License-Identifier: MIT
// SmallVector<T, N>: a vector whose first N elements live inside the object, for the short
// per-op lists of the tape (an op's input shapes, saved tensors, edges), which then cost no
// allocation. Past N it moves to the heap like std::vector.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <memory>
#include <new>
#include <utility>

#include "kaon/core/error.hpp"

namespace kaon::detail {

template <class T, std::size_t N>
class SmallVector {
  static_assert(N > 0, "SmallVector: needs an inline capacity");

 public:
  SmallVector() = default;
  SmallVector(std::initializer_list<T> init) {
    reserve(init.size());
    for (const T& v : init) emplace_back(v);
  }
  SmallVector(SmallVector&& o) noexcept { take(std::move(o)); }
  SmallVector& operator=(SmallVector&& o) noexcept {
    if (this != &o) {
      release();
      take(std::move(o));
    }
    return *this;
  }
  SmallVector(const SmallVector&) = delete;
  SmallVector& operator=(const SmallVector&) = delete;
  ~SmallVector() { release(); }

  [[nodiscard]] std::size_t size() const { return size_; }
  [[nodiscard]] bool empty() const { return size_ == 0; }
  T* begin() { return data_; }
  T* end() { return data_ + size_; }
  const T* begin() const { return data_; }
  const T* end() const { return data_ + size_; }
  T& operator[](std::size_t i) { return data_[i]; }
  const T& operator[](std::size_t i) const { return data_[i]; }
  /// Bounds-checked access (IndexError), as std::vector::at.
  const T& at(std::size_t i) const {
    KAON_CHECK(i < size_, IndexError, "SmallVector: index ", i, " is out of range for ", size_,
               " elements");
    return data_[i];
  }

  template <class... Args>
  T& emplace_back(Args&&... args) {
    if (size_ == capacity_) grow(2 * capacity_);
    T* p = ::new (static_cast<void*>(data_ + size_)) T(std::forward<Args>(args)...);
    ++size_;
    return *p;
  }
  void push_back(const T& v) { emplace_back(v); }
  void push_back(T&& v) { emplace_back(std::move(v)); }
  void reserve(std::size_t n) {
    if (n > capacity_) grow(n);
  }
  void clear() {
    std::destroy_n(data_, size_);
    size_ = 0;
  }

 private:
  [[nodiscard]] bool on_heap() const { return data_ != inline_data(); }
  T* inline_data() { return reinterpret_cast<T*>(buffer_); }
  const T* inline_data() const { return reinterpret_cast<const T*>(buffer_); }

  void grow(std::size_t capacity) {
    T* p = static_cast<T*>(::operator new(capacity * sizeof(T)));
    std::uninitialized_move_n(data_, size_, p);
    std::destroy_n(data_, size_);
    if (on_heap()) ::operator delete(data_);
    data_ = p;
    capacity_ = capacity;
  }
  void release() {
    clear();
    if (on_heap()) ::operator delete(data_);
    data_ = inline_data();
    capacity_ = N;
  }
  void take(SmallVector&& o) {
    if (o.on_heap()) {
      data_ = std::exchange(o.data_, o.inline_data());
      capacity_ = std::exchange(o.capacity_, N);
    } else {
      std::uninitialized_move_n(o.data_, o.size_, data_);
      std::destroy_n(o.data_, o.size_);
    }
    size_ = std::exchange(o.size_, 0);
  }

  alignas(T) std::byte buffer_[N * sizeof(T)];
  T* data_ = inline_data();
  std::size_t size_ = 0;
  std::size_t capacity_ = N;
};

}  // namespace kaon::detail
