"""Heading ids: each wiki engine's slug function and its rule for repeated ids.

Every function here reproduces one engine's own code; the source it follows is named next to
it, and tests/test_wiki_engines_real.py runs the real renderer (kramdown, github-slugger,
markdown-it-anchor + @mdit-vue/shared, python-markdown) over the dev wikis to prove the ids
equal. MkDocs' slugify is python-markdown's own and is called, not rewritten. The others live
in Ruby or JavaScript, hence the ports.

An `Ids` object numbers one document: `ids.add(text)` gives the id of the next heading whose
text (as the engine sees it) is `text`; `ids.explicit(id)` records an author-given id.
"""
from __future__ import annotations

import re
import unicodedata

# Ruby's \p{Word} (kramdown-parser-gfm NON_WORD_RE, GitLab PUNCTUATION_REGEXP): letters,
# marks, decimal digits, connector punctuation.
_RUBY_WORD = frozenset({"Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Mc", "Me", "Nd", "Pc"})


def _ruby_word(ch: str) -> bool:
    return unicodedata.category(ch) in _RUBY_WORD


class Ids:
    """One document's ids under one engine (duplicate numbering needs the whole document)."""

    def add(self, text: str) -> str:  # pragma: no cover - interface
        """The id of the next heading of the document, whose text is `text` (each engine
        says which text: shown or raw source), numbered as the engine numbers repeats."""
        raise NotImplementedError

    def explicit(self, anchor: str) -> str:
        """The id of a heading that names its own (`{#id}`, an IAL); recorded where the
        engine counts it against later repeats. The base keeps it as written."""
        return anchor


class KramdownIds(Ids):
    """kramdown 2.4 converter/base.rb generate_id + basic_generate_id (`input: kramdown`).

    `text` is the header's raw source text (el.options[:raw_text]): link URLs and entity
    names count. Repeats: @used_ids keyed by the base id, so "Foo", "Foo", "Foo 1" gives
    foo, foo-1, foo-1, as kramdown does.
    """

    _LEADING = re.compile(r"^[^a-zA-Z]+", re.MULTILINE)  # Ruby '^' is per line
    _DROP = re.compile(r"[^a-zA-Z0-9 -]")

    def __init__(self) -> None:
        self.used: dict[str, int] = {}

    def add(self, text: str) -> str:
        gen_id = self._DROP.sub("", self._LEADING.sub("", text)).replace(" ", "-").lower()
        gen_id = gen_id or "section"
        if gen_id in self.used:
            self.used[gen_id] += 1
            return f"{gen_id}-{self.used[gen_id]}"
        self.used[gen_id] = 0
        return gen_id


class GfmKramdownIds(Ids):
    """kramdown-parser-gfm 1.1 generate_gfm_header_id (Jekyll's default `input: GFM`).

    downcase, drop [^\\p{Word}\\- \\t], spaces/tabs -> '-'; @id_counter keyed by the result.
    No fallback for an empty id: it stays "" (then "-1", "-2").
    """

    def __init__(self) -> None:
        self.counter: dict[str, int] = {}

    def add(self, text: str) -> str:
        # Ruby's String#downcase is full Unicode case mapping, like str.lower().
        result = "".join(ch for ch in text.lower() if ch in "- \t" or _ruby_word(ch))
        result = result.replace(" ", "-").replace("\t", "-")
        self.counter[result] = self.counter.get(result, -1) + 1
        return f"{result}-{self.counter[result]}" if self.counter[result] else result


# github-slugger 2.0 (index.js + regex.js): removes every code point of General Categories
# P* (except Pc... see below), S*, Z* (except ' '), C*, No, unless it is Alphabetic; keeps
# '-' and ' '. Other_Alphabetic code points of category So (circled/squared Latin letters)
# are the only Alphabetic ones in removed categories that occur in text.
_SLUGGER_KEEP = frozenset({"Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Mc", "Me", "Nd", "Nl", "Pc"})
_ALPHABETIC_SYMBOLS = ((0x24B6, 0x24E9), (0x1F130, 0x1F149), (0x1F150, 0x1F169), (0x1F170, 0x1F189))


def _slugger_keeps(ch: str) -> bool:
    if ch in " -" or unicodedata.category(ch) in _SLUGGER_KEEP:
        return True
    code = ord(ch)
    return any(lo <= code <= hi for lo, hi in _ALPHABETIC_SYMBOLS)


def github_slug(text: str) -> str:
    """github-slugger's slug(): lower case, strip punctuation/symbols, ' ' -> '-'."""
    return "".join(ch for ch in text.lower() if _slugger_keeps(ch)).replace(" ", "-")


class GithubIds(Ids):
    """github-slugger's Slugger: `while (result in occurrences) result = original-N`."""

    def __init__(self) -> None:
        self.occurrences: dict[str, int] = {}

    def add(self, text: str) -> str:
        original = result = github_slug(text)
        while result in self.occurrences:
            self.occurrences[original] += 1
            result = f"{original}-{self.occurrences[original]}"
        self.occurrences[result] = 0
        return result


class GitlabIds(Ids):
    """GitLab lib/gitlab/utils/markdown.rb string_to_anchor + TableOfContentsFilter numbering.

    Not run against GitLab itself (its renderer is the Rails app): ported from its source.
    """

    _PUNCTUATION = re.compile(r"[^\w\- ]")  # Ruby /[^\p{Word}\- ]/u; Python \w adds No/Nl (rare)
    _PRODUCT_SUFFIX = re.compile(
        r"\s*\**\((premium|ultimate|free|beta|experiment)(\s+(all|self|saas))?(\s+(beta|experiment))?\)\**"
    )

    def __init__(self) -> None:
        self.headers: dict[str, int] = {}

    def add(self, text: str) -> str:
        anchor = self._PRODUCT_SUFFIX.sub("", text.strip().lower())
        anchor = "".join(ch for ch in anchor if ch in "- " or _ruby_word(ch))
        anchor = re.sub(r"-+", "-", anchor.replace(" ", "-"))
        anchor = re.sub(r"\A(\d+)\Z", r"anchor-\1", anchor)
        seen = self.headers.get(anchor, 0)
        self.headers[anchor] = seen + 1
        return f"{anchor}-{seen}" if seen else anchor


class MkdocsIds(Ids):
    """python-markdown's toc extension (MkDocs' default): its own slugify and unique()."""

    def __init__(self) -> None:
        from markdown.extensions.toc import slugify, unique  # the engine's code, not a copy

        self._slugify, self._unique = slugify, unique
        self.ids: set[str] = set()

    def add(self, text: str) -> str:
        return self._unique(self._slugify(text, "-"), self.ids)

    def explicit(self, anchor: str) -> str:
        return self._unique(anchor, self.ids)


# @mdit-vue/shared slugify (VitePress' default), src/slugify.ts.
_MDIT_SPECIAL = re.compile(r"""[\s~`!@#$%^&*()\-_+=\[\]{}|\\;:"'“”‘’<>,.?/]+""")
_MDIT_CONTROL = re.compile(r"[\u0000-\u001f]")
_MDIT_COMBINING = re.compile(r"[\u0300-\u036f]")


def vitepress_slug(text: str) -> str:
    """@mdit-vue/shared's slugify: accents stripped (NFKD), runs of spaces and punctuation
    one '-', none at the ends, '_' before a leading digit, lowercased; repeats not numbered."""
    text = _MDIT_COMBINING.sub("", unicodedata.normalize("NFKD", text))
    text = _MDIT_SPECIAL.sub("-", _MDIT_CONTROL.sub("", text))
    text = re.sub(r"-{2,}", "-", text)
    text = re.sub(r"^-+|-+$", "", text)
    return re.sub(r"^(\d)", r"_\1", text).lower()


class VitepressIds(Ids):
    """markdown-it-anchor 9/10 uniqueSlug: slug, slug-1, slug-2 ... over every id taken."""

    def __init__(self) -> None:
        self.slugs: set[str] = set()

    def _unique(self, slug: str) -> str:
        result, i = slug, 1
        while result in self.slugs:
            result, i = f"{slug}-{i}", i + 1
        self.slugs.add(result)
        return result

    def add(self, text: str) -> str:
        return self._unique(vitepress_slug(text.strip()))

    def explicit(self, anchor: str) -> str:
        self.slugs.add(anchor)  # an author's id is taken as given (failOnNonUnique aside)
        return anchor


def _go_letter_or_digit(ch: str) -> bool:
    """Go's unicode.IsLetter (L*) or unicode.IsDigit (Nd)."""
    return unicodedata.category(ch) in ("Lu", "Ll", "Lt", "Lm", "Lo", "Nd")


def hugo_slug(text: str) -> str:
    """Hugo's goldmark id for `autoHeadingIDType = "github"`, its default (markup/goldmark/
    autoid.go sanitizeAnchorNameWithHook, Hugo 0.111): the text trimmed; '-' and ' ' give '-';
    '_', letters and decimal digits are kept, lower-cased; everything else is dropped."""
    out = []
    for ch in text.strip():
        if ch in "- ":
            out.append("-")
        elif ch == "_" or _go_letter_or_digit(ch):
            low = ch.lower()
            out.append(low if len(low) == 1 else ch)  # Go's ToLower maps one rune to one rune
    return "".join(out)


class HugoIds(Ids):
    """Hugo's idFactory (autoid.go Generate): an empty id is "heading"; a repeat gets "-1",
    "-2", ... (the first number not yet used); explicit ids count as used."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def add(self, text: str) -> str:
        base = hugo_slug(text) or "heading"
        result, n = base, 0
        while result in self.used:
            n += 1
            result = f"{base}-{n}"
        self.used.add(result)
        return result

    def explicit(self, anchor: str) -> str:
        self.used.add(anchor)
        return anchor
