"""Retrieval-based Q&A over a team's markdown notes, in Japanese and English."""
from .config import Settings, from_env
from .errors import AssistantError
from .retrieve import Answer, Hit, Searcher
from .service import open_searcher

__all__ = ["Settings", "from_env", "AssistantError", "Answer", "Hit", "Searcher", "open_searcher"]
