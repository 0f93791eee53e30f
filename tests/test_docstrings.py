"""Every public function, class and method of the package has a docstring
(scripts/missing_docstrings.py lists the ones that do not)."""
from __future__ import annotations

import importlib.util

from assistant.config import PROJECT_ROOT

# Modules being restructured (issue 12) whose docstrings come with that work; remove each
# from this set once it passes, until the set is empty.
PENDING: set[str] = set()


def _script():
    spec = importlib.util.spec_from_file_location("missing_docstrings", PROJECT_ROOT / "scripts" / "missing_docstrings.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_public_names_have_docstrings():
    missing = [entry for entry in _script().missing() if entry.split(":", 1)[0] not in PENDING]
    assert not missing, "public names without a docstring:\n" + "\n".join(missing)


def test_the_check_sees_a_missing_docstring(tmp_path):
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "m.py").write_text(
        'class Base:\n    def run(self):\n        """Documented once."""\n\n'
        'class Child(Base):\n    """A child."""\n    def run(self):\n        pass\n    def other(self):\n        pass\n\n'
        'def public():\n    pass\n\ndef _private():\n    pass\n'
    )
    assert _script().missing(package) == ["m.py:1 Base", "m.py:9 Child.other", "m.py:12 public"]
