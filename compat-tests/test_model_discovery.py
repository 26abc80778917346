"""The default embedding model is found relative to the server binary, whatever the working
directory, and start-up logs where it was found or every place looked and why each was passed
over.

Each test starts its own server from `/` with a fresh storage directory and no `config/` (the
working directory holds none): the build tree's binary finds the checkout's models/, a binary
laid out as installed (<prefix>/bin/sextant) finds <prefix>/share/sextant/models, and a binary
with neither serves no model and says so. Sextant only: Qdrant has no /embed route.
"""

import math
import shutil
import tempfile
from pathlib import Path

import pytest
import requests

from support.server_process import REPO_ROOT, ServerProcess, server_binary

pytestmark = [pytest.mark.owns_server, pytest.mark.sextant_only]

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
MODEL_FOLDER = "all-MiniLM-L6-v2"
CHECKOUT_MODEL = REPO_ROOT / "models" / MODEL_FOLDER


def _model_dimension() -> int:
    import json

    return json.loads((CHECKOUT_MODEL / "config.json").read_text())["hidden_size"]


def _needs_checkout_model():
    if not (CHECKOUT_MODEL / "config.json").is_file():
        pytest.skip(f"no model at {CHECKOUT_MODEL} (scripts/fetch-model.sh puts it there)")


@pytest.fixture
def scratch():
    root = Path(tempfile.mkdtemp(prefix="sextant-model-discovery-"))
    try:
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _isolated_env(scratch: Path) -> dict[str, str]:
    """An empty Hugging Face cache, so only the places under test can supply the model."""
    empty_cache = scratch / "hf-cache"
    empty_cache.mkdir(exist_ok=True)
    return {"HF_HUB_CACHE": str(empty_cache), "HF_HOME": str(scratch / "hf-home")}


def _start_from_root(binary: Path, scratch: Path) -> ServerProcess:
    return ServerProcess(extra_env=_isolated_env(scratch), binary=binary, cwd=Path("/")).start()


def _log_lines(process: ServerProcess) -> list[str]:
    return process.log_path.read_text(errors="replace").splitlines()


def _check_embeds(process: ServerProcess) -> None:
    response = requests.post(process.url + "/embed", json={"text": "a quiet harbour"}, timeout=60)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["model"] == MODEL_NAME
    assert body["dim"] == _model_dimension() == len(body["embedding"])
    # The model normalises its output: unit length.
    assert math.isclose(math.sqrt(sum(x * x for x in body["embedding"])), 1.0, rel_tol=1e-3)


def test_build_tree_binary_started_from_root_serves_the_checkout_model(scratch):
    _needs_checkout_model()
    process = _start_from_root(server_binary(), scratch)
    try:
        _check_embeds(process)
        served = [line for line in _log_lines(process) if "Embedding model" in line]
        expected = (
            f"Embedding model {MODEL_NAME} served: dimension {_model_dimension()}, "
            f"directory {CHECKOUT_MODEL.resolve()}, loaded on first use (checkout)"
        )
        assert any(line.endswith(expected) for line in served), served
    finally:
        process.cleanup()


def test_installed_layout_serves_the_model_from_share(scratch):
    _needs_checkout_model()
    prefix = scratch / "prefix"
    (prefix / "bin").mkdir(parents=True)
    (prefix / "share" / "sextant" / "models").mkdir(parents=True)
    binary = prefix / "bin" / "sextant"
    shutil.copy2(server_binary(), binary)
    shutil.copytree(CHECKOUT_MODEL, prefix / "share" / "sextant" / "models" / MODEL_FOLDER)
    process = _start_from_root(binary, scratch)
    try:
        _check_embeds(process)
        model_dir = prefix / "share" / "sextant" / "models" / MODEL_FOLDER
        expected = (
            f"Embedding model {MODEL_NAME} served: dimension {_model_dimension()}, "
            f"directory {model_dir}, loaded on first use (installation)"
        )
        assert any(line.endswith(expected) for line in _log_lines(process)), _log_lines(process)
    finally:
        process.cleanup()


def test_no_model_anywhere_logs_every_place_looked(scratch):
    prefix = scratch / "prefix"
    (prefix / "bin").mkdir(parents=True)
    # A damaged copy in the installed place: present but without its weights.
    broken = prefix / "share" / "sextant" / "models" / MODEL_FOLDER
    broken.mkdir(parents=True)
    (broken / "config.json").write_text("{}")
    binary = prefix / "bin" / "sextant"
    shutil.copy2(server_binary(), binary)
    process = _start_from_root(binary, scratch)
    try:
        response = requests.post(process.url + "/embed", json={"text": "x"}, timeout=30)
        assert response.status_code != 200
        assert "not available" in response.text
        lines = _log_lines(process)
        skipped = [line for line in lines if f"Embedding model {MODEL_NAME} skipped" in line]
        assert len(skipped) == 3, lines
        assert f"installation {broken}" in skipped[0]
        assert "working directory /models/all-MiniLM-L6-v2: no such directory" in skipped[1]
        assert f"Hugging Face cache {scratch / 'hf-cache'}: no {MODEL_NAME} there" in skipped[2]
        assert any("No embedding model served" in line for line in lines), lines
    finally:
        process.cleanup()
