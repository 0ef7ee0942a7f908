"""Readers: files, folders, sidecars, JSONL(.gz), HTML detection, encodings, size caps."""

from __future__ import annotations

import gzip
import json
import tracemalloc

from pactwatch.io import (
    RawDocument, ReadFailure, decode_bytes, looks_like_html, normalize_date, read_paths, read_text,
)

ARTICLE = (
    "The United States and Ukraine signed a strategic defense framework on Tuesday.\n\n"
    "The framework covers cyber defense and intelligence sharing, officials said.\n"
)


def docs(items):
    return [x for x in items if isinstance(x, RawDocument)]


def fails(items):
    return [x for x in items if isinstance(x, ReadFailure)]


def test_text_file_with_sidecar_meta(tmp_path):
    (tmp_path / "story.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "story.meta.json").write_text(
        json.dumps({"published": "2021-09-01", "source": "https://example.org/a", "title": "US, Ukraine sign"}),
        encoding="utf-8")
    (tmp_path / "story.gold.json").write_text("{}", encoding="utf-8")
    out = list(read_paths([tmp_path]))
    assert len(out) == 1  # the sidecars are not documents
    d = out[0]
    assert d.id == "story" and d.text == ARTICLE and d.html is None
    assert d.published == "2021-09-01" and d.source == "https://example.org/a" and d.title == "US, Ukraine sign"
    assert d.origin.endswith("story.txt")


def test_published_argument_overrides_metadata(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "a.meta.json").write_text(json.dumps({"published": "2021-09-01"}), encoding="utf-8")
    (d,) = read_paths([tmp_path / "a.txt"], published="2020-01-02")
    assert d.published == "2020-01-02"


def test_folders_recurse_in_sorted_order_and_skip_hidden(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "a.html").write_text("<html><body><p>" + ARTICLE + "</p></body></html>", encoding="utf-8")
    (tmp_path / ".cache").mkdir()
    (tmp_path / ".cache" / "x.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "notes.csv").write_text("a,b\n", encoding="utf-8")
    ids = [d.id for d in read_paths([tmp_path])]
    assert ids == ["a", "z"]
    assert [d.id for d in read_paths([tmp_path], recursive=False)] == ["a"]


def test_html_file_goes_to_html_field(tmp_path):
    page = "<html><head><title>T</title></head><body><p>" + ARTICLE + "</p></body></html>"
    (tmp_path / "p.html").write_text(page, encoding="utf-8")
    (d,) = read_paths([tmp_path / "p.html"])
    assert d.html == page and d.text is None


def test_looks_like_html():
    assert looks_like_html("<!DOCTYPE html><html><body>x</body></html>")
    assert looks_like_html("<div><p>One</p><p>Two</p></div>")
    # plain text quoting a tag is still text
    assert not looks_like_html("Use the <p> element for paragraphs, the guide says.")
    assert not looks_like_html(ARTICLE)


def test_read_text_detects_html_and_keeps_fields():
    t = read_text(ARTICLE, source="wire", published="2021-09-01T08:00:00Z", title=" Headline ", id="x1")
    assert t.text == ARTICLE and t.html is None and t.published == "2021-09-01"
    assert t.title == "Headline" and t.id == "x1" and t.source == "wire"
    h = read_text("<html><body><p>Hi there.</p></body></html>")
    assert h.html is not None and h.text is None and h.source == "<text>"


def test_normalize_date():
    assert normalize_date("2021-09-01") == "2021-09-01"
    assert normalize_date("2021-09-01T12:49:00+00:00") == "2021-09-01"
    assert normalize_date("2021-02-30") is None
    assert normalize_date("Sept 2021") is None
    assert normalize_date(None) is None


def test_jsonl_streams_documents_and_names_bad_lines(tmp_path):
    lines = [
        json.dumps({"id": "n1", "text": ARTICLE, "published": "2021-09-01", "source": "wire", "title": "A"}),
        "",
        '{"id": "n2", "text": "broken"',
        json.dumps({"id": "n3", "html": "<html><body><p>" + ARTICLE + "</p></body></html>"}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"id": "n5", "title": "no body"}),
        json.dumps({"text": ARTICLE, "url": "https://example.org/x"}),
    ]
    p = tmp_path / "feed.jsonl"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = list(read_paths([p]))
    good = docs(out)
    assert [d.id for d in good] == ["n1", "n3", None]
    assert good[0].published == "2021-09-01" and good[0].source == "wire" and good[0].title == "A"
    assert good[1].html and good[1].text is None
    assert good[2].source == "https://example.org/x" and good[2].origin == f"{p}:7"
    msgs = [str(f) for f in fails(out)]
    assert msgs[0].startswith(f"{p}:3: malformed JSON line (")
    assert msgs[1] == f"{p}:5: expected a JSON object, got list"
    assert msgs[2] == f"{p}:6: no text or html"
    assert all("\n" not in m for m in msgs)


def test_jsonl_gz_is_read_with_constant_memory(tmp_path):
    p = tmp_path / "big.jsonl.gz"
    body = ("Officials met in Geneva to discuss the accord. " * 40).strip()
    with gzip.open(p, "wt", encoding="utf-8") as fh:
        for i in range(3000):
            fh.write(json.dumps({"id": f"d{i}", "text": body}) + "\n")
    tracemalloc.start()
    n = 0
    for item in read_paths([p]):
        assert isinstance(item, RawDocument)
        n += 1
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert n == 3000
    # ~6 MB of text went through; a streaming reader never holds more than a few documents.
    assert peak < 2_000_000


def test_oversized_jsonl_line_is_skipped_without_loading_it(tmp_path):
    p = tmp_path / "feed.jsonl"
    big = json.dumps({"id": "big", "text": "x " * 40_000})
    p.write_text(json.dumps({"id": "ok", "text": ARTICLE}) + "\n" + big + "\n"
                 + json.dumps({"id": "ok2", "text": ARTICLE}) + "\n", encoding="utf-8")
    out = list(read_paths([p], max_bytes=10_000))
    assert [d.id for d in docs(out)] == ["ok", "ok2"]
    (f,) = fails(out)
    assert f.source == f"{p}:2" and "over the" in f.reason


def test_invalid_utf8_mostly_utf8_is_replaced_with_a_warning(tmp_path):
    data = "Kyiv – the “framework” was signed by both ministers. ".encode() * 3 + b"\xff\xfe bad\n"
    p = tmp_path / "a.txt"
    p.write_bytes(data)
    (d,) = read_paths([p])
    assert "\ufffd" in d.text and "“framework”" in d.text
    assert d.meta["warnings"][0].startswith("invalid UTF-8 at byte")


def test_legacy_single_byte_encoding_is_detected():
    text = "The ministers’ accord – signed in Zürich – covers café exports and crème products. " * 5
    out, warning = decode_bytes(text.encode("cp1252"))
    assert "Zürich" in out and "café" in out
    assert warning and warning.startswith("not valid UTF-8; decoded as")


def test_html_declared_charset_is_used():
    page = '<html><head><meta charset="windows-1251"></head><body><p>Москва и Ереван подписали соглашение.</p></body></html>'
    out, warning = decode_bytes(page.encode("cp1251"))
    assert "Москва и Ереван" in out and warning == "not valid UTF-8; decoded as declared windows-1251"


def test_bom_and_utf16():
    assert decode_bytes("\ufeffHello".encode("utf-8")) == ("Hello", None)
    assert decode_bytes("Hello accord".encode("utf-16")) == ("Hello accord", None)


def test_missing_path_and_explicit_sidecar(tmp_path):
    (tmp_path / "a.meta.json").write_text("{}", encoding="utf-8")
    out = list(read_paths([tmp_path / "nope.txt", tmp_path / "a.meta.json"]))
    assert [str(f) for f in out] == [
        f"{tmp_path / 'nope.txt'}: no such file or folder",
        f"{tmp_path / 'a.meta.json'}: metadata/gold sidecar, not a document",
    ]


def test_broken_sidecar_is_a_warning_not_a_failure(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "a.meta.json").write_text("{not json", encoding="utf-8")
    (d,) = read_paths([tmp_path])
    assert d.published is None
    assert d.meta["warnings"][0].startswith("a.meta.json: unreadable metadata ignored")


def test_unknown_suffix_named_explicitly_is_read(tmp_path):
    p = tmp_path / "story.article"
    p.write_text(ARTICLE, encoding="utf-8")
    (d,) = read_paths([p])
    assert d.text == ARTICLE and d.id == "story"


def test_stdin_document():
    import io as _io

    from pactwatch.io import read_stdin

    d = read_stdin(stream=_io.BytesIO(ARTICLE.encode()), published="2021-09-01")
    assert d.text == ARTICLE and d.source == "<stdin>" and d.published == "2021-09-01"
    assert str(read_stdin(stream=_io.BytesIO(b"  \n"))) == "<stdin>: empty input"
    assert str(read_stdin(stream=_io.BytesIO(b"x" * 20), max_bytes=10)).startswith("<stdin>: input is over the")
