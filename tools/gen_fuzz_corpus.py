# SPDX-License-Identifier: MIT
"""Seed corpora of kaon's fuzz targets (tests/fuzz/corpus/<target>/), written with NumPy:

    cd /tmp && /usr/bin/python3 /work/main/tools/gen_fuzz_corpus.py /work/main/tests/fuzz/corpus

csv/         small CSV files: typed columns, RFC 4180 quoting, NA tokens, values an int64 column
             refuses (inf, 1e300), a ragged row, another delimiter's file
npy/         numpy.save of every dtype kaon reads (and two it refuses), format 1.0 and 2.0
npz/         numpy.savez archives, one compressed (refused), one with a nested member name
state_dict/  numpy.savez checkpoints in the layout of kaon's state dicts: a Linear-BatchNorm1d-
             Linear model (with the int64 buffer num_batches_tracked), an Adam state, a
             scheduler state, a DataLoader position, and some with wrong shapes or keys

The HDF5 seeds (hdf5/) come from tools/fuzz_hdf5_seeds.cpp. The files are small: a fuzzer
mutates them, so each shows a format's structure, not realistic data.
"""

import io
import pathlib
import sys
import zipfile

import numpy as np


def npy_bytes(array, version=None):
    buf = io.BytesIO()
    if version is None:
        np.save(buf, array)
    else:
        np.lib.format.write_array(buf, array, version=version)
    return buf.getvalue()


def npz_bytes(arrays, compressed=False):
    buf = io.BytesIO()
    (np.savez_compressed if compressed else np.savez)(buf, **arrays)
    return buf.getvalue()


def write(folder, name, data):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data if isinstance(data, bytes) else data.encode())


def csv_seeds(out):
    write(out, "numbers.csv", "a,b,c\n1,2.5,-3\n4,5e-3,6\n7,,9\n")
    write(out, "penguins.csv",
          "species,island,bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g,sex,year\n"
          "Adelie,Torgersen,39.1,18.7,181,3750,male,2007\n"
          "Adelie,Torgersen,NA,NA,NA,NA,NA,2007\n"
          "Gentoo,Biscoe,46.1,13.2,211,4500,female,2007\n")
    write(out, "quoted.csv", 'name,text,x\n"a ""b""","line\nbreak",1\n"c,d",plain,2\n')
    write(out, "na_tokens.csv", "x,y\nNaN,1\nnull,2\n#N/A,3\n-1.#IND,4\n<NA>,5\n")
    write(out, "int_overflow.csv", "big,inf\n1e300,inf\n9223372036854775807,-inf\n")
    write(out, "ragged.csv", "a,b\n1,2\n3\n4,5,6\n")
    write(out, "crlf.csv", "a,b\r\n1,2\r\n3,4\r\n")
    write(out, "header_only.csv", "only,a,header\n")
    write(out, "semicolon.csv", "a;b\n1;2\n")


def npy_seeds(out):
    write(out, "f32.npy", npy_bytes(np.array([[1.5, -2.0], [0.25, 3.0]], dtype="<f4")))
    write(out, "f64.npy", npy_bytes(np.array([0.1, -2.5, 1e10], dtype="<f8")))
    write(out, "i64.npy", npy_bytes(np.array([[1, -2], [3, 2**62]], dtype="<i8")))
    write(out, "i32.npy", npy_bytes(np.array([-1, 2, 2**31 - 1], dtype="<i4")))
    write(out, "u8.npy", npy_bytes(np.array([0, 200, 255], dtype="|u1")))
    write(out, "bool.npy", npy_bytes(np.array([True, False, True], dtype="|b1")))
    write(out, "scalar.npy", npy_bytes(np.array(2.5, dtype="<f8")))
    write(out, "empty.npy", npy_bytes(np.zeros((0, 3), dtype="<f4")))
    write(out, "v2.npy", npy_bytes(np.arange(6, dtype="<f4").reshape(2, 3), version=(2, 0)))
    write(out, "fortran.npy", npy_bytes(np.asfortranarray(np.ones((2, 3), dtype="<f4"))))
    write(out, "big_endian.npy", npy_bytes(np.array([1.0, -2.0], dtype=">f8")))


def npz_seeds(out):
    write(out, "two.npz", npz_bytes({"weight": np.ones((2, 3), dtype="<f4"),
                                     "bias": np.zeros(2, dtype="<f4")}))
    write(out, "mixed.npz", npz_bytes({"x": np.ones(3, dtype="<f8"), "n": np.arange(3),
                                       "m": np.array([True, False])}))
    write(out, "nested.npz", npz_bytes({"block/0.weight": np.ones((1, 1), dtype="<f4")}))
    write(out, "empty.npz", npz_bytes({}))
    write(out, "compressed.npz", npz_bytes({"x": np.ones(4, dtype="<f4")}, compressed=True))


def model_state():
    return {
        "0.weight": np.full((4, 3), 0.5, dtype="<f4"), "0.bias": np.zeros(4, dtype="<f4"),
        "1.weight": np.ones(4, dtype="<f4"), "1.bias": np.zeros(4, dtype="<f4"),
        "1.running_mean": np.zeros(4, dtype="<f4"), "1.running_var": np.ones(4, dtype="<f4"),
        "1.num_batches_tracked": np.array(3, dtype="<i8"),
        "2.weight": np.full((2, 4), -0.25, dtype="<f4"), "2.bias": np.zeros(2, dtype="<f4"),
    }


def adam_state():
    shapes = [(4, 3), (4,), (2, 4), (2,)]
    state = {}
    for i, shape in enumerate(shapes):
        state[f"state.{i}.step"] = np.array(5.0, dtype="<f4")
        state[f"state.{i}.exp_avg"] = np.full(shape, 0.01, dtype="<f4")
        state[f"state.{i}.exp_avg_sq"] = np.full(shape, 1e-4, dtype="<f4")
    state["lr"] = np.array(0.1, dtype="<f4")
    return state


def state_dict_seeds(out):
    write(out, "model.npz", npz_bytes(model_state()))
    write(out, "adam.npz", npz_bytes(adam_state()))
    sgd = {f"state.{i}.momentum_buffer": np.ones(s, dtype="<f4")
           for i, s in enumerate([(4, 3), (4,), (2, 4), (2,)])}
    sgd["lr"] = np.array(0.05, dtype="<f4")
    write(out, "sgd.npz", npz_bytes(sgd))
    write(out, "step_lr.npz", npz_bytes({"last_epoch": np.array(4.0),
                                         "base_lrs": np.array([0.1])}))
    write(out, "loader.npz", npz_bytes({"batches": np.array(1), "order": np.array([3, 0, 4, 1, 2]),
                                        "offset": np.array(0)}))
    wrong = adam_state()
    wrong["state.0.exp_avg"] = np.zeros(5, dtype="<f4")
    write(out, "adam_wrong_shape.npz", npz_bytes(wrong))
    write(out, "bad_keys.npz", npz_bytes({"state.x.step": np.array(1.0, dtype="<f4"),
                                          "lr": np.array(-5.0, dtype="<f4")}))


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    root = pathlib.Path(sys.argv[1])
    csv_seeds(root / "csv")
    npy_seeds(root / "npy")
    npz_seeds(root / "npz")
    state_dict_seeds(root / "state_dict")


if __name__ == "__main__":
    main()
