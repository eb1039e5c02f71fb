"""Review mode in a real browser, as a reviewer uses it: Debian's Chromium driven by Playwright, real uvicorn.

Sign in, reject a span, relabel one, add a technique span by selection and one by quote, write a hostile
note, mark the document reviewed, export to Label Studio and brat, sign out; then the refusals: a write with no session and a forged form
without the CSRF token. Screenshots of each step go to test-artifacts/review-*.png.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path
import pytest
import services
from test_web_corpus import QUAYSIDE, ids_by_url, shared_corpus

from unspin.web.app import create_app

PASSWORD = "correct horse battery"
HOSTILE_NOTE = '<img src=x onerror=alert("note")><script>alert(1)</script>'


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> str:
    copy = tmp_path_factory.mktemp("review-browser") / "review.db"
    shutil.copy(shared_corpus(tmp_path_factory), copy)
    from conftest import run_cli

    done = run_cli("users", "add", "ana", "--db", str(copy), "--password-stdin", stdin=f"{PASSWORD}\n".encode())
    assert done.returncode == 0, done.stderr.decode()
    return str(copy)


@pytest.fixture(scope="module")
def server(db):
    yield from services.serve_in_thread(create_app(db, review=True))


def shot(page, name: str) -> None:
    page.screenshot(path=str(services.artifact_path(f"review-{name}.png")), full_page=True)


def select_words(page, words: str) -> None:
    """Select ``words`` in the review page's text as a mouse would, then let the page's script read it."""
    page.evaluate(
        """(words) => {
            const box = document.getElementById("review-text");
            const node = box.firstChild;
            const at = node.textContent.indexOf(words);
            const range = document.createRange();
            range.setStart(node, at);
            range.setEnd(node, at + words.length);
            const selection = window.getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
            box.dispatchEvent(new MouseEvent("mouseup", {bubbles: true}));
        }""",
        words,
    )


def test_a_reviewer_signs_in_reviews_and_signs_out(server, db, page):
    dialogs, errors = [], []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_viewport_size({"width": 1400, "height": 900})
    doc_id = ids_by_url(db)[QUAYSIDE]

    page.goto(f"{server}/article/{doc_id}")
    page.get_by_role("link", name="sign in to review its spans").click()
    page.get_by_label("Name").fill("ana")
    page.get_by_label("Password").fill(PASSWORD)
    shot(page, "1-sign-in")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**/article/{doc_id}/review")
    assert page.locator(".bar .who").inner_text() == "ana"

    page.goto(f"{server}/article/{doc_id}/review?layer=entities")
    rows = page.locator("table.review-table tbody tr")
    first_words = rows.nth(0).locator("q").inner_text()
    rows.nth(0).get_by_role("button", name="Reject").click()
    page.wait_for_load_state()
    assert page.locator("tr.st-reject q", has_text=first_words).count() == 1
    shot(page, "2-rejected")

    second = page.locator("table.review-table tbody tr").nth(1)
    second.locator("summary", has_text="Change").click()
    second.locator("form.change input[name=label]").fill("ORG")
    second.locator("form.change input[name=note]").fill(HOSTILE_NOTE)
    second.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert page.locator("tr.st-change").count() == 1
    assert page.locator("tr.st-change .note").inner_text() == HOSTILE_NOTE  # shown as text, never run
    shot(page, "3-relabelled")

    page.goto(f"{server}/article/{doc_id}/review?layer=techniques")
    text = page.locator("#review-text").inner_text()
    words = " ".join(text.split()[1:4])
    select_words(page, words)
    form = page.locator("#add-span")
    assert form.locator("input[name=exact]").input_value() == words
    form.locator("input[name=label]").fill("Loaded_Language")
    form.get_by_role("button", name="Add").click()
    page.wait_for_load_state()
    assert page.locator("tr.st-add q", has_text=words).count() == 1
    by_quote = text.split()[-2]
    form = page.locator("#add-span")
    form.locator("input[name=exact]").fill(by_quote)
    form.locator("input[name=occurrence]").fill("1")
    form.locator("input[name=label]").fill("Doubt")
    form.get_by_role("button", name="Add").click()
    page.wait_for_load_state()
    assert page.locator("tr.st-add").count() == 2
    shot(page, "4-added")

    page.get_by_role("button", name="Mark the document reviewed").click()
    page.wait_for_load_state()
    assert page.locator(".doc-head .tag.ok", has_text="reviewed").count() == 1
    page.goto(f"{server}/article/{doc_id}")
    bar = page.locator(".review-bar")
    assert "Reviewed view" in bar.inner_text() and "4 differences" in bar.inner_text()
    shot(page, "5-reviewed-view")

    page.get_by_role("link", name="Reviews", exact=True).click()
    page.wait_for_url("**/reviews")
    assert page.locator("table.scores tr.total").count() >= 2  # entities and techniques at least
    with page.expect_download() as got:
        page.get_by_role("link", name="Label Studio tasks (JSON)").click()
    tasks = json.loads(Path(got.value.path()).read_text(encoding="utf-8"))
    task = next(t for t in tasks if t["data"]["id"] == doc_id)
    labels = [r["value"]["labels"][0] for r in task["annotations"][0]["result"] if r["from_name"] == "techniques"]
    assert sorted(labels) == ["Doubt", "Loaded_Language"]
    with page.expect_download() as got:
        page.get_by_role("link", name="brat standoff (zip)").click()
    with zipfile.ZipFile(got.value.path()) as archive:
        ann = archive.read(f"unspin-reviews/{doc_id}.ann").decode("utf-8")
        assert "unspin-reviews/annotation.conf" in archive.namelist()
    assert "Loaded_Language" in ann and words in ann
    shot(page, "6-reviews-and-exports")

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login?signed_out=1")
    assert page.locator(".bar .who").count() == 0
    shot(page, "7-signed-out")
    assert dialogs == [] and errors == []


def test_writes_without_a_session_or_without_the_csrf_token_are_refused(server, db, page):
    doc_id = ids_by_url(db)[QUAYSIDE]
    form = {"layer": "entities", "action": "reject", "target_start": "0", "target_end": "4", "target_label": "ORG"}
    anonymous = page.request.post(f"{server}/article/{doc_id}/review", form=form)
    assert anonymous.status == 401
    page.goto(f"{server}/login")
    page.get_by_label("Name").fill("ana")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{server}/")
    forged = page.request.post(f"{server}/article/{doc_id}/review", form=form)  # the session cookie, no token
    assert forged.status == 403
    page.set_content(f"<p>{forged.text()}</p>")
    shot(page, "8-forged-refused")
