"""Start the notes assistant: chat UI at /, JSON API at /api/ask, embeddable page at /embed.

    python app.py [--host 127.0.0.1] [--port 7860] [--no-watch] [--corpus DIR] [--index-dir DIR] [--model NAME]
                  [--wiki-base-url URL] [--wiki-engine NAME] [--wiki-clean-urls | --no-wiki-clean-urls]

The first run builds the index (with a progress bar); later runs start from it.
Everything else lives in assistant/server.py.
"""
from __future__ import annotations

import argparse
import logging
import sys


def main(argv: list[str] | None = None) -> int:
    from assistant.cli import add_settings_options

    parser = argparse.ArgumentParser(description="Serve the notes assistant (chat UI + JSON API).")
    parser.add_argument("--host", help="address to bind (default 127.0.0.1: this machine only)")
    parser.add_argument("--port", type=int, help="port (default 7860)")
    parser.add_argument("--no-watch", action="store_true", help="do not re-index when the notes change")
    add_settings_options(parser)  # --corpus, --index-dir, --model and the wiki options, as the CLI's
    args = parser.parse_args(argv)
    from assistant.termsafe import safe_log_handler

    # Log lines name note files and quote clients: control characters shown as stand-ins (ESC -> ␛).
    logging.basicConfig(level=logging.WARNING, handlers=[safe_log_handler()])
    # The watcher's "notes changed: index updated" lines are INFO (normal news, not a warning)
    # and still shown; no other library's INFO lines are.
    watch_log = logging.getLogger("assistant.watch")
    watch_log.setLevel(logging.INFO)
    watch_log.addHandler(safe_log_handler(logging.INFO))
    watch_log.propagate = False

    from assistant.config import from_env, links_line
    from assistant.errors import ConfigError, ModelError
    from assistant.profiles import check_model, choose_model, startup_line
    from assistant.server import embedding_line, serve
    from assistant.termsafe import terminal_safe

    # --model or ASSISTANT_MODEL wins; else the model of the index already built, else the
    # measured default (profiles.choose_model).
    try:
        model, why = choose_model(args.model, index_dir=from_env(index_dir=args.index_dir).index_dir)
        settings = from_env(
            host=args.host, port=args.port, corpus_dir=args.corpus, index_dir=args.index_dir, model=model,
            watch=False if args.no_watch else None, wiki_base_url=args.wiki_base_url, wiki_engine=args.wiki_engine,
            wiki_clean_urls=args.wiki_clean_urls, anchor_style=args.anchor_style,
        )
        check_model(settings.model)  # named only once it is known to load
    except (ConfigError, ModelError) as exc:  # a bad option or ASSISTANT_* variable: one line, exit 2 as argparse does
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(startup_line(settings.model, why), file=sys.stderr, flush=True)
    print(terminal_safe(links_line(settings)), file=sys.stderr, flush=True)
    print(terminal_safe(embedding_line(settings)), file=sys.stderr, flush=True)
    return serve(settings)


if __name__ == "__main__":
    sys.exit(main())
