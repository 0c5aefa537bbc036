// SPDX-License-Identifier: MIT
// Spellings that must stop at compile time rather than mean something else. The CTest
// api_spellings_that_must_not_compile compiles this file with -fsyntax-only and passes when the
// compiler reports an error on exactly the lines marked "// error:" (and nowhere else), each
// matching the text after the mark. The lines without a mark show the spelling that works.
#include <kaon/kaon.hpp>

void spellings() {
  const auto x = kaon::rand({3, 4});
  (void)x.sum(true);  // error: no matching function
  (void)x.sum(1, true);
  (void)kaon::sum(x, false);  // error: no matching function
  (void)x.std(false);
  (void)x.var(0.5);  // error: no matching function
  (void)x.var(kaon::Correction(0.5));
  (void)x.std(0, 0.5);  // error: no matching function
  (void)x.std(0, kaon::Correction(0.5));
  (void)x.max(true);  // error: no matching function
  (void)x.argmax(1, true);
  (void)x.quantile(0.5, true);  // error: cannot convert
  (void)x.quantile(0.5, std::nullopt, true);
}

// The class templates need their arguments; kaon::f32 and kaon::f64 name them without.
struct Net {
  kaon::nn::Sequential body;  // error: invalid use of template-name
  kaon::f32::nn::Sequential body32;
  kaon::nn::Sequential<> body_default;
};
