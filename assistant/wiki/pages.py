"""Page URLs and titles as each wiki engine makes them.

URL path of a note `dir/page.md` (before the base URL, which may carry a base path):

| engine | default | with clean URLs on | index.md |
|---|---|---|---|
| jekyll, kramdown | `/dir/page.html` (Jekyll's page default) | `/dir/page/` (`permalink: pretty`) | `/dir/` |
| mkdocs | `/dir/page/` (`use_directory_urls: true`) | same; off: `/dir/page.html` | `/dir/` (README.md too); off: `/dir/index.html` |
| vitepress | `/dir/page.html` | `/dir/page` (`cleanUrls: true`) | `/dir/` |
| docusaurus | `/dir/page` (a front-matter `id` names the page) | `trailingSlash: true`: `/dir/page/`; `false`: no path ends in `/` | `/dir/` (README.md and `dir/dir.md` too) |
| github, gitlab | `/dir/page.md` (the file view; the base URL ends in `/blob/main`) | same | same |
| hugo | `/dir/page/` (`uglyURLs: false`) | off (`uglyURLs: true`): `/dir/page.html` | `/dir/` (`_index.md` too; `/dir.html` under `uglyURLs`) |
| github-wiki | `/page` (the base URL ends in `/wiki`; folders are not in the URL; `_Footer`, `_Header`: `/Home`) | same | `/index` (no index page; `Home.md` is `/Home`) |
| gitlab-wiki | `/dir/page` (the base URL ends in `/-/wikis`) | same | `/dir/index` (`home.md` is `/home`) |

Under Hugo a file `page.ja.md` of a site with a `ja` language is the `ja` page of `page`,
served at `/ja/dir/page/` (hugo_page_path: translation by file name).

Under Jekyll a post (`_posts/2024-03-05-title.md`) or a document of a collection the site
outputs (`_docs/page.md`) is at its collection's URL (jekyll.py), and a front-matter
`permalink`, its placeholders filled, wins; `slug` under Docusaurus; `url`, then `slug`, under
Hugo, which also writes each path segment as its MakePathSanitized does (spaces to '-', only
letters, digits, marks and `._-#+~%` kept, lower-cased: helpers/path.go, Hugo 0.111).
A GitHub wiki's page name is its file name with spaces, '/', '<' and '>' as '-' (gollum's
Page.cname, the engine behind GitHub wikis), in one flat namespace; a GitLab wiki's keeps the
folders and writes spaces as '-' (WikiPage#slug, https://docs.gitlab.com/user/project/wiki/).
Titles: a GitHub wiki's is its file name with '-' as spaces (GitHub shows it above the page; an
h1 in the text is content); else front matter `title`, else the first h1 (VitePress: then `hero.name`/`hero.text` of a
home page), else the file name made readable; for index/README files the folder's name ("Home" at the root).
"""
from __future__ import annotations

import functools
import posixpath
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import unquote

from ..notemeta import FrontMatterError, front_matter_meta
from ..notes import NOTE_SUFFIXES, Note, _front_matter_end, is_bare_readme
from .headings import WikiHeading
from .hugo import HugoLanguages, lower_keys
from .jekyll import MAX_NAME_BITS, JekyllUrls, document_of, document_path, page_permalink

_INDEX_NAMES = {"jekyll": ("index",), "kramdown": ("index",), "mkdocs": ("index", "readme"),
                "vitepress": ("index",), "docusaurus": ("index", "readme")}  # hugo: hugo_page_path
# Clean URLs by default (None = the engine has no such choice)
CLEAN_URLS_DEFAULT = {"jekyll": False, "kramdown": False, "mkdocs": True, "vitepress": False,
                      "docusaurus": None, "github": None, "gitlab": None, "hugo": True,
                      "github-wiki": None, "gitlab-wiki": None}


# Parts of a GitHub wiki shown on every page (gollum's SUBPAGENAMES but the sidebar, which is navigation)
GITHUB_WIKI_PARTS_ON_EVERY_PAGE = ("_footer", "_header")


def front_matter(note: Note) -> dict:
    """The note's front matter (YAML or TOML) as a dict ({} when absent; what its lines give
    one at a time when it does not parse whole, notemeta.FrontMatterError)."""
    end = _front_matter_end(list(note.lines))
    if not end:
        return {}
    try:
        return front_matter_meta(list(note.lines), end)
    except FrontMatterError as exc:  # notes.py already warned about a bad header
        return exc.partial


# A front-matter permalink or slug longer than this is ignored (the page's path is the file's):
# no wiki has such addresses, and every citation and every link of the note's sections repeats
# the page URL - a 100 KB permalink made one chat reply 100 MB (an attack run, 2026-12-01).
MAX_FRONT_MATTER_PATH = 1_000


def _front_matter_path(value) -> str | None:
    """A `permalink` / `slug` value that can be a page's path: non-empty text of at most
    MAX_FRONT_MATTER_PATH characters, else None."""
    return value if isinstance(value, str) and 0 < len(value) <= MAX_FRONT_MATTER_PATH else None


def source_parts(source: str) -> list[str]:
    """A note's path relative to the corpus as its folder and file names; raises ValueError
    for an empty path or one with a '..' segment."""
    # '/'-separated (notes.py: as_posix); a backslash is part of a POSIX file name: read as a
    # separator, a folder named a\..\..\b stopped indexing with a traceback (an attack run).
    parts = [p for p in source.split("/") if p not in ("", ".")]
    if not parts or ".." in parts:
        raise ValueError(f"note source must be a path inside the corpus folder, got {source!r}")
    return parts


def below_pages_dir(parts: list[str], pages_dir: str) -> tuple[list[str], list[str]]:
    """A note's path `parts` (source_parts) split at the site's pages folder `pages_dir`
    ('/'-separated, '' for none; site.SiteConfig.pages_dir): (the folder's parts, the parts
    below it), or ([], parts) for a note not below it."""
    folder = pages_dir.split("/") if pages_dir else []
    if folder and parts[: len(folder)] == folder and len(parts) > len(folder):
        return parts[: len(folder)], parts[len(folder):]
    return [], parts


def jekyll_permalink(permalink: str) -> str:
    """Where Jekyll writes a page with this front-matter permalink, '/'-rooted: its
    URL#sanitize_url ('..' -> '/', './' dropped, '/' runs squeezed), then unescaped, as its
    destination path takes it (Jekyll 4.3, checked by tests/test_site_real.py). A
    `permalink: ../../x/` is written at /x/, never above the site's base path."""
    path = ("/" + permalink).replace("..", "/").replace("./", "")
    return unquote(re.sub("/{2,}", "/", path))


def page_path(note: Note, engine: str, clean_urls: bool | None = None, languages: HugoLanguages | None = None,
              pages_dir: str = "", permalinks: JekyllUrls | None = None, sections: HugoSections | None = None,
              source: str | None = None) -> str:
    """URL path of the note's page, '/'-rooted, not yet percent-encoded. `languages`: a Hugo
    site's (None: Hugo's default, one language "en"); `pages_dir`: the folder the site makes
    its pages from when the notes folder is the project's root (site.SiteConfig.pages_dir), so
    `content/visas/card.md` is the page `/visas/card/`; `permalinks`: a Jekyll site's posts,
    collections and permalink style (jekyll.JekyllUrls; None: Jekyll's defaults); `sections`:
    a Hugo site's section slugs (hugo_sections; None: none); `source`: the path the URL is
    made from when not the note's own (mkdocsi18n.MkdocsLanguages.page_source: `page.en.md`
    as `en/page.md`)."""
    meta = front_matter(note)
    permalink = _front_matter_path(meta.get("permalink"))
    parts = source_parts(source or note.source)
    if engine in ("jekyll", "kramdown"):
        urls = permalinks or JekyllUrls()
        document = document_of(parts, urls)
        if document is not None:
            has_front_matter = bool(_front_matter_end(list(note.lines)))
            path = document_path(document, meta, permalink, has_front_matter, urls)
        else:
            path = page_permalink(permalink, parts) if permalink else None
        # Filled in, a template can grow (a 20 KB `slug` in `/:slug:slug...` made a 4 MB URL, an
        # attack run): bounded as a written permalink is; Jekyll cannot write such a file either.
        if path is not None and len(path) <= MAX_FRONT_MATTER_PATH:
            return jekyll_permalink(path)
    parts = below_pages_dir(parts, pages_dir)[1]
    if engine in ("jekyll", "kramdown") and is_bare_readme(note):
        # GitHub Pages renders no README without front matter as a page of its own: the one of
        # a folder without an index page is the folder's page (jekyll-readme-index), any other
        # is served as the file itself.
        return "/" + "".join(p + "/" for p in parts[:-1]) if note.folder_readme else "/" + "/".join(parts)
    if engine in ("github", "gitlab"):
        return "/" + "/".join(parts)
    clean = CLEAN_URLS_DEFAULT[engine] if clean_urls is None else clean_urls
    if engine == "hugo":
        return hugo_page_path(lower_keys(meta), parts, clean, languages or HugoLanguages(),  # Hugo's keys: any case
                              sections or HugoSections())
    name = without_suffix(parts[-1])
    folder = parts[:-1]
    if engine == "github-wiki":  # one flat namespace of page names: the folders are not in the URL
        # A footer or header is shown on every page: its lines are cited at the home page.
        # "What's the office's phone number?" had its answer only in `_Footer.md` (a new user).
        return "/Home" if name.lower() in GITHUB_WIKI_PARTS_ON_EVERY_PAGE else "/" + re.sub(r"[ /<>]", "-", name)
    if engine == "gitlab-wiki":
        return "/" + "/".join(part.replace(" ", "-") for part in folder + [name])
    if engine == "docusaurus":
        return _with_trailing_slash(_docusaurus_path(meta, folder, name), clean_urls)
    prefix = "/" + "".join(p + "/" for p in folder)
    if name.lower() in _INDEX_NAMES[engine]:
        # MkDocs without directory URLs gives a folder's page as `dir/index.html` (File.url,
        # mkdocs 1.6): the setting exists for hosts that serve no folder's index (a wiki owner).
        return prefix + ("index.html" if engine == "mkdocs" and not clean else "")
    if engine == "mkdocs":
        return prefix + name + ("/" if clean else ".html")
    if engine == "vitepress":
        return prefix + name + ("" if clean else ".html")
    return prefix + name + ("/" if clean else ".html")


def _docusaurus_path(meta: dict, folder: list[str], name: str) -> str:
    """URL path of a Docusaurus doc `folder/name.md` (plugin-content-docs 3.x, docs.ts and
    slug.ts): a `slug` wins, one not starting with '/' under the folder; else a conventional
    index (index, README, or named as its folder, in any case) is the folder's page; else the
    front-matter `id`, else the file name, under the folder. Number prefixes ("01-setup")
    order the sidebar and leave the folders' and file's URL names. An `id` replaces the file
    name in the URL (facebook/docusaurus#10496: a wiki owner's surprise, the code's rule)."""
    index = name.lower() in ("index", "readme") or (bool(folder) and name.lower() == folder[-1].lower())
    folder = [_without_number_prefix(part) for part in folder]
    prefix = "/" + "".join(part + "/" for part in folder)
    slug = _front_matter_path(meta.get("slug"))
    if slug:
        if slug.startswith("/"):
            return slug
        # resolved as a URL path, as Docusaurus' resolvePathname does ("../x" from /dir/ is /x)
        resolved = posixpath.normpath(prefix + slug)
        return resolved + "/" if slug.endswith("/") and resolved != "/" else resolved
    if index:
        return prefix
    doc_id = meta.get("id")
    if isinstance(doc_id, int) and not isinstance(doc_id, bool):  # a number too long to write out is none
        doc_id = str(doc_id) if doc_id.bit_length() <= MAX_NAME_BITS else None
    doc_id = _front_matter_path(doc_id)
    if doc_id and "/" not in doc_id:  # Docusaurus refuses an id with a '/'
        return prefix + doc_id
    return prefix + _without_number_prefix(name)


def _with_trailing_slash(path: str, trailing: bool | None) -> str:
    """A Docusaurus URL path under the site's `trailingSlash` (docusaurus.config; the
    `--wiki-clean-urls` setting): True ends every path in '/', False none but the root's,
    None (Docusaurus' default) leaves it as made (a folder's page ends in '/')."""
    if trailing is None or path == "/":
        return path
    return path.rstrip("/") + "/" if trailing else path.rstrip("/")


# Docusaurus' DefaultNumberPrefixParser (plugin-content-docs 3.x numberPrefix.ts): "01-office" is
# "office", "003 - setup" "setup"; a date- or version-like name keeps its numbers ("2026-27-season",
# "8.0-release": facebook/docusaurus#4640, #4653; a fresh user, heldout29). ASCII digits, as JS's \d.
_IGNORED_NUMBER_PREFIX = re.compile(r"^[0-9]+[-_.][0-9]+")
_NUMBER_PREFIX = re.compile(r"^[0-9]+\s*[-_.]+\s*([^-_.\s].*)$", re.DOTALL)


def _without_number_prefix(name: str) -> str:
    """A Docusaurus file or folder name as its URL has it: without its number prefix."""
    found = None if _IGNORED_NUMBER_PREFIX.match(name) else _NUMBER_PREFIX.match(name)
    return found.group(1) if found else name


def without_suffix(name: str) -> str:
    """A note's file name without its `.md` / `.markdown` / `.mdx`."""
    for suffix in NOTE_SUFFIXES:
        if name.lower().endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def hugo_page_path(meta: dict, parts: list[str], clean: bool, languages: HugoLanguages,
                   sections: HugoSections | None = None) -> str:
    """URL path of a Hugo page: its front matter (keys lower-cased), its folder and file
    names, the site's URL style and languages (Hugo 0.168, each rule checked by
    tests/test_site_real.py against a real build):

    - translation by file name: `about.ja.md` is the `ja` page of `about`, a suffix that is
      not a language of the site stays in the name (`foo.fr.md` -> /foo.fr/); a language's
      pages are served under its prefix (HugoLanguages.prefix: /ja/about/);
    - translation by content folder: a file in a language's own `contentDir` (`ja/about.md`
      under `content/ja`) is that language's page at its path in that folder, unless its
      name's suffix names another;
    - a file named `_index.md` is its folder's section page, `index.md` a leaf bundle's page,
      with a language suffix of the site or not, in any case (HugoLanguages.bundle_page); the
      site's own is its home page (/, /ja/);
    - `url` wins; one not starting with '/' is under the language's prefix (`url: rel/` of
      a `ja` page -> /ja/rel/), one starting with '/' is not;
    - `slug` renames a page, or a leaf bundle's folder; a section's renames the section and
      every page below it (`sections`, hugo_sections: content/guide/_index.md with `slug:
      handbook` serves guide/page.md at /handbook/page/; Hugo 0.111 kept the folder's name);
    - `uglyURLs` (`clean` false): /dir/page.html, a leaf bundle's page /dir.html, a
      section's /dir/index.html.
    """
    language = languages.page_language(parts) or languages.default
    parts = languages.folder_language(parts)[1]
    file_name = parts[-1]
    name = languages.language_of(without_suffix(file_name))[1]
    prefix = languages.prefix(language)
    url = _front_matter_path(meta.get("url"))
    if url:  # dot segments dropped as Jekyll does: a link never leaves the base path
        return jekyll_permalink(url if url.startswith("/") else prefix + url)
    bundle = languages.bundle_page(file_name)
    index = bundle is not None
    folder = [hugo_path_segment(p) for p in parts[:-1]]
    if sections is not None:
        folder = sections.folder(language, parts[:-1], folder)
    slug = _front_matter_path(meta.get("slug"))
    if slug and not index:
        name = slug
    elif slug and bundle == "leaf" and folder:  # a leaf bundle's slug names its folder
        folder = folder[:-1] + [slug_segment(slug)]
    name = slug_segment(name)
    if index:
        if not clean and bundle == "leaf" and folder:  # uglyURLs: a leaf bundle's page is /dir.html,
            return "/" + prefix + "".join(p + "/" for p in folder[:-1]) + folder[-1] + ".html"
        # a section's (and the home page) /dir/index.html (Hugo 0.168; 0.111 made it /dir.html)
        return "/" + prefix + "".join(p + "/" for p in folder) + ("" if clean else "index.html")
    return "/" + prefix + "".join(p + "/" for p in folder) + name + ("/" if clean else ".html")


def slug_segment(slug: str) -> str:
    """A folder's part of a Hugo URL a `slug` gives, as MakePathSanitized writes it; it keeps
    '/' and '.', and a `slug: ../../x` must not climb out of the site."""
    return jekyll_permalink("/".join(hugo_path_segment(part) for part in slug.split("/"))).strip("/") or "-"


@dataclass(frozen=True)
class HugoSections:
    """The `slug` of each section's page (`_index.md`) per language: (language, the section's
    folder in its language's content folder, the slug). Hugo 0.168 serves the section and
    every page below it under that name, each language under its own (checked by
    tests/test_site_real.py); a section's `url` moves only its own page."""

    slugs: tuple[tuple[str, tuple[str, ...], str], ...] = ()

    @functools.cached_property
    def _by_folder(self) -> dict[tuple[str, tuple[str, ...]], str]:
        return {(language, folder): slug_segment(slug) for language, folder, slug in self.slugs}

    @functools.cached_property
    def _hash(self) -> int:
        return hash(self.slugs)

    def __hash__(self) -> int:
        # Part of each page's cache key (wiki._cached_page): hashing every slug again for every
        # note made a build O(notes x sections).
        return self._hash

    def folder(self, language: str, parts: list[str], served: list[str]) -> list[str]:
        """`served` (the segments of the folder at `parts`, sanitized) with each section's
        segment its `language` slug, where it has one."""
        if not self.slugs:
            return served
        return [self._by_folder.get((language, tuple(parts[: i + 1])), segment) for i, segment in enumerate(served)]


def hugo_sections(notes: Iterable[Note], languages: HugoLanguages | None, pages_dir: str = "") -> HugoSections:
    """The section slugs of a Hugo site's published `notes` (HugoSections); `languages` and
    `pages_dir` as for page_path."""
    languages = languages or HugoLanguages()
    slugs = []
    for note in notes:
        parts = below_pages_dir(source_parts(note.source), pages_dir)[1]
        language = languages.page_language(parts)
        inner = languages.folder_language(parts)[1]
        if language is None or len(inner) < 2 or languages.bundle_page(inner[-1]) != "branch":
            continue
        slug = _front_matter_path(lower_keys(front_matter(note)).get("slug"))
        if slug:
            slugs.append((language, tuple(inner[:-1]), slug))
    return HugoSections(tuple(sorted(slugs)))


def hugo_ref_folder(source: str, languages: HugoLanguages | None, pages_dir: str, lang: str | None) -> str:
    """The folder of the notes folder, '/'-separated ('' for itself), that a Hugo `ref` path
    ("/patrol/radio.md") written in the note at `source` starts from: the content folder
    (`pages_dir`) of language `lang`, or of the note's own language when None (a language
    with its own `contentDir` reads that folder)."""
    languages = languages or HugoLanguages()
    parts = below_pages_dir(source_parts(source), pages_dir)[1]
    language = (lang or "").lower() or languages.page_language(parts) or languages.default
    return "/".join(filter(None, (pages_dir, dict(languages.folders).get(language, ""))))


def hugo_path_segment(name: str) -> str:
    """One path segment as Hugo's MakePathSanitized writes it (default settings)."""
    name = name.strip().replace(" ", "-")
    kept = [ch for i, ch in enumerate(name)
            if unicodedata.category(ch)[0] in "LM" or unicodedata.category(ch) == "Nd" or ch in "._-#+~"
            or (ch == "%" and re.fullmatch(r"[0-9A-Fa-f]{2}", name[i + 1 : i + 3]))]
    return "".join(kept).lower()


def _readable(name: str) -> str:
    """A file or folder name as a title: 'going-out-of-office' -> 'Going out of office'."""
    name = re.sub(r"[-_]+", " ", name).strip()
    return name[:1].upper() + name[1:] if name else name


def page_title(note: Note, engine: str, headings: Sequence[WikiHeading]) -> str:
    """The page's title: front matter, first h1, VitePress hero, file or folder name; a
    GitHub wiki's file name."""
    if engine == "github-wiki":  # gollum's title: the page name with '-' read as spaces
        stem = PurePosixPath(note.source).stem
        if stem.lower() in GITHUB_WIKI_PARTS_ON_EVERY_PAGE:
            return f"{stem[1:].capitalize()} (every page)"
        return stem.replace("-", " ").strip() or stem
    meta = front_matter(note)
    if engine == "hugo":
        meta = lower_keys(meta)  # Hugo's keys: any case
    title = meta.get("title")
    if isinstance(title, str) and title.strip():
        return title.strip()
    h1 = next((h.text for h in headings if h.level == 1 and h.text), None)
    if h1:
        return h1
    hero = meta.get("hero")
    if engine == "vitepress" and isinstance(hero, dict):
        for key in ("name", "text"):
            if isinstance(hero.get(key), str) and hero[key].strip():
                return hero[key].strip()
    path = PurePosixPath(note.source)
    stem = path.stem
    if stem.lower() in ("index", "readme"):
        if not path.parent.name:
            return "Home"  # the site's front page (MkDocs' nav calls it so too)
        stem = path.parent.name
    if engine in ("jekyll", "kramdown"):  # a post's date is not in its title (Jekyll's titleize_slug)
        stem = re.sub(r"\A\d{2,4}-\d{1,2}-\d{1,2}-(?=.)", "", stem)
    return _readable(stem) or stem
