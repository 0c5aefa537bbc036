"""Generate tests/reference/nn_reference.hpp, expected numbers for kaon's nn-module tests.

These cover the loss functions (MSE, L1, SmoothL1, BCE, BCEWithLogits, CrossEntropy, NLL)
with their reductions and input gradients, softmax/log_softmax, optimiser trajectories
(SGD, Adam, AdamW, Adagrad, RMSprop, Rprop) on a small Linear-Tanh-Linear network,
learning-rate schedulers (StepLR, ExponentialLR, ReduceLROnPlateau) and the printed form
(repr) and parameter / state_dict names of modules. Every expected value is computed here
by PyTorch (float64 unless stated); inputs are literals or drawn from torch with a fixed
seed, and in the latter case they are written into the header too. Output is
deterministic: rerunning gives a byte-identical file (for the same PyTorch).

The header reuses kaon_ref::Ref from foundation_reference.hpp (which it includes) and puts
its own constants in namespace kaon_ref::nn, so it can be included alongside the other
reference headers in one test binary.

Rerun from the repository root with Debian's Python (which has torch and numpy):

    /usr/bin/python3 tools/gen_nn_reference.py
"""

import pathlib

import torch
import torch.nn.functional as F
from torch import nn

from refgen import Emitter

OUT = pathlib.Path(__file__).resolve().parent.parent / "tests" / "reference" / "nn_reference.hpp"

F64 = torch.float64
F32 = torch.float32

torch.set_default_dtype(F64)
torch.set_num_threads(1)

_emit = Emitter("kaon_ref::Ref")
ref, text, section = _emit.ref, _emit.text, _emit.section

REDUCTIONS = ("mean", "sum", "none")


def loss_and_grad(fn, x, *args, **kwargs):
    """Value of fn(x, *args, **kwargs) and the gradient of its sum w.r.t. x."""
    x = x.detach().clone().requires_grad_(True)
    loss = fn(x, *args, **kwargs)
    loss.sum().backward()
    return loss.detach(), x.grad


def emit_reductions(prefix, fn, x, *args, grad_input=None, **kwargs):
    """Emit <prefix>_<reduction> and <prefix>_<reduction>_grad for mean, sum and none.

    The gradient is taken w.r.t. grad_input when given (same kind of tensor as x)."""
    for red in REDUCTIONS:
        value, grad = loss_and_grad(fn, x, *args, reduction=red, **kwargs)
        if grad_input is not None:
            _, grad = loss_and_grad(fn, grad_input, *args, reduction=red, **kwargs)
        assert torch.isfinite(value).all() and torch.isfinite(grad).all(), (prefix, red)
        ref(f"{prefix}_{red}", value)
        ref(f"{prefix}_{red}_grad", grad)


# --------------------------------------------------------------------------------------
# 1a. Regression losses
section("1a. Regression losses: MSE, L1, SmoothL1 (beta 1 and 0.5); grads of loss.sum() w.r.t. input")
torch.manual_seed(1)
loss_target = torch.randn(2, 3).round(decimals=4)
# Offsets put |input - target| below 0.5 (0.3, -0.2), in (0.5, 1) (-0.7, 0.8) and above 1
# (1.5, -2.1), so every SmoothL1 branch is hit for both betas and no L1 difference is 0.
offsets = torch.tensor([[0.3, -0.7, 1.5], [-0.2, 0.8, -2.1]])
loss_input = (loss_target + offsets).round(decimals=4)
diff = (loss_input - loss_target).abs()
assert ((diff > 0.1) & (diff < 0.45)).sum() == 2
assert ((diff > 0.55) & (diff < 0.95)).sum() == 2
assert (diff > 1.05).sum() == 2
ref("loss_input", loss_input)
ref("loss_target", loss_target)
emit_reductions("mse", F.mse_loss, loss_input, loss_target)
# mse_loss's gradient with respect to the target, and the gradients (input and target) of a
# penalty on its input gradient, which differentiates mse_loss's backward once more.
for red in REDUCTIONS:
    t = loss_target.detach().clone().requires_grad_(True)
    F.mse_loss(loss_input, t, reduction=red).sum().backward()
    ref(f"mse_{red}_target_grad", t.grad)
x = loss_input.detach().clone().requires_grad_(True)
t = loss_target.detach().clone().requires_grad_(True)
gx = torch.autograd.grad(F.mse_loss(x * x, t), x, create_graph=True)[0]
(gx ** 2).sum().backward()
ref("mse_penalty_gx", gx)
ref("mse_penalty_x_grad", x.grad)
ref("mse_penalty_target_grad", t.grad)
emit_reductions("l1", F.l1_loss, loss_input, loss_target)
emit_reductions("smoothl1", F.smooth_l1_loss, loss_input, loss_target, beta=1.0)
emit_reductions("smoothl1_b05", F.smooth_l1_loss, loss_input, loss_target, beta=0.5)

# --------------------------------------------------------------------------------------
# 1b. Binary cross-entropy on probabilities
section("1b. BCELoss: values on bce_prob (exact 0 and 1, log clamped at -100); grads on bce_prob_open")
bce_prob = torch.tensor([[0.0, 0.25, 0.9], [1.0, 0.6, 0.05]])
bce_target = torch.tensor([[1.0, 0.0, 1.0], [0.0, 0.3, 0.0]])
# Same as bce_prob but with the exact 0 and 1 moved inside (0, 1).
bce_prob_open = torch.tensor([[0.02, 0.25, 0.9], [0.97, 0.6, 0.05]])
bce_weight = torch.tensor([0.5, 2.0, 1.5])
ref("bce_prob", bce_prob)
ref("bce_target", bce_target)
ref("bce_prob_open", bce_prob_open)
ref("bce_weight", bce_weight)
emit_reductions("bce", F.binary_cross_entropy, bce_prob, bce_target, grad_input=bce_prob_open)
# PyTorch 1.13's BCE backward divides by max(p (1 - p), EPSILON) with EPSILON the float32
# constant 1e-12f, so at exact 0/1 the gradient is finite: +-1/float(1e-12) (about 1e12) where
# the target disagrees, 0 where it agrees. Recorded for reference only.
_, g = loss_and_grad(F.binary_cross_entropy, bce_prob, bce_target, reduction="sum")
eps32 = float(torch.tensor(1e-12, dtype=F32))
assert torch.isfinite(g).all() and g.abs().max() == 1.0 / eps32, g
ref("bce_sum_grad_edges", g)
value, _ = loss_and_grad(F.binary_cross_entropy, bce_prob, bce_target, weight=bce_weight)
_, grad = loss_and_grad(F.binary_cross_entropy, bce_prob_open, bce_target, weight=bce_weight)
ref("bce_weighted_mean", value)
ref("bce_weighted_mean_grad", grad)

# --------------------------------------------------------------------------------------
# 1c. Binary cross-entropy with logits
section("1c. BCEWithLogitsLoss: logits include +-50 and +-0.3; grads w.r.t. logits")
bcel_logits = torch.tensor([[50.0, -50.0, 0.3], [-0.3, 1.7, -50.0]])
bcel_target = torch.tensor([[1.0, 1.0, 0.0], [1.0, 0.3, 0.0]])
bcel_pos_weight = torch.tensor([2.0, 0.5, 1.5])
ref("bcel_logits", bcel_logits)
ref("bcel_target", bcel_target)
ref("bcel_pos_weight", bcel_pos_weight)
emit_reductions("bcel", F.binary_cross_entropy_with_logits, bcel_logits, bcel_target)
value, grad = loss_and_grad(F.binary_cross_entropy_with_logits, bcel_logits, bcel_target,
                            pos_weight=bcel_pos_weight)
ref("bcel_posw_mean", value)
ref("bcel_posw_mean_grad", grad)

# --------------------------------------------------------------------------------------
# 1d. Cross-entropy
section("1d. CrossEntropyLoss: class-index targets, class weights, probability targets")
torch.manual_seed(2)
ce_logits = (torch.randn(4, 3) * 2).round(decimals=4)
ce_target = torch.tensor([0, 2, 1, 2], dtype=torch.int64)
ce_weight = torch.tensor([0.2, 1.0, 0.5])
ce_prob_target = torch.tensor([[0.625, 0.25, 0.125], [0.0, 0.0, 1.0],
                               [0.25, 0.25, 0.5], [0.125, 0.5, 0.375]])
assert (ce_prob_target.sum(1) == 1).all()
ref("ce_logits", ce_logits)
ref("ce_target", ce_target)
ref("ce_weight", ce_weight)
ref("ce_prob_target", ce_prob_target)
emit_reductions("ce", F.cross_entropy, ce_logits, ce_target)
value, grad = loss_and_grad(F.cross_entropy, ce_logits, ce_target, weight=ce_weight)
ref("ce_weighted_mean", value)
ref("ce_weighted_mean_grad", grad)
value, grad = loss_and_grad(F.cross_entropy, ce_logits, ce_prob_target)
ref("ce_prob_mean", value)
ref("ce_prob_mean_grad", grad)

# --------------------------------------------------------------------------------------
# 1e. Negative log-likelihood
section("1e. NLLLoss on nll_input = log_softmax(ce_logits, 1) with ce_target; grads w.r.t. nll_input")
nll_input = F.log_softmax(ce_logits, 1)
ref("nll_input", nll_input)
emit_reductions("nll", F.nll_loss, nll_input, ce_target)
value, grad = loss_and_grad(F.nll_loss, nll_input, ce_target, weight=ce_weight)
ref("nll_weighted_mean", value)
ref("nll_weighted_mean_grad", grad)

# --------------------------------------------------------------------------------------
# 1f. Softmax and log-softmax
section("1f. Softmax / LogSoftmax; grads of (softmax1 * sm_w).sum() and (log_softmax1 * sm_w).sum()")
sm_x = torch.tensor([[1.0, -0.5, 2.0], [0.25, 3.0, -1.5]])
sm_w = torch.tensor([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]])
ref("sm_x", sm_x)
ref("sm_w", sm_w)
ref("softmax1", F.softmax(sm_x, 1))
ref("softmax0", F.softmax(sm_x, 0))
ref("log_softmax1", F.log_softmax(sm_x, 1))
_, grad = loss_and_grad(lambda x: F.softmax(x, 1) * sm_w, sm_x)
ref("softmax1_grad", grad)
_, grad = loss_and_grad(lambda x: F.log_softmax(x, 1) * sm_w, sm_x)
ref("log_softmax1_grad", grad)

# --------------------------------------------------------------------------------------
# 2. Optimiser trajectories
section("2. Optimisers on Linear(3,4) -> Tanh -> Linear(4,2) with mse_loss; "
        "params (w1, b1, w2, b2 flattened) after steps 1, 2, 10, 100")
torch.manual_seed(0)
_model0 = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))
for p in _model0.parameters():
    p.data = p.data.round(decimals=4)
opt_x = torch.randn(8, 3).round(decimals=4)
opt_y = torch.randn(8, 2).round(decimals=4)
INIT = [p.detach().clone() for p in _model0.parameters()]
assert [tuple(p.shape) for p in INIT] == [(4, 3), (4,), (2, 4), (2,)]
assert all(p.dtype == F64 for p in INIT)
ref("opt_w1", INIT[0])
ref("opt_b1", INIT[1])
ref("opt_w2", INIT[2])
ref("opt_b2", INIT[3])
ref("opt_x", opt_x)
ref("opt_y", opt_y)


def fresh_model(dtype=F64):
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2)).to(dtype)
    with torch.no_grad():
        for p, p0 in zip(model.parameters(), INIT):
            p.copy_(p0.to(dtype))
    return model


def flat_params(model):
    return torch.cat([p.detach().reshape(-1) for p in model.parameters()]).clone()


def run_optimizer(make_opt, steps, dtype=F64):
    """Trains a fresh model; returns {step: flat params after that step} and the losses."""
    model = fresh_model(dtype)
    x, y = opt_x.to(dtype), opt_y.to(dtype)
    opt = make_opt(model.parameters())
    snaps, losses = {}, []
    for step in range(1, steps + 1):
        opt.zero_grad()
        loss = F.mse_loss(model(x), y)
        loss.backward()
        losses.append(loss.detach().clone())
        opt.step()
        snaps[step] = flat_params(model)
    return snaps, losses


O = torch.optim
OPTIMIZERS = [
    ("sgd", lambda ps: O.SGD(ps, lr=0.1, foreach=False)),
    ("sgd_momentum", lambda ps: O.SGD(ps, lr=0.05, momentum=0.9, foreach=False)),
    ("sgd_dampening", lambda ps: O.SGD(ps, lr=0.05, momentum=0.9, dampening=0.5, foreach=False)),
    ("sgd_nesterov_wd", lambda ps: O.SGD(ps, lr=0.05, momentum=0.9, nesterov=True,
                                         weight_decay=0.01, foreach=False)),
    ("adam", lambda ps: O.Adam(ps, lr=0.01, foreach=False)),
    ("adam_opts", lambda ps: O.Adam(ps, lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1,
                                    amsgrad=True, foreach=False)),
    ("adamw", lambda ps: O.AdamW(ps, lr=0.01, weight_decay=0.05, foreach=False)),
    # AdamW's default weight_decay is 0.01 (not 0), so this run decays too.
    ("adamw_amsgrad", lambda ps: O.AdamW(ps, lr=0.02, amsgrad=True, foreach=False)),
    ("adagrad", lambda ps: O.Adagrad(ps, lr=0.1, foreach=False)),
    ("adagrad_opts", lambda ps: O.Adagrad(ps, lr=0.1, lr_decay=0.01, weight_decay=0.01,
                                          initial_accumulator_value=0.1, eps=1e-8,
                                          foreach=False)),
    ("rmsprop", lambda ps: O.RMSprop(ps, lr=0.01, foreach=False)),
    ("rmsprop_opts", lambda ps: O.RMSprop(ps, lr=0.01, alpha=0.9, eps=1e-6, weight_decay=0.01,
                                          momentum=0.5, centered=True, foreach=False)),
    ("rprop", lambda ps: O.Rprop(ps, lr=0.01, foreach=False)),
    ("rprop_opts", lambda ps: O.Rprop(ps, lr=0.05, etas=(0.4, 1.3), step_sizes=(1e-5, 1.0),
                                      foreach=False)),
]

loss0 = None
for cfg, make_opt in OPTIMIZERS:
    snaps, losses = run_optimizer(make_opt, 100)
    if loss0 is None:
        loss0 = losses[0]
        ref("opt_loss0", loss0)
    assert torch.equal(losses[0], loss0), cfg
    assert losses[99] < loss0, (cfg, losses[99], loss0)
    for step in (1, 2, 10, 100):
        assert torch.isfinite(snaps[step]).all(), (cfg, step)
        ref(f"opt_{cfg}_{step}", snaps[step])
    ref(f"opt_{cfg}_loss100", losses[99])

section("2b. Adam(lr=0.01) in float32 from the same initial values and data; params after 100 steps")
snaps, _ = run_optimizer(lambda ps: O.Adam(ps, lr=0.01, foreach=False), 100, dtype=F32)
assert snaps[100].dtype == F32
ref("opt_adam_f32_100", snaps[100])

# --------------------------------------------------------------------------------------
# 3. Learning-rate schedulers
section("3. Schedulers on SGD(lr=0.1): lr in use at epochs 0..9 (read before scheduler.step())")
S = torch.optim.lr_scheduler


def lr_sequence(make_sched, metrics=None, epochs=10):
    param = torch.zeros(1, requires_grad=True)
    opt = O.SGD([param], lr=0.1)
    sched = make_sched(opt)
    lrs = []
    for epoch in range(epochs):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()  # no gradient, so a no-op; avoids the "scheduler before optimizer" warning
        if metrics is None:
            sched.step()
        else:
            sched.step(metrics[epoch])
    return torch.tensor(lrs, dtype=F64)


sched_plateau_metric = [1.0, 0.9, 0.95, 0.95, 0.95, 0.8, 0.85, 0.86, 0.87, 0.88]
ref("sched_steplr", lr_sequence(lambda o: S.StepLR(o, step_size=3, gamma=0.5)))
ref("sched_explr", lr_sequence(lambda o: S.ExponentialLR(o, gamma=0.9)))
ref("sched_plateau_metric", torch.tensor(sched_plateau_metric, dtype=F64))
ref("sched_plateau", lr_sequence(
    lambda o: S.ReduceLROnPlateau(o, mode="min", factor=0.5, patience=2, threshold=1e-4),
    metrics=sched_plateau_metric))

# --------------------------------------------------------------------------------------
# 4. Module printing and parameter names
section("4. Module repr, named_parameters() names and state_dict() keys")


class SimpleDNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(26, 100)
        self.act1 = nn.Sigmoid()
        self.fc2 = nn.Sequential(nn.Linear(100, 50), nn.Sigmoid())
        self.out = nn.Linear(50, 1)


text("repr_linear", repr(nn.Linear(3, 4)))
text("repr_linear_nobias", repr(nn.Linear(3, 4, bias=False)))
text("repr_sequential", repr(nn.Sequential(nn.Linear(1, 50), nn.ReLU(), nn.Linear(50, 1))))
text("repr_activations", "\n".join(repr(m) for m in (
    nn.ReLU(), nn.Sigmoid(), nn.Tanh(), nn.Softmax(dim=1), nn.LogSoftmax(dim=1),
    nn.Dropout(p=0.25), nn.Identity())))
text("repr_losses", "\n".join(repr(m) for m in (nn.MSELoss(), nn.BCELoss(), nn.CrossEntropyLoss())))
text("repr_custom", repr(SimpleDNN()))
text("names_custom", "\n".join(name for name, _ in SimpleDNN().named_parameters()))
text("state_keys_custom", "\n".join(SimpleDNN().state_dict().keys()))


# --------------------------------------------------------------------------------------
def main():
    head = [
        "// SPDX-License-Identifier: MIT",
        f"// Generated by tools/gen_nn_reference.py with PyTorch {torch.__version__}; do not edit.",
        "// Expected results computed by PyTorch (float64 unless a Ref says float32) for kaon's",
        "// nn-module, loss, optimiser and scheduler tests.",
        "// Floats are printed round-trip exact.",
        "#pragma once",
        '#include "reference/foundation_reference.hpp"  // kaon_ref::Ref',
        "",
        "namespace kaon_ref::nn {",
    ]
    tail = ["", "}  // namespace kaon_ref::nn", ""]
    _emit.write(OUT, head, tail)


if __name__ == "__main__":
    main()
