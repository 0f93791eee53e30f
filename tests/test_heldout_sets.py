"""The held-out sets' own checkers (tests/heldoutNN/check.py, stdlib only): every gold line
still exists and is an answer line, every link and #anchor resolves under the engine's id
rules, every no-answer question's grep still finds nothing. An edit of a set's notes that
moved its gold lines would otherwise skew every evaluation run on it without a word."""
import subprocess
import sys
from pathlib import Path

import pytest

SETS = sorted(p.parent for p in Path(__file__).parent.glob("heldout*/check.py"))


@pytest.mark.slow
@pytest.mark.parametrize("folder", SETS, ids=[p.name for p in SETS])
def test_a_held_out_set_passes_its_own_checks(folder):
    done = subprocess.run([sys.executable, "check.py"], cwd=folder, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.rstrip().endswith("OK"), done.stdout[-2000:] + done.stderr[-2000:]


def test_the_checked_sets_are_found():
    assert len(SETS) >= 4  # heldout19..22 ship a check.py
