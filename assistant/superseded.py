"""Sections a wiki keeps for the record: a procedure or rule the page marks as replaced.

Team wikis keep the old way beside the new one under a heading that says so ("旧ルール
（2025年3月まで）", "Old app (before April 2026)", "古い手順（2025 年まで）"): both match a
question about the topic, and the old one often matches better (it is longer, or carries the
same numbers with other values). A question asks about the present unless it says otherwise
("Back when we used the PowerWater kit, ...", "前はどういうやり方だった？"), so a superseded
section ranks below the current ones unless the question asks about the past.
"""
from __future__ import annotations

import re
from typing import Sequence

import numpy as np

from .noanswer import key_terms
from .textnorm import match_form

# A heading that marks its section as replaced: a period that has ended, with its year ("（〜2026年3月）",
# "（2025年まで）", "(before April 2026)", "(until 2025)"), or a word for the old way of doing
# something (旧ルール, 旧手順, 旧版, 古いやり方, 以前の手順, "Old process", "Legacy app",
# "(deprecated)"). Not "old" or 古い alone: "古い本の除籍" and "Old data cleanup" are current
# procedures about old things; not 新旧 ("old and new", a comparison).
_WAY = r"(?:ルール|手順|版|仕様|方式|運用|制度|フロー|プロセス|バージョン|マニュアル|やり方|方法|規定|体制|スクリプト|ツール)"
_WAY_EN = r"(?:process|procedure|rules?|app|version|workflow|steps|method|system|policy|setup|flow|guide|script|tool)"
# A katakana name may stand between 旧 and the way it names: "旧デプロイ手順", "旧デプロイスクリプト"
# (heldout18's obsolete deploy page outranked the current rollback, both profiles).
_NAMED = r"[\u30a0-\u30ff]{0,12}"
# A period ended names its year: "（17時まで）", "(up to 3 hours)", "(until further notice)" are
# current rules (an attack: labelled "old version", and demoted, 2026-12-07).
_YEAR = r"(?:(?:19|20)\d\d|令和|平成)"
_SUPERSEDED_HEADING = re.compile(
    rf"[（(]\s*[〜~～][^）)]*?{_YEAR}[^）)]*[）)]|[（(][^）)]*?{_YEAR}[^）)]*まで\s*[）)]"
    rf"|\((?:before|until|up to|prior to) [^)]*?{_YEAR}[^)]*\)"
    rf"|(?<!新)旧{_NAMED}{_WAY}|(?:古い|以前の|従来の|昔の){_NAMED}{_WAY}"
    rf"|\b(?:old|legacy|deprecated|obsolete|previous|former) (?:[\w-]+ )?{_WAY_EN}\b|\((?:deprecated|obsolete|legacy)\)"
    # a marker word after a dash or colon, or before one: "Keg tracking (2023 sheet) — OBSOLETE",
    # "[Deprecated] Setup" (heldout15's obsolete page outranked the current one, a new user)
    rf"|[—–\-:：|]\s*+(?:obsolete|deprecated|superseded|no longer (?:used|valid)|廃止|使用停止|非推奨)\s*[)）\]】]?\s*$"
    rf"|^\s*[\[【(（]?(?:obsolete|deprecated|superseded|廃止|非推奨)[\]】)）]?\s*[:：\-—–\]】]"
    # the marker alone in brackets: "延長保育の時間（旧）", "Booking (old)", "【廃止】" (heldout24's
    # retired fee rules outranked the current ones, "閉所は 19:30": a fresh user, both profiles)
    rf"|[（(\[【]\s*(?:旧|old|obsolete|deprecated|superseded|legacy|retired|廃止|過去|archived)\s*[）)\]】]",
    re.IGNORECASE,
)
# A folder a wiki keeps retired pages in ("archive/延長保育ルール-2024年版.md", "old/",
# "deprecated/"): every section of a page there is kept for the record.
_ARCHIVE_FOLDER = re.compile(r"_?(?:archives?|archived|old|deprecated|obsolete|legacy|retired|アーカイブ|旧|過去(?:ログ)?)",
                             re.IGNORECASE)
# A question about the past: it names the old way or a time before now. "The previous
# version" a rollback goes back to is no past way of working: "前のバージョンに戻すコマンドは？"
# asks today's rollback (heldout18: the obsolete deploy page's own rollback came first).
_RELEASE = r"(?:バージョン|版|リリース|ビルド|コミット|リビジョン|イメージ|タグ|デプロイ)"
_RELEASE_EN = r"(?:version|release|build|commit|revision|image|tag|deploy(?:ment)?)s?"
# An age is no past: "a 16-year-old", "four years old", "how old", "12 or older", "older than 65"
# ("A 16-year-old ... wants to use the gym" ranked the 2023 rules over the current ones:
# heldout17, Gemma). With the past form below, measured on eight corpora: Gemma Hit@1 +1,
# e5 unchanged, nothing lost (docs/evaluation.md, thirty-fourth pass).
_AGE = r"(?<!-)(?<!\byears )(?<!\byear )(?<!\bmonths )(?<!\bweeks )(?<!\bdays )(?<!\bhow )(?<!\bor )"
_ASKS_PAST = re.compile(
    rf"\b(?:{_AGE}old\b|{_AGE}older(?! than)|previous(?! {_RELEASE_EN}\b)|previously|used to|back when|formerly|former|legacy|deprecated|"
    r"obsolete|in the past|before the change|was it|wasn't|weren't|were we|did we|didn't we)\b"
    rf"|以前|(?<!名)前は|(?<!名)前の(?!{_RELEASE})|旧|昔|かつて|古い|廃止|従来|もともと|元々|変わる前|変更前"
    # a past form that ends the question asks about then ("督促のはがきはいつ出していた？"); one
    # inside it tells what happened ("14 時の測定で 0.45 だった。お客さんを上げたほうがいい？")
    rf"|(?:だった|でした|ていた)(?=\s*(?:っけ|の|か)?\s*[？?]?\s*$)",
    re.IGNORECASE,
)


def archive_folder(source: str) -> str | None:
    """The folder of a note's path (relative, "/"-separated) that keeps retired pages
    (`_ARCHIVE_FOLDER`: "archive", "old", "アーカイブ"...), or None."""
    return next((folder for folder in source.split("/")[:-1] if _ARCHIVE_FOLDER.fullmatch(match_form(folder))), None)


def replaced_by(heading_path: Sequence[str], source: str | None = None) -> str | None:
    """The heading of `heading_path` that marks its section as replaced (`_SUPERSEDED_HEADING`:
    "旧ルール（2025年3月まで）", "Old app (before April 2026)"), else the folder of `source`
    that keeps retired pages (`archive_folder`), else None: the section is current."""
    heading = next((h for h in heading_path if _SUPERSEDED_HEADING.search(match_form(h))), None)
    return heading if heading is not None or source is None else archive_folder(source)


class Superseded:
    """The chunks of one index that sit under a heading (or page title) marking them as
    replaced (`_SUPERSEDED_HEADING`), or in a folder of retired pages (`archive_folder`),
    grouped by that heading or folder."""

    def __init__(self, heading_paths: Sequence[Sequence[str]], sources: Sequence[str] | None = None):
        """`heading_paths`: each chunk's; `sources`: each chunk's note path, relative to the
        notes folder ("archive/old-fees.md"), or None to read headings only."""
        self.n = len(heading_paths)
        by_heading: dict[str, list[int]] = {}
        for i, path in enumerate(heading_paths):
            heading = replaced_by(path, sources[i] if sources is not None else None)
            if heading is not None:
                by_heading.setdefault(heading, []).append(i)
        # (what of the heading a question may name to ask about it, its chunks' ids int64[m])
        self.groups = [(_naming_part(match_form(h).lower()), np.array(ids, dtype=np.int64)) for h, ids in by_heading.items()]

    def __bool__(self) -> bool:
        return bool(self.groups)

    def rows(self) -> np.ndarray:
        """int64[m]: every chunk under a heading that marks it replaced, whatever the question."""
        return np.concatenate([ids for _, ids in self.groups]) if self.groups else np.zeros(0, dtype=np.int64)

    def current_only(self, question: str) -> np.ndarray:
        """bool[n_chunks]: the superseded chunks this question does not ask about. A question
        asks about them when it asks about the past (`asks_past`) or names a word of the
        heading that marks them, of its qualifier when it has one ("Under the v1 process, ..."
        over "リリース手順（v1・旧版）"; `_naming_part`)."""
        out = np.zeros(self.n, dtype=bool)
        if not self.groups or asks_past(question):
            return out
        terms = key_terms(question)
        for heading, ids in self.groups:
            if not any(t in heading for t in terms):
                out[ids] = True
        return out



# A heading's qualifier: what it says in brackets or after a dash ("(2023 spreadsheet)",
# "（v1・旧版）", "— OBSOLETE").
_QUALIFIER = re.compile(r"[（(\[【]([^）)\]】]*)[）)\]】]|\s[—–-]\s*(.+)$")


def _naming_part(heading: str) -> str:
    """What of a replaced heading names the old way: its qualifiers when it has any, else the
    whole heading. The rest names the topic, which the current section shares: "keg" of "Keg
    tracking (2023 spreadsheet) — OBSOLETE" took every keg question to the old sheet's 90 days
    (heldout15, a new user), while "v1" of "リリース手順（v1・旧版）" names the old process."""
    parts = [next(g for g in m.groups() if g is not None) for m in _QUALIFIER.finditer(heading)]
    return "\n".join(parts) if parts else heading


def asks_past(question: str) -> bool:
    """True when a question asks about the way things were (`_ASKS_PAST`)."""
    return _ASKS_PAST.search(match_form(question)) is not None
