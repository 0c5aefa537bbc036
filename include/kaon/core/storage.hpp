// SPDX-License-Identifier: MIT
// Storage: one reference-counted block of device memory that tensors and their views share,
// with the version counter autograd uses to detect in-place changes of saved tensors. A block
// may be deferred: it holds the element-wise work that computes it and gets its memory when
// first accessed (core/deferred.hpp says when and why).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "kaon/core/allocator.hpp"
#include "kaon/core/deferred.hpp"
#include "kaon/core/error.hpp"

namespace kaon::detail {

/// The number of live storage blocks of all devices (a debug counter for leak tests).
inline std::atomic<std::int64_t>& live_storages() {
  static std::atomic<std::int64_t> n{0};
  return n;
}

template <class Device>
class Storage {
 public:
  explicit Storage(std::size_t bytes) : bytes_(bytes) {
    data_ = allocate(bytes);
    live_storages().fetch_add(1, std::memory_order_relaxed);
  }
  /// A deferred block: `work` computes its elements when they are first accessed.
  Storage(std::size_t bytes, std::unique_ptr<DeferredWork> work) : bytes_(bytes) {
    std::lock_guard lock(deferred_mutex());
    work_ = std::move(work);
    registry_index_ = registry().size();
    registry().push_back(this);
    deferred_.store(true, std::memory_order_release);
    live_storages().fetch_add(1, std::memory_order_relaxed);
  }
  ~Storage() {
    if (deferred_.load(std::memory_order_acquire)) {
      std::lock_guard lock(deferred_mutex());
      if (deferred_.load(std::memory_order_relaxed)) {
        deregister();
        work_.reset();
      }
    }
    CachingAllocator<raw_allocator<Device>>::instance().deallocate(data_, bytes_);
    live_storages().fetch_sub(1, std::memory_order_relaxed);
  }
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;

  /// The elements, to read or write. Every deferred result that reads this block is computed
  /// first, so a write through the pointer cannot change it; then this block, if deferred.
  [[nodiscard]] void* data() const {
    if (readers_.load(std::memory_order_acquire) > 0) flush_deferred();
    return const_cast<void*>(read_data());
  }
  /// The elements, to read only: computes this block if deferred, and nothing else.
  [[nodiscard]] const void* read_data() const {
    if (deferred_.load(std::memory_order_acquire)) materialize();
    return data_;
  }
  [[nodiscard]] std::size_t bytes() const { return bytes_; }
  [[nodiscard]] std::uint64_t version() const { return version_; }
  void bump_version() { ++version_; }

  /// True while the block holds work instead of elements.
  [[nodiscard]] bool deferred() const { return deferred_.load(std::memory_order_acquire); }
  /// The pending work, to append a stage to; call with deferred_mutex() held, on a deferred
  /// block that no other handle shares.
  [[nodiscard]] DeferredWork& work() { return *work_; }
  /// Marks the block as handed to the program (Tensor::data_ptr()), which may write through
  /// its pointer at any later time: no deferred work may read it from then on.
  void expose() const { exposed_.store(true, std::memory_order_relaxed); }
  [[nodiscard]] bool exposed() const { return exposed_.load(std::memory_order_relaxed); }
  /// Counts deferred work that reads this block (see data()).
  void add_reader() { readers_.fetch_add(1, std::memory_order_acq_rel); }
  void remove_reader() { readers_.fetch_sub(1, std::memory_order_acq_rel); }

  /// Computes every deferred block of this device.
  static void flush_deferred() {
    std::lock_guard lock(deferred_mutex());
    while (!registry().empty()) registry().back()->materialize_locked();
  }

 private:
  static void* allocate(std::size_t bytes) {
    void* p = CachingAllocator<raw_allocator<Device>>::instance().allocate(bytes);
    KAON_CHECK(p != nullptr, DeviceError, "allocate: out of memory for ", bytes, " bytes on ",
               Device::name);
    return p;
  }

  /// The deferred blocks of this device not yet computed, each knowing its index here.
  static std::vector<Storage*>& registry() {
    static auto* r = new std::vector<Storage*>;  // never destroyed: tensors in statics
    return *r;
  }
  void deregister() const {
    auto& r = registry();
    r[registry_index_] = r.back();
    r[registry_index_]->registry_index_ = registry_index_;
    r.pop_back();
  }

  void materialize() const {
    std::lock_guard lock(deferred_mutex());
    materialize_locked();
  }
  // The work's inputs are released only after the flag is cleared: dropping the last handle
  // of a deferred input destroys it, which deregisters it under the same (recursive) lock.
  void materialize_locked() const {
    if (!deferred_.load(std::memory_order_relaxed)) return;
    void* p = allocate(bytes_);
    try {
      work_->run(p);
    } catch (...) {
      CachingAllocator<raw_allocator<Device>>::instance().deallocate(p, bytes_);
      throw;
    }
    data_ = p;
    deregister();
    deferred_.store(false, std::memory_order_release);
    work_.reset();
  }

  mutable void* data_ = nullptr;
  std::size_t bytes_ = 0;
  std::uint64_t version_ = 0;
  mutable std::atomic<bool> deferred_{false};
  mutable std::atomic<bool> exposed_{false};
  std::atomic<int> readers_{0};
  mutable std::unique_ptr<DeferredWork> work_;
  mutable std::size_t registry_index_ = 0;
};

}  // namespace kaon::detail
