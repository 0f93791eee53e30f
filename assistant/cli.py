"""Command line: parse -> call the library -> format. No search logic lives here.

    python -m assistant index              build or update the index
    python -m assistant ask "質問"          sections with citations, for a person
    python -m assistant ask --json "..."    one JSON object
    python -m assistant ask --batch q.jsonl JSON Lines in, JSON Lines out
    python -m assistant ask --scope NOTE "..." only one note or 'note › chapter' (--list-scopes)
    python -m assistant eval [FILE ...]     Hit@1 / Hit@5 / MRR on question sets (default: every dev corpus)
    python -m assistant links [--json]      every heading with its wiki URL, to spot-check
    python -m assistant bench [--quick]     speed and memory benchmarks (docs/performance.md)

Library errors become one line on stderr and exit code 1; usage errors exit 2 (argparse,
and ConfigError for a bad setting from an option or an ASSISTANT_* variable).
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import re
import sys
from pathlib import Path

from . import config
from .errors import AssistantError, ConfigError, QueryError
from .termsafe import json_text, safe_log_handler, terminal_safe
from .wiki import ENGINES

DEV_SETS = ("dev.jsonl", "noanswer-dev.jsonl", "followup-dev.jsonl")
EVAL_DIR = config.PROJECT_ROOT.parent / "shared" / "eval"
# The seed's suite name: `eval` without arguments and `eval FILES` over corpus/ share its
# index folder (index/eval/seed-<model>/) through it.
SEED_SUITE = "seed"


def add_settings_options(parser: argparse.ArgumentParser) -> None:
    """The options every command and the server (app.py) take: --corpus, --index-dir, --model
    and the wiki options (README, Configuration)."""
    parser.add_argument("--corpus", type=Path, help="folder of markdown notes (default: corpus/)")
    parser.add_argument("--index-dir", type=Path, help="where the index lives (default: index/)")
    parser.add_argument("--model", help="embedding model: 'e5' (bundled), 'embeddinggemma-300m' (after scripts/get-model.sh; "
                        "the default once installed, when it meets the serving targets here) or a sentence-transformers name/path")
    parser.add_argument("--wiki-base-url", help="base URL of the team wiki, for citation links "
                        "(default: what the site's file states: _config.yml url + baseurl, mkdocs.yml site_url, "
                        "VitePress sitemap hostname + base, docusaurus.config url + baseUrl, Hugo baseURL)")
    parser.add_argument("--wiki-engine", choices=ENGINES, help="the wiki that publishes the notes: heading ids, page URLs, titles "
                        "(default: the engine whose site file is in or beside the notes folder: mkdocs.yml, .vitepress/, "
                        "docusaurus.config.*, hugo.toml; a GitHub or GitLab wiki's clone; else jekyll)")
    parser.add_argument("--wiki-clean-urls", action=argparse.BooleanOptionalAction, default=None,
                        help="page URLs without .html (Jekyll permalink: pretty, VitePress cleanUrls, MkDocs use_directory_urls); "
                             "Docusaurus: its trailingSlash")
    parser.add_argument("--anchor-style", choices=("kramdown", "github"), help=argparse.SUPPRESS)  # deprecated: --wiki-engine


def build_parser() -> argparse.ArgumentParser:
    """The `python -m assistant` parser: commands index, ask, eval, links, bench, each with
    the common settings options (--corpus, --index-dir, --model, wiki options)."""
    parser = argparse.ArgumentParser(
        prog="python -m assistant",
        description="Ask your team's markdown notes a question, in Japanese or English.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    parser.set_defaults(command_parsers=sub.choices)  # name -> its parser: a wrong option shows that command's usage

    p = sub.add_parser("index", help="build or update the index", description="Build or update the index of the notes.")
    add_settings_options(p)
    p.add_argument("--rebuild", action="store_true", help="rebuild even if the index is up to date")
    p.add_argument("--quiet", action="store_true", help="no progress bar")

    p = sub.add_parser("ask", help="ask a question", description="Find the note sections that answer a question.")
    add_settings_options(p)
    p.add_argument("question", nargs="?", help="the question, in Japanese or English")
    p.add_argument("--top-k", type=int, default=None, help="how many sections to return (default 5)")
    p.add_argument("--history", action="append", default=[], help="an earlier question of the conversation (repeatable, oldest first)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--batch", type=Path, help='JSON Lines file of {"question": ..., "history": [...], "scope"?: ...}; "-" for stdin')
    p.add_argument("--scope", metavar="NOTE", help="search one note (its path, e.g. ops/deploy.md) or one chapter "
                   "('ops/deploy.md > Rollback'), or its name as the chat page's filter shows it (its title), "
                   "as the chat page's filter and the API's scope; --list-scopes lists them")
    p.add_argument("--list-scopes", action="store_true", help="print every value --scope takes, one a line (with --json: a JSON list)")

    p = sub.add_parser("eval", help="evaluate on question sets", description="Hit@1, Hit@5, MRR, line@3 and no-answer rates per question x notes language, language and style, per corpus.")
    add_settings_options(p)
    p.add_argument("files", nargs="*", type=Path, help="JSON Lines question sets over --corpus and the configured index "
                   "(when that index is of other settings, eval's own folder under it)")
    p.add_argument("--suite", action="append", type=Path, default=[],
                   help="a folder with notes/ and *.jsonl question files (repeatable); default: the seed dev sets "
                        f"and every such folder in {EVAL_DIR}, each indexed in index/eval/<suite>-<model>/")
    p.add_argument("--top-k", type=int, default=5, help="hits per question that count for Hit@5 and MRR (default 5)")
    p.add_argument("--json", action="store_true", help="print the numbers as JSON")
    p.add_argument("--misses", action="store_true", help="after the report, list each question that missed (id, "
                   "question x notes language, rank of the first right hit, top hit, question); with --json, a "
                   '"misses" list per suite')

    p = sub.add_parser("links", help="list every heading with its wiki URL",
                       description="Every page and heading of the notes with the URL citations use, to check against the wiki.")
    add_settings_options(p)
    p.add_argument("--json", action="store_true", help="one JSON object per page")

    # The bench modules are imported by `cmd_bench` alone, so its options are parsed there
    # (bench.build_parser), `--help` included: everything after `bench` is handed over.
    sub.add_parser("bench", help="measure speed and memory (options: bench --help)", add_help=False,
                   description="Cold start, latency, builds, HTTP load and scale; writes bench/out/results.json.")
    return parser


def _settings(args: argparse.Namespace, corpus: Path | None = None) -> config.Settings:
    """The settings the options give, for the notes in `corpus` (default: --corpus)."""
    from . import choose_model  # the server's default too, so both use one index

    index_dir = config.from_env(index_dir=args.index_dir).index_dir  # the folder whose index's model is kept
    return config.from_env(
        corpus_dir=corpus if corpus is not None else args.corpus,
        index_dir=args.index_dir,
        model=choose_model(args.model, index_dir=index_dir)[0],
        wiki_base_url=args.wiki_base_url,
        wiki_engine=args.wiki_engine,
        wiki_clean_urls=args.wiki_clean_urls,
        anchor_style=args.anchor_style,
    )


def cmd_index(args: argparse.Namespace) -> int:
    """Build or update the index; prints one summary line and returns 0. Errors (no notes,
    unwritable folder, another build with --rebuild...) are raised as AssistantError."""
    from . import build_index

    settings = _settings(args)
    report = build_index(settings, rebuild=args.rebuild, progress=not args.quiet)
    # The model is named, as the server names it: which index was built is otherwise unsaid.
    if report.status == "up-to-date":
        print(terminal_safe(f"index is up to date: {report.n_chunks} chunks from {report.n_notes} notes, "
                            f"model {settings.model} ({report.seconds:.1f} s)"))
    else:
        print(terminal_safe(
            f"built index: {report.n_chunks} chunks from {report.n_notes} notes, model {settings.model}, "
            f"{report.n_embedded} embedded, {report.seconds:.1f} s -> {report.path}"
        ))
    _placeholder_note(settings)
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    """Answer one question (text, or one JSON object with --json) or a --batch of JSON
    Lines, within --scope when given, or print the --list-scopes; builds the index first when
    there is none. Returns 0, or 1 when a batch line failed; raises QueryError for a question
    and --batch together (or neither) and for an unknown --scope."""
    from . import MAX_QUESTION_CHARS, open_searcher, question_chars, validate_history, validate_question, validate_top_k
    from .render import format_answer

    if args.list_scopes:
        if args.question is not None or args.batch is not None:
            raise QueryError("--list-scopes takes no question or --batch")
        return _list_scopes(open_searcher(_settings(args), wait=False), args.json)
    if (args.question is None) == (args.batch is None):
        raise QueryError("give either a question or --batch FILE")
    if args.batch is None:  # a bad question is refused before any index work (a first build takes minutes)
        validate_question(args.question)
        validate_history(list(args.history), "--history")
    if args.top_k is not None:  # messages name the options as typed, not the library's parameters
        validate_top_k(args.top_k, "--top-k")
    # wait=False: while a long build runs elsewhere (the server's watcher), answer from the
    # previous index at once instead of waiting for that build's lock.
    settings = _settings(args)
    searcher = open_searcher(settings, wait=False)
    args.scope = _check_scope(searcher, args.scope)  # once, not on every line of a batch
    if args.batch is None:
        answer = searcher.search(args.question, args.top_k, history=tuple(args.history), scope=args.scope or None)
        if answer.question_cut:  # as the chat page says it (webrender.CUT_NOTICE); --json has question_cut
            print(f"note: the question is long: only its first {MAX_QUESTION_CHARS:,} characters were used "
                  f"(of {question_chars(args.question):,})", file=sys.stderr)
        print(json_text(answer.to_json()) if args.json else format_answer(answer))
        _placeholder_note(settings)
        return 0
    failed = _ask_batch(searcher, args)
    _placeholder_note(settings)
    return failed


def _placeholder_note(settings) -> None:
    """After the answers (an error stays one line): where citation links point, when that is
    the placeholder. The base URL is no part of the index, so an `ask` without it printed
    placeholder links with no word, where the server and `links` say it (a fresh user, 2026-12-06)."""
    if settings.wiki_base_url == config.PLACEHOLDER_BASE_URL:
        print(terminal_safe(config.links_line(settings)), file=sys.stderr)


BATCH_FIELDS = ("question", "history", "scope")  # what one line of `ask --batch` takes


def _ask_batch(searcher, args: argparse.Namespace) -> int:
    """One JSON object per input line, in order; a bad line gets an error object, not a crash."""
    # Bytes, decoded line by line: one line of invalid UTF-8 must cost that line, not the batch.
    stream = sys.stdin.buffer if str(args.batch) == "-" else _open_batch(args.batch)
    failures = 0
    for number, raw in enumerate(stream, 1):
        if not raw.strip():
            continue
        try:
            line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            request = json.loads(line)
            if not isinstance(request, dict):
                raise QueryError('each line must be a JSON object like {"question": "..."}')
            # As the API refuses unknown fields: a "k" or a misspelt "histroy" was dropped in
            # silence, and {"q": ...} was told "the question must be text" (a fresh user, 2026-12-06).
            unknown = sorted(set(request) - set(BATCH_FIELDS))
            if unknown:  # each name cut, as the scope is: a 100 KB key was echoed whole (an attack)
                named = ", ".join(repr(k) if len(k) <= 60 else repr(k[:59]) + "…" for k in unknown[:5])
                raise QueryError(f"unknown field {named}; a line takes {', '.join(BATCH_FIELDS)} "
                                 "(the number of results is --top-k)")
            history = request.get("history") or []
            if not isinstance(history, list) or not all(isinstance(h, str) for h in history):
                raise QueryError("history must be a list of strings")
            scope = request.get("scope", args.scope)  # a line's own scope wins over --scope
            if scope is not None and not isinstance(scope, str):
                raise QueryError("scope must be a string")
            out = searcher.search(request.get("question"), args.top_k, history=tuple(history), scope=scope or None).to_json()
        except (ValueError, AssistantError) as exc:
            failures += 1
            message = str(exc) if isinstance(exc, AssistantError) else f"invalid JSON: {exc}"
            if isinstance(exc, UnicodeDecodeError):
                message = "the line is not valid UTF-8 text"
            out = {"line": number, "error": message}
        print(json_text(out), flush=True)
    return 1 if failures else 0


def _check_scope(searcher, scope: str | None) -> str | None:
    """The --scope to search: as given when the index knows it, else the one scope whose name
    the chat page's filter shows (the note's title: "車両と資機材", "車両と資機材 › 給水車"; a
    fresh user typed the label they saw, 2026-12-05). QueryError, the API's message naming
    the option, for one the index does not know by either."""
    try:
        searcher.in_scope(scope or None)  # also by the name the page shows (Searcher.in_scope)
        return scope
    except QueryError as exc:
        raise QueryError(f"{exc} (--scope; `ask --list-scopes` lists them)") from None


def _list_scopes(searcher, as_json: bool) -> int:
    """Every value --scope takes (Searcher.scopes(): notes, then 'note › chapter'), one a line or a JSON list."""
    scopes = searcher.scopes()
    print(json_text(scopes) if as_json else terminal_safe("\n".join(scopes)))
    return 0


def _open_batch(path: Path):
    try:
        return open(path, "rb")
    except OSError as exc:
        raise QueryError(f"cannot read batch file {path}: {exc.strerror}") from None


def default_suites() -> list:
    """The dev suites found beside the project: the seed corpus with its three dev sets, and
    every folder of ../shared/eval laid out as notes/ + *.jsonl (wiki-dev)."""
    from .evaluate import Suite

    suites = []
    seed_files = tuple(EVAL_DIR / name for name in DEV_SETS if (EVAL_DIR / name).exists())
    if seed_files:
        suites.append(Suite(SEED_SUITE, config.Settings().corpus_dir, seed_files))
    if EVAL_DIR.is_dir():
        suites += [Suite.from_folder(d) for d in sorted(EVAL_DIR.iterdir()) if (d / "notes").is_dir()]
    return suites


def cmd_eval(args: argparse.Namespace) -> int:
    """Hit@1, Hit@5, MRR, line@3 and no-answer rates (evaluate.py) of question files or dev
    suites, as a table or --json. Raises AssistantError when no question file is found."""
    from .errors import IndexInUseError
    from . import validate_top_k
    from .evaluate import Suite, as_json, format_misses, format_report, index_dir_for, run_suites

    validate_top_k(args.top_k, "--top-k")  # before any index is built for the suites
    settings = _settings(args)
    if args.files:
        # Files over the configured corpus and index, as given (see below when it differs).
        name = SEED_SUITE if settings.corpus_dir.resolve() == config.Settings().corpus_dir.resolve() else "files"
        suites = [Suite(name, settings.corpus_dir, tuple(args.files))]
        index_dir = settings.index_dir
    else:
        suites = [Suite.from_folder(d) for d in args.suite] if args.suite else default_suites()
        index_dir = args.index_dir if len(suites) == 1 else None
    if not suites:
        raise AssistantError(f"no evaluation files given and none found in {EVAL_DIR}")
    try:
        results = run_suites(suites, settings, args.top_k, index_dir, progress=not args.json,
                             settings_for=lambda corpus: _settings(args, corpus))
    except IndexInUseError as exc:
        if not args.files or args.index_dir is not None:
            raise  # a folder the user named is never swapped for another
        # The configured index is of other notes or settings (say, built before the default
        # model changed): it stays as it is, and the files are scored in eval's own folder
        # for these settings (the seed's is shared with `eval` without arguments).
        own = index_dir_for(settings.index_dir, suites[0], settings.model)
        print(f"eval: {settings.index_dir} holds an index built {exc.difference}; it is left as it is, "
              f"and the questions are scored over {own}", file=sys.stderr)
        results = run_suites(suites, settings, args.top_k, None, progress=not args.json,
                             settings_for=lambda corpus: _settings(args, corpus))
    if args.json:
        out = {r.suite.name: {"corpus": str(r.suite.corpus), "model": r.model, **as_json(r.tallies)} for r in results}
        for r in results if args.misses else ():
            out[r.suite.name]["misses"] = [m.to_json() for m in r.misses]
        print(json.dumps(out, indent=2, ensure_ascii=False))
        return 0
    for r in results:
        if len(results) > 1 or args.suite:
            print(f"=== {r.suite.name}: {r.suite.corpus} (model {r.model}, index {r.index_dir})")
        print(format_report(r.tallies))
        if args.misses:
            print(format_misses(r.misses, args.top_k))
    return 0


def cmd_links(args: argparse.Namespace) -> int:
    """Print every page and heading with the URL citations use (wiki/links.py)."""
    from .wiki.links import print_links

    settings = _settings(args)
    print(terminal_safe(config.links_line(settings)), file=sys.stderr)
    return print_links(settings, args.json)


def cmd_bench(args: argparse.Namespace) -> int:
    """Run the speed and memory benchmark (bench.py); its exit code."""
    from .bench import main as bench_main

    return bench_main(args.bench_args)


# What an option looks like (`-k`, `--jsn`, `--top-k=3`); a dash word that is not one is text.
_OPTION_LIKE = re.compile(r"--?[A-Za-z][\w-]*(?:=.*)?", re.S)


def _dash_question(args: argparse.Namespace, rest: list[str]) -> str | None:
    """The question of `ask` when it starts with '-' and has no space ("-80℃の警報は？"):
    argparse leaves such a word over as an unknown option. None when it could be an option
    (a typo such as `--jsn` stays a usage error) or the question was given too."""
    if args.command == "ask" and args.question is None and len(rest) == 1 and not _OPTION_LIKE.fullmatch(rest[0]):
        return rest[0]
    return None


COMMANDS = {"index": cmd_index, "ask": cmd_ask, "eval": cmd_eval, "links": cmd_links, "bench": cmd_bench}


def main(argv: list[str] | None = None) -> int:
    """The command line: the exit code, never a traceback for bad input. 0 ok; 1 an
    AssistantError (one `error: ...` line on stderr); 2 a usage or ConfigError (as argparse);
    130 interrupted (Ctrl-C); 141 the output pipe was closed."""
    logging.basicConfig(level=logging.WARNING, handlers=[safe_log_handler()])
    parser = build_parser()
    args, rest = parser.parse_known_args(argv)
    if args.command == "bench":
        args.bench_args = rest
    elif rest and _dash_question(args, rest) is not None:
        args.question = rest[0]
    elif rest:  # the command's usage, not the top level's ("ask --bogus x", a fresh user)
        args.command_parsers[args.command].error(f"unrecognized arguments: {' '.join(rest)}")
    try:
        return COMMANDS[args.command](args)
    except ConfigError as exc:  # a usage error, like argparse's own
        print(terminal_safe(f"error: {exc}"), file=sys.stderr)
        return 2
    except AssistantError as exc:
        print(terminal_safe(f"error: {exc}"), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted; the existing index is unchanged", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `ask ... | head`: the reader left; nothing to report
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        return 141
