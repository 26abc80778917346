#!/usr/bin/env python3
"""An embedding service of the kind Sextant's /embed replaces, for bench/embed/compare.py.

FastAPI + uvicorn in front of one of:
  st        sentence-transformers (PyTorch CPU), what self-hosted memory stacks run today;
  ort       ONNX Runtime on an exported model (the optimised fp32 export, or its int8 dynamic
            quantisation: pass the .onnx file), with Hugging Face `tokenizers`, mean pooling and
            L2 normalisation in NumPy.
It answers POST /embed with Sextant's request shapes: {"text": s} -> {"embedding": [...]},
{"texts": [...]} -> {"embeddings": [[...], ...]}, and GET /health.

Usage: peer_server.py --backend st|ort [--onnx FILE] --threads N --port P [--model DIR]
"""
import argparse
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2]


def make_st(model_dir, threads):
    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(threads)
    torch.set_num_interop_threads(1)
    model = SentenceTransformer(str(model_dir), device="cpu")

    def embed(texts):
        # encode() sorts by length inside the call; batch_size covers a whole request.
        return model.encode(texts, batch_size=max(1, len(texts)), normalize_embeddings=True,
                            convert_to_numpy=True)

    return embed


def make_ort(model_dir, onnx_path, threads):
    import numpy as np
    import onnxruntime as ort
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    tokenizer.enable_truncation(max_length=256)
    tokenizer.enable_padding()  # pads to the longest of the (length-sorted) batch
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    session = ort.InferenceSession(str(onnx_path), options, providers=["CPUExecutionProvider"])
    inputs = {i.name for i in session.get_inputs()}

    def embed(texts):
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        encodings = tokenizer.encode_batch([texts[i] for i in order])
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feed = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in inputs:
            feed["token_type_ids"] = np.zeros_like(ids)
        hidden = session.run(None, feed)[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(1) / np.maximum(weights.sum(1), 1e-9)
        pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        result = np.empty_like(pooled)
        result[order] = pooled
        return result

    return embed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", choices=["st", "ort"], required=True)
    parser.add_argument("--onnx")
    parser.add_argument("--model", default=str(ROOT / "models/all-MiniLM-L6-v2"))
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    model_dir = pathlib.Path(args.model)
    embed = (make_st(model_dir, args.threads) if args.backend == "st"
             else make_ort(model_dir, args.onnx, args.threads))
    embed(["warm up"])

    import uvicorn
    from fastapi import FastAPI, Request

    app = FastAPI()

    @app.get("/health")
    def health():
        return {}

    @app.post("/embed")
    async def embed_route(request: Request):
        body = await request.json()
        if "text" in body:
            return {"embedding": embed([body["text"]])[0].tolist()}
        return {"embeddings": embed(list(body["texts"])).tolist()}

    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
