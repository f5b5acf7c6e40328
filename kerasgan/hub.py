"""Hugging Face Hub transfer layer: fetch pinned, hash-verified files and push folders.

This module only moves and verifies bytes. It knows nothing about Keras models:
callers pass a repo id, a file name, a pinned revision and the file's expected
sha256, and get back a local path they can trust.

Every entry point takes an ``endpoint`` argument and reads ``HF_ENDPOINT``,
``HF_HUB_OFFLINE``, ``HF_HOME`` / ``HF_HUB_CACHE`` and ``HF_HUB_ETAG_TIMEOUT``
from the environment *at call time*. ``huggingface_hub`` itself reads those
variables once, when it is imported, so relying on it alone would ignore any
change made afterwards (by a test, a notebook cell or a launcher script).

Errors (all subclasses of :class:`HubError`):

* :class:`WeightsUnavailableError` (also a ``RuntimeError``): the Hub cannot be
  reached (offline mode, connection refused, timeout, Hub-side 5xx) and the file
  is not cached. The message says what is missing and how to get it.
* :class:`IntegrityError` (also a ``ValueError``): the bytes do not match the
  expected sha256 even after one clean re-download.
* :class:`RepoNotFoundError`, :class:`RevisionNotFoundError`,
  :class:`RemoteFileNotFoundError` (also ``LookupError``): the Hub answered, and
  the repo, the revision or the file in it does not exist (or is private).
* :class:`CommitConflictError`: an upload's ``parent_commit`` is no longer the
  head of the branch (someone pushed in between).

Example:
    >>> from kerasgan.hub import fetch
    >>> path = fetch(
    ...     "kerasgan/dcgan-mnist", "generator.weights.h5",
    ...     revision="0123456789abcdef0123456789abcdef01234567",
    ...     sha256="9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    ... )
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import logging
import os
import re
from pathlib import Path

import huggingface_hub
from huggingface_hub import constants as hf_constants
from huggingface_hub import errors as hf_errors

__all__ = [
    "HubError",
    "WeightsUnavailableError",
    "IntegrityError",
    "RepoNotFoundError",
    "RevisionNotFoundError",
    "RemoteFileNotFoundError",
    "CommitConflictError",
    "DEFAULT_TIMEOUT",
    "fetch",
    "sha256_file",
    "upload_folder_pinned",
]

logger = logging.getLogger(__name__)

#: Seconds to wait for the Hub to answer a metadata (HEAD) request. Kept short
#: because a missing answer only decides between "download" and "fail with a
#: how-to"; ``HF_HUB_ETAG_TIMEOUT`` overrides it, as it does in huggingface_hub.
DEFAULT_TIMEOUT = 10.0

_SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
_TRUE_VALUES = {"1", "on", "yes", "true"}
_CLEAN_FOLDER_SKIP = {".git", ".cache"}


# --------------------------------------------------------------------------- errors


class HubError(Exception):
    """Base class of every error raised by :mod:`kerasgan.hub`.

    Example:
        >>> try:
        ...     fetch(repo_id, filename, revision, sha256)
        ... except HubError as err:
        ...     print(err)
    """


class WeightsUnavailableError(HubError, RuntimeError):
    """A file is neither cached nor downloadable right now (offline / Hub unreachable).

    A ``RuntimeError`` rather than a ``FileNotFoundError``: nothing is wrong with
    the request, the environment lacks network access or a populated cache, and
    generic ``OSError`` handlers should not swallow it as "file missing".

    Args:
        message: str. Full explanation, including how to obtain the file.
        repo_id: str. Hub repository, e.g. ``"kerasgan/dcgan-mnist"``.
        filename: str. Path of the file inside the repository.
        revision: str. Pinned revision (commit sha or branch) that was requested.

    Example:
        >>> try:
        ...     fetch(repo_id, filename, revision, sha256)
        ... except WeightsUnavailableError as err:
        ...     print(err.repo_id, err.filename, err.revision)
    """

    def __init__(self, message: str, *, repo_id: str, filename: str, revision: str):
        super().__init__(message)
        self.repo_id = repo_id
        self.filename = filename
        self.revision = revision


class IntegrityError(HubError, ValueError):
    """A file's sha256 (or size) does not match the expected value.

    Args:
        filename: str. Path of the file inside the repository (or on disk).
        expected: str. Expected sha256, lowercase hex.
        actual: str. sha256 of the bytes that were received, lowercase hex.
        path: str | None. Local path that was checked (already deleted when the
            copy was a cache entry).
        detail: str. Extra context appended to the message.

    Example:
        >>> try:
        ...     fetch(repo_id, filename, revision, sha256)
        ... except IntegrityError as err:
        ...     print(err.expected, err.actual)
    """

    def __init__(self, filename: str, expected: str, actual: str, path: str | None = None, detail: str = ""):
        message = f"sha256 mismatch for '{filename}': expected {expected}, got {actual}"
        if path:
            message += f" (checked {path})"
        if detail:
            message += f". {detail}"
        super().__init__(message)
        self.filename = filename
        self.expected = expected
        self.actual = actual
        self.path = path


class RepoNotFoundError(HubError, LookupError):
    """The Hub has no such repository, or it is private/gated and the token lacks access.

    Example:
        >>> try:
        ...     fetch("nobody/nothing", "w.h5", "main", sha256)
        ... except RepoNotFoundError:
        ...     pass
    """


class RevisionNotFoundError(HubError, LookupError):
    """The repository exists but the requested revision (sha, branch or tag) does not.

    Example:
        >>> try:
        ...     fetch(repo_id, filename, "0" * 40, sha256)
        ... except RevisionNotFoundError:
        ...     pass
    """


class RemoteFileNotFoundError(HubError, LookupError):
    """The repository and revision exist but do not contain the requested file.

    Example:
        >>> try:
        ...     fetch(repo_id, "missing.h5", revision, sha256)
        ... except RemoteFileNotFoundError:
        ...     pass
    """


class CommitConflictError(HubError):
    """An upload's parent commit is stale: the branch moved since it was read.

    Example:
        >>> try:
        ...     upload_folder_pinned("out/", "me/repo", parent_commit=old_sha)
        ... except CommitConflictError:
        ...     pass  # re-read the head, re-check, retry
    """


# --------------------------------------------------------------------------- helpers


def sha256_file(path: str | os.PathLike, chunk_size: int = 1 << 20) -> str:
    """Return the lowercase hex sha256 of a file, read in chunks.

    Args:
        path: str | os.PathLike. File to hash (symlinks are followed).
        chunk_size: int. Bytes read per step; keeps memory flat for large weights.

    Returns:
        The 64-character hex digest.

    Example:
        >>> sha256_file("generator.weights.h5")
        '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'
    """
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(chunk_size), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _normalize_sha256(sha256: str) -> str:
    value = str(sha256).strip().lower()
    if value.startswith("sha256:"):
        value = value[len("sha256:") :]
    if not _SHA256_RE.match(value):
        raise ValueError(f"sha256 must be 64 hex characters, got {sha256!r}")
    return value


def _is_offline() -> bool:
    # Read the env now (huggingface_hub froze it at import), but also honour the
    # frozen value: when it is True, huggingface_hub refuses every request anyway.
    env = os.environ.get("HF_HUB_OFFLINE") or os.environ.get("TRANSFORMERS_OFFLINE") or ""
    return env.strip().lower() in _TRUE_VALUES or bool(hf_constants.HF_HUB_OFFLINE)


def _resolve_endpoint(endpoint: str | None) -> str:
    return (endpoint or os.environ.get("HF_ENDPOINT") or hf_constants.ENDPOINT).rstrip("/")


def _resolve_cache_dir(cache_dir: str | os.PathLike | None) -> str:
    if cache_dir is not None:
        return str(Path(cache_dir).expanduser())
    env_cache = os.environ.get("HF_HUB_CACHE") or os.environ.get("HUGGINGFACE_HUB_CACHE")
    if env_cache:
        return str(Path(os.path.expandvars(env_cache)).expanduser())
    env_home = os.environ.get("HF_HOME")
    if env_home:
        return str(Path(os.path.expandvars(env_home)).expanduser() / "hub")
    return hf_constants.HF_HUB_CACHE


def _etag_timeout(timeout: float | None) -> float:
    # Same precedence as huggingface_hub (env beats the argument), but read now.
    env = os.environ.get("HF_HUB_ETAG_TIMEOUT")
    if env:
        try:
            return float(env)
        except ValueError:
            pass
    return DEFAULT_TIMEOUT if timeout is None else float(timeout)


@functools.lru_cache(maxsize=None)
def _transport_errors() -> tuple[type[BaseException], ...]:
    # Built on first use, not at import, to keep `import kerasgan.hub` cheap.
    # huggingface_hub 1.x/2.x talk through httpx (2.x through its fork httpx2),
    # 0.x through requests; none of their network errors derive from the
    # builtin ConnectionError, so collect whichever of them is installed.
    found: list[type[BaseException]] = [ConnectionError, TimeoutError, hf_errors.OfflineModeIsEnabled]
    for module_name, names in (
        ("httpx2", ("TransportError",)),
        ("httpx", ("TransportError",)),
        ("requests.exceptions", ("ConnectionError", "Timeout")),
    ):
        try:
            module = __import__(module_name, fromlist=list(names))
        except ImportError:
            continue
        found.extend(getattr(module, name) for name in names if hasattr(module, name))
    return tuple(found)


_REMOTE_ENTRY_ERROR = getattr(hf_errors, "RemoteEntryNotFoundError", hf_errors.EntryNotFoundError)


def _http_status(err: BaseException) -> int | None:
    response = getattr(err, "response", None)
    return getattr(response, "status_code", None)


def _translate_lookup_error(err: BaseException, repo_id: str, filename: str, revision: str) -> HubError | None:
    """Map a huggingface_hub "not found" error onto the kerasgan one, or None."""
    if isinstance(err, hf_errors.LocalEntryNotFoundError):
        return None  # a cache miss, not a remote answer; handled as "unavailable"
    if isinstance(err, hf_errors.RevisionNotFoundError):
        return RevisionNotFoundError(
            f"Revision '{revision}' does not exist in Hub repo '{repo_id}' (needed for '{filename}'). "
            "Check the pinned commit sha; it may point at a rewritten or deleted history."
        )
    if isinstance(err, hf_errors.RepositoryNotFoundError):  # includes GatedRepoError
        return RepoNotFoundError(
            f"Hub repo '{repo_id}' was not found (needed for '{filename}' at revision '{revision}'). "
            "Check the repo id; if the repo is private or gated, log in (`hf auth login`) or set HF_TOKEN."
        )
    if isinstance(err, _REMOTE_ENTRY_ERROR):
        return RemoteFileNotFoundError(
            f"File '{filename}' does not exist in Hub repo '{repo_id}' at revision '{revision}'."
        )
    return None


def _is_unreachable(err: BaseException) -> bool:
    """True when the error means "could not talk to the Hub" rather than "the Hub said no"."""
    if isinstance(err, hf_errors.LocalEntryNotFoundError):
        return True  # huggingface_hub's own "network failed and nothing cached"
    if isinstance(err, _transport_errors()):
        return True
    status = _http_status(err)
    return status is not None and status >= 500


def _unavailable(
    repo_id: str,
    filename: str,
    revision: str,
    expected: str,
    *,
    endpoint: str,
    cache_dir: str,
    local_dir: str | os.PathLike | None,
    reason: str,
) -> WeightsUnavailableError:
    default_endpoint = getattr(hf_constants, "_HF_DEFAULT_ENDPOINT", "https://huggingface.co")
    custom_endpoint = "" if endpoint == default_endpoint else f"HF_ENDPOINT={endpoint} "
    lines = [
        f"Cannot load '{filename}' from Hugging Face repo '{repo_id}' at revision '{revision}' "
        f"(sha256 {expected}): {reason}, and it is not in the local cache ({cache_dir}).",
        "To get it, do one of:",
        "  - run this once with network access (and HF_HUB_OFFLINE unset) so it is downloaded and cached;",
        f"  - on a machine with network access run: {custom_endpoint}hf download {repo_id} {filename} "
        f"--revision {revision}",
        f"    (older huggingface_hub: huggingface-cli download {repo_id} {filename} --revision {revision}),",
        "    then copy that machine's HF cache here (into the HF cache folder, or point HF_HOME / HF_HUB_CACHE at it);",
    ]
    if local_dir is not None:
        lines.append(f"  - or place the file at {os.path.join(os.fspath(local_dir), filename)}.")
    return WeightsUnavailableError("\n".join(lines), repo_id=repo_id, filename=filename, revision=revision)


def _evict(path: str) -> None:
    """Delete a cached file: the snapshot entry and the blob it points to."""
    # Remove the blob (the bytes) and the snapshot entry (a symlink to it, or a
    # copy where symlinks are unsupported) so no later lookup, online or offline,
    # can hand back the bad bytes; a forced re-download recreates both.
    targets = [os.path.realpath(path), path]
    for target in targets:
        try:
            if os.path.lexists(target):
                os.remove(target)
        except OSError as err:  # read-only cache: the forced download replaces it anyway
            logger.warning("Could not remove corrupt cache entry %s: %s", target, err)


def _verify(path: str, expected: str, size: int | None) -> str | None:
    """Return None when `path` matches, else the actual sha256 (or a size note)."""
    if size is not None:
        actual_size = os.path.getsize(path)
        if actual_size != size:
            return f"{sha256_file(path)} (size {actual_size} bytes, expected {size})"
    actual = sha256_file(path)
    return None if actual == expected else actual


def _supported_kwargs(func, **kwargs):
    # Keep the module usable across huggingface_hub versions whose signatures differ.
    params = inspect.signature(func).parameters
    return {key: value for key, value in kwargs.items() if key in params}


# --------------------------------------------------------------------------- fetch


def fetch(
    repo_id: str,
    filename: str,
    revision: str,
    sha256: str,
    size: int | None = None,
    local_dir: str | os.PathLike | None = None,
    endpoint: str | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    *,
    cache_dir: str | os.PathLike | None = None,
    token: str | bool | None = None,
) -> str:
    """Return a local path to a Hub file whose sha256 is verified.

    Resolution order, stopping at the first copy whose sha256 matches:
    (1) ``local_dir/filename`` (weights shipped with the project; never
    modified, a mismatching copy is skipped with a warning); (2) the Hugging Face
    cache for ``revision``, without any network request; (3) a download of
    ``revision`` into that cache. A cached or downloaded copy that fails the
    check is deleted and downloaded cleanly once more; if that copy fails too,
    it is deleted and :class:`IntegrityError` is raised. Concurrent calls (threads
    or processes) are safe: huggingface_hub downloads under a per-blob file lock
    and moves complete files into place atomically.

    Args:
        repo_id: str. Hub repository, e.g. ``"kerasgan/dcgan-mnist"``.
        filename: str. Path of the file inside the repository.
        revision: str. Commit sha to pin (a branch or tag works but is not
            reproducible; a cached sha needs no network at all).
        sha256: str. Expected lowercase hex sha256 of the file (``"sha256:"``
            prefix allowed).
        size: int | None. Expected size in bytes, checked before hashing.
        local_dir: str | os.PathLike | None. Folder of shipped weights tried first.
        endpoint: str | None. Hub URL; defaults to ``HF_ENDPOINT`` read now, then
            huggingface_hub's default.
        timeout: float | None. Seconds to wait for the Hub's metadata answer;
            ``HF_HUB_ETAG_TIMEOUT`` overrides it. Body downloads use
            huggingface_hub's ``HF_HUB_DOWNLOAD_TIMEOUT`` (read timeout per chunk).
        cache_dir: str | os.PathLike | None. HF cache folder; defaults to
            ``HF_HUB_CACHE``, then ``$HF_HOME/hub``, read now.
        token: str | bool | None. Hub token; None uses ``HF_TOKEN`` / the login.

    Returns:
        Absolute path (str) of a file with the expected content: the shipped
        file, or the snapshot path inside the HF cache (treat it as read-only).

    Raises:
        WeightsUnavailableError: offline or Hub unreachable and not cached.
        IntegrityError: content still wrong after one clean re-download.
        RepoNotFoundError: the repo does not exist or is not accessible.
        RevisionNotFoundError: the revision does not exist in the repo.
        RemoteFileNotFoundError: the file does not exist at that revision.
        ValueError: ``sha256`` is not a 64-character hex digest.

    Example:
        >>> path = fetch("kerasgan/dcgan-mnist", "generator.weights.h5",
        ...              revision="0123456789abcdef0123456789abcdef01234567",
        ...              sha256="9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")
    """
    expected = _normalize_sha256(sha256)
    endpoint = _resolve_endpoint(endpoint)
    cache_dir = _resolve_cache_dir(cache_dir)

    # (1) Shipped weights: no network, no cache writes.
    if local_dir is not None:
        shipped = os.path.join(os.fspath(local_dir), *filename.split("/"))
        if os.path.isfile(shipped):
            mismatch = _verify(shipped, expected, size)
            if mismatch is None:
                return os.path.abspath(shipped)
            logger.warning(
                "Ignoring %s: sha256 %s does not match the expected %s; falling back to the Hub cache.",
                shipped,
                mismatch,
                expected,
            )

    offline = _is_offline()
    common = dict(repo_id=repo_id, filename=filename, revision=revision, cache_dir=cache_dir)

    # (2) The HF cache. local_files_only makes this purely local, even for a
    # branch name (resolved through the cached refs/ file).
    cached: str | None = None
    try:
        cached = huggingface_hub.hf_hub_download(**common, local_files_only=True)
    except (hf_errors.LocalEntryNotFoundError, hf_errors.EntryNotFoundError, FileNotFoundError):
        cached = None

    force = False
    corrupt_note = ""
    if cached is not None:
        mismatch = _verify(cached, expected, size)
        if mismatch is None:
            return cached
        logger.warning(
            "Cached %s (%s@%s) is corrupt: sha256 %s, expected %s; deleting it and downloading again.",
            filename,
            repo_id,
            revision,
            mismatch,
            expected,
        )
        _evict(cached)
        force = True
        corrupt_note = " (a corrupt cached copy was found and deleted)"

    def unavailable(reason: str) -> WeightsUnavailableError:
        return _unavailable(
            repo_id,
            filename,
            revision,
            expected,
            endpoint=endpoint,
            cache_dir=cache_dir,
            local_dir=local_dir,
            reason=reason + corrupt_note,
        )

    if offline:
        raise unavailable("offline mode is on (HF_HUB_OFFLINE=1)")

    etag_timeout = _etag_timeout(timeout)

    # Probe the Hub once, without retries. Without this, a refused connection
    # with nothing cached makes hf_hub_download retry with backoff (~25 s);
    # with it, an unreachable Hub costs one connect attempt / one timeout.
    url = huggingface_hub.hf_hub_url(repo_id, filename, revision=revision, endpoint=endpoint)
    probe_kwargs = _supported_kwargs(
        huggingface_hub.get_hf_file_metadata, timeout=etag_timeout, endpoint=endpoint, retry_on_errors=False
    )
    def raise_translated(err, context):
        translated = _translate_lookup_error(err, repo_id, filename, revision)
        if translated is not None:
            raise translated from err
        if _is_unreachable(err):
            raise unavailable(f"{context} ({type(err).__name__}: {err})") from err
        raise err

    try:
        huggingface_hub.get_hf_file_metadata(url, token=token, **probe_kwargs)
    except Exception as err:  # noqa: BLE001 - translated or re-raised
        raise_translated(err, f"the Hub at {endpoint} could not be reached")

    def download(force_download: bool) -> str:
        try:
            return huggingface_hub.hf_hub_download(
                **common,
                endpoint=endpoint,
                etag_timeout=etag_timeout,
                token=token,
                force_download=force_download,
            )
        except Exception as err:  # noqa: BLE001 - translated or re-raised
            raise_translated(err, f"downloading from {endpoint} failed")

    # (3) Download, then verify; one clean retry on mismatch.
    path = download(force)
    mismatch = _verify(path, expected, size)
    if mismatch is not None and not force:
        logger.warning(
            "Downloaded %s (%s@%s) has sha256 %s, expected %s; deleting it and downloading again.",
            filename,
            repo_id,
            revision,
            mismatch,
            expected,
        )
        _evict(path)
        path = download(True)
        mismatch = _verify(path, expected, size)
    if mismatch is not None:
        # Do not leave bad bytes in the cache: a later offline run would trip on them.
        _evict(path)
        raise IntegrityError(
            filename,
            expected,
            mismatch,
            path=path,
            detail=(
                f"Downloaded from {endpoint} repo '{repo_id}' at revision '{revision}' after a clean "
                "re-download; the corrupt copy was deleted. The Hub file differs from the pinned hash: "
                "check the revision and sha256, or the network path (proxy/mirror)"
            ),
        )
    return path


# --------------------------------------------------------------------------- upload


def _branch_head(api, repo_id: str, branch: str = "main") -> str | None:
    """Commit sha at the tip of `branch`, or None for a repo without commits."""
    refs = api.list_repo_refs(repo_id)
    for ref in refs.branches:
        if ref.name == branch:
            return ref.target_commit
    return None


def _folder_operations(folder: Path):
    from huggingface_hub import CommitOperationAdd

    operations = []
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        # .git is not content; .cache/huggingface is hf_hub_download(local_dir=...) bookkeeping.
        if relative.parts[0] in _CLEAN_FOLDER_SKIP or not path.is_file():
            continue
        operations.append(CommitOperationAdd(path_in_repo=relative.as_posix(), path_or_fileobj=str(path)))
    return operations


def upload_folder_pinned(
    folder: str | os.PathLike,
    repo_id: str,
    parent_commit: str | None = None,
    commit_message: str = "Upload kerasgan weights",
    endpoint: str | None = None,
    token: str | None = None,
    private: bool = False,
) -> str:
    """Commit every file of a folder to a Hub repo's ``main`` branch, guarded by a parent commit.

    Creates the repo if needed. The commit is made with
    ``HfApi.create_commit(parent_commit=...)``, so the Hub rejects it if ``main``
    moved since ``parent_commit``: a concurrent push is never silently
    overwritten. With ``parent_commit=None`` the current head is read first and
    used as the guard (a repo without commits gets no guard). Files are added or
    updated, never deleted; ``.git`` and ``.cache`` sub-folders are skipped;
    files identical to the remote ones are skipped by huggingface_hub, and if
    nothing changed no commit is made and the current head is returned.

    Args:
        folder: str | os.PathLike. Local folder whose files become repo files
            (relative paths are kept).
        repo_id: str. Target repo, e.g. ``"kerasgan/dcgan-mnist"``.
        parent_commit: str | None. Commit sha the upload is based on; None reads
            the current head of ``main``.
        commit_message: str. Commit title.
        endpoint: str | None. Hub URL; defaults to ``HF_ENDPOINT`` read now.
        token: str | None. Write token; None uses ``HF_TOKEN`` / the login.
        private: bool. Visibility used if the repo has to be created.

    Returns:
        The new commit sha (40 hex chars), or the current head if nothing changed.

    Raises:
        CommitConflictError: ``parent_commit`` is not the head of ``main``.
        RepoNotFoundError: the repo cannot be accessed with this token.
        ValueError: the folder does not exist or contains no files.

    Example:
        >>> sha = upload_folder_pinned("zoo/dcgan-mnist", "kerasgan/dcgan-mnist",
        ...                            commit_message="DCGAN MNIST weights v1")
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ValueError(f"{folder} is not a folder")
    operations = _folder_operations(folder)
    if not operations:
        raise ValueError(f"{folder} contains no files to upload")

    api = huggingface_hub.HfApi(endpoint=_resolve_endpoint(endpoint), token=token)
    try:
        api.create_repo(repo_id, private=private, exist_ok=True)
        if parent_commit is None:
            parent_commit = _branch_head(api, repo_id)
        info = api.create_commit(
            repo_id,
            operations,
            commit_message=commit_message,
            parent_commit=parent_commit,
        )
    except hf_errors.HfHubHTTPError as err:
        status = _http_status(err)
        if status in (409, 412):
            # The Hub answers 412 "A commit has happened since" for a stale parentCommit.
            raise CommitConflictError(
                f"Upload to '{repo_id}' rejected: its parent commit {parent_commit} is no longer the head of "
                f"'main' (someone pushed in between). Re-read the repo, re-check, and retry. Hub said: {err}"
            ) from err
        if isinstance(err, hf_errors.RepositoryNotFoundError):
            raise RepoNotFoundError(
                f"Cannot upload to Hub repo '{repo_id}': not found or no write access (check HF_TOKEN). {err}"
            ) from err
        raise
    return info.oid
