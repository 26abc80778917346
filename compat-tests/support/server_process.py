"""Starts, restarts and stops a server binary for the suite, on loopback, on free ports.

Role: when QDRANT_URL is unset the suite runs the built server itself. The binary is
`build/sextant` unless COMPAT_SERVER_BIN names another one (any binary that honours Qdrant's
QDRANT__SECTION__KEY environment overrides works, which is how the suite checks itself against a
real Qdrant build); it runs in COMPAT_SERVER_CWD (default: the repository root) because both
servers read `config/` relative to their working directory. A test may pass its own binary and
working directory (the model-discovery tests start the server from `/`).

Invariants:
- The server listens on 127.0.0.1 only, with storage and snapshots in a directory this object owns.
- `stop()` sends SIGTERM, waits, and only then SIGKILLs; `kill()` is the hard stop for crash tests.
- Its output goes to `server.log` inside the storage root, shown when start-up fails.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import requests

REPO_ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_binary() -> Path:
    return Path(os.environ.get("COMPAT_SERVER_BIN", REPO_ROOT / "build" / "sextant"))


def server_cwd() -> Path:
    return Path(os.environ.get("COMPAT_SERVER_CWD", REPO_ROOT))


class ServerProcess:
    """One server process and the temporary directory holding its storage."""

    def __init__(
        self,
        extra_env: dict[str, str] | None = None,
        startup_timeout_s: float = 60.0,
        binary: Path | None = None,
        cwd: Path | None = None,
    ):
        self.binary = binary or server_binary()
        self.cwd = cwd or server_cwd()
        self.root = Path(tempfile.mkdtemp(prefix="sextant-compat-"))
        self.http_port = free_port()
        self.grpc_port = free_port()
        self.extra_env = dict(extra_env or {})
        self.startup_timeout_s = startup_timeout_s
        self.process: subprocess.Popen | None = None
        self._log = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def log_path(self) -> Path:
        return self.root / "server.log"

    def _environment(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            {
                "QDRANT__SERVICE__HOST": "127.0.0.1",
                "QDRANT__SERVICE__HTTP_PORT": str(self.http_port),
                "QDRANT__SERVICE__GRPC_PORT": str(self.grpc_port),
                "QDRANT__STORAGE__STORAGE_PATH": str(self.root / "storage"),
                "QDRANT__STORAGE__SNAPSHOTS_PATH": str(self.root / "snapshots"),
                "QDRANT__TELEMETRY_DISABLED": "true",
            }
        )
        env.update(self.extra_env)
        return env

    def start(self) -> "ServerProcess":
        if not self.binary.exists():
            raise RuntimeError(
                f"server binary {self.binary} not found: build it first (scripts/test.sh does)"
            )
        self._log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [str(self.binary)],
            cwd=self.cwd,
            env=self._environment(),
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        self._wait_ready()
        return self

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.startup_timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"server exited with code {self.process.returncode} during start-up:\n"
                    + self.log_tail()
                )
            try:
                if requests.get(self.url + "/readyz", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        self.kill()
        raise RuntimeError(f"server not ready after {self.startup_timeout_s}s:\n" + self.log_tail())

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "<no log>"

    def stop(self, timeout_s: float = 20.0) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def restart(self) -> None:
        """Graceful stop, then start again on the same ports and storage."""
        self.stop()
        self.start()

    def cleanup(self) -> None:
        self.stop()
        if self._log is not None:
            self._log.close()
        shutil.rmtree(self.root, ignore_errors=True)
