"""kerasgan.hub against a loopback Hub-compatible server, with the real huggingface_hub client."""

from __future__ import annotations

import hashlib
import os
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from kerasgan import hub

REPO = "kerasgan-test/dcgan-mnist"
WEIGHTS = "generator.weights.h5"
ROOT = Path(__file__).resolve().parents[1]


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def blob(seed: int, size: int = 4096) -> bytes:
    """Deterministic pseudo-random bytes (not compressible, not all-equal)."""
    out = bytearray()
    counter = 0
    while len(out) < size:
        out += hashlib.sha256(f"{seed}-{counter}".encode()).digest()
        counter += 1
    return bytes(out[:size])


@pytest.fixture
def weights_repo(hf_env):
    """A repo with one commit holding an LFS-like weights file and a small regular file."""
    files = {WEIGHTS: blob(1), "config.json": b'{"latent_dim": 100}', "sub/dir/extra.bin": blob(2, 100)}
    commit = hf_env.server.add_commit(REPO, files)
    return commit, files


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ------------------------------------------------------------------ upload + fetch round trip


def test_upload_then_fetch_roundtrip(hf_env, tmp_path):
    folder = tmp_path / "export"
    files = {WEIGHTS: blob(3, 50_000), "config.json": b'{"a": 1}', "nested/notes.txt": b"hello"}
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    (folder / ".cache" / "huggingface").mkdir(parents=True)
    (folder / ".cache" / "huggingface" / "junk").write_bytes(b"skip me")

    commit = hub.upload_folder_pinned(folder, REPO, commit_message="v1")

    assert len(commit) == 40 and hf_env.server.head(REPO) == commit
    assert hf_env.server.files(REPO, commit) == files  # .cache skipped
    assert hf_env.server.count("POST", "/preupload/") == 1
    (commit_request,) = [r for r in hf_env.server.requests if "/commit/" in r.path]
    assert commit_request.headers["authorization"] == "Bearer hf_kerasgan_test_token"
    for name, data in files.items():
        path = hub.fetch(REPO, name, commit, sha(data), size=len(data))
        assert Path(path).read_bytes() == data
        assert str(hf_env.cache) in path  # cached in the fresh HF_HUB_CACHE, not ~/.cache

    # Uploading identical content again: the client skips unchanged files, no new commit.
    assert hub.upload_folder_pinned(folder, REPO) == commit
    assert hf_env.server.commits(REPO) == [commit]


def test_fetch_pinned_revision_survives_later_push(hf_env, tmp_path):
    old, new = blob(10), blob(11)
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / WEIGHTS).write_bytes(old)
    first = hub.upload_folder_pinned(folder, REPO)
    (folder / WEIGHTS).write_bytes(new)
    second = hub.upload_folder_pinned(folder, REPO, parent_commit=first)
    assert second != first and hf_env.server.head(REPO) == second

    assert Path(hub.fetch(REPO, WEIGHTS, first, sha(old))).read_bytes() == old
    assert Path(hub.fetch(REPO, WEIGHTS, second, sha(new))).read_bytes() == new
    assert Path(hub.fetch(REPO, WEIGHTS, "main", sha(new))).read_bytes() == new


def test_upload_with_stale_parent_commit_is_rejected(hf_env, tmp_path):
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / WEIGHTS).write_bytes(blob(20))
    first = hub.upload_folder_pinned(folder, REPO)
    (folder / WEIGHTS).write_bytes(blob(21))
    second = hub.upload_folder_pinned(folder, REPO, parent_commit=first)

    (folder / WEIGHTS).write_bytes(blob(22))
    with pytest.raises(hub.CommitConflictError, match=first) as excinfo:
        hub.upload_folder_pinned(folder, REPO, parent_commit=first)
    assert "A commit has happened since" in str(excinfo.value)
    assert hf_env.server.head(REPO) == second  # nothing overwritten

    # The retry path: re-read the head (parent_commit=None) and push again.
    third = hub.upload_folder_pinned(folder, REPO)
    assert hf_env.server.commits(REPO) == [first, second, third]


# ------------------------------------------------------------------ integrity


def test_tampered_cache_is_detected_and_redownloaded(hf_env, weights_repo):
    commit, files = weights_repo
    path = hub.fetch(REPO, WEIGHTS, commit, sha(files[WEIGHTS]))
    Path(os.path.realpath(path)).write_bytes(b"\0" * len(files[WEIGHTS]))  # corrupt the cached blob
    gets_before = hf_env.server.count("GET", "/resolve/")

    again = hub.fetch(REPO, WEIGHTS, commit, sha(files[WEIGHTS]))

    assert Path(again).read_bytes() == files[WEIGHTS]
    assert hf_env.server.count("GET", "/resolve/") == gets_before + 1


@pytest.mark.parametrize("update_metadata", [False, True], ids=["corrupt-body", "rewritten-file"])
def test_server_serving_wrong_bytes_raises_integrity_error(hf_env, weights_repo, update_metadata):
    commit, files = weights_repo
    good = files[WEIGHTS]
    bad = bytes(b ^ 0xFF for b in good)
    hf_env.server.tamper(REPO, WEIGHTS, bad, revision=commit, update_metadata=update_metadata)

    with pytest.raises(hub.IntegrityError) as excinfo:
        hub.fetch(REPO, WEIGHTS, commit, sha(good))

    message = str(excinfo.value)
    assert WEIGHTS in message and sha(good) in message and sha(bad) in message
    assert isinstance(excinfo.value, ValueError)
    assert (excinfo.value.expected, excinfo.value.actual) == (sha(good), sha(bad))
    assert hf_env.server.count("GET", "/resolve/") == 2  # first download + one clean retry
    assert not os.path.exists(excinfo.value.path)  # bad copy not left in the cache


def test_size_mismatch_is_an_integrity_error(hf_env, weights_repo):
    commit, files = weights_repo
    with pytest.raises(hub.IntegrityError, match="expected 1"):
        hub.fetch(REPO, WEIGHTS, commit, sha(files[WEIGHTS]), size=1)


def test_invalid_sha256_argument(hf_env, weights_repo):
    commit, _ = weights_repo
    with pytest.raises(ValueError, match="64 hex"):
        hub.fetch(REPO, WEIGHTS, commit, "abc")


# ------------------------------------------------------------------ not-found errors


def test_missing_file_unknown_repo_unknown_revision(hf_env, weights_repo):
    commit, files = weights_repo
    digest = sha(files[WEIGHTS])
    with pytest.raises(hub.RemoteFileNotFoundError, match="nope.h5"):
        hub.fetch(REPO, "nope.h5", commit, digest)
    with pytest.raises(hub.RepoNotFoundError, match="nobody/nothing"):
        hub.fetch("nobody/nothing", WEIGHTS, commit, digest)
    with pytest.raises(hub.RevisionNotFoundError, match="0{40}"):
        hub.fetch(REPO, WEIGHTS, "0" * 40, digest)
    with pytest.raises(hub.RevisionNotFoundError, match="no-such-branch"):
        hub.fetch(REPO, WEIGHTS, "no-such-branch", digest)
    for error in (hub.RemoteFileNotFoundError, hub.RepoNotFoundError, hub.RevisionNotFoundError):
        assert issubclass(error, hub.HubError) and issubclass(error, LookupError)


def test_subfolder_file(hf_env, weights_repo):
    commit, files = weights_repo
    path = hub.fetch(REPO, "sub/dir/extra.bin", commit, sha(files["sub/dir/extra.bin"]))
    assert Path(path).read_bytes() == files["sub/dir/extra.bin"]


# ------------------------------------------------------------------ offline / unreachable


def test_cached_pinned_fetch_makes_no_request_online_or_offline(hf_env, weights_repo, monkeypatch):
    commit, files = weights_repo
    first = hub.fetch(REPO, WEIGHTS, commit, sha(files[WEIGHTS]))
    hf_env.server.clear_requests()

    assert hub.fetch(REPO, WEIGHTS, commit, sha(files[WEIGHTS])) == first
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert hub.fetch(REPO, WEIGHTS, commit, sha(files[WEIGHTS])) == first
    assert hf_env.server.requests == []


def test_offline_branch_revision_uses_cached_ref(hf_env, weights_repo, monkeypatch):
    _, files = weights_repo
    first = hub.fetch(REPO, WEIGHTS, "main", sha(files[WEIGHTS]))
    hf_env.server.clear_requests()
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert hub.fetch(REPO, WEIGHTS, "main", sha(files[WEIGHTS])) == first
    assert hf_env.server.requests == []


def test_offline_with_empty_cache_explains_how_to_get_weights(hf_env, weights_repo, monkeypatch):
    commit, files = weights_repo
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(hub.WeightsUnavailableError) as excinfo:
        hub.fetch(REPO, WEIGHTS, commit, sha(files[WEIGHTS]))
    message = str(excinfo.value)
    for needle in (REPO, WEIGHTS, commit, "HF_HUB_OFFLINE", "network access", "HF_HOME", str(hf_env.cache)):
        assert needle in message
    assert f"huggingface-cli download {REPO} {WEIGHTS} --revision {commit}" in message
    assert f"hf download {REPO} {WEIGHTS} --revision {commit}" in message
    assert isinstance(excinfo.value, RuntimeError)
    assert hf_env.server.requests == []


def test_unreachable_hub_fails_fast_with_how_to(hf_env, weights_repo, monkeypatch):
    commit, files = weights_repo
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{closed_port()}")
    start = time.monotonic()
    with pytest.raises(hub.WeightsUnavailableError, match="could not be reached") as excinfo:
        hub.fetch(REPO, WEIGHTS, commit, sha(files[WEIGHTS]))
    assert time.monotonic() - start < 10
    assert "hf download" in str(excinfo.value)


def test_hanging_hub_times_out(hf_env, weights_repo, monkeypatch):
    commit, files = weights_repo
    with socket.socket() as silent:  # accepts connections (kernel backlog) but never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{silent.getsockname()[1]}")
        start = time.monotonic()
        with pytest.raises(hub.WeightsUnavailableError, match="Timeout"):
            hub.fetch(REPO, WEIGHTS, commit, sha(files[WEIGHTS]), timeout=0.5)
        assert time.monotonic() - start < 5


def test_corrupt_cache_while_offline_is_evicted_and_reported(hf_env, weights_repo, monkeypatch):
    commit, files = weights_repo
    path = hub.fetch(REPO, WEIGHTS, commit, sha(files[WEIGHTS]))
    Path(os.path.realpath(path)).write_bytes(b"garbage")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(hub.WeightsUnavailableError, match="corrupt cached copy"):
        hub.fetch(REPO, WEIGHTS, commit, sha(files[WEIGHTS]))
    assert not os.path.lexists(path)


# ------------------------------------------------------------------ shipped weights


def test_local_dir_is_used_first_without_requests(hf_env, tmp_path):
    data = blob(30)
    shipped = tmp_path / "zoo" / "dcgan"
    shipped.mkdir(parents=True)
    (shipped / WEIGHTS).write_bytes(data)

    path = hub.fetch("nobody/not-on-the-hub", WEIGHTS, "0" * 40, sha(data), local_dir=shipped)

    assert Path(path) == shipped / WEIGHTS
    assert hf_env.server.requests == []


def test_local_dir_with_wrong_hash_falls_back_to_hub(hf_env, weights_repo, tmp_path):
    commit, files = weights_repo
    (tmp_path / WEIGHTS).write_bytes(b"stale copy")
    path = hub.fetch(REPO, WEIGHTS, commit, sha(files[WEIGHTS]), local_dir=tmp_path)
    assert Path(path).read_bytes() == files[WEIGHTS]
    assert (tmp_path / WEIGHTS).read_bytes() == b"stale copy"  # shipped files are never modified


# ------------------------------------------------------------------ concurrency


def test_two_processes_fetch_same_file_concurrently(hf_env, tmp_path):
    data = blob(40, 2_000_000)
    commit = hf_env.server.add_commit(REPO, {"big.safetensors": data})
    hf_env.server.get_delay = 0.5  # keep the first download in flight while the second starts
    barrier = tmp_path / "barrier"
    barrier.mkdir()
    # Load hub.py by path: the package __init__ may import Keras/TF, which is irrelevant here
    # and would cost seconds per process. The file barrier starts both fetches together
    # however long each interpreter takes to boot.
    script = textwrap.dedent(
        f"""
        import importlib.util, pathlib, sys, time
        spec = importlib.util.spec_from_file_location("kerasgan_hub", {str(ROOT / "kerasgan" / "hub.py")!r})
        hub = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(hub)
        barrier = pathlib.Path(sys.argv[1])
        (barrier / sys.argv[2]).touch()
        deadline = time.time() + 30
        while len(list(barrier.iterdir())) < 2 and time.time() < deadline:
            time.sleep(0.002)
        print(hub.fetch({REPO!r}, "big.safetensors", {commit!r}, {sha(data)!r}))
        """
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(barrier), str(index)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for index in range(2)
    ]
    results = [proc.communicate(timeout=60) for proc in procs]

    for proc, (out, err) in zip(procs, results):
        assert proc.returncode == 0, err
    paths = {out.strip() for out, _ in results}
    assert len(paths) == 1
    assert Path(paths.pop()).read_bytes() == data
    requests = hf_env.server.requests
    (get,) = [r for r in requests if r.method == "GET"]  # one download: the other process waited on the lock
    last_head = max(r.timestamp for r in requests if r.method == "HEAD")
    assert last_head < get.timestamp + hf_env.server.get_delay, "fetches did not overlap"
    assert not list(hf_env.cache.rglob("*.incomplete"))
