"""Readers: files and folders of .txt / .html / .jsonl(.gz) -> :class:`RawDocument`.

Every input yields either a :class:`RawDocument` or a :class:`ReadFailure` (never an
exception), so one bad file or line cannot stop a batch. ``str(failure)`` is one line
naming the input, e.g. ``bad.jsonl:17: malformed JSON line (unexpected character ...)``.

Decisions, and why:

* **Size cap.** A document over ``max_bytes`` (default 5 MB, env
  ``PACTWATCH_MAX_DOC_BYTES``) is refused before it is read: news articles and treaty
  texts are far smaller, and a 50 MB "document" is a dump or an accident that would
  otherwise stall the NLP stage. JSONL lines are read with a length limit, so an
  oversized line is skipped without being held in memory.
* **Binary files** (NUL bytes, or more than 10% control characters in the first
  8 KB) are refused: decoding them gives noise that would waste the pipeline's time.
* **Encodings.** UTF-8 (with or without BOM) and UTF-16 with BOM are read as such.
  Bytes that are not valid UTF-8 are handled in one of two ways: if the file is mostly
  valid UTF-8 with a few broken bytes (it has more valid multi-byte characters than
  broken bytes), the broken bytes become U+FFFD; otherwise it is a legacy page: the
  charset an HTML page declares (``<meta charset=...>``) is used, else charset-normalizer
  picks the encoding (cp1252 if it has no opinion). Either
  way the document is read and a one-line warning is kept in ``meta["warnings"]``
  (the CLI prints it), because losing a whole article to one bad byte is worse than
  one replacement character.
* **JSONL** is streamed line by line (isal's igzip for .gz, about 2x faster than
  gzip; orjson for parsing), so memory stays constant for a file of any size.
* **Ids** are the user's: the JSONL ``id`` or, for files, the file stem. Without one,
  clean() derives a content hash.
"""

from __future__ import annotations

import codecs
import os
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Iterable, Iterator

import orjson

DEFAULT_MAX_BYTES = int(os.environ.get("PACTWATCH_MAX_DOC_BYTES", 5 * 1024 * 1024))

TEXT_SUFFIXES = (".txt", ".text", ".md")
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")
SIDECAR_SUFFIXES = (".meta.json", ".gold.json")


@dataclass
class RawDocument:
    source: str
    id: str | None = None
    text: str | None = None
    html: str | None = None
    published: str | None = None
    title: str | None = None
    meta: dict = field(default_factory=dict)

    @property
    def origin(self) -> str:
        """Where the document was read (``file.jsonl:17`` or a path): for messages."""
        return self.meta.get("origin") or self.source


@dataclass(frozen=True)
class ReadFailure:
    source: str
    reason: str

    def __str__(self) -> str:
        # One line whatever the reason holds (exception messages can span lines).
        reason = " ".join(str(self.reason).split())
        return f"{self.source}: {reason}"


# ----------------------------------------------------------------------------- helpers

_HTML_START = re.compile(rb"^\s*(<!doctype\s+html|<html[\s>]|<\?xml[^>]*>\s*<html)", re.I)
_HTML_TAG = re.compile(
    r"<(?:html|head|body|div|p|article|section|span|br|script|style|meta|title|h[1-6]|ul|li|table|a\s)[\s>/]",
    re.I,
)
_DECLARED_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_ISO_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:$|[T ])")


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB"


def looks_like_html(s: str) -> bool:
    """True for a web page or HTML fragment, False for plain text (even one quoting a tag)."""
    head = s[:65536]
    if _HTML_START.match(head.encode("utf-8", "ignore")[:512]):
        return True
    # Plain text may quote a stray "<p>"; a page has many tags.
    return len(_HTML_TAG.findall(head)) >= 3


def binary_reason(sample: bytes) -> str | None:
    """Why ``sample`` (the first bytes of a file) looks binary, or None."""
    if not sample:
        return None
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None  # UTF-16 with BOM: NULs are expected
    if b"\x00" in sample:
        return "binary file (NUL bytes)"
    ctrl = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13)) + sample.count(127)
    if ctrl / len(sample) > 0.10:
        return f"binary file ({100 * ctrl / len(sample):.0f}% control bytes)"
    return None


def decode_bytes(data: bytes) -> tuple[str, str | None]:
    """Bytes -> (text, warning or None). See the module docstring for the policy."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), None
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as e:
        first = e.start
    lossy = data.decode("utf-8", errors="replace")
    broken = lossy.count("\ufffd")
    good_multibyte = sum(1 for ch in lossy if ord(ch) > 127 and ch != "\ufffd")
    if good_multibyte > broken:
        return lossy, f"invalid UTF-8 at byte {first}: {broken} character(s) replaced"
    # A web page that declares its charset (<meta charset="windows-1251">) is taken at its word.
    declared = _DECLARED_CHARSET.search(data[:4096])
    if declared:
        name = declared.group(1).decode("ascii", "ignore").lower()
        try:
            if codecs.lookup(name).name != "utf-8":
                return data.decode(name, errors="replace"), f"not valid UTF-8; decoded as declared {name}"
        except LookupError:
            pass
    enc = None
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:262144]).best()
        enc = best.encoding if best is not None else None
    except Exception:  # detection is a best effort; fall back below
        enc = None
    enc = enc or "cp1252"
    try:
        text = data.decode(enc, errors="replace")
    except LookupError:
        enc, text = "cp1252", data.decode("cp1252", errors="replace")
    return text, f"not valid UTF-8; decoded as {enc}"


def normalize_date(value) -> str | None:
    """Metadata date -> YYYY-MM-DD, or None when it is not a full calendar date."""
    if value is None or value == "":
        return None
    m = _ISO_DATE.match(str(value).strip())
    if not m:
        return None
    try:
        return date.fromisoformat(m.group(1)).isoformat()
    except ValueError:
        return None


def _read_sidecar(path: Path) -> tuple[dict, str | None]:
    side = path.with_name(_stem(path) + ".meta.json")
    if not side.is_file():
        return {}, None
    try:
        meta = orjson.loads(side.read_bytes())
        if not isinstance(meta, dict):
            raise ValueError("not a JSON object")
        return meta, None
    except (OSError, ValueError) as e:
        return {}, f"{side.name}: unreadable metadata ignored ({str(e).splitlines()[0]})"


def _stem(path: Path) -> str:
    name = path.name
    for suf in JSONL_SUFFIXES + TEXT_SUFFIXES + HTML_SUFFIXES:
        if name.lower().endswith(suf):
            return name[: -len(suf)]
    return path.stem


def _kind(path: Path) -> str | None:
    name = path.name.lower()
    if name.endswith(SIDECAR_SUFFIXES):
        return None
    if name.endswith(JSONL_SUFFIXES):
        return "jsonl"
    if name.endswith(HTML_SUFFIXES):
        return "html"
    if name.endswith(TEXT_SUFFIXES):
        return "text"
    return None


def _make_doc(content: str, *, source: str, id: str | None, published, title, meta: dict,
              force_html: bool | None = None) -> RawDocument:
    is_html = looks_like_html(content) if force_html is None else force_html
    pub = normalize_date(published)
    if published and pub is None:
        meta.setdefault("warnings", []).append(f"publication date {published!r} is not YYYY-MM-DD; ignored")
    return RawDocument(
        source=source, id=id,
        text=None if is_html else content, html=content if is_html else None,
        published=pub, title=(title.strip() or None) if isinstance(title, str) else None, meta=meta,
    )


# ----------------------------------------------------------------------------- public API


def read_text(text_or_html: str, *, source: str | None = None, published: str | None = None,
              title: str | None = None, id: str | None = None) -> RawDocument:
    """Wrap a string (plain text or HTML, detected) as a RawDocument."""
    return _make_doc(text_or_html, source=source or id or "<text>", id=id, published=published,
                     title=title, meta={})


def read_file(path: str | Path, *, published: str | None = None,
              max_bytes: int = DEFAULT_MAX_BYTES, kind: str | None = None) -> RawDocument | ReadFailure:
    """Read one .txt/.html file (with its NAME.meta.json sidecar)."""
    p = Path(path)
    src = str(path)
    try:
        size = p.stat().st_size
        if size == 0:
            return ReadFailure(src, "empty file")
        if size > max_bytes:
            return ReadFailure(src, f"file is {_mb(size)}, over the {_mb(max_bytes)} limit per document")
        with open(p, "rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as e:
        return ReadFailure(src, e.strerror or str(e))
    why = binary_reason(data[:8192])
    if why:
        return ReadFailure(src, why)
    text, warning = decode_bytes(data)
    if not text.strip():
        return ReadFailure(src, "no text (only whitespace)")
    meta, side_warning = _read_sidecar(p)
    warnings = [w for w in (warning, side_warning) if w]
    doc_meta = {"origin": src, "path": src}
    if warnings:
        doc_meta["warnings"] = warnings
    kind = kind or _kind(p)
    return _make_doc(
        text, source=str(meta.get("source") or src), id=_stem(p),
        published=published or meta.get("published"), title=meta.get("title"), meta=doc_meta,
        force_html=True if kind == "html" else None,
    )


def _open_binary(path: Path):
    if path.name.lower().endswith(".gz"):
        from isal import igzip

        return igzip.open(path, "rb")
    return open(path, "rb")


def read_jsonl(path: str | Path, *, published: str | None = None,
               max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[RawDocument | ReadFailure]:
    """Stream one document per JSON line: {id, text | html, published, source, title, url}."""
    p = Path(path)
    src = str(path)
    try:
        fh = _open_binary(p)
    except OSError as e:
        yield ReadFailure(src, e.strerror or str(e))
        return
    n_content = 0  # non-blank lines seen
    lineno = 0
    with fh:
        while True:
            lineno += 1
            where = f"{src}:{lineno}"
            try:
                line = fh.readline(max_bytes + 1)
            except (OSError, EOFError, ValueError) as e:  # truncated / corrupt gzip
                n_content += 1  # the file is not empty: it is broken, and this says so
                yield ReadFailure(where, f"cannot read further ({str(e).splitlines()[0] or type(e).__name__})")
                break
            if not line:
                break
            if len(line) > max_bytes and not line.endswith(b"\n"):
                # Skip the rest of the oversized line in bounded chunks.
                skipped = len(line)
                while True:
                    chunk = fh.readline(1 << 20)
                    skipped += len(chunk)
                    if not chunk or chunk.endswith(b"\n"):
                        break
                n_content += 1
                yield ReadFailure(where, f"line is {_mb(skipped)}, over the {_mb(max_bytes)} limit per document")
                continue
            if not line.strip():
                continue
            n_content += 1
            warning = None
            try:
                obj = orjson.loads(line)
            except orjson.JSONDecodeError as e:
                try:  # invalid UTF-8 inside an otherwise good line: replace and say so
                    obj = orjson.loads(line.decode("utf-8", errors="replace"))
                    warning = "invalid UTF-8 replaced"
                except orjson.JSONDecodeError:
                    yield ReadFailure(where, f"malformed JSON line ({str(e).splitlines()[0]})")
                    continue
            if not isinstance(obj, dict):
                yield ReadFailure(where, f"expected a JSON object, got {type(obj).__name__}")
                continue
            content = obj.get("text")
            is_html = False
            if not (isinstance(content, str) and content.strip()):
                content, is_html = obj.get("html"), True
            if not (isinstance(content, str) and content.strip()):
                yield ReadFailure(where, "no text or html")
                continue
            if "\x00" in content:
                yield ReadFailure(where, "binary content (NUL characters)")
                continue
            meta = {"origin": where}
            if obj.get("url"):
                meta["url"] = obj["url"]
            if warning:
                meta["warnings"] = [warning]
            doc_id = obj.get("id")
            yield _make_doc(
                content, source=str(obj.get("url") or obj.get("source") or where),
                id=str(doc_id) if doc_id not in (None, "") else None,
                published=published or obj.get("published"), title=obj.get("title"), meta=meta,
                force_html=True if is_html else None,
            )
    if n_content == 0:
        yield ReadFailure(src, "empty file (no JSON lines)")


def iter_files(root: Path, recursive: bool = True) -> Iterator[Path]:
    """Readable documents under a folder, in a stable (sorted) order, sidecars excluded."""
    it = root.rglob("*") if recursive else root.glob("*")
    for p in sorted(it):
        if p.is_file() and _kind(p) is not None and not any(part.startswith(".") for part in p.relative_to(root).parts):
            yield p


def read_paths(paths: Iterable[str | Path] | str | Path, *, published: str | None = None,
               recursive: bool = True, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[RawDocument | ReadFailure]:
    """Files and folders -> documents, one failure per unreadable input, in input order.

    Folders are walked (recursively by default) for .txt/.html/.jsonl(.gz) files; the
    path "-" is one document read from standard input;
    *.meta.json and *.gold.json are sidecars, not documents. A file named explicitly
    with another suffix is read as text or HTML (detected). ``published`` overrides
    every document's own date.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    for raw in paths:
        if str(raw) == "-":
            yield read_stdin(published=published, max_bytes=max_bytes)
            continue
        p = Path(raw)
        if p.is_dir():
            found = False
            for f in iter_files(p, recursive):
                found = True
                yield from _read_one(f, published, max_bytes)
            if not found:
                yield ReadFailure(str(raw), "folder holds no .txt, .html or .jsonl documents")
        elif p.is_file():
            if p.name.lower().endswith(SIDECAR_SUFFIXES):
                yield ReadFailure(str(raw), "metadata/gold sidecar, not a document")
                continue
            yield from _read_one(p, published, max_bytes)
        elif p.exists():
            yield ReadFailure(str(raw), "not a regular file")
        else:
            yield ReadFailure(str(raw), "no such file or folder")


def read_stdin(*, published: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
               stream=None) -> RawDocument | ReadFailure:
    """Read one document (text or HTML) from standard input, the path "-"."""
    import sys

    stream = stream if stream is not None else sys.stdin.buffer
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        return ReadFailure("<stdin>", f"input is over the {_mb(max_bytes)} limit per document")
    if not data.strip():
        return ReadFailure("<stdin>", "empty input")
    why = binary_reason(data[:8192])
    if why:
        return ReadFailure("<stdin>", why.replace("file", "input"))
    text, warning = decode_bytes(data)
    meta = {"origin": "<stdin>"}
    if warning:
        meta["warnings"] = [warning]
    return _make_doc(text, source="<stdin>", id=None, published=published, title=None, meta=meta)


def _read_one(p: Path, published, max_bytes) -> Iterator[RawDocument | ReadFailure]:
    if _kind(p) == "jsonl":
        yield from read_jsonl(p, published=published, max_bytes=max_bytes)
    else:
        yield read_file(p, published=published, max_bytes=max_bytes)
