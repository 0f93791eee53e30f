"""What a Hugo page shows of a `ref` or `relref` shortcode in a link: the linked note's path in
the notes folder, which the chat points at that note's page (notelinks.py).

`[Training]({{< ref "operations/training.md" >}})` was shown as "[Training]()", a link to the
page it was written on (a new user, heldout13). Hugo 0.168 looks a path starting with '/' up
from the content folder of the page's language, or of the language named
(`{{< relref path="/patrol/radio.md" lang="en" >}}`: a fresh user on heldout28 saw those links
lead back to the page, and positional ones to the site's root with ".md"); any other path
beside the page first, then from that content folder (notelinks.wiki_link tries the folders
above the page when the path beside it is no note: an attack found `ref "sub/y.md"` in
`guide/x.md` sent to `/sub/y/`, Hugo's `/guide/sub/y/`).
"""
from __future__ import annotations

import re
from collections.abc import Callable

# `{{< ref "x.md" >}}`, `{{% relref path="x.md" lang="en" %}}`. Linear on a hostile tag: the
# arguments are taken greedily to the tag's end, and a name starts only where a word does.
_REF_TAG = re.compile(r"\{\{[<%]\s*+(?:ref|relref)\s++([^{}]*)[>%]\}\}")
_REF_NAMED = re.compile(r"(?<!\w)(\w++)\s*+=\s*+\"([^\"]*+)\"")
_REF_POSITIONAL = re.compile(r"\"([^\"]*)\"|`([^`]*)`")


def hugo_ref(tag: str, ref_folder: Callable[[str | None], str] | None = None) -> str | None:
    """What the page shows for the shortcode `tag` when it is a `ref` or `relref` (None when
    it is not): the linked path, as written when relative, '/'-rooted in the notes folder when
    it starts with '/' (at `ref_folder(lang)`, the folder a path in language `lang`, None the
    page's own, starts from; None: the notes folder); "" without a path."""
    found = _REF_TAG.fullmatch(tag)
    if not found:
        return None
    arguments = found.group(1).strip()
    named = dict(_REF_NAMED.findall(arguments))
    positional = _REF_POSITIONAL.match(arguments)
    argument = named.get("path") or (next(g for g in positional.groups() if g is not None) if positional and not named else "")
    if not argument.startswith("/"):
        return argument
    root = ref_folder(named.get("lang")) if ref_folder else ""
    return "/" + "/".join(filter(None, (root, argument.lstrip("/"))))
