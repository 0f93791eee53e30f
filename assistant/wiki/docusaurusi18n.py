"""A Docusaurus site's translated docs (i18n): a locale's copy of a doc, at the doc's path in
`i18n/<locale>/docusaurus-plugin-content-docs/current/`, is that doc's page in the locale,
served under `/<locale>/` after the site's baseUrl: `docs/office/tickets.md` is
/wiki/docs/office/tickets, its English copy /wiki/en/docs/office/tickets. Until this module
a bilingual site's English docs were left out as "outside docs/" (heldout29, written blind).

Rules from https://docusaurus.io/docs/i18n/tutorial and the docs plugin, which looks for each
doc of `docs/` in the locale's folder first:
- the locales are `i18n.locales` less `i18n.defaultLocale`, whose pages are `docs/` itself;
- a locale's copy replaces its doc whole, front matter included; a file there with no doc at
  its path is no page (the plugin finds docs in `docs/` only: facebook/docusaurus discussion
  10346: "when a localized file with the name of the original doesn't exist the original
  content will be displayed");
- a doc without a copy is served in the locale too, untranslated: the same text as its
  default page, which alone is cited.

Read only where the notes folder is the project's root (the `i18n/` folder beside `docs/` is
in it). Left out: `i18n.path` and a locale's `localeConfigs` folder (the defaults, `i18n/` and
the locale's name, hold), other docs plugins' and versions' folders, the blog's and pages'.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_PLUGIN_FOLDER = "docusaurus-plugin-content-docs/current"
# A locale as Docusaurus names its folder and URL segment (BCP 47: "en", "pt-BR", "zh-Hans").
_LOCALE = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8}){0,3}")
_QUOTED = r"'[^'\n]*'|\"[^\"\n]*\""
_LOCALES_KEY = re.compile(r"(?<![\w$.])['\"]?locales['\"]?\s*+:\s*+\[")


@dataclass(frozen=True)
class DocusaurusTranslations:
    """Each locale's folder of translated docs, relative to the notes folder: (folder, locale),
    and the docs' `routeBasePath` ('docs'; '' at the site's root), which follows the locale in
    a URL."""

    folders: tuple[tuple[str, str], ...] = ()
    route: str = "docs"

    def locale_of(self, source: str) -> tuple[str, str] | None:
        """(folder, locale) of the locale folder holding the note at `source`, or None."""
        return next(((folder, locale) for folder, locale in self.folders if source.startswith(folder + "/")), None)

    def pages_dir(self, source: str, pages_dir: str) -> str:
        """The folder the note at `source` has its page's path in: its locale's folder, or
        `pages_dir` (the docs folder) for every other note."""
        found = self.locale_of(source)
        return found[0] if found else pages_dir

    def page_source(self, source: str, pages_dir: str = "") -> str:
        """The path a page's URL is made from: the note's own (in its locale's folder, `pages_dir`)."""
        return source

    def base_url(self, base_url: str, source: str) -> str:
        """`base_url` (the docs' address: the site's url, baseUrl and routeBasePath) for the
        note at `source`: with its locale before the routeBasePath when it is a translation."""
        found = self.locale_of(source)
        if found is None:
            return base_url
        stem = base_url.rstrip("/")
        route = "/" + self.route if self.route else ""
        if route and stem.endswith(route):
            return f"{stem[: -len(route)]}/{found[1]}{route}"
        return f"{stem}/{found[1]}"

    def record(self) -> dict:
        """JSON-ready, as the index manifest stores it (store.chunking_settings)."""
        return {"folders": [list(f) for f in self.folders], "route": self.route}


def translations_of(root: Path, text: str, default: str | None, route: str) -> DocusaurusTranslations | None:
    """The translated docs of the site whose config `text` is in `root` (the notes folder):
    the locales its `i18n.locales` literal names besides `default` (its `defaultLocale`, as
    site.py reads a literal), each with its folder in `root`; None when there are none.
    `route`: the docs' routeBasePath, without '/'."""
    # The key found first, its list read once: a list scanned from every "locales:[" of a
    # 256 KB file took 2 s a read, and the watcher reads it every 2 s (an attack).
    keys = _LOCALES_KEY.findall(text, 0)[:2]
    listed = _LOCALES_KEY.search(text) if len(keys) == 1 else None
    end = text.find("]", listed.end(), listed.end() + 2_000) if listed else -1
    if default is None or end < 0:
        return None
    locales = [q[1:-1] for q in re.findall(_QUOTED, text[listed.end():end])]
    folders = tuple((f"i18n/{locale}/{_PLUGIN_FOLDER}", locale) for locale in dict.fromkeys(locales)
                    if locale != default and _LOCALE.fullmatch(locale)
                    and (root / "i18n" / locale / _PLUGIN_FOLDER).is_dir())
    return DocusaurusTranslations(folders, route) if folders else None
