"""Generate tests/reference/autograd_reference.hpp, expected numbers for kaon's autograd tests.

These cover higher-order gradients (create_graph=True), a Hessian, a gradient penalty on a
small network, a vector-Jacobian product and gradients routed through max/min. Every
expected value is computed here by torch.autograd in float64; inputs are literals or drawn
from torch with a fixed seed, and in the latter case they are written into the header too.
Output is deterministic: rerunning gives a byte-identical file (for the same PyTorch).

The header reuses kaon_ref::Ref from foundation_reference.hpp (which it includes) and puts
its own constants in namespace kaon_ref::autograd, so both headers can be included in one
test binary.

Rerun from the repository root with Debian's Python (which has torch and numpy):

    /usr/bin/python3 tools/gen_autograd_reference.py
"""

import pathlib

import torch

from refgen import Emitter

OUT = pathlib.Path(__file__).resolve().parent.parent / "tests" / "reference" / "autograd_reference.hpp"

F64 = torch.float64

_emit = Emitter("kaon_ref::Ref")
ref, text, section = _emit.ref, _emit.text, _emit.section


# --------------------------------------------------------------------------------------
# 1. Second derivative of a cube
section("1. Cube: d/dx and d2/dx2 of sum(x**3)")
x = torch.tensor([-1.5, 0.5, 2.0], dtype=F64, requires_grad=True)
y = (x ** 3).sum()
g1 = torch.autograd.grad(y, x, create_graph=True)[0]
g2 = torch.autograd.grad(g1.sum(), x)[0]
ref("cube_x", x)
ref("cube_d1", g1)
ref("cube_d2", g2)

# --------------------------------------------------------------------------------------
# 2. Up to the third derivative of sin
section("2. Sine: first, second and third derivatives of sum(sin(x))")
x = torch.linspace(-2, 2, 5, dtype=F64, requires_grad=True)
y = torch.sin(x).sum()
g1 = torch.autograd.grad(y, x, create_graph=True)[0]
g2 = torch.autograd.grad(g1.sum(), x, create_graph=True)[0]
g3 = torch.autograd.grad(g2.sum(), x)[0]
ref("sin_x", x)
ref("sin_d1", g1)
ref("sin_d2", g2)
ref("sin_d3", g3)

# --------------------------------------------------------------------------------------
# 3. Hessian of a function of three variables
section("3. Hessian of f(v) = v0^2 v1 + sin(v1 v2) + exp(v0) v2")


def hess_fn(v):
    return v[0] ** 2 * v[1] + torch.sin(v[1] * v[2]) + torch.exp(v[0]) * v[2]


v = torch.tensor([0.5, -1.2, 2.0], dtype=F64, requires_grad=True)
f = hess_fn(v)
g = torch.autograd.grad(f, v, create_graph=True)[0]
rows = [torch.autograd.grad(g[i], v, retain_graph=True)[0] for i in range(3)]
H_rows = torch.stack(rows)
H = torch.autograd.functional.hessian(hess_fn, v.detach())
assert H.shape == (3, 3) and H.dtype == F64
assert torch.allclose(H_rows, H, rtol=0, atol=1e-12), (H_rows, H)
ref("hess_v", v)
ref("hess_f", f)
ref("hess_grad", g)
ref("hess", H)

# --------------------------------------------------------------------------------------
# 4. Gradient penalty on a small tanh network
section("4. Gradient penalty: loss = mse + 0.1 * ||d out.sum() / d x||_F")
torch.manual_seed(0)
gp_x = torch.randn(5, 3, dtype=F64).round(decimals=6)
gp_y = torch.randn(5, 1, dtype=F64).round(decimals=6)
W1 = (torch.randn(3, 4, dtype=F64) * 0.5).round(decimals=6)
b1 = (torch.randn(4, dtype=F64) * 0.1).round(decimals=6)
W2 = (torch.randn(4, 1, dtype=F64) * 0.5).round(decimals=6)
b2 = (torch.randn(1, dtype=F64) * 0.1).round(decimals=6)
for p in (gp_x, W1, b1, W2, b2):
    p.requires_grad_(True)
h = torch.tanh(gp_x @ W1 + b1)
out = h @ W2 + b2
mse = ((out - gp_y) ** 2).mean()
gx = torch.autograd.grad(out.sum(), gp_x, create_graph=True)[0]
penalty = gx.norm()
loss = mse + 0.1 * penalty
loss.backward()
assert mse.dim() == 0 and penalty.dim() == 0 and loss.dim() == 0
ref("gp_x", gp_x)
ref("gp_y", gp_y)
ref("gp_W1", W1)
ref("gp_b1", b1)
ref("gp_W2", W2)
ref("gp_b2", b2)
ref("gp_out", out)
ref("gp_mse", mse)
ref("gp_gx", gx)
ref("gp_penalty", penalty)
ref("gp_loss", loss)
ref("gp_W1_grad", W1.grad)
ref("gp_b1_grad", b1.grad)
ref("gp_W2_grad", W2.grad)
ref("gp_b2_grad", b2.grad)
ref("gp_x_grad", gp_x.grad)

# --------------------------------------------------------------------------------------
# 5. Vector-Jacobian product
section("5. Vector-Jacobian product: out = a * a.sum(1, keepdim=True); out.backward(v)")
a = torch.tensor([[1.0, -2.0, 0.5], [3.0, 0.25, -1.0]], dtype=F64, requires_grad=True)
out = a * a.sum(1, keepdim=True)
vv = torch.tensor([[1.0, 0.5, -1.0], [2.0, 0.0, 1.0]], dtype=F64)
out.backward(vv)
ref("vjp_a", a)
ref("vjp_v", vv)
ref("vjp_grad", a.grad)

# --------------------------------------------------------------------------------------
# 6. Gradients routed to selected elements by max/min
section("6. Gradients through max/min (selected elements; ties split evenly)")
m = torch.tensor([[1.0, 5.0, 3.0], [4.0, 2.0, 6.0]], dtype=F64, requires_grad=True)
ref("maxsel_m", m)
(m.max(1).values * torch.tensor([1.0, 2.0], dtype=F64)).sum().backward()
ref("maxdim_grad", m.grad)
m.grad = None
m.max().backward()
ref("maxall_grad", m.grad)
m.grad = None
m.min(0).values.sum().backward()
ref("mindim_grad", m.grad)
t = torch.tensor([2.0, 7.0, 7.0, 1.0], dtype=F64, requires_grad=True)
t.max().backward()
assert t.grad.tolist() == [0.0, 0.5, 0.5, 0.0], t.grad
ref("maxtie_x", t)
ref("maxall_ties_grad", t.grad)


# --------------------------------------------------------------------------------------
# --------------------------------------------------------------------------------------
# 7. addmm (nn.Linear's forward on a batch) under a ReLU, with a gradient penalty: the penalty's
#    gradient differentiates relu's backward (threshold_backward) once more.
section("7. relu(addmm(b, x, W^T)) @ v with a penalty on d out.sum() / d x")
torch.manual_seed(1)
rp_x = torch.randn(6, 3, dtype=F64).round(decimals=6)
rp_W = torch.randn(4, 3, dtype=F64).round(decimals=6)
rp_b = (torch.randn(4, dtype=F64) * 0.5).round(decimals=6)
rp_v = torch.randn(4, 1, dtype=F64).round(decimals=6)
for p in (rp_x, rp_W, rp_b, rp_v):
    p.requires_grad_(True)
rp_h = torch.relu(torch.addmm(rp_b, rp_x, rp_W.t()))
rp_out = rp_h @ rp_v
rp_gx = torch.autograd.grad(rp_out.sum(), rp_x, create_graph=True)[0]
rp_loss = (rp_gx ** 2).sum() + (rp_out ** 2).mean()
rp_loss.backward()
assert 0 < int((rp_h > 0).sum()) < rp_h.numel()  # both sides of the kink are present
ref("rp_x", rp_x)
ref("rp_W", rp_W)
ref("rp_b", rp_b)
ref("rp_v", rp_v)
ref("rp_out", rp_out)
ref("rp_gx", rp_gx)
ref("rp_loss", rp_loss)
ref("rp_x_grad", rp_x.grad)
ref("rp_W_grad", rp_W.grad)
ref("rp_b_grad", rp_b.grad)
ref("rp_v_grad", rp_v.grad)

# --------------------------------------------------------------------------------------
# 8. The parameter gradients of Linear(k, m) then ReLU for an upstream gradient G, the shapes
#    kaon's one-pass backward takes (k <= 4 inputs, m <= 256 outputs) and some it leaves to the
#    composed one (k = 5, m = 300). Inputs are formulas of the indices that the test evaluates
#    too, so only the gradients are written here.
section("8. relu(addmm(b, x, W^T)).backward(G): gradients of W, b (and x) for narrow layers")


def layer_inputs(n, k, m, width):
    """x [n, k], W1 [m, k], b1 [m] and the upstream gradient G [n, width] (tests/support/
    layer_inputs.hpp evaluates the same formulas)."""
    i = torch.arange(n, dtype=F64).reshape(n, 1)
    j = torch.arange(m, dtype=F64).reshape(m, 1)
    c = torch.arange(k, dtype=F64).reshape(1, k)
    w = torch.arange(width, dtype=F64).reshape(1, width)
    x = 2 * torch.sin(0.7 * i + 1.3 * c + 0.1)                     # [n, k]
    W1 = torch.cos(0.9 * j - 0.4 * c)                               # [m, k]
    b1 = 0.5 * torch.sin(1.7 * j.reshape(m))                        # [m]
    G = torch.cos(0.3 * i + 0.77 * w)                               # [n, width]
    return x, W1, b1, G


def lr_inputs(n, k, m):
    return layer_inputs(n, k, m, m)


for n, k, m in ((150, 1, 50), (23, 2, 29), (70, 4, 50), (9, 1, 300), (30, 5, 20)):
    x, W, b, G = lr_inputs(n, k, m)
    for t in (x, W, b):
        t.requires_grad_(True)
    h = torch.relu(torch.addmm(b, x, W.t()))
    assert 0 < int((h > 0).sum()) < h.numel()  # both sides of the kink
    h.backward(G)
    ref(f"lr_{n}_{k}_{m}_W_grad", W.grad)
    ref(f"lr_{n}_{k}_{m}_b_grad", b.grad)
    if (n, k, m) == (23, 2, 29):
        ref(f"lr_{n}_{k}_{m}_x_grad", x.grad)
# A NaN bias makes its unit's output NaN; relu's backward passes the gradient there (NaN <= 0
# is false), as threshold_backward does.
x, W, b, G = lr_inputs(23, 2, 29)
b = b.clone()
b[3] = float("nan")
W.requires_grad_(True)
b.requires_grad_(True)
torch.relu(torch.addmm(b, x, W.t())).backward(G)
ref("lr_nan_W_grad", W.grad)
ref("lr_nan_b_grad", b.grad)


# --------------------------------------------------------------------------------------
# 9. Linear(k, m) -> ReLU -> Linear(m, p) with an upstream gradient G: the result and the
#    gradients of x, W1, b1, W2 and b2, for the shapes kaon's one-kernel layers take (k, p <= 4)
#    and two it leaves to the composed ones (k = 5, p = 5). Inputs are formulas of the indices
#    that the test evaluates too.
section("9. relu(x W1^T + b1) W2^T + b2 and its gradients for narrow ends")


def lrl_inputs(n, k, m, p):
    x, W1, b1, G = layer_inputs(n, k, m, p)
    j = torch.arange(m, dtype=F64).reshape(1, m)
    q = torch.arange(p, dtype=F64).reshape(p, 1)
    W2 = 0.3 * torch.cos(0.5 * j + 1.1 * q)                         # [p, m]
    b2 = 0.2 * q.reshape(p) - 0.1                                   # [p]
    return x, W1, b1, W2, b2, G


def lrl(x, W1, b1, W2, b2):
    return torch.addmm(b2, torch.relu(torch.addmm(b1, x, W1.t())), W2.t())


LRL_CASES = ((150, 1, 50, 1), (23, 2, 29, 3), (70, 4, 50, 4), (9, 1, 3, 2), (40, 3, 7, 2),
             (1100, 1, 6, 1), (30, 5, 20, 1), (30, 1, 20, 5))
for n, k, m, p in LRL_CASES:
    ts = lrl_inputs(n, k, m, p)
    for t in ts[:5]:
        t.requires_grad_(True)
    out = lrl(*ts[:5])
    h = torch.relu(torch.addmm(ts[2], ts[0], ts[1].t()))
    assert 0 < int((h > 0).sum()) < h.numel()  # both sides of the kink
    out.backward(ts[5])
    tag = f"lrl_{n}_{k}_{m}_{p}"
    ref(f"{tag}_out", out)
    for name, t in zip(("x", "W1", "b1", "W2", "b2"), ts[:5]):
        ref(f"{tag}_{name}_grad", t.grad)

# An infinite bias makes unit 3 infinite on every row; with a positive G, d/dW2[:, 3] is +inf
# (written here as 0, the test checks it is infinite) and every other gradient finite.
x, W1, b1, W2, b2, G = lrl_inputs(23, 2, 29, 3)
b1 = b1.clone()
b1[3] = float("inf")
G = 1.5 + G
for t in (W1, b1, W2, b2):
    t.requires_grad_(True)
lrl(x, W1, b1, W2, b2).backward(G)
assert bool(torch.isinf(W2.grad[:, 3]).all()) and bool(torch.isfinite(W1.grad).all())
W2_grad = W2.grad.clone()
W2_grad[:, 3] = 0
ref("lrl_inf_W1_grad", W1.grad)
ref("lrl_inf_b1_grad", b1.grad)
ref("lrl_inf_W2_grad", W2_grad)
ref("lrl_inf_b2_grad", b2.grad)

# A penalty on the input gradient (create_graph): the backward is differentiated again.
x, W1, b1, W2, b2, G = lrl_inputs(23, 2, 29, 3)
for t in (x, W1, b1, W2, b2):
    t.requires_grad_(True)
out = lrl(x, W1, b1, W2, b2)
gx = torch.autograd.grad(out, x, G, create_graph=True)[0]
loss = (gx ** 2).sum() + (out ** 2).mean()
loss.backward()
ref("lrl_pen_gx", gx)
ref("lrl_pen_loss", loss)
for name, t in zip(("x", "W1", "b1", "W2", "b2"), (x, W1, b1, W2, b2)):
    ref(f"lrl_pen_{name}_grad", t.grad)


def main():
    head = [
        "// SPDX-License-Identifier: MIT",
        f"// Generated by tools/gen_autograd_reference.py with PyTorch {torch.__version__}; do not edit.",
        "// Expected results computed by torch.autograd (float64) for kaon's autograd tests.",
        "// Floats are printed round-trip exact.",
        "#pragma once",
        '#include "reference/foundation_reference.hpp"  // kaon_ref::Ref',
        "",
        "namespace kaon_ref::autograd {",
    ]
    tail = ["", "}  // namespace kaon_ref::autograd", ""]
    _emit.write(OUT, head, tail)


if __name__ == "__main__":
    main()
