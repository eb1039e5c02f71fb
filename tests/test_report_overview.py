"""Reports on many inputs: the HTML report opens with an index, the terminal report ends with a summary table.

Both through the real command, on the bundled examples, a hostile page of
our own and two inputs that fail; the HTML index is followed in Chromium.
"""

from __future__ import annotations

import json
import re

import pytest

from conftest import EXAMPLES

HOSTILE_TITLE = '<script>alert("t")</script> Harbour & "quay" <img src=x onerror=alert(2)>'
HOSTILE = (
    "<html lang='en'><head><meta charset='utf-8'>"
    f"<title>{HOSTILE_TITLE.replace('<', '&lt;')}</title>"
    "<meta property='og:site_name' content='&lt;b onmouseover=alert(3)&gt;Quay Post'>"
    "<link rel='canonical' href='https://quay-post.example/2026/11/20/pier'></head><body><article>"
    "<p>The northern pier closed on Monday after divers found rotten pilings under its deck, the harbour "
    "authority said.</p>"
    "<p>Ferries will dock at the southern quay for eleven weeks, and officials may extend the closure if the "
    "survey finds more damage.</p></article></body></html>"
)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("overview")
    (folder / "hostile.html").write_text(HOSTILE, encoding="utf-8")
    (folder / "<empty>.txt").write_bytes(b"")
    return {
        "html": str(EXAMPLES / "harbour-strike.html"),
        "text": str(EXAMPLES / "harbour-strike.txt"),
        "hostile": str(folder / "hostile.html"),
        "empty": str(folder / "<empty>.txt"),
        "missing": str(folder / "missing.html"),
    }


@pytest.fixture(scope="module")
def documents(inputs) -> list[dict]:
    """The same inputs as unspin/1 JSON: the figures each report must show."""
    from conftest import run_cli

    done = run_cli("analyze", "--no-progress", "--jobs", "1", "--format", "json", *inputs.values(), timeout=600)
    assert done.returncode == 1, done.stderr.decode()
    docs = json.loads(done.stdout)
    assert len(docs) == 3
    return docs


def figures(doc: dict) -> dict:
    modality = doc["layers"].get("modality", [])
    events = doc["layers"].get("events", [])
    return {
        "words": len(doc["text"].split()),
        "entities": len(doc["layers"].get("entities", [])),
        # events, not mentions: "the strike" after "stopped work" is one event named twice
        "events": len({e["attrs"]["event"] for e in events if e["attrs"].get("event")})
        + sum(1 for e in events if not e["attrs"].get("event")),
        "techniques": len(doc["layers"].get("techniques", [])),
        "speculative": sum(1 for s in modality if s["label"] == "speculative"),
        "sentences": len(modality),
    }


def table_rows(lines: list[str]) -> list[list[str]]:
    """The body rows of a rich table as printed, each cell's wrapped lines joined, white space dropped."""
    rows, block = [], []
    for line in lines + [""]:
        if line.startswith("│"):
            block.append(line.strip()[1:-1].split("│"))
        elif block:
            rows.append([re.sub(r"\s", "", "".join(col)) for col in zip(*block)])
            block = []
    return rows


def test_text_report_ends_with_a_summary_table(cli, inputs, documents):
    done = cli("analyze", "--no-progress", "--jobs", "1", *inputs.values(), timeout=600)
    assert done.returncode == 1
    out = done.stdout.decode()
    summary = out[out.rindex("summary: 3 document(s) read, 2 input(s) failed"):].splitlines()
    header = re.sub(r"\s", "", "".join(line for line in summary if line.startswith("┃")))
    assert header == "┃#┃document┃outlet┃date┃words┃entities┃events┃techniques┃speculative┃failure┃"
    rows = table_rows(summary)
    assert len(rows) == 5
    for n, (doc, row) in enumerate(zip(documents, rows), 1):
        f = figures(doc)
        assert row[0] == str(n) and row[1] == re.sub(r"\s", "", doc["meta"]["title"])
        assert row[4:10] == [f"{f['words']:,}", str(f["entities"]), str(f["events"]), str(f["techniques"]),
                             f"{f['speculative']}of{f['sentences']}({f['speculative'] / f['sentences']:.0%})", "—"]
    assert rows[0][2:4] == ["TheQuaysideLedger", "2026-11-15"]
    assert rows[1][2:4] == ["—", "—"]  # a text scrape: no outlet, no date
    assert rows[2][2] == "<bonmouseover=alert(3)>QuayPost"  # the terminal shows text as it is
    assert rows[3][1] == re.sub(r"\s", "", inputs["empty"]) and rows[3][9] == "[U002]emptyinput"
    assert rows[4][1] == re.sub(r"\s", "", inputs["missing"]) and rows[4][9].startswith("[U001]")

    # one input: no summary
    single = cli("analyze", "--no-progress", inputs["empty"], timeout=300)
    assert single.returncode == 1 and "summary:" not in single.stdout.decode()


def test_html_report_opens_with_an_escaped_index_whose_links_reach_their_sections(cli, inputs, documents, tmp_path,
                                                                                 page):
    report = tmp_path / "report.html"
    done = cli("analyze", "--no-progress", "--jobs", "1", "--format", "html", "--out", str(report),
               *inputs.values(), timeout=600)
    assert done.returncode == 1
    html = report.read_text(encoding="utf-8")
    index = html[html.index('<nav class="index"'):html.index("</nav>")]
    assert "3 document(s), 2 failed input(s)" in index
    assert "<script" not in html and "<img" not in html and "<b " not in html  # the hostile page's markup is text
    assert "&lt;script&gt;alert(&#34;t&#34;)&lt;/script&gt; Harbour &amp; &#34;quay&#34;" in index
    assert "&lt;b onmouseover=alert(3)&gt;Quay Post" in index
    assert "&lt;empty&gt;.txt" in index and "[U002] empty input" in index and "[U001]" in index
    for doc in documents:
        f = figures(doc)
        assert f">{f['words']:,}<" in index

    seen = {"dialogs": [], "errors": []}
    page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.set_viewport_size({"width": 1100, "height": 700})
    page.goto(report.as_uri())
    links = page.locator("nav.index table.index-table a")
    assert links.count() == 3
    titles = [d["meta"]["title"] for d in documents]
    assert [links.nth(i).inner_text() for i in range(3)] == titles  # the hostile title shown as its text
    for i in range(3):
        link = links.nth(i)
        anchor = link.get_attribute("href")
        assert anchor.startswith("#doc-")
        link.click()
        assert page.url.endswith(anchor)
        target = page.locator("article:target")
        assert target.get_attribute("id") == anchor[1:]
        assert target.locator("h1").inner_text() == titles[i]
        box = target.bounding_box()
        assert box is not None and -2 <= box["y"] < 700  # scrolled into view
        page.goto(report.as_uri())  # back to the top for the next link
    assert seen == {"dialogs": [], "errors": []}
