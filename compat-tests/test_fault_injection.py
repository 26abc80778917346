"""The short run of the fault-injection trials (bench/crash/fault_injection.py): 3 trials of
mixed load while 1% of the file I/O calls LMDB makes fail; the server neither crashes nor hangs,
takes writes again once the failures stop (no restart), and after a clean restart every
acknowledged point holds its payload and vector."""

import sys
from pathlib import Path

import pytest

from support.server_process import REPO_ROOT, server_binary

sys.path.insert(0, str(REPO_ROOT / "bench" / "crash"))
import fault_injection  # noqa: E402

pytestmark = [pytest.mark.owns_server, pytest.mark.sextant_only]


def test_injected_io_failures_lose_no_acknowledged_point():
    binary = Path(server_binary())
    if not fault_injection.shim_path(binary).exists():
        pytest.skip(f"{fault_injection.shim_path(binary)} is not built (the sextant_io_faults "
                    "target, built with SEXTANT_BUILD_BENCH=ON)")
    verified = 0
    for trial in range(3):
        result = fault_injection.run_trial(binary, trial, seconds=2.0, probability=0.01)
        assert not result["crashed"], result.get("log")
        assert not result["hung"], result
        assert result["lost"] == 0 and result["mismatched"] == 0, result
        assert result["self_found"] == result["self_sampled"], result
        assert result["write_after_faults"], result
        verified += result["verified"]
    assert verified > 0, "no write was acknowledged: the load did not run"
