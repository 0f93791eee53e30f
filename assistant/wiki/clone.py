"""A notes folder that is a clone of a GitHub or GitLab wiki: its engine and base URL, from
the `origin` remote in its `.git/config` (site.py's docstring says which remotes count); or a
copy of one, without `.git` (a download, a folder of exported pages): its engine, from the
special pages only a wiki has (`wiki_layout`).

git's config file is INI (sections, indented `key = value` lines, repeated keys), which
the standard library's configparser reads; running `git config` would need git installed.
"""
from __future__ import annotations

import configparser
import os
import re
from pathlib import Path

from .sitefile import SiteConfig, _read_bounded, _warn_once

# A clone's remote: scheme://[user[:token]@]host[:port]/path.wiki.git or scp-like
# [user@]host:path.wiki.git; host names of dot-separated labels; the path's segments as GitHub
# and GitLab allow them.
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_HOST = rf"{_LABEL}(?:\.{_LABEL})*"
_WIKI_REMOTE = re.compile(rf"(?:(?P<scheme>https?|ssh|git)://(?:[^@/\s]*@)?(?P<host>{_HOST})(?::(?P<port>\d{{1,5}}))?/"
                          rf"|(?:[^@/\s:]+@)?(?P<scp_host>{_HOST}):)"
                          r"(?P<path>[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)*)\.wiki\.git/?")


def wiki_remote(url: str) -> tuple[str, str] | None:
    """(engine, base URL) of a wiki clone's remote URL, or None when it is not a GitHub or
    GitLab wiki's (see site.py's docstring): a host with a label `github` or `gitlab`
    (github.com, gitlab.example.com). An http(s) remote's scheme and port are the web's too
    (an intranet GitLab on http://host:8080); an ssh or git remote's web pages are https."""
    match = _WIKI_REMOTE.fullmatch(url.strip())
    if match is None:
        return None
    host = (match.group("host") or match.group("scp_host")).lower()
    path = match.group("path")
    if ".." in path.split("/"):
        return None
    web = f"{match.group('scheme')}://{host}" if match.group("scheme") in ("http", "https") else f"https://{host}"
    if match.group("scheme") in ("http", "https") and match.group("port"):
        web += f":{match.group('port')}"
    labels = host.split(".")
    if "gitlab" in labels:
        return "gitlab-wiki", f"{web}/{path}/-/wikis"
    if "github" in labels and path.count("/") == 1:
        return "github-wiki", f"{web}/{path}/wiki"
    return None


def wiki_clone(notes_dir: Path) -> SiteConfig | None:
    """The engine and base URL of a notes folder that is a clone of a GitHub or GitLab wiki
    (site.py's docstring), or None; a warning for a wiki on a host of unknown kind."""
    git = notes_dir / ".git"
    if os.path.islink(git):  # read as notes are: never through a link
        return None
    path = git / "config"
    found = _read_bounded(path, None)
    if found is None:
        return None
    # git's own syntax: keys without a value, `;` / `#` comments after a value
    parser = configparser.ConfigParser(strict=False, interpolation=None, allow_no_value=True,
                                       inline_comment_prefixes=(";", "#"))
    try:
        parser.read_string(found[1].decode("utf-8", errors="replace"))
    except configparser.Error as exc:
        _warn_once(f"{path}: not read ({str(exc).splitlines()[0]})")
        return None
    # git's section names ignore case; `[remote.origin]` is the older form of `[remote "origin"]`
    origin = next((name for name in parser.sections() if re.fullmatch(r'remote(?:\s+"origin"|\.origin)', name, re.I)), None)
    url = (parser.get(origin, "url", fallback="") or "").strip().strip('"') if origin else ""
    if not url.strip().endswith((".wiki.git", ".wiki.git/")):
        return None
    found_wiki = wiki_remote(url)
    if found_wiki is None:
        _warn_once(f"{path}: the notes are a clone of a wiki on an unknown host; set --wiki-engine github-wiki or "
                   f"gitlab-wiki and --wiki-base-url for citation links")
        return None
    return SiteConfig(path, found_wiki[0], found_wiki[1])


# The pages only a wiki's engine gives a meaning to, beside its home page, at the root:
# GitHub's gollum `Home.md` with `_Sidebar.md` or `_Footer.md` (names as gollum spells them);
# GitLab's `home.md` with `_sidebar.md`. Never beside an `index.html`: a docsify site's page,
# whose `_sidebar.md` may sit beside a `home.md` it names as its home page (an attack).
_WIKI_LAYOUTS = (("github-wiki", "Home.md", ("_Sidebar.md", "_Footer.md")), ("gitlab-wiki", "home.md", ("_sidebar.md",)))


def wiki_layout(notes_dir: Path) -> SiteConfig | None:
    """The engine of a notes folder laid out as a GitHub or GitLab wiki (`_WIKI_LAYOUTS`),
    without a base URL (a copy names no remote); None for any other folder. Read under
    Jekyll, the default, a GitHub wiki's `[[Page|link]]`s showed as written and its citation
    links had Jekyll's URLs and ids (a blind-written GitHub wiki, tests/heldout24, 2026-12-06)."""
    try:
        names = {entry.name for entry in os.scandir(notes_dir) if entry.is_file(follow_symlinks=False)}
    except OSError:
        return None
    if "index.html" in names:
        return None
    for engine, home, special in _WIKI_LAYOUTS:
        found = next((name for name in special if name in names), None)
        if home in names and found:
            return SiteConfig(Path(notes_dir) / found, engine, None)
    return None
