"""Which notes the wiki engine publishes: a note the wiki does not show is not indexed.

The README's promise is that what the page shows is what gets indexed (shown.py does it
line by line); a whole note the engine never renders is left out the same way:

| engine | not published | source |
|---|---|---|
| jekyll, kramdown | front matter `published: false` (or empty); a file or folder whose name starts with `_` (`_drafts/`, `_private.md`, `_includes/`), except names the site's `include` lists and the documents of a collection Jekyll renders (jekyll.py: a post named `YYYY-MM-DD-title.md` in a `_posts` folder, a document of a collection with `output: true`); what the site's `exclude` matches, with Jekyll's default exclusions (`node_modules`, `vendor/bundle/`, ...) | https://jekyllrb.com/docs/front-matter/ (predefined `published`), https://jekyllrb.com/docs/structure/ ("_drafts: unpublished posts"; other `_` names are not pages), https://jekyllrb.com/docs/configuration/options/ (`exclude`) |
| docusaurus | front matter `draft: true` (left out of production builds); a file or folder whose name starts with `_` ("treated as partial pages and ignored by default") | https://docusaurus.io/docs/create-doc, https://docusaurus.io/docs/api/plugins/@docusaurus/plugin-content-docs#markdown-front-matter |
| hugo | front matter (as Hugo's lexer finds it: notemeta.hugo_front_matter) `draft: true` (keys any case; true as Go reads a flag: 1, "t", "True", y: hugo.go_true; left out unless built with `--buildDrafts`); `headless: true`; a publish date (or date) in the future, an expiry date in the past (unless the site sets `buildFuture` / `buildExpired`), `_build: render: never` or `link` (hugo.hides_page), each also as a section's `cascade` gives it, and every page below a section that is a draft, not yet published or expired (hugocascade.py); the other files of a leaf bundle (a folder with an `index.md`, or `index.ja.md`, any file named `index.*`: its resources); a page of a disabled language (`about.ja.md` under `disableLanguages = ["ja"]`); a file no language reads (each reads its own `contentDir` and none the folder holding them: `content/README.md` beside `content/en/`, `content/ja/`); of two files of one page, the one Hugo does not build (in one folder the one without the language suffix, across two the one not in the default language's); `_index.md` is a section's page and is published | https://gohugo.io/methods/page/draft/, https://gohugo.io/content-management/front-matter/#cascade, https://gohugo.io/content-management/organization/, https://gohugo.io/content-management/multilingual/ |
| github-wiki | `_Sidebar`, in any case and any folder: the navigation shown beside every page, not a page (`_Footer` and `_Header`, shown on every page, are indexed and cited at the home page: pages.py) | gollum's Page::SUBPAGENAMES (the engine behind GitHub wikis), https://docs.github.com/en/communities/documenting-your-project-with-wikis/creating-a-footer-or-sidebar-for-your-wiki |
| gitlab-wiki | the root `_sidebar`: the wiki's sidebar, not a page | https://docs.gitlab.com/user/project/wiki/#customize-sidebar |
| mkdocs | what `exclude_docs` or `draft_docs` of `mkdocs.yml` matches (gitignore patterns, read by pathspec as MkDocs reads them), and MkDocs' own exclusions (`.*`, `/templates/`) | https://www.mkdocs.org/user-guide/configuration/#exclude_docs, mkdocs/structure/files.py `set_exclusions` |
| github, gitlab, vitepress | (every note: these engines have no draft field or `_` rule by default) | |
| every engine but docusaurus | an `.mdx` file (MDX: Docusaurus renders it; the others show it as a file or not at all) | https://docusaurus.io/docs/markdown-features (MDX) |

Hidden names (`.draft.md`) are not notes at all (notes.is_note_path), for every engine.
"""
from __future__ import annotations

import dataclasses
import fnmatch
import functools
import logging
import re
from pathlib import PurePosixPath
from typing import Callable

from ..notemeta import hugo_front_matter
from ..notes import Note
from .pages import GITHUB_WIKI_PARTS_ON_EVERY_PAGE, front_matter, page_path
from .hugo import HugoLanguages
from .hugocascade import hidden_by_sections
from .mkdocsi18n import MkdocsLanguages
from .jekyll import JekyllUrls, document_of
from .mkdocsfiles import mkdocs_left_out
from .site import SiteConfig

log = logging.getLogger(__name__)

_UNDERSCORE_ENGINES = ("jekyll", "kramdown", "docusaurus")
# Lower-cased: gollum finds them whatever their case (its page_match compares names downcased).
_WIKI_PARTS = {"github-wiki": ("_sidebar",), "gitlab-wiki": ("_sidebar",)}


def published_notes(notes, engine: str, site: SiteConfig | None = None, pages_dir: str = "",
                    said: list[str] | None = None) -> list[Note]:
    """The notes `engine` publishes (is_published), in order; a warning names those left out
    (a note missing from answers must not be a mystery), or, given `said`, is appended to it
    for the caller to say when it matters (build.py: when it builds, not on every question).
    `pages_dir`: the folder the site makes its pages from when the notes folder is the
    project's root (site.SiteConfig.pages_dir): a note outside it (the repository's README,
    Hugo's `archetypes/`, a theme's files) is no page, but for a Docusaurus locale's copy of
    a doc there (`site.translations`, docusaurusi18n.py)."""
    def warn(message: str, *args) -> None:
        if said is None:
            log.warning(message, *args)
        else:
            said.append(message % args)

    notes = list(notes)
    root = PurePosixPath(pages_dir or ".")
    languages = site.languages if site is not None and engine == "hugo" else None
    bundles = _leaf_bundles(notes, root, languages) if engine == "hugo" else set()
    kept, left_out, outside, orphans = [], [], [], []
    in_site: dict[str, Note] = {}  # each page's note with its path in the site, by its own source
    # A Docusaurus locale's copy of a doc is that doc's page in the locale (docusaurusi18n.py)
    translations = site.translations if site is not None and engine == "docusaurus" else None
    docs = {_in_site(n, root).source for n in notes if root in PurePosixPath(n.source).parents} if translations else set()
    for note in notes:
        locale = translations.locale_of(note.source) if translations else None
        if locale is None and root != PurePosixPath(".") and root not in PurePosixPath(note.source).parents:
            outside.append(note)  # said apart: a reason of its own, not a draft
            continue
        if locale is not None and _in_site(note, PurePosixPath(locale[0])).source not in docs:
            orphans.append(note)  # no doc at its path: Docusaurus builds no page of it
            continue
        resource = bool(bundles) and _in_leaf_bundle(note.source, bundles, languages)
        # judged by its path in the site (Jekyll's `exclude` and `_` names are the site's)
        in_site[note.source] = _in_site(note, PurePosixPath(locale[0]) if locale else root)
        (kept if is_published(in_site[note.source], engine, site) and not resource else left_out).append(note)
    if engine == "hugo" and kept:  # a section's cascade, or a section not built, hides what is below it
        metas = {n.source: hugo_front_matter(list(n.lines)) for n in in_site.values()}
        below = hidden_by_sections(metas, site.languages if site is not None and site.engine == "hugo" else None,
                                   site is not None and site.build_future, site is not None and site.build_expired)
        left_out += [n for n in kept if in_site[n.source].source in below]
        kept = [n for n in kept if in_site[n.source].source not in below]
    if orphans:
        warn("left out %d translated note(s) with no doc at the same path in %s/ (Docusaurus makes a locale's page "
             "only of a doc there): %s", len(orphans), pages_dir, _named(orphans))
    if outside:
        warn("left out %d note(s) outside %s/, the folder the %s site's pages come from: %s", len(outside),
                    pages_dir, engine, _named(outside))
    if engine == "github-wiki":
        _warn_shared_page_names(kept)
    if engine == "mkdocs" and site is not None and isinstance(site.translations, MkdocsLanguages):
        # `dup.ja.md` beside `dup.md` (ja the default), `foo.fr.md` without fr (mkdocsi18n.py)
        shadowed = site.translations.not_pages({in_site[n.source].source for n in kept})
        left_out += [n for n in kept if in_site[n.source].source in shadowed]
        kept = [n for n in kept if in_site[n.source].source not in shadowed]
    if engine == "mkdocs":  # a README beside an index.md: MkDocs builds the index, drops the README
        folders = {PurePosixPath(n.source).parent for n in kept if PurePosixPath(n.source).stem == "index"}
        readmes = [n for n in kept if PurePosixPath(n.source).stem == "README" and PurePosixPath(n.source).parent in folders]
        kept = [n for n in kept if n not in readmes]
        left_out += readmes
    if engine == "hugo" and site is not None and site.languages is not None:
        replaced = _replaced_by_translation(kept, site.languages, root)
        kept = [note for note in kept if note.source not in replaced]
        left_out += [note for note in notes if note.source in replaced]
    for note in kept:
        if note.front_matter_problem:  # a page's own: one a wiki does not publish is not said
            warn("%s: front matter read line by line (%s)", note.source, note.front_matter_problem)
    if left_out:
        reasons = ("a draft, a disabled language, a bundle's resource, or a file whose page a file with the language "
                   "suffix makes" if engine == "hugo" else "a draft, published: false, a _ name or excluded"
                   + ("; a language the i18n plugin does not build, or the default language's copy of a page without "
                      "a suffix" if engine == "mkdocs" and site is not None and site.translations else ""))
        if engine != "docusaurus" and any(n.source.lower().endswith(".mdx") for n in left_out):
            reasons += "; an .mdx page is published by Docusaurus only"
        warn("left out %d note(s) the %s wiki does not publish (%s): %s", len(left_out), engine, reasons,
                    _named(left_out))
    return kept


def _named(notes: list[Note]) -> str:
    """The first five sources, and how many more."""
    return ", ".join(n.source for n in notes[:5]) + (f" and {len(notes) - 5} more" if len(notes) > 5 else "")


def _in_site(note: Note, root: PurePosixPath) -> Note:
    """The note with its path as the site reads it: below the folder its pages come from."""
    if root == PurePosixPath("."):
        return note
    return dataclasses.replace(note, source=PurePosixPath(note.source).relative_to(root).as_posix())


def _replaced_by_translation(notes, languages, root: PurePosixPath) -> set[str]:
    """Sources of Hugo pages that another file of the same page in the same language replaces:
    `about.md` beside `about.en.md` on a site whose default language is en (or `about.md`
    beside `about.ja.md` under `ja`, or `ja/about.md` beside `ja/about.ja.md` in ja's own
    content folder). In one folder Hugo 0.111 builds the page from the file with the language
    suffix; across two languages' folders (`en/x.ja.md`, `ja/x.md`), from the folder it reads
    first, the default language's (checked with real builds, attack runs, 2026-12-03 and -05),
    so the other's text is not on the page and its headings' links would not land."""
    by_page: dict[tuple, list[tuple[tuple[int, bool], str]]] = {}
    for note in notes:
        parts = list(PurePosixPath(_in_site(note, root).source).parts)
        inner = languages.folder_language(parts)[1]
        name = inner[-1].rpartition(".")[0] or inner[-1]
        page = languages.language_of(name)[1]
        key = (tuple(inner[:-1]), page, languages.page_language(parts))
        by_page.setdefault(key, []).append(((languages.mount_rank(parts), page == name), note.source))
    return {source for files in by_page.values() for rank, source in sorted(files)[1:]}


def _warn_shared_page_names(notes) -> None:
    """Warn about notes a GitHub wiki serves at one URL: its page names are file names in one
    flat namespace, compared without case ("ops/Page.md", "Page.md", "page.md"), so GitHub shows
    one of them and the others' citations land on it (an attack run, 2026-12-02)."""
    by_name: dict[str, list[str]] = {}
    for note in notes:
        if PurePosixPath(note.source).stem.lower() in GITHUB_WIKI_PARTS_ON_EVERY_PAGE:
            continue  # cited at the home page on purpose (pages.py)
        by_name.setdefault(page_path(note, "github-wiki").lower(), []).append(note.source)
    shared = [sources for sources in by_name.values() if len(sources) > 1]
    if shared:
        log.warning("%d GitHub wiki page name(s) are shared by several notes, which GitHub serves as one page "
                    "(rename all but one): %s", len(shared), "; ".join(", ".join(s[:3]) for s in shared[:3]))


def is_published(note: Note, engine: str, site: SiteConfig | None = None) -> bool:
    """False when `engine` would not publish `note` (see the table above): by its path
    (relative to the notes folder), by the Jekyll site's `exclude` / `include` (`site`:
    site.read_site_config of the notes folder; used for jekyll and kramdown only) or by its
    front matter (`published: false` for Jekyll, `draft: true` for Docusaurus; only YAML or
    TOML booleans count, so "false" as text publishes). A Hugo page's front matter is judged
    with its sections' by published_notes (hugocascade.hidden_by_sections)."""
    parts = PurePosixPath(note.source).parts
    if parts[-1].lower().endswith(".mdx") and engine != "docusaurus":
        return False  # an MDX page: only Docusaurus renders one
    jekyll_site = engine in ("jekyll", "kramdown") and site is not None and site.engine in ("jekyll", "kramdown")
    if jekyll_site and _jekyll_filtered(parts, site.exclude, site.include):
        return False
    document = None
    if engine in ("jekyll", "kramdown"):  # posts and collections: Jekyll's own `_` folders
        document = document_of(parts, site.permalinks if jekyll_site and site.permalinks else JekyllUrls())
        if document is not None and not document.output:
            return False
    if engine in _UNDERSCORE_ENGINES and document is None:
        included = site.include if jekyll_site else ()
        if any(part.startswith("_") and part not in included for part in parts):
            return False
    if engine in _WIKI_PARTS:
        path = PurePosixPath(note.source)
        name = path.stem.lower() if engine == "github-wiki" else path.stem
        # GitLab's sidebar is the wiki's root `_sidebar` only; GitHub's may be in any folder
        return name not in _WIKI_PARTS[engine] or (engine == "gitlab-wiki" and path.parent != PurePosixPath("."))
    if engine == "mkdocs":
        return site is None or site.engine != "mkdocs" or not mkdocs_left_out(note.source, site)
    if engine not in ("jekyll", "kramdown", "docusaurus", "hugo"):
        return True
    if engine == "hugo":
        # by its language here; by its front matter (its own `draft`, dates, build options,
        # `headless`, and what its sections' cascades give it) in hugocascade.hidden_by_sections,
        # which published_notes runs over every page: read once, not here again
        return not _disabled_language(note, site)
    meta = front_matter(note)
    if engine in ("jekyll", "kramdown"):  # Ruby's truth: `published:` left empty (nil) unpublishes too
        return "published" not in meta or (meta["published"] is not None and meta["published"] is not False)
    return meta.get("draft") is not True


def _disabled_language(note: Note, site: SiteConfig | None) -> bool:
    """True for a Hugo page in a language the site disables (`about.ja.md`: Hugo 0.111 builds
    no page for it, not even /about.ja/), or for a file in no language's content folder when
    each language has its own (`content/README.md` beside `content/en/`, `content/ja/`)."""
    languages = site.languages if site is not None and site.engine == "hugo" else None
    if languages is None:
        return False
    language = languages.page_language(list(PurePosixPath(note.source).parts))
    return language is None or language in languages.disabled


def _bundle_index(path: PurePosixPath, languages: HugoLanguages | None = None) -> bool:
    """A leaf bundle's page: `index.md` with or without a language suffix of the site, in any
    case (HugoLanguages.bundle_page; Hugo 0.168: `index.v1.md` is a page of its own)."""
    return (languages or HugoLanguages()).bundle_page(path.name) == "leaf"


def _leaf_bundles(notes, root: PurePosixPath = PurePosixPath("."), languages: HugoLanguages | None = None) -> set[str]:
    """Folders holding an `index.*` file: Hugo's leaf bundles, whose other files are resources
    of that page, never pages (https://gohugo.io/content-management/page-bundles/)."""
    # The content folder's own index.md (`root`) is taken as the home page, not a bundle of every
    # note; an index.md above it (the project's README page) is no page at all (an attack run:
    # one in the project's root left every note out as its resource).
    paths = (PurePosixPath(n.source) for n in notes)
    return {str(path.parent) for path in paths if _bundle_index(path, languages) and root in path.parents and path.parent != root}


def _in_leaf_bundle(source: str, bundles: set[str], languages: HugoLanguages | None = None) -> bool:
    """True for a file below a leaf bundle's folder other than that bundle's own index file."""
    path = PurePosixPath(source)
    folders = path.parent.parents if _bundle_index(path, languages) else (path.parent, *path.parent.parents)
    return any(str(folder) in bundles for folder in folders)


@functools.lru_cache(maxsize=8)
def _matcher(patterns: tuple[str, ...]) -> Callable[[str, bool], bool] | None:
    """Jekyll's EntryFilter#glob_include? over `patterns` as one compiled test (None for none):
    File.fnmatch? without flags (`*` also matches `/`), or the entry starts with a pattern (so
    `docs` also excludes `docs-old`: Jekyll's own quirk, kept so the index leaves out what the
    site leaves out), or `dir/` names a folder. One regex for all patterns: a site file with a
    thousand patterns must not make each note's check a thousand matches."""
    if not patterns:
        return None
    globbed = re.compile("|".join(f"(?:{fnmatch.translate(p)})" for p in patterns))
    prefixed = re.compile("|".join(re.escape(p) for p in patterns))
    folders = {p[:-1] for p in patterns if p.endswith("/")}
    return lambda entry, is_dir: bool(globbed.match(entry) or prefixed.match(entry) or (is_dir and entry in folders))


def _jekyll_filtered(parts: tuple[str, ...], exclude: tuple[str, ...], include: tuple[str, ...]) -> bool:
    """True when Jekyll's reader skips the file or one of its folders: excluded and not
    included (EntryFilter#filter, checked at each level of the path as Jekyll walks it)."""
    excluded, included = _matcher(tuple(p for p in exclude if p not in include)), _matcher(include)
    if excluded is None:
        return False
    for depth in range(1, len(parts) + 1):
        entry, is_dir = "/".join(parts[:depth]), depth < len(parts)
        if included is not None and (included(entry, is_dir) or included(parts[depth - 1], is_dir)):
            continue
        if excluded(entry, is_dir):
            return True
    return False
