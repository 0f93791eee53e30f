"""EmbeddingGemma-300m as ONNX Runtime files: made once at set-up, so queries need no torch.

    python -m assistant.gemma_onnx export models/embeddinggemma-300m

The sentence-transformers model is Gemma3 (bidirectional attention, 24 layers, 768-d) ->
mean pooling -> Dense 768->3072 -> Dense 3072->768 -> L2 norm. Export splits it in two:

  * `onnx/embed_f16.npy`: the token-embedding table already multiplied by Gemma's
    sqrt(hidden) scale, float16, (262144, 768). It is two thirds of the parameters; read
    through a memory map, a process only pages in the rows of the tokens it sees, which is
    what keeps serving memory low (an ONNX initializer would be loaded whole).
  * `onnx/body_int8.onnx`: everything after the lookup, inputs `inputs_embeds` (batch,
    tokens, 768) float32 and `attention_mask` (batch, tokens) int64, output `embedding`
    (batch, 768) float32, unit length. Weight matrices are int8 per output channel
    (onnxruntime's dynamic quantization); activation x activation products (attention)
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

from .models import ModelFetchError

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
        quantize_dynamic(str(fp32), str(work / BODY), weight_type=QuantType.QInt8, op_types_to_quantize=["MatMul"],
                         nodes_to_quantize=nodes, per_channel=True)
        for extra in work.iterdir():  # the fp32 graph and any external-data files
            if extra.name not in (BODY, EMBED_TABLE):
                extra.unlink()
        _save_optimized(work)
        reference = st.encode(list(CHECK_TEXTS), convert_to_numpy=True, normalize_embeddings=True)
        got = OnnxRunner(work).embed(list(CHECK_TEXTS), model_dir / "tokenizer.json", max_tokens=2048)
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
        self.table = np.load(onnx_dir / EMBED_TABLE, mmap_mode="r")

    def run(self, ids: list[list[int]]) -> np.ndarray:
        """(n, 768) float32 unit vectors for token-id lists (specials included, any lengths)."""
        width = max(len(x) for x in ids)
        tokens = np.zeros((len(ids), width), dtype=np.int64)
        mask = np.zeros((len(ids), width), dtype=np.int64)
        for row, x in enumerate(ids):
            tokens[row, : len(x)] = x
            mask[row, : len(x)] = 1
        embeds = self.table[tokens].astype(np.float32)
        return self.session.run(None, {"inputs_embeds": embeds, "attention_mask": mask})[0]

    def embed(self, texts: list[str], tokenizer_json: Path, max_tokens: int) -> np.ndarray:
        from tokenizers import Tokenizer

        tok = Tokenizer.from_file(str(tokenizer_json))
        tok.enable_truncation(max_tokens)
        return self.run([e.ids for e in tok.encode_batch(texts)])


def main(argv: list[str] | None = None) -> int:
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
