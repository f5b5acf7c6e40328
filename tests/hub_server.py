"""A small Hugging Face Hub-compatible HTTP server for tests.

It implements just enough of the Hub's HTTP API for the real ``huggingface_hub``
client (2.x) to download, list and upload files against ``127.0.0.1``:

* ``HEAD``/``GET /{repo}/resolve/{revision}/{filename}`` with ``X-Repo-Commit``,
  ``ETag`` (git blob sha1; sha256 plus ``X-Linked-Etag``/``X-Linked-Size`` for
  LFS-like files), ``Content-Length``, ``Range``, and 404s carrying
  ``X-Error-Code: RepoNotFound | RevisionNotFound | EntryNotFound``;
* ``GET /api/models/{repo}[/revision/{rev}]``, ``/tree/{rev}[/{path}]``, ``/refs``;
* ``POST /api/repos/create``, ``/api/models/{repo}/preupload/{rev}`` (always
  ``uploadMode: "regular"``: with hf_xet installed, "lfs" would route uploads
  through Xet storage, which this server does not speak) and
  ``/api/models/{repo}/commit/{rev}`` (ndjson; 412 on a stale ``parentCommit``,
  like the Hub); ``/api/validate-yaml`` and ``/api/whoami-v2`` for completeness.

Repos live in memory: repo -> commits (40-hex sha) -> {filename: bytes}, with
branches pointing at commits. Any bearer token is accepted. Dataset and space
repos work through the usual ``datasets/`` / ``spaces/`` prefixes.

Example:
    >>> with HubServer() as server:
    ...     sha = server.add_commit("org/repo", {"w.bin": b"123"})
    ...     # point huggingface_hub at server.url (endpoint=... or HF_ENDPOINT)
"""

from __future__ import annotations

import base64
import hashlib
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

__all__ = ["HubServer", "RequestRecord", "git_blob_sha1"]

#: Files presented as LFS (sha256 ETag + X-Linked-* headers), like the Hub's
#: default .gitattributes; anything larger than ``lfs_threshold`` is LFS too.
LFS_SUFFIXES = (".safetensors", ".h5", ".keras", ".bin", ".npz", ".npy", ".pt", ".ckpt", ".onnx", ".msgpack", ".pkl")
DEFAULT_LFS_THRESHOLD = 10 * 1024 * 1024

_REPO_TYPE_PREFIXES = {"datasets": "dataset", "spaces": "space"}
_API_ACTIONS = {"revision", "tree", "refs", "preupload", "commit", "paths-info"}
_STALE_PARENT_MESSAGE = "A commit has happened since. Please refresh and try again."


def git_blob_sha1(data: bytes) -> str:
    """Return git's blob id of `data` (what the Hub uses as ETag for regular files).

    Args:
        data: bytes. File content.

    Example:
        >>> git_blob_sha1(b"")
        'e69de29bb2d1d6434b8b29ae775ad8c2e48c5391'
    """
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def _iso(timestamp: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(timestamp))


@dataclass(frozen=True)
class RequestRecord:
    """One request the server received.

    Args:
        method: str. HTTP method.
        path: str. Raw request path, query string included.
        headers: dict. Request headers (lower-cased names).
        timestamp: float. ``time.time()`` when the request arrived.
    """

    method: str
    path: str
    headers: dict
    timestamp: float


@dataclass
class _Commit:
    sha: str
    parent: str | None
    message: str
    files: dict[str, bytes]
    timestamp: float


@dataclass
class _Repo:
    repo_type: str
    repo_id: str
    private: bool = False
    commits: dict[str, _Commit] = field(default_factory=dict)
    branches: dict[str, str] = field(default_factory=dict)
    created: float = field(default_factory=time.time)


class _HttpError(Exception):
    def __init__(self, status: int, message: str, error_code: str | None = None, headers: dict | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.error_code = error_code
        self.headers = headers or {}


class HubServer:
    """In-memory Hub-compatible server on 127.0.0.1, for tests.

    Args:
        host: str. Interface to bind (keep loopback).
        port: int. Port; 0 picks a free one.
        lfs_threshold: int. Files at least this big are presented as LFS.

    Attributes:
        url: str. Base URL to use as ``endpoint`` / ``HF_ENDPOINT``.
        get_delay: float. Seconds to sleep before sending a file body (lets
            tests overlap concurrent downloads).

    Example:
        >>> server = HubServer().start()
        >>> sha = server.add_commit("org/repo", {"a.txt": b"hi"})
        >>> server.count("GET", "/resolve/")
        0
        >>> server.stop()
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0, lfs_threshold: int = DEFAULT_LFS_THRESHOLD):
        self.lfs_threshold = lfs_threshold
        self.get_delay = 0.0
        self._lock = threading.RLock()
        self._repos: dict[tuple[str, str], _Repo] = {}
        self._overrides: dict[tuple[str, str, str, str], bytes] = {}
        self._requests: list[RequestRecord] = []
        self._counter = 0
        self._connections: set[socket.socket] = set()
        self._httpd = _Server((host, port), _make_handler(self))
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ lifecycle

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "HubServer":
        """Serve in a daemon thread; returns self."""
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), name="hub-server", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and drop open keep-alive connections (clients then see a refused/reset connection)."""
        self._httpd.shutdown()
        self._httpd.server_close()
        with self._lock:
            connections = list(self._connections)
        for conn in connections:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> "HubServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # ------------------------------------------------------------------ test helpers

    def create_repo(self, repo_id: str, repo_type: str = "model", private: bool = False) -> bool:
        """Create an empty repo (no commits, no branches); returns False if it existed."""
        with self._lock:
            key = (repo_type, repo_id)
            if key in self._repos:
                return False
            self._repos[key] = _Repo(repo_type=repo_type, repo_id=repo_id, private=private)
            return True

    def add_commit(
        self,
        repo_id: str,
        files: dict,
        message: str = "add files",
        branch: str = "main",
        repo_type: str = "model",
    ) -> str:
        """Commit `files` on top of `branch` (creating repo/branch if needed); returns the sha.

        Args:
            repo_id: str. Repo id, created if missing.
            files: dict. filename -> bytes (str is utf-8 encoded); None deletes the file.
            message: str. Commit message.
            branch: str. Branch to advance.
            repo_type: str. "model", "dataset" or "space".
        """
        with self._lock:
            self.create_repo(repo_id, repo_type)
            repo = self._repos[(repo_type, repo_id)]
            parent = repo.branches.get(branch)
            snapshot = dict(repo.commits[parent].files) if parent else {}
            for name, data in files.items():
                if data is None:
                    snapshot.pop(name, None)
                else:
                    snapshot[name] = data.encode() if isinstance(data, str) else bytes(data)
            return self._commit(repo, branch, parent, message, snapshot)

    def head(self, repo_id: str, branch: str = "main", repo_type: str = "model") -> str | None:
        """Sha at the tip of `branch`, or None."""
        with self._lock:
            repo = self._repos.get((repo_type, repo_id))
            return None if repo is None else repo.branches.get(branch)

    def commits(self, repo_id: str, repo_type: str = "model") -> list[str]:
        """All commit shas of a repo, oldest first."""
        with self._lock:
            return list(self._repos[(repo_type, repo_id)].commits)

    def files(self, repo_id: str, revision: str = "main", repo_type: str = "model") -> dict[str, bytes]:
        """Copy of the {filename: bytes} snapshot at `revision`."""
        with self._lock:
            repo = self._repos[(repo_type, repo_id)]
            return dict(repo.commits[self._resolve(repo, revision)].files)

    def tamper(
        self,
        repo_id: str,
        filename: str,
        data: bytes,
        revision: str = "main",
        repo_type: str = "model",
        update_metadata: bool = False,
    ) -> None:
        """Make the server serve wrong bytes for a file.

        Args:
            repo_id: str. Repo id.
            filename: str. File to corrupt.
            data: bytes. Bytes to serve instead.
            revision: str. Revision whose file is corrupted (resolved to its sha).
            repo_type: str. Repo type.
            update_metadata: bool. False: only GET bodies change, HEAD/ETag/size
                still describe the original (a corrupted CDN/proxy). True: the
                stored content is replaced in place, so headers describe the new
                bytes (a server whose history was rewritten under the same sha).
        """
        with self._lock:
            repo = self._repos[(repo_type, repo_id)]
            sha = self._resolve(repo, revision)
            if update_metadata:
                repo.commits[sha].files[filename] = bytes(data)
            else:
                self._overrides[(repo_type, repo_id, sha, filename)] = bytes(data)

    @property
    def requests(self) -> list[RequestRecord]:
        """Copy of the request log, oldest first."""
        with self._lock:
            return list(self._requests)

    def clear_requests(self) -> None:
        """Empty the request log."""
        with self._lock:
            self._requests.clear()

    def count(self, method: str | None = None, contains: str = "") -> int:
        """Number of logged requests with this method (any if None) whose path contains `contains`."""
        return sum(
            1 for r in self.requests if (method is None or r.method == method) and contains in unquote(r.path)
        )

    # ------------------------------------------------------------------ internals

    def _commit(self, repo: _Repo, branch: str, parent: str | None, message: str, snapshot: dict) -> str:
        self._counter += 1
        digest = hashlib.sha1(f"{repo.repo_type}\0{repo.repo_id}\0{parent}\0{message}\0{self._counter}".encode())
        for name in sorted(snapshot):
            digest.update(f"\0{name}\0{git_blob_sha1(snapshot[name])}".encode())
        sha = digest.hexdigest()
        repo.commits[sha] = _Commit(sha=sha, parent=parent, message=message, files=snapshot, timestamp=time.time())
        repo.branches[branch] = sha
        return sha

    def _repo(self, repo_type: str, repo_id: str) -> _Repo:
        repo = self._repos.get((repo_type, repo_id))
        if repo is None:
            raise _HttpError(404, f"Repository Not Found: {repo_id}", "RepoNotFound")
        return repo

    def _resolve(self, repo: _Repo, revision: str) -> str:
        if revision in repo.branches:
            return repo.branches[revision]
        if revision in repo.commits:
            return revision
        # The Hub also accepts unambiguous short shas.
        if len(revision) >= 7 and all(c in "0123456789abcdef" for c in revision):
            matches = [sha for sha in repo.commits if sha.startswith(revision)]
            if len(matches) == 1:
                return matches[0]
        raise _HttpError(404, f"Invalid rev id: {revision}", "RevisionNotFound")

    def _is_lfs(self, filename: str, data: bytes) -> bool:
        return filename.endswith(LFS_SUFFIXES) or len(data) >= self.lfs_threshold

    def _file_entry(self, name: str, data: bytes) -> dict:
        """Tree-listing entry, shaped like the Hub's."""
        entry = {"type": "file", "oid": git_blob_sha1(data), "size": len(data), "path": name}
        if self._is_lfs(name, data):
            sha256 = hashlib.sha256(data).hexdigest()
            pointer = f"version https://git-lfs.github.com/spec/v1\noid sha256:{sha256}\nsize {len(data)}\n".encode()
            entry["oid"] = git_blob_sha1(pointer)
            entry["lfs"] = {"oid": sha256, "size": len(data), "pointerSize": len(pointer)}
        return entry

    def _repo_url(self, repo: _Repo) -> str:
        prefix = "" if repo.repo_type == "model" else f"{repo.repo_type}s/"
        return f"{self.url}/{prefix}{repo.repo_id}"

    def _log(self, method: str, path: str, headers) -> None:
        with self._lock:
            self._requests.append(
                RequestRecord(method, path, {k.lower(): v for k, v in headers.items()}, time.time())
            )

    # ------------------------------------------------------------------ request handling

    def _handle(self, handler: "BaseHTTPRequestHandler", method: str) -> None:
        self._log(method, handler.path, handler.headers)
        body = _read_body(handler)
        parts = urlsplit(handler.path)
        query = parse_qs(parts.query)
        segments = parts.path.strip("/").split("/")  # still percent-encoded
        try:
            if segments[:1] == ["api"]:
                status, headers, payload = self._api(method, segments[1:], query, body)
            elif "resolve" in segments and method in ("GET", "HEAD"):
                status, headers, payload = self._resolve_file(handler, segments)
            else:
                raise _HttpError(404, f"Not found: {parts.path}")
        except _HttpError as err:
            headers = {"X-Error-Message": err.message, **err.headers}
            if err.error_code:
                headers["X-Error-Code"] = err.error_code
            status, payload = err.status, json.dumps({"error": err.message}).encode()
            headers["Content-Type"] = "application/json"
        _send(handler, method, status, headers, payload)

    def _resolve_file(self, handler, segments: list[str]):
        index = segments.index("resolve")
        head_segments = segments[:index]
        repo_type = "model"
        if head_segments and head_segments[0] in _REPO_TYPE_PREFIXES:
            repo_type = _REPO_TYPE_PREFIXES[head_segments[0]]
            head_segments = head_segments[1:]
        repo_id = "/".join(unquote(s) for s in head_segments)
        if len(segments) < index + 3:
            raise _HttpError(404, "Missing revision or filename")
        revision = unquote(segments[index + 1])
        filename = "/".join(unquote(s) for s in segments[index + 2 :])
        with self._lock:
            repo = self._repo(repo_type, repo_id)
            sha = self._resolve(repo, revision)
            files = repo.commits[sha].files
            if filename not in files:
                raise _HttpError(404, f"Entry not found: {filename}", "EntryNotFound", {"X-Repo-Commit": sha})
            data = files[filename]
            served = self._overrides.get((repo_type, repo_id, sha, filename), data)
        headers = {
            "X-Repo-Commit": sha,
            "Accept-Ranges": "bytes",
            "Content-Type": "application/octet-stream",
            "Content-Disposition": f'inline; filename="{filename.rsplit("/", 1)[-1]}"',
        }
        if self._is_lfs(filename, data):
            sha256 = hashlib.sha256(data).hexdigest()
            headers.update({"ETag": f'"{sha256}"', "X-Linked-Etag": f'"{sha256}"', "X-Linked-Size": str(len(data))})
        else:
            headers["ETag"] = f'"{git_blob_sha1(data)}"'
        if handler.command == "HEAD":
            # Metadata describes the committed file even when GET bodies are tampered with.
            return 200, headers, data
        if self.get_delay:
            time.sleep(self.get_delay)
        status, payload = 200, served
        byte_range = handler.headers.get("Range")
        if byte_range and byte_range.startswith("bytes="):
            start_text, _, end_text = byte_range[len("bytes=") :].partition("-")
            start = int(start_text or 0)
            end = int(end_text) if end_text else len(served) - 1
            if start >= len(served):
                raise _HttpError(416, "Range Not Satisfiable", headers={"Content-Range": f"bytes */{len(served)}"})
            payload = served[start : end + 1]
            headers["Content-Range"] = f"bytes {start}-{start + len(payload) - 1}/{len(served)}"
            status = 206
        return status, headers, payload

    def _api(self, method: str, segments: list[str], query: dict, body: bytes):
        if segments == ["repos", "create"] and method == "POST":
            return self._api_create(_json(body))
        if segments == ["validate-yaml"] and method == "POST":
            return _json_response({"errors": [], "warnings": []})
        if segments == ["whoami-v2"]:
            return _json_response({"type": "user", "name": "kerasgan-test", "fullname": "kerasgan test", "orgs": []})
        if not segments or segments[0] not in ("models", "datasets", "spaces"):
            raise _HttpError(404, f"Unknown API route: /api/{'/'.join(segments)}")
        repo_type = segments[0][:-1]
        rest = segments[1:]
        if not rest:
            raise _HttpError(404, "Missing repo id")
        # Repo ids are "name" or "namespace/name"; the action word follows them.
        if len(rest) >= 2 and rest[1] not in _API_ACTIONS:
            repo_id, rest = f"{unquote(rest[0])}/{unquote(rest[1])}", rest[2:]
        else:
            repo_id, rest = unquote(rest[0]), rest[1:]
        action = rest[0] if rest else None
        arg = unquote(rest[1]) if len(rest) > 1 else None
        with self._lock:
            repo = self._repo(repo_type, repo_id)
            if action is None and method == "GET":
                return self._api_info(repo, "main")
            if action == "revision" and method == "GET" and arg:
                return self._api_info(repo, arg)
            if action == "tree" and method == "GET" and arg:
                subpath = "/".join(unquote(s) for s in rest[2:])
                recursive = query.get("recursive", ["false"])[0].lower() in ("1", "true")
                return self._api_tree(repo, arg, subpath, recursive)
            if action == "refs" and method == "GET":
                branches = [
                    {"name": name, "ref": f"refs/heads/{name}", "targetCommit": sha}
                    for name, sha in repo.branches.items()
                ]
                return _json_response({"branches": branches, "converts": [], "tags": [], "pullRequests": []})
            if action == "preupload" and method == "POST" and arg:
                return self._api_preupload(repo, arg, _json(body))
            if action == "commit" and method == "POST" and arg:
                if query.get("create_pr"):
                    raise _HttpError(400, "Pull requests are not supported by the test server")
                return self._api_commit(repo, arg, body)
        raise _HttpError(404, f"Unknown API route: {method} /api/{'/'.join(segments)}")

    def _api_create(self, payload: dict):
        name, organization = payload.get("name"), payload.get("organization")
        if not name:
            raise _HttpError(400, "Missing repo name")
        repo_id = f"{organization}/{name}" if organization else name
        repo_type = payload.get("type") or "model"
        private = payload.get("private") or payload.get("visibility") == "private"
        with self._lock:
            created = self.create_repo(repo_id, repo_type, private=bool(private))
            url = self._repo_url(self._repos[(repo_type, repo_id)])
        if not created:
            # Like the Hub: 409 still carries the url (create_repo(exist_ok=True) reads it).
            return _json_response({"error": "You already created this repo", "url": url}, 409)
        return _json_response({"url": url, "name": repo_id, "id": repo_id})

    def _api_info(self, repo: _Repo, revision: str):
        if revision == "main" and "main" not in repo.branches and not repo.commits:
            sha, files, stamp = None, {}, repo.created  # an empty repo still has info
        else:
            sha = self._resolve(repo, revision)
            commit = repo.commits[sha]
            files, stamp = commit.files, commit.timestamp
        siblings = []
        for name in sorted(files):
            entry = self._file_entry(name, files[name])
            sibling = {"rfilename": name, "size": entry["size"], "blobId": entry["oid"]}
            if "lfs" in entry:
                lfs = entry["lfs"]
                sibling["lfs"] = {"sha256": lfs["oid"], "size": lfs["size"], "pointerSize": lfs["pointerSize"]}
            siblings.append(sibling)
        info = {
            "_id": hashlib.sha1(repo.repo_id.encode()).hexdigest()[:24],
            "id": repo.repo_id,
            "author": repo.repo_id.split("/")[0] if "/" in repo.repo_id else None,
            "sha": sha,
            "private": repo.private,
            "gated": False,
            "disabled": False,
            "downloads": 0,
            "likes": 0,
            "tags": [],
            "lastModified": _iso(stamp),
            "createdAt": _iso(repo.created),
            "siblings": siblings,
        }
        if repo.repo_type == "model":
            info["modelId"] = repo.repo_id
        return _json_response(info)

    def _api_tree(self, repo: _Repo, revision: str, subpath: str, recursive: bool):
        sha = self._resolve(repo, revision)
        files = repo.commits[sha].files
        prefix = f"{subpath.strip('/')}/" if subpath.strip("/") else ""
        if prefix and not any(name.startswith(prefix) for name in files):
            raise _HttpError(404, f"Entry not found: {subpath}", "EntryNotFound", {"X-Repo-Commit": sha})
        entries, folders = [], set()
        for name in sorted(files):
            if not name.startswith(prefix):
                continue
            relative = name[len(prefix) :]
            parent_dirs = relative.split("/")[:-1]
            for depth in range(1, len(parent_dirs) + 1):
                folder = prefix + "/".join(parent_dirs[:depth])
                if folder not in folders and (recursive or depth == 1):
                    folders.add(folder)
                    tree_id = hashlib.sha1(f"tree\0{sha}\0{folder}".encode()).hexdigest()
                    entries.append({"type": "directory", "oid": tree_id, "size": 0, "path": folder})
            if recursive or not parent_dirs:
                entries.append(self._file_entry(name, files[name]))
        return _json_response(entries)

    def _api_preupload(self, repo: _Repo, revision: str, payload: dict):
        try:
            existing = repo.commits[self._resolve(repo, revision)].files
        except _HttpError:
            existing = {}  # uploading to an empty repo / new branch
        answers = []
        for item in payload.get("files", []):
            path = item["path"]
            # Always "regular": "lfs" would send the client to Xet storage (hf_xet installed).
            # The oid is the git blob sha1 the client compares with, so unchanged files are skipped.
            oid = git_blob_sha1(existing[path]) if path in existing else None
            answers.append({"path": path, "uploadMode": "regular", "shouldIgnore": False, "oid": oid})
        return _json_response({"files": answers, "commitOid": repo.branches.get(revision)})

    def _api_commit(self, repo: _Repo, branch: str, body: bytes):
        lines = [json.loads(line) for line in body.decode().splitlines() if line.strip()]
        if not lines or lines[0].get("key") != "header":
            raise _HttpError(400, "First ndjson line must be the commit header")
        header = lines[0]["value"]
        head = repo.branches.get(branch)
        if head is None and repo.commits:
            raise _HttpError(404, f"Invalid rev id: {branch}", "RevisionNotFound")
        parent = header.get("parentCommit")
        if parent and (head is None or not head.startswith(parent)):
            raise _HttpError(412, _STALE_PARENT_MESSAGE)
        snapshot = dict(repo.commits[head].files) if head else {}
        for line in lines[1:]:
            key, value = line.get("key"), line.get("value", {})
            if key == "file":
                content = value.get("content", "")
                encoding = value.get("encoding", "base64")
                snapshot[value["path"]] = base64.b64decode(content) if encoding == "base64" else content.encode()
            elif key == "deletedFile":
                if value["path"] not in snapshot:
                    raise _HttpError(404, "A file with this name doesn't exist", "EntryNotFound")
                del snapshot[value["path"]]
            elif key == "deletedFolder":
                folder = value["path"].rstrip("/") + "/"
                for name in [n for n in snapshot if n.startswith(folder)]:
                    del snapshot[name]
            elif key == "lfsFile":
                raise _HttpError(400, "LFS uploads are not supported by the test server (preupload says regular)")
            else:
                raise _HttpError(400, f"Unknown commit operation: {key}")
        message = header.get("summary") or "commit"
        sha = self._commit(repo, branch, head, message, snapshot)
        return _json_response(
            {"success": True, "commitOid": sha, "commitUrl": f"{self._repo_url(repo)}/commit/{sha}", "hookOutput": ""}
        )


# ---------------------------------------------------------------------- HTTP plumbing


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def _make_handler(hub: HubServer):
    class Handler(BaseHTTPRequestHandler):
        # HTTP/1.1 so the client's connection pool keeps connections alive, as with the Hub.
        protocol_version = "HTTP/1.1"
        timeout = 30  # idle keep-alive connections end on their own
        # Headers and body go out in separate writes; with Nagle + delayed ACKs each
        # keep-alive request would stall ~40 ms.
        disable_nagle_algorithm = True

        def setup(self):
            super().setup()
            with hub._lock:
                hub._connections.add(self.connection)

        def finish(self):
            with hub._lock:
                hub._connections.discard(self.connection)
            try:
                super().finish()
            except OSError:
                pass

        def do_GET(self):
            hub._handle(self, "GET")

        def do_HEAD(self):
            hub._handle(self, "HEAD")

        def do_POST(self):
            hub._handle(self, "POST")

        def do_PUT(self):
            hub._handle(self, "PUT")

        def do_DELETE(self):
            hub._handle(self, "DELETE")

        def log_message(self, format, *args):  # keep pytest output clean
            pass

    return Handler


def _read_body(handler: BaseHTTPRequestHandler) -> bytes:
    if handler.headers.get("Transfer-Encoding", "").lower() == "chunked":
        chunks = []
        while True:
            size = int(handler.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                handler.rfile.readline()  # trailing CRLF after the last chunk
                return b"".join(chunks)
            chunks.append(handler.rfile.read(size))
            handler.rfile.readline()
    length = int(handler.headers.get("Content-Length") or 0)
    return handler.rfile.read(length) if length else b""


def _send(handler: BaseHTTPRequestHandler, method: str, status: int, headers: dict, payload: bytes) -> None:
    try:
        handler.send_response(status)
        for name, value in headers.items():
            handler.send_header(name, value)
        # HEAD advertises the entity's length but sends no body.
        handler.send_header("Content-Length", str(len(payload)))
        handler.end_headers()
        if method != "HEAD" and payload:
            handler.wfile.write(payload)
    except (BrokenPipeError, ConnectionResetError):
        handler.close_connection = True


def _json(body: bytes) -> dict:
    try:
        return json.loads(body or b"{}")
    except ValueError as err:
        raise _HttpError(400, f"Invalid JSON body: {err}") from err


def _json_response(payload, status: int = 200):
    return status, {"Content-Type": "application/json"}, json.dumps(payload).encode()
