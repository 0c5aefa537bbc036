# SPDX-License-Identifier: MIT
"""NumPy-side fixtures and checks for kaon::io (tests/io/npy_test.cpp).

    /usr/bin/python3 tools/gen_npy_fixtures.py --write tests/data/io
        writes .npy/.npz files with numpy.save / numpy.savez / numpy.savez_compressed, which the
        C++ test loads with kaon::io and compares against the same literal numbers.

    KAON_IO_CHECK_DIR=/tmp/kaon-io-check build/tests/kaon_tests "[io]"
    /usr/bin/python3 tools/gen_npy_fixtures.py --check /tmp/kaon-io-check
        loads every file kaon wrote into that directory with numpy.load and asserts that it holds
        exactly the expected arrays (same dtype, shape and bits).

The arrays are typed in below once and serve both directions: the fixture f32.npy and the
kaon-written kaon_f32.npy hold the same values.
"""

import argparse
import pathlib
import sys
import zipfile

import numpy as np

# ---- The expected arrays (inputs, typed in) -------------------------------------------------

F32 = np.array([[1.5, -2.25, 3.0], [0.0, 0.1, -77500.0]], dtype="<f4")
F64 = np.array([0.1, -2.5, 3.141592653589793, 1.0e10, -0.0], dtype="<f8")
I64 = np.array([[1, -2], [3, 4000000000], [-9223372036854775808, 9223372036854775807]], dtype="<i8")
BOOL = np.array([[True, False, True], [False, False, True]], dtype="|b1")
I32 = np.array([[-1, 2, 2147483647], [-2147483648, 0, 5]], dtype="<i4")
U8 = np.array([0, 1, 200, 255], dtype="|u1")
SCALAR = np.array(2.5, dtype="<f8")
EMPTY = np.zeros((0, 3), dtype="<f4")
NPZ_WEIGHT = np.array(
    [[0.5, -1.0, 2.0], [0.25, 0.0, -0.75], [1.0, 1.5, -2.5], [3.0, -0.125, 0.375]], dtype="<f4"
)
NPZ_BIAS = np.array([0.1, -0.2, 0.3, -0.4], dtype="<f4")
# Rejected by kaon: column-major and big-endian data.
FORTRAN = np.asfortranarray(np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], dtype="<f4"))
BIG_ENDIAN = np.array([1.0, -2.0, 0.5], dtype=">f8")

# Fixture file -> what numpy writes into it.
NPY_FIXTURES = {
    "f32.npy": F32,
    "f64.npy": F64,
    "i64.npy": I64,
    "bool.npy": BOOL,
    "i32.npy": I32,
    "u8.npy": U8,
    "scalar.npy": SCALAR,
    "empty.npy": EMPTY,
    "fortran.npy": FORTRAN,
    "big_endian.npy": BIG_ENDIAN,
}
NPZ_FIXTURES = {
    "weights.npz": (np.savez, {"weight": NPZ_WEIGHT, "bias": NPZ_BIAS}),
    "compressed.npz": (np.savez_compressed, {"weight": NPZ_WEIGHT, "bias": NPZ_BIAS}),
    # One archive of every dtype kaon reads (io::load_npz_mixed keeps each).
    "mixed.npz": (np.savez, {"features": F32, "weight": F64, "event": I64, "passed": BOOL,
                             "run": I32, "flags": U8}),
}

# File kaon writes (tests/io/npy_test.cpp) -> the array (or arrays, in order) it must hold.
KAON_FILES = {
    "kaon_f32.npy": F32,
    "kaon_f64.npy": F64,
    "kaon_i64.npy": I64,
    "kaon_bool.npy": BOOL,
    "kaon_scalar.npy": SCALAR,
    "kaon_empty.npy": EMPTY,
    "kaon_f32_transposed.npy": F32.T,
    "kaon_weights.npz": {"weight": NPZ_WEIGHT, "bias": NPZ_BIAS},
    # mixed.npz read by load_npz_mixed and written back: int32 and uint8 come back as int64.
    "kaon_mixed.npz": {"features": F32, "weight": F64, "event": I64, "passed": BOOL,
                       "run": I32.astype("<i8"), "flags": U8.astype("<i8")},
    # A StateDict: its float entries, then its int64 buffer.
    "kaon_state.npz": {"weight": NPZ_WEIGHT, "bias": NPZ_BIAS,
                       "num_batches_tracked": np.array(7, dtype="<i8")},
}


def write(out_dir):
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, array in NPY_FIXTURES.items():
        np.save(out_dir / name, array)
    for name, (save, arrays) in NPZ_FIXTURES.items():
        save(out_dir / name, **arrays)
    (out_dir / "README.md").write_text(
        "These files were written by `/usr/bin/python3 tools/gen_npy_fixtures.py --write "
        f"tests/data/io` with NumPy {np.__version__}; the arrays are typed in that script and "
        "in tests/io/npy_test.cpp.\n"
    )
    print(f"wrote {len(NPY_FIXTURES) + len(NPZ_FIXTURES)} fixtures to {out_dir}")


def same(got, want, label):
    """Exact equality of dtype, shape and bits (so -0.0 and 0.0 differ)."""
    assert got.dtype == want.dtype, f"{label}: dtype {got.dtype}, expected {want.dtype}"
    assert got.shape == want.shape, f"{label}: shape {got.shape}, expected {want.shape}"
    assert np.ascontiguousarray(got).tobytes() == np.ascontiguousarray(want).tobytes(), (
        f"{label}: values\n{got}\nexpected\n{want}"
    )


def check(in_dir):
    found = sorted(p.name for p in in_dir.iterdir() if p.suffix in (".npy", ".npz"))
    unknown = sorted(set(found) - set(KAON_FILES))
    missing = sorted(set(KAON_FILES) - set(found))
    assert not unknown, f"files with no expected values: {unknown}"
    assert not missing, f"kaon did not write: {missing}"
    for name, want in KAON_FILES.items():
        path = in_dir / name
        if isinstance(want, dict):
            with zipfile.ZipFile(path) as archive:
                assert archive.testzip() is None, f"{name}: a member fails its CRC"
            with np.load(path) as npz:
                members = list(want)
                assert npz.files == members, f"{name}: members {npz.files}, expected {members}"
                for key, array in want.items():
                    same(npz[key], array, f"{name}[{key}]")
        else:
            same(np.load(path), want, name)
        print(f"ok  {name}")
    print(f"all {len(KAON_FILES)} kaon-written files match")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--write", metavar="DIR", type=pathlib.Path, help="write the fixtures")
    group.add_argument("--check", metavar="DIR", type=pathlib.Path, help="check kaon's files")
    args = parser.parse_args()
    if args.write:
        write(args.write)
    else:
        check(args.check)


if __name__ == "__main__":
    sys.exit(main())
