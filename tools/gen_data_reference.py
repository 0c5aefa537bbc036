"""Generate tests/reference/data_reference.hpp, expected numbers for kaon's data-science tests.

These cover the penguins CSV (row counts after dropping missing values, factorize codes),
ordinary least squares (sklearn LinearRegression and numpy.linalg.lstsq, including
rank-deficient and underdetermined systems), StandardScaler, PolynomialFeatures,
train_test_split sizes, regression metrics, classification metrics (accuracy, confusion
matrix, precision / recall / F1 for every `average`) and ROC curves. Every expected value
is computed here by scikit-learn / NumPy (float64 for real values, int64 for counts, labels
and codes); inputs are literals or drawn from numpy with a fixed seed, and in the latter
case they are written into the header too. Output is deterministic: rerunning gives a
byte-identical file (for the same scikit-learn, NumPy and PyTorch).

The header reuses kaon_ref::Ref from foundation_reference.hpp (which it includes) and puts
its own constants in namespace kaon_ref::data, so it can be included alongside the other
reference headers in one test binary.

Rerun from the repository root with Debian's Python (which has sklearn, numpy and torch):

    /usr/bin/python3 tools/gen_data_reference.py           # write the header
    /usr/bin/python3 tools/gen_data_reference.py --check   # exit 1 if it is out of date
"""

import argparse
import csv
import math
import pathlib
import sys
import warnings

import numpy as np
import sklearn
import torch
from sklearn import metrics
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import PolynomialFeatures, StandardScaler

from refgen import Emitter

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "reference" / "data_reference.hpp"
PENGUINS = ROOT / "examples" / "data" / "penguins.csv"

torch.set_num_threads(1)
# Precision / recall of a class that is never predicted (or never true) is 0/0; sklearn's
# default zero_division="warn" returns 0 and warns. We want the 0, not the warnings.
warnings.simplefilter("ignore", UndefinedMetricWarning)

_emit = Emitter("kaon_ref::Ref")
ref, text, section = _emit.ref, _emit.text, _emit.section


def f64(name, x):
    """Emit x (array-like or scalar; scalars become 0-d) as a float64 Ref."""
    ref(name, torch.tensor(np.asarray(x, dtype=np.float64)))


def i64(name, x):
    """Emit x (array-like or scalar; scalars become 0-d) as an int64 Ref."""
    ref(name, torch.tensor(np.asarray(x, dtype=np.int64)))


def factorize(values):
    """pandas.factorize codes: each distinct value numbered in order of first appearance."""
    first = {}
    return [first.setdefault(v, len(first)) for v in values], list(first)


# --------------------------------------------------------------------------------------
# 1. Penguins: csv-module read ("NA" and "" are missing, as in pandas.read_csv), dropna,
#    factorize, and sklearn.linear_model.LinearRegression fits of body mass.
section("1. Penguins CSV: dropna counts, factorize codes, LinearRegression(body_mass_g ~ ...)")
with PENGUINS.open(newline="", encoding="utf-8") as f:
    rows = [{k: (None if v in ("NA", "") else v) for k, v in r.items()} for r in csv.DictReader(f)]
full = [r for r in rows if all(v is not None for v in r.values())]
species, species_order = factorize([r["species"] for r in full])
sex, _ = factorize([r["sex"] for r in full])
assert species_order == ["Adelie", "Gentoo", "Chinstrap"], species_order
i64("penguins_rows", len(rows))
i64("penguins_rows_flipper_mass",
    sum(r["flipper_length_mm"] is not None and r["body_mass_g"] is not None for r in rows))
i64("penguins_rows_dropna", len(full))
i64("penguins_species_counts_dropna", [species.count(c) for c in range(len(species_order))])
i64("penguins_species_codes_dropna", species)
i64("penguins_adelie_chinstrap_rows",
    sum(r["species"] in ("Adelie", "Chinstrap") for r in full))
i64("penguins_sex_codes_dropna", sex)


def column(name):
    return np.array([float(r[name]) for r in full], dtype=np.float64)


flipper, depth, mass = column("flipper_length_mm"), column("bill_depth_mm"), column("body_mass_g")
x1 = flipper.reshape(-1, 1)
lr1 = LinearRegression().fit(x1, mass)
f64("lr1_coef", lr1.coef_)
f64("lr1_intercept", lr1.intercept_)
f64("lr1_r2", lr1.score(x1, mass))
f64("lr1_mse", metrics.mean_squared_error(mass, lr1.predict(x1)))
f64("lr1_predict_200", lr1.predict(np.array([[200.0]]))[0])
x2 = np.column_stack([flipper, depth])
lr2 = LinearRegression().fit(x2, mass)
f64("lr2_coef", lr2.coef_)
f64("lr2_intercept", lr2.intercept_)
f64("lr2_r2", lr2.score(x2, mass))
f64("lr2_mse", metrics.mean_squared_error(mass, lr2.predict(x2)))
# A 2-D target (333, 1) makes coef_ (1, 1) and intercept_ (1,).
lr1_2d = LinearRegression().fit(x1, mass.reshape(-1, 1))
assert lr1_2d.coef_.shape == (1, 1) and lr1_2d.intercept_.shape == (1,)
f64("lr1_2d_coef", lr1_2d.coef_)
f64("lr1_2d_intercept", lr1_2d.intercept_)

# --------------------------------------------------------------------------------------
# 2. numpy.linalg.lstsq(a, b, rcond=None): minimum-norm least-squares solutions.
section("2. numpy.linalg.lstsq(rcond=None): full rank, rank deficient, underdetermined")
rng = np.random.default_rng(2)
lstsq_a = rng.normal(size=(6, 3)).round(4)
lstsq_b = rng.normal(size=(6, 2)).round(4)
lstsq_b1 = rng.normal(size=6).round(4)
f64("lstsq_a", lstsq_a)
f64("lstsq_b", lstsq_b)
f64("lstsq_x", np.linalg.lstsq(lstsq_a, lstsq_b, rcond=None)[0])
f64("lstsq_b1", lstsq_b1)
f64("lstsq_x1", np.linalg.lstsq(lstsq_a, lstsq_b1, rcond=None)[0])


def rank_deficient_case(name, a, b, rank):
    """lstsq_<name>_a, _b, _x and _rank for a system numpy solves at rank `rank`."""
    x, _, r, _ = np.linalg.lstsq(a, b, rcond=None)
    assert r == rank
    f64(f"lstsq_{name}_a", a)
    f64(f"lstsq_{name}_b", b)
    f64(f"lstsq_{name}_x", x)
    i64(f"lstsq_{name}_rank", r)


# Third column = first + second exactly (small integers), so the rank is 2.
rd_ab = np.array([[1, 2], [3, -1], [0, 4], [2, 2], [-1, 3]], dtype=np.float64)
rank_deficient_case("rd", np.column_stack([rd_ab, rd_ab[:, 0] + rd_ab[:, 1]]),
                    np.array([1.0, -2.0, 3.5, 0.5, 2.0]), 2)
# Two equations, four unknowns: the minimum-norm exact solution.
lstsq_ud_a = rng.normal(size=(2, 4)).round(4)
lstsq_ud_b = rng.normal(size=2).round(4)
f64("lstsq_ud_a", lstsq_ud_a)
f64("lstsq_ud_b", lstsq_ud_b)
f64("lstsq_ud_x", np.linalg.lstsq(lstsq_ud_a, lstsq_ud_b, rcond=None)[0])
# Wide and rank deficient (row 3 = row 1 + row 2), two right-hand sides.
rng_wide = np.random.default_rng(3)
wide_rows = rng_wide.normal(size=(2, 5)).round(4)
rank_deficient_case("wide", np.vstack([wide_rows, wide_rows[0] + wide_rows[1]]),
                    rng_wide.normal(size=(3, 2)).round(4), 2)
# Ill-conditioned: a degree-8 polynomial fit (Vandermonde columns, condition number ~1e6).
vander_t = np.linspace(0.0, 1.0, 30)
lstsq_vander_a = np.vander(vander_t, 9)
lstsq_vander_b = np.sin(3.0 * vander_t) + 0.1 * np.cos(17.0 * vander_t)
vander_x, vander_res, vander_rank, vander_sv = np.linalg.lstsq(
    lstsq_vander_a, lstsq_vander_b, rcond=None)
assert vander_rank == 9
f64("lstsq_vander_a", lstsq_vander_a)
f64("lstsq_vander_b", lstsq_vander_b)
f64("lstsq_vander_x", vander_x)
f64("lstsq_vander_residuals", vander_res)
f64("lstsq_vander_cond", vander_sv[0] / vander_sv[-1])

# --------------------------------------------------------------------------------------
# 3. sklearn.preprocessing.StandardScaler: fit, transform, transform of new data, inverse.
section("3. StandardScaler: mean_, var_ (population), scale_ (0 -> 1), transform, inverse_transform")
scaler_x = np.array([
    [0.5, 1200.0, 5.0],
    [1.25, 950.0, 5.0],
    [-0.75, 1430.0, 5.0],
    [2.0, 1010.0, 5.0],
    [0.0, 875.0, 5.0],
    [1.5, 1320.0, 5.0],
    [-1.0, 1105.0, 5.0],
])
scaler_other = np.array([[1.0, 1000.0, 5.0], [-2.0, 1500.0, 7.0]])
scaler = StandardScaler().fit(scaler_x)
assert scaler.scale_[2] == 1.0
f64("scaler_x", scaler_x)
f64("scaler_mean", scaler.mean_)
f64("scaler_var", scaler.var_)
f64("scaler_scale", scaler.scale_)
f64("scaler_transformed", scaler.transform(scaler_x))
f64("scaler_other", scaler_other)
f64("scaler_other_transformed", scaler.transform(scaler_other))
f64("scaler_other_inverse", scaler.inverse_transform(scaler_other))

# --------------------------------------------------------------------------------------
# 4. sklearn.preprocessing.PolynomialFeatures(degree, include_bias).fit_transform.
section("4. PolynomialFeatures: fit_transform, sklearn's column order")
poly_x2 = np.array([[1.0, 2.0], [-0.5, 3.0], [2.0, -1.5], [0.0, 4.0]])
poly_x1 = np.array([[-2.0], [-0.5], [0.0], [1.5], [3.0]])
poly_x3 = np.array([[1.0, 2.0, 3.0], [-1.0, 0.5, 2.0], [0.25, -2.0, 1.5]])


def poly(x, degree, bias):
    return PolynomialFeatures(degree=degree, include_bias=bias).fit_transform(x)


f64("poly_x2", poly_x2)
f64("poly_x2_d2_bias", poly(poly_x2, 2, True))
f64("poly_x2_d3_nobias", poly(poly_x2, 3, False))
f64("poly_x1", poly_x1)
f64("poly_x1_d4_nobias", poly(poly_x1, 4, False))
f64("poly_x3", poly_x3)
f64("poly_x3_d2_bias", poly(poly_x3, 2, True))

# --------------------------------------------------------------------------------------
# 5. sklearn.model_selection.train_test_split(np.arange(n), test_size=t): the split sizes.
section("5. train_test_split sizes: rows [n, round(test_size * 1000), n_train, n_test]")
split_rows = []
for n, test_size in [(10, 0.2), (333, 0.2), (214, 0.25), (7, 0.5), (100, 0.33),
                     (378120, 0.2), (75624, 0.5)]:
    train, test = train_test_split(np.arange(n), test_size=test_size, random_state=0)
    split_rows.append([n, round(test_size * 1000), len(train), len(test)])
i64("split_cases", split_rows)

# --------------------------------------------------------------------------------------
# 6. sklearn.metrics r2_score, mean_squared_error, mean_absolute_error (1-D and 2-D).
section("6. Regression metrics: r2_score, mean_squared_error, mean_absolute_error")
reg_true = np.array([3.0, -0.5, 2.0, 7.0, 4.25, 1.0, -2.0, 5.5])
reg_pred = np.array([2.5, 0.0, 2.0, 8.0, 3.75, 1.5, -1.0, 5.0])
f64("reg_true", reg_true)
f64("reg_pred", reg_pred)
f64("reg_r2", metrics.r2_score(reg_true, reg_pred))
f64("reg_mse", metrics.mean_squared_error(reg_true, reg_pred))
f64("reg_mae", metrics.mean_absolute_error(reg_true, reg_pred))
reg2_true = np.array([[0.5, 1.0], [-1.0, 1.0], [7.0, -6.0], [2.0, 3.5], [1.5, 0.0], [4.0, 2.0]])
reg2_pred = np.array([[0.0, 2.0], [-1.0, 2.0], [8.0, -5.0], [2.5, 3.0], [1.0, 0.5], [3.0, 2.5]])
f64("reg2_true", reg2_true)
f64("reg2_pred", reg2_pred)
f64("reg2_r2", metrics.r2_score(reg2_true, reg2_pred, multioutput="uniform_average"))
f64("reg2_r2_raw", metrics.r2_score(reg2_true, reg2_pred, multioutput="raw_values"))
f64("reg2_mse", metrics.mean_squared_error(reg2_true, reg2_pred))

# --------------------------------------------------------------------------------------
# 7. sklearn.metrics accuracy_score, confusion_matrix, precision/recall/f1_score and
#    precision_recall_fscore_support (zero_division default: 0/0 gives 0).
section("7. Classification metrics: accuracy, confusion_matrix, precision / recall / F1")
bin_true = np.array([0, 1, 1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 1, 0, 0, 1, 0, 1, 1, 0])
bin_pred = np.array([0, 1, 0, 0, 1, 1, 1, 0, 1, 0, 0, 1, 1, 1, 0, 1, 0, 0, 1, 0])
i64("bin_true", bin_true)
i64("bin_pred", bin_pred)
f64("bin_accuracy", metrics.accuracy_score(bin_true, bin_pred))
i64("bin_confusion", metrics.confusion_matrix(bin_true, bin_pred))
for avg in ("binary", "macro", "weighted", "micro"):
    f64(f"bin_precision_{avg}", metrics.precision_score(bin_true, bin_pred, average=avg))
    f64(f"bin_recall_{avg}", metrics.recall_score(bin_true, bin_pred, average=avg))
    f64(f"bin_f1_{avg}", metrics.f1_score(bin_true, bin_pred, average=avg))
# True labels 0..2, predictions 0, 1, 3: class 2 is never predicted (precision 0/0) and
# class 3 never occurs in mc_true (recall 0/0, support 0). Labels = sorted union 0..3.
mc_true = np.array([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 0, 1, 1, 2, 2,
                    0, 1, 2, 0, 1, 0, 0, 1, 2, 2, 1, 0, 1, 2, 0])
mc_pred = np.array([0, 1, 0, 0, 0, 1, 3, 1, 3, 0, 1, 1, 1, 0, 1,
                    0, 3, 0, 0, 1, 0, 1, 1, 3, 1, 0, 0, 1, 0, 3])
assert not np.any((mc_true == 2) & (mc_pred == 2)) and 3 not in mc_true
i64("mc_true", mc_true)
i64("mc_pred", mc_pred)
f64("mc_accuracy", metrics.accuracy_score(mc_true, mc_pred))
i64("mc_confusion", metrics.confusion_matrix(mc_true, mc_pred))
for avg in ("macro", "weighted", "micro"):
    f64(f"mc_precision_{avg}", metrics.precision_score(mc_true, mc_pred, average=avg))
    f64(f"mc_recall_{avg}", metrics.recall_score(mc_true, mc_pred, average=avg))
    f64(f"mc_f1_{avg}", metrics.f1_score(mc_true, mc_pred, average=avg))
mc_p, mc_r, mc_f, mc_s = metrics.precision_recall_fscore_support(mc_true, mc_pred, average=None)
f64("mc_precision_none", mc_p)
f64("mc_recall_none", mc_r)
f64("mc_f1_none", mc_f)
i64("mc_support", mc_s)
# The notebook's check: 146 Adelie (0) then 68 Chinstrap (1), three of each misclassified.
nb_true = np.array([0] * 146 + [1] * 68)
nb_pred = nb_true.copy()
nb_pred[[10, 60, 120, 150, 180, 210]] ^= 1
nb_prf = metrics.precision_recall_fscore_support(nb_true, nb_pred, average="weighted")[:3]
i64("nb_confusion", metrics.confusion_matrix(nb_true, nb_pred))
f64("nb_weighted_prf", nb_prf)

# --------------------------------------------------------------------------------------
# 8. sklearn.metrics roc_curve (drop_intermediate True / False), roc_auc_score, auc.
#    sklearn 1.2.1 sets thresholds[0] = max(score) + 1 (finite; newer versions use inf).
section("8. ROC: roc_curve (thresholds[0] = max score + 1 in sklearn 1.2.1), roc_auc_score")
roc_true = np.array([0, 0, 1, 1, 0, 1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 0])
roc_score = np.array([0.1, 0.4, 0.35, 0.8, 0.4, 0.9, 0.2, 0.6,
                      0.6, 0.6, 0.3, 0.7, 0.1, 0.35, 0.5, 0.7])
fpr, tpr, thr = metrics.roc_curve(roc_true, roc_score)
fpr_all, tpr_all, thr_all = metrics.roc_curve(roc_true, roc_score, drop_intermediate=False)
roc_auc = metrics.roc_auc_score(roc_true, roc_score)
assert math.isclose(roc_auc, metrics.auc(fpr, tpr)) and thr[0] == roc_score.max() + 1
i64("roc_true", roc_true)
f64("roc_score", roc_score)
f64("roc_fpr", fpr)
f64("roc_tpr", tpr)
f64("roc_thresholds", thr)
f64("roc_fpr_all", fpr_all)
f64("roc_tpr_all", tpr_all)
f64("roc_thresholds_all", thr_all)
f64("roc_auc", roc_auc)
# Larger case: continuous (tie-free) scores, positives shifted up by 1.
rng = np.random.default_rng(8)
roc2_true = rng.integers(0, 2, size=200)
roc2_score = rng.normal(size=200) + roc2_true
fpr2, tpr2, thr2 = metrics.roc_curve(roc2_true, roc2_score)
i64("roc2_true", roc2_true)
f64("roc2_score", roc2_score)
f64("roc2_fpr", fpr2)
f64("roc2_tpr", tpr2)
f64("roc2_thresholds", thr2)
f64("roc2_auc", metrics.roc_auc_score(roc2_true, roc2_score))


# --------------------------------------------------------------------------------------
def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="regenerate in memory; exit 1 if the committed header differs")
    args = parser.parse_args()
    head = [
        "// SPDX-License-Identifier: MIT",
        f"// Generated by tools/gen_data_reference.py with scikit-learn {sklearn.__version__}, "
        f"NumPy {np.__version__}; do not edit.",
        "// Expected results computed by scikit-learn / NumPy (float64 values, int64 counts,",
        "// labels and codes) for kaon's data-science tests (penguins CSV, least squares,",
        "// preprocessing, train_test_split, metrics, ROC).",
        "// Floats are printed round-trip exact.",
        "#pragma once",
        '#include "reference/foundation_reference.hpp"  // kaon_ref::Ref',
        "",
        "namespace kaon_ref::data {",
    ]
    tail = ["", "}  // namespace kaon_ref::data", ""]
    if not args.check:
        _emit.write(OUT, head, tail)
        return 0
    # Same text Emitter.write would write, compared byte for byte with the committed file.
    fresh = "\n".join(head + _emit.lines + tail)
    current = OUT.read_text(encoding="utf-8") if OUT.exists() else None
    if current != fresh:
        print(f"{OUT} is out of date: rerun /usr/bin/python3 tools/gen_data_reference.py")
        return 1
    print(f"{OUT} is up to date ({len(_emit.names)} names)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
