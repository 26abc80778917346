#!/usr/bin/env python3
"""Side-by-side embedding speed: Sextant vs sentence-transformers (PyTorch CPU) vs ONNX Runtime.

All three embed the same sentences (bench/embed/sentences.txt, ~16 tokens each) with the same
all-MiniLM-L6-v2 weights on the same cores, in one run:
  * batch 1  — one sentence per call, calls back to back;
  * batch 32 — calls of 32 sentences;
  * latency  — p50/p99 of one ~12-token sentence through Sextant's HTTP POST /embed (when --url
    points at a running server or sidecar), and in-process through the EmbedService.
PyTorch and ONNX Runtime get `--threads` intra-op threads; Sextant gets as many encoder workers.
ONNX Runtime runs the model exported from the same PyTorch module (torch.onnx.export), with
tokenization by Hugging Face `tokenizers` and mean pooling + L2 normalisation in NumPy, so each
system does the full text -> unit vector work.

Usage:
  .venv/bin/python bench/embed/compare.py --sextant-bench build/bench/embed/embed_throughput \
      [--url http://127.0.0.1:6333] [--threads 2] [--markdown out.md]
"""
import argparse
import http.client
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time
import urllib.parse

ROOT = pathlib.Path(__file__).resolve().parents[2]
SHORT_SENTENCE = "What is the capital city of France, and why?"


def load_sentences(path):
    return [line.strip() for line in open(path, encoding="utf-8") if line.strip()]


def rate(count, seconds):
    return count / seconds if seconds > 0 else float("nan")


def bench_pytorch(model_dir, sentences, threads):
    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(threads)
    model = SentenceTransformer(str(model_dir), device="cpu")
    model.encode(sentences[:32], batch_size=32)
    single = sentences[:128]
    start = time.perf_counter()
    for sentence in single:
        model.encode([sentence], batch_size=1)
    batch1 = rate(len(single), time.perf_counter() - start)
    start = time.perf_counter()
    model.encode(sentences, batch_size=32)
    batch32 = rate(len(sentences), time.perf_counter() - start)
    return model, {"batch1": batch1, "batch32": batch32}


def export_onnx(st_model, path):
    import torch

    transformer = st_model[0].auto_model.eval()

    class Encoder(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.inner(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

    example = (torch.ones(2, 8, dtype=torch.int64), torch.ones(2, 8, dtype=torch.int64),
               torch.zeros(2, 8, dtype=torch.int64))
    axes = {0: "batch", 1: "sequence"}
    torch.onnx.export(Encoder(transformer), example, str(path), dynamo=False,
                      input_names=["input_ids", "attention_mask", "token_type_ids"],
                      output_names=["last_hidden_state"], opset_version=17,
                      dynamic_axes={"input_ids": axes, "attention_mask": axes,
                                    "token_type_ids": axes, "last_hidden_state": axes})


def bench_onnx(model_dir, onnx_path, sentences, threads):
    import numpy as np
    import onnxruntime as ort
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    tokenizer.enable_truncation(max_length=256)
    tokenizer.enable_padding()  # pad to the longest in the batch
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    session = ort.InferenceSession(str(onnx_path), options, providers=["CPUExecutionProvider"])

    def embed(texts):
        encodings = tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        hidden = session.run(None, {"input_ids": ids, "attention_mask": mask,
                                    "token_type_ids": np.zeros_like(ids)})[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(1) / np.maximum(weights.sum(1), 1e-9)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)

    embed(sentences[:32])
    single = sentences[:256]
    start = time.perf_counter()
    for sentence in single:
        embed([sentence])
    batch1 = rate(len(single), time.perf_counter() - start)
    start = time.perf_counter()
    for i in range(0, len(sentences), 32):
        embed(sentences[i:i + 32])
    batch32 = rate(len(sentences), time.perf_counter() - start)
    return embed, {"batch1": batch1, "batch32": batch32}


def bench_sextant(binary, model_dir, sentences_path, threads, backend):
    output = subprocess.run([str(binary), "--model", str(model_dir), "--sentences",
                             str(sentences_path), "--threads", str(threads), "--backend", backend],
                            check=True, capture_output=True, text=True).stdout
    figures = {}
    for line in output.splitlines():
        record = json.loads(line)
        if "sentences_per_s" in record:
            figures[record["mode"]] = record["sentences_per_s"]
        else:
            figures["p50_ms"] = record["p50_ms"]
            figures["p99_ms"] = record["p99_ms"]
    return figures


def bench_http(url, requests):
    parsed = urllib.parse.urlparse(url)
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port or 80, timeout=30)
    body = json.dumps({"text": SHORT_SENTENCE})
    headers = {"Content-Type": "application/json"}
    if os.environ.get("SEXTANT_API_KEY"):
        headers["api-key"] = os.environ["SEXTANT_API_KEY"]
    millis = []
    for i in range(requests + 20):
        start = time.perf_counter()
        connection.request("POST", "/embed", body, headers)
        response = connection.getresponse()
        payload = response.read()
        if response.status != 200:
            raise RuntimeError(f"POST /embed returned {response.status}: {payload[:200]!r}")
        if i >= 20:  # warm-up excluded
            millis.append((time.perf_counter() - start) * 1000)
    millis.sort()
    return {"p50_ms": millis[len(millis) // 2], "p99_ms": millis[len(millis) * 99 // 100]}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default=str(ROOT / "models/all-MiniLM-L6-v2"))
    parser.add_argument("--sentences", default=str(ROOT / "bench/embed/sentences.txt"))
    parser.add_argument("--sextant-bench", default=str(ROOT / "build/bench/embed/embed_throughput"))
    parser.add_argument("--url", help="a running Sextant server or sidecar, for HTTP latency")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--http-requests", type=int, default=300)
    parser.add_argument("--markdown", help="also write the table to this file")
    args = parser.parse_args()
    model_dir = pathlib.Path(args.model)
    sentences = load_sentences(args.sentences)
    load_before = os.getloadavg()[0]

    results = {}
    results["sextant"] = bench_sextant(args.sextant_bench, model_dir, args.sentences,
                                       args.threads, "auto")
    results["sextant-packed"] = bench_sextant(args.sextant_bench, model_dir, args.sentences,
                                              args.threads, "packed")
    results["sextant-openblas"] = bench_sextant(args.sextant_bench, model_dir, args.sentences,
                                                args.threads, "blas")
    st_model, results["pytorch"] = bench_pytorch(model_dir, sentences, args.threads)
    with tempfile.TemporaryDirectory() as work:
        onnx_path = pathlib.Path(work) / "minilm.onnx"
        export_onnx(st_model, onnx_path)
        _, results["onnxruntime"] = bench_onnx(model_dir, onnx_path, sentences, args.threads)
    http = bench_http(args.url, args.http_requests) if args.url else None
    load_after = os.getloadavg()[0]

    pt, ort_figures, sx = results["pytorch"], results["onnxruntime"], results["sextant"]
    lines = [
        f"Sentences: {len(sentences)} from bench/embed/sentences.txt (~16 tokens each), "
        f"{args.threads} threads/workers per system; 1-minute load average "
        f"{load_before:.1f} before, {load_after:.1f} after.",
        "",
        "| system | batch 1 (sentences/s) | batch 32 (sentences/s) |",
        "|---|---:|---:|",
    ]
    names = {"sextant": "Sextant (default: packed kernel < 128 rows, else OpenBLAS)",
             "sextant-packed": "Sextant (packed AVX2 kernel only)",
             "sextant-openblas": "Sextant (OpenBLAS GEMMs)",
             "pytorch": "sentence-transformers, PyTorch CPU",
             "onnxruntime": "ONNX Runtime (exported model)"}
    for key in ("sextant", "sextant-packed", "sextant-openblas", "pytorch", "onnxruntime"):
        figures = results[key]
        lines.append(f"| {names[key]} | {figures['batch1']:.1f} | {figures['batch32']:.1f} |")
    lines += [
        "",
        f"Sextant with two concurrent single-sentence callers: "
        f"{sx['batch1x2callers']:.1f} sentences/s.",
        f"Sextant / PyTorch: {sx['batch1'] / pt['batch1']:.2f}x at batch 1, "
        f"{sx['batch32'] / pt['batch32']:.2f}x at batch 32. "
        f"Sextant / ONNX Runtime: {sx['batch1'] / ort_figures['batch1']:.2f}x at batch 1, "
        f"{sx['batch32'] / ort_figures['batch32']:.2f}x at batch 32.",
        f"Latency of one {SHORT_SENTENCE!r} (13 tokens) in-process: "
        f"p50 {sx['p50_ms']:.2f} ms, p99 {sx['p99_ms']:.2f} ms.",
    ]
    if http:
        lines.append(f"Through HTTP POST /embed ({args.url}): p50 {http['p50_ms']:.2f} ms, "
                     f"p99 {http['p99_ms']:.2f} ms.")
    else:
        lines.append("HTTP POST /embed latency: not measured in this run (no --url given).")
    text = "\n".join(lines)
    print(text)
    print(json.dumps({"results": results, "http": http, "load": [load_before, load_after]}))
    if args.markdown:
        pathlib.Path(args.markdown).write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
