"""Shared pytest fixtures."""

from __future__ import annotations

import types

import pytest

from hub_server import HubServer


@pytest.fixture
def hub_server():
    """A running in-memory Hub-compatible server on 127.0.0.1 (see tests/hub_server.py).

    Example:
        >>> def test_x(hub_server):
        ...     sha = hub_server.add_commit("org/repo", {"w.bin": b"..."})
    """
    server = HubServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def hf_env(hub_server, tmp_path, monkeypatch):
    """Point Hugging Face tooling at `hub_server`, with a fresh, empty HF cache.

    Sets ``HF_ENDPOINT``, ``HF_HOME``, ``HF_HUB_CACHE``, a dummy ``HF_TOKEN`` and
    disables telemetry / progress bars; clears ``HF_HUB_OFFLINE``. huggingface_hub
    reads these once at import, so only code that reads them at call time (like
    ``kerasgan.hub``, or calls given ``endpoint=``/``cache_dir=``) sees them; the
    frozen offline flag is reset here so a user's shell setting cannot leak in.

    Returns:
        SimpleNamespace(server, endpoint, home, cache): the server, its URL, and
        the HF_HOME and HF_HUB_CACHE paths.
    """
    home = tmp_path / "hf_home"
    cache = home / "hub"
    monkeypatch.setenv("HF_ENDPOINT", hub_server.url)
    monkeypatch.setenv("HF_HOME", str(home))
    monkeypatch.setenv("HF_HUB_CACHE", str(cache))
    monkeypatch.setenv("HF_TOKEN", "hf_kerasgan_test_token")
    monkeypatch.setenv("HF_HUB_DISABLE_TELEMETRY", "1")
    monkeypatch.setenv("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("TRANSFORMERS_OFFLINE", raising=False)
    monkeypatch.delenv("HF_HUB_ETAG_TIMEOUT", raising=False)
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", False)
    return types.SimpleNamespace(server=hub_server, endpoint=hub_server.url, home=home, cache=cache)
