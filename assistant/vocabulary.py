"""The words of the notes, and whether they know a name a question mentions (questionnames.py).

Names count as known when the notes write them in another form: plurals, spacing ("Route 53" /
"Route53"), parts of combined tokens ("Windows/Mac"), full-width letters (NFKC), a typo one
edit away. Languages and countries, which English capitalises by grammar, are known when the notes
write them in either language (CLDR's names, via babel: 日本語), and names the notes write in
Japanese (Tokyo / 東京) through their romaji (cutlet).
"""
from __future__ import annotations

import functools
import re
import threading
import unicodedata
from typing import Iterable

from .language import JAPANESE_CHARS, JAPANESE_RUN
from .lines import is_placeholder
from .textnorm import match_form

# A leading "/" is kept: a path such as /tmp is a name even in lower case.
TOKEN = re.compile(r"/?[A-Za-z0-9][A-Za-z0-9_.\-/]*[A-Za-z0-9]|[A-Za-z0-9]")
# English words that are never a name, capitalised or not (noanswer.py adds the words that
# carry no topic to them).
FUNCTION_WORDS = frozenset(
    "what how which when where why who whom whose can could is are was were does do did if i a an the "
    "my our your in on of to for and or with by from at it its this that these those there be as any much many "
    "per should would they their team we you after before above below between while during using use "
    # everyday words English writes in capitals ("Is it OK to ...")
    "ok okay".split()
)
_SERVICE_PREFIXES = ("aws", "amazon")


def _tokens(text: str) -> list[str]:
    return TOKEN.findall(match_form(text))  # NBSP/U+3000 separate words; full-width ASCII folds


def normalize(text: str) -> str:
    """NFKC: full-width letters and digits (ＡＷＳ, ２４) read as their ASCII forms."""
    return unicodedata.normalize("NFKC", text)


MIN_TYPO_LETTERS = 5  # shorter words have too many one-edit neighbours to call one a typo


def one_edits(word: str) -> Iterable[str]:
    """The lowercase letter words one edit from `word` that keep its first letter: a letter
    deleted, two neighbours swapped, a letter replaced or inserted (Damerau-Levenshtein 1)."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    for i in range(1, len(word) + 1):
        head, tail = word[:i], word[i:]
        if tail:
            yield head + tail[1:]  # deleted
            if len(tail) > 1 and tail[0] != tail[1]:
                yield head + tail[1] + tail[0] + tail[2:]  # swapped
            yield from (head + c + tail[1:] for c in letters if c != tail[0])  # replaced
        yield from (head + c + tail for c in letters)  # inserted


# An error or model code: one to three letters, then two or more digits ("e27", "p07").
_UNIT_AFTER_NUMBER = re.compile(r"(?<![a-z0-9])\d[\d.,]*+([a-z][a-z0-9]*)")
_CODE = re.compile(r"([a-z]{1,3})(\d{2,})")
# A numbered thing ("FV4", "room-12"), and a numbered family the notes write as a range
# ("FV1〜FV6", "FV1-6", "Tank 1–4"): a question's "FV4" is in the notes when their range holds
# it ("Can I go into FV4?" was "not in the notes" over "FV1〜FV6", heldout15, Gemma). One
# number beside another of the family is no range: gp2 does not know gp3.
_NUMBERED = re.compile(r"([a-z]{1,4})[ -]?(\d{1,4})")
_RANGE = re.compile(r"(?<![a-z])([a-z]{1,4})[ -]?(\d{1,4})\s*+[〜～~\-–—]\s*+(?:([a-z]{1,4})[ -]?)?(\d{1,4})(?![\d.])")
MAX_RANGES = 10_000  # in all: a note of ranges must not make each unknown name's check slow


# What a name's parts may have between them in the notes and not in a question
# (Vocabulary.writes_joined): の or ・ between Japanese characters, a space between Japanese
# and anything of a name (「風花市 防災課」, 「北沢 FM」). Not a line break.
_NAME_JOINERS = re.compile(f"(?<=[{JAPANESE_CHARS}])(?:の|・|[ \t\u3000]+(?=[{JAPANESE_CHARS}A-Za-z0-9]))(?=[{JAPANESE_CHARS}A-Za-z0-9])"
                           f"|(?<=[A-Za-z0-9])[ \t\u3000]+(?=[{JAPANESE_CHARS}])")
# A name's run: Japanese characters with Latin letters and digits ("風花FM", "JR奥沢駅").
_NAME_RUN = re.compile(f"[{JAPANESE_CHARS}A-Za-z0-9]+")


class Vocabulary:
    """The ASCII words of the corpus, lowercased, for O(1) look-ups; the romaji of its
    Japanese words are added on first need (`romanized`), so names a question writes in
    Latin letters count as known when the notes write them in Japanese (Tokyo / 東京,
    Slack / スラック). Placeholder lines ("Edge prediction pattern: To do") are left out:
    a name the notes only promise to cover is not in the notes."""

    def __init__(self, texts: Iterable[str]):
        self.words: set[str] = set()
        self._japanese: set[str] = set()
        self._name_texts: list[str] = []  # notes with Japanese, NFKC, for `writes_joined` (then dropped)
        self._ranges: dict[str, set[tuple[int, int]]] = {}  # "fv" -> {(1, 6)}: the notes' "FV1〜FV6"
        n_ranges = 0
        for text in texts:
            text = normalize("\n".join(line for line in text.split("\n") if not is_placeholder(line)))
            for token in _tokens(text):
                word = token.lower().lstrip("/")
                self.words.add(word)
                # Combined tokens ("Windows/Mac", "CI/CD", "CodeDeployDefault.HalfAtTime",
                # "pr-check") also name each part.
                self.words.update(p for p in re.split(r"[/.\-]", word) if p)
                # A measurement names its unit: "10ppm", "2m³" (NFKC "2m3") write ppm and m3,
                # and "硫化水素は何ppmまで？" was "not in the notes" for an unknown "ppm" over the
                # line that answers it (a fresh user, 2026-12-05).
                self.words.update(m[1] for m in _UNIT_AFTER_NUMBER.finditer(word))
            self._japanese.update(JAPANESE_RUN.findall(text))
            if JAPANESE_RUN.search(text):
                self._name_texts.append(text)
            for m in _RANGE.finditer(text.lower()) if n_ranges < MAX_RANGES else ():
                if m[3] in (None, m[1]) and int(m[2]) < int(m[4]):
                    self._ranges.setdefault(m[1], set()).add((int(m[2]), int(m[4])))
                    n_ranges += 1
        # An edit changes a word's length by one at most: a longer word is no typo of the notes'.
        self._longest = max(map(len, self.words), default=0)
        self._romaji: set[str] | None = None
        self._lock = threading.Lock()
        self._text = "\n".join(sorted(self._japanese))  # for CLDR names written in Japanese
        self._joined_text: str | None = None  # built on the first compound name looked up

    def romanized(self) -> set[str]:
        """Lowercased romaji words of the corpus's Japanese runs (cutlet: Hepburn, with the
        original spelling of loanwords from UniDic), and each run's words joined ("Micro
        soft" -> "microsoft"). Built once, on the first name the ASCII words do not know."""
        with self._lock:
            if self._romaji is None:
                self._romaji = _romanize(self._japanese)
            return self._romaji

    def writes(self, japanese: str) -> bool:
        """True when the notes write `japanese` (a run of Japanese characters, NFKC) in one
        of their Japanese runs."""
        return japanese in self._text

    def writes_joined(self, name: str) -> bool:
        """True when the notes write `name` (a compound name, NFKC, Latin letters and digits
        included, any case) with or without spaces, の or ・ between its parts: 「風花市 防災課」
        and 「奥沢村の産業観光課」 write 風花市防災課 and 奥沢村産業観光課 (an attack: both were
        flagged as names the notes never write), 「風花FM」 writes 風花fm."""
        with self._lock:
            if self._joined_text is None:
                # Once, on the first look-up: 0.9 s a 5 MB corpus on these two cores, a quarter
                # of this vocabulary's build, which every index load would pay.
                self._joined_text = "\n".join(sorted({
                    run.lower() for text in self._name_texts for run in _NAME_RUN.findall(_NAME_JOINERS.sub("", text))
                    if JAPANESE_RUN.search(run)}))
                self._name_texts = []
            return name.lower() in self._joined_text

    def writes_in_latin(self, japanese: str) -> bool:
        """True when the notes write a Japanese name in Latin letters: every word of its romaji
        (cutlet, loanwords in their original spelling: リーダー -> "Leader", 佐々木 -> "Sasaki")
        is a word of the notes, as `knows` reads an English name the notes write in Japanese.
        「まとめ役のリーダーさんからも宿泊代をもらう？」 was "not in the notes" over an English
        page whose footnote says "the leader stays free" (heldout16, Gemma)."""
        words = [w for w in TOKEN.findall(_romaji(japanese)) if w]
        return bool(words) and self._known(words, set())

    def has(self, word: str) -> bool:
        """True when the notes write `word` (lowercase, one token), plurals either way."""
        return self._has(word, set())

    def _has(self, word: str, extra: set[str]) -> bool:
        # Plurals either way: "APIs" for API, "Tuesday" where the notes write "Tuesdays",
        # "#mobile-crashes" for `#mobile-crash`.
        forms = (word, word[:-1] if word.endswith("s") else word, word[:-2] if word.endswith("es") else word, word + "s")
        if any(w in self.words or w in extra for w in forms):
            return True
        # A code of a family the notes describe by its start: "E27" where they say "codes
        # beginning with `E2`" (heldout8 flagged the answered question "not in the notes").
        code = _CODE.fullmatch(word)
        if code and any(code[1] + code[2][:k] in self.words for k in range(1, len(code[2]))):
            return True
        numbered = _NUMBERED.fullmatch(word)
        return bool(numbered) and any(lo <= int(numbered[2]) <= hi for lo, hi in self._ranges.get(numbered[1], ()))

    def knows(self, run: list[str]) -> bool:
        """True when the words of a name occur in the corpus, allowing plurals, spacing
        variants such as "Route 53" / "Route53", parts of combined names ("Windows/Mac"), and
        names the notes write in Japanese."""
        words = [normalize(w).lstrip("/") for w in run]
        while len(words) > 1 and words[0].lower() in _SERVICE_PREFIXES:
            words = words[1:]
        if self._known(words, set()):
            return True
        japanese_forms = _grammar_names().get(" ".join(words).lower())
        if japanese_forms is not None:
            return any(form in self._text for form in japanese_forms)
        if self._japanese and self._known(words, self.romanized()):
            return True
        # A misspelt name ("Gitlub", "Kubernetse"): its unknown words each one edit from a word
        # of the notes (a new user's typos were answered "not in the notes").
        return all(self._has(w.lower(), set()) or self._one_edit_from_notes(w.lower()) for w in words)

    def _one_edit_from_notes(self, word: str) -> bool:
        """True for a word of at least MIN_TYPO_LETTERS letters one edit (insertion, deletion,
        substitution or swap of neighbours, its first letter kept) from a word of the notes.
        Letters only: "SEV-0" is another level than the notes' SEV-1, not a typo of it. Each
        edit is looked up (about 54 per letter): scanning the notes' words cost 5 s for a
        question of 220 made-up names over 200,000 words (an attack run)."""
        if len(word) < MIN_TYPO_LETTERS or len(word) > self._longest + 1 or not word.isascii() or not word.isalpha():
            return False  # longer than any word of the notes plus one: a 2,000-letter word took 0.6 s
        return any(edit in self.words for edit in one_edits(word))

    def _known(self, words: list[str], extra: set[str]) -> bool:
        """`words` as the question writes them (case kept: it tells a name part from a plain word)."""
        joined = "".join(words).lower()
        if joined in self.words or joined in extra:
            return True
        # Every word known is enough: requiring the exact phrase would flag English names
        # whose notes spell them in katakana ("Block Public Access" / ブロックパブリックアクセス).
        return all(
            self._has(w.lower(), extra) or all(self._has(p.lower(), extra) for p in _name_parts(w)) for w in words
        )


# A one- or two-letter lowercase prefix on an acronym: eDNA, qPCR, mRNA, gRPC. The notes may
# write only the acronym or spell the prefix out in Japanese (環境DNA for eDNA: a held-out
# wiki's answered question was flagged for "eDNA", 2026-12-01).
_PREFIXED_ACRONYM = re.compile(r"([a-z]{1,2})([A-Z]{2,}[0-9A-Za-z]*)")


def _parts(word: str) -> list[str]:
    """The words a combined token joins: "windows/mac", "medium-priority", and the acronym of
    a prefixed one ("eDNA": "e", "DNA"). A hyphen with a digit next to it stays (SEV-0, gp-3
    are names of their own)."""
    separators = r"[/]" if any(c.isdigit() for c in word) else r"[/-]"
    out = []
    for part in filter(None, re.split(separators, word)):
        prefixed = _PREFIXED_ACRONYM.fullmatch(part)
        out += prefixed.groups() if prefixed else [part]
    return out


@functools.lru_cache(maxsize=1)
def _grammar_names() -> dict[str, tuple[str, ...]]:
    """Words English capitalises by grammar, not names of things: CLDR's English names of
    languages and territories (lowercased) -> the kanji and kana of their Japanese names
    ("japanese" -> ("日本語",), "france" -> ("フランス",)). Weekdays and months are no names
    at all (`questionnames._calendar_word`). From babel's CLDR data, loaded on the first such word."""
    from babel import Locale

    english, japanese = Locale("en"), Locale("ja")
    out: dict[str, tuple[str, ...]] = {}
    pairs = [(english.languages, japanese.languages), (english.territories, japanese.territories)]
    for names_en, names_ja in pairs:
        for key, name in names_en.items():
            forms = tuple(JAPANESE_RUN.findall(names_ja.get(key, "")))
            if forms and re.fullmatch(r"[A-Za-z ]+", name):
                out.setdefault(name.lower(), forms)
    return out


def _name_parts(word: str) -> list[str]:
    """The parts of a combined token that must be known for it to count as known: those that
    look like names themselves ("Medium" of "Medium-priority": the notes' table writes
    "Medium" and 優先度 for priority; a lowercase "priority" is a plain English word an
    English question adds, not a name). Every part when none looks like a name ("on-call"),
    both parts of "Wi-Fi"."""
    parts = _parts(word)
    named = [p for p in parts if is_name(p, sentence_start=False)]
    return named or parts


_CUTLET_LOCK = threading.Lock()  # one tagger for every thread: MeCab's is not thread-safe


@functools.lru_cache(maxsize=1)
def _cutlet():
    import cutlet  # fugashi + unidic-lite; imported only when a name needs it

    katsu = cutlet.Cutlet()
    katsu.use_foreign_spelling = True
    return katsu


def _romaji(text: str) -> str:
    """`text` in romaji (Hepburn, loanwords in their original spelling); "" when cutlet cannot
    read it."""
    with _CUTLET_LOCK:
        try:
            return _cutlet().romaji(text)
        except Exception:  # noqa: BLE001 - a run cutlet cannot read is simply not a name
            return ""


def _romanize(runs: set[str]) -> set[str]:
    out: set[str] = set()
    for run in runs:
        words = [w.lower() for w in TOKEN.findall(_romaji(run))]
        if not words:
            continue
        # cutlet writes a middle dot as "/" ("区・大阪市" -> "Ku/Osaka shi"): each part is a word.
        words = [part for word in words for part in re.split(r"[/.]", word) if part]
        out.update(words)
        if len(words) > 1:
            out.add("".join(words))
    # A loanword of several English words names its abbreviation too: プルリクエスト ->
    # "pull request" -> "pr", サービスレベルアグリーメント -> "sla" (a tester's "PR" was an
    # unknown name over notes that write プルリクエスト).
    for loanword in {k for run in runs for k in _KATAKANA_RUN.findall(run)}:
        parts = TOKEN.findall(_romaji(loanword))
        if 2 <= len(parts) <= 4:
            out.add("".join(p[0].lower() for p in parts))
    return out


_KATAKANA_RUN = re.compile(r"[\u30a0-\u30ff]{4,}")


def is_name(token: str, sentence_start: bool) -> bool:
    """A word that names something: a code or identifier (`is_technical`), or a capitalised word
    that opens no sentence; never a function word or a single letter."""
    if token.lower() in FUNCTION_WORDS or len(token) < 2:
        return False
    return is_technical(token) or (token[0].isupper() and not sentence_start)


def is_technical(token: str) -> bool:
    """A code, path, file or identifier: digits, an inner capital, "_", a leading "/", a dotted name."""
    return (
        any(c.isdigit() for c in token)
        or any(c.isupper() for c in token[1:])
        or "_" in token
        or token.startswith("/")
        or re.search(r"\w{2,}[./]\w{2,}", token) is not None
    )
