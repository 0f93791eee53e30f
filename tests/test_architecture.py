"""The package's shape, checked from its source (docs/architecture.md): no import cycle, small
modules, adapters that use only the public API, and FAISS behind `vectors.VectorIndex`."""
from __future__ import annotations

import ast

from assistant.config import PROJECT_ROOT

PACKAGE = PROJECT_ROOT / "assistant"
MAX_MODULE_LINES = 400
# The CLI, the JSON API and the UI: they reach search and build through `assistant` itself.
ADAPTERS = ("assistant.cli", "assistant.api", "assistant.ui")
# What adapters may import besides the package root: configuration, errors, and the modules
# that exist to present answers or guard the server.
ADAPTER_MAY_IMPORT = {
    "assistant",
    "assistant.config",
    "assistant.errors",
    "assistant.language",
    "assistant.termsafe",
    "assistant.render",
    "assistant.webrender",
    "assistant.guard",
    "assistant.server",
    "assistant.evaluate",
    "assistant.bench",
    "assistant.wiki",
    "assistant.wiki.links",
    "assistant.ui",
    "assistant.sessions",  # the chat page's server-side sessions (presentation state)
    "assistant.scopes",  # the filter choices the page and /api/scopes list (presentation)
    "assistant.apischema",  # the JSON API's response bodies, as /docs describes them (presentation)
    "assistant.fairshare",  # the API's searches shared fairly between clients (serving)
    *ADAPTERS,
}


def _modules() -> dict[str, ast.Module]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PROJECT_ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = (path, ast.parse(path.read_text(encoding="utf-8")))
    return out


MODULES = _modules()


def _imported(module: str, node: ast.AST) -> set[str]:
    """Package modules an import statement of `module` names (a name imported from a package
    counts as its submodule when one exists, else as the package)."""
    path, _ = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    if isinstance(node, ast.Import):
        targets = [a.name for a in node.names]
    elif node.level:
        base = package
        for _ in range(node.level - 1):
            base = base.rpartition(".")[0]
        base = f"{base}.{node.module}" if node.module else base
        targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names]
    else:
        base = node.module or ""
        targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names]
    return {t for t in targets if t in MODULES and t != module}


def _imports(module: str) -> set[str]:
    """Every package module `module` imports, at the top or inside a function."""
    _, tree = MODULES[module]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found |= _imported(module, node)
    return found


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on_stack, out = {}, {}, [], set(), []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in graph:
        if v not in index:
            visit(v)
    return out


def test_no_import_cycle_in_the_package():
    # Imports inside functions count too: a lazy import still ties two modules together.
    graph = {m: _imports(m) for m in MODULES}
    assert _cycles(graph) == []


def test_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_module_is_over_400_lines():
    long = {m: n for m, (p, _) in MODULES.items() if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}
    assert long == {}


def test_adapters_import_only_the_public_api():
    for adapter in ADAPTERS:
        assert _imports(adapter) <= ADAPTER_MAY_IMPORT, adapter


def test_faiss_is_imported_only_behind_the_vector_index():
    users = {m for m, (_, tree) in MODULES.items() for node in ast.walk(tree)
             if isinstance(node, ast.Import) and any(a.name == "faiss" for a in node.names)
             or isinstance(node, ast.ImportFrom) and node.module == "faiss"}
    assert users == {"assistant.vectors"}


def test_tests_read_their_cases_from_the_repo():
    """A clone not placed next to ../shared still runs every test: the cases the tests use are
    copied into tests/cases/. Only eval sets (../shared/eval) may stay outside, and a test that
    reads one skips, naming the folder, when it is absent."""
    import re

    outside_cases = re.compile(r"""parent\s*/\s*["']shared["']\s*/\s*["']cases["']""")
    outside_eval = re.compile(r"""parent\s*/\s*["']shared["']\s*/\s*["']eval["']""")
    for path in sorted((PROJECT_ROOT / "tests").glob("*.py")):
        source = path.read_text(encoding="utf-8")
        assert not outside_cases.search(source), f"{path.name} reads ../shared/cases: copy the case into tests/cases/"
        if outside_eval.search(source):
            assert "pytest.skip(" in source, f"{path.name} reads ../shared/eval without skipping when it is absent"
