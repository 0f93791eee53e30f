"""The chat UI: a Gradio Blocks page over SearchService, in Japanese or English.

Replies are HTML built and sanitized by webrender.py; Gradio only displays them. Labels
follow the language of the latest question. Earlier questions of the chat are sent as
`history` so follow-ups ("それの料金は？") are understood. `?q=...` asks on page load
(permalinks); `?embed=1` or the /embed mount gives a compact page without the header.
What this leaves out: HTTP concerns (api.py) and search itself (retrieve.py).
"""
# No `from __future__ import annotations`: Gradio finds gr.Request by its evaluated annotation.
import logging
import os
import re
import secrets
import threading
from collections import OrderedDict

from .config import Settings
from .errors import AssistantError, QueryError
from .retrieve import MAX_QUESTION_CHARS
from .render import language
from .webrender import answer_html, error_html, question_html

log = logging.getLogger(__name__)

ALL = "__all__"
MAX_K = 10
MAX_HISTORY = 20  # earlier questions kept for follow-ups, as on the API
MAX_TURNS_SHOWN = 10  # question-and-reply pairs a session keeps: its memory stays bounded
SESSION_KEY = "notes-assistant-chat"  # sessionStorage key holding this tab's chat id
_SESSION_ID = re.compile(r"[A-Za-z0-9_-]{22}")
_WORD = re.compile(r"[A-Za-z]{2,}")
# Controls, and the invisible and direction-changing characters that can disguise text.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")

TEXT = {
    "ja": {
        "title": "ノート検索アシスタント",
        "intro": "勉強ノートに質問すると、答えが書かれている節を引用付きで示します。",
        "placeholder": "質問を入力（例：SQSの可視性タイムアウトとは？）",
        "label": "ノートへの質問",
        "send": "質問する",
        "clear": "会話をクリア",
        "k": "表示する件数",
        "scope": "ノート・章で絞り込む",
        "all": "すべて",
        "examples": "質問の例",
        "error": "エラー",
    },
    "en": {
        "title": "Notes assistant",
        "intro": "Ask the study notes a question; the sections that answer it are shown with citations.",
        "placeholder": "Ask a question (e.g. What is the X-Ray trace header?)",
        "label": "Question to the notes",
        "send": "Ask",
        "clear": "Clear chat",
        "k": "Number of results",
        "scope": "Filter by note or chapter",
        "all": "all",
        "examples": "Example questions",
        "error": "Error",
    },
}

EXAMPLES = [
    "SQSの可視性タイムアウトとは？",
    "DynamoDBのパーティションキーの選び方は？",
    "What is the X-Ray trace header?",
    "How do Lambda environment variables get encrypted?",
]

CSS = """
.answer { font-size: 16px; line-height: 1.55; }
.answer .lead { background: #fff7e0; color: #1f1f1f; border-left: 5px solid #b35300; border-radius: 6px;
  padding: .55em .8em; margin-bottom: .4em; }
.answer .lead-label { font-size: .8em; font-weight: 600; color: #7a3a00; margin: 0; text-transform: none; }
.answer .lead-line { font-size: 1.15em; font-weight: 600; margin: .15em 0 .4em; color: #1f1f1f; }
.answer.weak .lead { background: #f1f1f1; border-left: 5px dashed #6b6b6b; }
.answer.weak .lead-label { color: #4a4a4a; }
.answer.weak .lead-line { font-weight: 400; }
.answer .notice { background: #f1f1f1; color: #333; border: 1px solid #8a8a8a; border-radius: 6px;
  padding: .4em .7em; font-style: normal; }
.answer .notice::before { content: "⚠ "; }
.answer .hit-head { font-size: .9em; }
.answer .crumb { font-size: .85em; opacity: .85; }
.answer .cite { font-family: var(--font-mono); font-size: .85em; margin-right: .5em; word-break: break-all; }
.answer .copy-cite { font-size: .8em; padding: 0 .5em; border: 1px solid currentColor;
  border-radius: 4px; cursor: pointer; background: transparent; color: inherit; }
.answer .copy-cite .cite-text { display: none; }
.answer details { margin: .3em 0; }
.answer details > summary { cursor: pointer; padding: .15em 0; }
.answer .context > summary { font-size: .85em; }
.answer .more-label { font-size: .85em; font-weight: 600; margin: .6em 0 .1em; opacity: .85; }
.answer details.hit { border-top: 1px solid var(--border-color-primary); font-size: .92em; }
.answer details.hit > summary { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.answer details.hit[open] > summary { white-space: normal; }
.answer details.hit .preview { opacity: .8; }
.answer .section h1, .answer .section h2, .answer .section h3, .answer .section h4 { font-size: 1.05em; margin: .4em 0; }
.answer mark.hl, .answer pre span.hl { color: inherit; padding: 0 .1em; background: #fff3a3; }
.answer mark.hl.rank-1, .answer pre span.hl.rank-1 { background: #ffd166; color: #1f1f1f; font-weight: 600; }
.answer mark.hl::before, .answer pre span.hl::before { color: #8a3d00; font-weight: 700; }
.answer mark.hl.rank-1::before, .answer pre span.hl.rank-1::before { content: "① "; }
.answer mark.hl.rank-2::before, .answer pre span.hl.rank-2::before { content: "② "; }
.answer mark.hl.rank-3::before, .answer pre span.hl.rank-3::before { content: "③ "; }
.answer pre span.hl { display: inline-block; min-width: 100%; }
.answer.weak mark.hl, .answer.weak pre span.hl { background: #e6e6e6; font-weight: 400; }
.answer .scope-note { font-size: .9em; margin: 0 0 .4em; }
.answer .search-all { margin-left: .4em; padding: .1em .6em; border: 1px solid currentColor; border-radius: 4px;
  background: transparent; color: inherit; cursor: pointer; }
.answer .notice.cut { margin-bottom: .4em; }
.question { max-height: 9em; overflow-y: auto; overflow-wrap: anywhere; }
.question p { margin: 0; }
/* WCAG AA: white on #b33c00 is 5.6:1 (Gradio's orange gave 2.8:1); placeholders 5.7:1 on white. */
#send, #send:hover { background: #b33c00; border-color: #b33c00; color: #ffffff; }
#send:hover { background: #8f3000; }
#question textarea::placeholder { color: #5e5e5e; opacity: 1; }
/* A focus ring that shows on any background: a dark outline with a white halo. */
button:focus-visible, a:focus-visible, summary:focus-visible, input:focus-visible, textarea:focus-visible,
#question textarea:focus { outline: 3px solid #1747a6 !important; outline-offset: 2px !important; }
/* From 360 px phones to 400 px side panels: the question box and buttons take whole rows. */
@media (max-width: 540px) {
  #ask-row, #options-row { flex-direction: column; align-items: stretch; }
  #ask-row > *, #options-row > * { width: 100%; min-width: 0 !important; flex: none; }
  .gradio-container { padding-left: 6px !important; padding-right: 6px !important; }
  #chat .message-row { max-width: 100% !important; margin-left: 0 !important; margin-right: 0 !important; }
  #chat .bubble-wrap, #chat .message-wrap { padding-left: 4px !important; padding-right: 4px !important; }
}
.embed-mode #header, .embed-mode #examples { display: none !important; }
.answer .error { color: #b00020; font-weight: 600; }
"""

# One delegated listener, because sanitized HTML carries no handlers: copy-citation buttons,
# and citation links, which Gradio's chatbot would otherwise force to open in a new tab.
HEAD = """
<script>
function notesChatId(id) {  // read (no argument) or store this tab's chat id; storage may be off
  try { if (id === undefined) return sessionStorage.getItem("notes-assistant-chat") || "";
        if (id) sessionStorage.setItem("notes-assistant-chat", id); else sessionStorage.removeItem("notes-assistant-chat"); }
  catch (e) {}
  return id || "";
}
function notesPermalink(question) {  // the address follows the latest question (?q=), other parameters kept
  const url = new URL(location.href);
  if (question) url.searchParams.set("q", question); else url.searchParams.delete("q");
  if (url.href !== location.href) history.replaceState(history.state, "", url);
}
// ?embed=1: hide the header at once, before Gradio's load event hides it for good.
if (["1", "true"].includes(new URLSearchParams(location.search).get("embed"))) {
  document.documentElement.classList.add("embed-mode");
}
document.addEventListener("click", function (event) {
  const path = event.composedPath();
  const link = path.find(el => el.classList && el.classList.contains("cite"));
  const target = link && [...link.classList].find(c => c.startsWith("cite-target"));
  if (target && !event.ctrlKey && !event.metaKey && !event.shiftKey) {
    event.preventDefault();
    // The standalone page keeps the chat by opening a new tab; in a frame the citation opens
    // in the wiki page around it (ASSISTANT_LINK_TARGET, _top by default), and the chat comes
    // back from the server when the frame reloads (its id is in sessionStorage).
    const framed = window.self !== window.top;
    const name = framed ? (target.slice("cite-target".length) || "_top") : "_blank";
    window.open(link.href, name, name === "_blank" ? "noopener" : "");
    return;
  }
  if (path.find(el => el.classList && el.classList.contains("search-all"))) {
    const hidden = document.querySelector("#search-everywhere");
    if (hidden) hidden.click();
    return;
  }
  const button = path.find(el => el.classList && el.classList.contains("copy-cite"));
  if (!button) return;
  const text = [...button.querySelector(".cite-text").children].map(span => span.textContent).join("\\n");
  const done = () => { button.classList.add("copied"); button.firstChild.textContent = "✓ "; };
  if (navigator.clipboard && window.isSecureContext) { navigator.clipboard.writeText(text).then(done, done); }
  else { const area = document.createElement("textarea"); area.value = text; document.body.appendChild(area);
         area.select(); try { document.execCommand("copy"); } catch (e) {} area.remove(); done(); }
});
// Each reply opens at its top (Gradio's autoscroll, off, would show its last, weakest hit):
// when a new reply appears, its question goes to the top of the chat, and the answer line is
// brought into the window if the page itself scrolls (phones).
(function () {
  let seen = 0;
  function scroller(el) {
    for (let node = el.parentElement; node; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (/(auto|scroll)/.test(style.overflowY) && node.scrollHeight > node.clientHeight) return node;
    }
    return null;
  }
  function showNewest() {
    const answers = document.querySelectorAll("#chat .answer");
    if (answers.length === seen) return;
    const grew = answers.length > seen;
    seen = answers.length;
    if (!grew) return;
    const answer = answers[answers.length - 1];
    const rows = [...document.querySelectorAll("#chat .message-row, #chat [class*='message-row']")];
    const row = rows.find(r => r.contains(answer));
    const question = row && rows[rows.indexOf(row) - 1];
    const top = question || answer;
    const box = scroller(answer);
    if (box) box.scrollTop += top.getBoundingClientRect().top - box.getBoundingClientRect().top - 16;
    const lead = answer.querySelector(".lead") || answer;
    const r = lead.getBoundingClientRect();
    if (r.top < 0 || r.bottom > window.innerHeight) lead.scrollIntoView({block: "nearest"});
  }
  new MutationObserver(() => requestAnimationFrame(showNewest)).observe(document.documentElement, {childList: true, subtree: true});
})();
</script>
"""


def _scope_choices(service, lang: str) -> list[tuple[str, str]]:
    try:
        scopes = service.searcher.scopes()
    except AssistantError:
        scopes = []
    return [(TEXT[lang]["all"], ALL)] + [(s, s) for s in scopes]


def _accept_language(request) -> str:
    header = (request.headers.get("accept-language", "") if request is not None else "").lower()
    return "ja" if header.startswith("ja") else "en"


def build_ui(service, settings: Settings, embed: bool = False):
    """The Blocks app; `embed` drops the header and examples for iframes and widgets."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    import gradio as gr

    def labels(lang: str, scope_value=None) -> tuple:
        """Updates for: textbox, title, send, clear, k, scope — in `lang`. The textbox value is
        left alone, so a page-load update cannot wipe what the user is already typing."""
        t = TEXT[lang]
        return (
            gr.update(placeholder=t["placeholder"], label=t["label"]),
            gr.update(value=f"## {t['title']}\n{t['intro']}"),
            gr.update(value=t["send"]),
            gr.update(value=t["clear"]),
            gr.update(label=t["k"]),
            gr.update(label=t["scope"], choices=_scope_choices(service, lang), value=scope_value or ALL),
        )

    def ask(question, k, scope, conversation):
        """One question -> the updated chat. The conversation (shown messages, earlier
        questions, the UI language) lives in server-side session state: the client sends only
        text and numbers, never the chat history, so no client value can name a file (case
        gradio-filedata-read)."""
        chat, asked = list(conversation["chat"]), list(conversation["asked"])
        question = _plain(question)
        lang = ui_language(question, conversation.get("lang") or "en")
        scope = None if scope in (None, "", ALL) else _plain(scope)
        used = question[:MAX_QUESTION_CHARS]  # all that is searched, and all that is kept
        try:
            answer = service.search(question, _whole(k), history=tuple(asked), scope=scope)
            used = answer.question
            reply = answer_html(answer, settings.link_target, lang=lang, scope=scope, cut_from=len(question))
            asked = (asked + [answer.question])[-MAX_HISTORY:]
        except AssistantError as exc:
            reply = error_html(f"{TEXT[lang]['error']}: {exc}")
        except Exception:  # a bug must not show a traceback; it is logged for the operator
            log.exception("search failed")
            reply = error_html(TEXT[lang]["error"] + (": 内部エラーが発生しました。" if lang == "ja" else ": internal error."))
        shown = question_html(used)
        chat = (chat + [{"role": "user", "content": shown}, {"role": "assistant", "content": reply}])[-2 * MAX_TURNS_SHOWN:]
        conversation = {**conversation, "chat": chat, "asked": asked, "lang": lang, "last": used, "scope": scope,
                        "id": conversation.get("id") or new_session_id()}
        SESSIONS.save(conversation)
        _, *rest = labels(lang, scope)
        box = gr.update(value="", placeholder=TEXT[lang]["placeholder"], label=TEXT[lang]["label"])
        return (box, chat, conversation, *rest, conversation["id"], used)

    def search_everywhere(k, conversation):
        """The reply's "search everywhere" button: the last question again, without the filter."""
        if not conversation.get("last"):
            return (gr.update(), gr.update(), conversation, *(gr.update(),) * 5, gr.update(), gr.update())
        return ask(conversation["last"], k, ALL, conversation)

    def load(k, scope, conversation, chat_id, request: gr.Request):
        """Page load: the chat this tab had (a frame reloaded by a citation opening in its
        wiki page), then a ?q= permalink question, and labels in the browser's language."""
        params = dict(request.query_params) if request is not None else {}
        show = not embed and params.get("embed") not in ("1", "true")
        chrome = (gr.update(visible=show), gr.update(visible=show))
        restored = SESSIONS.get(_plain(chat_id)) if not conversation["chat"] else None
        lang = (restored or {}).get("lang") or _accept_language(request)
        conversation = restored or {**conversation, "lang": conversation.get("lang") or lang}
        question = _plain(params.get("q", ""))
        if question and not (restored and restored.get("last") == question[:MAX_QUESTION_CHARS]):
            return (*ask(question, k, scope, conversation), *chrome)
        box, *rest = labels(lang)
        if restored:
            return (box, restored["chat"], restored, *rest, restored["id"], restored.get("last", ""), *chrome)
        # A chat in progress is never overwritten; only the language is remembered.
        return (box, gr.update(), conversation, *rest, gr.update(), gr.update(), *chrome)

    def clear_chat(conversation):
        """Both clear controls: the chat, its follow-up history and its saved copy go."""
        SESSIONS.drop(conversation.get("id"))
        return [], {**empty_conversation(), "lang": conversation.get("lang", "")}, "", ""

    with gr.Blocks(title=TEXT["ja"]["title"] + " / " + TEXT["en"]["title"], analytics_enabled=False) as demo:
        with gr.Column(visible=not embed, elem_id="header") as header:
            title = gr.Markdown(f"## {TEXT['en']['title']}\n{TEXT['en']['intro']}", elem_id="title")
        chat = gr.Chatbot(
            height=360 if embed else 560, elem_id="chat", show_label=False, autoscroll=False, buttons=[], feedback_options=None,
            sanitize_html=True, group_consecutive_messages=False,
            latex_delimiters=[],  # no KaTeX: neither a question nor a note may typeset in the chat
        )
        conversation = gr.State(empty_conversation())
        # This tab's chat id, kept in sessionStorage by the page (text only, made by the server),
        # and the latest question as searched, for the permalink (history.replaceState).
        chat_id = gr.Textbox(visible="hidden", elem_id="chat-id", show_label=False, container=False)
        asked_last = gr.Textbox(visible="hidden", elem_id="asked-last", show_label=False, container=False)
        with gr.Row(elem_id="ask-row"):
            box = gr.Textbox(label=TEXT["en"]["label"], show_label=False, placeholder=TEXT["en"]["placeholder"], scale=5,
                             elem_id="question", max_lines=4, submit_btn=False, min_width=200)
            send = gr.Button(TEXT["en"]["send"], variant="primary", scale=1, elem_id="send", min_width=90)
        with gr.Row(elem_id="options-row"):
            k = gr.Slider(1, MAX_K, value=min(settings.top_k, MAX_K), step=1, label=TEXT["en"]["k"], elem_id="k", min_width=160)
            scope = gr.Dropdown(choices=_scope_choices(service, "en"), value=ALL, label=TEXT["en"]["scope"], elem_id="scope",
                                min_width=160)
            clear = gr.Button(TEXT["en"]["clear"], elem_id="clear", scale=0, min_width=120)
        # Clicked by the reply's own "search everywhere" button (see HEAD); takes no text.
        everywhere = gr.Button("search everywhere", visible="hidden", elem_id="search-everywhere")
        with gr.Column(visible=not embed, elem_id="examples") as extras:
            gr.Markdown(TEXT["ja"]["examples"] + " / " + TEXT["en"]["examples"])
            with gr.Row():
                # Plain buttons (no gr.Examples): their events take no input from the client.
                for example in EXAMPLES:
                    gr.Button(example, size="sm").click(lambda text=example: text, None, box, api_visibility="private")

        # Every event's inputs are text or numbers; the chat itself is output only.
        ask_outputs = [box, chat, conversation, title, send, clear, k, scope, chat_id, asked_last]
        inputs = [box, k, scope, conversation]
        # In the browser only: keep the chat id, and make the address a permalink to the latest question.
        remember = "(id, q) => { notesChatId(id); notesPermalink(q); }"
        box.submit(ask, inputs, ask_outputs, api_visibility="private").then(None, [chat_id, asked_last], None, js=remember)
        send.click(ask, inputs, ask_outputs, api_visibility="private").then(None, [chat_id, asked_last], None, js=remember)
        everywhere.click(search_everywhere, [k, conversation], ask_outputs, api_visibility="private").then(
            None, [chat_id, asked_last], None, js=remember)
        clear_outputs = [chat, conversation, chat_id, asked_last]
        clear.click(clear_chat, conversation, clear_outputs, api_visibility="private").then(
            None, [chat_id, asked_last], None, js=remember)
        chat.clear(clear_chat, conversation, clear_outputs, api_visibility="private").then(  # the chat's own trash icon
            None, [chat_id, asked_last], None, js=remember)
        demo.load(None, None, chat_id, js="() => notesChatId()").then(
            load, [k, scope, conversation, chat_id], ask_outputs + [header, extras], api_visibility="private").then(
            None, [chat_id, asked_last], None, js=remember)
    return demo


def ui_language(question: str, current: str) -> str:
    """The UI language after `question`: Japanese text switches to Japanese, English prose
    (three or more words) to English; an empty question, a keyword ("EC2") or a number keeps
    the conversation's language, so one English product name does not flip a Japanese UI."""
    if language(question) == "ja":
        return "ja"
    return "en" if len(_WORD.findall(question)) >= 3 else current


def empty_conversation() -> dict:
    """A new chat's server-side state: the messages shown, the questions asked so far and,
    once it has one, the chat's id (see Sessions)."""
    return {"chat": [], "asked": [], "id": "", "lang": "", "last": "", "scope": None}


def new_session_id() -> str:
    """22 URL-safe characters (128 random bits): not guessable, so a chat id read back from
    the page can only reopen that tab's own chat."""
    return secrets.token_urlsafe(16)


class Sessions:
    """The latest chats, by id, so that a frame reloaded by its wiki page (a citation opened
    in the page around it) shows its chat again. Bounded: at most `max_sessions` chats of at
    most `max_turns` question/answer pairs each (~15 KB a turn), least recently used dropped."""

    def __init__(self, max_sessions: int = 256, max_turns: int = 20):
        self.max_sessions, self.max_turns = max_sessions, max_turns
        self._chats: OrderedDict[str, dict] = OrderedDict()
        self._lock = threading.Lock()

    def save(self, conversation: dict) -> None:
        kept = {**conversation, "chat": conversation["chat"][-2 * self.max_turns:]}
        with self._lock:
            self._chats[conversation["id"]] = kept
            self._chats.move_to_end(conversation["id"])
            while len(self._chats) > self.max_sessions:
                self._chats.popitem(last=False)

    def get(self, chat_id: str) -> dict | None:
        if not _SESSION_ID.fullmatch(chat_id or ""):
            return None
        with self._lock:
            found = self._chats.get(chat_id)
            if found is not None:
                self._chats.move_to_end(chat_id)
            return found

    def drop(self, chat_id: str | None) -> None:
        with self._lock:
            self._chats.pop(chat_id or "", None)


SESSIONS = Sessions()


def _plain(value) -> str:
    """Client text as plain text: anything but a string is refused, and control characters
    (CR included, which Gradio's markdown would treat as a line break) become spaces."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise QueryError("this form takes text only")
    return _CONTROL.sub(" ", value).strip()


def _whole(k) -> int:
    """The slider's value as an int; a client posting to Gradio directly can send anything."""
    try:
        return int(k)
    except (TypeError, ValueError, OverflowError):
        raise QueryError("the number of results must be a whole number") from None
