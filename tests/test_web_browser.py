"""The web UI in a real browser: Debian's Chromium driven by Playwright, against a real uvicorn server.

The corpus is the one tests/test_web.py uses (built once per session by the
real ingest). Screenshots go to test-artifacts/web-*.png for a person to look at.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
import services
from test_web_corpus import FERRY, HOSTILE_URL, IMG, JS_URL, QUAYSIDE, SCRIPT, ids_by_url, shared_corpus

from unspin.web.app import create_app


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> str:
    return shared_corpus(tmp_path_factory)


@pytest.fixture(scope="module")
def ids(db) -> dict:
    return ids_by_url(db)


@pytest.fixture(scope="module")
def server(db):
    """``create_app`` under uvicorn on a free loopback port, in a thread; stopped after the module."""
    yield from _serve(db)


def _serve(db: str):
    yield from services.serve_in_thread(create_app(db))


@pytest.fixture
def watched(page):
    """The page, with every dialog, console message and page error it raises recorded."""
    seen = {"dialogs": [], "console": [], "errors": []}

    def on_dialog(dialog):
        seen["dialogs"].append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("console", lambda message: seen["console"].append((message.type, message.text)))
    page.on("pageerror", lambda error: seen["errors"].append(str(error)))
    page.set_viewport_size({"width": 1280, "height": 900})
    return page, seen


def _clean(seen: dict) -> None:
    """No script ran, and our pages caused no CSP violation or other console error."""
    assert seen["dialogs"] == []
    assert seen["errors"] == []
    assert [text for kind, text in seen["console"] if kind in ("error", "warning")] == []


def test_search_then_open_an_article(server, watched):
    page, seen = watched
    page.goto(server + "/")
    page.get_by_role("searchbox").fill("strike")
    page.get_by_role("searchbox").press("Enter")
    page.wait_for_url("**/?q=strike")
    hits = page.locator("li.hit")
    assert hits.count() >= 4
    assert page.locator("li.hit mark.hit").first.inner_text().lower() == "strike"
    page.screenshot(path=str(services.artifact_path("web-search.png")), full_page=True)
    page.get_by_role("link", name="The Quayside Ledger").first.wait_for()
    page.locator("li.hit h2 a", has_text="Port strike spreads along the Baltic").first.click()
    page.wait_for_url("**/article/*")
    assert page.locator("h1").inner_text().startswith("Port strike spreads along the Baltic")
    assert page.locator(".article-text mark").count() > 0
    page.screenshot(path=str(services.artifact_path("web-article.png")), full_page=True)
    _clean(seen)


def test_facet_link_refines_the_search(server, watched):
    page, seen = watched
    page.goto(server + "/?q=strike")
    before = page.locator("li.hit").count()
    page.locator(".facets a", has_text="The Quayside Ledger").click()
    page.wait_for_url("**outlet%3Aquayside.example**")
    assert page.get_by_role("searchbox").input_value() == "strike outlet:quayside.example"
    assert 0 < page.locator("li.hit").count() < before
    _clean(seen)


def test_switching_a_layer_off_removes_its_highlight(server, watched, ids):
    page, seen = watched
    page.goto(f"{server}/article/{ids[FERRY]}")
    entity = page.locator(".article-text mark.l-entities").first
    technique = page.locator(".article-text mark.l-techniques").first

    def style(locator, prop: str) -> str:
        return locator.evaluate(f"e => getComputedStyle(e).{prop}")

    assert style(entity, "borderBottomStyle") == "solid"
    assert style(technique, "boxShadow") != "none"
    assert "title" in entity.evaluate("e => e.getAttributeNames()")
    assert "Loaded language" in technique.get_attribute("title")
    page.locator("label[for=tg-entities]").click()
    assert not page.locator("#tg-entities").is_checked()
    assert style(entity, "borderBottomStyle") == "none"
    page.locator("label[for=tg-techniques]").click()
    assert style(technique, "boxShadow") == "none"
    page.screenshot(path=str(services.artifact_path("web-article-layers-off.png")), full_page=True)
    page.locator("label[for=tg-entities]").click()
    assert style(entity, "borderBottomStyle") == "solid"
    _clean(seen)


def test_story_comparison_side_by_side(server, watched):
    page, seen = watched
    page.goto(server + "/stories")
    page.locator("table.list a", has_text="Port strike spreads along the Baltic").first.click()
    page.wait_for_url("**/story/*")
    table = page.locator("table.compare")
    assert table.is_visible()
    columns = page.locator("th.col-head")
    assert columns.count() >= 2
    outlets = columns.locator(".outlet").all_inner_texts()
    assert any("QUAYSIDE LEDGER" in o.upper() for o in outlets)
    # the columns sit side by side, left to right
    boxes = [columns.nth(i).bounding_box() for i in range(columns.count())]
    assert all(a["x"] < b["x"] for a, b in zip(boxes, boxes[1:]))
    assert page.get_by_text(
        "Port strike spreads along the Baltic coast"
    ).is_visible()  # the copy, under its original
    page.screenshot(path=str(services.artifact_path("web-story.png")), full_page=True)
    _clean(seen)


def test_outlet_page_with_its_chart(server, watched):
    page, seen = watched
    page.goto(server + "/outlets")
    page.get_by_role("link", name="Coastal Courier").click()
    page.wait_for_url("**/outlet/coastalcourier.example")
    chart = page.locator("figure.chart svg")
    assert chart.is_visible()
    assert chart.bounding_box()["width"] > 400
    assert page.locator("figure.chart rect.bar").count() == 3
    assert page.get_by_text("Technique mix").is_visible()
    page.screenshot(path=str(services.artifact_path("web-outlet.png")), full_page=True)
    page.goto(f"{server}/entity/{quote('Marta Kowalczyk')}")
    assert page.locator("figure.chart svg").is_visible()
    page.screenshot(path=str(services.artifact_path("web-entity.png")), full_page=True)
    _clean(seen)


def test_hostile_pages_run_no_script_and_show_the_markup_as_text(server, watched, ids):
    page, seen = watched
    page.goto(f"{server}/article/{ids[JS_URL]}")
    assert SCRIPT in page.locator("h1").inner_text()
    body = page.locator(".article-text").inner_text()
    assert SCRIPT in body and IMG in body
    assert page.get_by_text(SCRIPT).first.is_visible()
    assert page.locator("img").count() == 0 and page.locator("script").count() == 0
    assert page.locator("a[href^='javascript' i]").count() == 0
    page.screenshot(path=str(services.artifact_path("web-hostile-article.png")), full_page=True)
    page.goto(f"{server}/?q=harbour")
    assert page.locator("li.hit h2", has_text=SCRIPT).count() == 1
    page.screenshot(path=str(services.artifact_path("web-hostile-search.png")), full_page=True)
    page.goto(f"{server}/article/{ids[HOSTILE_URL]}")
    link = page.locator("a.external")
    assert link.get_attribute("href") == 'https://evil.example/quotas?x="><script>alert(1)</script>'
    assert link.get_attribute("rel") == "noopener noreferrer nofollow"
    page.goto(f"{server}/outlet/evil.example")
    assert "<b>Evil</b>" in page.locator("h1").inner_text()
    page.wait_for_timeout(300)  # room for a late onerror or dialog, were there one
    _clean(seen)


def test_every_kind_of_page_loads_without_a_console_error(server, watched, ids, db):
    page, seen = watched
    paths = [
        "/",
        "/?q=port",
        "/?q=%22unclosed",
        "/stories",
        "/stories?show=all",
        "/outlets",
        "/docs",
        f"/article/{ids[QUAYSIDE]}",
        f"/article/{ids[None]}",
        f"/entity/{quote('Gdańsk')}",
        "/outlet/quayside.example",
    ]
    for path in paths:
        response = page.goto(server + path)
        assert response.status in (200, 400), path
        assert page.evaluate("document.styleSheets.length") == 1  # app.css loaded, nothing else
    response = page.goto(server + "/article/nope")
    assert response.status == 404 and page.get_by_text("Not found").first.is_visible()
    _clean({**seen, "console": [c for c in seen["console"] if "404" not in c[1] and "400" not in c[1]]})


def test_the_confidence_floor_hides_technique_spans_without_script(server, watched, ids):
    import json
    import re
    import urllib.request

    page, seen = watched
    article = f"{server}/article/{ids[FERRY]}"
    with urllib.request.urlopen(f"{server}/api/documents/{ids[FERRY]}") as r:
        confidences = sorted(s["confidence"] for s in json.load(r)["layers"]["techniques"])
    assert confidences, "the ferry page should carry a technique span"

    def shown() -> set[str]:
        """The confidences, as the tooltips print them, of the technique spans highlighted now."""
        titles = page.locator(".article-text mark.l-techniques").evaluate_all("ms => ms.map(m => m.title)")
        lines = [line for t in titles for line in t.splitlines() if "Voice:" in line]
        return set(re.findall(r"\((\d\.\d\d)\)", "\n".join(lines)))

    page.goto(article)
    assert page.locator(".floor .expected").inner_text().startswith(f"Techniques: {len(confidences)} span")
    assert page.locator(".floor a[aria-current]").inner_text() == "all"
    assert shown() == {f"{c:.2f}" for c in confidences}
    # the highest confidence as the floor, typed into the form: the spans at it stay, the others go
    floor = confidences[-1]
    kept = [c for c in confidences if c >= floor]
    page.locator(".floor input[name=floor]").fill(str(floor))
    page.get_by_role("button", name="show").click()
    page.wait_for_url("**floor=**")
    expected = page.locator(".floor .expected").inner_text()
    assert expected.startswith(f"Techniques: {len(kept)} span{'' if len(kept) == 1 else 's'} shown; about "
                               f"{sum(kept):.1f} expected to be right")
    if len(kept) < len(confidences):
        assert f"({len(confidences) - len(kept)} below" in expected
    assert shown() == {f"{c:.2f}" for c in kept}
    page.screenshot(path=str(services.artifact_path("web-article-floor.png")), full_page=True)
    # a preset link, then "all" again: plain links, no script
    page.locator(".floor a", has_text="as profiles count").click()
    page.wait_for_url("**floor=0.3")
    assert page.locator(".floor a[aria-current]").inner_text().startswith("0.3")
    page.locator(".floor a", has_text="all").click()
    page.wait_for_url(article)
    assert shown() == {f"{c:.2f}" for c in confidences}
    _clean(seen)


# --- a real story across three outlets: one BASIL event (../shared) --------------------------------


@pytest.fixture(scope="module")
def basil_server(tmp_path_factory):
    """A store of one BASIL event (the first of the tuning half) by the real ingest and full pipeline."""
    import json

    from conftest import SHARED, need

    from unspin.eval.stories import basil_articles
    from unspin.ingest import read_inputs
    from unspin.store.db import connect
    from unspin.store.ingest import ingest

    articles = basil_articles(need(SHARED / "data" / "basil"))
    event = min(a.story for a in articles if a.part == "tune")
    folder = tmp_path_factory.mktemp("basil")
    source = folder / "event.jsonl"
    source.write_text("".join(json.dumps(a.record) + "\n" for a in articles if a.story == event), encoding="utf-8")
    db = str(folder / "corpus.db")
    engine = connect(db)
    assert ingest(engine, read_inputs([str(source)], "jsonl")).stored == 3
    engine.dispose()
    yield from _serve(db)


@pytest.mark.shared
def test_a_basil_event_side_by_side_with_what_each_outlet_alone_says(basil_server, watched):
    page, seen = watched
    page.goto(basil_server + "/stories")
    page.locator("table.list a").first.click()
    page.wait_for_url("**/story/*")
    columns = page.locator("th.col-head")
    assert columns.count() == 3  # the three outlets told one story
    outlets = " ".join(columns.locator(".outlet").all_inner_texts()).lower()
    assert all(name in outlets for name in ("new york times", "fox news", "huffpost"))
    for row in ("only-names", "only-numbers", "only-quotes"):
        assert page.locator(f"tr.{row} td").count() == 3
    assert page.locator("tr.only-names td a.chip").count() > 0
    # who said a quote: a name, an unnamed source, or a pronoun marked as such, never a bare "he"
    credited = page.locator("tr.only-quotes td li > span.muted").all_inner_texts()
    assert credited and not {c.strip().casefold() for c in credited} & {"he", "she", "they", "it"}
    # each outlet's techniques (own voice, at or above the floor, or a line saying none are) and in quotes
    for row in ("techniques", "in-quotes", "speculation", "sources"):
        assert page.locator(f"tr.{row} td").count() == 3
    assert page.locator("tr.techniques td li, tr.in-quotes td li").count() > 0
    assert page.locator("tr.speculation p.share").count() == 3  # each outlet's speculative share
    assert page.locator("tr.speculation q.spec").count() > 0
    page.screenshot(path=str(services.artifact_path("web-story-basil.png")), full_page=True)
    _clean(seen)
