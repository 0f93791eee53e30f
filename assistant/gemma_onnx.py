"""EmbeddingGemma-300m as ONNX Runtime files: made once at set-up, so queries need no torch.

    python -m assistant.gemma_onnx export models/embeddinggemma-300m

The sentence-transformers model is Gemma3 (bidirectional attention, 24 layers, 768-d) ->
mean pooling -> Dense 768->3072 -> Dense 3072->768 -> L2 norm. Export splits it in two:

  * `onnx/embed_f16.npy`: the token-embedding table already multiplied by Gemma's
    sqrt(hidden) scale, float16, (262144, 768). It is two thirds of the parameters; a
    process reads only the rows of the tokens it sees (`RowFile`: one pread per distinct
    token), which is what keeps serving memory low (an ONNX initializer would be loaded
    whole; a memory map was tried and counted ~300 MB of the table as resident after 70
    questions, because every page fault maps its 64 KB neighbourhood too).
  * `onnx/body_int8.onnx`: everything after the lookup, inputs `inputs_embeds` (batch,
    tokens, 768) float32 and `attention_mask` (batch, tokens) int64, output `embedding`
    (batch, 768) float32, unit length. Weight matrices are uint8 per output channel
    (onnxruntime's dynamic quantization, U8U8: see `export`); activation x activation products (attention)
    stay float32: quantizing those too cost 0.02 cosine against the fp32 model.

The attention masks are built inside the exported graph (padding for the global layers,
padding and |i - j| < sliding_window for the local ones: what transformers builds for this
model), because transformers' own mask builder does not trace. The export is checked
against the torch model on a few texts before it is kept (cosine >= 0.97).

torch, transformers, sentence-transformers and onnx are needed here only.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np

from .errors import ModelFetchError

ONNX_DIR = "onnx"
BODY = "body_int8.onnx"
# The same graph after ONNX Runtime's graph optimizations, saved at set-up: loading it with
# optimizations off takes 0.35 s of CPU instead of 1.7-2.1 s (cold start).
BODY_OPTIMIZED = "body_int8.opt.onnx"
EMBED_TABLE = "embed_f16.npy"
CHECK_TEXTS = (
    "task: search result | query: SQSの可視性タイムアウトとは？",
    "task: search result | query: What is the maximum execution time of a Lambda function?",
    "title: none | text: Lambda > 制限\n- 最大実行時間は15分（900秒）\n- メモリは128MB〜10,240MB",
)
MIN_COSINE = 0.97


def _body_module(st):
    import torch

    transformer = st[0].auto_model
    window = int(transformer.config.sliding_window)

    class Body(torch.nn.Module):
        """Gemma3 layers + mean pooling + the two Dense layers + L2 norm, from embeddings."""

        def __init__(self):
            super().__init__()
            self.transformer, self.dense2, self.dense3 = transformer, st[2].linear, st[3].linear

        def forward(self, inputs_embeds, attention_mask):
            n = attention_mask.shape[1]
            keys = attention_mask[:, None, None, :].to(torch.bool)
            pos = torch.arange(n)
            near = (pos[:, None] - pos[None, :]).abs() < window
            neg = torch.finfo(inputs_embeds.dtype).min
            zero = torch.zeros((), dtype=inputs_embeds.dtype)
            masks = {"full_attention": torch.where(keys, zero, neg), "sliding_attention": torch.where(keys & near, zero, neg)}
            states = self.transformer(inputs_embeds=inputs_embeds, attention_mask=masks).last_hidden_state
            weights = attention_mask.unsqueeze(-1).to(states.dtype)
            pooled = (states * weights).sum(1) / weights.sum(1).clamp(min=1.0)
            return torch.nn.functional.normalize(self.dense3(self.dense2(pooled)), dim=-1)

    return Body().eval()


def export(model_dir: Path, log=print) -> Path:
    """Write `model_dir/onnx/` (int8 body + float16 embedding table); returns that folder.

    Takes ~1-2 minutes and ~3 GB of memory on 2 cores. Raises ModelFetchError when a
    dependency is missing or the export does not reproduce the torch model."""
    try:
        import torch
        from onnxruntime.quantization import QuantType, quantize_dynamic
        import onnx
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise ModelFetchError(f"the ONNX export needs torch, onnx, onnxruntime and sentence-transformers ({exc})") from None
    log("exporting to ONNX (once; ~1-2 min)")
    st = SentenceTransformer(str(model_dir), device="cpu", local_files_only=True, model_kwargs={"attn_implementation": "eager"})
    body = _body_module(st)
    out = model_dir / ONNX_DIR
    work = Path(tempfile.mkdtemp(dir=model_dir, prefix=".onnx-"))
    try:
        ids = torch.tensor([[2, 23391, 1902, 1]])
        with torch.no_grad():
            example = (st[0].auto_model.embed_tokens(ids), torch.ones_like(ids))
            fp32 = work / "body.onnx"
            torch.onnx.export(
                body, example, str(fp32), dynamo=False, opset_version=17,
                input_names=["inputs_embeds", "attention_mask"], output_names=["embedding"],
                dynamic_axes={"inputs_embeds": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"}, "embedding": {0: "batch"}},
            )
            embed = st[0].auto_model.embed_tokens
            table = (embed.weight * embed.embed_scale).to(torch.float16).numpy()
        np.save(work / EMBED_TABLE, table)
        del table
        graph = onnx.load(str(fp32), load_external_data=False)
        weights = {t.name for t in graph.graph.initializer}
        # Only products with a weight matrix; attention's activation x activation stay float.
        nodes = [n.name for n in graph.graph.node if n.op_type == "MatMul" and any(i in weights for i in n.input)]
        # Unsigned weights (U8U8): ONNX Runtime's U8S8 kernels on CPUs with AVX2 but no VNNI
        # multiply in saturating 16-bit sums, which cost this model up to 0.12 cosine on such
        # a machine (AMD EPYC, 2026-12-01: min 0.88 on CHECK_TEXTS, against 0.986 with U8U8);
        # U8U8 gives the same embeddings on every CPU, so one machine's measurements hold on
        # another (ONNX Runtime's quantization docs, "reduce_range" and "U8U8").
        quantize_dynamic(str(fp32), str(work / BODY), weight_type=QuantType.QUInt8, op_types_to_quantize=["MatMul"],
                         nodes_to_quantize=nodes, per_channel=True)
        for extra in work.iterdir():  # the fp32 graph and any external-data files
            if extra.name not in (BODY, EMBED_TABLE):
                extra.unlink()
        _save_optimized(work)
        reference = st.encode(list(CHECK_TEXTS), convert_to_numpy=True, normalize_embeddings=True)
        got = OnnxRunner(work).embed(list(CHECK_TEXTS), model_dir, max_tokens=2048)
        cosine = (reference * got).sum(axis=1)
        if cosine.min() < MIN_COSINE:
            raise ModelFetchError(f"the ONNX export differs from the torch model (cosine {cosine.min():.3f} < {MIN_COSINE})")
        log(f"ONNX export matches the torch model (cosine >= {cosine.min():.3f})")
        os.chmod(work, 0o755)  # mkdtemp made it private; the model folder is not
        if out.exists():
            shutil.rmtree(out)
        os.replace(work, out)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return out


def _options(level):
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.inter_op_num_threads = 1
    # Spinning threads waste the other engineers' / requests' CPU: measured 607 ms vs
    # 225 ms per query on a loaded 2-core machine with spinning on (fp32 body).
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.graph_optimization_level = level
    return options


def _save_optimized(onnx_dir: Path) -> None:
    """Write BODY_OPTIMIZED: the portable (EXTENDED) optimizations applied once."""
    import onnxruntime as ort

    options = _options(ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED)
    options.optimized_model_filepath = str(onnx_dir / BODY_OPTIMIZED)
    ort.InferenceSession(str(onnx_dir / BODY), options, providers=["CPUExecutionProvider"])


class OnnxRunner:
    """The exported files loaded for inference: tokenizer ids -> table rows -> ONNX body.

    Thread-safe (ONNX Runtime sessions are); `threads` defaults to every core."""

    def __init__(self, onnx_dir: Path, threads: int | None = None):
        import onnxruntime as ort

        optimized = onnx_dir / BODY_OPTIMIZED
        if optimized.is_file():
            options, path = _options(ort.GraphOptimizationLevel.ORT_DISABLE_ALL), optimized
        else:  # installed before the optimized copy existed
            options, path = _options(ort.GraphOptimizationLevel.ORT_ENABLE_ALL), onnx_dir / BODY
        options.intra_op_num_threads = threads or os.cpu_count() or 1
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self.table = RowFile(onnx_dir / EMBED_TABLE)

    def run(self, ids: list[list[int]]) -> np.ndarray:
        """(n, 768) float32 unit vectors for token-id lists (specials included, any lengths).

        Each list runs alone. The body's int8 matrix products quantize their inputs with one
        range per run (dynamic quantization), so in a batch every text's vector depended on
        its neighbours and their padding. Measured on 48 wiki-dev chunks of 1,200 characters
        against the float32 sentence-transformers model: mean cosine 0.973 batched by 16,
        0.984 alone; and questions always ran alone. Alone is also faster on 2 cores (no
        padding: 80 chunks 36 s -> 24 s) and bounds memory by one window (a one-line note of
        21,000 characters: build 37 s -> 12 s, peak RSS 1.93 GB -> 0.47 GB; a helper's re-run
        of the cases)."""
        out = np.empty((len(ids), 768), dtype=np.float32)
        for row, x in enumerate(ids):
            tokens = np.asarray([x], dtype=np.int64)
            out[row] = self.session.run(None, {"inputs_embeds": self.table.rows(tokens),
                                               "attention_mask": np.ones_like(tokens)})[0][0]
        return out

    def embed(self, texts: list[str], model_dir: Path, max_tokens: int) -> np.ndarray:
        """(len(texts), 768) float32 unit vectors of texts as given (prompts already added),
        each cut to `max_tokens` tokens by the tokenizer of the model in `model_dir`."""
        tok = load_tokenizer(model_dir)
        tok.enable_truncation(max_tokens)
        return self.run([e.ids for e in tok.encode_batch(texts)])


class RowFile:
    """Rows of a 2-D `.npy` table read on demand from the file (os.pread), never all of it.

    rows(ids) takes an int array of any shape and returns float32 of shape ids.shape + (width,).
    Each distinct id costs one pread of one row (1,536 bytes for the float16 768-d table):
    ~30 per question, a few thousand per build batch, microseconds each. Thread-safe (pread
    has no shared file position). Raises ValueError for a table that is not 2-D C-order."""

    def __init__(self, path: Path):
        with open(path, "rb") as f:
            version = np.lib.format.read_magic(f)
            shape, fortran, dtype = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                                     else np.lib.format.read_array_header_2_0)(f)
            self.offset = f.tell()
        if len(shape) != 2 or fortran:
            raise ValueError(f"{path} is not a 2-D C-order table")
        self.shape, self.dtype = shape, dtype
        self.row_bytes = shape[1] * dtype.itemsize
        self._fd = os.open(path, os.O_RDONLY)

    def rows(self, ids: np.ndarray) -> np.ndarray:
        """float32 rows of `ids` (any int shape) -> shape ids.shape + (width,); ValueError
        for an id outside the table."""
        ids = np.asarray(ids)
        unique, inverse = np.unique(ids, return_inverse=True)
        if unique.size and (unique[0] < 0 or unique[-1] >= self.shape[0]):
            raise ValueError(f"token id out of range 0..{self.shape[0] - 1}")
        buf = b"".join(os.pread(self._fd, self.row_bytes, self.offset + int(i) * self.row_bytes) for i in unique)
        table = np.frombuffer(buf, dtype=self.dtype).reshape(len(unique), self.shape[1]).astype(np.float32)
        return table[inverse.reshape(ids.shape)]

    def __del__(self):
        fd = getattr(self, "_fd", None)
        if fd is not None:
            os.close(fd)


class GemmaTokenizer:
    """The model's tokenizer through sentencepiece (`tokenizer.model`, 4.7 MB), with the
    slice of the `tokenizers.Tokenizer` API the embedder uses (encode, encode_batch, each
    result's `.ids`, enable_truncation).

    Why not tokenizer.json with `tokenizers`, which sentence-transformers uses: parsing its
    33 MB (262,144 tokens, 514,906 merges) took 1.46 s of CPU at every start, half of the
    cold start, and ~280 MB of heap (95 MB kept). The sentencepiece model loads in 0.09 s and
    ~45 MB. Both give the same ids (tokenizer.json is converted from it): checked on every
    line, 30-line block and question of the seed and wiki-dev sets (14,588 texts, both
    prompts) and in tests/test_gemma_rows.py. Ids are `<bos>` + pieces + `<eos>`, as the
    tokenizer.json template adds; truncation keeps the first `max_tokens` - 2 pieces."""

    class Encoding:
        """One text's token ids (`ids`, list of int, specials included), as tokenizers gives."""

        __slots__ = ("ids",)

        def __init__(self, ids: list[int]):
            self.ids = ids

    def __init__(self, model_file: Path):
        import sentencepiece

        self._sp = sentencepiece.SentencePieceProcessor(model_file=str(model_file))
        self._bos, self._eos = self._sp.bos_id(), self._sp.eos_id()
        self._max_pieces: int | None = None

    def enable_truncation(self, max_length: int) -> None:
        """Cut every later encoding to `max_length` ids, `<bos>` and `<eos>` included."""
        self._max_pieces = max(0, max_length - 2)

    def _wrap(self, pieces: list[int]) -> "GemmaTokenizer.Encoding":
        if self._max_pieces is not None:
            pieces = pieces[: self._max_pieces]
        return self.Encoding([self._bos, *pieces, self._eos])

    def encode(self, text: str) -> "GemmaTokenizer.Encoding":
        """The ids of one text (prompt included), `<bos>` ... `<eos>`."""
        return self._wrap(self._sp.encode(text))

    def encode_batch(self, texts: list[str]) -> list["GemmaTokenizer.Encoding"]:
        """encode() of each text, in order."""
        return [self._wrap(ids) for ids in self._sp.encode(list(texts))]


def load_tokenizer(model_dir: Path) -> GemmaTokenizer:
    """The tokenizer of the model in `model_dir` (its tokenizer.model)."""
    return GemmaTokenizer(Path(model_dir) / "tokenizer.model")

def main(argv: list[str] | None = None) -> int:
    """`python -m assistant.gemma_onnx export MODEL_DIR`: 0 when MODEL_DIR/onnx is written,
    1 with one `error: ...` line (ModelFetchError) when it cannot be."""
    parser = argparse.ArgumentParser(prog="python -m assistant.gemma_onnx")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("export", help="write MODEL_DIR/onnx from the sentence-transformers model")
    p.add_argument("model_dir", type=Path)
    args = parser.parse_args(argv)
    try:
        export(args.model_dir)
    except ModelFetchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
