#!/usr/bin/env python3
"""Side-by-side embedding speed through HTTP: Sextant's POST /embed (float32 and int8) against the
services it replaces, all embedding the same all-MiniLM-L6-v2 weights on the same cores, in one
run:
  * FastAPI + sentence-transformers (PyTorch CPU), what self-hosted memory stacks run;
  * FastAPI + ONNX Runtime on the exported model after ONNX Runtime's BERT graph optimiser
    (fused attention/LayerNorm/GELU, fp32), and on its int8 dynamic quantisation;
each peer with 1 and 2 intra-op threads (inter-op 1), and every batch length-sorted (the
sentences are sorted by length before batches of 32 are cut, and ONNX Runtime pads only to the
longest of its batch).

Figures per system (bench/embed/sentences.txt, 512 sentences of ~16 tokens):
  * batch32  — sentences/s, one client sending batches of 32;
  * c4, c16  — sentences/s, 4 / 16 concurrent clients sending one sentence per request;
  * p50      — ms, one 13-token sentence alone, requests back to back.
The systems alternate: every round runs each system once, in a rotated order, and the table
prints the median over the rounds, with the 1-minute load average seen during each system's
measurements (the machine may be shared). All servers stay up for the whole run; only the one
being measured gets requests.

Usage:
  .venv/bin/python bench/embed/compare.py [--sextant build/sextant] [--rounds 3]
      [--seconds 3] [--markdown out.md]
Needs bench/embed/requirements.txt plus fastapi and uvicorn in the venv.
"""
import argparse
import http.client
import json
import os
import pathlib
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
SHORT_SENTENCE = "What is the capital city of France, and why?"


def free_port():
    for _ in range(50):
        port = random.randint(17000, 19999)
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    raise RuntimeError("no free port")


class Client:
    def __init__(self, port):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def post(self, body):
        self.connection.request("POST", "/embed", json.dumps(body),
                                {"Content-Type": "application/json"})
        response = self.connection.getresponse()
        payload = response.read()
        if response.status != 200:
            raise RuntimeError(f"POST /embed returned {response.status}: {payload[:200]!r}")
        return json.loads(payload)


def wait_ready(port, process, seconds=180):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server on port {port} exited with {process.returncode}")
        try:
            Client(port).post({"text": "ready"})
            return
        except (OSError, RuntimeError, http.client.HTTPException):
            time.sleep(0.5)
    raise RuntimeError(f"server on port {port} not ready after {seconds} s")


def measure_batches(port, sentences):
    client = Client(port)
    client.post({"texts": sentences[:32]})
    start = time.perf_counter()
    count = 0
    for i in range(0, len(sentences) - 31, 32):
        client.post({"texts": sentences[i:i + 32]})
        count += 32
    return count / (time.perf_counter() - start)


def measure_concurrent(port, sentences, clients, seconds):
    counts = [0] * clients
    stop = time.perf_counter() + seconds

    def run(index):
        client = Client(port)
        i = index
        while time.perf_counter() < stop:
            client.post({"text": sentences[i % len(sentences)]})
            counts[index] += 1
            i += clients

    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.perf_counter() - start)


def measure_latency(port, requests):
    client = Client(port)
    for _ in range(10):
        client.post({"text": SHORT_SENTENCE})
    millis = []
    for _ in range(requests):
        start = time.perf_counter()
        client.post({"text": SHORT_SENTENCE})
        millis.append((time.perf_counter() - start) * 1000)
    return statistics.median(millis)


def export_models(model_dir, work):
    """The fp32 export optimised by ONNX Runtime's BERT optimiser, and its int8 dynamic
    quantisation (per-channel weights, as ONNX Runtime recommends for transformers)."""
    import onnx
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.transformers import optimizer
    from sentence_transformers import SentenceTransformer

    transformer = SentenceTransformer(str(model_dir), device="cpu")[0].auto_model.eval()

    class Encoder(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.inner(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

    raw = work / "minilm.onnx"
    example = (torch.ones(2, 8, dtype=torch.int64), torch.ones(2, 8, dtype=torch.int64),
               torch.zeros(2, 8, dtype=torch.int64))
    axes = {0: "batch", 1: "sequence"}
    torch.onnx.export(Encoder(transformer), example, str(raw), dynamo=False,
                      input_names=["input_ids", "attention_mask", "token_type_ids"],
                      output_names=["last_hidden_state"], opset_version=17,
                      dynamic_axes={"input_ids": axes, "attention_mask": axes,
                                    "token_type_ids": axes, "last_hidden_state": axes})
    optimized = work / "minilm-opt.onnx"
    config = transformer.config
    optimizer.optimize_model(str(raw), model_type="bert", num_heads=config.num_attention_heads,
                             hidden_size=config.hidden_size).save_model_to_file(str(optimized))
    quantized = work / "minilm-int8.onnx"
    # Fused nodes carry no inferred types; their outputs are float.
    quantize_dynamic(str(optimized), str(quantized), weight_type=QuantType.QInt8,
                     per_channel=True, extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
    return optimized, quantized


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default=str(ROOT / "models/all-MiniLM-L6-v2"))
    parser.add_argument("--sentences", default=str(ROOT / "bench/embed/sentences.txt"))
    parser.add_argument("--sextant", default=str(ROOT / "build/sextant"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=3.0, help="per concurrency figure")
    parser.add_argument("--latency-requests", type=int, default=100)
    parser.add_argument("--markdown")
    args = parser.parse_args()
    model_dir = pathlib.Path(args.model).resolve()
    sentences = [line.strip() for line in open(args.sentences, encoding="utf-8") if line.strip()]
    sentences.sort(key=len)  # length-sorted batches for every system

    work = pathlib.Path(tempfile.mkdtemp(prefix="embed-compare-"))
    processes = []
    try:
        onnx_fp32, onnx_int8 = export_models(model_dir, work)
        python = sys.executable
        peer = str(ROOT / "bench/embed/peer_server.py")
        systems = {}

        def start(name, command, env=None):
            port = free_port()
            command = [part.replace("{port}", str(port)) for part in command]
            environment = dict(os.environ, **(env or {}))
            environment = {k: v.replace("{port}", str(port)) for k, v in environment.items()}
            log = open(work / f"{name}.log", "w")
            process = subprocess.Popen(command, env=environment, cwd=str(ROOT), stdout=log,
                                       stderr=subprocess.STDOUT)
            processes.append(process)
            wait_ready(port, process)
            # One request before any timing: Sextant loads a model on its first use, the peers
            # at start-up.
            Client(port).post({"text": "warm-up"})
            systems[name] = port

        # Sextant serves its default model, models/all-MiniLM-L6-v2 under the repository root.
        for precision in ("float32", "int8"):
            storage = work / f"sextant-{precision}"
            start(f"Sextant {precision}", [args.sextant], {
                "QDRANT__SERVICE__HTTP_PORT": "{port}",
                "QDRANT__SERVICE__GRPC_PORT": str(free_port()),
                "QDRANT__STORAGE__STORAGE_PATH": str(storage / "storage"),
                "QDRANT__STORAGE__SNAPSHOTS_PATH": str(storage / "snapshots"),
                "QDRANT__EMBEDDING__PRECISION": precision,
                "QDRANT__TELEMETRY_DISABLED": "true"})
        for threads in (1, 2):
            start(f"FastAPI+sentence-transformers {threads}t",
                  [python, peer, "--backend", "st", "--threads", str(threads), "--port", "{port}",
                   "--model", str(model_dir)])
            start(f"FastAPI+ORT fp32 (optimised) {threads}t",
                  [python, peer, "--backend", "ort", "--onnx", str(onnx_fp32), "--threads",
                   str(threads), "--port", "{port}", "--model", str(model_dir)])
            start(f"FastAPI+ORT int8 dynamic {threads}t",
                  [python, peer, "--backend", "ort", "--onnx", str(onnx_int8), "--threads",
                   str(threads), "--port", "{port}", "--model", str(model_dir)])

        names = list(systems)
        figures = {name: {"batch32": [], "c4": [], "c16": [], "p50": [], "load": []}
                   for name in names}
        for round_index in range(args.rounds):
            order = names[round_index % len(names):] + names[:round_index % len(names)]
            for name in order:
                port = systems[name]
                record = figures[name]
                record["batch32"].append(measure_batches(port, sentences))
                record["c4"].append(measure_concurrent(port, sentences, 4, args.seconds))
                record["c16"].append(measure_concurrent(port, sentences, 16, args.seconds))
                record["p50"].append(measure_latency(port, args.latency_requests))
                record["load"].append(os.getloadavg()[0])
                print(json.dumps({"round": round_index + 1, "system": name,
                                  **{k: round(v[-1], 2) for k, v in record.items()}}),
                      flush=True)

        median = {name: {k: statistics.median(v) for k, v in record.items()}
                  for name, record in figures.items()}
        lines = [
            f"{len(sentences)} sentences (bench/embed/sentences.txt), {args.rounds} alternating "
            f"rounds, medians; {os.cpu_count()} cores; all through HTTP POST /embed.",
            "",
            "| system | batch 32 (sent/s) | 4 clients x 1 (sent/s) | 16 clients x 1 (sent/s) "
            "| one sentence p50 (ms) | load avg (min-max) |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for name in names:
            m = median[name]
            loads = figures[name]["load"]
            lines.append(f"| {name} | {m['batch32']:.0f} | {m['c4']:.0f} | {m['c16']:.0f} | "
                         f"{m['p50']:.2f} | {min(loads):.1f}-{max(loads):.1f} |")
        lines.append("")
        for sextant in ("Sextant float32", "Sextant int8"):
            s = median[sextant]
            lines.append(f"{sextant}: 4 clients = {s['c4'] / s['batch32']:.0%} and 16 clients = "
                         f"{s['c16'] / s['batch32']:.0%} of its batch-32 rate.")
            for name in names:
                if name.startswith("Sextant"):
                    continue
                p = median[name]
                lines.append(f"  / {name}: batch32 {s['batch32'] / p['batch32']:.2f}x, "
                             f"c4 {s['c4'] / p['c4']:.2f}x, c16 {s['c16'] / p['c16']:.2f}x, "
                             f"p50 {p['p50'] / s['p50']:.2f}x faster")
        text = "\n".join(lines)
        print(text)
        if args.markdown:
            pathlib.Path(args.markdown).write_text(text + "\n", encoding="utf-8")
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
