// SPDX-License-Identifier: MIT
// detail::Staging: the buffer through which backend<cpu>'s element-wise loops read an input
// that is not a dense run in memory (strided, broadcast, or short rows gathered together).
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>

namespace kaon::detail {

/// Where a chunk of up to Chunk elements of one input is staged when it is not a dense run in
/// memory, for backend<cpu>'s element-wise loops. A broadcast input (step 0) is filled once
/// and reused while it repeats the same element.
template <class In, std::int64_t Chunk>
struct Staging {
  std::array<In, Chunk> buf;
  const In* filled_from = nullptr;
  std::int64_t filled_len = 0;
  std::array<std::int64_t, Chunk> offsets;  // rows_run's gather
  std::int64_t offsets_len = 0;

  /// A dense run of `len` elements of x (step `step`): x itself when step is 1.
  const In* run(const In* x, std::int64_t step, std::int64_t len) {
    if (step == 1) return x;
    if (step == 0) {
      if (x != filled_from || len > filled_len) {
        std::fill_n(buf.data(), len, *x);
        filled_from = x, filled_len = len;
      }
      return buf.data();
    }
    for (std::int64_t j = 0; j < len; ++j) buf[j] = x[j * step];
    return buf.data();
  }

  /// `rows` rows of `inner` elements of x as one dense run, x's rows `row_step` and its
  /// elements `col_step` apart: x itself when its rows lie back to back, else gathered into
  /// the buffer through a table of offsets made on the first call (the steps stay the same
  /// from call to call), and gathered once while one row repeats (row_step 0). rows * inner
  /// <= Chunk.
  const In* rows_run(const In* x, std::int64_t row_step, std::int64_t col_step, std::int64_t inner,
                     std::int64_t rows) {
    if (col_step == 1 && row_step == inner) return x;
    const std::int64_t len = rows * inner;
    if (row_step == 0 && x == filled_from && len <= filled_len) return buf.data();
    if (offsets_len < len) {
      for (std::int64_t q = 0; q < rows; ++q)
        for (std::int64_t j = 0; j < inner; ++j)
          offsets[q * inner + j] = q * row_step + j * col_step;
      offsets_len = len;
    }
    for (std::int64_t i = 0; i < len; ++i) buf[i] = x[offsets[i]];
    filled_from = row_step == 0 ? x : nullptr, filled_len = len;
    return buf.data();
  }

  /// The dense run x[0 .. len) copied and padded to `padded` (<= Chunk) elements with its
  /// last one, so a loop over the padding computes only values it computes anyway.
  const In* padded_run(const In* x, std::int64_t len, std::int64_t padded) {
    std::copy_n(x, len, buf.data());
    std::fill(buf.data() + len, buf.data() + padded, x[len - 1]);
    filled_from = nullptr;
    return buf.data();
  }
};

}  // namespace kaon::detail
