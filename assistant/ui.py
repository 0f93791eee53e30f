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

from .config import Settings
from .errors import AssistantError, QueryError
from .render import language
from .webrender import answer_html, error_html, question_html

log = logging.getLogger(__name__)

ALL = "__all__"
MAX_K = 10
MAX_HISTORY = 20  # earlier questions kept for follow-ups, as on the API
MAX_TURNS_SHOWN = 50  # a session's memory stays bounded however long the chat
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")

TEXT = {
    "ja": {
        "title": "ノート検索アシスタント",
        "intro": "勉強ノートに質問すると、答えが書かれている節を引用付きで示します。",
        "placeholder": "質問を入力（例：SQSの可視性タイムアウトとは？）",
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
.answer .hit { border-top: 1px solid var(--border-color-primary); padding-top: .5em; margin-top: .5em; }
.answer .hit:first-of-type { border-top: none; margin-top: 0; }
.answer .crumb { font-size: .85em; opacity: .8; }
.answer .cite { font-family: var(--font-mono); font-size: .85em; margin-right: .5em; }
.answer .copy-cite { font-size: .75em; padding: 0 .4em; border: 1px solid var(--border-color-primary);
  border-radius: 4px; cursor: pointer; background: transparent; }
.answer .section h1, .answer .section h2, .answer .section h3, .answer .section h4 { font-size: 1.05em; margin: .4em 0; }
.answer mark.hl { background: #fff3a3; color: inherit; padding: 0 .1em; }
.answer mark.hl::before { content: "▶ "; color: #c05800; }
.answer pre span.hl { background: #fff3a3; display: inline-block; min-width: 100%; }
.answer pre span.hl::before { content: "▶ "; color: #c05800; }
.embed-mode #header, .embed-mode #examples { display: none !important; }
.answer .copy-cite .cite-text { display: none; }
.answer .notice { font-style: italic; }
.answer .error { color: #b00020; font-weight: 600; }
"""

# One delegated listener, because sanitized HTML carries no handlers: copy-citation buttons,
# and citation links, which Gradio's chatbot would otherwise force to open in a new tab.
HEAD = """
<script>
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
    const name = target.slice("cite-target".length) || "_top";
    window.open(link.href, name, name === "_blank" ? "noopener" : "");
    return;
  }
  const button = path.find(el => el.classList && el.classList.contains("copy-cite"));
  if (!button) return;
  const text = button.querySelector(".cite-text").textContent;
  const done = () => { button.classList.add("copied"); button.firstChild.textContent = "✓ "; };
  if (navigator.clipboard && window.isSecureContext) { navigator.clipboard.writeText(text).then(done, done); }
  else { const area = document.createElement("textarea"); area.value = text; document.body.appendChild(area);
         area.select(); try { document.execCommand("copy"); } catch (e) {} area.remove(); done(); }
});
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
            gr.update(placeholder=t["placeholder"]),
            gr.update(value=f"## {t['title']}\n{t['intro']}"),
            gr.update(value=t["send"]),
            gr.update(value=t["clear"]),
            gr.update(label=t["k"]),
            gr.update(label=t["scope"], choices=_scope_choices(service, lang), value=scope_value or ALL),
        )

    def ask(question, k, scope, conversation):
        """One question -> the updated chat. The conversation (shown messages and earlier
        questions) lives in server-side session state: the client sends only text and numbers,
        never the chat history, so no client value can name a file (case gradio-filedata-read)."""
        chat, asked = list(conversation["chat"]), list(conversation["asked"])
        question = _plain(question)
        lang = language(question) if question else "en"
        try:
            answer = service.search(question, _whole(k), history=tuple(asked), scope=None if scope in (None, ALL) else _plain(scope))
            reply = answer_html(answer, settings.link_target)
            asked = (asked + [answer.question])[-MAX_HISTORY:]
        except AssistantError as exc:
            reply = error_html(f"{TEXT[lang]['error']}: {exc}")
        except Exception:  # a bug must not show a traceback; it is logged for the operator
            log.exception("search failed")
            reply = error_html(TEXT[lang]["error"] + (": 内部エラーが発生しました。" if lang == "ja" else ": internal error."))
        chat = (chat + [{"role": "user", "content": question_html(question)}, {"role": "assistant", "content": reply}])[-2 * MAX_TURNS_SHOWN:]
        _, *rest = labels(lang, scope)
        return (gr.update(value="", placeholder=TEXT[lang]["placeholder"]), chat, {"chat": chat, "asked": asked}, *rest)

    def load(k, scope, conversation, request: gr.Request):
        params = dict(request.query_params) if request is not None else {}
        show = not embed and params.get("embed") not in ("1", "true")
        chrome = (gr.update(visible=show), gr.update(visible=show))
        if _plain(params.get("q", "")):
            return (*ask(params["q"], k, scope, conversation), *chrome)
        box, *rest = labels(_accept_language(request))
        return (box, gr.update(), gr.update(), *rest, *chrome)  # never overwrite a chat in progress

    with gr.Blocks(title=TEXT["ja"]["title"] + " / " + TEXT["en"]["title"], analytics_enabled=False) as demo:
        with gr.Column(visible=not embed, elem_id="header") as header:
            title = gr.Markdown(f"## {TEXT['en']['title']}\n{TEXT['en']['intro']}", elem_id="title")
        chat = gr.Chatbot(
            height=360 if embed else 560, elem_id="chat", show_label=False, buttons=["copy"], feedback_options=None,
            sanitize_html=True, group_consecutive_messages=False,
        )
        conversation = gr.State(empty_conversation())
        with gr.Row():
            box = gr.Textbox(show_label=False, placeholder=TEXT["en"]["placeholder"], scale=5, elem_id="question",
                             max_lines=4, submit_btn=False)
            send = gr.Button(TEXT["en"]["send"], variant="primary", scale=1, elem_id="send")
        with gr.Row():
            k = gr.Slider(1, MAX_K, value=min(settings.top_k, MAX_K), step=1, label=TEXT["en"]["k"], elem_id="k")
            scope = gr.Dropdown(choices=_scope_choices(service, "en"), value=ALL, label=TEXT["en"]["scope"], elem_id="scope")
            clear = gr.Button(TEXT["en"]["clear"], elem_id="clear", scale=0)
        with gr.Column(visible=not embed, elem_id="examples") as extras:
            gr.Markdown(TEXT["ja"]["examples"] + " / " + TEXT["en"]["examples"])
            with gr.Row():
                # Plain buttons (no gr.Examples): their events take no input from the client.
                for example in EXAMPLES:
                    gr.Button(example, size="sm").click(lambda text=example: text, None, box, api_visibility="private")

        # Every event's inputs are text or numbers; the chat itself is output only.
        ask_outputs = [box, chat, conversation, title, send, clear, k, scope]
        inputs = [box, k, scope, conversation]
        box.submit(ask, inputs, ask_outputs, api_visibility="private")
        send.click(ask, inputs, ask_outputs, api_visibility="private")
        clear.click(lambda: ([], empty_conversation()), None, [chat, conversation], api_visibility="private")
        demo.load(load, [k, scope, conversation], ask_outputs + [header, extras], api_visibility="private")
    return demo


def empty_conversation() -> dict:
    """A new chat's server-side state: the messages shown and the questions asked so far."""
    return {"chat": [], "asked": []}


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
