"""Generate tests/reference/api_reference.hpp: expected numbers for the PyTorch-user API tests.

Covers the element-wise math a ported analysis needs (inverse trig and hyperbolic functions,
log1p, expm1, erf, erfc, sign, floor, ceil, trunc, atan2, hypot, fmod), the activations of
nn.functional (leaky_relu, elu, gelu, silu), std/var in PyTorch's positional spellings, where
with two scalars, the Tensor methods pow, masked_fill, gather, mm and matmul, ordering (sort,
argsort, topk, kthvalue, quantile), cumsum, cumprod, diff, tril, triu, diag and one_hot, the learning-rate
schedulers (OneCycleLR with its momentum too), gradient clipping, layer_norm, BatchNorm1d, nn.init, linalg's solve, inv, det and cholesky,
autograd.functional's jacobian and hessian, histogram, DataFrame column statistics
(NumPy), LogisticRegression (scikit-learn) and LBFGS. Forward values
and the gradient of each output's sum, computed by PyTorch in float64 (float32 where a dtype
rule is checked). Inputs are literals, written into the header too.

Rerun from the repository root with Debian's Python (which has torch):

    /usr/bin/python3 tools/gen_api_reference.py
"""

import pathlib

import torch

from refgen import Emitter

OUT = pathlib.Path(__file__).resolve().parent.parent / "tests" / "reference" / "api_reference.hpp"

F64 = torch.float64
F32 = torch.float32

_emit = Emitter("kaon_ref::Ref")
ref, section = _emit.ref, _emit.section


def value_and_grad(name, f, *inputs):
    """Emits f(*inputs) as name and the gradient of its sum for each float input."""
    xs = [x.clone().requires_grad_(x.is_floating_point()) for x in inputs]
    y = f(*xs)
    ref(name, y)
    if y.requires_grad:
        grads = torch.autograd.grad(y.sum(), [x for x in xs if x.requires_grad], allow_unused=True)
        for i, g in enumerate(grads):
            ref(f"{name}_grad{i}", g if g is not None else torch.zeros_like(xs[i]))


# --------------------------------------------------------------------------------------
section("Unary math: inputs, values, gradients of the sum (float64)")
general = torch.tensor([[-1.7, -0.6, 0.0, 0.3], [0.9, 1.4, 2.2, -2.5]], dtype=F64)
unit = torch.tensor([[-0.85, -0.4, 0.0, 0.2], [0.55, 0.7, -0.1, 0.93]], dtype=F64)
above_one = torch.tensor([[1.05, 1.3, 2.0, 3.7], [5.5, 1.6, 9.0, 1.01]], dtype=F64)
above_m1 = torch.tensor([[-0.95, -0.5, 0.0, 1e-9], [0.4, 2.0, 30.0, -0.2]], dtype=F64)
rounding = torch.tensor([[-2.5, -1.5, -0.7, 0.0], [0.5, 1.5, 2.49, 3.0]], dtype=F64)
ref("um_general", general)
ref("um_unit", unit)
ref("um_above_one", above_one)
ref("um_above_m1", above_m1)
ref("um_rounding", rounding)
for fname, x in [("asin", unit), ("acos", unit), ("atan", general), ("sinh", general),
                 ("cosh", general), ("asinh", general), ("acosh", above_one), ("atanh", unit),
                 ("log1p", above_m1), ("expm1", general), ("erf", general), ("erfc", general),
                 ("sign", rounding), ("floor", rounding), ("ceil", rounding),
                 ("trunc", rounding)]:
    value_and_grad(f"um_{fname}", getattr(torch, fname), x)

section("Dtype rules: int64 inputs")
ints = torch.tensor([-7, -2, 0, 3, 8], dtype=torch.int64)
ref("int_x", ints)
ref("int_asin_of_01", torch.asin(torch.tensor([0, 1], dtype=torch.int64)))  # float32
ref("int_sign", torch.sign(ints))
ref("int_floor", torch.floor(ints))
ref("int_fmod_3", torch.fmod(ints, 3))
ref("int_fmod_m3", torch.fmod(ints, -3))

section("Binary math (float64), broadcasting [2, 1] against [3]")
ya = torch.tensor([[-1.2], [0.7]], dtype=F64)
xb = torch.tensor([-0.8, 0.5, 2.0], dtype=F64)
ref("bm_a", ya)
ref("bm_b", xb)
value_and_grad("bm_atan2", torch.atan2, ya, xb)
value_and_grad("bm_hypot", torch.hypot, ya, xb)
value_and_grad("bm_fmod", torch.fmod, ya * 3.1, xb)
value_and_grad("bm_atan2_scalar", lambda a: torch.atan2(a, torch.tensor(-1.5, dtype=F64)), ya)
value_and_grad("bm_fmod_scalar", lambda a: torch.fmod(a * 3.1, 1.5), ya)
value_and_grad("bm_hypot_scalar_left", lambda b: torch.hypot(torch.tensor(2.0, dtype=F64), b), xb)
# atan2 over the four quadrants and the axes (the values only).
qy = torch.tensor([1.0, 1.0, -1.0, -1.0, 0.0, 0.0, 1.0, -1.0], dtype=F64)
qx = torch.tensor([1.0, -1.0, -1.0, 1.0, 1.0, -1.0, 0.0, 0.0], dtype=F64)
ref("atan2_qy", qy)
ref("atan2_qx", qx)
ref("atan2_q", torch.atan2(qy, qx))

section("Activations (nn.functional), float64")
act = torch.tensor([[-3.0, -1.0, -0.25, 0.0], [0.1, 0.5, 1.5, 4.0]], dtype=F64)
ref("act_x", act)
F = torch.nn.functional
value_and_grad("act_relu", F.relu, act)
value_and_grad("act_leaky_relu", F.leaky_relu, act)
value_and_grad("act_leaky_relu_02", lambda x: F.leaky_relu(x, 0.2), act)
value_and_grad("act_elu", F.elu, act)
value_and_grad("act_elu_05", lambda x: F.elu(x, 0.5), act)
value_and_grad("act_gelu", F.gelu, act)
value_and_grad("act_gelu_tanh", lambda x: F.gelu(x, approximate="tanh"), act)
value_and_grad("act_silu", F.silu, act)
value_and_grad("act_sigmoid", torch.sigmoid, act)
value_and_grad("act_tanh", torch.tanh, act)
ref("act_x_f32", act.to(F32))
ref("act_gelu_f32", F.gelu(act.to(F32)))
ref("act_elu_f32", F.elu(act.to(F32)))

section("std and var in PyTorch's positional spellings (float64 [3, 4])")
sv = torch.tensor([[0.5, -1.25, 2.0, 3.5], [1.0, 0.25, -0.75, 2.25], [4.0, -2.0, 0.0, 1.5]],
                  dtype=F64)
ref("sv_x", sv)
ref("sv_std", sv.std())
ref("sv_std_false", sv.std(False))          # unbiased=False over all elements
ref("sv_var_false", sv.var(False))
ref("sv_std_0", sv.std(0))
ref("sv_std_0_false", sv.std(0, False))    # dim 0, unbiased=False
ref("sv_var_1_true_true", sv.var(1, True, True))  # dim 1, unbiased, keepdim
ref("sv_var_correction2", sv.var(dim=None, correction=2))
ref("sv_std_1_correction0_keepdim", sv.std(1, correction=0, keepdim=True))

section("where with two scalars")
mask = torch.tensor([[True, False, True], [False, False, True]])
ref("wm_mask", mask)
ref("wm_float", torch.where(mask, 1.0, 0.0))  # float32, as PyTorch
ref("wm_int", torch.where(mask, 1, 0))        # int64

section("Tensor methods: pow, masked_fill, gather, mm, matmul")
m = torch.tensor([[1.5, -2.0, 0.5], [3.0, 0.25, -1.0]], dtype=F64)
m2 = torch.tensor([[0.5, 1.0], [-1.5, 2.0], [2.5, -0.5]], dtype=F64)
idx = torch.tensor([[2, 0], [1, 1]], dtype=torch.int64)
ref("tm_a", m)
ref("tm_b", m2)
ref("tm_idx", idx)
value_and_grad("tm_pow2", lambda a: a.pow(2), m)
value_and_grad("tm_pow_t", lambda a: a.abs().pow(m.abs() + 0.5), m)
value_and_grad("tm_masked_fill", lambda a: a.masked_fill(mask, -7.5), m)
value_and_grad("tm_gather", lambda a: a.gather(1, idx), m)
value_and_grad("tm_mm", lambda a, b: a.mm(b), m, m2)
value_and_grad("tm_matmul", lambda a, b: a.matmul(b[:, 0]), m, m2)

section("Ordering: sort, argsort, topk, kthvalue, quantile (float64 [3, 5], ties and a NaN)")
o = torch.tensor([[3.0, -1.0, 2.0, -1.0, 0.5], [1.0, 4.0, 4.0, -2.0, 0.0],
                  [2.5, -3.0, 1.5, 7.0, -0.5]], dtype=F64)
ref("ord_x", o)
value_and_grad("ord_sort1", lambda a: torch.sort(a, dim=1, stable=True).values, o)
ref("ord_sort1_idx", torch.sort(o, dim=1, stable=True).indices)
value_and_grad("ord_sort0_desc", lambda a: torch.sort(a, dim=0, descending=True, stable=True).values, o)
ref("ord_sort0_desc_idx", torch.sort(o, dim=0, descending=True, stable=True).indices)
ref("ord_argsort1_desc", torch.sort(o, dim=1, descending=True, stable=True).indices)
value_and_grad("ord_top2", lambda a: torch.topk(a, 2, 1).values, o)
ref("ord_top2_idx", torch.topk(o, 2, 1).indices)
value_and_grad("ord_bottom2_dim0", lambda a: torch.topk(a, 2, 0, largest=False).values, o)
value_and_grad("ord_kth2", lambda a: torch.kthvalue(a, 2, 1).values, o)
ref("ord_kth2_idx", torch.kthvalue(o, 2, 1).indices)
ref("ord_kth3_keepdim", torch.kthvalue(o, 3, 0, keepdim=True).values)
value_and_grad("ord_q30", lambda a: torch.quantile(a, 0.3), o)
value_and_grad("ord_q75_dim1", lambda a: torch.quantile(a, 0.75, dim=1), o)
ref("ord_q50_dim0_keepdim", torch.quantile(o, 0.5, dim=0, keepdim=True))
ref("ord_q90_keepdim", torch.quantile(o, 0.9, keepdim=True))
nan_row = torch.tensor([[1.0, float("nan"), 0.0], [2.0, 1.0, 3.0]], dtype=F64)
ref("ord_nan_sorted_idx", torch.sort(nan_row, dim=1, stable=True).indices)
ref("ord_nan_desc_idx", torch.sort(nan_row, dim=1, descending=True, stable=True).indices)

section("cumsum, diff, tril, triu, diag, one_hot, unbind")
value_and_grad("cum_cumsum1", lambda a: torch.cumsum(a, 1), o)
value_and_grad("cum_cumsum0", lambda a: torch.cumsum(a, 0), o)
ref("cum_int", torch.cumsum(torch.tensor([[1, -2, 3], [4, 5, -6]]), 1))
ref("cum_bool", torch.cumsum(torch.tensor([True, False, True, True]), 0))
ref("cum_f32", torch.cumsum(torch.tensor([0.1] * 7 + [1e8, 0.1, 0.1], dtype=F32), 0))
value_and_grad("cum_cumprod1", lambda a: torch.cumprod(a, 1), o)
value_and_grad("cum_cumprod0", lambda a: torch.cumprod(a, 0), o)
zeros_at = torch.tensor([[0.5, 0.0, 2.0, -1.5, 3.0], [0.0, 1.5, 0.0, 2.0, -0.5],
                         [1.2, -0.8, 2.5, 0.0, 0.0]], dtype=F64)
ref("cum_zeros_x", zeros_at)
value_and_grad("cum_cumprod_zeros", lambda a: torch.cumprod(a, 1), zeros_at)
ref("cum_prod_int", torch.cumprod(torch.tensor([[3, -2, 5], [1 << 40, 1 << 30, 7]]), 1))
ref("cum_prod_bool", torch.cumprod(torch.tensor([True, True, False, True]), 0))
value_and_grad("cum_diff", lambda a: torch.diff(a), o)
value_and_grad("cum_diff2_dim0", lambda a: torch.diff(a, 2, 0), o)
value_and_grad("tri_tril", lambda a: torch.tril(a), o)
value_and_grad("tri_triu1", lambda a: torch.triu(a, 1), o)
value_and_grad("tri_tril_m1", lambda a: torch.tril(a, -1), o)
batch = torch.arange(24, dtype=F64).reshape(2, 3, 4)
ref("tri_batch", batch)
ref("tri_batch_triu", torch.triu(batch))
vec = torch.tensor([1.5, -2.0, 3.0], dtype=F64)
ref("diag_v", vec)
value_and_grad("diag_from_vec", lambda a: torch.diag(a), vec)
value_and_grad("diag_from_vec_k1", lambda a: torch.diag(a, 1), vec)
value_and_grad("diag_from_vec_km2", lambda a: torch.diag(a, -2), vec)
value_and_grad("diag_of_mat", lambda a: torch.diag(a), o)
value_and_grad("diag_of_mat_k2", lambda a: torch.diag(a, 2), o)
value_and_grad("diag_of_mat_km1", lambda a: torch.diag(a, -1), o)
labels = torch.tensor([[0, 2], [1, 3]], dtype=torch.int64)
ref("oh_labels", labels)
ref("oh_auto", torch.nn.functional.one_hot(labels))
ref("oh_6", torch.nn.functional.one_hot(labels, 6))

section("Schedulers: the lr in use at epochs 0..11 (SGD, lr 0.1 and a second group at 0.4)")
S = torch.optim.lr_scheduler


def lr_sequences(make):
    """Each group's lr before each scheduler step, over 12 epochs, flattened [epoch][group]."""
    a = torch.zeros(1, dtype=F64, requires_grad=True)
    b = torch.zeros(1, dtype=F64, requires_grad=True)
    opt = torch.optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.4}], lr=0.1)
    sched = make(opt)
    lrs = []
    for _ in range(12):
        lrs.append([g["lr"] for g in opt.param_groups])
        opt.step()
        sched.step()
    assert sched.get_last_lr() == [g["lr"] for g in opt.param_groups]
    return torch.tensor(lrs, dtype=F64)


ref("sched_multistep", lr_sequences(lambda o: S.MultiStepLR(o, [2, 5, 5, 9], 0.5)))
ref("sched_linear", lr_sequences(lambda o: S.LinearLR(o, 0.25, 1.0, 4)))
ref("sched_linear_down", lr_sequences(lambda o: S.LinearLR(o, 1.0, 0.1, 6)))
ref("sched_cosine", lr_sequences(lambda o: S.CosineAnnealingLR(o, 4, 0.01)))
ref("sched_step", lr_sequences(lambda o: S.StepLR(o, 3, 0.5)))


def one_cycle(make_opt, **kw):
    """OneCycleLR over 12 steps: each group's lr, then each group's momentum (or beta1), before
    each step, flattened [step][lr0, lr1, m0, m1]."""
    a = torch.zeros(1, dtype=F64, requires_grad=True)
    b = torch.zeros(1, dtype=F64, requires_grad=True)
    opt = make_opt([{"params": [a]}, {"params": [b]}])
    sched = S.OneCycleLR(opt, total_steps=12, **kw)
    rows = []
    for _ in range(12):
        moms = [g["betas"][0] if "betas" in g else g["momentum"] for g in opt.param_groups]
        rows.append([g["lr"] for g in opt.param_groups] + moms)
        opt.step()
        sched.step()
    return torch.tensor(rows, dtype=F64)


ref("sched_one_cycle_sgd", one_cycle(lambda g: torch.optim.SGD(g, lr=0.1, momentum=0.9),
                                     max_lr=0.5))
ref("sched_one_cycle_adam", one_cycle(lambda g: torch.optim.Adam(g, lr=0.1), max_lr=0.02,
                                      pct_start=0.25, anneal_strategy="linear", div_factor=10.0,
                                      final_div_factor=100.0, three_phase=True,
                                      base_momentum=0.8, max_momentum=0.9))
ref("sched_one_cycle_fixed", one_cycle(lambda g: torch.optim.SGD(g, lr=0.1, momentum=0.7),
                                       max_lr=1.0, cycle_momentum=False, pct_start=0.5))

section("Gradient clipping: two parameters' gradients, and one parameter without")
g1 = torch.tensor([[0.5, -2.0], [1.5, 3.0]], dtype=F64)
g2 = torch.tensor([-4.0, 0.25, 1.0], dtype=F64)
ref("clip_g1", g1)
ref("clip_g2", g2)


def clipped(max_norm, norm_type, dtype):
    ps = [torch.zeros_like(g1, dtype=dtype, requires_grad=True),
          torch.zeros_like(g2, dtype=dtype, requires_grad=True),
          torch.zeros(2, dtype=dtype, requires_grad=True)]
    ps[0].grad = g1.to(dtype).clone()
    ps[1].grad = g2.to(dtype).clone()
    total = torch.nn.utils.clip_grad_norm_(ps, max_norm, norm_type)
    return total, ps[0].grad, ps[1].grad


for tag, max_norm, norm_type in [("l2", 2.0, 2.0), ("l1", 5.0, 1.0), ("inf", 1.5, float("inf")),
                                 ("l2_big", 100.0, 2.0)]:
    for dtype, dname in [(F64, "f64"), (F32, "f32")]:
        total, c1, c2 = clipped(max_norm, norm_type, dtype)
        ref(f"clip_{tag}_{dname}_total", total)
        ref(f"clip_{tag}_{dname}_g1", c1)
        ref(f"clip_{tag}_{dname}_g2", c2)
p1 = torch.zeros_like(g1, requires_grad=True)
p1.grad = g1.clone()
torch.nn.utils.clip_grad_value_([p1], 1.25)
ref("clip_value_g1", p1.grad)

section("LayerNorm over the last dim and the last two dims, with affine parameters (float64)")
ln_x = torch.tensor([[[0.5, -1.0, 2.0, 0.25], [1.5, 3.0, -0.5, 0.0], [-2.0, 1.0, 0.75, 4.0]],
                     [[1.0, 1.0, 1.5, -3.0], [0.0, 2.5, -1.25, 0.5], [2.0, -0.5, 1.0, 1.0]]],
                    dtype=F64)
ln_w4 = torch.tensor([1.5, -0.5, 2.0, 0.75], dtype=F64)
ln_b4 = torch.tensor([0.1, 0.2, -0.3, 0.0], dtype=F64)
ln_w34 = torch.linspace(-1.0, 2.0, 12, dtype=F64).reshape(3, 4)
ln_b34 = torch.linspace(0.5, -0.5, 12, dtype=F64).reshape(3, 4)
for name, t in [("ln_x", ln_x), ("ln_w4", ln_w4), ("ln_b4", ln_b4), ("ln_w34", ln_w34),
                ("ln_b34", ln_b34)]:
    ref(name, t)
value_and_grad("ln_last", lambda x, w, b: F.layer_norm(x, (4,), w, b), ln_x, ln_w4, ln_b4)
value_and_grad("ln_last2", lambda x, w, b: F.layer_norm(x, (3, 4), w, b, eps=1e-3), ln_x, ln_w34,
               ln_b34)
value_and_grad("ln_plain", lambda x: F.layer_norm(x, (4,)), ln_x)

section("BatchNorm1d: training steps, running statistics, eval, (N, C, L) input (float64)")
bn_x = torch.tensor([[0.5, -1.0, 2.0], [1.5, 3.0, -0.5], [-2.0, 1.0, 0.75], [1.0, 1.0, 1.5],
                     [0.0, 2.5, -1.25], [2.0, -0.5, 1.0]], dtype=F64)
bn_x2 = torch.tensor([[1.0, 0.5, -1.0], [-0.5, 2.0, 0.0], [3.0, -1.5, 2.5], [0.25, 0.0, 1.0]],
                     dtype=F64)
bn_w = torch.tensor([1.5, -0.5, 2.0], dtype=F64)
bn_b = torch.tensor([0.1, 0.2, -0.3], dtype=F64)
bn_proj = torch.linspace(-1.0, 1.5, 18, dtype=F64).reshape(6, 3)  # y * proj: a non-trivial loss
for name, t in [("bn_x", bn_x), ("bn_x2", bn_x2), ("bn_w", bn_w), ("bn_b", bn_b),
                ("bn_proj", bn_proj)]:
    ref(name, t)


def batch_norm_steps(prefix, bn, x, x2, proj):
    """Two training steps (values and gradients of the first), then eval on x."""
    xg = x.clone().requires_grad_()
    y = bn(xg)
    ref(f"{prefix}_train", y)
    gx, gw, gb = torch.autograd.grad((y * proj).sum(), [xg, bn.weight, bn.bias])
    ref(f"{prefix}_train_grad_x", gx)
    ref(f"{prefix}_train_grad_w", gw)
    ref(f"{prefix}_train_grad_b", gb)
    with torch.no_grad():
        bn(x2)
    ref(f"{prefix}_running_mean", bn.running_mean)
    ref(f"{prefix}_running_var", bn.running_var)
    ref(f"{prefix}_num_batches", bn.num_batches_tracked)
    bn.eval()
    xg = x.clone().requires_grad_()
    y = bn(xg)
    ref(f"{prefix}_eval", y)
    ref(f"{prefix}_eval_grad_x", torch.autograd.grad((y * proj).sum(), [xg])[0])


def bn_module(channels, **kw):
    bn = torch.nn.BatchNorm1d(channels, dtype=F64, **kw)
    with torch.no_grad():
        bn.weight.copy_(bn_w[:channels])
        bn.bias.copy_(bn_b[:channels])
    return bn


batch_norm_steps("bn", bn_module(3), bn_x, bn_x2, bn_proj)
batch_norm_steps("bn_cma", bn_module(3, momentum=None, eps=1e-3), bn_x, bn_x2, bn_proj)
bn_x3 = bn_x.reshape(3, 2, 3).clone()  # (N, C, L) = (3, 2, 3)
ref("bn_x3", bn_x3)
batch_norm_steps("bn3", bn_module(2, momentum=0.25), bn_x3, bn_x2.reshape(2, 2, 3),
                 bn_proj.reshape(3, 2, 3))
plain = torch.nn.BatchNorm1d(3, affine=False, track_running_stats=False, dtype=F64).eval()
ref("bn_untracked_eval", plain(bn_x))
_emit.text("bn_state_keys", ",".join(bn_module(3).state_dict().keys()))
_emit.text("bn_repr", repr(torch.nn.BatchNorm1d(3)))
_emit.text("bn_repr_cma", repr(torch.nn.BatchNorm1d(4, eps=1e-3, momentum=None, affine=False,
                                                      track_running_stats=False)))

section("nn.init: gains, and the std of PyTorch's own draws (the distributions kaon must match)")
ref("init_gains", torch.tensor([torch.nn.init.calculate_gain(n, p) for n, p in
                                [("linear", None), ("sigmoid", None), ("tanh", None),
                                 ("relu", None), ("leaky_relu", None), ("leaky_relu", 0.2),
                                 ("selu", None)]], dtype=F64))
torch.manual_seed(0)
w = torch.empty(500, 400, dtype=F64)
ref("init_kaiming_normal_std", torch.nn.init.kaiming_normal_(w, nonlinearity="relu").std())
ref("init_kaiming_normal_fan_out_std",
    torch.nn.init.kaiming_normal_(w, mode="fan_out", nonlinearity="relu").std())
ref("init_kaiming_uniform_std", torch.nn.init.kaiming_uniform_(w, a=0.2).std())
ref("init_xavier_normal_std", torch.nn.init.xavier_normal_(w, gain=2.0).std())
ref("init_orthogonal_std", torch.nn.init.orthogonal_(w).std())

section("linalg: solve, inv, det, cholesky (float64), one matrix and a batch of two")
la = torch.tensor([[4.0, 1.0, -2.0], [0.5, 3.0, 1.0], [-1.0, 2.0, 5.0]], dtype=F64)
lb = torch.tensor([[1.0, -2.0], [0.5, 3.0], [2.0, 1.0]], dtype=F64)
lv = torch.tensor([1.0, -1.0, 2.0], dtype=F64)
la_batch = torch.stack([la, la.T + torch.eye(3, dtype=F64)])
lb_batch = torch.stack([lb, lb * -0.5])
spd = la @ la.T + torch.eye(3, dtype=F64)
spd_batch = torch.stack([spd, la_batch[1] @ la_batch[1].T + 0.5 * torch.eye(3, dtype=F64)])
for name, t in [("la", la), ("lb", lb), ("lv", lv), ("la_batch", la_batch),
                ("lb_batch", lb_batch), ("spd", spd), ("spd_batch", spd_batch)]:
    ref(name, t)
value_and_grad("la_solve", torch.linalg.solve, la, lb)
value_and_grad("la_solve_vec", torch.linalg.solve, la, lv)
value_and_grad("la_solve_batch", torch.linalg.solve, la_batch, lb_batch)
value_and_grad("la_inv", torch.linalg.inv, la)
value_and_grad("la_inv_batch", torch.linalg.inv, la_batch)
value_and_grad("la_det", torch.linalg.det, la)
value_and_grad("la_det_batch", torch.linalg.det, la_batch)
# cholesky reads the lower triangle only; its gradient is PyTorch's symmetric one.
value_and_grad("la_chol", torch.linalg.cholesky, spd)
value_and_grad("la_chol_batch", torch.linalg.cholesky, spd_batch)

section("autograd.functional: jacobian and hessian (float64)")
jx = torch.tensor([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]], dtype=F64)
ref("fn_x", jx)
ref("fn_jacobian", torch.autograd.functional.jacobian(
    lambda x: torch.sin(x) * x.sum(1, keepdim=True), jx))
ref("fn_hessian", torch.autograd.functional.hessian(
    lambda x: (x ** 3).sum() + x[0, 0] * x[1, 2] + torch.exp(x).prod(), jx))

section("Indexing by int64 tensors and in-place writes (float64 [3, 5] from ord_x)")
ix = torch.tensor([[0, 2], [-1, 1]], dtype=torch.int64)
ref("ix_index", ix)
value_and_grad("ix_rows", lambda a: a[ix], o)
put = o.clone()
put[torch.tensor([2, 0])] = torch.tensor([[9.0, 8, 7, 6, 5], [-1, -2, -3, -4, -5]], dtype=F64)
ref("ix_put", put)
acc = o.clone()
acc.index_put_((torch.tensor([1, 1, 0]),), torch.tensor([1.0, 2.0, 3.0, 4.0, 5.0], dtype=F64),
               accumulate=True)
ref("ix_put_acc", acc)
rowmask = torch.tensor([True, False, True])
ref("ix_rowmask", rowmask)
mput = o.clone()
mput[rowmask] = torch.tensor([0.5, 1.5, 2.5, 3.5, 4.5], dtype=F64)
ref("ix_mask_put", mput)
elmask = o > 1.0
ref("ix_elmask", elmask)
ref("ix_masked_fill", o.clone().masked_fill_(elmask, -0.25))

section("DataFrame column statistics (pandas' skipna, ddof=1), with NumPy's nan-functions")
import csv  # noqa: E402

import numpy as np  # noqa: E402

with open(pathlib.Path(__file__).resolve().parent.parent / "examples" / "data" /
          "penguins.csv") as f:
    rows = list(csv.DictReader(f))
bill = np.array([float(r["bill_length_mm"]) if r["bill_length_mm"] != "NA" else np.nan
                 for r in rows])
present = bill[~np.isnan(bill)]
ref("col_bill_stats", torch.tensor([len(present), present.sum(), np.nanmean(bill),
                                    np.nanvar(bill, ddof=1), np.nanstd(bill, ddof=1),
                                    np.nanstd(bill, ddof=0), np.nanmin(bill), np.nanmax(bill),
                                    np.nanmedian(bill)], dtype=F64))
ref("col_bill_gt_45_count", torch.tensor(int((present > 45).sum())))
ref("col_bill_scaled_mean", torch.tensor(np.nanmean(bill * 2.5 - 1), dtype=F64))

section("LogisticRegression on the penguins (scikit-learn), standardised features")
# scikit-learn's lbfgs stops on its ftol criterion about 1e-5 short of the optimum (relative),
# whatever tol is. Each fit is therefore refined with Newton steps on scikit-learn's own objective
# (summed log-loss + ||W||^2 / (2 C), intercept unpenalised) until the gradient is below 1e-11;
# kaon is checked against that optimum closely and against scikit-learn's raw fit loosely.
from sklearn.linear_model import LogisticRegression  # noqa: E402

cols = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]
kept = [r for r in rows if all(r[c] != "NA" for c in cols)]
feats = np.array([[float(r[c]) for c in cols] for r in kept])
feats = (feats - feats.mean(0)) / feats.std(0)   # StandardScaler: population std
species = []
codes = np.array([species.index(r["species"]) if r["species"] in species
                  else species.append(r["species"]) or len(species) - 1 for r in kept])
ref("lr_n_rows", torch.tensor(len(kept)))


def refine(clf, X, y, C, fit_intercept):
    """Newton steps from clf's coefficients on scikit-learn's objective; (coef, intercept)."""
    n, nf = X.shape
    classes = np.unique(y)
    binary = len(classes) == 2
    rows_ = 1 if binary else len(classes)
    Xt = np.hstack([X, np.ones((n, 1))]) if fit_intercept else X
    width = Xt.shape[1]
    W = np.hstack([clf.coef_, clf.intercept_[:, None]]) if fit_intercept else clf.coef_.copy()
    w = W.ravel().astype(np.float64)
    for _ in range(50):
        W = w.reshape(rows_, width)
        Z = Xt @ W.T
        if binary:
            P = 1 / (1 + np.exp(-Z))                       # [n, 1]
            R = P - (y == classes[1])[:, None]
            S = [[P[:, 0] * (1 - P[:, 0])]]
        else:
            Z = Z - Z.max(1, keepdims=True)
            P = np.exp(Z)
            P /= P.sum(1, keepdims=True)
            R = P - np.eye(rows_)[np.searchsorted(classes, y)]
            S = [[(P[:, a] if a == b else 0) - P[:, a] * P[:, b] for b in range(rows_)]
                 for a in range(rows_)]
        G = R.T @ Xt
        G[:, :nf] += W[:, :nf] / C
        H = np.zeros((rows_ * width, rows_ * width))
        for a in range(rows_):
            for b in range(rows_):
                H[a * width:(a + 1) * width, b * width:(b + 1) * width] = (Xt * S[a][b][:, None]).T @ Xt
            H[a * width:a * width + nf, a * width:a * width + nf] += np.eye(nf) / C
        g = G.ravel()
        if np.abs(g).max() < 1e-11:
            break
        w = w - np.linalg.lstsq(H, g, rcond=None)[0]
    assert np.abs(g).max() < 1e-11
    W = w.reshape(rows_, width)
    return W[:, :nf], (W[:, nf] if fit_intercept else np.zeros(rows_))


def proba(coef, intercept, X):
    Z = X @ coef.T + intercept
    if coef.shape[0] == 1:
        p1 = 1 / (1 + np.exp(-Z[:, 0]))
        return np.stack([1 - p1, p1], 1)
    P = np.exp(Z - Z.max(1, keepdims=True))
    return P / P.sum(1, keepdims=True)


def ref_fit(tag, X, y, C=1.0, fit_intercept=True):
    clf = LogisticRegression(C=C, fit_intercept=fit_intercept).fit(X, y)
    ref(f"lr_{tag}_sklearn_coef", torch.tensor(clf.coef_, dtype=F64))
    coef, intercept = refine(clf, X, y, C, fit_intercept)
    p = proba(coef, intercept, X)
    ref(f"lr_{tag}_coef", torch.tensor(coef, dtype=F64))
    ref(f"lr_{tag}_intercept", torch.tensor(intercept, dtype=F64))
    ref(f"lr_{tag}_proba_head", torch.tensor(p[:5], dtype=F64))
    ref(f"lr_{tag}_score", torch.tensor((np.unique(y)[p.argmax(1)] == y).mean(), dtype=F64))


ref_fit("multi", feats, codes)
ref_fit("bin", feats[:, :2], (codes == 0).astype(np.int64), C=0.5)
ref_fit("noint", feats, codes, fit_intercept=False)

section("histogram: counts, weights, density, a range, custom edges")
hx = torch.tensor([0.3, -1.2, 2.5, 0.0, 1.1, 1.1, 4.0, -0.7, 3.3, 2.2, 9.0, -3.0], dtype=F64)
hw = torch.tensor([1.0, 0.5, -0.25, 2.0, 1.5, 0.5, 1.0, 3.0, -1.0, 0.75, 1.0, 2.0], dtype=F64)
hedges = torch.tensor([-2.0, -0.5, 0.0, 1.1, 3.0, 5.0], dtype=F64)
for name, t in [("h_x", hx), ("h_w", hw), ("h_edges", hedges)]:
    ref(name, t)
for name, r in [("h_bins5", torch.histogram(hx, 5)),
                ("h_range", torch.histogram(hx, 4, range=(-1.0, 3.0))),
                ("h_weighted", torch.histogram(hx, 4, range=(-1.0, 3.0), weight=hw)),
                ("h_density", torch.histogram(hx, 6, density=True)),
                ("h_custom", torch.histogram(hx, hedges, weight=hw)),
                ("h_custom_density", torch.histogram(hx, hedges, density=True)),
                ("h_f32", torch.histogram(hx.to(F32), 7)),
                ("h_const", torch.histogram(torch.full((3,), 2.0, dtype=F64), 4))]:
    ref(f"{name}_hist", r.hist)
    ref(f"{name}_edges", r.bin_edges)

section("LBFGS on a smooth convex function of 4 parameters: 4 steps of up to max_iter iterations")
lq_a = torch.tensor([[3.0, 0.5, 0.0, 0.2], [0.5, 2.0, 0.3, 0.0], [0.0, 0.3, 1.5, 0.1],
                     [0.2, 0.0, 0.1, 1.0]], dtype=F64)
lq_b = torch.tensor([1.0, -2.0, 0.5, 3.0], dtype=F64)
ref("lbfgs_a", lq_a)
ref("lbfgs_b", lq_b)


def smooth(p):
    return 0.5 * p @ (lq_a.to(p.dtype) @ p) - lq_b.to(p.dtype) @ p + 0.1 * (p ** 4).sum()


def lbfgs_run(dtype, **kwargs):
    p = torch.tensor([0.5, -1.0, 2.0, 0.0], dtype=dtype, requires_grad=True)
    opt = torch.optim.LBFGS([p], **kwargs)
    losses, params = [], []

    def closure():
        opt.zero_grad()
        loss = smooth(p)
        loss.backward()
        return loss
    for _ in range(4):
        losses.append(float(opt.step(closure)))
        params.append(p.detach().clone())
    state = opt.state[p]
    return (torch.tensor(losses, dtype=F64), torch.stack(params),
            torch.tensor([state["func_evals"], state["n_iter"]]))


for tag, dtype, kwargs in [("f64", F64, {"max_iter": 3}),
                           ("f64_hist2", F64, {"history_size": 2, "lr": 0.8, "max_iter": 4}),
                           ("f64_default", F64, {}), ("f32", F32, {"max_iter": 3})]:
    losses, params, counts = lbfgs_run(dtype, **kwargs)
    ref(f"lbfgs_{tag}_losses", losses)
    ref(f"lbfgs_{tag}_params", params)
    ref(f"lbfgs_{tag}_counts", counts)

def main():
    head = [
        "// SPDX-License-Identifier: MIT",
        f"// Generated by tools/gen_api_reference.py with PyTorch {torch.__version__}; do not edit.",
        "// Expected results of PyTorch for kaon's PyTorch-user API tests (tests/api/).",
        "// Floats are printed round-trip exact.",
        "#pragma once",
        '#include "reference/foundation_reference.hpp"  // kaon_ref::Ref',
        "",
        "namespace kaon_ref::api {",
    ]
    tail = ["", "}  // namespace kaon_ref::api", ""]
    _emit.write(OUT, head, tail)


if __name__ == "__main__":
    main()
