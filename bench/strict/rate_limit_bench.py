"""Strict mode's read rate limit under load: a stream above the limit and one below it.

Two collections get `strict_mode_config: {enabled: true, read_rate_limit: R}` (R requests a
minute; the bucket holds R tokens, starts full and refills at R / 60 a second, as Qdrant's).
For --minutes, one client sends queries (one dense vector each: 1 token) to the first collection
at --over-factor x R a minute, evenly spaced, and another to the second at --under-factor x R.
The program prints how many answers were 200 and 429 per stream, beside what the token bucket
allows for the same send times (a simulation of the rule, the oracle), and the Retry-After
values seen. It fails (exit 1) when the stream under the limit gets any 429, when the stream
over it gets none, or when any answer is neither 200 nor 429.

  .venv/bin/python bench/strict/rate_limit_bench.py --binary build/sextant
  .venv/bin/python bench/strict/rate_limit_bench.py --url http://127.0.0.1:6333   # any server
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "http"))
from wire import Connection, build_request, json_request  # noqa: E402

QUERY = {"query": [0.1, 0.2, 0.3, 0.4], "limit": 1}


def bucket_allows(send_offsets_s: list[float], per_minute: float) -> int:
    """How many sends at these offsets a full token bucket of `per_minute` lets through."""
    tokens, last, allowed = per_minute, 0.0, 0
    for at in send_offsets_s:
        tokens = min(per_minute, tokens + (at - last) * per_minute / 60.0)
        last = at
        if tokens >= 1.0:
            tokens -= 1.0
            allowed += 1
    return allowed


class Stream(threading.Thread):
    """Sends QUERY to one collection at a fixed rate and counts the answers."""

    def __init__(self, host: str, port: int, collection: str, per_minute: float, seconds: float,
                 start_at: float):
        super().__init__()
        self.connection = Connection(host, port)
        self.request = json_request("POST", f"/collections/{collection}/points/query", QUERY)
        self.interval_s = 60.0 / per_minute
        self.count = int(seconds / self.interval_s)
        self.start_at = start_at
        self.statuses: dict[int, int] = {}
        self.offsets_s: list[float] = []
        self.first_429_s: float | None = None
        self.retry_texts: set[str] = set()

    def run(self) -> None:
        for i in range(self.count):
            due = self.start_at + i * self.interval_s
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            sent = time.monotonic() - self.start_at
            status, body = self.connection.send(self.request)
            self.offsets_s.append(sent)
            self.statuses[status] = self.statuses.get(status, 0) + 1
            if status == 429:
                if self.first_429_s is None:
                    self.first_429_s = sent
                text = json.loads(body)["status"]["error"]
                self.retry_texts.add(text.rsplit("Retry after ", 1)[-1])
        self.connection.close()


def create_collection(connection: Connection, name: str, per_minute: int) -> None:
    body = {
        "vectors": {"size": 4, "distance": "Cosine"},
        "strict_mode_config": {"enabled": True, "read_rate_limit": per_minute},
    }
    status, text = connection.send(json_request("PUT", f"/collections/{name}", body))
    assert status == 200, text
    points = {"points": [{"id": 1, "vector": QUERY["query"]}]}
    status, text = connection.send(json_request("PUT", f"/collections/{name}/points?wait=true", points))
    assert status == 200, text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--binary", help="start this server binary on a temporary storage")
    target.add_argument("--url", help="use a running server")
    parser.add_argument("--rate-per-min", type=int, default=100)
    parser.add_argument("--minutes", type=float, default=2.0)
    parser.add_argument("--over-factor", type=float, default=2.0)
    parser.add_argument("--under-factor", type=float, default=0.9)
    args = parser.parse_args()

    server = None
    if args.binary:
        from server_launch import launch

        server = launch(args.binary)
        url = server.url
    else:
        url = args.url
    parsed = urlparse(url)
    host, port = parsed.hostname, parsed.port
    setup = Connection(host, port)
    suffix = uuid.uuid4().hex[:8]
    over_name, under_name = f"rate_over_{suffix}", f"rate_under_{suffix}"
    try:
        create_collection(setup, over_name, args.rate_per_min)
        create_collection(setup, under_name, args.rate_per_min)
        seconds = args.minutes * 60.0
        start_at = time.monotonic() + 0.5
        over = Stream(host, port, over_name, args.rate_per_min * args.over_factor, seconds, start_at)
        under = Stream(host, port, under_name, args.rate_per_min * args.under_factor, seconds,
                       start_at)
        began = time.time()
        over.start()
        under.start()
        over.join()
        under.join()
        elapsed_s = time.time() - began

        print(f"server {url}; read_rate_limit {args.rate_per_min}/min (bucket {args.rate_per_min} "
              f"tokens, refill {args.rate_per_min / 60:.3f}/s); {elapsed_s:.1f} s of load")
        ok = True
        for label, stream, factor in (("over", over, args.over_factor),
                                      ("under", under, args.under_factor)):
            sent = sum(stream.statuses.values())
            got_200, got_429 = stream.statuses.get(200, 0), stream.statuses.get(429, 0)
            others = {s: n for s, n in stream.statuses.items() if s not in (200, 429)}
            expected_200 = bucket_allows(stream.offsets_s, args.rate_per_min)
            print(f"  {label:5} {factor:.1f}x = {args.rate_per_min * factor:.0f}/min: sent {sent}, "
                  f"200: {got_200}, 429: {got_429}, other: {others or 0}; the token bucket allows "
                  f"{expected_200} of these sends")
            if stream.first_429_s is not None:
                waits = sorted(stream.retry_texts, key=lambda t: int(t.rstrip("s")))
                print(f"        first 429 after {stream.first_429_s:.1f} s; Retry after: "
                      f"{', '.join(waits)}")
            ok &= not others
        if under.statuses.get(429, 0):
            print("FAIL: requests under the limit were refused")
            ok = False
        if not over.statuses.get(429, 0):
            print("FAIL: requests over the limit were never refused")
            ok = False
        return 0 if ok else 1
    finally:
        setup.close()
        cleanup = Connection(host, port)  # the set-up connection has idled past keep-alive
        for name in (over_name, under_name):
            cleanup.send(build_request("DELETE", f"/collections/{name}"))
        cleanup.close()
        if server is not None:
            server.stop()


if __name__ == "__main__":
    sys.exit(main())
