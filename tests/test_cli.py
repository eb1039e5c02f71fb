import json

from conftest import EXAMPLES

from unspin.document import Document, Span
from unspin.report.html import render, segments

EXAMPLE_FILES = [str(EXAMPLES / "harbour-strike.txt"), str(EXAMPLES / "harbour-strike.html")]
HOSTILE = "<script>alert(1)</script> <img src=x onerror=alert(1)> <a href=\"javascript:alert(1)\">x</a>"


def test_text_report(cli):
    result = cli("analyze", *EXAMPLE_FILES)
    assert result.returncode == 0, result.stderr.decode()
    out = result.stdout.decode()
    assert "Port Strike Spreads Along The Baltic" in out
    assert "fundraising" in out and "call_to_action" in out and "caption" in out
    assert "characters" in out


def test_jsonl_and_json_formats(cli, tmp_path):
    result = cli("analyze", *EXAMPLE_FILES, "--format", "jsonl")
    docs = [Document.loads(line) for line in result.stdout.decode().splitlines()]
    assert len(docs) == 2 and all(d.meta.language == "en" for d in docs)
    out = tmp_path / "docs.json"
    result = cli("analyze", *EXAMPLE_FILES, "--format", "json", "--out", str(out))
    assert result.returncode == 0 and result.stdout == b""
    loaded = json.loads(out.read_text())
    assert isinstance(loaded, list) and [d["id"] for d in loaded] == [d.id for d in docs]


def test_html_report_escapes_article_content(cli, tmp_path):
    page = tmp_path / "hostile.txt"
    page.write_text(
        f"Headline {HOSTILE}\n\n"
        f"The council met on Monday and {HOSTILE} was printed in the minutes of the long meeting.\n"
    )
    out = tmp_path / "report.html"
    result = cli("analyze", str(page), "--format", "html", "--out", str(out))
    assert result.returncode == 0, result.stderr.decode()
    html = out.read_text()
    assert "<script>alert" not in html and "<img src=x" not in html and 'href="javascript:' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "script-src 'none'" in html


def test_html_highlights_are_built_from_escaped_segments():
    doc = Document(f"Before {HOSTILE} after")
    doc.set_layer("techniques", [Span(7, 15, "Loaded_Language", 0.8, attrs={"cue": "<b>"})])
    doc.set_layer("entities", [Span(0, 10, 'GPE" onmouseover="x', 0.9)])
    cuts = segments(doc)
    assert "".join(s.text for s in cuts) == doc.text
    assert [s.classes for s in cuts[:3]] == [
        ("l-entities",),
        ("l-entities", "l-techniques", "t-loaded-language"),
        ("l-techniques", "t-loaded-language"),
    ]
    html = render([doc])
    assert "<mark" in html and "<script>" not in html and 'onmouseover="x' not in html


def test_version_and_help(cli):
    assert cli("--version").stdout.decode().startswith("unspin ")
    helptext = cli("analyze", "--help").stdout.decode()
    assert "--format" in helptext and "--input-format" in helptext and "Exit status" in helptext
