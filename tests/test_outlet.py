"""The outlet is named once, by what the page says it is; teasers for other articles leave the text.

Pages made for the tests cover each rule (and a case each rule must leave
alone); the extraction benchmark's real pages that showed the problems are
checked too when ../shared is present. All go through one run of the real
``unspin analyze`` command.
"""

from __future__ import annotations

import json

import pytest
from conftest import AEB, need, run_cli

BODY = [
    "The harbour board of Lindenport voted on Tuesday evening to close the old ferry pier for repairs, after "
    "engineers found that three of its oak pilings had rotted through.",
    "Board chair Marit Olsen said the closure would last at least eleven weeks, and that commuters would be "
    "moved to a temporary landing next to the fish market.",
    "Local shop owners near the pier told the meeting they feared a quiet winter, since most of their "
    "customers arrive on the morning boats from the islands across the bay.",
    "The repair budget of 2.4 million crowns will come from the port's reserve fund, so no new fees are "
    "planned for ferry passengers this year, the board confirmed.",
]
TEASERS = [
    "Island ferry timetable changes for the winter season",
    "Fish market opens a new cold store next month",
    "Bay islands ask for a second morning boat service",
]


def page(head: str, teasers: str = "") -> str:
    paragraphs = [f"<p>{p}</p>" for p in BODY]
    paragraphs.insert(2, teasers)
    return (f"<html lang='en'><head>{head}</head><body><article><h1>Ferry pier to close</h1>"
            f"{''.join(paragraphs)}</article></body></html>")


TEASER_BLOCK = (
    "<p><strong>DON'T MISS</strong></p><p>"
    f"<a href='/news/101'>{TEASERS[0]}</a> [<strong>INSIGHT]|</strong><br>"
    f"<a href='/news/102'>{TEASERS[1]}</a> [<strong>VIDEO]</strong><br>"
    f"<a href='/news/103'>{TEASERS[2]}</a> [<strong>REACTION]</strong></p>"
)
PAGES = {
    # Teaser headlines with a tag after each link, in the middle of the body.
    "teasers.html": page("<title>Ferry pier to close</title>", TEASER_BLOCK),
    # The site's name after the headline, named by og:site_name.
    "suffix-site-name.html": page(
        "<meta property='og:title' content='Ferry pier to close | Lindenport Courier'>"
        "<meta property='og:site_name' content='Lindenport Courier'>"),
    # The site's name after the headline, named only by the host.
    "suffix-host.html": page(
        "<title>Ferry pier to close - Quayside News</title>"
        "<link rel='canonical' href='https://www.quaysidenews.example/2026/ferry-pier'>"),
    # A last segment that is not the site's name stays.
    "suffix-kept.html": page(
        "<meta property='og:title' content='Ferry pier to close | Editorial'>"
        "<meta property='og:site_name' content='Lindenport Courier'>"),
    # og:site_name is the hosting's subdomain: the outlet is the registered domain.
    "hosting.html": page(
        "<meta property='og:title' content='Ferry pier to close'><title>Ferry pier to close | Hosted</title>"
        "<meta property='og:site_name' content='Hosted'>"
        "<link rel='canonical' href='https://hosted.wirenews.example/courier/article/ferry-pier'>"),
    # ... and the JSON-LD publisher's name when the page declares one.
    "hosting-publisher.html": page(
        "<meta property='og:site_name' content='Hosted'><title>Ferry pier to close</title>"
        "<link rel='canonical' href='https://hosted.wirenews.example/courier/article/ferry-pier'>"
        "<script type='application/ld+json'>{\"@type\": \"NewsArticle\", \"headline\": \"Ferry pier to close\","
        " \"publisher\": {\"@type\": \"Organization\", \"name\": \"Wire News Agency\"}}</script>"),
    # A byline that goes on with the outlet's name ...
    "byline-outlet.html": page(
        "<title>Ferry pier to close</title><meta property='og:site_name' content='Lindenport Courier'>"
        "<meta name='author' content='Marit Solberg. Lindenport Courier'>"),
    # ... and one that names another outlet, which stays.
    "byline-other.html": page(
        "<title>Ferry pier to close</title><meta property='og:site_name' content='Lindenport Courier'>"
        "<meta name='author' content='Marit Solberg, Harbour Weekly'>"),
}
REAL = {
    "national-review": "f5c90a6d5253c3a21ff3168c64bea4b5ffade7a1ba5bed952a59ebee0d648d98",
    "ap": "82b6d780c792df78dcfb00484d50c86fbc7f324a9eb5835b7615f028edb9a574",
    "sputnik": "1f765c48780665e89cc3af1f7c9af47876e9fae9b5be4a936b0649e10f5e3198",
    "express": "624fcd903d56fc7055fa7097b330629450c095ad6937318deb027be7803bbf35",
}


@pytest.fixture(scope="module")
def read(tmp_path_factory):
    folder = tmp_path_factory.mktemp("outlets")
    for name, html in PAGES.items():
        (folder / name).write_text(html, encoding="utf-8")
    if AEB.exists():
        for name, page_id in REAL.items():
            (folder / f"{name}.html.gz").write_bytes((AEB / "html" / f"{page_id}.html.gz").read_bytes())
    result = run_cli("analyze", str(folder), "--format", "json", "--jobs", "1", timeout=900)
    assert result.returncode == 0, result.stderr.decode()
    return {d["source"]["name"].rsplit("/", 1)[-1]: d for d in json.loads(result.stdout)}


def test_teaser_headlines_go_to_the_furniture(read):
    doc = read["teasers.html"]
    assert doc["text"].split("\n\n") == BODY
    navigation = [f["text"] for f in doc["furniture"] if f["kind"] == "navigation"]
    for teaser in TEASERS:
        assert any(n.startswith(teaser) for n in navigation), navigation


def test_title_loses_the_site_name(read):
    assert read["suffix-site-name.html"]["meta"]["title"] == "Ferry pier to close"
    assert read["suffix-host.html"]["meta"]["title"] == "Ferry pier to close"
    assert read["suffix-kept.html"]["meta"]["title"] == "Ferry pier to close | Editorial"


def test_hosting_subdomain_is_not_the_outlet(read):
    assert read["hosting.html"]["meta"]["site"] == "wirenews.example"
    assert read["hosting.html"]["meta"]["title"] == "Ferry pier to close"
    assert read["hosting-publisher.html"]["meta"]["site"] == "Wire News Agency"


def test_byline_is_split_at_the_outlet_name(read):
    assert read["byline-outlet.html"]["meta"]["byline"] == "Marit Solberg"
    assert read["byline-other.html"]["meta"]["byline"] == "Marit Solberg, Harbour Weekly"


def test_benchmark_pages(read):
    need(AEB)
    assert read["national-review.html.gz"]["meta"]["title"] == "The Impeachment Clock"
    assert read["ap.html.gz"]["meta"]["site"] == "ap.org"
    assert read["sputnik.html.gz"]["meta"]["byline"] == "Finian Cunningham"
    express = read["express.html.gz"]
    assert "[INSIGHT]" not in express["text"] and "[VIDEO]" not in express["text"]
    assert any("[INSIGHT]" in f["text"] for f in express["furniture"])
