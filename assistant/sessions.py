"""The chat page's server-side sessions: a chat's messages and earlier questions live here,
never in the client (ui.py), bounded in turns, characters and number of chats.

A frame reloaded by its wiki page (a citation opened in the page around it) finds its chat
again by the id the tab keeps in sessionStorage.
"""
from __future__ import annotations

import html
import re
import secrets
import threading
from collections import OrderedDict

MAX_TURNS_SHOWN = 10  # question-and-reply pairs a session keeps: its memory stays bounded
# Characters of HTML a session's chat keeps (each reply resends the whole chat): the oldest
# pairs go first, the latest pair always stays. A reply is bounded by hits.MAX_HIT_CHARS a
# hit (~0.2 MB at most with 10 hits), an ordinary one is 5-20 KB.
MAX_CHAT_CHARS = 1_000_000
_SESSION_ID = re.compile(r"[A-Za-z0-9_-]{22}")


def bounded_chat(chat: list[dict], max_pairs: int = MAX_TURNS_SHOWN, max_chars: int = MAX_CHAT_CHARS) -> list[dict]:
    """The latest question/reply pairs of `chat` (messages {"role", "content": str}) that fit
    in `max_pairs` pairs and `max_chars` characters of content; the latest pair always stays."""
    chat = chat[-2 * max_pairs:]
    size = sum(len(m["content"]) for m in chat)
    while len(chat) > 2 and size > max_chars:
        size -= len(chat[0]["content"]) + len(chat[1]["content"])
        chat = chat[2:]
    return chat


# Said above the oldest turn kept once older ones were dropped: a fresh user saw their first
# question vanish at the 11th, without a word (heldout28).
OLDER_TURNS = {"en": "Older questions and replies are no longer shown: the chat keeps the latest {n}.",
               "ja": "古い質問と回答は表示されなくなりました（チャットに残るのは最新の {n} 件です）。"}


_NOTICE_START = '<div class="older-turns">'


def older_turns_notice(lang: str) -> dict:
    """The chat's first message once older turns were dropped, in `lang` ('ja' or else English)."""
    text = OLDER_TURNS["ja" if lang == "ja" else "en"].format(n=MAX_TURNS_SHOWN)
    return {"role": "assistant", "content": f'{_NOTICE_START}{html.escape(text)}</div>'}


def chat_with(chat: list[dict], added: list[dict], lang: str) -> list[dict]:
    """`chat` with the messages `added`, bounded (bounded_chat), opening with the notice that
    older turns are gone (older_turns_notice) once any were dropped."""
    earlier = [m for m in chat if not (m["role"] == "assistant" and m["content"].startswith(_NOTICE_START))]
    kept = bounded_chat(earlier + added)
    dropped = len(kept) < len(earlier) + len(added) or len(earlier) < len(chat)
    return [older_turns_notice(lang), *kept] if dropped else kept


def empty_conversation() -> dict:
    """A new chat's server-side state: the messages shown, the questions asked so far, the
    earlier ones the latest answer read (`before`, which its permalink carries) and, once it
    has one, the chat's id (see Sessions)."""
    return {"chat": [], "asked": [], "before": [], "id": "", "lang": "", "last": "", "scope": None}


def new_session_id() -> str:
    """22 URL-safe characters (128 random bits): not guessable, so a chat id read back from
    the page can only reopen that tab's own chat."""
    return secrets.token_urlsafe(16)


class Sessions:
    """The latest chats, by id, so that a frame reloaded by its wiki page (a citation opened
    in the page around it) shows its chat again. Bounded: at most `max_sessions` chats of at
    most `max_turns` question/answer pairs and MAX_CHAT_CHARS each (~15 KB a turn), least
    recently used dropped."""

    def __init__(self, max_sessions: int = 256, max_turns: int = 20):
        self.max_sessions, self.max_turns = max_sessions, max_turns
        self._chats: OrderedDict[str, dict] = OrderedDict()
        self._lock = threading.Lock()

    def save(self, conversation: dict) -> None:
        """Keep a chat ({"id", "chat", ...}): its last `max_turns` pairs, as the most recent."""
        kept = {**conversation, "chat": bounded_chat(conversation["chat"], self.max_turns)}
        with self._lock:
            self._chats[conversation["id"]] = kept
            self._chats.move_to_end(conversation["id"])
            while len(self._chats) > self.max_sessions:
                self._chats.popitem(last=False)

    def get(self, chat_id: str) -> dict | None:
        """The chat saved under `chat_id`, or None for an unknown or malformed id."""
        if not _SESSION_ID.fullmatch(chat_id or ""):
            return None
        with self._lock:
            found = self._chats.get(chat_id)
            if found is not None:
                self._chats.move_to_end(chat_id)
            return found

    def drop(self, chat_id: str | None) -> None:
        """Forget a chat ("clear chat"); an unknown id or None is ignored."""
        with self._lock:
            self._chats.pop(chat_id or "", None)


SESSIONS = Sessions()
