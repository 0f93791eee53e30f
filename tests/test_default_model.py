"""The default follows the numbers: which profile answers when no model is named (profiles.
default_model / choose_model), from a measurement recorded beside the model at set-up."""
from __future__ import annotations

import json

import pytest

from assistant import models, profilecheck, profiles
from assistant.config import PROJECT_ROOT
from conftest import gemma_missing

GEMMA = "embeddinggemma-300m"


def numbers(cold=(1.2, 1.1), query=(60.0, 45.0), rss=340, build=(1.2, 1.3), load=0.5):
    """A measurement record as profilecheck.measure writes it (wall, CPU pairs)."""
    serving = lambda c, q, r: {  # noqa: E731
        "build": {"wall_s": 100.0, "cpu_s": 150.0, "load": load},
        "cold_start_s": {"wall": c[0], "cpu": c[1], "load": load},
        "query_p50_ms": {"wall": q[0], "cpu": q[1], "load": load, "n": 30},
        "serving_rss_mb": {"rss": r, "peak": r + 10},
    }
    return {"machine": profilecheck.machine(), "when": "2026-11-30T14:00:00+0000", "notes_chars": 40000,
            "corpus": "corpus", "e5": serving((0.7, 0.9), (40.0, 50.0), 260), GEMMA: serving(cold, query, rss),
            "build_ratio": {"wall": build[0], "cpu": build[1]}, "terms_accepted": True}


@pytest.fixture
def models_dir(tmp_path):
    """A models folder whose embeddinggemma-300m looks installed (marker + onnx/), no weights."""
    folder = tmp_path / GEMMA
    (folder / "onnx").mkdir(parents=True)
    (folder / models.INSTALLED_MARKER).write_text(json.dumps({"source": GEMMA, "sha256": {}}))
    return tmp_path


def write(models_dir, record):
    (models_dir / GEMMA / profilecheck.MEASURED_FILE).write_text(json.dumps(record))


def test_not_installed_means_e5_and_says_how_to_install(tmp_path):
    name, why = profiles.default_model(tmp_path)
    assert name == "e5" and "not installed" in why and "get-model.sh" in why


def test_installed_but_never_measured_means_e5(models_dir):
    name, why = profiles.default_model(models_dir)
    assert name == "e5" and "never measured" in why


def test_meeting_every_target_makes_gemma_the_default_with_its_numbers(models_dir):
    write(models_dir, numbers())
    name, why = profiles.default_model(models_dir)
    assert name == GEMMA
    assert "meets the targets" in why and "RSS 340 MB" in why and "query p50 45 ms" in why and "2026-11-30" in why


@pytest.mark.parametrize("change, missed", [
    (dict(rss=827), "RSS 827 MB (target <= 800 MB)"),
    (dict(cold=(4.0, 3.6)), "cold start 3.6 s (target <= 3 s)"),
    (dict(query=(140.0, 120.0)), "query p50 120 ms (target <= 100 ms)"),
    (dict(build=(1.7, 1.6)), "build 1.60x e5 (target <= 1.5x)"),
])
def test_one_missed_target_means_e5_and_names_it(models_dir, change, missed):
    write(models_dir, numbers(**change))
    name, why = profiles.default_model(models_dir)
    assert name == "e5" and "misses the targets" in why and missed in why
    assert "RSS 340 MB" not in why  # only the missed ones are named


def test_a_loaded_machine_is_judged_on_cpu_time(models_dir):
    # wall 36 s at load 12, but the process itself spent 1.3 s of CPU
    write(models_dir, numbers(cold=(36.4, 1.3), query=(220.0, 44.0), build=(2.4, 1.3), load=12.0))
    assert profiles.default_model(models_dir)[0] == GEMMA


def test_terms_not_accepted_means_e5(models_dir):
    record = numbers()
    record["terms_accepted"] = False
    write(models_dir, record)
    name, why = profiles.default_model(models_dir)
    assert name == "e5" and "Terms of Use were not accepted" in why


def test_a_measurement_from_another_machine_is_not_used(models_dir):
    record = numbers()
    record["machine"] = {"host": "elsewhere", "cpus": 64}
    write(models_dir, record)
    name, why = profiles.default_model(models_dir)
    assert name == "e5" and "another machine" in why


@pytest.mark.parametrize("text", ["{not json", "[]", json.dumps({"terms_accepted": True, "machine": profilecheck.machine()})])
def test_an_unreadable_measurement_means_e5(models_dir, text):
    (models_dir / GEMMA / profilecheck.MEASURED_FILE).write_text(text)
    name, why = profiles.default_model(models_dir)
    assert name == "e5" and why


def test_an_explicit_model_always_wins(models_dir):
    write(models_dir, numbers())
    assert profiles.choose_model("e5", {}, models_dir) == ("e5", "chosen with --model")
    assert profiles.choose_model(None, {"ASSISTANT_MODEL": "e5"}, models_dir) == (None, "chosen with ASSISTANT_MODEL")
    assert profiles.choose_model(None, {}, models_dir)[0] == GEMMA
    assert profiles.choose_model(None, {"ASSISTANT_MODEL": ""}, models_dir)[0] == GEMMA  # empty = unset, as in config


def test_without_a_model_named_the_index_already_built_keeps_its_model(models_dir, built_settings, tmp_path):
    """A fresh user's `ask` without --model rebuilt their index of another model as the
    default's, replacing it (2026-12-05): the model that built the index in the folder is
    kept (built_settings: a real e5 index), while the measured default applies to a folder
    without one; an explicit choice still wins."""
    write(models_dir, numbers())  # Gemma measured to meet the targets: the default
    assert profiles.index_model(built_settings.index_dir) == "e5"
    name, why = profiles.choose_model(None, {}, models_dir, index_dir=built_settings.index_dir)
    assert name == "e5" and str(built_settings.index_dir) in why
    assert profiles.choose_model(None, {}, models_dir, index_dir=tmp_path / "empty")[0] == GEMMA
    assert profiles.choose_model(GEMMA, {}, models_dir, index_dir=built_settings.index_dir)[0] == GEMMA
    assert profiles.choose_model(None, {"ASSISTANT_MODEL": GEMMA}, models_dir, index_dir=built_settings.index_dir)[0] is None
    assert profiles.EMBEDDINGGEMMA_300M.built_as == "onnx-int8:google/embeddinggemma-300m"


def test_start_up_line_gives_the_model_and_the_reason(models_dir):
    write(models_dir, numbers(rss=900))
    name, why = profiles.choose_model(None, {}, models_dir)
    line = profiles.startup_line(name, why)
    assert line.startswith("model: e5 - ") and "misses the targets here (RSS 900 MB" in line
    assert "\n" not in line


def test_record_and_read_round_trip(tmp_path):
    path = profilecheck.record(tmp_path, numbers(), terms_accepted=True)
    assert path.name == profilecheck.MEASURED_FILE and profilecheck.read(tmp_path)["terms_accepted"] is True
    assert not list(tmp_path.glob("*.tmp"))


def test_sample_notes_stops_at_the_character_budget_on_a_line_break(tmp_path):
    corpus = tmp_path / "corpus"
    (corpus / "sub").mkdir(parents=True)
    (corpus / "a.md").write_text("# A\n" + "line\n" * 100)
    (corpus / "sub" / "b.md").write_text("# B\n" + "more\n" * 100)
    (corpus / "c.txt").write_text("not a note")
    dest = profilecheck.sample_notes(corpus, tmp_path / "sample", chars=450)
    assert (dest / "a.md").read_text() == "# A\n" + "line\n" * 89  # 449 characters, whole lines
    assert not (dest / "sub" / "b.md").exists()  # no whole line of it fits in the 1 left
    assert not (dest / "c.txt").exists()


@pytest.mark.slow
def test_real_measurement_of_both_profiles_on_a_small_sample(tmp_path):
    """The real thing, small: both real models build the same notes, start cold and answer."""
    if not profiles.EMBEDDINGGEMMA_300M.installed():
        pytest.fail(gemma_missing())
    measured = profilecheck.measure(PROJECT_ROOT / "corpus", chars=3000, log=lambda s: None)
    for model in ("e5", GEMMA):
        m = measured[model]
        assert m["build"]["wall_s"] > 0 and m["cold_start_s"]["cpu"] > 0 and m["query_p50_ms"]["n"] == 30
        assert 50 < m["serving_rss_mb"]["rss"] < 4000
    ok, parts = profilecheck.verdict(measured)
    assert len(parts) == 4 and isinstance(ok, bool)
    # and the start-up choice reads such a record
    folder = tmp_path / GEMMA
    (folder / "onnx").mkdir(parents=True)
    (folder / models.INSTALLED_MARKER).write_text("{}")
    profilecheck.record(folder, measured, terms_accepted=True)
    assert profiles.default_model(tmp_path)[0] == (GEMMA if ok else "e5")


def test_set_up_measures_once_per_machine(models_dir, monkeypatch):
    folder = models_dir / GEMMA
    calls = []
    monkeypatch.setattr(profilecheck, "measure", lambda corpus, chars, log: calls.append(corpus) or numbers())
    monkeypatch.setenv("ASSISTANT_MODELS_DIR", str(models_dir))
    logged = []
    assert profilecheck.measure_installed(folder, True, log=logged.append)[GEMMA]["serving_rss_mb"]["rss"] == 340
    assert profiles.default_model(models_dir)[0] == GEMMA
    profilecheck.measure_installed(folder, True, log=logged.append)  # recorded for this machine: not again
    assert len(calls) == 1 and "measured on this machine" in logged[-1]


def test_a_failed_measurement_is_one_line_and_leaves_e5(models_dir, monkeypatch):
    def fail(corpus, chars, log):
        raise profilecheck.MeasureError("building with embeddinggemma-300m failed: out of memory")

    monkeypatch.setattr(profilecheck, "measure", fail)
    monkeypatch.setenv("ASSISTANT_MODELS_DIR", str(models_dir))
    logged = []
    assert profilecheck.measure_installed(models_dir / GEMMA, True, log=logged.append) is None
    assert logged[-1].startswith("warning: could not measure") and "e5 stays the default" in logged[-1]
    assert profiles.default_model(models_dir)[0] == "e5"
