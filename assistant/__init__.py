"""Retrieval-based Q&A over a team's markdown notes, in Japanese and English.

The public API, which the CLI, the JSON API and the UI use (docs/architecture.md):

    Settings, from_env                 configuration (config.py)
    AssistantError, QueryError, ...    the named errors (errors.py)
    MAX_QUESTION_CHARS, MAX_TOP_K,     the limits on a question and the checks that apply them
    MAX_HISTORY, validate_*,           (query.py)
    question_chars
    turns_read                         the earlier questions a follow-up's search reads (query.py)
    Answer, Hit                        what a search returns (hits.py)
    Searcher                           a loaded index that answers (retrieve.py)
    SearchService, open_searcher       a searcher kept current with the notes (service.py)
    build_index, BuildReport           build or update the index (build.py)
    choose_model                       the model when none is named: the measured default (profiles.py)
    example_questions, EXAMPLE_COUNT   the chat page's examples, from the notes' headings (suggestions.py)

The search and build names load on first use, so `import assistant` stays light (no
markdown parser, model or FAISS until they are needed).
"""
from .config import Settings, from_env
from .errors import AssistantError, ConfigError, QueryError
from .query import (MAX_HISTORY, MAX_QUESTION_CHARS, MAX_TOP_K, question_chars, turns_read, validate_history,
                    validate_question, validate_top_k)

_LAZY = {
    "Answer": "hits",
    "Hit": "hits",
    "Searcher": "retrieve",
    "SearchService": "service",
    "open_searcher": "service",
    "build_index": "build",
    "BuildReport": "build",
    "choose_model": "profiles",
    "example_questions": "suggestions",
    "EXAMPLE_COUNT": "suggestions",
}

__all__ = [
    "Settings", "from_env", "AssistantError", "ConfigError", "QueryError",
    "MAX_HISTORY", "MAX_QUESTION_CHARS", "MAX_TOP_K", "question_chars", "validate_history", "validate_question",
    "validate_top_k", "turns_read", *_LAZY,
]


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
