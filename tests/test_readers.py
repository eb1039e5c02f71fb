import io
import json

from conftest import EXAMPLES

from unspin.errors import Failure
from unspin.ingest import read_bytes, read_inputs
from unspin.ingest.sniff import sniff

ARTICLE = (
    "<p>The ferry service between the islands resumed on Monday after a week of storms, the operator said.</p>"
    "<p>Passengers queued for hours at the harbour, and extra sailings were added for the afternoon.</p>"
    "<p>The operator said repairs to the damaged pier would take another fortnight to complete.</p>"
)


def page(title: str, body: str = ARTICLE) -> bytes:
    return f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>{body}</article></body></html>".encode()


def write_warc(path, records):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=str(path).endswith(".gz"))
        for url, ctype, body in records:
            headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                          http_headers=headers))


def test_sniffing():
    assert sniff(b"WARC/1.1\r\n") == "warc"
    assert sniff(b'{"text": "x"}\n{"text": "y"}') == "jsonl"
    assert sniff(b"<!DOCTYPE html><html>") == "html"
    assert sniff(b"Just words.\nMore words <b>here</b>.") == "text"


def test_html_example_page():
    [doc] = read_inputs([str(EXAMPLES / "harbour-strike.html")])
    assert doc.meta.title == "Port strike spreads along the Baltic"
    assert doc.meta.byline == "Jonas Petrauskas"
    assert doc.meta.published == "2026-11-15"
    assert doc.meta.site == "The Quayside Ledger"
    assert doc.meta.url == "https://quayside.example/2026/11/15/port-strike-baltic"
    assert doc.meta.language == "en"
    assert doc.text.startswith("Dock workers in Gdansk")
    for boilerplate in ("Related stories", "newsletter", "Home", "Ferry fares", "Idle container cranes"):
        assert boilerplate not in doc.text
    # Besides what unspin took out of trafilatura's text, the rest of the article's part of the page.
    assert [f.kind for f in doc.furniture] == [
        "caption", "repeated_title", "byline", "navigation", "navigation", "navigation"
    ]
    assert doc.furniture[0].text.startswith("Idle container cranes")
    assert [f.text for f in doc.furniture[3:]] == ["Related stories", "Ferry fares rise again", "New terminal opens in Riga"]


def test_html_offsets_lead_back_to_the_page():
    path = EXAMPLES / "harbour-strike.html"
    source = path.read_text(encoding="utf-8")
    [doc] = read_inputs([str(path)])
    assert doc.offsets.coverage(len(doc.text)) > 0.9
    # every mapped character is the same character in the page (entities map to their '&')
    for i, ch in enumerate(doc.text):
        j = doc.offsets.to_source(i)
        if j is not None and source[j] != "&":
            assert source[j] == ch or (ch == " " and source[j].isspace())
    start = doc.text.index("4,200")
    a, b = doc.offsets.source_span(start, start + 5)
    assert source[a:b] == "4,200"


def test_warc_records(tmp_path):
    path = tmp_path / "crawl.warc.gz"
    write_warc(path, [
        ("https://a.example/1", "text/html; charset=utf-8", page("Ferry service resumes")),
        ("https://a.example/logo.png", "image/png", b"\x89PNG\r\n\x1a\n"),
        ("https://b.example/2", "text/html", page("Islands reconnected")),
    ])
    items = list(read_inputs([str(path)]))
    assert [type(i).__name__ for i in items] == ["Document", "Document"]
    assert [d.meta.url for d in items] == ["https://a.example/1", "https://b.example/2"]
    assert all(d.meta.fetched and d.source.format == "warc" for d in items)
    assert items[0].source.record == 0 and items[1].source.record > 0


def test_jsonl_text_and_html_with_metadata(tmp_path):
    path = tmp_path / "articles.jsonl"
    lines = [
        {"text": "Ferries Resume\n\nThe ferry service between the islands resumed on Monday after a week of storms.",
         "url": "https://c.example/x", "author": ["A. Writer", "B. Writer"], "published": "2026-11-02", "topic": "sea"},
        {"html": page("Pier repairs").decode(), "title": "Pier repairs to take a fortnight", "lang": "en"},
    ]
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n")
    first, second = read_inputs([str(path)])
    assert first.meta.url == "https://c.example/x"
    assert first.meta.byline == "A. Writer, B. Writer"
    assert first.meta.published == "2026-11-02"
    assert first.meta.extra["topic"] == "sea"
    assert first.text.startswith("The ferry service")
    assert second.meta.title == "Pier repairs to take a fortnight"
    assert second.source.record == 2


def test_globs_directories_and_duplicates(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.html").write_bytes(page("One"))
    (tmp_path / "a" / ".hidden.html").write_bytes(page("Hidden"))
    (tmp_path / "two.html").write_bytes(page("Two"))
    items = list(read_inputs([str(tmp_path / "*.html"), str(tmp_path), str(tmp_path / "two.html")]))
    names = [d.source.name.rsplit("/", 1)[-1] for d in items]
    assert names == ["two.html", "one.html"]
    missing = list(read_inputs([str(tmp_path / "*.xml")]))
    assert isinstance(missing[0], Failure) and "no file matches" in missing[0].reason


def test_format_override():
    html = page("Shown as text")
    [doc] = read_bytes("page", html, format="text")
    assert doc.source.format == "text"
    assert "<p>" in doc.text or "ferry" in doc.text


def test_stdin(cli):
    result = cli("analyze", "-", "--format", "json", stdin=page("From standard input"))
    assert result.returncode == 0, result.stderr.decode()
    doc = json.loads(result.stdout)
    assert doc["meta"]["title"] == "From standard input"
    assert doc["source"]["name"] == "-"


def test_utf16_page_with_bom_is_read_as_html():
    data = "\ufeff".encode("utf-16-le") + page("Wide characters").decode().encode("utf-16-le")
    [doc] = read_bytes("wide.html", data)
    assert doc.source.format == "html" and doc.meta.title == "Wide characters"
    assert doc.text.startswith("The ferry service")


def test_crlf_scrape_reads_like_lf(tmp_path):
    raw = (EXAMPLES / "harbour-strike.txt").read_text(encoding="utf-8")
    [lf] = read_bytes("lf.txt", raw.encode())
    [crlf] = read_bytes("crlf.txt", raw.replace("\n", "\r\n").encode())
    assert crlf.text == lf.text and crlf.meta.title == lf.meta.title
    assert [f.fields for f in crlf.furniture] == [f.fields for f in lf.furniture]
    source = raw.replace("\n", "\r\n")
    for i in range(0, len(crlf.text), 7):
        j = crlf.offsets.to_source(i)
        assert j is None or source[j] == crlf.text[i]


def test_warc_on_standard_input(cli, tmp_path):
    path = tmp_path / "crawl.warc.gz"
    write_warc(path, [("https://a.example/1", "text/html", page("Ferry service resumes"))])
    result = cli("analyze", "-", "--format", "jsonl", stdin=path.read_bytes())
    assert result.returncode == 0, result.stderr.decode()
    [doc] = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert doc["meta"]["url"] == "https://a.example/1" and doc["source"]["format"] == "warc"


def test_one_json_object_over_several_lines_is_one_article_and_its_body_may_be_paragraphs(tmp_path):
    # the shape of a dataset's file per article (BASIL's): pretty-printed, the body as paragraphs of sentences
    record = {"source": "harbour-post", "title": "Ferries resume", "date": "2026-11-02",
              "url": "https://harbour.example/ferries", "main-event": "ferries resume",
              "body-paragraphs": [["The ferry service resumed on Monday.",
                                   "Storms had stopped it for a week."],
                                  ["Fares are unchanged, the operator said."], []]}
    path = tmp_path / "article.json"
    path.write_text(json.dumps(record, indent=2))
    assert sniff(path.read_bytes()) == "jsonl"
    [doc] = read_inputs([str(path)])
    assert doc.text == ("The ferry service resumed on Monday. Storms had stopped it for a week.\n\n"
                        "Fares are unchanged, the operator said.")
    assert (doc.meta.title, doc.meta.published, doc.meta.site) == \
        ("Ferries resume", "2026-11-02", "harbour-post")
    assert doc.meta.extra["main-event"] == "ferries resume" and "body-paragraphs" not in doc.meta.extra
    # other tools' names for the body, one per line
    lines = tmp_path / "other.jsonl"
    lines.write_text(json.dumps({"maintext": "The pier reopened on Tuesday after repairs."}) + "\n"
                     + json.dumps({"title": "No body here"}) + "\n")
    first, second = read_inputs([str(lines)])
    assert first.text == "The pier reopened on Tuesday after repairs."
    assert isinstance(second, Failure) and second.code == "U008" and "holds no article" in second.reason
    # a text that merely opens with a brace is still text
    assert sniff(b"{Editor's note} The council met on Monday.") == "text"


def test_a_json_array_of_articles_is_one_article_per_item(tmp_path):
    items = [{"title": "Ferries resume",
              "text": "The ferry service resumed on Monday after a week of storms."},
             "not an object",
             {"headline": "Pier reopens",
              "maintext": "The pier reopened on Tuesday after three weeks of repairs."}]
    path = tmp_path / "export.json"
    path.write_text(json.dumps(items, indent=1))
    assert sniff(path.read_bytes()) == "jsonl"
    first, second, third = read_inputs([str(path)])
    assert first.meta.title == "Ferries resume" and first.source.record == 1
    assert isinstance(second, Failure) and second.code == "U008" and "item 2" in second.reason
    assert third.meta.title == "Pier reopens" and third.source.record == 3
    cut = tmp_path / "cut.json"
    cut.write_text(json.dumps(items, indent=1)[:-20])
    [failure] = read_inputs([str(cut)])
    assert isinstance(failure, Failure) and "not a whole JSON array" in failure.reason
    assert sniff(b"[1] A footnote opens this scrape.") == "text"
