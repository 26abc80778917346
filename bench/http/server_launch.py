"""Launches a Sextant (or any Qdrant-compatible) server for the bench drivers.

Role: a thin adapter over compat-tests/support/server_process.py (the suite's launcher), so the
drivers start the server exactly as the compatibility suite does: loopback, free port, storage in
a temporary directory it owns, Qdrant's QDRANT__... environment overrides.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT / "compat-tests"))

from support.server_process import ServerProcess  # noqa: E402


def launch(binary: str, extra_env: dict[str, str] | None = None) -> ServerProcess:
    """Starts `binary` on a fresh storage directory and waits until /readyz answers."""
    os.environ["COMPAT_SERVER_BIN"] = str(Path(binary).resolve())
    return ServerProcess(extra_env=extra_env).start()


def collection_dir_bytes(storage_root: Path) -> int:
    """Bytes on disk (allocated blocks, as du reports) under storage_root."""
    total = 0
    for directory, _, files in os.walk(storage_root):
        for name in files:
            try:
                total += os.stat(os.path.join(directory, name)).st_blocks * 512
            except OSError:
                pass
    return total
