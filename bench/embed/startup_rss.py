#!/usr/bin/env python3
"""The server's memory before and after its embedding model is first used: starts each given
server binary on an empty storage directory (127.0.0.1, a free port, started from the checkout
root so it finds models/), and prints VmRSS, RssAnon and RssFile (MB, from /proc/PID/status)
once it answers, and again after one POST /embed, with the load average beside each figure.
With models loaded on first use the first figure no longer holds the model.

Usage: python bench/embed/startup_rss.py BINARY [BINARY ...]
"""
import http.client
import json
import os
import pathlib
import socket
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def memory(pid: int) -> dict:
    figures = {}
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "RssAnon", "RssFile"):
            figures[key + "_mb"] = round(int(value.split()[0]) / 1024, 1)
    figures["load_average"] = round(os.getloadavg()[0], 2)
    return figures


def request(port: int, method: str, path: str, body=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    payload = json.dumps(body) if body is not None else None
    connection.request(method, path, payload, {"Content-Type": "application/json"})
    response = connection.getresponse()
    response.read()
    return response.status


def measure(binary: str) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        port = free_port()
        env = dict(os.environ)
        env.update({
            "QDRANT__SERVICE__HOST": "127.0.0.1",
            "QDRANT__SERVICE__HTTP_PORT": str(port),
            "QDRANT__SERVICE__GRPC_PORT": str(free_port()),
            "QDRANT__STORAGE__STORAGE_PATH": f"{scratch}/storage",
            "QDRANT__STORAGE__SNAPSHOTS_PATH": f"{scratch}/snapshots",
            "QDRANT__TELEMETRY_DISABLED": "true",
        })
        with open(f"{scratch}/log", "wb") as log:
            process = subprocess.Popen([binary], cwd=ROOT, env=env, stdout=log,
                                       stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        try:
            for _ in range(300):
                try:
                    if request(port, "GET", "/readyz") == 200:
                        break
                except OSError:
                    time.sleep(0.1)
            time.sleep(1.0)
            started = memory(process.pid)
            status = request(port, "POST", "/embed", {"inputs": ["How far is the moon?"]})
            time.sleep(0.5)
            embedded = memory(process.pid)
            print(json.dumps({"binary": binary, "started": started, "embed_status": status,
                              "after_first_embed": embedded}))
        finally:
            process.terminate()
            process.wait(timeout=30)


if __name__ == "__main__":
    for path in sys.argv[1:]:
        measure(path)
