"""Settings precedence (assistant/config.py): command line option > ASSISTANT_* variable >
default, for every setting that has both, through `from_env` and through the real entry
points (`python -m assistant`'s parser, app.py); and a bad value is one ConfigError line
naming where it came from. No model, no index.
"""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from assistant import cli
from assistant.config import Settings, from_env
from assistant.errors import ConfigError

# field -> (variable, two valid values as the environment writes them, and as parsed).
BOTH_SOURCES = {
    "corpus_dir": ("ASSISTANT_CORPUS_DIR", ("/env/notes", Path("/env/notes")), ("/cli/notes", Path("/cli/notes"))),
    "index_dir": ("ASSISTANT_INDEX_DIR", ("/env/index", Path("/env/index")), ("/cli/index", Path("/cli/index"))),
    "model": ("ASSISTANT_MODEL", ("fake-hash", "fake-hash"), ("embeddinggemma-300m", "embeddinggemma-300m")),
    "wiki_base_url": ("ASSISTANT_WIKI_BASE_URL", ("https://env.example", "https://env.example"),
                      ("https://cli.example/wiki", "https://cli.example/wiki")),
    "wiki_engine": ("ASSISTANT_WIKI_ENGINE", ("mkdocs", "mkdocs"), ("github", "github")),
    "wiki_clean_urls": ("ASSISTANT_WIKI_CLEAN_URLS", ("yes", True), (False, False)),
    "host": ("ASSISTANT_HOST", ("0.0.0.0", "0.0.0.0"), ("127.0.0.2", "127.0.0.2")),
    "port": ("ASSISTANT_PORT", ("9000", 9000), (8000, 8000)),
}


@pytest.mark.parametrize("field", BOTH_SOURCES)
def test_option_beats_environment_beats_default(field):
    var, (env_raw, env_value), (cli_raw, cli_value) = BOTH_SOURCES[field]
    default = getattr(Settings(), field)
    assert default not in (env_value, cli_value)  # else the test could not tell the sources apart
    assert getattr(from_env({}), field) == default
    assert getattr(from_env({var: env_raw}), field) == env_value
    assert getattr(from_env({var: env_raw}, **{field: cli_raw}), field) == cli_value
    assert getattr(from_env({}, **{field: cli_raw}), field) == cli_value
    assert getattr(from_env({var: env_raw}, **{field: None}), field) == env_value  # None: option not given


def test_a_proxy_raises_the_connections_per_client():
    """Behind a reverse proxy every user shares its address (server.deadline_protocol)."""
    assert from_env({}).max_connections_per_client == 64
    assert from_env({"ASSISTANT_MAX_CONNECTIONS_PER_CLIENT": "500"}).max_connections_per_client == 500


def test_an_empty_variable_counts_as_unset():
    assert from_env({"ASSISTANT_PORT": "", "ASSISTANT_MODEL": ""}) == Settings()


def test_other_variables_are_ignored():
    assert from_env({"PORT": "1", "ASSISTANT_NOT_A_SETTING": "x", "HOME": "/root"}) == Settings()


def test_a_bad_variable_under_a_given_option_is_not_read():
    # The option wins, so the variable is never consulted (nor reported).
    assert from_env({"ASSISTANT_PORT": "abc"}, port=8000).port == 8000


@pytest.mark.parametrize(
    "environ, overrides, names",
    [
        ({"ASSISTANT_PORT": "abc"}, {}, ["ASSISTANT_PORT='abc'", "a TCP port, a whole number from 1 to 65535"]),
        ({"ASSISTANT_PORT": "70000"}, {}, ["ASSISTANT_PORT='70000'", "1 to 65535"]),
        ({}, {"port": 0}, ["--port=0", "1 to 65535"]),
        ({}, {"top_k": 51}, ["--top-k=51", "1 to 50"]),
        ({"ASSISTANT_WIKI_ENGINE": "hexo"}, {}, ["ASSISTANT_WIKI_ENGINE='hexo'", "jekyll"]),
        ({"ASSISTANT_WIKI_BASE_URL": "javascript:alert(1)"}, {}, ["ASSISTANT_WIKI_BASE_URL", "http"]),
        ({"ASSISTANT_WIKI_CLEAN_URLS": "maybe"}, {}, ["ASSISTANT_WIKI_CLEAN_URLS='maybe'", "true or false"]),
        ({"ASSISTANT_MODEL": "e5\x1b[31m"}, {}, ["ASSISTANT_MODEL='e5\\x1b[31m'", "control characters"]),
        ({}, {"max_chunk_lines": 0}, ["max_chunk_lines=0"]),  # no option: the field's own name
        ({"ASSISTANT_MAX_CONNECTIONS_PER_CLIENT": "1"}, {}, ["ASSISTANT_MAX_CONNECTIONS_PER_CLIENT='1'", "2 to 100000"]),
    ],
)
def test_a_bad_value_is_one_line_naming_its_source(environ, overrides, names):
    with pytest.raises(ConfigError) as caught:
        from_env(environ, **overrides)
    message = str(caught.value)
    assert "\n" not in message and "\x1b" not in message
    for name in names:
        assert name in message, message


def test_a_long_bad_value_is_cut_in_the_message():
    with pytest.raises(ConfigError) as caught:
        from_env({"ASSISTANT_HOST": "a host " + "x" * 500})
    assert len(str(caught.value)) < 200


def test_unknown_setting_is_a_programming_error():
    with pytest.raises(TypeError, match="unknown settings"):
        from_env({}, colour="blue")


def test_settings_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        Settings().port = 1


# --- through the real entry points ------------------------------------------------------------


@pytest.fixture(autouse=True)
def no_assistant_variables(monkeypatch):
    """The developer's own ASSISTANT_* settings must not leak into what the entry points read."""
    import os

    for name in [k for k in os.environ if k.startswith("ASSISTANT_")]:
        monkeypatch.delenv(name)


def test_cli_option_beats_environment(tmp_path, monkeypatch, capsys):
    """`python -m assistant links` prints the URLs the settings give: the option's base URL
    and engine, over the variables' (no model or index involved)."""
    corpus = tmp_path / "notes"
    corpus.mkdir()
    (corpus / "page.md").write_text("# Deploy Steps\n\ntext\n", encoding="utf-8")
    monkeypatch.setenv("ASSISTANT_CORPUS_DIR", str(corpus))
    monkeypatch.setenv("ASSISTANT_WIKI_BASE_URL", "https://env.example")
    monkeypatch.setenv("ASSISTANT_WIKI_ENGINE", "github")

    def urls(*argv: str) -> list[str]:
        assert cli.main(["links", "--json", *argv]) == 0
        (page,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
        return [page["url"]] + [h["url"] for h in page["headings"]]

    assert urls() == ["https://env.example/page.md", "https://env.example/page.md#deploy-steps"]
    assert urls("--wiki-base-url", "https://cli.example", "--wiki-engine", "jekyll") == [
        "https://cli.example/page.html", "https://cli.example/page.html#deploy-steps"]


def test_cli_bad_value_is_one_line_and_exit_2(monkeypatch, capsys):
    monkeypatch.setenv("ASSISTANT_WIKI_BASE_URL", "ftp://wiki.example")
    assert cli.main(["links"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: ASSISTANT_WIKI_BASE_URL=") and "Traceback" not in err


def test_app_port_option_beats_environment(monkeypatch, capsys):
    import app
    from assistant import server

    served = []
    monkeypatch.setattr(server, "serve", lambda settings: served.append(settings) or 0)
    monkeypatch.setenv("ASSISTANT_PORT", "9000")
    monkeypatch.setenv("ASSISTANT_HOST", "0.0.0.0")
    assert app.main([]) == 0
    assert app.main(["--port", "8000", "--no-watch"]) == 0
    assert [(s.host, s.port, s.watch) for s in served] == [("0.0.0.0", 9000, True), ("0.0.0.0", 8000, False)]
    monkeypatch.setenv("ASSISTANT_PORT", "-1")
    assert app.main([]) == 2
    assert capsys.readouterr().err.strip().splitlines()[-1].startswith("error: ASSISTANT_PORT='-1' is not valid")


def test_app_names_no_model_it_cannot_load(monkeypatch, capsys, tmp_path):
    # "model: bogus (sentence-transformers; ...)" was printed before the error (a wiki owner,
    # 2026-12-06): the start-up line names a model only once it is known to load.
    import app
    from assistant import server

    monkeypatch.setattr(server, "serve", lambda settings: 0)
    for model in ("bogus", "embeddinggemma-300", str(tmp_path)):
        assert app.main(["--model", model, "--index-dir", str(tmp_path / "index")]) == 2
        err = capsys.readouterr().err
        assert err.startswith("error: ") and "model:" not in err, err


def test_app_takes_the_wiki_options_the_readme_lists(monkeypatch):
    # The README's configuration table lists --wiki-base-url / --wiki-engine / --wiki-clean-urls
    # for every command and for run.sh, which hands its arguments to app.py; app.py refused them.
    import app
    from assistant import server

    served = []
    monkeypatch.setattr(server, "serve", lambda settings: served.append(settings) or 0)
    monkeypatch.setenv("ASSISTANT_WIKI_BASE_URL", "https://env.example")
    assert app.main(["--wiki-base-url", "https://team.example/handbook", "--wiki-engine", "mkdocs", "--no-wiki-clean-urls"]) == 0
    assert app.main([]) == 0
    assert [(s.wiki_base_url, s.wiki_engine, s.wiki_clean_urls) for s in served][0] == (
        "https://team.example/handbook", "mkdocs", False)
    assert served[1].wiki_base_url == "https://env.example"
