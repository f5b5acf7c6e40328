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


# ------------------------------------------------------------------ the zoo

#: A DCGAN small enough for unit tests: 8x8x1 images, latent 4, 4 filters.
TINY_DCGAN_CONFIG = {"image_shape": [8, 8, 1], "latent_dim": 4, "filters": 4, "upsampling": "transposed"}


def tiny_entry(name="dcgan-tiny", family="DCGAN", config=None, **fields):
    """A valid zoo entry dict for a tiny model (override any field by keyword)."""
    config = dict(TINY_DCGAN_CONFIG if config is None else config)
    entry = {
        "name": name,
        "description": f"A tiny {family} for tests.",
        "family": family,
        "config": config,
        "dataset": "tiny",
        "image_shape": list(config.get("image_shape", [8, 8, 1])),
        "latent_dim": config.get("latent_dim", 4),
        "recipe": {"family": "dcgan", "data": "tiny.npz", "epochs": 1, "batch_size": 4},
        "hub": {"repo_id": f"kerasgan-test/{name}", "revision": None},
        "files": {},
        "license": "apache-2.0",
        "metrics": [],
        "training": {"hardware": None, "time_seconds": None, "date": None},
    }
    entry.update(fields)
    return entry


@pytest.fixture
def tiny_zoo(tmp_path, monkeypatch):
    """An empty zoo registry in ``tmp_path/zoo``, selected through ``KERASGAN_ZOO_DIR``.

    Returns:
        SimpleNamespace(root, add): the registry folder and ``add(**fields)``,
        which writes ``tiny_entry(**fields)`` as ``<root>/<name>/entry.json``
        and returns the entry.

    Example:
        >>> def test_x(tiny_zoo):
        ...     tiny_zoo.add(name="dcgan-tiny")
        ...     assert kerasgan.list_models() == ["dcgan-tiny"]
    """
    import json

    root = tmp_path / "zoo"
    root.mkdir()
    monkeypatch.setenv("KERASGAN_ZOO_DIR", str(root))

    def add(**fields):
        entry = tiny_entry(**fields)
        folder = root / entry["name"]
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "entry.json").write_text(json.dumps(entry, indent=2))
        return entry

    return types.SimpleNamespace(root=root, add=add)


def randomize_weights(gan, seed=1, std=0.3):
    """Give every variable of a GAN (BN statistics included) random, non-initial values."""
    import numpy as np

    rng = np.random.default_rng(seed)
    for variable in gan.generator.weights + gan.discriminator.weights:
        values = rng.normal(0, std, variable.shape)
        if "variance" in variable.path:
            values = rng.uniform(0.5, 1.5, variable.shape)
        variable.assign(values.astype("float32"))
    return gan


def trained_tiny_gan(seed=1, **config):
    """A compiled tiny DCGAN whose every variable (BN statistics included) holds random, non-initial values."""
    import kerasgan

    gan = randomize_weights(kerasgan.models.DCGAN(**{**TINY_DCGAN_CONFIG, **config}), seed)
    gan.compile()
    # Create the optimizer slots, as training would: a saved run then reloads without warnings.
    gan.d_optimizer.build(gan.discriminator.trainable_variables)
    gan.g_optimizer.build(gan.generator.trainable_variables)
    return gan
