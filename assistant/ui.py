"""The chat UI: a Gradio Blocks page over SearchService, in Japanese or English.

Replies are HTML built and sanitized by webrender.py; Gradio only displays them. Labels
follow the language of the latest question. Earlier questions of the chat are sent as
`history` so follow-ups ("それの料金は？") are understood. `?q=...` asks on page load
(permalinks), after the earlier questions in `&history=` (repeated, oldest first: those the
answer read, so a follow-up's link gives the same answer); `?embed=1` or the /embed mount
gives a compact page without the header.
What this leaves out: HTTP concerns (api.py) and search itself (retrieve.py).
"""
# No `from __future__ import annotations`: Gradio finds gr.Request by its evaluated annotation.
import json
import logging
import os
import re
from pathlib import Path

from .config import Settings
from .errors import AssistantError, QueryError, UnknownScopeError
from . import (EXAMPLE_COUNT, MAX_HISTORY, MAX_QUESTION_CHARS, example_questions, question_chars, turns_read,
               validate_history)
from .language import language, reply_language
from .scopes import listed_scopes, scope_label
from .sessions import SESSIONS, chat_with, empty_conversation, new_session_id
from .webrender import answer_html, error_html, question_html

log = logging.getLogger(__name__)

# The page's stylesheet and its one script (static/): one delegated listener, because
# sanitized HTML carries no handlers (copy-citation buttons, citation links, which Gradio's
# chatbot would otherwise force to open in a new tab), and the scroll to each new reply.
STATIC = Path(__file__).parent / "static"
CSS = (STATIC / "ui.css").read_text(encoding="utf-8")
HEAD = (STATIC / "ui-head.html").read_text(encoding="utf-8")

ALL = "__all__"
MAX_K = 10
SESSION_KEY = "notes-assistant-chat"  # sessionStorage key holding this tab's chat id
_WORD = re.compile(r"[A-Za-z]{2,}")
# Controls, the invisible and direction-changing characters that can disguise text, and lone
# surrogates (a JSON "\ud800" escape from a client posting to Gradio directly): UTF-8 cannot
# encode them, so one in a reply failed Gradio's serialization of every later reply of the chat.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ud800-\udfff]")

TEXT = {
    "ja": {
        "title": "ノート検索アシスタント",
        "intro": "ノートに質問すると、答えが書かれている節を引用付きで示します。",
        "placeholder": "ノートについて質問",  # short: the longer one was clipped at 360 px (a fresh user)
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
        "intro": "Ask the notes a question; the sections that answer it are shown with citations.",
        "placeholder": "Ask a question about the notes",
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


_EXAMPLES: dict = {}  # the loaded index (a Searcher) -> its example questions; one entry


def _examples(service) -> list[str]:
    """The page's example questions, about the notes' own headings (suggestions.py), made
    once per loaded index: a rebuild after an edit loads a new one, and pages opened after it
    offer its headings; none while no index is loaded."""
    try:
        searcher = service.searcher
    except AssistantError:
        return []
    questions = _EXAMPLES.get(searcher)
    if questions is None:  # a page load racing an index swap may make them twice: harmless
        _EXAMPLES.clear()  # the previous index's: kept no longer than it is
        questions = _EXAMPLES[searcher] = example_questions(searcher)
    return questions


def _scope_names(service) -> dict[str, str]:
    """Every scope the index knows -> its name for readers (scopes.titled_scopes: the
    note's title, not its path); empty while no index is loaded."""
    try:
        return service.searcher.scope_names
    except AssistantError:
        return {}


def _scope_choices(service, lang: str) -> list[tuple[str, str]]:
    """The filter dropdown's (label, value) pairs: "all", then the notes and chapters within
    scopes.py's caps (the page's /config carries them, so they must not grow with headings),
    each labelled by its title; the value sent back stays the path."""
    names = _scope_names(service)
    scopes, _ = listed_scopes(list(names), service.searcher.note_titles if names else (), names)
    return [(TEXT[lang]["all"], ALL)] + [(scope_label(names[s]), s) for s in scopes]


def _accept_language(request) -> str:
    header = (request.headers.get("accept-language", "") if request is not None else "").lower()
    return "ja" if header.startswith("ja") else "en"


def build_ui(service, settings: Settings, embed: bool = False):
    """The Blocks app; `embed` drops the header and examples for iframes and widgets."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    import gradio as gr

    def labels(lang: str, scope_value=None, choices: bool = True) -> tuple:
        """Updates for: textbox, title, send, clear, k, scope — in `lang`. The textbox value is
        left alone, so a page-load update cannot wipe what the user is already typing. The
        filter's choices are sent only with `choices` (page load, a change of language): a
        reply does not carry the whole list again."""
        t = TEXT[lang]
        scope = dict(choices=_scope_choices(service, lang)) if choices else {}
        return (
            gr.update(placeholder=t["placeholder"], label=t["label"]),
            gr.update(value=f"## {t['title']}\n{t['intro']}"),
            gr.update(value=t["send"]),
            gr.update(value=t["clear"]),
            gr.update(label=t["k"]),
            gr.update(label=t["scope"], value=scope_value or ALL, **scope),
        )

    def _chosen_scope(value) -> str:
        """The filter as sent: one of the page's own choices as it is (a heading holding a
        control character, such as a BEL pasted from a terminal, is offered as written, and
        `_plain` made it a space: "unknown filter" for a choice the page itself offered);
        anything else as client text (`_plain`)."""
        if isinstance(value, str) and value in {v for _, v in _scope_choices(service, "en")}:
            return value
        return _plain(value)

    def ask(question, k, scope, conversation):
        """The Ask button and Enter: one question -> the updated chat (see `turn`)."""
        return turn(question, k, scope, conversation)

    def turn(question, k, scope, conversation, with_choices: bool = False, linked: list[str] | None = None):
        """One question -> the updated chat (the filter's choices only with `with_choices` or
        when the language changes). The conversation (shown messages, earlier
        questions, the UI language) lives in server-side session state: the client sends only
        text and numbers, never the chat history, so no client value can name a file (case
        gradio-filedata-read). A permalink's earlier questions (`linked`, from its address)
        replace the chat's, checked as the API checks its `history`."""
        chat, asked = list(conversation["chat"]), list(conversation["asked"])
        requested = scope if isinstance(scope, str) and scope else ALL  # as the page or address asked, for `load`
        question = _plain(_as_text(question))
        conversation_lang = conversation.get("lang")
        lang = ui_language(question, conversation_lang or "en")
        used = question[:MAX_QUESTION_CHARS]  # all that is searched, and all that is kept
        before: list[str] = []  # the earlier questions the answer read: its permalink carries them
        try:
            if linked is not None:
                asked = list(validate_history(linked, "the address's history"))
            # k and scope arrive as the client sent them (preprocess=False, see below): a value
            # the page cannot produce gets its message here, in the chat.
            scope, gone = (None if scope in (None, "", ALL) else _chosen_scope(scope)), None
            if scope and scope != conversation.get("scope") and linked is None:
                # A filter chosen since the last question names the new topic: 「いくら？」 asks about
                # it, not the earlier turns' (a fresh user, heldout28: the gondola's followed).
                asked = []
            try:
                answer = service.search(question, _result_count(k), history=tuple(asked), scope=scope)
            except UnknownScopeError:  # an old permalink's, or the open page's, of a note since renamed or removed
                gone, scope = scope, None
                answer = service.search(question, _result_count(k), history=tuple(asked))
            used = answer.question
            before = list(turns_read(asked, used))
            shown_scope = _scope_names(service).get(scope, scope) if scope else None
            # The search says whether it cut the question (Answer.question_cut), counted as the
            # CLI and the API count it: one rule, not a second one here.
            cut_from = question_chars(question) if answer.question_cut else 0
            reply = answer_html(answer, settings.link_target, lang, shown_scope, cut_from, service.searcher.page_urls, gone)
            asked = (asked + [answer.question])[-MAX_HISTORY:]
        except AssistantError as exc:
            if scope is not None and scope not in {value for _, value in _scope_choices(service, lang)}:
                scope = None  # a filter the page does not offer is not sent back: the dropdown shows "all"
            message = getattr(exc, "ja", None) if lang == "ja" else None
            reply = error_html(f"{TEXT[lang]['error']}: {message or exc}")
        except Exception:  # a bug must not show a traceback; it is logged for the operator
            log.exception("search failed")
            reply = error_html(TEXT[lang]["error"] + (": 内部エラーが発生しました。" if lang == "ja" else ": internal error."))
        shown = question_html(used, before if linked else (), lang)  # a permalink's reader sees what it followed
        # No question (Ask on an empty box): the message alone, not an empty bubble above it (a fresh user).
        said = [{"role": "user", "content": shown}] if used.strip() else []
        chat = chat_with(chat, said + [{"role": "assistant", "content": reply}], lang)
        conversation = {**conversation, "chat": chat, "asked": asked, "lang": lang, "last": used, "scope": scope,
                        "requested_scope": requested, "before": before, "id": conversation.get("id") or new_session_id()}
        SESSIONS.save(conversation)
        _, *rest = labels(lang, scope, choices=with_choices or lang != (conversation_lang or "en"))
        box = gr.update(value="", placeholder=TEXT[lang]["placeholder"], label=TEXT[lang]["label"])
        return (box, chat, conversation, *rest, conversation["id"], used, json.dumps(before, ensure_ascii=False))

    def search_everywhere(k, conversation):
        """The reply's "search everywhere" button: the last question again, without the filter."""
        last = conversation.get("last")
        if not last:
            return (gr.update(), gr.update(), conversation, *(gr.update(),) * 5, *(gr.update(),) * 3)
        # Asked with the history it had the first time: it is already the last of `asked`, and
        # as its own follow-up it moved the highlighted lines (a fresh tester, 2026-12-01).
        asked = list(conversation["asked"])
        if asked and asked[-1] == last:
            asked.pop()
        return turn(last, k, ALL, {**conversation, "asked": asked})

    def load(k, scope, conversation, chat_id, request: gr.Request):
        """Page load: the chat this tab had (a frame reloaded by a citation opening in its
        wiki page), then a ?q= permalink question, searched within the ?scope= filter after its
        &history= questions, and labels in the browser's language. A ?scope= the page does not
        offer is dropped (the dropdown shows "all"), and so is a &history= without a ?q=; with a
        ?q= the reply says what is wrong with either."""
        params = dict(request.query_params) if request is not None else {}
        wanted = params.get("scope") or ALL
        scope = wanted if wanted in {value for _, value in _scope_choices(service, "en")} else ALL
        show = not embed and params.get("embed") not in ("1", "true")
        current = _examples(service) if show else []  # the index's now, edits included
        chrome = (gr.update(visible=show), gr.update(visible=bool(current)),
                  *(gr.update(value=q, visible=True) for q in current),
                  *(gr.update(visible=False) for _ in range(len(current), EXAMPLE_COUNT)))
        restored = SESSIONS.get(_plain(_as_text(chat_id))) if not conversation["chat"] else None
        lang = (restored or {}).get("lang") or _accept_language(request)
        conversation = restored or {**conversation, "lang": conversation.get("lang") or lang}
        question = _plain(params.get("q", ""))
        linked = [_plain(value) for value in _repeated(request, "history")]
        # The tab's own chat reloaded: its last question, asked within the same filter after the
        # same earlier questions. Another filter or history is another permalink (a fresh user:
        # "?q=...&scope=ops/deploy.md" after "?q=...&scope=faq.md" showed the FAQ's reply).
        reloaded = bool(restored) and restored.get("last") == question[:MAX_QUESTION_CHARS] \
            and restored.get("requested_scope", ALL) == wanted and list(restored.get("before", [])) == linked
        if question and not reloaded:
            # Another permalink opened in this tab starts a chat of its own: under the tab's
            # earlier chat its answer (which reads the link's history) looked like a follow-up
            # to that chat (a fresh tester, 2026-12-01).
            own = {**empty_conversation(), "lang": conversation.get("lang")} if restored else conversation
            return (*turn(question, k, wanted, own, with_choices=True, linked=linked), *chrome)
        box, *rest = labels(lang, scope)
        if restored:
            return (box, restored["chat"], restored, *rest, restored["id"], restored.get("last", ""),
                    json.dumps(restored.get("before", []), ensure_ascii=False), *chrome)
        # A chat in progress is never overwritten; only the language is remembered.
        return (box, gr.update(), conversation, *rest, gr.update(), gr.update(), gr.update(), *chrome)

    def clear_chat(conversation):
        """Both clear controls: the chat, its follow-up history and its saved copy go."""
        SESSIONS.drop(conversation.get("id"))
        return [], {**empty_conversation(), "lang": conversation.get("lang", "")}, "", "", ""

    with gr.Blocks(title=TEXT["ja"]["title"] + " / " + TEXT["en"]["title"], analytics_enabled=False) as demo:
        with gr.Column(visible=not embed, elem_id="header") as header:
            title = gr.Markdown(f"## {TEXT['en']['title']}\n{TEXT['en']['intro']}", elem_id="title")
        # 330 px in /embed/: with the ask row and the options (ui.css) the page is 640 px tall
        # at 400 px wide, the frame docs/embedding.md gives (test_ui_browser checks each control);
        # a taller frame gives the chat the rest (ui.css, #chat.embed-chat).
        chat = gr.Chatbot(
            height=330 if embed else 560, elem_id="chat", elem_classes=["embed-chat"] if embed else None, show_label=False, autoscroll=False, buttons=[], feedback_options=None,
            sanitize_html=True, group_consecutive_messages=False,
            latex_delimiters=[],  # no KaTeX: neither a question nor a note may typeset in the chat
        )
        conversation = gr.State(empty_conversation())
        # This tab's chat id, kept in sessionStorage by the page (text only, made by the server),
        # and the latest question as searched with the earlier ones its answer read (a JSON
        # list), for the permalink (history.replaceState).
        chat_id = gr.Textbox(visible="hidden", elem_id="chat-id", show_label=False, container=False)
        asked_last = gr.Textbox(visible="hidden", elem_id="asked-last", show_label=False, container=False)
        asked_before = gr.Textbox(visible="hidden", elem_id="asked-before", show_label=False, container=False)
        with gr.Row(elem_id="ask-row"):
            box = gr.Textbox(label=TEXT["en"]["label"], show_label=False, placeholder=TEXT["en"]["placeholder"], scale=5,
                             elem_id="question", max_lines=4, submit_btn=False, min_width=200)
            send = gr.Button(TEXT["en"]["send"], variant="primary", scale=1, elem_id="send", min_width=90)
            if embed:  # beside Ask: in a 400 px wiki panel it sat below the frame's fold (a wiki owner)
                clear = gr.Button(TEXT["en"]["clear"], elem_id="clear", scale=0, min_width=90)
        with gr.Row(elem_id="options-row", elem_classes=["options-compact"] if embed else None):
            k = gr.Slider(1, MAX_K, value=min(settings.top_k, MAX_K), step=1, label=TEXT["en"]["k"], elem_id="k", min_width=160)
            # Every choice at once: Gradio shows 100 and loads more on scrolling, which a fresh
            # user's 138 choices never reached (2026-12-06); typing filters them all as before.
            # None (documented as "all") reaches the page as the default 100 in Gradio 6.31.
            scope = gr.Dropdown(choices=_scope_choices(service, "en"), value=ALL, label=TEXT["en"]["scope"], elem_id="scope",
                                min_width=160, num_choices_shown=10**6)
            if not embed:
                clear = gr.Button(TEXT["en"]["clear"], elem_id="clear", scale=0, min_width=120)
        # Clicked by the reply's own "search everywhere" button (see HEAD); takes no text.
        everywhere = gr.Button("search everywhere", visible="hidden", elem_id="search-everywhere")
        examples = _examples(service) if not embed else []
        with gr.Column(visible=bool(examples), elem_id="examples") as extras:
            gr.Markdown(TEXT["ja"]["examples"] + " / " + TEXT["en"]["examples"])
            with gr.Row():
                # Plain buttons (no gr.Examples), as many as suggestions makes; the page's load
                # sets their questions from the index then loaded (the clicks: below).
                example_buttons = [gr.Button(examples[i] if i < len(examples) else "", size="sm", visible=i < len(examples))
                                   for i in range(EXAMPLE_COUNT)]

        # Every event's inputs are text or numbers; the chat itself is output only.
        # The events that take the slider or the filter get the values as the client sent them
        # (preprocess=False): Gradio's own checks (Slider: within range; Dropdown: one of the
        # choices) raised before the handler, so a client posting k = 99, "abc" or an unknown
        # scope to the event route got a bare "Error" and the server logged a traceback per
        # request. The handlers check every value themselves (_as_text, _plain, _result_count,
        # the search's scope check) and answer with a ⚠ line in the chat.
        raw = dict(preprocess=False, api_visibility="private")
        ask_outputs = [box, chat, conversation, title, send, clear, k, scope, chat_id, asked_last, asked_before]
        inputs = [box, k, scope, conversation]
        # In the browser only: keep the chat id, and make the address a permalink to the latest
        # question, the earlier ones its answer read, and the filter (a reload and a shared link
        # restore them: `load`).
        # An empty question (Ask on an empty box) keeps the address of the last one: it reset
        # the address to "/", and the link to the answer on screen was lost (a fresh user). An
        # address without ?q= still loses its &history= (nothing was asked with it).
        remember = ("(id, q, before, scope) => { notesChatId(id); notesPermalink("
                    "q || (new URL(location.href).searchParams.get('q') ? undefined : ''), scope, before); }")
        kept = [chat_id, asked_last, asked_before, scope]
        box.submit(ask, inputs, ask_outputs, **raw).then(None, kept, None, js=remember)
        send.click(ask, inputs, ask_outputs, **raw).then(None, kept, None, js=remember)
        # An example's click puts its own text in the box, checked as any typed text (_as_text,
        # _plain), and asks it: it only filled the box, and readers waited (heldout7 tester).
        for button in example_buttons:
            button.click(lambda text: _plain(_as_text(text))[:MAX_QUESTION_CHARS], button, box, **raw).then(
                ask, inputs, ask_outputs, **raw).then(None, kept, None, js=remember)
        everywhere.click(search_everywhere, [k, conversation], ask_outputs, **raw).then(
            None, kept, None, js=remember)
        clear_outputs = [chat, conversation, chat_id, asked_last, asked_before]
        # The address and the tab's chat id go at the click, in the browser: a reload before
        # the server's reply (below) brought the cleared question back (a fresh user, 2026-12-01).
        forget = "() => { notesChatId(''); notesPermalink(''); }"
        clear.click(None, None, None, js=forget)
        chat.clear(None, None, None, js=forget)
        scope.input(None, scope, None, js="(scope) => notesPermalink(undefined, scope)")  # a reload keeps the filter
        clear.click(clear_chat, conversation, clear_outputs, api_visibility="private").then(
            None, kept, None, js=remember)
        chat.clear(clear_chat, conversation, clear_outputs, api_visibility="private").then(  # the chat's own trash icon
            None, kept, None, js=remember)
        demo.load(None, None, chat_id, js="() => notesChatId()").then(
            load, [k, scope, conversation, chat_id], ask_outputs + [header, extras, *example_buttons], **raw).then(
            None, kept, None, js=remember)
    return demo


def ui_language(question: str, current: str) -> str:
    """The UI language after `question`: Japanese text switches to Japanese, English prose to
    English (three or more words, or a sentence quoting Japanese terms: language.reply_language);
    an empty question, a keyword ("EC2") or a number keeps the conversation's language."""
    if reply_language(question) == "ja":
        return "ja"
    return "en" if language(question) == "ja" or len(_WORD.findall(question)) >= 3 else current


def _plain(value) -> str:
    """Client text as plain text: anything but a string is refused, and control characters
    (CR included, which Gradio's markdown would treat as a line break) and lone surrogates
    become spaces."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise QueryError("this form takes text only", ja="このフォームはテキストだけを受け付けます")
    return _CONTROL.sub(" ", value).strip()


def _repeated(request, name: str) -> list:
    """Every value of a query parameter the page's address repeats (?history=a&history=b), in
    order; an environment that hands the parameters over as a dict gives the last one."""
    params = request.query_params if request is not None else {}
    if hasattr(params, "getlist"):
        return list(params.getlist(name))
    return [params[name]] if name in params else []


def _as_text(value) -> str:
    """A text input's value as Gradio's Textbox would hand it over (None -> "", else str):
    the events take their values unprocessed (see `build_ui`), so a client may send a number."""
    return "" if value is None else str(value)


def _result_count(k) -> int:
    """The slider's value as an int in 1..MAX_K, else a QueryError: a client posting to
    Gradio directly can send anything (a string, NaN, 10**30, a boolean)."""
    if isinstance(k, bool) or not isinstance(k, (int, float)) or (isinstance(k, float) and not k.is_integer()):
        raise QueryError("the number of results must be a whole number", ja="表示する件数は整数で指定してください")
    if not 1 <= k <= MAX_K:
        raise QueryError(f"the number of results must be between 1 and {MAX_K}", ja=f"表示する件数は1から{MAX_K}の間で指定してください")
    return int(k)
