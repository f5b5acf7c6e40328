"""hub_upload.py and kerasgan.load end to end, with the real huggingface_hub client against a loopback Hub."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import keras

import kerasgan
from kerasgan import cli, hub, zoo
from conftest import trained_tiny_gan

ROOT = Path(__file__).resolve().parents[1]
REPO = "kerasgan-test/dcgan-tiny"
NAME = "dcgan-tiny"
EXPORTED = {"config.json", "generator.safetensors", "discriminator.safetensors", "README.md", "samples.png"}
Z = np.random.default_rng(0).normal(size=(5, 4)).astype("float32")


def _import_hub_upload():
    spec = importlib.util.spec_from_file_location("hub_upload", ROOT / "hub_upload.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


hub_upload = _import_hub_upload()


def outputs(generator):
    return keras.ops.convert_to_numpy(generator(Z, training=False))


def save_run(tmp_path, gan, name="run", epochs=3, family="dcgan", data="tiny.npz", **settings):
    """What `kerasgan train` leaves behind: gan.keras and state.json."""
    run = tmp_path / "runs" / name
    run.mkdir(parents=True)
    gan.save(run / "gan.keras")
    state = {"epochs_done": epochs, "family": family, "data": data, "batch_size": 4, "limit": None, "seed": 0,
             "steps_per_epoch": None, **settings}
    (run / "state.json").write_text(json.dumps(state))
    return run / "gan.keras"


def publish(capsys, *args):
    code = hub_upload.main([NAME, "--repo-id", REPO, *args])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return captured.out.strip().splitlines()[-1]


@pytest.fixture
def published(tiny_zoo, hf_env, tmp_path, capsys):
    """A tiny entry whose trained weights were published with hub_upload.py; returns (gan, sha)."""
    gan = trained_tiny_gan()
    tiny_zoo.add()
    sha = publish(capsys, "--from-run", str(save_run(tmp_path, gan)), "--hardware", "test CPU", "--time-seconds", "12")
    return gan, sha


def fresh_cache(monkeypatch, tmp_path, label):
    home = tmp_path / label
    monkeypatch.setenv("HF_HOME", str(home))
    monkeypatch.setenv("HF_HUB_CACHE", str(home / "hub"))
    return home / "hub"


# ------------------------------------------------------------------ publish -> load


def test_publish_then_load_in_fresh_cache_is_bit_identical(published, tiny_zoo, hf_env):
    gan, sha = published
    server = hf_env.server
    assert len(sha) == 40 and server.head(REPO) == sha
    assert set(server.files(REPO, sha)) == EXPORTED  # entry.json is not uploaded

    entry = zoo.get_entry(NAME)
    assert entry["hub"] == {"repo_id": REPO, "revision": sha}
    for filename, data in server.files(REPO, sha).items():
        assert entry["files"][filename] == {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
    assert entry["recipe"]["epochs"] == 3  # from the run's state.json
    assert entry["training"]["hardware"] == "test CPU" and entry["training"]["time_seconds"] == 12
    assert not (tiny_zoo.root / NAME / "generator.safetensors").exists()  # not shipped without --ship
    card = server.files(REPO, sha)["README.md"].decode()
    assert "library_name: kerasgan" in card and f'kerasgan.load("{NAME}")' in card

    assert not list(hf_env.cache.glob("*"))
    generator = kerasgan.load(NAME)
    np.testing.assert_array_equal(outputs(generator), outputs(gan.generator))
    assert server.count("GET", "/resolve/") == 2  # config.json + generator.safetensors
    assert list(hf_env.cache.glob("models--*"))
    full = kerasgan.load(NAME, part="gan")
    images = outputs(gan.generator)
    np.testing.assert_array_equal(
        keras.ops.convert_to_numpy(full.discriminator(images)), keras.ops.convert_to_numpy(gan.discriminator(images))
    )


def test_pinned_revision_survives_a_later_push(published, tiny_zoo, hf_env, tmp_path, monkeypatch, capsys):
    gan, sha = published
    pinned_entry = (tiny_zoo.root / NAME / "entry.json").read_text()
    newer = trained_tiny_gan(seed=2)
    sha2 = publish(capsys, "--from-run", str(save_run(tmp_path, newer, name="run2")))
    assert sha2 != sha and hf_env.server.head(REPO) == sha2
    assert zoo.get_entry(NAME)["hub"]["revision"] == sha2
    np.testing.assert_array_equal(outputs(kerasgan.load(NAME)), outputs(newer.generator))

    (tiny_zoo.root / NAME / "entry.json").write_text(pinned_entry)  # a registry still pinned to the first commit
    fresh_cache(monkeypatch, tmp_path, "hf_other")
    np.testing.assert_array_equal(outputs(kerasgan.load(NAME)), outputs(gan.generator))


def test_tampered_cached_file_is_redownloaded(published, hf_env):
    gan, _ = published
    kerasgan.load(NAME)
    (blob,) = [p for p in hf_env.cache.rglob("generator.safetensors")]
    Path(os.path.realpath(blob)).write_bytes(b"tampered")
    hf_env.server.clear_requests()
    np.testing.assert_array_equal(outputs(kerasgan.load(NAME)), outputs(gan.generator))
    assert hf_env.server.count("GET", "generator.safetensors") == 1
    assert Path(blob).read_bytes() != b"tampered"


def test_second_load_offline_uses_the_cache(published, hf_env, tmp_path, monkeypatch):
    gan, sha = published
    kerasgan.load(NAME)
    assert zoo.available_offline(NAME)
    hf_env.server.clear_requests()
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    np.testing.assert_array_equal(outputs(kerasgan.load(NAME)), outputs(gan.generator))
    assert hf_env.server.requests == []

    fresh_cache(monkeypatch, tmp_path, "hf_empty")  # offline and nothing cached: the documented error
    assert not zoo.available_offline(NAME)
    with pytest.raises(hub.WeightsUnavailableError) as info:
        kerasgan.load(NAME)
    message = str(info.value)
    assert "not available offline" in message and "HF_HUB_OFFLINE" in message
    assert f"hf download {REPO} config.json --revision {sha}" in message
    assert isinstance(info.value, RuntimeError) and hf_env.server.requests == []


def test_missing_file_unknown_repo_unknown_revision(published, tiny_zoo, hf_env):
    entry = zoo.get_entry(NAME)
    files = hf_env.server.files(REPO, entry["hub"]["revision"])
    without_generator = hf_env.server.add_commit("kerasgan-test/partial", {**files, "generator.safetensors": None})
    cases = [
        ({"repo_id": "kerasgan-test/partial", "revision": without_generator}, hub.RemoteFileNotFoundError, "does not exist"),
        ({"repo_id": "kerasgan-test/nope", "revision": entry["hub"]["revision"]}, hub.RepoNotFoundError, "was not found"),
        ({"repo_id": REPO, "revision": "f" * 40}, hub.RevisionNotFoundError, "does not exist"),
    ]
    for hub_fields, error, message in cases:
        zoo.write_entry({**entry, "hub": hub_fields})
        with pytest.raises(error, match=message):
            kerasgan.load(NAME)
    assert cli.main(["sample", NAME, "-o", str(tiny_zoo.root.parent / "g.png")]) == 1  # a clean CLI error


@pytest.mark.slow  # two fresh interpreters import TensorFlow: ~10-30 s on two busy cores
def test_two_processes_load_at_once(published, hf_env, tmp_path):
    gan, _ = published
    hf_env.server.get_delay = 0.3  # keep the first download in flight while the other process asks
    barrier = tmp_path / "barrier"
    barrier.mkdir()
    script = textwrap.dedent(
        f"""
        import hashlib, pathlib, sys, time
        import numpy as np
        import keras, kerasgan
        barrier = pathlib.Path(sys.argv[1])
        (barrier / sys.argv[2]).touch()
        deadline = time.time() + 60
        while len(list(barrier.iterdir())) < 2 and time.time() < deadline:
            time.sleep(0.002)
        generator = kerasgan.load({NAME!r})
        z = np.random.default_rng(0).normal(size=(5, 4)).astype("float32")
        print(hashlib.sha256(keras.ops.convert_to_numpy(generator(z, training=False)).tobytes()).hexdigest())
        """
    )
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    procs = [
        subprocess.Popen([sys.executable, "-c", script, str(barrier), str(i)], env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for i in range(2)
    ]
    results = [proc.communicate(timeout=180) for proc in procs]
    for proc, (_, err) in zip(procs, results):
        assert proc.returncode == 0, err
    expected = hashlib.sha256(outputs(gan.generator).tobytes()).hexdigest()
    assert [out.strip().splitlines()[-1] for out, _ in results] == [expected, expected]
    assert hf_env.server.count("GET", "/resolve/") == 2  # each file downloaded once, under the lock
    assert not list(hf_env.cache.rglob("*.incomplete"))


# ------------------------------------------------------------------ dry runs, shipping, checks


def test_dry_run_writes_files_without_uploading(tiny_zoo, hf_env, tmp_path, capsys):
    tiny_zoo.add()
    before = (tiny_zoo.root / NAME / "entry.json").read_text()
    out = tmp_path / "staging"
    code = hub_upload.main([NAME, "--from-run", str(save_run(tmp_path, trained_tiny_gan())), "--dry-run",
                            "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    assert set(os.listdir(out)) == EXPORTED
    assert hf_env.server.requests == [] and hf_env.server.head(REPO) is None
    assert (tiny_zoo.root / NAME / "entry.json").read_text() == before


def test_ship_dry_run_makes_an_offline_entry(tiny_zoo, hf_env, tmp_path, capsys):
    gan = trained_tiny_gan()
    tiny_zoo.add()
    code = hub_upload.main([NAME, "--from-run", str(save_run(tmp_path, gan, epochs=7)), "--ship", "--dry-run",
                            "--date", "2026-11-22"])
    assert code == 0, capsys.readouterr().err
    entry = zoo.get_entry(NAME)
    folder = tiny_zoo.root / NAME
    assert entry["hub"]["revision"] is None and set(entry["files"]) == EXPORTED
    assert entry["recipe"]["epochs"] == 7 and entry["training"]["date"] == "2026-11-22"
    assert entry["training"]["hardware"].startswith("CPU: ")
    for filename, record in entry["files"].items():
        assert hub.sha256_file(folder / filename) == record["sha256"]
    np.testing.assert_array_equal(outputs(kerasgan.load(NAME)), outputs(gan.generator))
    assert hf_env.server.requests == []

    # Publishing the shipped entry later pins the same bytes, and keeps the shipped copy current.
    sha = publish(capsys)
    entry = zoo.get_entry(NAME)
    assert entry["hub"]["revision"] == sha and set(hf_env.server.files(REPO, sha)) == EXPORTED
    assert all(hub.sha256_file(folder / f) == r["sha256"] for f, r in entry["files"].items())


def test_republish_from_the_hub_with_a_metric(published, hf_env, capsys):
    gan, sha = published
    old = zoo.get_entry(NAME)["files"]
    sha2 = publish(capsys, "--metric", "fid", "31.5", "test protocol, 1000 samples vs train", "1000")
    assert sha2 != sha and hf_env.server.commits(REPO)[-1] == sha2
    entry = zoo.get_entry(NAME)
    assert entry["metrics"] == [{"name": "fid", "value": 31.5, "protocol": "test protocol, 1000 samples vs train",
                                 "samples": 1000}]
    assert entry["files"]["generator.safetensors"] == old["generator.safetensors"]  # same weights
    assert entry["files"]["README.md"] != old["README.md"]  # the card now shows the metric
    assert "| fid | 31.5 |" in hf_env.server.files(REPO, sha2)["README.md"].decode()
    # Nothing new to say: no new commit.
    assert publish(capsys) == sha2


def test_run_trained_with_another_recipe_is_refused(tiny_zoo, hf_env, tmp_path, capsys):
    tiny_zoo.add()
    gan = trained_tiny_gan()
    gan.compile(loss="least_squares")
    gan.d_optimizer.build(gan.discriminator.trainable_variables)
    gan.g_optimizer.build(gan.generator.trainable_variables)
    run = save_run(tmp_path, gan, family="lsgan", batch_size=64, steps_per_epoch=10)
    code = hub_upload.main([NAME, "--repo-id", REPO, "--from-run", str(run)])
    err = capsys.readouterr().err
    assert code == 1
    for problem in ("loss: model 'least_squares', recipe 'non_saturating'", "family: run 'lsgan'",
                    "batch_size: run 64, recipe 4", "after 10 steps"):
        assert problem in err
    assert hf_env.server.head(REPO) is None


def test_stray_files_in_out_are_refused(tiny_zoo, hf_env, tmp_path, capsys):
    tiny_zoo.add()
    out = tmp_path / "staging"
    out.mkdir()
    (out / "notes.txt").write_text("private")
    code = hub_upload.main([NAME, "--from-run", str(save_run(tmp_path, trained_tiny_gan())), "--out", str(out)])
    assert code == 1 and "notes.txt" in capsys.readouterr().err
    assert hf_env.server.head(REPO) is None
