import sys

try:
    from .cli import main
except ModuleNotFoundError as exc:  # run with a Python that lacks the project's packages
    sys.exit(f"error: {exc}; run ./scripts/run.sh once (it installs them into .venv/), then use .venv/bin/python -m assistant")

sys.exit(main())
