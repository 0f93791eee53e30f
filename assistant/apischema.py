"""The JSON API's response bodies, as /docs and /openapi.json describe them (api.py serves
them; Answer.to_json and SearchService.status make them)."""
from __future__ import annotations

from pydantic import BaseModel, Field


class HitOut(BaseModel):
    """One note section that answers the question (Hit.to_json)."""

    source: str = Field(description="note file, relative to the notes folder", examples=["aws-developer-associate.md"])
    title: str = Field(description="the note's title (front matter or first heading)")
    heading_path: list[str] = Field(description="headings from the page title down to the section")
    line_start: int = Field(description="first line of the section in the note, 1-based")
    line_end: int = Field(description="last line of the section, inclusive")
    score: float = Field(description="fused relevance score; higher is better, comparable within one answer only")
    url: str = Field(description="the section in the team wiki: base URL + page + heading anchor")
    text: str = Field(description="the section's markdown, as written in the note (untrusted: render it safely); "
                                  "a line over 2,000 characters (or, in a section over 16,000, over its equal share) "
                                  "is cut and ends in '…': the url and line numbers name the whole note")
    truncated: bool = Field(description="true when a line of `text` was cut")
    highlight_lines: list[int] = Field(description="note line numbers of the lines that answer, best first")
    collapsed: str | None = Field(None, description="the title of the folded block (<details>, `::: details`, "
                                                    "`??? note`) the first answer line is in: the wiki page shows it "
                                                    "closed until opened; null when the line is in view. Note "
                                                    "text (untrusted: render it safely), at most 80 characters")
    replaced: str | None = Field(None, description="the heading that marks the section as replaced (\"旧ルール（2025年"
                                                   "3月まで）\", \"Old app (before April 2026)\") or the folder of "
                                                   "retired pages it is in (\"old\"); null for a current section. "
                                                   "Note text (untrusted: render it safely)")


class AnswerOut(BaseModel):
    """The answer object: the same JSON as `python -m assistant ask --json`."""

    question: str = Field(description="the question as searched (cut to its first 2,000 characters)")
    question_cut: bool = Field(description="true when the question was longer and only its first 2,000 characters were searched")
    no_answer: bool = Field(description="true when the notes do not seem to answer; `hits` are then the closest sections")
    asks_nothing: bool = Field(False, description="true for a turn that asks nothing to look up (thanks, a greeting, "
                                                  "a first question naming no topic): `no_answer` is then true and "
                                                  "`hits` empty")
    hits: list[HitOut] = Field(description="best first; at most k. A section the best match's answer line "
                               "links to comes before it, with its own lower score")


class ErrorOut(BaseModel):
    """Every error, on every route: one line saying what is wrong."""

    error: str


class ScopesOut(BaseModel):
    """GET /api/scopes: every value the `scope` filter of /api/ask accepts, notes first."""

    scopes: list[str] = Field(description="values the `scope` parameter takes: every note, then 'note › chapter' "
                                          "(at most 100 chapters a note, 1,000 names in all: assistant/scopes.py)",
                              examples=[["aws-developer-associate.md", "aws-developer-associate.md > 第4章 開発関連サービス"]])
    complete: bool = Field(True, description="false when chapters were left out of `scopes` (they are still accepted)")


class HealthOut(BaseModel):
    """SearchService.status(): the index answering now and whether it follows the notes."""

    status: str = Field(description='"ok", "building" (a re-index runs), "behind" (the notes changed after the '
                                    'index answering now, or the site\'s file changed) or "degraded" (a version was refused, a build failed, or '
                                    "the notes folder is gone)", examples=["ok"])
    chunks: int = Field(description="sections in the index answering now")
    index_built_at: str = Field(description="when that index was built")
    index_version: str = Field(description="its version folder")
    build_in_progress: bool
    build_started_at: str | None = None
    index_behind_notes: bool = Field(description="the watcher saw a change the index answering now does not hold")
    notes_changed_at: str | None = None
    watching: bool | None = Field(None, description="None: no watcher; False: the notes folder is gone")
    site_config_changed: bool = Field(False, description="the site's configuration file (_config.yml, mkdocs.yml, "
                                                         "...) changed after start: restart to apply it")
    last_build_error: str | None = None
    refused_version: str | None = None
    refused_reason: str | None = None
