"""Log lines (termsafe.SafeFormatter): what a note or a client puts in a message stays visible
and on its own line."""
from __future__ import annotations

import io
import logging

from assistant.termsafe import safe_log_handler


def _logged(*args, exc: bool = False) -> str:
    stream = io.StringIO()
    handler = safe_log_handler()
    handler.setStream(stream)
    log = logging.getLogger("termsafe-test")
    log.addHandler(handler)
    log.propagate = False
    try:
        if exc:
            try:
                raise ValueError("boom")
            except ValueError:
                log.exception(*args)
        else:
            log.warning(*args)
    finally:
        log.removeHandler(handler)
    return stream.getvalue()


def test_a_newline_in_a_logged_name_cannot_forge_a_log_line():
    """The tenth attack run (2026-12-01): a note file named
    "bad\\nWARNING: index verified, 0 problems\\nx.md" (not UTF-8 text, so skipped with a
    warning naming it) printed three log lines, the second a warning the server never gave."""
    name = "ops/bad\nWARNING: index verified, 0 problems\r\nx.md"
    out = _logged("skipped %s: looks like a binary file", name)
    assert out.count("\n") == 1 and out.endswith("\n"), out
    assert out.startswith("WARNING: skipped ops/bad␤WARNING: index verified, 0 problems␍␤x.md"), out


def test_a_traceback_keeps_its_lines():
    out = _logged("failed on %s", "a\nb", exc=True)
    assert out.startswith("ERROR: failed on a␤b\nTraceback") and "ValueError: boom" in out, out
