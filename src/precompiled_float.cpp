// SPDX-License-Identifier: MIT
// libkaon_precompiled: kaon's ops on float CPU tensors, compiled once (kaon/precompiled.hpp).
#include "kaon/kaon.hpp"

namespace kaon {
#define KAON_DEFINE_FLOAT(Op, params) KAON_PRECOMPILED_APPLY(, float, Op, params)
KAON_PRECOMPILED_OPS(KAON_DEFINE_FLOAT, float)
#define KAON_DEFINE(...) template __VA_ARGS__;
KAON_PRECOMPILED_FUNCTIONS(KAON_DEFINE, float)
#define KAON_DEFINE_CLASS(...) template class __VA_ARGS__;
KAON_PRECOMPILED_CLASSES(KAON_DEFINE_CLASS, float)
// The engine is one for both element types; its instantiation lives here.
template std::vector<autograd::Grad<cpu>> autograd::detail::run_backward(
    std::vector<autograd::detail::Root<cpu>>, bool, bool,
    const std::vector<std::shared_ptr<autograd::Node<cpu>>>&);
}  // namespace kaon
