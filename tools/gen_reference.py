"""Generate tests/reference/foundation_reference.hpp, the expected numbers for kaon's tests.

Every expected value in the header is computed here by PyTorch; the C++ Catch2 tests
compare kaon's results against them. Inputs are either small literal lists or drawn from
torch with a fixed seed, and in the latter case they are written into the header as well.
Output is deterministic: rerunning gives a byte-identical file (for the same PyTorch).

Rerun from the repository root with Debian's Python (which has torch and numpy):

    /usr/bin/python3 tools/gen_reference.py
"""

import pathlib

import torch

from refgen import Emitter

OUT = pathlib.Path(__file__).resolve().parent.parent / "tests" / "reference" / "foundation_reference.hpp"

_emit = Emitter("Ref")
ref, text, section = _emit.ref, _emit.text, _emit.section


# --------------------------------------------------------------------------------------
# A. Exercise-1 table
section("A. Exercise-1 table")
a = torch.tensor([1, 2, 3])
b = torch.tensor([4, 5, 6])
ref("ex1_a", a)
ref("ex1_b", b)
ref("ex1_add_scalar", a + 2)
ref("ex1_sub_scalar", a - 2)
ref("ex1_mul_scalar", a * 2)
ref("ex1_div_scalar", a / 2)
ref("ex1_add", a + b)
ref("ex1_sub", a - b)
ref("ex1_mul", a * b)
ref("ex1_div", a / b)
ref("ex1_pow", b ** a)
ref("ex1_sqrt", torch.sqrt(a))
ref("ex1_log", torch.log(a))
ref("ex1_cos", torch.cos(a))
ref("ex1_add_float_scalar", a + 0.5)
ref("ex1_gt", a > 1)
ref("ex1_eq", a == b - 3)
ref("ex1_stack0", torch.stack([a, b], 0))
ref("ex1_stack1", torch.stack([a, b], 1))
ref("ex1_cat", torch.cat([a, b]))
ref("ex1_reshape_col", a.reshape(-1, 1))
ref("ex1_mask_1d", a[a > 1])
m = torch.stack([a, b], 1)
ref("ex1_mask_rows", m[torch.tensor([True, False, True])])

# --------------------------------------------------------------------------------------
# B. Reductions
section("B. Reductions on a fixed float32 matrix")
torch.manual_seed(0)
X = (torch.randn(6, 4) * 10).round(decimals=2)
assert X.dtype == torch.float32
ref("red_x", X)
ref("red_min", X.min())
ref("red_max", X.max())
ref("red_mean", X.mean())
ref("red_sum", X.sum())
ref("red_argmax", X.argmax())
ref("red_argmin", X.argmin())
r = X.min(0)
ref("red_min0_values", r.values)
ref("red_min0_indices", r.indices)
r = X.max(0)
ref("red_max0_values", r.values)
ref("red_max0_indices", r.indices)
r = X.max(1)
ref("red_max1_values", r.values)
ref("red_max1_indices", r.indices)
ref("red_min1_keepdim_values", X.min(1, keepdim=True).values)
ref("red_sum1_keepdim", X.sum(1, keepdim=True))
ref("red_mean0", X.mean(0))
ref("red_std", X.std())
ref("red_std0", X.std(0))
ref("red_var1", X.var(1))
ref("red_var_correction0", X.var(0, correction=0))
ref("red_prod1", X.prod(1))
ref("red_norm", X.norm())
ref("red_norm1", torch.linalg.vector_norm(X, dim=1))
ref("red_zscore", (X - X.mean(0)) / X.std(0))
mn, mx = X.min(0).values, X.max(0).values
ref("red_minmax_scaled", 2 * (X - mn) / (mx - mn) - 1)
ref("red_argmax1", X.argmax(1))
ref("red_argmin0_keepdim", X.argmin(0, keepdim=True))
ref("red_all1", (X > -5).all(1))
ref("red_any0", (X > 15).any(0))
X64 = X.double()
ref("red_x64", X64)
ref("red_std0_64", X64.std(0))
ref("red_zscore_64", (X64 - X64.mean(0)) / X64.std(0))

# --------------------------------------------------------------------------------------
# C. Projectile broadcast (float32)
section("C. Projectile broadcast (float32)")
u0 = torch.linspace(1, 50, 100).reshape(-1, 1)
theta = torch.linspace(0.05, 1.5, 100).reshape(-1, 1)
t = torch.linspace(0, 5, 1000)
g = 9.81
x = u0 * torch.cos(theta) * t
y = u0 * torch.sin(theta) * t - 0.5 * g * t ** 2
assert tuple(x.shape) == (100, 1000) and tuple(y.shape) == (100, 1000)
ref("proj_t", t)
ref("proj_x_rowsum", x.sum(1))
ref("proj_y_rowsum", y.sum(1))
idx = torch.arange(0, x.numel(), 997)
ref("proj_sample_index", idx)
ref("proj_x_sample", x.reshape(-1)[idx])
ref("proj_y_sample", y.reshape(-1)[idx])
text("proj_x_shape", str(list(x.shape)))

# --------------------------------------------------------------------------------------
# D. Element-wise math (float64)
section("D. Element-wise math (float64)")
v = torch.linspace(-2, 2, 9, dtype=torch.float64)
w = torch.linspace(1.5, -1.5, 9, dtype=torch.float64)
ref("ew_v", v)
ref("ew_w", w)
ref("ew_exp", torch.exp(v))
ref("ew_log", torch.log(v.abs() + 0.5))
ref("ew_sqrt", torch.sqrt(v.abs()))
ref("ew_sin", torch.sin(v))
ref("ew_cos", torch.cos(v))
ref("ew_tan", torch.tan(v * 0.5))
ref("ew_tanh", torch.tanh(v))
ref("ew_sigmoid", torch.sigmoid(v))
ref("ew_relu", torch.relu(v))
ref("ew_abs", torch.abs(v))
ref("ew_round", torch.round(v * 1.25))  # halves round to even: -2.5 -> -2, 0.5 -> 0, 2.5 -> 2
# histc: values below, at and above the range; the top edge counts in the last bin.
hx = torch.tensor([-0.5, 0.0, 0.05, 0.1, 0.33, 0.5, 0.51, 0.75, 0.999, 1.0, 1.5, 0.2, 0.2],
                  dtype=torch.float64)
ref("histc_x", hx)
ref("histc_10", torch.histc(hx, 10, 0, 1))
ref("histc_auto", torch.histc(hx, 7))
ref("ew_neg", -v)
ref("ew_clamp", v.clamp(-1, 0.5))
ref("ew_clamp_min", v.clamp(min=0.25))
ref("ew_pow2", v ** 2)
ref("ew_pow_tensor", (v.abs() + 0.5) ** w)
ref("ew_maximum", torch.maximum(v, w))
ref("ew_minimum", torch.minimum(v, w))
ref("ew_where", torch.where(v > w, v, w * 10))
ref("ew_div", v / (w + 0.1))
ref("ew_lt", v < w)
ref("ew_le", v <= 0)
ref("ew_ne", v != w)
ref("ew_logical_and", (v > -1) & (v < 1))
ref("ew_logical_or", (v < -1) | (v > 1))
ref("ew_logical_not", ~(v > 0))

# --------------------------------------------------------------------------------------
# E. Broadcasting and type promotion
section("E. Broadcasting and type promotion")
bc_a = torch.arange(6, dtype=torch.float32).reshape(2, 3, 1)
bc_b = torch.tensor([10., 20., 30., 40.])
ref("bc_a", bc_a)
ref("bc_b", bc_b)
ref("bc_add", bc_a + bc_b)
ref("bc_mul_t", bc_a.transpose(0, 1) * bc_b)
ref("bc_int_plus_float", torch.tensor([1, 2, 3]) + torch.tensor([0.5, 0.25, 0.125], dtype=torch.float64))
ref("bc_bool_plus_int", torch.tensor([True, False]) + torch.tensor([3, 4]))
ref("bc_int_div_int", torch.tensor([7, -7]) / torch.tensor([2, 2]))
# Rows longer than kaon's 256-element chunks: a broadcast column whose value changes per row,
# and an in-place add into a transposed (strided) tensor.
bc_col = torch.tensor([[1.5], [-2.0], [0.25]])
bc_row = torch.arange(600, dtype=torch.float32) / 7
ref("bc_col", bc_col)
ref("bc_row", bc_row)
ref("bc_wide", bc_col * bc_row - bc_col)
bc_into = torch.zeros(4, 300).t()
bc_into += bc_row[:300].reshape(300, 1) * torch.tensor([1.0, -1.0, 2.0, 0.5])
ref("bc_into_t", bc_into)
# Column sums and means over 70 columns (kaon reduces 32 columns at a time).
bc_cols = (torch.arange(7 * 70, dtype=torch.float32) % 11 - 5).reshape(7, 70) / 4
ref("bc_cols", bc_cols)
ref("bc_cols_sum0", bc_cols.sum(0))
ref("bc_cols_mean0", bc_cols.mean(0))
# 150 columns: wider than kaon sums in one pass over the rows (128), so blocks of 32, 16, ...
bc_cols_wide = (torch.arange(9 * 150, dtype=torch.float32) % 13 - 6).reshape(9, 150) / 8
ref("bc_cols_wide", bc_cols_wide)
ref("bc_cols_wide_sum0", bc_cols_wide.sum(0))

# --------------------------------------------------------------------------------------
# F. Shapes and indexing
section("F. Shapes and indexing")
s = torch.arange(24, dtype=torch.float32).reshape(2, 3, 4)
ref("sh_s", s)
ref("sh_permute", s.permute(2, 0, 1))
ref("sh_transpose", s.transpose(0, 2))
ref("sh_slice", s[:, 1:3, ::2])
ref("sh_select", s[1])
ref("sh_select_last", s.select(2, -1))
ref("sh_index_select", s.index_select(1, torch.tensor([2, 0])))
ref("sh_masked_select", s.masked_select(s % 5 == 0))
ref("sh_expand", torch.tensor([[1.], [2.]]).expand(2, 3))
ref("sh_flatten", s.flatten(1))
ref("sh_squeeze", torch.zeros(1, 3, 1).squeeze())
ref("sh_unsqueeze", s[0].unsqueeze(1))
ref("sh_cat1", torch.cat([s, s * 2], 1))
ref("sh_stack2", torch.stack([s[0], s[1]], 2))

# --------------------------------------------------------------------------------------
# G. Matmul (float64)
section("G. Matmul (float64)")
mm_a = torch.arange(6, dtype=torch.float64).reshape(2, 3) / 3
mm_b = torch.arange(12, dtype=torch.float64).reshape(3, 4) / 7 - 0.5
ref("mm_a", mm_a)
ref("mm_b", mm_b)
ref("mm_ab", mm_a @ mm_b)
mm_batch_a = torch.arange(12, dtype=torch.float64).reshape(2, 2, 3)
ref("mm_batch_a", mm_batch_a)
ref("mm_batched", mm_batch_a @ mm_b)
mm_bcast_a = torch.arange(24, dtype=torch.float64).reshape(2, 1, 3, 4)
mm_bcast_b = torch.arange(12, dtype=torch.float64).reshape(3, 4, 1) / 5
ref("mm_bcast_a", mm_bcast_a)
ref("mm_bcast_b", mm_bcast_b)
ref("mm_bcast", mm_bcast_a @ mm_bcast_b)
ref("mm_vec_mat", torch.tensor([1., 2., 3.], dtype=torch.float64) @ mm_b)
ref("mm_mat_vec", mm_a @ torch.tensor([1., -1., 2.], dtype=torch.float64))
ref("mm_dot", torch.tensor([1., 2., 3.], dtype=torch.float64) @ torch.tensor([4., 5., 6.], dtype=torch.float64))
# addmm: the bias broadcast over rows, an inner dimension of 1 (an outer product), beta/alpha.
ref("mm_addmm", torch.addmm(torch.tensor([1.0, -2.0, 0.5, 3.0], dtype=torch.float64), mm_a, mm_b))
mm_col = torch.tensor([[2.0], [-1.0], [0.5]], dtype=torch.float64)
mm_row = torch.tensor([[0.25, -4.0]], dtype=torch.float64)
ref("mm_col", mm_col)
ref("mm_row", mm_row)
ref("mm_addmm_outer", torch.addmm(torch.tensor([10.0, 20.0], dtype=torch.float64), mm_col, mm_row))
ref("mm_addmm_outer_colbias", torch.addmm(torch.tensor([[1.0], [2.0], [3.0]], dtype=torch.float64),
                                          mm_col, mm_row))
ref("mm_addmm_scaled", torch.addmm(torch.ones(2, 4, dtype=torch.float64), mm_a, mm_b,
                                   beta=0.5, alpha=2.0))
# Matrix-vector products of the shapes a small linear layer makes (kaon computes them without
# Eigen): one output column with 2..4 dense input features, one output of a transposed matrix
# (the columns are dense), one output row, and 1..4 outputs over a long inner dimension.
torch.manual_seed(3)
mv_rows = torch.randn(13, 4, dtype=torch.float64)
mv_long = torch.randn(41, 9, dtype=torch.float64)
mv_vec = torch.randn(41, 1, dtype=torch.float64)
ref("mv_rows", mv_rows)
ref("mv_long", mv_long)
ref("mv_vec", mv_vec)
for k in (2, 3, 4):
    ref(f"mv_short_rows{k}", mv_rows[:, :k] @ mv_vec[:k])
ref("mv_dense_cols", mv_long.t() @ mv_vec)
ref("mv_row", mv_vec.t() @ mv_long)
for m in (1, 2, 3, 4):
    ref(f"mv_few_rows{m}", mv_long[:, :m].t() @ mv_vec)
ref("mv_addmm_bias", torch.addmm(mv_rows[:9, 0:1], mv_long.t(), mv_vec))
ref("mv_addmm_scaled", torch.addmm(mv_rows[:3, 0:1], mv_long[:, :3].t(), mv_vec, beta=0.5, alpha=2.0))
# Broadcasts of one value per row against rows shared by every row (a linear layer of one
# input feature and its outer-product gradient): 17 rows, widths 50 (three AVX-512 vectors and
# two more) and 29.
torch.manual_seed(4)
sr_x = torch.randn(17, 1, dtype=torch.float64)
sr_w = torch.randn(1, 50, dtype=torch.float64)
sr_b = torch.randn(50, dtype=torch.float64)
ref("sr_x", sr_x)
ref("sr_w", sr_w)
ref("sr_b", sr_b)
for n in (50, 29):
    ref(f"sr_addmm{n}", torch.addmm(sr_b[:n], sr_x, sr_w[:, :n]))
    ref(f"sr_addmm_relu{n}", torch.relu(torch.addmm(sr_b[:n], sr_x, sr_w[:, :n])))
    ref(f"sr_outer{n}", sr_x @ sr_w[:, :n])
# Narrower rows on the first 5 rows: 17 and 16 floats (a vector and one more, exactly one) and
# 3, where a row padded to a whole vector reaches past several rows.
for n in (17, 16, 3):
    ref(f"sr5_addmm{n}", torch.addmm(sr_b[:n], sr_x[:5], sr_w[:, :n]))
    ref(f"sr5_addmm_relu{n}", torch.relu(torch.addmm(sr_b[:n], sr_x[:5], sr_w[:, :n])))
    ref(f"sr5_outer{n}", sr_x[:5] @ sr_w[:, :n])

# --------------------------------------------------------------------------------------
# H. Factories
section("H. Factories")
ref("fac_arange", torch.arange(2, 11, 3))
ref("fac_arange_float", torch.arange(0, 1, 0.25))
ref("fac_linspace", torch.linspace(0, 5, 11))
ref("fac_linspace_f64", torch.linspace(-1, 1, 7, dtype=torch.float64))
ref("fac_eye", torch.eye(3, 4))

# --------------------------------------------------------------------------------------
# I. Printing (str(tensor) with PyTorch's default print options)
section("I. Printing: str(tensor) with default print options")
torch.set_printoptions(profile="default")
text("print_int_1d", str(torch.tensor([1, 2, 3])))
text("print_int_neg", str(torch.tensor([[-10, 2], [3, 400]])))
text("print_float_1d", str(torch.tensor([1.0, 2.5, -3.25])))
text("print_float_int_valued", str(torch.tensor([1., 2., 30.])))
text("print_float_2d", str(torch.tensor([[1.5, -2.25], [3.125, 4.0]])))
text("print_float_3d", str(torch.arange(12, dtype=torch.float32).reshape(2, 3, 2) / 4))
text("print_float_sci", str(torch.tensor([1.0e-5, 2.5, 3.0e6])))
text("print_float_big", str(torch.tensor([123456789.0, 1.5])))
text("print_bool", str(torch.tensor([True, False, True])))
text("print_bool_2d", str(torch.tensor([[True], [False]])))
text("print_0d_float", str(torch.tensor(3.5)))
text("print_0d_int", str(torch.tensor(7)))
text("print_0d_bool", str(torch.tensor(True)))
text("print_double", str(torch.tensor([1.5, 2.0], dtype=torch.float64)))
text("print_empty", str(torch.zeros(0)))
text("print_long_1d", str(torch.arange(2000)))
text("print_long_2d", str(torch.arange(3000, dtype=torch.float32).reshape(1000, 3)))
text("print_nan_inf", str(torch.tensor([float("nan"), float("inf"), -float("inf"), 1.5])))
text("print_negzero_small", str(torch.tensor([-0.0001, 0.5])))


# --------------------------------------------------------------------------------------
def main():
    head = [
        "// SPDX-License-Identifier: MIT",
        f"// Generated by tools/gen_reference.py with PyTorch {torch.__version__}; do not edit.",
        "// Expected results computed by PyTorch for kaon's Catch2 tests.",
        "// Floats are printed round-trip exact; float32 results are exact as doubles.",
        "#pragma once",
        "#include <cstdint>",
        "#include <string>",
        "#include <vector>",
        "",
        "namespace kaon_ref {",
        "",
        "struct Ref {",
        "  std::vector<std::int64_t> shape;   // PyTorch result shape ([] for 0-d)",
        "  std::vector<double> values;        // result flattened in row-major order (bools as 0/1, ints exact)",
        "  const char* dtype;                 // \"float32\", \"float64\", \"int64\" or \"bool\" (PyTorch's result dtype)",
        "};",
    ]
    tail = ["", "}  // namespace kaon_ref", ""]
    _emit.write(OUT, head, tail)


if __name__ == "__main__":
    main()
