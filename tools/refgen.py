"""Shared writer for the generated reference headers under tests/reference/.

Each generator script computes expected values with PyTorch and hands them to an Emitter,
which writes C++ constants: `Ref` records (shape, row-major values as exact doubles, dtype)
and string literals. Output is deterministic, so rerunning a script gives a byte-identical
header for the same PyTorch.
"""

import math

import torch

DTYPES = {
    torch.float32: "float32",
    torch.float64: "float64",
    torch.int64: "int64",
    torch.bool: "bool",
}


def _num(v):
    f = float(v)
    assert math.isfinite(f), "non-finite values are not supported in Refs"
    return repr(f)


def _cstr(s):
    return s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")


class Emitter:
    """Collects constants for one header; `ref_type` is the C++ name of the Ref struct."""

    def __init__(self, ref_type="Ref"):
        self.ref_type = ref_type
        self.lines = []
        self.names = []

    def _claim(self, name):
        assert name.isidentifier(), name
        assert name not in self.names, f"duplicate name {name}"
        self.names.append(name)

    def ref(self, name, t):
        """Emit one Ref: shape, row-major values (as exact doubles) and dtype of tensor t."""
        self._claim(name)
        t = torch.as_tensor(t).detach().cpu()
        dtype = DTYPES[t.dtype]
        flat = t.contiguous().reshape(-1).tolist()
        if t.dtype == torch.int64:
            assert all(abs(v) < 2**53 for v in flat), name
        if t.dtype == torch.bool:
            flat = [1 if v else 0 for v in flat]
        shape = ", ".join(str(int(d)) for d in t.shape)
        # Wrap long value lists, 8 per line, to keep the header readable.
        vals = [_num(v) for v in flat]
        if len(vals) <= 8:
            body = ", ".join(vals)
        else:
            chunks = [", ".join(vals[i:i + 8]) for i in range(0, len(vals), 8)]
            body = "\n    " + ",\n    ".join(chunks) + "\n"
        self.lines.append(
            f'inline const {self.ref_type} {name} = {{{{{shape}}}, {{{body}}}, "{dtype}"}};')

    def text(self, name, s):
        """Emit a string constant (one adjacent C++ literal per line of s)."""
        self._claim(name)
        parts = s.split("\n")
        pieces = [_cstr(p + "\n") for p in parts[:-1]] + [_cstr(parts[-1])]
        pieces = [p for p in pieces if p] or [""]
        if len(pieces) == 1:
            self.lines.append(f'inline const char* const {name} = "{pieces[0]}";')
        else:
            body = "\n    ".join(f'"{p}"' for p in pieces)
            self.lines.append(f"inline const char* const {name} =\n    {body};")

    def section(self, title):
        self.lines.append("")
        self.lines.append(f"// ---- {title} ----")

    def write(self, path, head, tail):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(head + self.lines + tail), encoding="utf-8")
        print(f"wrote {path} ({path.stat().st_size} bytes, {len(self.names)} names)")
