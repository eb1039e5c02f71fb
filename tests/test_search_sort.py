"""Search results by rank or by date (`unspin search --sort`, the search page, /api/search), on both engines."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from test_store import corpus

from unspin.web.app import create_app


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path, cli):
    url = str(tmp_path / "corpus.db") if request.param == "sqlite" else request.getfixturevalue("postgres_db")
    lines = tmp_path / "docs.jsonl"
    lines.write_text("".join(d.dumps() + "\n" for d in corpus()), encoding="utf-8")
    done = cli("ingest", "--no-progress", "--db", url, str(lines))
    assert done.returncode == 0, done.stderr.decode()
    return url


def newest_first(ids: set[str]) -> list[str]:
    """By publication date, newest first; a tie by storage order (the ingest order), newest first."""
    order = [d for d in corpus() if d.id in ids]
    stored = {d.id: i for i, d in enumerate(corpus())}
    return [d.id for d in sorted(order, key=lambda d: (d.meta.published, stored[d.id]), reverse=True)]


def ids(out: bytes) -> list[str]:
    return [json.loads(line)["id"] for line in out.decode().splitlines()]


def test_sort_by_date_or_rank(db, cli):
    ranked = cli("search", "Kessmouth", "--json", "--db", db)
    dated = cli("search", "Kessmouth", "--json", "--sort", "date", "--db", db)
    assert ranked.returncode == 0 and dated.returncode == 0, dated.stderr.decode()
    assert len(ids(ranked.stdout)) == 4
    assert ids(dated.stdout) == newest_first(set(ids(ranked.stdout)))
    assert ids(ranked.stdout) != ids(dated.stdout)  # the title match ranks first; it is the oldest
    assert ids(ranked.stdout)[0] == next(d.id for d in corpus() if d.meta.title == "Kessmouth picks a mayor")
    paged = cli("search", "Kessmouth", "--json", "--sort", "date", "--limit", "2", "--offset", "2", "--db", db)
    assert ids(paged.stdout) == ids(dated.stdout)[2:]
    bad = cli("search", "Kessmouth", "--sort", "size", "--db", db)
    assert bad.returncode == 2 and "size" in bad.stderr.decode()


class _Links(HTMLParser):
    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []
        self.titles: list[str] = []
        self._in_title = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs.extend(v for k, v in attrs if k == "href" and v)
        if tag == "h2":
            self._in_title = True

    def handle_data(self, data):
        if self._in_title and data.strip():
            self.titles.append(data.strip())
            self._in_title = False


def test_the_search_page_sorts_by_date_and_keeps_it(db):
    titles = {d.id: d.meta.title for d in corpus()}
    with TestClient(create_app(db)) as client:
        api = client.get("/api/search", params={"q": "Kessmouth", "sort": "date"}).json()
        assert [h["id"] for h in api["hits"]] == newest_first({h["id"] for h in api["hits"]})
        page = client.get("/", params={"q": "Kessmouth"})
        links = _Links(page.text)
        to_date = [h for h in links.hrefs if parse_qs(urlsplit(h).query).get("sort") == ["date"]]
        assert to_date == ["/?" + urlsplit(to_date[0]).query] and len(to_date) == 1
        dated = _Links(client.get(to_date[0]).text)
        assert dated.titles == [titles[i] for i in newest_first({h["id"] for h in api["hits"]})]
        facet_links = [h for h in dated.hrefs if h.startswith("/?") and "outlet%3A" in h]
        assert facet_links and all(parse_qs(urlsplit(h).query)["sort"] == ["date"] for h in facet_links)
        assert client.get("/", params={"q": "Kessmouth", "sort": "size"}).status_code == 400
        assert client.get("/api/search", params={"q": "Kessmouth", "sort": "size"}).status_code == 422
