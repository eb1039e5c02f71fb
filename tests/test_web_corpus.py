"""The corpus behind the web tests: the two harbour-strike examples and pages written here.

Built by the real ingest (reading, the real pipeline and models, the store), once per test module.
Among the pages: a hostile one whose title, site name, text and canonical URL carry markup and
script, a near-duplicate of the harbour-strike page from another outlet, and two more outlets.
"""

from __future__ import annotations

import html
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
JS_URL = "javascript:alert(1)"
HOSTILE_TITLE = f"Harbour board {SCRIPT} meets {IMG}"
#: A web URL that would break out of an unescaped attribute.
HOSTILE_URL = 'https://evil.example/quotas?x="><script>alert(1)</script>'
HOSTILE_SITE = f"<b>Evil</b> {SCRIPT} Gazette"


def _page(
    title: str, site: str, url: str, published: str, paragraphs: list[str], extra_body: str = ""
) -> str:
    """An article page: ``title``, ``site``, ``paragraphs`` are text (escaped); ``extra_body`` is markup."""
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    t, s, u = html.escape(title), html.escape(site), html.escape(url)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>{t}</title>
<meta property="og:title" content="{t}">
<meta property="og:site_name" content="{s}">
<meta property="og:url" content="{u}">
<link rel="canonical" href="{u}">
<meta property="article:published_time" content="{published}T09:00:00+00:00">
</head><body>
<nav><a href="/">Home</a> | <a href="/world">World</a></nav>
<main><article>
<h1>{t}</h1>
{body}
{extra_body}
</article></main>
<footer><p>&copy; 2026 {s}</p></footer>
</body></html>
"""


def hostile_page() -> str:
    paragraphs = [
        f"The harbour board met in Gdansk on Tuesday, and a leaflet reading {SCRIPT} was handed out "
        "at the door "
        "by protesters who said the port authority had betrayed every worker on the quays.",
        f"Another sign said {IMG} in large letters, and the union leader Marta Kowalczyk said the "
        "disgraceful cowards on the board could end the strike tomorrow if they wanted to.",
        "Officials may have known about the protest for weeks, according to sources close to the board, "
        "and the dispute could spread to other ports before the winter.",
    ]
    link = (
        f'<p>Read <a href="{JS_URL}">the full statement</a> and '
        f'<a href="{JS_URL}">{html.escape(JS_URL)}</a> here.</p>'
    )
    # the canonical URL itself is a javascript: URL: it must never become a link
    return _page(HOSTILE_TITLE, HOSTILE_SITE, JS_URL, "2026-11-17", paragraphs, link)


def hostile_outlet_page() -> str:
    """An outlet whose name and URL carry markup: the metadata is as hostile as the text."""
    paragraphs = [
        f"Fishing crews in Bergen protested on Monday against new quotas {IMG} set by the ministry, "
        "saying the "
        "cuts would ruin small family boats within a year.",
        "The ministry said the quotas follow scientific advice on cod stocks, which have fallen by about a "
        "third since 2020.",
    ]
    return _page(f"Quota row {SCRIPT} in Bergen", HOSTILE_SITE, HOSTILE_URL, "2026-09-14", paragraphs)


def near_duplicate_page() -> str:
    """The harbour-strike article as another outlet reprinted it, with small changes."""
    paragraphs = [
        "Dock workers in Gdansk walked off the job on November 12 after talks with the port authority "
        "collapsed, and crews in Klaipeda joined them two days later.",
        "The union says about 4,200 members have stopped work. More than 30 cargo ships are waiting at "
        "anchor outside the two harbours, according to the port authority.",
        "\u201cWe will stay out as long as we have to,\u201d union leader Marta Kowalczyk told reporters on "
        "Saturday. The authority said it had offered a raise of 6 percent over two years.",
        "Analysts say shipping lines could start rerouting cargo to southern ports if the strike lasts into "
        "December, a shift that might cost the region millions of euros a week.",
    ]
    return _page(
        "Port strike spreads along the Baltic coast",
        "Baltic Wire",
        "https://balticwire.example/news/port-strike",
        "2026-11-15",
        paragraphs,
    )


def other_pages() -> dict[str, str]:
    return {
        "ferry.html": _page(
            "Ferry operator raises fares for the third time this year",
            "Coastal Courier",
            "https://coastalcourier.example/2026/10/ferry-fares",
            "2026-10-03",
            [
                "The ferry operator Nordline said on Friday that fares between Tallinn and Helsinki "
                "would rise "
                "by 8 percent from November, the third increase this year.",
                "The company blamed fuel prices and new port fees. Passenger groups called the increase a "
                "shameless grab that would hit families hardest.",
                "Nordline carried about 2.1 million passengers last year, according to its annual report.",
            ],
        ),
        "terminal.html": _page(
            "New container terminal opens in Riga",
            "Coastal Courier",
            "https://coastalcourier.example/2026/12/riga-terminal",
            "2026-12-02",
            [
                "A new container terminal opened in Riga on Monday after three years of construction, the "
                "Freeport of Riga Authority said.",
                "The terminal can handle up to 500,000 containers a year and employs 320 people. "
                "Officials said "
                "it might attract shipping lines that now call at Gdansk.",
                "Critics say the project was pushed through without a proper environmental review.",
            ],
        ),
    }


def write_pages(folder: Path) -> list[str]:
    """Write the test pages into ``folder`` and return every input path of the corpus, in ingest order."""
    folder.mkdir(parents=True, exist_ok=True)
    pages = {
        "hostile.html": hostile_page(),
        "quotas.html": hostile_outlet_page(),
        "reprint.html": near_duplicate_page(),
        **other_pages(),
    }
    for name, text in pages.items():
        (folder / name).write_text(text, encoding="utf-8")
    return [
        str(EXAMPLES / "harbour-strike.html"),
        str(EXAMPLES / "harbour-strike.txt"),
        *(str(folder / name) for name in pages),
    ]


def build(folder: Path, db_path: Path) -> str:
    """Ingest the corpus into a new SQLite store at ``db_path``; returns its path as a --db value."""
    from unspin.ingest import read_inputs
    from unspin.store.db import connect
    from unspin.store.ingest import ingest

    engine = connect(str(db_path))
    try:
        report = ingest(engine, read_inputs(write_pages(folder)))
    finally:
        engine.dispose()
    assert not report.failures, [f.line() for f in report.failures]
    return str(db_path)


#: The store built once for the session, shared by test_web.py and test_web_browser.py.
_BUILT: dict[str, str] = {}


def shared_corpus(tmp_path_factory) -> str:
    """The corpus store's path, built on first use (the pipeline's model loads make a build cost seconds)."""
    if "db" not in _BUILT:
        folder = tmp_path_factory.mktemp("web-corpus")
        _BUILT["db"] = build(folder / "pages", folder / "corpus.db")
    return _BUILT["db"]


def ids_by_url(db: str) -> dict[str, str]:
    """Document ids by URL (the text scrape, which has none, under ``None``)."""
    import sqlite3

    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return {url: doc_id for doc_id, url in conn.execute("SELECT id, url FROM documents")}


QUAYSIDE = "https://quayside.example/2026/11/15/port-strike-baltic"
REPRINT = "https://balticwire.example/news/port-strike"
FERRY = "https://coastalcourier.example/2026/10/ferry-fares"


# --- the corpus is what the web tests assume -----------------------------------------------------


def test_the_corpus_holds_every_page_once(tmp_path_factory):
    ids = ids_by_url(shared_corpus(tmp_path_factory))
    assert len(ids) == 7
    assert {QUAYSIDE, REPRINT, FERRY, JS_URL, HOSTILE_URL, None} <= set(ids)


def test_the_reprint_is_a_near_duplicate_in_the_story_of_its_original(tmp_path_factory):
    import sqlite3

    db = shared_corpus(tmp_path_factory)
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        rows = {
            url: (pk, dup, story)
            for pk, url, dup, story in conn.execute("SELECT pk, url, duplicate_of, story FROM documents")
        }
        originals_in_story = conn.execute(
            "SELECT count(*) FROM documents WHERE story = ? AND duplicate_of IS NULL", (rows[QUAYSIDE][2],)
        ).fetchone()[0]
    assert rows[REPRINT][1] == rows[QUAYSIDE][0]
    assert rows[REPRINT][2] == rows[QUAYSIDE][2]
    assert originals_in_story >= 2  # the text scrape tells the same strike
