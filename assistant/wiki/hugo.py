"""What a Hugo site's configuration file says beyond its engine and base URL (site.py reads
the file): its keys in any case, and its languages, which decide where each note's page is
served (pages.hugo_page_path: translation by file name, `about.ja.md` -> /ja/about/, and by
content folder, `content/ja/about.md` -> /ja/about/ under `[languages.ja] contentDir =
"content/ja"`).

Rules from https://gohugo.io/content-management/multilingual/, each checked with a real
build of Hugo 0.168 (tests/test_site_real.py; first ported from 0.111, which differed in a
suffix's case, `_index.fr.md` without fr, and a disabled language's folder). Each language reads its own `contentDir`, else
the site's (Docsy's layout: the site's is `content/en`, Norwegian's `content/no`); the folder
holding them all is the site's content folder. Left out, with a warning: a language's own
`baseURL` (Hugo's multihost: its pages are served at that host's root), as citations have
one base URL, and a `contentDir` that names no folder of the project (that language gets no
pages, as in Hugo). Module mounts (`[[module.mounts]]` with `lang`) are not read.
"""
from __future__ import annotations

import functools
import posixpath
from datetime import date, datetime, timezone
from email.utils import parsedate_to_datetime
import re
import reprlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable


def lower_keys(value) -> dict:
    """A mapping's text keys lower-cased (Hugo's keys are case-insensitive); {} for a
    non-mapping. Other keys are dropped: YAML reads `on:` as True and `5:` as 5."""
    return {k.lower(): v for k, v in value.items() if isinstance(k, str)} if isinstance(value, dict) else {}


@dataclass(frozen=True)
class HugoLanguages:
    """A Hugo site's languages, for translation by file name and by content folder. The
    defaults are Hugo's (one language, "en"). Codes are lower-cased: Hugo lower-cases its
    config keys, and a file's suffix names a language in any case (`a.JA.md` is ja's page)."""

    default: str = "en"  # `defaultContentLanguage`
    enabled: tuple[str, ...] = ("en",)  # the `languages` keys, less the disabled ones
    disabled: tuple[str, ...] = ()  # `disableLanguages`, or `disabled = true` in a language
    default_in_subdir: bool = False  # `defaultContentLanguageInSubdir`
    # Each language reads its pages from its own `contentDir`, else the site's (default
    # `content`). `content`: the folder holding all of them, as the site file names it
    # ('content' for content/en + content/ja); `folders`: (code, its folder below `content`,
    # '/'-separated), deepest first, for the languages that read a folder below it; `root`:
    # the language that reads `content` itself ("" the default language; None: none does, and a
    # file in no language's folder is no page).
    folders: tuple[tuple[str, str], ...] = ()
    root: str | None = ""
    content: str = field(default="content", compare=False)

    @functools.cached_property
    def _split_folders(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        return tuple((code, tuple(folder.split("/"))) for code, folder in self.folders)

    def folder_language(self, parts: list[str]) -> tuple[str | None, list[str]]:
        """(the language whose content folder holds a file at `parts`, its parts in that
        folder), or (None, `parts`) when no language's folder below `content` holds it."""
        for code, below in self._split_folders:
            if len(parts) > len(below) and tuple(parts[: len(below)]) == below:
                return code, parts[len(below):]
        return None, parts

    def page_language(self, parts: list[str]) -> str | None:
        """The language of the page of the file at `parts` (in the content folder): its name's
        language suffix (Hugo serves content/en/a.ja.md at /ja/a/), else the language
        whose folder holds it, else the one that reads the content folder itself; None when
        none reads it (the file is no page)."""
        code, inner = self.folder_language(parts)
        if code is None and self.root_language is None:
            return None  # no language reads the folder holding it, whatever its suffix names
        name = inner[-1].rpartition(".")[0] or inner[-1]
        language, stem = self.language_of(name)
        if stem != name:
            return language
        return code if code is not None else self.root_language

    @property
    def root_language(self) -> str | None:
        """The language that reads the content folder itself (None: none does)."""
        return self.default if self.root == "" else self.root

    def mount_rank(self, parts: list[str]) -> int:
        """The order in which Hugo reads the folder holding the file: the default language's
        first, then the others as the file lists them (of two files making one page in two
        folders, Hugo 0.111 keeps the first's; an attack run, 2026-12-05)."""
        code = self.folder_language(parts)[0] or self.root_language
        order = (self.default,) + tuple(c for c in self.enabled + self.disabled if c != self.default)
        return order.index(code) if code in order else len(order)

    def language_of(self, name: str) -> tuple[str, str]:
        """(language, name without its language suffix) of a file name without its `.md`:
        `about.ja` -> ("ja", "about") when `ja` is a language of the site, enabled or not;
        else (the default language, the name as it is: Hugo serves `foo.fr.md` at /foo.fr/)."""
        stem, _, suffix = name.rpartition(".")
        if stem and suffix.lower() in self.enabled + self.disabled:  # `a.JA.md` is ja's page /ja/a/ (Hugo 0.168)
            return suffix.lower(), stem
        return self.default, name

    def bundle_page(self, file_name: str) -> str | None:
        """"leaf" for a leaf bundle's page (`index.md`, `Index.ja.md`), "branch" for a
        section's (`_index.md`, `_index.ja.md`), None for another file: its name without
        `.md` and a language suffix of the site, in any case (Hugo 0.168: `index.v1.md` and
        `_index.fr.md` of a site without fr are pages of their own)."""
        stem = self.language_of(file_name.rpartition(".")[0] or file_name)[1].lower()
        return {"index": "leaf", "_index": "branch"}.get(stem)

    def prefix(self, language: str) -> str:
        """The folder a language's pages are served under ('' or 'ja/'): every language's but
        the default's (that too under `defaultContentLanguageInSubdir`), and only when the site
        has more than one enabled language (Hugo ignores the subdir setting otherwise)."""
        if len(self.enabled) < 2 or (language == self.default and not self.default_in_subdir):
            return ""
        return language + "/"

    def record(self) -> dict:
        """JSON-ready, as the index manifest stores it (store.chunking_settings)."""
        # recorded when set only: no index of a site without language folders is rebuilt
        folders = {"folders": [list(f) for f in self.folders], "root": self.root} if self.folders else {}
        return {"default": self.default, "enabled": list(self.enabled), "disabled": list(self.disabled),
                "default_in_subdir": self.default_in_subdir, **folders}


# A bad value is named in a warning by reprlib, which stops at a few items and levels: str()
# of a YAML alias bomb (442 bytes, nine nested levels of nine aliases) built a value of GBs
# (an attack run, 2026-12-03: 50 s a read, then MemoryError).
_SHOWN = reprlib.Repr()
_SHOWN.maxlevel, _SHOWN.maxlist, _SHOWN.maxdict, _SHOWN.maxstring, _SHOWN.maxother = 2, 3, 3, 40, 40


def shown_value(value) -> str:
    """A config value for a warning: its repr, bounded in size whatever the value holds."""
    return _SHOWN.repr(value)


def _bool(value) -> bool | None:
    """A Hugo boolean: true / false, or the text "true" / "false" in any case (Go's
    cast.ToBool, which Hugo applies); None for anything else."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


# A language code goes into every URL of its pages (/ja/...): letters, digits and inner '-' or
# '_' only ('zh-cn', 'pt_br'), so a code like '../x' never makes a link leave the base path.
_LANGUAGE_CODE = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*")
MAX_LANGUAGES = 100  # a site has a few; a hostile file must not make every note's check slow


def _code(value, what: str, path: Path, warn: Callable[[str], None]) -> str | None:
    """A language code lower-cased as Hugo's keys are, or None (warned) when it cannot be one."""
    code = value.strip().lower() if isinstance(value, str) else ""
    if len(code) <= 40 and _LANGUAGE_CODE.fullmatch(code):
        return code
    warn(f"{path}: {what} {shown_value(value)} is not a language code; ignored")
    return None


def hugo_languages(keys: dict, path: Path, warn: Callable[[str], None],
                   project: Path | None = None) -> HugoLanguages | None:
    """The languages a site file's top-level mapping (`keys`, lower-cased) states, or None
    when it states none, or states them so that Hugo 0.111 refuses to build (warned: a
    `defaultContentLanguage` that is not among `languages`, or is disabled). A bad value is
    warned about with `warn` and left out, never an error. `project`: the project's root
    folder, where content folders are looked for (None: not checked)."""
    names = ("languages", "defaultcontentlanguage", "defaultcontentlanguageinsubdir", "disablelanguages")
    if not any(name in keys for name in names):
        return None
    default = "en"
    if "defaultcontentlanguage" in keys:
        default = _code(keys["defaultcontentlanguage"], "defaultContentLanguage", path, warn) or "en"
        written = keys["defaultcontentlanguage"]
        if isinstance(written, str) and written.strip().lower() == default != written.strip():
            # Hugo 0.111 lower-cases the languages' keys but not this value: "pt-BR" then
            # matches none, and no page without a language suffix is built (an attack run).
            warn(f"{path}: defaultContentLanguage {shown_value(written)} is not written in lower case as Hugo "
                 f"matches it; links to pages without a language suffix may not land")
    subdir = _bool(keys.get("defaultcontentlanguageinsubdir", False))
    if subdir is None:
        warn(f"{path}: defaultContentLanguageInSubdir {shown_value(keys['defaultcontentlanguageinsubdir'])} "
             f"is not true or false; taken as false")
        subdir = False
    # An empty `languages` table is Hugo's default: the one default language.
    languages = _language_tables(keys.get("languages") or {default: {}}, path, warn)
    if languages is None:
        return None
    # A disabled code that is no language of the site names none: `b.fr.md` stays /b.fr/.
    disabled = _disabled(keys.get("disablelanguages", []), path, warn) & set(languages)
    disabled |= {code for code, settings in languages.items() if _bool(settings.get("disabled")) is True}
    enabled = tuple(code for code in languages if code not in disabled)
    if default not in enabled:
        warn(f"{path}: defaultContentLanguage {default!r} is not one of its enabled languages (Hugo does not "
             f"build such a site); its languages are ignored")
        return None
    for code, settings in languages.items():
        if "baseurl" in settings:
            warn(f"{path}: language {code!r} has its own baseURL, which citations do not follow: "
                 f"links to its pages may not land")
    # A disabled language reads no content folder (Hugo 0.168; 0.111 read its folder and built
    # the pages there whose suffix named an enabled language).
    content, folders, root = _content_folders(keys, {c: v for c, v in languages.items() if c not in disabled},
                                              default, path, project, warn)
    return HugoLanguages(default, enabled, tuple(sorted(disabled)), subdir, folders, root, content)


# A content folder's name longer than this is not read: no site has one, and each note's
# check reads every language's folder (an attack run: 120,000 levels took 0.15 s a note).
MAX_CONTENT_DIR = 1_000


def _content_folder(value, project: Path | None) -> str | None:
    """A `contentDir` as Hugo reads it, relative to the project's root and normalized
    (`./content//en/.` -> content/en; an absolute path inside the project made relative), or
    None when it is not text, leaves the project, or (with `project`) names no folder: Hugo
    takes it as written, so `" content/ja "` is no folder and no pages."""
    if not isinstance(value, str) or not value or len(value) > MAX_CONTENT_DIR or "\0" in value:
        return None
    if value.startswith("/"):
        if project is None:
            return None
        try:
            value = Path(value).resolve().relative_to(project.resolve()).as_posix()
        except (ValueError, OSError, RuntimeError):
            return None
    folder = posixpath.normpath(value)
    if folder == ".." or folder.startswith("../") or folder.startswith("/"):
        return None
    if project is not None and not (project / folder).is_dir():
        return None
    return folder


def _content_folders(keys: dict, languages: dict[str, dict], default: str, path: Path, project: Path | None,
                     warn: Callable[[str], None]) -> tuple[str, tuple[tuple[str, str], ...], str | None]:
    """(the folder holding every language's content folder, the languages' folders below it
    deepest first, the language reading that folder itself: "" the default, None none), from
    the site's `contentDir` (default `content`) and the languages' own. A language's own that
    cannot be read is warned about and gives that language no pages (Hugo builds none)."""
    top = _content_folder(keys.get("contentdir", "content"), project)
    if top is None:
        top = posixpath.normpath(keys["contentdir"]) if isinstance(keys.get("contentdir"), str) else "content"
    dirs: dict[str, str] = {}
    for code, settings in languages.items():
        if "contentdir" not in settings:
            dirs[code] = top
            continue
        folder = _content_folder(settings["contentdir"], project)
        if folder is None:
            warn(f"{path}: language {code!r} has a contentDir {shown_value(settings['contentdir'])} that is no folder "
                 f"of the project; its pages are not linked")
            continue
        dirs[code] = folder
    if not dirs:
        return top, (), ""
    common = posixpath.commonpath(list(dirs.values())) or "."
    folders = [(code, posixpath.relpath(d, common)) for code, d in dirs.items() if d != common]
    at_root = [code for code, d in dirs.items() if d == common]
    root = "" if default in at_root else (at_root[0] if at_root else None)
    return common, tuple(sorted(folders, key=lambda f: -f[1].count("/"))), root


def _language_tables(table, path: Path, warn: Callable[[str], None]) -> dict[str, dict] | None:
    """`languages` as {code: its settings, keys lower-cased}, in the file's order; None
    (warned) when a language's settings are not a table: Hugo 0.111 refuses to build
    ("Language config is not a map")."""
    if not isinstance(table, dict):
        warn(f"{path}: languages is not a table of languages; ignored")
        return {}
    found = {}
    if len(table) > MAX_LANGUAGES:
        warn(f"{path}: languages names {len(table)} languages; only the first {MAX_LANGUAGES} are read")
    for key, settings in list(table.items())[:MAX_LANGUAGES]:
        code = _code(key, "language", path, warn)
        if code and not isinstance(settings, dict):
            warn(f"{path}: language {code!r} is set to {shown_value(settings)}, not a table of settings (Hugo does "
                 f"not build such a site); its languages are ignored")
            return None
        if code:
            found[code] = lower_keys(settings)
    return found


def _disabled(value, path: Path, warn: Callable[[str], None]) -> set[str]:
    """`disableLanguages` as a set of codes; a text is its words (Go's cast.ToStringSlice:
    `disableLanguages = "ja"` disables ja)."""
    if isinstance(value, str):
        value = value.split()
    if not isinstance(value, list):
        warn(f"{path}: disableLanguages is not a list; ignored")
        return set()
    return {code for code in (_code(v, "disableLanguages entry", path, warn) for v in value[:MAX_LANGUAGES]) if code}


# Front matter keys Hugo reads a page's dates from, first found wins (its default `frontmatter`
# configuration: https://gohugo.io/getting-started/configuration/#configure-front-matter).
_PUBLISH_KEYS = ("publishdate", "pubdate", "published", "date")
_EXPIRY_KEYS = ("expirydate", "unpublishdate")


# Go's date layouts Hugo reads from text beyond ISO 8601 (cast.StringToDate), as strptime
# formats: "02 Jan 2099", ANSIC, and the e-mail forms (RFC 1123/822, email.utils). A second
# attack's "02 Jan 2099" and "Mon, 02 Jan 2099 15:04:05 MST" kept pages Hugo leaves out.
_TEXT_DATES = ("%d %b %Y", "%a %b %d %H:%M:%S %Y", "%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M:%S")
MAX_DATE_CHARS = 100


def go_true(value) -> bool:
    """A front matter flag as Hugo reads it true: Go's cast.ToBool (true; a number other than
    0; the text strconv.ParseBool takes for true: "1", "t", "T", "TRUE", "true", "True"), and
    yaml.v2's `y` / `Y`, which PyYAML leaves as text. `draft: 1` and `draft: "T"` hid pages
    in Hugo 0.111 that were answered (a second attack, 2026-12-06); "true " (a space) is false
    to Go and here."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value != 0
    return isinstance(value, str) and value in ("1", "t", "T", "TRUE", "true", "True", "y", "Y")


def _moment(value) -> datetime | None:
    """A front matter date as Hugo reads it (a YAML/TOML date or datetime, ISO 8601 text, Go's
    other layouts `_TEXT_DATES` and the e-mail forms, a Unix time in seconds), in UTC when it
    names no zone; None for anything else."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value, tz=timezone.utc)
        except (OverflowError, OSError, ValueError):  # past Python's years: far in the future or past
            return None if value != value else datetime.max.replace(tzinfo=timezone.utc) if value > 0 else \
                datetime.min.replace(tzinfo=timezone.utc)
    if isinstance(value, str):
        value = _text_moment(value.strip()[:MAX_DATE_CHARS + 1])
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=timezone.utc)
    return None


# Go's Time.String: "2099-01-02 15:04:05.123 +0000 UTC" (a third attack)
_GO_TIME_STRING = re.compile(r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?) ([+-]\d{4})(?: [A-Za-z]+)?")


def _text_moment(text: str) -> datetime | None:
    if len(text) > MAX_DATE_CHARS:
        return None
    go = _GO_TIME_STRING.fullmatch(text)
    if go:
        text = f"{go[1][:26]}{go[2][:3]}:{go[2][3:]}"
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        pass
    for layout in _TEXT_DATES:
        try:
            return datetime.strptime(text, layout)
        except ValueError:
            continue
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None


def hides_page(meta: dict, build_future: bool = False, build_expired: bool = False, now: datetime | None = None) -> bool:
    """True when Hugo builds no page for front matter `meta` (keys any case) beyond `draft`:
    `headless` true, `build` / `_build` with `render` never (or link, or false), a publish date (or date) after
    `now` unless the site sets buildFuture, an expiry date before it unless buildExpired.
    Hugo 0.111 built none of these pages, which were indexed and answered (an attack,
    2026-12-05). https://gohugo.io/content-management/build-options/,
    https://gohugo.io/getting-started/usage/#draft-future-and-expired-content"""
    meta = lower_keys(meta)
    if go_true(meta.get("headless")):  # a headless bundle has no page (a second attack)
        return True
    # `_build` before `build` when both are set, as Hugo 0.111 (a third attack)
    build = lower_keys(meta.get("_build") if "_build" in meta else meta.get("build"))
    render = build.get("render")
    if (render is False or (isinstance(render, (int, float)) and not isinstance(render, bool) and render == 0)
            or (isinstance(render, str) and render.strip().lower() in ("never", "link", "false", "0", "f", "n"))):
        return True
    now = now or datetime.now(timezone.utc)
    # the first key whose value reads as a date: Hugo falls through one it cannot read
    published = next((m for k in _PUBLISH_KEYS if k in meta and (m := _moment(meta[k])) is not None), None)
    expires = next((m for k in _EXPIRY_KEYS if k in meta and (m := _moment(meta[k])) is not None), None)
    return (not build_future and published is not None and published > now) or \
        (not build_expired and expires is not None and expires < now)
