"""Hostile or broken files in the notes folder: each is skipped with a warning naming it,
and everything else is indexed. tests/test_notes.py covers the plain cases (Latin-1, a PNG,
a symlink out of the corpus); this file puts every kind in one corpus and builds it.

Raw HTML and <script> in a note are shown inert in the UI: tests/test_ui_browser.py
(test_raw_html_in_notes_is_neutralised, test_html_in_notes_never_executes).
"""
from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant import notes as notes_module
from assistant import store
from assistant.build import build_index
from assistant.chunking import chunk_note
from assistant.config import from_env
from assistant.embedding import HashEmbedder
from assistant.notes import MAX_NOTE_BYTES, load_notes, parse_note, read_note
from assistant.retrieve import Searcher
from test_chunking import assert_chunk_invariants

GOOD = "# Good\n\n## Amazon SQS\n\n- The visibility timeout defaults to 30 seconds.\n"


def hostile_corpus(root: Path) -> tuple[Path, dict[str, str]]:
    """A corpus of two good notes and one file of every bad kind; returns it and
    {shown file name: the word its warning must contain}."""
    corpus = root / "corpus"
    (corpus / "sub").mkdir(parents=True)
    (corpus / "good.md").write_text(GOOD, encoding="utf-8")
    (corpus / "sub" / "also-good.markdown").write_text("# Also\n\nLambda runs for at most 900 seconds.\n")
    (corpus / "empty.md").write_bytes(b"")  # a note without text: indexed as nothing, no error
    (corpus / "latin1.md").write_bytes("# Café\n\nrésumé\n".encode("latin-1"))
    (corpus / "binary.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + os.urandom(512))
    with open(corpus / "huge-sparse.md", "wb") as f:  # 50 MB, sparse: instant to create
        f.truncate(50 * 2**20)
    (corpus / "just-over.md").write_bytes(b"# Big\n\n" + b"x" * MAX_NOTE_BYTES)
    (root / "secret.md").write_text("# Secret\n\ndo not index me\n")
    (corpus / "outside-link.md").symlink_to(root / "secret.md")
    (corpus / "outside-dir").symlink_to(root, target_is_directory=True)  # not followed at all
    (corpus / "loop.md").symlink_to("loop.md")
    (corpus / "dangling.md").symlink_to("missing.md")
    os.mkfifo(corpus / "fifo.md")
    (corpus / "denied.md").write_text("# Denied\n\nunreadable\n")
    (corpus / os.fsdecode(b"bad-name-\xff.md")).write_text("# Bad name\n\ntext\n")
    (corpus / "folder.md").mkdir()  # a directory with a note suffix is a folder like any other
    (corpus / "folder.md" / "inner.md").write_text("# Inner\n\nnested note text\n")
    expected = {
        "latin1.md": "UTF-8",
        "binary.md": "binary",
        "huge-sparse.md": "larger than 5 MB",
        "just-over.md": "larger than 5 MB",
        # Notes are opened with O_NOFOLLOW (issue 11, symlink-race): no symlink is read.
        "outside-link.md": "symbolic link",
        "loop.md": "symbolic link",
        "dangling.md": "symbolic link",
        "fifo.md": "not a regular file",
        "denied.md": "Permission denied",
        "bad-name-\ufffd.md": "not valid UTF-8",
    }
    return corpus, expected


@pytest.fixture
def deny_denied_md(monkeypatch):
    """Tests run as root, which ignores `chmod 000`; so a PermissionError is injected for
    files named denied.md at every way notes.py could open them."""
    real_open, real_read_bytes, real_os_open = open, Path.read_bytes, os.open

    def guarded_os_open(file, *args, **kwargs):
        if Path(os.fsdecode(file)).name == "denied.md":
            raise PermissionError(13, "Permission denied", str(file))
        return real_os_open(file, *args, **kwargs)

    def guarded_open(file, *args, **kwargs):
        if Path(os.fsdecode(file)).name == "denied.md":
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    def guarded_read_bytes(self):
        if self.name == "denied.md":
            raise PermissionError(13, "Permission denied", str(self))
        return real_read_bytes(self)

    monkeypatch.setattr(notes_module, "open", guarded_open, raising=False)
    monkeypatch.setattr(Path, "read_bytes", guarded_read_bytes)
    monkeypatch.setattr(os, "open", guarded_os_open)


def _in_thread(fn, timeout: float = 20.0):
    """Run fn in a daemon thread: a FIFO opened for reading would block the test forever."""
    result: dict = {}

    def run():
        try:
            result["value"] = fn()
        except BaseException as exc:  # re-raised in the test below
            result["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout)
    assert not thread.is_alive(), "reading the notes blocked (a FIFO or device was opened?)"
    if "error" in result:
        raise result["error"]
    return result["value"]


def test_every_bad_file_is_skipped_with_a_warning_naming_it(tmp_path, caplog, deny_denied_md):
    corpus, expected = hostile_corpus(tmp_path)

    with caplog.at_level(logging.WARNING, logger="assistant.notes"):
        notes = _in_thread(lambda: load_notes(corpus))

    assert sorted(n.source for n in notes) == ["empty.md", "folder.md/inner.md", "good.md", "sub/also-good.markdown"]
    messages = [r.getMessage() for r in caplog.records]
    for name, reason in expected.items():
        assert any(name in m and reason in m for m in messages), (name, reason, messages)
    assert len(messages) == len(expected), messages  # one warning each, nothing about good files


def test_hostile_corpus_builds_and_answers(tmp_path, deny_denied_md):
    corpus, _ = hostile_corpus(tmp_path)
    settings = from_env({}, corpus_dir=corpus, index_dir=tmp_path / "index", model="fake-hash")

    report = _in_thread(lambda: build_index(settings, HashEmbedder(), progress=False))

    assert report.status == "built" and report.n_notes == 4
    index = store.load(settings.index_dir)
    assert {c.source for c in index.chunks} == {"good.md", "folder.md/inner.md", "sub/also-good.markdown"}
    assert not any("do not index me" in c.text for c in index.chunks)
    hits = Searcher(settings, HashEmbedder()).search("visibility timeout", 1).hits
    assert hits[0].chunk.source == "good.md"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_real_unreadable_file_is_skipped(tmp_path, caplog):
    (tmp_path / "ok.md").write_text(GOOD)
    (tmp_path / "locked.md").write_text(GOOD)
    (tmp_path / "locked.md").chmod(0)

    with caplog.at_level(logging.WARNING, logger="assistant.notes"):
        assert [n.source for n in load_notes(tmp_path)] == ["ok.md"]
    assert "locked.md" in caplog.text


def test_a_note_growing_past_the_limit_after_stat_is_still_refused(tmp_path, monkeypatch, caplog):
    """The size check is on the bytes read, not only on stat(): a file that grows while
    the build reads it cannot make the build read 50 MB."""
    (tmp_path / "grows.md").write_bytes(b"# G\n\n" + b"y" * (MAX_NOTE_BYTES + 10))
    real_stat = Path.stat

    def small_stat(self, *args, **kwargs):
        result = real_stat(self, *args, **kwargs)
        return os.stat_result((*result[:6], 10, *result[7:]))  # st_size = 10

    monkeypatch.setattr(Path, "stat", small_stat)
    with caplog.at_level(logging.WARNING, logger="assistant.notes"):
        assert read_note(tmp_path / "grows.md", tmp_path) is None
    assert "grows.md" in caplog.text and "larger than" in caplog.text


# ----------------------------------------------------------------------------- odd but valid content

ODD_NOTES = {
    "very-long-line": "# T\n\n" + "あ" * 1_000_000 + "\n",
    "long-ascii-word": "# T\n\n" + "a" * 2_000_000 + "\n",
    "deep-blockquote": "# T\n\n" + "> " * 5000 + "x\n",
    "deep-list": "# T\n\n" + "".join("  " * i + "- x\n" for i in range(400)),
    "unclosed-brackets": "# T\n\n" + "[" * 20_000 + "\n",
    "hash-line": "#" * 100_000 + "\n",
    "many-headings": "".join(f"## h{i}\n\ntext {i}\n\n" for i in range(2000)),
    "control-chars": "# T\x07\x1b[31m\n\n\x01\x02 text \u202e\u200b\ufeff\n",
    "unterminated-fence-and-front-matter": "---\ntitle: [x\n---\n# T\n\n```\n# not a heading\n",
}


@pytest.mark.parametrize("name", ODD_NOTES)
def test_odd_content_parses_and_chunks_within_limits(name):
    note = parse_note(ODD_NOTES[name], f"{name}.md")

    assert_chunk_invariants(note, chunk_note(note))


# ----------------------------------------------------------------------------- properties

_ANY_CHAR = st.characters(blacklist_categories=("Cs",))  # NULs, controls, RTL marks, emoji included
_LINE = st.one_of(
    st.text(_ANY_CHAR, max_size=80),
    st.builds(lambda c, n: c * n, st.sampled_from(["a", "あ", "#", "`", "-", " ", "\x00", "🚀"]), st.integers(500, 5000)),
    st.sampled_from(["# H", "## H", "```", "---", "- item", "  - nested", "{% raw %}", "", "\t"]),
)


@settings(deadline=None, max_examples=120, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=st.lists(_LINE, max_size=40), newline=st.sampled_from(["\n", "\r\n", "\r"]),
       max_lines=st.integers(1, 40), max_tokens=st.integers(10, 400))
def test_property_any_unicode_with_long_lines_never_crashes(lines, newline, max_lines, max_tokens):
    note = parse_note(newline.join(lines), "prop.md")

    assert_chunk_invariants(note, chunk_note(note, max_lines, max_tokens), max_lines, max_tokens)


@settings(deadline=None, max_examples=150, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(st.binary(max_size=300), st.text(_ANY_CHAR, max_size=300).map(lambda t: t.encode("utf-8"))))
def test_property_any_bytes_read_as_a_note_or_skipped(tmp_path, data):
    (tmp_path / "any.md").write_bytes(data)

    note = read_note(tmp_path / "any.md", tmp_path)

    if note is not None:
        assert b"\x00" not in data
        assert_chunk_invariants(note, chunk_note(note))


# ----------------------------------------------------------------------------- work per byte

# Lines shaped against the parsers a build runs (markdown-it's link labels, the Liquid and
# link patterns): each took time quadratic in its length, the Liquid line exponential in its
# tags (22 tags and a word: 2.9 s; 40 would take days). A build of all of them took > 1 h.
PATHOLOGICAL_LINES = {
    "brackets": "[" * 200_000,
    "image openers": "![" * 100_000,
    "empty links, never closed": "[](" * 60_000,
    "footnote openers": "[^" * 100_000,
    "Liquid tag openers": "{%" * 100_000,
    "Liquid output openers": "{{" * 100_000,
    "Liquid tags and a word": "{% a %}" * 40 + " x",
}


# Lines shaped against the patterns an index's loading runs on every content line (rowkeys'
# "- key: value" item), and a chat question against the reply-language reader: an attack
# (2026-12-05) loaded a 2 MB note of "- " + 1,996 spaces + "ab" lines in 227 s a server start
# (1.2 s a line), and "ロールバック" + "(" x 60,000 took 2 s to tell its language.
LOADED_LINES = {"spaces after a bullet": "- " + " " * 1996 + "ab", "ideographic spaces": "1." + "\u3000" * 1996 + "ab",
                "tabs after a middle dot": "・" + "\t" * 1996 + "ab"}


# Builds the corpus with the hash embedder; `s` holds its settings.
_BUILD = (
    "import sys; from pathlib import Path; from assistant.build import build_index; "
    "from assistant.config import from_env; from assistant.embedding import HashEmbedder; "
    "s = from_env({}, corpus_dir=Path(sys.argv[1]), index_dir=Path(sys.argv[2]), model='fake-hash'); "
)


def _in_a_child(tmp_path, notes: dict[str, str], script: str) -> subprocess.CompletedProcess:
    """GOOD and `notes` (file name -> text) as a corpus, then `_BUILD + script` run over it in
    a child process within 180 s: a regex holds the interpreter lock, so a thread could not
    be timed out."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.md").write_text(GOOD, encoding="utf-8")
    for name, text in notes.items():
        (corpus / name).write_text(text, encoding="utf-8")
    return subprocess.run([sys.executable, "-c", _BUILD + script, str(corpus), str(tmp_path / "index")],
                          capture_output=True, text=True, timeout=180, cwd=Path(__file__).parent.parent)


@pytest.mark.slow
def test_pathological_lines_load_and_questions_read_in_linear_time(tmp_path):
    # ~15 s here; the quadratic pattern took 1.2 s a line: 18 min for these 900.
    done = _in_a_child(tmp_path, {f"shape-{i}.md": f"# {shape}\n\n" + "\n".join([line] * 300) + "\n"
                                  for i, (shape, line) in enumerate(LOADED_LINES.items())},
                       "build_index(s, HashEmbedder(), progress=False); "
                       "from assistant.retrieve import Searcher; from assistant.language import reply_language; "
                       "searcher = Searcher(s, HashEmbedder()); "
                       "print(reply_language('ロールバック' + '(' * 60000), reply_language('x' + '「' * 60000), "
                       "bool(searcher.search('How do I roll back?').hits))")

    assert done.returncode == 0 and done.stdout.split() == ["ja", "en", "True"], done.stderr[-2000:]


@pytest.mark.slow
def test_pathological_lines_build_in_time_linear_in_their_length(tmp_path):
    # ~10 s here with the linear parsers (2 loaded cores); the quadratic ones took hours.
    done = _in_a_child(tmp_path, {f"shape-{i}.md": f"# {shape}\n\n## {line[:3000]}\n\n{line}\n"
                                  for i, (shape, line) in enumerate(PATHOLOGICAL_LINES.items())},
                       "print(build_index(s, HashEmbedder(), progress=False).status)")

    assert done.returncode == 0 and done.stdout.strip() == "built", done.stderr[-2000:]
