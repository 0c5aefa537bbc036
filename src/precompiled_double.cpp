// SPDX-License-Identifier: MIT
// libkaon_precompiled: kaon's ops on double CPU tensors, compiled once (kaon/precompiled.hpp).
#include "kaon/kaon.hpp"

namespace kaon {
#define KAON_DEFINE_DOUBLE(Op, params) KAON_PRECOMPILED_APPLY(, double, Op, params)
KAON_PRECOMPILED_OPS(KAON_DEFINE_DOUBLE, double)
#define KAON_DEFINE(...) template __VA_ARGS__;
KAON_PRECOMPILED_FUNCTIONS(KAON_DEFINE, double)
#define KAON_DEFINE_CLASS(...) template class __VA_ARGS__;
KAON_PRECOMPILED_CLASSES(KAON_DEFINE_CLASS, double)
}  // namespace kaon
