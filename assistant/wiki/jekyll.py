"""Jekyll's posts and collections: which notes are their documents, and the URLs Jekyll 4.3
gives them and pages' front-matter permalinks (the rules of jekyll-4.3.1/lib/jekyll:
configuration.rb, collection.rb, document.rb, drops/url_drop.rb, url.rb, utils.rb; checked
against real builds by tests/test_site_real.py).

- Posts: files named `YYYY-MM-DD-title.md` in a `_posts` folder (at the site's root or below
  any folder, whose names become categories: `blog/_posts/...` is in category `blog`), at
  `/:categories/:year/:month/:day/:title:output_ext` (the site's `permalink: date`, Jekyll's
  default; `pretty`, `ordinal`, `weekdate`, `none` or a template of the site's own). A file
  in `_posts` without a date in its name is no page.
- Collections (`collections:` in `_config.yml`): the notes in `_<label>/` (below
  `collections_dir` when set) are published when the collection has `output: true`, at
  `/:collection/:path` plus the suffix of the site's permalink style, or the collection's
  own `permalink`. A collection note without front matter is no page: Jekyll copies it as it
  is, so it is cited at that file.
- A front-matter `permalink` is a template too (`/:path/:basename/` for a page;
  `/:categories/:title/` for a post).

Not read: front-matter `defaults:` that set permalinks, `future: false` (a post dated after
the build is left out by Jekyll, here it is linked), a collection's `sort_by`/`order`.
Dates with a UTC offset are taken in UTC (GitHub Pages builds in UTC), or in the site's
`timezone`.

No Python library reproduces Jekyll's URL rules (it is Ruby), so they are written here.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import quote

# document.rb DATE_FILENAME_MATCHER, on the file's name
_DATED_NAME = re.compile(r"(\d{2,4}-\d{1,2}-\d{1,2})-(.*)(\.[^.]+)\Z")
# configuration.rb STYLE_TO_PERMALINK
_POST_STYLES = {
    "none": "/:categories/:title:output_ext",
    "date": "/:categories/:year/:month/:day/:title:output_ext",
    "ordinal": "/:categories/:year/:y_day/:title:output_ext",
    "pretty": "/:categories/:year/:month/:day/:title/",
    "weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
}
_OUTPUT_EXT = ".html"  # what Jekyll writes a markdown document as
# A site file naming more collections than this is read for its first ones only: no wiki has
# that many, and each note's path is checked against every one.
MAX_COLLECTIONS = 50
# A permalink template longer than this is not read (Jekyll's default holds): no site has one,
# and each citation repeats the URL it makes (pages.MAX_FRONT_MATTER_PATH bounds the result).
MAX_TEMPLATE = 1_000


@dataclass(frozen=True)
class JekyllCollection:
    """One collection of `collections:` (not `posts`)."""

    label: str
    output: bool = False  # Jekyll's default: a collection's documents are not rendered
    permalink: str | None = None  # the collection's own URL template


@dataclass(frozen=True)
class JekyllUrls:
    """What a Jekyll site's `_config.yml` says about URLs beyond a page's path. The defaults
    are Jekyll's: `permalink: date`, no `collections_dir`, no collections but posts."""

    permalink: str = "date"  # the site's `permalink`: a style name or a template
    collections_dir: str = ""
    collections: tuple[JekyllCollection, ...] = ()
    posts_permalink: str | None = None  # `collections: posts: permalink:`
    timezone: str | None = None

    def record(self) -> dict:
        """JSON-ready, as the index manifest stores it (store.chunking_settings)."""
        return {"permalink": self.permalink, "collections_dir": self.collections_dir,
                "collections": [[c.label, c.output, c.permalink] for c in self.collections],
                "posts_permalink": self.posts_permalink, "timezone": self.timezone}

    def suffixed(self, template: str) -> str:
        """utils.rb add_permalink_suffix: '/' under `pretty` or a template ending in '/',
        `:output_ext` under date, ordinal, none or a template ending in it, else nothing."""
        style = self.permalink
        if style == "pretty" or (style not in _POST_STYLES and style.endswith("/")):
            return template + "/"
        if style in ("date", "ordinal", "none") or style.endswith(":output_ext"):
            return template + ":output_ext"
        return template


def jekyll_urls(data: dict) -> JekyllUrls:
    """The URL settings of a parsed `_config.yml` (values of the wrong type are Jekyll's
    defaults). `collections` may be a mapping (label -> options) or a list of labels."""
    permalink = _template(data.get("permalink")) or "date"
    folder = data.get("collections_dir")
    folder_parts = [p for p in folder.split("/") if p not in ("", ".")] if isinstance(folder, str) else []
    folder = "/".join(folder_parts) if ".." not in folder_parts else ""
    raw = data.get("collections")
    if isinstance(raw, list):
        raw = {label: {} for label in raw if isinstance(label, str)}
    raw = raw if isinstance(raw, dict) else {}
    collections, posts_permalink = [], None
    for label, options in list(raw.items())[:MAX_COLLECTIONS]:
        options = options if isinstance(options, dict) else {}
        own = _template(options.get("permalink"))
        label = re.sub(r"[^a-z0-9_\-.]", "", label, flags=re.I) if isinstance(label, str) else ""  # collection.rb sanitize_label
        if label == "posts":
            posts_permalink = own
        elif label and label.strip(".") and label != "data":  # `_data` is the site's data folder, never pages
            # Ruby's truth: any value but false and nil (`output: 'false'` outputs)
            collections.append(JekyllCollection(label, options.get("output") not in (None, False), own))
    timezone = data.get("timezone")
    return JekyllUrls(permalink, folder, tuple(collections), posts_permalink,
                      timezone if isinstance(timezone, str) else None)


def _template(value) -> str | None:
    """A permalink style or template as written, or None (not text, empty, over MAX_TEMPLATE)."""
    return value.strip() if isinstance(value, str) and value.strip() and len(value) <= MAX_TEMPLATE else None


@dataclass(frozen=True)
class Document:
    """A note that is a document of a collection: which, and its path in the collection."""

    label: str  # "posts" or the collection's label
    relative: str  # its path below the collections folder: `blog/_posts/2024-01-02-a.md`, `_docs/b.md`
    output: bool
    template: str  # the collection's URL template

    @property
    def name(self) -> str:
        """The document's file name (`2024-01-02-a.md`)."""
        return self.relative.rpartition("/")[2]

    def superdirs(self) -> list[str]:
        """A post's folders above `_posts`, its first categories (document.rb
        categories_from_path: the path cut at the first `_posts`, as text)."""
        if self.label != "posts" or self.relative.startswith("_posts"):
            return []
        above = re.sub(r"_posts.*", "", self.relative, count=1, flags=re.S)
        return [p for p in above.split("/") if p and p not in ("_posts", self.name)]

    def cleaned_path(self) -> str:
        """document.rb cleaned_relative_path: without its extension and trailing dots, the
        first `_<label>` cut out (as text: `blog/_posts/a` -> `blog//a`)."""
        stem = self.relative[: -len(PurePosixPath(self.name).suffix) or None]
        return stem.replace("_" + self.label, "", 1).rstrip(".")


def document_of(parts: tuple[str, ...] | list[str], urls: JekyllUrls) -> Document | None:
    """The collection document a note at `parts` (its path in the site) is, or None for a
    page. `output` is False for one Jekyll renders no page for: of a collection without
    `output: true`, a post whose name carries no date, or one whose first folder in the
    collection or whose name starts with '_', '#' or '~' (entry_filter.rb special?: Jekyll
    reads neither)."""
    parts = tuple(parts)
    below = tuple(urls.collections_dir.split("/")) if urls.collections_dir else ()
    if below and parts[: len(below)] != below:
        return None
    rest = parts[len(below):]
    if "_posts" in rest[:-1]:
        at = rest.index("_posts")
        if any(p.startswith(("_", "#", "~")) for p in below + rest[:at]):
            return None  # a folder Jekyll never walks for posts
        inner = rest[at + 1:]
        dated = bool(_DATED_NAME.match(inner[-1])) and not _special(inner)
        template = urls.posts_permalink or _POST_STYLES.get(urls.permalink, urls.permalink)
        return Document("posts", "/".join(rest), dated, template)
    for collection in urls.collections:
        if len(rest) > 1 and rest[0] == "_" + collection.label:
            template = collection.permalink or urls.suffixed("/:collection/:path")
            return Document(collection.label, "/".join(rest), collection.output and not _special(rest[1:]), template)
    return None


def _special(inner: tuple[str, ...]) -> bool:
    return inner[0].startswith(("_", "#", "~")) or inner[-1].startswith(("_", "#", "~"))


def document_path(doc: Document, meta: dict, permalink: str | None, has_front_matter: bool, urls: JekyllUrls) -> str:
    """URL path of a published document, '/'-rooted and not yet sanitized (pages.jekyll_permalink
    does that): its front-matter `permalink` (as pages.py bounds it), else its collection's template, with Jekyll's
    placeholders filled in. A collection note without front matter is a static file, copied
    as it is (static_file.rb url: the collection's template, its extension after it)."""
    if not has_front_matter and doc.label != "posts":
        stem = PurePosixPath(doc.name)
        values = {"collection": doc.label, "path": doc.cleaned_path(), "output_ext": "", "name": stem.stem, "title": ""}
        return _filled(doc.template, values).rstrip("/") + stem.suffix
    return _filled(permalink or doc.template, _placeholders(doc, meta, urls))


def page_permalink(permalink: str, parts: tuple[str, ...] | list[str]) -> str:
    """A page's front-matter permalink with a page's placeholders filled (page.rb
    url_placeholders: `:path` its folder, `:basename` its file name without extension,
    `:output_ext`)."""
    folder = "/" + "".join(p + "/" for p in parts[:-1])
    values = {"path": folder, "basename": PurePosixPath(parts[-1]).stem, "output_ext": _OUTPUT_EXT}
    # url.rb generate_url_from_hash: each placeholder replaced in turn, by its name as written
    for name, value in values.items():
        permalink = permalink.replace(":" + name, quote(value, safe="/"))
    return permalink


def _filled(template: str, values: dict[str, str]) -> str:
    """url.rb generate_url_from_drop: every `:name` the drop knows replaced (escaped, as Jekyll
    escapes it; jekyll_permalink unescapes the result); an unknown one is left as written
    (Jekyll stops the build there)."""
    def one(match: re.Match) -> str:
        name = match.group(1)
        for key in (name, name[:-1]) if name.endswith("_") else (name,):
            if key in values:
                return quote(values[key], safe="/") + match.group(0)[len(key) + 1:]
        return match.group(0)
    return re.sub(r":([a-z_]+)", one, template)


def _placeholders(doc: Document, meta: dict, urls: JekyllUrls) -> dict[str, str]:
    """drops/url_drop.rb: the values a document's URL template can name."""
    name = doc.name
    stem = PurePosixPath(name).stem
    dated = _DATED_NAME.match(name)
    slug = meta.get("slug") if isinstance(meta.get("slug"), str) else None
    slug_from_name = (dated.group(2) if dated else stem).rstrip(".")
    title_slug = slug or slug_from_name
    # document.rb: the folders above `_posts`, then `categories`, then `category` (one name,
    # never split) or else `categories` again; each once
    single = meta.get("category")
    single = [] if single is None else _listed(single if isinstance(single, list) else [single])
    categories = doc.superdirs() + _listed(meta.get("categories")) + single
    values = {
        "collection": doc.label,
        # document.rb cleaned_relative_path: the path in the collection, without extension
        "path": doc.cleaned_path(),
        "name": slugify(stem),
        "title": slugify(title_slug, pretty=True, cased=True),
        "slug": slugify(title_slug),
        "categories": "/".join(dict.fromkeys(c.lower() for c in categories)),
        "slugified_categories": "/".join(dict.fromkeys(slugify(c) for c in categories)),
        "output_ext": _OUTPUT_EXT,
    }
    # no date at all: Jekyll's is the build's time (site.time), so today's, as the index is built
    when = _date(meta.get("date"), urls.timezone) or (_name_date(dated.group(1)) if dated else None) \
        or dt.datetime.now(_zone(urls.timezone)).replace(tzinfo=None)
    if when is not None:
        values.update({
            "year": f"{when.year:04d}", "month": f"{when.month:02d}", "day": f"{when.day:02d}",
            "hour": f"{when.hour:02d}", "minute": f"{when.minute:02d}", "second": f"{when.second:02d}",
            "i_day": str(when.day), "i_month": str(when.month), "short_year": f"{when.year % 100:02d}",
            "y_day": f"{when.timetuple().tm_yday:03d}", "short_month": when.strftime("%b"),
            "long_month": when.strftime("%B"), "week": f"{when.isocalendar()[1]:02d}",
            "w_year": str(when.isocalendar()[0]), "w_day": str(when.isoweekday()),
            "short_day": when.strftime("%a"), "long_day": when.strftime("%A"),
        })
    return values


# A post's categories read: its first ones, each a name of at most MAX_TEMPLATE characters (no
# blog has more or longer; each goes into the page's URL). A value that is no name (a nested
# list) is left out: as text it was its whole repr, and YAML aliases nest a 390-byte note's
# `categories:` into 9^9 names (MemoryError after 60 s and 3.7 GB; an attack run, 2026-12-05).
MAX_CATEGORIES = 100
_NAME_TYPES = (str, int, float, dt.date)  # bool is an int: Ruby's to_s, "true"/"false"
# A number too long to be a name is never written out: Python refuses to write one of over
# 4,300 digits (a TOML `categories = [0xfff...]` stopped the build; an attack run, 2026-12-05).
MAX_NAME_BITS = 3_400  # about 1,000 digits


def _listed(value) -> list[str]:
    """Front-matter `categories`: a list, or a space-separated text (utils.rb
    value_from_plural_key); only names (text, numbers, dates), the first MAX_CATEGORIES, each
    at most MAX_TEMPLATE characters."""
    if isinstance(value, str):
        value = value[:MAX_CATEGORIES * (MAX_TEMPLATE + 1)].split()
    elif not isinstance(value, list):
        value = [] if value is None else [value]
    names = (str(v).lower() if isinstance(v, bool) else str(v) for v in value[:MAX_CATEGORIES]
             if isinstance(v, _NAME_TYPES) and not (isinstance(v, int) and v.bit_length() > MAX_NAME_BITS))
    return [name for name in names if len(name) <= MAX_TEMPLATE]


def _name_date(text: str) -> dt.datetime | None:
    """The date in a file's name, as Ruby's Time.parse reads it: a two-digit year in this
    century or the last (`24-01-02`: 2024), a day past the month's end rolled over (`2024-02-30`:
    March 1)."""
    year, month, day = (int(p) for p in text.split("-"))
    if len(text.split("-")[0]) == 2:
        year += 2000 if year < 69 else 1900
    return _rolled(year, month, day)


def _rolled(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> dt.datetime | None:
    """That time, a day past the month's end rolled into the next (Ruby's Time.new); None for
    what neither reads (month 13, day 0, year 0)."""
    try:
        if not 1 <= day <= 31:
            return None
        return dt.datetime(year, month, 1, hour, minute, second) + dt.timedelta(days=day - 1)
    except (ValueError, OverflowError):
        return None


# Psych's (Ruby's YAML) timestamp, which PyYAML reads as text when the offset has no ':'
_YAML_TIME = re.compile(r"(-?\d{4})-(\d{1,2})-(\d{1,2})(?:[Tt]|\s+)(\d{1,2}):(\d\d):(\d\d)(?:\.\d*)?"
                        r"(?:\s*(Z|[-+]\d{1,2})(?::?(\d\d))?)?\Z")
_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})\Z")


def _date(value, timezone: str | None) -> dt.datetime | None:
    """A front-matter `date` as Jekyll takes it (document.rb merge_date!: Time.parse, then
    local time). A time with an offset, or a YAML timestamp without one (UTC), is shown in the
    site's `timezone`, else in UTC (GitHub Pages' machines); a date, or a text time without
    an offset, is read as written, a day past the month's end rolled over as Ruby does
    (notes.py keeps `2024-02-30` as text). None for what it cannot read: the name's date counts."""
    if isinstance(value, str):
        value = _text_time(value.strip())
        if value is None or value.tzinfo is None:
            return value  # no offset: local time, as written
    try:
        if isinstance(value, dt.datetime):
            point = value if value.tzinfo is not None else value.replace(tzinfo=dt.timezone.utc)
            return point.astimezone(_zone(timezone)).replace(tzinfo=None)
    except (OverflowError, ValueError):
        return None  # shifted past year 1 or 9999
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    return None


def _text_time(text: str) -> dt.datetime | None:
    """A date or time written as text: naive without an offset, aware with one; None when
    it is neither a YAML timestamp nor an ISO form (other forms Time.parse reads are not read)."""
    day = _DAY.match(text)
    if day:
        return _rolled(*(int(g) for g in day.groups()))
    found = _YAML_TIME.match(text)
    if not found:  # other ISO forms: "2024-01-02 01:00", "2024-01-02T01:00+09:00"
        try:
            return dt.datetime.fromisoformat(text)
        except ValueError:
            return None
    year, month, day_, hour, minute, second, zone, zone_minutes = found.groups()
    written = _rolled(int(year), int(month), int(day_), int(hour), int(minute), int(second))
    if written is None or zone is None:
        return written
    offset = dt.timedelta(0) if zone == "Z" else dt.timedelta(
        hours=int(zone), minutes=int(zone_minutes or 0) * (-1 if zone.startswith("-") else 1))
    try:
        return written.replace(tzinfo=dt.timezone(offset))
    except ValueError:
        return None  # an offset of a day or more


def _zone(timezone: str | None) -> dt.tzinfo:
    """The site's `timezone` (an IANA name), else UTC."""
    if timezone:
        try:
            from zoneinfo import ZoneInfo

            return ZoneInfo(timezone)
        except (ValueError, OSError, KeyError):
            pass
    return dt.timezone.utc


def slugify(text: str, pretty: bool = False, cased: bool = False) -> str:
    """utils.rb slugify, modes default and pretty: each run of characters other than letters,
    marks and decimal digits (pretty: also `._~!$&'()+,;=@`) becomes '-', leading and
    trailing '-' dropped, lower-cased unless `cased`."""
    kept = "._~!$&'()+,;=@" if pretty else ""
    out, run = [], False
    for ch in text:
        category = unicodedata.category(ch)
        if category[0] in "LM" or category == "Nd" or ch in kept:
            out.append(ch)
            run = False
        elif not run:
            out.append("-")
            run = True
    slug = "".join(out)
    slug = slug[1:] if slug.startswith("-") else slug
    slug = slug[:-1] if slug.endswith("-") else slug
    return slug if cased else slug.lower()
