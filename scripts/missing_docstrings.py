"""List the package's public names that have no docstring.

    python scripts/missing_docstrings.py [--count]

Public: a module-level function or class, or a method of a public class, whose name does not
start with '_' (dunder methods are left out: their meaning is Python's). Read with `ast`, so
nothing is imported. tests/test_docstrings.py holds the package to it.
"""
from __future__ import annotations

import ast
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "assistant"


KINDS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def _documented_methods(classes: dict[str, ast.ClassDef], name: str, seen: frozenset = frozenset()) -> set[str]:
    """Methods documented by a class or by its bases defined in the same module: an override
    keeps its base's meaning (inspect.getdoc inherits docstrings the same way)."""
    node = classes.get(name)
    if node is None or name in seen:
        return set()
    own = {m.name for m in node.body if isinstance(m, KINDS) and ast.get_docstring(m) is not None}
    for base in node.bases:
        if isinstance(base, ast.Name):
            own |= _documented_methods(classes, base.id, seen | {name})
    return own


def public_names(path: Path) -> list[tuple[str, int, bool]]:
    """(qualified name, line, has a docstring) for every public function, class and method."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    classes = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}
    found = []
    for node in tree.body:
        if not isinstance(node, KINDS) or node.name.startswith("_"):
            continue
        found.append((node.name, node.lineno, ast.get_docstring(node) is not None))
        if isinstance(node, ast.ClassDef):
            documented = _documented_methods(classes, node.name)
            for member in node.body:
                if isinstance(member, KINDS) and not member.name.startswith("_"):
                    found.append((f"{node.name}.{member.name}", member.lineno, member.name in documented))
    return found


def missing(package: Path = PACKAGE) -> list[str]:
    """'module.py:line name' for every public name without a docstring, in file order."""
    out = []
    for path in sorted(package.rglob("*.py")):
        rel = path.relative_to(package).as_posix()
        out += [f"{rel}:{line} {name}" for name, line, documented in public_names(path) if not documented]
    return out


def main(argv: list[str]) -> int:
    names = missing()
    total = sum(len(public_names(p)) for p in PACKAGE.rglob("*.py"))
    if "--count" not in argv:
        print("\n".join(names))
    print(f"{len(names)} of {total} public names have no docstring", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
