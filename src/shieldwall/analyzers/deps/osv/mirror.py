"""Where OSV data comes from: OSV's bulk export over HTTPS, or a mirror with
the same layout given as a URL, a directory or a zip file.

The layout: ``ecosystems.txt`` (one ecosystem a line), ``<ECO>/all.zip`` (one
``<ID>.json`` record a file) and ``<ECO>/modified_id.csv``
(``<modified>,<ID>`` a line). A zip given as the source is either such a
mirror zipped, or one ecosystem's ``all.zip`` itself.

Nothing a mirror serves is read whole without a cap: a record at most
``RECORD_MAX_BYTES``, a list (``ecosystems.txt``, ``modified_id.csv``) at most
``LIST_MAX_BYTES``, an export at most ``EXPORT_MAX_BYTES``, counting the bytes
actually read or decompressed, not what a header or zip entry declares.
Downloads and extracted exports go to a temporary directory inside the
``workdir`` the caller gives (update.py: beside the database, so that a killed
update's leftovers are found and removed by the next one).

Over HTTP nothing waits for ever (``Network``): connecting and each read wait at
most ``timeout`` seconds, and a response must deliver its whole body, or another
``PROGRESS_BYTES`` of it, every ``timeout`` seconds (a server that trickles is
cut). A transient failure (no connection, a timeout, HTTP 5xx or 429, a download
cut short) is tried again up to ``retries`` times, ``backoff`` seconds later, then
twice that...; a 404, another HTTP error or a size cap is final.
"""

from __future__ import annotations

import http.client
import json
import shutil
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Protocol, TypeVar

from shieldwall.analyzers.deps.osv.records import RECORD_MAX_BYTES
from shieldwall.errors import AnalyzerError

DEFAULT_BASE = "https://osv-vulnerabilities.storage.googleapis.com"
_CHUNK = 256 * 1024
# A response must bring this many more bytes (or end) within each timeout.
PROGRESS_BYTES = _CHUNK
_RETRY_STATUS = frozenset({408, 429, 500, 502, 503, 504})
_T = TypeVar("_T")
LIST_MAX_BYTES = 256 * 1024 * 1024
EXPORT_MAX_BYTES = 8 * 1024 * 1024 * 1024

# (bytes done, bytes expected or None) while a download runs.
OnBytes = Callable[[int, int | None], None]


class MirrorError(AnalyzerError):
    """The source of OSV data could not be read."""


class NotInMirrorError(MirrorError):
    """The mirror has no such file (an HTTP 404, a missing file)."""


class TooLargeError(MirrorError):
    """A file is over its size cap (counted while reading, not as declared)."""


class TransientError(MirrorError):
    """A failure that another attempt may not meet: no connection, a timeout, a
    server error, a download cut short."""


@dataclass(frozen=True, slots=True)
class Network:
    """How long an HTTP mirror may take, and how often it is tried again."""

    timeout: float = 30.0  # seconds to connect, and for each PROGRESS_BYTES of a body
    retries: int = 2  # more attempts after a transient failure
    backoff: float = 1.0  # seconds before the first retry, doubled for each next one


class Mirror(Protocol):
    label: str

    def ecosystems(self) -> list[str]: ...

    def modified_ids(self, ecosystem: str) -> dict[str, str] | None:
        """id -> modified time, or None when the mirror has no modified_id.csv."""

    def export(self, ecosystem: str, on_bytes: OnBytes) -> Path:
        """A local path to the ecosystem's all.zip (downloaded into a temp dir if need be)."""

    def record(self, ecosystem: str, record_id: str) -> bytes:
        """One record's JSON (at most RECORD_MAX_BYTES + 1 bytes: more is a bad record);
        NotInMirrorError when the mirror has no per-record files."""

    def close(self) -> None: ...


def parse_modified_ids(text: str) -> dict[str, str]:
    ids: dict[str, str] = {}
    for line in text.splitlines():
        modified, _, record_id = line.strip().partition(",")
        if record_id:
            ids.setdefault(record_id.strip(), modified.strip())
    return ids


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def read_capped(source: IO[bytes], cap: int, what: str) -> bytes:
    """A stream's bytes; TooLargeError as soon as more than ``cap`` were read (or
    decompressed): never more than ``cap`` plus one chunk in memory."""
    parts: list[bytes] = []
    size = 0
    while chunk := source.read(min(cap + 1 - size, _CHUNK)):
        size += len(chunk)
        if size > cap:
            raise TooLargeError(f"{what} is over {cap} bytes")
        parts.append(chunk)
    return b"".join(parts)


def read_member(
    archive: zipfile.ZipFile, member: str | zipfile.ZipInfo, cap: int, what: str = ""
) -> bytes:
    """A zip member's bytes, refused (TooLargeError) when its entry declares more
    than ``cap`` bytes or when more come out while decompressing."""
    info = member if isinstance(member, zipfile.ZipInfo) else archive.getinfo(member)
    label = what or info.filename
    if info.file_size > cap:
        raise TooLargeError(f"{label} declares {info.file_size} bytes, over {cap}")
    with archive.open(info) as stream:
        return read_capped(stream, cap, label)


def copy_capped(source: IO[bytes], target: IO[bytes], cap: int, what: str) -> int:
    """Copy a stream, refused (TooLargeError) beyond ``cap`` bytes."""
    done = 0
    while chunk := source.read(_CHUNK):
        done += len(chunk)
        if done > cap:
            raise TooLargeError(f"{what} is over {cap} bytes")
        target.write(chunk)
    return done


def _read_file(path: Path, cap: int) -> bytes:
    try:
        with path.open("rb") as fh:
            return read_capped(fh, cap, str(path))
    except OSError as exc:
        raise MirrorError(f"cannot read {path}: {exc.strerror or exc}") from None


def _mkdtemp(workdir: Path | None) -> Path:
    if workdir is not None:
        workdir.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix="download-", dir=workdir))


class HttpMirror:
    def __init__(
        self, base: str, workdir: Path | None = None, network: Network | None = None
    ) -> None:
        scheme = urllib.parse.urlsplit(base).scheme
        if scheme not in ("http", "https"):
            raise MirrorError(
                f"unsupported URL scheme in {base!r}", "use https://, a directory or a zip"
            )
        self.base = base.rstrip("/")
        self.label = self.base
        self.network = network or Network()
        self._tmp = _mkdtemp(workdir)

    def _url(self, *parts: str) -> str:
        return "/".join([self.base, *(urllib.parse.quote(p) for p in parts)])

    def _retrying(self, fetch: Callable[[], _T]) -> _T:
        """``fetch()``, tried again after a transient failure, at most ``retries`` times."""
        attempt = 0
        while True:
            try:
                return fetch()
            except TransientError as exc:
                if attempt >= self.network.retries:
                    tries = f" ({attempt + 1} attempts)" if attempt else ""
                    raise MirrorError(
                        exc.message + tries,
                        exc.hint or "check the network, or use --source with a mirror",
                    ) from None
                time.sleep(self.network.backoff * 2**attempt)
                attempt += 1

    def _open(self, url: str) -> IO[bytes]:
        try:
            # The scheme is http(s): checked in __init__.
            response: IO[bytes] = urllib.request.urlopen(  # noqa: S310
                url, timeout=self.network.timeout
            )
            return response
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                raise NotInMirrorError(f"{url}: not found") from None
            if exc.code in _RETRY_STATUS:
                raise TransientError(f"{url}: HTTP {exc.code}") from None
            raise MirrorError(f"{url}: HTTP {exc.code}", "check the mirror URL") from None
        except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
            raise TransientError(
                f"cannot reach {url}: {exc}", "check the network, or use --source with a mirror"
            ) from None

    def _body(
        self,
        url: str,
        write: Callable[[bytes], object],
        cap: int,
        on_bytes: OnBytes | None = None,
    ) -> int:
        """Stream one response's body to ``write``: its byte count. Cut (TransientError)
        when ``PROGRESS_BYTES`` more do not come within each ``timeout``, counting
        from the request; TooLargeError beyond ``cap``."""
        mark, marked = time.monotonic(), 0
        try:
            with self._open(url) as response:
                headers = getattr(response, "headers", None)
                length = headers.get("Content-Length") if headers is not None else None
                total = int(length) if length and length.isdigit() else None
                if total is not None and total > cap:
                    raise TooLargeError(f"{url} declares {total} bytes, over {cap}")
                if on_bytes is not None:
                    on_bytes(0, total)
                done = 0
                read = getattr(response, "read1", response.read)
                while chunk := read(_CHUNK):
                    done += len(chunk)
                    if done > cap:
                        raise TooLargeError(f"{url} is over {cap} bytes")
                    write(chunk)
                    if on_bytes is not None:
                        on_bytes(done, total)
                    now = time.monotonic()
                    if done - marked >= PROGRESS_BYTES:
                        mark, marked = now, done
                    elif now - mark > self.network.timeout:
                        raise TransientError(
                            f"download of {url} stalled: under {PROGRESS_BYTES} bytes "
                            f"in {self.network.timeout:g}s"
                        )
        except MirrorError:
            raise
        except (OSError, http.client.HTTPException) as exc:  # a timeout, dropped mid-download
            raise TransientError(
                f"download of {url} failed: {type(exc).__name__}: {exc}",
                "try again; the database was not changed",
            ) from None
        if total is not None and done != total:
            raise TransientError(f"download of {url} stopped at {done} of {total} bytes")
        return done

    def _get(self, *parts: str, cap: int = LIST_MAX_BYTES) -> bytes:
        url = self._url(*parts)

        def fetch() -> bytes:
            chunks: list[bytes] = []
            self._body(url, chunks.append, cap)
            return b"".join(chunks)

        return self._retrying(fetch)

    def ecosystems(self) -> list[str]:
        return _lines(self._get("ecosystems.txt").decode("utf-8", "replace"))

    def modified_ids(self, ecosystem: str) -> dict[str, str] | None:
        try:
            return parse_modified_ids(self._get(ecosystem, "modified_id.csv").decode("utf-8"))
        except NotInMirrorError:
            return None

    def export(self, ecosystem: str, on_bytes: OnBytes) -> Path:
        url = self._url(ecosystem, "all.zip")
        target = self._tmp / f"{len(list(self._tmp.iterdir()))}-all.zip"

        def fetch() -> Path:
            try:
                with target.open("wb") as out:  # a retry starts again from the first byte
                    self._body(url, out.write, EXPORT_MAX_BYTES, on_bytes)
            except OSError as exc:
                raise MirrorError(f"cannot write {target}: {exc.strerror or exc}") from None
            return target

        return self._retrying(fetch)

    def record(self, ecosystem: str, record_id: str) -> bytes:
        return self._get(ecosystem, f"{record_id}.json", cap=RECORD_MAX_BYTES)

    def close(self) -> None:
        shutil.rmtree(self._tmp, ignore_errors=True)


class DirMirror:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.label = str(root)

    def ecosystems(self) -> list[str]:
        listed = self.root / "ecosystems.txt"
        if listed.is_file():
            return _lines(_read_file(listed, LIST_MAX_BYTES).decode("utf-8", "replace"))
        return sorted(p.name for p in self.root.iterdir() if (p / "all.zip").is_file())

    def modified_ids(self, ecosystem: str) -> dict[str, str] | None:
        path = self.root / ecosystem / "modified_id.csv"
        if not path.is_file():
            return None
        return parse_modified_ids(_read_file(path, LIST_MAX_BYTES).decode("utf-8", "replace"))

    def export(self, ecosystem: str, on_bytes: OnBytes) -> Path:
        path = self.root / ecosystem / "all.zip"
        if not path.is_file():
            raise NotInMirrorError(f"{path}: not found")
        size = path.stat().st_size
        if size > EXPORT_MAX_BYTES:
            raise TooLargeError(f"{path} is {size} bytes, over {EXPORT_MAX_BYTES}")
        on_bytes(size, size)
        return path

    def record(self, ecosystem: str, record_id: str) -> bytes:
        path = self.root / ecosystem / f"{record_id}.json"
        if not path.is_file():
            raise NotInMirrorError(f"{path}: not found")
        return _read_file(path, RECORD_MAX_BYTES)

    def close(self) -> None:
        pass


class ZipMirror:
    """A zipped mirror (``ecosystems.txt`` and ``<ECO>/all.zip`` inside, at any
    depth), or a single all.zip of records whose ecosystems the records name."""

    def __init__(self, path: Path, workdir: Path | None = None) -> None:
        self.path = path
        self.label = str(path)
        self._tmp = _mkdtemp(workdir)
        try:
            self.zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise MirrorError(
                f"{path} is not a readable zip file: {exc}", "download it again"
            ) from None
        names = self.zip.namelist()
        roots = [n[: -len("ecosystems.txt")] for n in names if n.endswith("ecosystems.txt")]
        self.prefix = min(roots, key=len) if roots else None
        self.single = self.prefix is None
        self._single_name = self._guess_ecosystem(names) if self.single else ""

    def _guess_ecosystem(self, names: list[str]) -> str:
        """A lone all.zip: name its export after the first record's ecosystem."""
        for name in names:
            if not name.endswith(".json"):
                continue
            try:
                body = json.loads(read_member(self.zip, name, RECORD_MAX_BYTES))
                return str(body["affected"][0]["package"]["ecosystem"]).split(":")[0] or "zip"
            except (
                ValueError,
                KeyError,
                IndexError,
                TypeError,
                RecursionError,
                zipfile.BadZipFile,
                OSError,
                MirrorError,
            ):
                continue
        return "zip"

    def ecosystems(self) -> list[str]:
        if self.prefix is None:
            return [self._single_name]
        text = self._read(self.prefix + "ecosystems.txt", LIST_MAX_BYTES).decode("utf-8", "replace")
        return _lines(text)

    def _member(self, *parts: str) -> str | None:
        if self.prefix is None:
            return None
        name = self.prefix + "/".join(parts)
        return name if name in self.zip.NameToInfo else None

    def modified_ids(self, ecosystem: str) -> dict[str, str] | None:
        name = self._member(ecosystem, "modified_id.csv")
        if name is None:
            return None
        return parse_modified_ids(self._read(name, LIST_MAX_BYTES).decode("utf-8", "replace"))

    def export(self, ecosystem: str, on_bytes: OnBytes) -> Path:
        if self.prefix is None:
            size = self.path.stat().st_size
            on_bytes(size, size)
            return self.path
        name = self._member(ecosystem, "all.zip")
        if name is None:
            raise NotInMirrorError(f"{self.path}: no {ecosystem}/all.zip inside")
        target = self._tmp / f"{PurePosixPath(ecosystem).name or 'eco'}-all.zip"
        try:
            with self.zip.open(name) as source, target.open("wb") as out:
                copy_capped(source, out, EXPORT_MAX_BYTES, f"{self.path}: {name}")
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise MirrorError(f"{self.path}: cannot extract {name}: {exc}") from None
        size = target.stat().st_size
        on_bytes(size, size)
        return target

    def record(self, ecosystem: str, record_id: str) -> bytes:
        name = self._member(ecosystem, f"{record_id}.json")
        if name is None:
            raise NotInMirrorError(f"{self.path}: no {ecosystem}/{record_id}.json inside")
        return self._read(name, RECORD_MAX_BYTES)

    def _read(self, name: str, cap: int) -> bytes:
        try:
            return read_member(self.zip, name, cap, f"{self.path}: {name}")
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise MirrorError(f"{self.path}: cannot read {name}: {exc}") from None

    def close(self) -> None:
        self.zip.close()
        shutil.rmtree(self._tmp, ignore_errors=True)


def open_mirror(
    source: str | None, workdir: Path | None = None, network: Network | None = None
) -> Mirror:
    """The mirror a ``--source`` names: a URL, a directory or a zip (default: OSV);
    its downloads go to a temporary directory inside ``workdir``."""
    if source is None or not source.strip():
        return HttpMirror(DEFAULT_BASE, workdir, network)
    text = source.strip()
    if "://" in text:
        return HttpMirror(text, workdir, network)
    path = Path(text).expanduser()
    if path.is_dir():
        return DirMirror(path)
    if path.is_file():
        return ZipMirror(path, workdir)
    raise MirrorError(
        f"--source {source!r} is neither a URL nor an existing directory or zip file",
        "give https://host/path, a directory laid out like OSV's export, or a zip",
    )
