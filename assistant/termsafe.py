"""Text for a terminal: notes are untrusted, so no control character of theirs is printed.

An ESC in a note could write the clipboard (OSC 52), disguise a link (OSC 8), hide text or
retitle the window. `terminal_safe` makes every control character visible; `json_text` keeps
JSON output exact while escaping what `ensure_ascii=False` would pass raw (C1 controls, DEL,
line/paragraph separators, bidi controls). Standard library only: the CLI imports it at once.
"""
from __future__ import annotations

import json
import logging
import re

# C0 (but \t and \n), DEL, C1, and the bidi embedding/override/isolate controls (they make a
# terminal show text in another order than it is, e.g. a disguised file name).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# In JSON the same, plus U+2028/2029 (line breaks to JavaScript); only ever inside strings.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _visible(match: re.Match) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # Unicode control pictures: ESC -> U+241B
    if code == 0x7F:
        return "\u2421"
    return f"<U+{code:04X}>"


def terminal_safe(text: str) -> str:
    """`text` with every control character except tab and newline replaced by a visible
    stand-in (C0 by its control picture, e.g. ESC -> U+241B; DEL -> U+2421; C1 and bidi
    controls by `<U+009B>`), so printing it cannot drive the terminal."""
    return _UNSAFE.sub(_visible, text)


def json_text(obj, **kwargs) -> str:
    """json.dumps(obj, ensure_ascii=False) with C1/DEL/U+2028/U+2029/bidi controls written as
    \\uXXXX escapes: the same JSON value, and no raw control byte reaches a terminal."""
    text = json.dumps(obj, ensure_ascii=False, **kwargs)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class SafeFormatter(logging.Formatter):
    """Log lines name notes and quote their text (and a server logs what clients send):
    every line goes through terminal_safe, so no control character reaches the terminal, and
    a record's message stays one line: a newline in it (a note file named
    "x\nWARNING: index verified.md") is shown as U+2424, so it cannot forge a log line of its
    own. A traceback, added after the message, keeps its lines."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        """The message part (format string and arguments) with each newline shown as U+2424."""
        return super().formatMessage(record).replace("\n", "\u2424")

    def format(self, record: logging.LogRecord) -> str:
        """The record formatted as usual, then made terminal-safe (terminal_safe)."""
        return terminal_safe(super().format(record))


class SafeStream:
    """A text stream (sys.stdout, sys.stderr) whose writes go through terminal_safe: for
    what libraries print() or write directly while a server runs (Gradio prints a client's
    event inputs and tracebacks). Everything else is the wrapped stream's."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text: str) -> int:
        """Write `text` made terminal-safe; returns len(text), as the caller wrote it."""
        self._stream.write(terminal_safe(text))
        return len(text)

    def __getattr__(self, name):
        return getattr(self._stream, name)


def safe_log_handler(level: int = logging.WARNING) -> logging.Handler:
    """A stderr handler at `level` with SafeFormatter ("LEVEL: message"). The level sits on
    the handler too: libraries that set their own logger to DEBUG (bm25s does) would
    otherwise print debug lines through the root handler."""
    handler = logging.StreamHandler()
    handler.setLevel(level)
    handler.setFormatter(SafeFormatter("%(levelname)s: %(message)s"))
    return handler
