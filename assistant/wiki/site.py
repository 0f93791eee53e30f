"""The wiki site's own configuration file, read from the notes folder, so citation links land
on the real site without settings: where its pages are served and their URL style.

- Jekyll (GitHub Pages): `_config.yml` (else `_config.yaml`, as Jekyll looks) in the notes
  folder (the site's source): `url` + `baseurl` give the base URL; `permalink: pretty`, or a
  permalink template ending in `/` (`/:categories/:title/`), gives page URLs `/dir/page/`
  (Jekyll's Utils.add_permalink_suffix); `kramdown: {input: kramdown}` gives the kramdown
  engine (Jekyll's default input is GFM); `permalink`, `collections`, `collections_dir` and
  `timezone` give posts' and collections' URLs (jekyll.JekyllUrls).
- MkDocs: `mkdocs.yml` (else `mkdocs.yaml`) in the notes folder or its parent whose `docs_dir`
  (default `docs`) is the notes folder, or a folder below it (`pages_dir`: the notes folder is
  the project's root): the engine, `site_url`, `use_directory_urls` (MkDocs' default: true).
- VitePress: `.vitepress/config.{js,ts,mjs,mts,cjs,cts}` in the notes folder (VitePress'
  own layout: the folder holding `.vitepress` is the site's root), or in its parent whose
  `srcDir` is the notes folder: the engine; `cleanUrls`, `srcDir` (`pages_dir`) and, with
  `sitemap: {hostname}`, `base` when written as literals (vitepress.py).
- Docusaurus: `docusaurus.config.{js,ts,mjs,cjs}` in the parent of the notes folder, named
  `docs` (the docs plugin's default `path`) or named by a `path` literal in it, or in the
  notes folder with such a folder below it (`pages_dir`): the engine;
  `url`, `baseUrl` and the plugin's `routeBasePath` (default `docs`), when written as
  literals, the base URL; `trailingSlash`, whether page URLs end in '/'.
- Hugo: `hugo.{toml,yaml,yml,json}` (else the older `config.*`, as Hugo looks) in the parent
  of the notes folder or in the notes folder, and its configuration folder (`config/_default/`,
  `config/production/`: `hugo.*` and `languages.*`), when its `contentDir` (default `content`)
  is the notes folder, or a folder below it (`pages_dir`: the project's root was given): the
  engine, `baseURL`, `uglyURLs` (Hugo's default: false, so pages end in `/`), its languages
  (`languages`, `defaultContentLanguage`, `defaultContentLanguageInSubdir`, `disableLanguages`:
  HugoLanguages). Hugo's keys are case-insensitive (`baseurl` counts).
- A GitHub or GitLab wiki: the notes folder is a clone of one, its `.git/config` naming an
  `origin` that ends in `.wiki.git` (`https://github.com/org/repo.wiki.git`,
  `git@gitlab.example.com:group/project.wiki.git`): the engine (`github-wiki` on a host named
  github, `gitlab-wiki` on one named gitlab; another host is named in a warning) and the base
  URL, `https://HOST/org/repo/wiki` or `https://HOST/group/project/-/wikis`. A user name or
  token in the remote is never put into a link. A copy of a wiki (no `.git`): the engine
  alone, from its home page beside a sidebar or footer page (clone.wiki_layout).

The JavaScript configurations are read, never run (running them would run whatever the
team's repository holds, at every start): only a literal value of a key the file writes
once counts (`base` also names sidebar groups: written twice, it is not taken), as no
Python library reads a JavaScript module's values without executing it.

Only what the file states is returned; explicit settings always win (config.from_env). A
file that is missing, unreadable, too large or not YAML gives nothing and a warning, never an
error: the notes can still be answered from.

The file comes from the notes' repository, which anyone on the team can push to, so it is
read as notes are (notes.read_note): never through a symbolic link (a `_config.yml` linked to
a file outside the notes put that file's `url` into every citation link), only a regular
file, bounded. A file in the parent folder counts only when the notes folder's owner (or
root, or this process's user) owns it: `/tmp/mkdocs.yml` written by another local user
pointed the citation links of notes in `/tmp/docs` at any host. Each file is parsed once per
version (LibYAML when installed): a 256 KB flow mapping took 5.0 s in pure-Python PyYAML and
was parsed twice per start, for each file.
"""
from __future__ import annotations

import os
import posixpath
from pathlib import Path

from .clone import wiki_clone, wiki_layout
from .docusaurusi18n import translations_of
from .mkdocsi18n import mkdocs_languages
from .projectroot import docs_folder_below, not_below, pages_dir_of, path_literals
from .jekyll import jekyll_urls
from .mkdocsfiles import MAX_PATTERNS, pattern_lines
from .mkdocsmarkdown import PythonCall, PythonName, python_call, read_mkdocs_markdown
from .hugo import hugo_languages, lower_keys  # noqa: F401 - lower_keys: part of this module's interface
from .vitepress import vitepress_site
from .sitefile import _FIRST_READ, MAX_CONFIG_BYTES, SiteConfig, _first_file, _literal, _read_bounded, _warn_once  # noqa: F401 - MAX_CONFIG_BYTES: part of this module's interface

_parsed: dict[tuple, object] = {}  # (path, device, inode, size, mtime) -> the parsed data


def _loader():
    import yaml

    class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # LibYAML: 4-10x faster
        pass

    # MkDocs' `!!python/name:` and `!!python/object/apply:` kept as inert data (never imported):
    # the toc slugify a site names decides its heading ids (mkdocsmarkdown.py).
    _Loader.add_multi_constructor("tag:yaml.org,2002:python/name:", lambda loader, suffix, node: PythonName(suffix))
    _Loader.add_multi_constructor("tag:yaml.org,2002:python/object/apply:", _python_call)
    _Loader.add_multi_constructor("", lambda loader, suffix, node: None)
    return _Loader


def _python_call(loader, suffix: str, node) -> PythonCall:
    import yaml

    if isinstance(node, yaml.MappingNode):
        arguments = loader.construct_mapping(node, deep=True)
    elif isinstance(node, yaml.SequenceNode):
        arguments = loader.construct_sequence(node, deep=True)
    else:
        arguments = loader.construct_scalar(node)
    return python_call(suffix, arguments)


def _parse(path: Path, text: str):
    """The file's data by its suffix: TOML (tomllib), JSON, else YAML (a safe loader)."""
    if path.suffix == ".toml":
        import tomllib

        return tomllib.loads(text)
    if path.suffix == ".json":
        import json

        return json.loads(text)
    import yaml

    return yaml.load(text, Loader=_loader())  # noqa: S506 (safe subclass)


def _load_config(path: Path, owners: tuple[int, ...] | None = None) -> dict | None:
    """The file's top-level mapping, or None (missing, too large, unreadable, not a mapping,
    see _read_bounded). Tags of other programs (MkDocs' `!!python/name:`, `!ENV`) load as
    None, not as errors."""
    import yaml

    try:
        found = _read_bounded(path, owners)
        if found is None:
            return None
        key, raw = found
        if key not in _parsed:
            if len(_parsed) > 16:
                _parsed.clear()
            _parsed[key] = _parse(path, raw.decode("utf-8", errors="replace"))
        data = _parsed[key]
    # TOMLDecodeError and JSONDecodeError are ValueErrors
    except (OSError, ValueError, yaml.YAMLError, RecursionError) as exc:
        _warn_once(f"{path}: not read as the site's configuration ({str(exc).splitlines()[0] if str(exc) else type(exc).__name__})")
        return None
    return data if isinstance(data, dict) else None


def _text(value) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _jekyll_clean_urls(permalink) -> bool | None:
    """Page URLs end in `/` under `pretty` or a template ending in `/`; `date`, `ordinal`,
    `none` and templates ending in `:output_ext` give `.html` (Jekyll's default)."""
    style = _text(permalink)
    if style is None:
        return None
    if style == "pretty" or (style not in ("date", "ordinal", "none") and style.endswith("/")):
        return True
    return False if style in ("date", "ordinal", "none") or style.endswith(":output_ext") else None


def _jekyll(notes_dir: Path) -> SiteConfig | None:
    path = _first_file(notes_dir, ("_config.yml", "_config.yaml"))
    data = _load_config(path)
    if data is None:
        return None
    url, baseurl = _text(data.get("url")), _text(data.get("baseurl"))
    base = None
    if url:
        base = url.rstrip("/") + ("/" + baseurl.strip("/") if baseurl and baseurl.strip("/") else "")
    kramdown = data.get("kramdown")
    source_input = _text(kramdown.get("input")) if isinstance(kramdown, dict) else None
    engine = "kramdown" if source_input and source_input.lower() == "kramdown" else "jekyll"
    return SiteConfig(path, engine, base, _jekyll_clean_urls(data.get("permalink")),
                      _patterns(data.get("exclude")) + JEKYLL_DEFAULT_EXCLUDES, _patterns(data.get("include")),
                      _jekyll_id_setting(data), permalinks=jekyll_urls(data))


def _jekyll_id_setting(data: dict) -> str | None:
    """The first setting that makes Jekyll's heading ids other than kramdown's defaults."""
    markdown = _text(data.get("markdown"))
    if markdown and markdown.lower() != "kramdown":
        return f"markdown: {markdown[:40]}"
    kramdown = data.get("kramdown") if isinstance(data.get("kramdown"), dict) else {}
    if kramdown.get("auto_ids") is False:
        return "kramdown: auto_ids: false"
    for key in ("auto_id_prefix", "auto_id_stripping", "transliterated_header_ids"):
        if kramdown.get(key):
            return f"kramdown: {key}"
    return None


# Jekyll 4.3 adds these to every site's `exclude` (Configuration::DEFAULT_EXCLUDES).
JEKYLL_DEFAULT_EXCLUDES = (".sass-cache", ".jekyll-cache", "gemfiles", "Gemfile", "Gemfile.lock", "node_modules",
                           "vendor/bundle/", "vendor/cache/", "vendor/gems/", "vendor/ruby/")


def _patterns(value) -> tuple[str, ...]:
    """A list of path patterns as Jekyll reads `exclude`/`include` (strings only; a single
    string is refused by Jekyll and ignored here)."""
    if not isinstance(value, list):
        return ()
    return tuple(p for p in value if isinstance(p, str) and p)[:MAX_PATTERNS]


def _trusted_owners(notes_dir: Path) -> tuple[int, ...]:
    """Users whose file beside the notes folder is taken as the site's: the folder's owner,
    root and this process's user."""
    try:
        return (os.stat(notes_dir).st_uid, 0, os.getuid())
    except (OSError, AttributeError):  # no such folder; no getuid (Windows)
        return (0,)


def _mkdocs(notes_dir: Path) -> SiteConfig | None:
    for folder in (notes_dir, notes_dir.parent):
        path = _first_file(folder, ("mkdocs.yml", "mkdocs.yaml"))
        data = _load_config(path, None if folder == notes_dir else _trusted_owners(notes_dir))
        if data is None:
            continue
        docs_dir = _text(data.get("docs_dir")) or "docs"
        pages = pages_dir_of(notes_dir, folder, docs_dir)
        if pages is None:
            not_below(notes_dir, folder, path, "docs_dir", docs_dir)
            continue
        clean = data.get("use_directory_urls")
        markdown, unfollowed = read_mkdocs_markdown(data.get("markdown_extensions"))
        return SiteConfig(path, "mkdocs", _text(data.get("site_url")), clean if isinstance(clean, bool) else None,
                          id_setting=unfollowed, markdown=markdown, pages_dir=pages or None,
                          exclude_docs=pattern_lines(data.get("exclude_docs"), f"{path}: exclude_docs"),
                          draft_docs=pattern_lines(data.get("draft_docs"), f"{path}: draft_docs"),
                          translations=mkdocs_languages(data.get("plugins")))
    return None


_DOCUSAURUS_CONFIGS = tuple(f"docusaurus.config.{ext}" for ext in ("js", "ts", "mjs", "cjs"))


def _vitepress(notes_dir: Path) -> SiteConfig | None:
    return vitepress_site(notes_dir, _trusted_owners(notes_dir))


def _docusaurus(notes_dir: Path) -> SiteConfig | None:
    # The project's root beside the notes folder (the notes are its docs), or the notes folder
    # itself (the team pointed at the repository: the docs are below; its blog and src/pages,
    # other plugins' pages, are left out).
    return _docusaurus_in(notes_dir.parent, notes_dir, _trusted_owners(notes_dir)) or _docusaurus_in(notes_dir, notes_dir, None)


def _docusaurus_in(folder: Path, notes_dir: Path, owners: tuple[int, ...] | None) -> SiteConfig | None:
    path = _first_file(folder, _DOCUSAURUS_CONFIGS)
    found = _read_bounded(path, owners)
    if found is None:
        return None
    text = found[1].decode("utf-8", errors="replace")
    if folder == notes_dir:
        pages = docs_folder_below(notes_dir, text)
    else:
        # The docs folder: `docs` (the docs plugin's default), or a `path` literal naming the
        # notes folder ("path: 'notes'"). Any `path` counts, as a regular expression cannot
        # tell the docs plugin's from a blog's or a locale's; it must be the notes folder.
        named = ["docs", *(path for _, path in path_literals(text))]
        pages = "" if any(pages_dir_of(notes_dir, folder, n) == "" for n in named) else None
    if pages is None:
        return None
    host = _literal(text, "url", r"'https?://[^'\n]*'|\"https?://[^\"\n]*\"")
    base = _literal(text, "baseUrl", r"'/[^'\n]*'|\"/[^\"\n]*\"")
    # Docs are served under the site's baseUrl and the plugin's routeBasePath (default `docs`),
    # dot segments resolved as a browser resolves them (".." never climbs above the host)
    route = _literal(text, "routeBasePath", r"'[^'\n]*'|\"[^\"\n]*\"")
    parts = [p for p in ((base or "''")[1:-1].strip("/"), (route or "'docs'")[1:-1].strip("/")) if p]
    served = posixpath.normpath("/" + "/".join(parts)) if parts else None
    served = None if served in (None, "/", "//") else served
    base_url = host[1:-1].rstrip("/") + (served or "") if host else None
    trailing = _literal(text, "trailingSlash", r"true|false")  # its URLs' final '/' (pages.py)
    # A locale's copies of the docs are in the project's root, beside them (docusaurusi18n.py)
    default = _literal(text, "defaultLocale", r"'[^'\n]*'|\"[^\"\n]*\"")
    default = default[1:-1] if default else None
    translations = translations_of(notes_dir, text, default, (route or "'docs'")[1:-1].strip("/")) if pages else None
    if pages == "" and translations_of(folder, text, default, "") is not None:
        _warn_once(f"{folder / 'i18n'}: the translated docs are outside the notes folder, and not indexed; give the "
                   f"project's root ({folder}) as the notes folder to answer from them too")
    return SiteConfig(path, "docusaurus", base_url, None if trailing is None else trailing == "true", base_path=served,
                      pages_dir=pages or None, translations=translations)


_HUGO_CONFIGS = tuple(f"{stem}.{ext}" for stem in ("hugo", "config") for ext in ("toml", "yaml", "yml", "json"))


def _hugo_id_setting(data: dict) -> str | None:
    """A goldmark setting that gives headings other ids than Hugo's default "github" ones."""
    parser = lower_keys(lower_keys(lower_keys(lower_keys(data).get("markup")).get("goldmark")).get("parser"))
    if parser.get("autoheadingid") is False:
        return "markup.goldmark.parser.autoHeadingID: false"
    style = parser.get("autoheadingidtype")
    if isinstance(style, str) and style.lower() != "github":
        return f"markup.goldmark.parser.autoHeadingIDType: {style[:40]}"
    return None


# Hugo's configuration folder (`configDir`, default `config`): `_default/`, then `production/`
# (the environment `hugo` builds in) over it, each a `hugo.*` / `config.*` of top-level keys
# and a file per top-level key (`languages.toml` holds the languages). The site file in the
# project's root wins over the folder (Hugo merges the folder in for keys not yet set).
# Only the keys read here are taken from key files. https://gohugo.io/configuration/introduction/
_HUGO_CONFIG_DIRS = ("config/_default", "config/production")
_HUGO_KEY_FILES = ("languages", "markup")


def _hugo_keys(folder: Path, owners: tuple[int, ...] | None) -> tuple[Path, dict] | None:
    """(the file that states the site, its top-level keys lower-cased, merged as Hugo merges
    the root file and the configuration folder), or None when there is neither."""
    path = _first_file(folder, _HUGO_CONFIGS)
    root = _load_config(path, owners)
    keys: dict = {}
    stated = None
    for sub in _HUGO_CONFIG_DIRS:
        where = folder / sub
        # a linked folder is not followed, as a linked site file is not (sitefile._read_bounded)
        if not os.path.isdir(where) or os.path.islink(where) or os.path.islink(where.parent):
            continue
        main = _first_file(where, _HUGO_CONFIGS)
        found = _load_config(main, owners)
        if found is not None:
            _merge(keys, lower_keys(found))
            stated = stated or main
        for key in _HUGO_KEY_FILES:
            key_path = _first_file(where, tuple(f"{key}.{ext}" for ext in ("toml", "yaml", "yml", "json")))
            value = _load_config(key_path, owners) if os.path.lexists(key_path) else None
            if value is not None:
                _merge(keys, {key: value})
                stated = stated or key_path
    if root is not None:
        _merge(keys, lower_keys(root))
        stated = path
    return (stated, keys) if stated is not None else None


def _merge(keys: dict, more: dict, depth: int = 0) -> None:
    """`more` over `keys`, tables merged key by key as Hugo merges its configuration files
    (`[languages.ja] title` in hugo.toml keeps `config/_default/languages.toml`'s `contentDir`
    for ja: replaced whole, ja lost its folder; an attack run, 2026-12-05)."""
    for key, value in more.items():
        if isinstance(value, dict) and isinstance(keys.get(key), dict) and depth < 4:
            merged = dict(keys[key])
            _merge(merged, value, depth + 1)
            keys[key] = merged
        else:
            keys[key] = value


def _hugo(notes_dir: Path) -> SiteConfig | None:
    # The project's root beside the notes folder (the notes are its content folder), or the
    # notes folder itself (the team pointed at the repository: its content folder is below).
    for folder in (notes_dir.parent, notes_dir):
        found = _hugo_keys(folder, None if folder == notes_dir else _trusted_owners(notes_dir))
        if found is None:
            continue
        path, keys = found
        if folder == notes_dir and path.name.startswith("config.") and "baseurl" not in keys:
            continue  # a note folder's own config.yaml (an app's, a tool's) is no Hugo site unless it says so
        languages = hugo_languages(keys, path, _warn_once, folder)
        # the folder holding every language's content folder (content/ for content/en + content/ja)
        content_dir = languages.content if languages is not None else (_text(keys.get("contentdir")) or "content")
        pages = pages_dir_of(notes_dir, folder, content_dir)
        if pages is None:
            not_below(notes_dir, folder, path, "contentDir", content_dir)
            continue
        ugly = keys.get("uglyurls")
        return SiteConfig(path, "hugo", _text(keys.get("baseurl")), (not ugly) if isinstance(ugly, bool) else None,
                          id_setting=_hugo_id_setting(keys), languages=languages, pages_dir=pages or None,
                          build_future=keys.get("buildfuture") is True, build_expired=keys.get("buildexpired") is True)
    return None


def read_site_config(notes_dir: Path) -> SiteConfig:
    """The site configuration in or beside `notes_dir` (MkDocs first, then Jekyll, VitePress,
    Docusaurus, Hugo, a wiki clone), or an empty SiteConfig. Never raises for a bad file (a warning is logged)."""
    try:
        notes_dir = Path(notes_dir)
        site = _mkdocs(notes_dir) or _jekyll(notes_dir) or _vitepress(notes_dir) or _docusaurus(notes_dir) or _hugo(notes_dir)
        site = site or wiki_clone(notes_dir) or wiki_layout(notes_dir) or SiteConfig()
    except (OSError, ValueError) as exc:  # e.g. a path with a NUL byte
        _warn_once(f"site configuration not read: {exc}")
        site = SiteConfig()
    _FIRST_READ.setdefault(str(notes_dir), site)
    return site


def site_config_at_start(notes_dir: Path) -> SiteConfig:
    """`notes_dir`'s first SiteConfig in this process (read now if none), which config.from_env made the
    settings from; watch.SiteFileCheck compares with it (read again later, an edit 0.6 s into start-up passed for it)."""
    return _FIRST_READ.get(str(Path(notes_dir))) or read_site_config(notes_dir)
