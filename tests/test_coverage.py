"""Nothing of the article is lost: what is not in the text is in the furniture.

Checked on a page made for the test that reproduces RT's layout (a lead set
as bare text in a ``<div>`` beside the body's container, which trafilatura
never reads), and on RT's real page in the extraction benchmark when
../shared is present. Both go through the real ``unspin analyze`` command.
Coverage is checked independently of unspin's own code: every text node of
the element around the headline and the body, and every line trafilatura
itself returns, must have its words in the text or in some furniture.
"""

from __future__ import annotations

import gzip
import json
import re

import pytest
import trafilatura
from conftest import AEB, need, run_cli
from lxml import html as lxml_html

RT_PAGE = "4a44ab3e4c41d56ce9b79eb07acb06aed1bc52aba68a950f06e7de7ef848400a"

LEAD = ("The harbour board of Lindenport voted to close the old ferry pier for eleven weeks, after engineers "
        "found that three of its oak pilings had rotted through.")
BODY = [
    "Board chair Marit Olsen said commuters would be moved to a temporary landing next to the fish market "
    "while the pilings are replaced, and that the morning timetable would not change.",
    "Local shop owners near the pier told the meeting they feared a quiet winter, since most of their "
    "customers arrive on the morning boats from the islands across the bay.",
    "The repair budget of 2.4 million crowns will come from the port's reserve fund, so no new fees are "
    "planned for ferry passengers this year, the board confirmed.",
    "Work on the pier is due to begin on the first Monday of December, weather permitting, the board said.",
]
#: The layout that lost RT's lead: breadcrumbs, headline, date and a short link, then the lead as bare
#: text in a <div>, then the body's <p>s in a sibling <div> (the one trafilatura reads), then tags.
PAGE = (
    "<html lang='en'><head><title>Ferry pier to close for repairs</title>"
    "<meta property='og:site_name' content='Lindenport Courier'></head><body>"
    "<header><nav><a href='/'>Home</a> <a href='/news'>News</a> <a href='/sport'>Sport</a></nav></header>"
    "<div class='layout'><div class='article'>"
    "<div class='breadcrumbs'><a href='/'>Home</a><a href='/local'>Local News</a></div>"
    "<h1 class='article__heading'>Ferry pier to close for repairs</h1>"
    "<span class='date'>20 Nov, 2019 05:47</span>"
    "<div class='short-url'><a href='https://s.example/a1'>Get short URL</a></div>"
    f"<div class='article__summary summary'>\n        {LEAD}\n    </div>"
    "<div class='article__text text'>" + "".join(f"<p>{p}</p>" for p in BODY) + "</div>"
    "<div class='tags'><strong>Trends:</strong><a href='/t/harbour'>Harbour news</a></div>"
    "</div></div><footer><p>Lindenport Courier, 4 Quay Street</p></footer></body></html>"
)


def key(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def covered_by(doc: dict) -> str:
    return " " + " | ".join(key(t) for t in [doc["text"], *(f["text"] for f in doc["furniture"])]) + " "


def text_nodes(root) -> list[str]:
    """Every visible text node under ``root`` (scripts and styles excluded)."""
    out = []
    for el in root.iter():
        if el.tag in ("script", "style", "noscript") or not isinstance(el.tag, str):
            continue
        if el.text and el.text.strip():
            out.append(el.text)
    for el in root.iter():
        if el is not root and isinstance(el.tag, str) and el.tail and el.tail.strip():
            out.append(el.tail)
    return out


def article_element(tree, lead: str):
    """The lowest element holding both the headline and the lead: the article as a reader sees it."""
    h1 = tree.find(".//h1")
    lead_el = next(el for el in tree.iter() if isinstance(el.tag, str) and el.tag not in ("script", "style")
                   and el.text and lead[:40] in el.text)
    h1_line = {id(a) for a in h1.iterancestors()}
    return next(a for a in lead_el.iterancestors() if id(a) in h1_line)


def trafilatura_lines(page: str) -> list[str]:
    """What trafilatura returns for the page, in both of the passes unspin uses."""
    lines = []
    for fast in (True, False):
        found = trafilatura.bare_extraction(page, fast=fast, favor_precision=True, include_comments=False,
                                            include_tables=True)
        lines += [line for line in (found.text if found else "").splitlines() if line.strip()]
    return lines


def assert_covered(doc: dict, page: str, lead: str):
    haystack = covered_by(doc)
    tree = lxml_html.fromstring(page)
    missing = [t.strip() for t in text_nodes(article_element(tree, lead)) if f" {key(t)} " not in haystack
               and key(t)]
    assert not missing, f"in neither the text nor the furniture: {missing}"
    lost = [line for line in trafilatura_lines(page) if f" {key(line)} " not in haystack]
    assert not lost, f"trafilatura returned these, unspin kept them nowhere: {lost}"


@pytest.fixture(scope="module")
def read(tmp_path_factory):
    folder = tmp_path_factory.mktemp("coverage")
    (folder / "made.html").write_text(PAGE, encoding="utf-8")
    if AEB.exists():
        (folder / "rt.html.gz").write_bytes((AEB / "html" / f"{RT_PAGE}.html.gz").read_bytes())
    result = run_cli("analyze", str(folder), "--format", "json", "--jobs", "1", timeout=600)
    assert result.returncode == 0, result.stderr.decode()
    return {d["source"]["name"].rsplit("/", 1)[-1]: d for d in json.loads(result.stdout)}


def test_lead_beside_the_body_container_is_in_the_text(read):
    doc = read["made.html"]
    assert doc["text"].split("\n\n") == [LEAD, *BODY]


def test_made_page_text_and_furniture_cover_every_block(read):
    doc = read["made.html"]
    assert_covered(doc, PAGE, LEAD)
    kinds = {f["text"]: f["kind"] for f in doc["furniture"]}
    assert kinds["Get short URL"] == "navigation"
    assert kinds["20 Nov, 2019 05:47"] == "unclassified"
    # The site's own menu and footer are outside the article: not the article's furniture.
    assert "Lindenport Courier, 4 Quay Street" not in kinds


def test_rt_lead_is_read_and_nothing_of_the_article_is_lost(read):
    need(AEB)
    doc = read["rt.html.gz"]
    page = gzip.decompress((AEB / "html" / f"{RT_PAGE}.html.gz").read_bytes()).decode("utf-8")
    lead = "Three people have died during protests in Bolivia"
    assert doc["text"].startswith(lead)
    assert_covered(doc, page, lead)
