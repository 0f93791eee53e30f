"""An MkDocs site's languages by the mkdocs-static-i18n plugin (`plugins: - i18n:` in
mkdocs.yml): the default language's pages are served at the site's root, each other
language's under `/<locale>/`. A page's language is in its file name (`docs_structure:
suffix`, the default: `guide/page.en.md` is /en/guide/page/, `guide/page.md` and
`guide/page.ja.md` the default's /guide/page/) or its first folder (`folder`: `en/guide/page.md`
is /en/guide/page/, `ja/guide/page.md` /guide/page/ when ja is the default).

Rules checked with real builds of mkdocs-static-i18n 1.3 (tests/test_site_real.py): a file of
the default language beside the same page without a suffix (`dup.ja.md` beside `dup.md`) is
only the fallback other languages show, never the default's page, and a file whose suffix
is a locale the site does not configure (`foo.fr.md`; under `folder`, a first folder so named,
`hr/`, `it/`) no page at all (left out: published.py); a language with `build: false` has none;
a page another language lacks is shown there in the default's text (not indexed again).
Read: the 1.x `languages` list (`locale`, `default`), the 0.x `default_language` and
`languages` mapping, `docs_structure`. Left out: a language's `link` and `site_name`, other
extensions' localized files (images), `build_only_locale`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .pages import below_pages_dir

_LOCALE = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8}){0,3}")
# What the plugin reads as a locale in a file name (its config.RE_LOCALE), configured or not.
_PLUGIN_LOCALE = re.compile(r"[a-z]{2}(?:-[A-Za-z]{4})?(?:-[A-Z]{2})?|[a-z]{2}_[A-Z]{2}")


@dataclass(frozen=True)
class MkdocsLanguages:
    """The site's default locale, its other locales, and where a page names its locale:
    "suffix" (`page.en.md`) or "folder" (`en/page.md`)."""

    default: str
    others: tuple[str, ...]
    structure: str = "suffix"

    def _split(self, name: str) -> tuple[str, str] | None:
        """(the file name less its locale suffix, the locale) of `name` ("page.en.md"), or None."""
        stem, dot, extension = name.rpartition(".")
        base, _, locale = stem.rpartition(".")
        if dot and base and locale in (self.default, *self.others):
            return f"{base}.{extension}", locale
        return None

    def page_source(self, source: str, pages_dir: str = "") -> str:
        """The path a page's URL is made from for the note at `source`, as MkDocs would serve
        it with the plugin: the locale taken off the name (or the default's folder off the
        path), another locale's as the first folder below `pages_dir`."""
        head, rest = below_pages_dir(source.split("/"), pages_dir)
        if self.structure == "folder":
            if rest[0] == self.default and len(rest) > 1:
                rest = rest[1:]
        else:
            found = self._split(rest[-1])
            if found:
                rest = rest[:-1] + [found[0]]
                rest = rest if found[1] == self.default else [found[1], *rest]
        return "/".join(head + rest)

    def not_pages(self, sources: set[str]) -> set[str]:
        """Of `sources` (paths in the docs folder), the files the plugin builds no page of: the
        default language's suffixed file beside the same page without a suffix (`dup.ja.md`
        beside `dup.md`: only other languages' fallback), and one whose suffix (or, under
        `folder`, first folder) is a locale the site does not build (`foo.fr.md`, `hr/leave.md`;
        `release.v2.md` is a page)."""
        if self.structure == "folder":  # a first folder the plugin reads as a locale it does not build (`hr/`, `it/`)
            return {s for s in sources if "/" in s and _PLUGIN_LOCALE.fullmatch(s.split("/")[0])
                    and s.split("/")[0] not in (self.default, *self.others)}
        out = set()
        for source in sources:
            folder, _, name = source.rpartition("/")
            found = self._split(name)
            if found and found[1] == self.default and (f"{folder}/{found[0]}" if folder else found[0]) in sources:
                out.add(source)
            stem = name.rpartition(".")[0]
            if not found and "." in stem and _PLUGIN_LOCALE.fullmatch(stem.rpartition(".")[2]):
                out.add(source)
        return out

    def pages_dir(self, source: str, pages_dir: str) -> str:
        """The folder a page's path is in: the docs folder for every note (the locale is in
        its name or first folder, page_source)."""
        return pages_dir

    def base_url(self, base_url: str, source: str) -> str:
        """The site's base URL for every note: a locale is part of the page's path."""
        return base_url

    def record(self) -> dict:
        """JSON-ready, as the index manifest stores it (store.chunking_settings)."""
        return {"default": self.default, "others": list(self.others), "structure": self.structure}


def mkdocs_languages(plugins) -> MkdocsLanguages | None:
    """The languages mkdocs.yml's `plugins` (a list of names and one-key mappings, or a
    mapping) configure for the i18n plugin, or None when it is not there or names fewer
    than two valid locales."""
    if not isinstance(plugins, (list, dict)):  # `plugins: 5`: MkDocs refuses it too (an attack: a traceback)
        return None
    entries = plugins.items() if isinstance(plugins, dict) else (
        (next(iter(p.items())) if isinstance(p, dict) and len(p) == 1 else (p, None)) for p in plugins)
    config = next((c for name, c in entries if name == "i18n"), None)
    if not isinstance(config, dict):
        return None
    languages, default = config.get("languages"), config.get("default_language")
    if isinstance(languages, list):  # 1.x: [{locale: ja, default: true}, {locale: en}]
        entries = [lang for lang in languages if isinstance(lang, dict) and isinstance(lang.get("locale"), str)
                   and lang.get("build") is not False]  # a language not built has no pages
        locales = [lang["locale"] for lang in entries]
        default = next((lang["locale"] for lang in entries if lang.get("default") is True), locales[0] if locales else None)
    elif isinstance(languages, dict):  # 0.x: default_language: en, languages: {en: English, fr: Français}
        locales = [k for k in languages if isinstance(k, str)]
    else:
        return None
    locales = [loc for loc in dict.fromkeys(locales) if _LOCALE.fullmatch(loc)]
    if not isinstance(default, str) or default not in locales or len(locales) < 2:
        return None
    structure = "folder" if config.get("docs_structure") == "folder" else "suffix"
    return MkdocsLanguages(default, tuple(loc for loc in locales if loc != default), structure)
