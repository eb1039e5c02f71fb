"""Review mode over a real store: sign-in, CSRF, the failed sign-in limit, reviews as records, the reviewed view.

Requests go through FastAPI's TestClient; tests/test_web_review_browser.py drives the same in Chromium.
Each test works on its own copy of the shared web corpus, so reviews written here touch no other test.
"""

from __future__ import annotations

import re
import shutil

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from test_web_corpus import QUAYSIDE, ids_by_url, shared_corpus
from unspin.document import Document
from unspin.store import reviews as store_reviews
from unspin.store.db import connect
from unspin.store.tables import documents, reviews
from unspin.web.app import create_app

PASSWORD = "correct horse battery"
HOSTILE_NOTE = '<script>alert("note")</script><img src=x onerror=alert(2)>'


@pytest.fixture
def db(tmp_path_factory, tmp_path, cli) -> str:
    copy = tmp_path / "review.db"
    shutil.copy(shared_corpus(tmp_path_factory), copy)
    done = cli("users", "add", "ana", "--db", str(copy), "--password-stdin", stdin=f"{PASSWORD}\n".encode())
    assert done.returncode == 0, done.stderr.decode()
    return str(copy)


@pytest.fixture
def client(db):
    with TestClient(create_app(db, review=True), follow_redirects=False) as c:
        yield c


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def sign_in(client, name="ana", password=PASSWORD):
    page = client.get("/login")
    return client.post("/login", data={"name": name, "password": password, "csrf": csrf_of(page.text), "next": "/"})


def machine(db: str, doc_id: str) -> Document:
    engine = connect(db, migrate=False)
    with engine.connect() as c:
        raw = c.execute(select(documents.c.document).where(documents.c.id == doc_id)).scalar_one()
    engine.dispose()
    return Document.loads(raw)


def stored_reviews(db: str) -> list:
    engine = connect(db, migrate=False)
    with engine.connect() as c:
        rows = c.execute(select(reviews).order_by(reviews.c.pk)).all()
    engine.dispose()
    return rows


def test_plain_serve_has_no_way_to_write(db):
    doc_id = ids_by_url(db)[QUAYSIDE]
    with TestClient(create_app(db), follow_redirects=False) as plain:
        assert plain.get("/login").status_code == 404
        assert plain.post(f"/article/{doc_id}/review", data={"layer": "entities"}).status_code in (404, 405)
        assert "script-src 'none'" in plain.get("/").headers["content-security-policy"]
    assert stored_reviews(db) == []


def test_signing_in_sets_a_strict_http_only_session_and_signing_out_ends_it(client):
    assert client.get("/").headers["content-security-policy"].count("script-src 'self'") == 1
    done = sign_in(client)
    assert done.status_code == 303
    cookie = done.headers["set-cookie"]
    assert "unspin_session=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    home = client.get("/")
    assert "Sign out" in home.text and ">ana<" in home.text
    out = client.post("/logout", data={"csrf": csrf_of(home.text)})
    assert out.status_code == 303
    assert "Sign out" not in client.get("/").text


def test_the_sign_in_form_needs_its_token_and_failed_sign_ins_are_limited(client):
    assert client.post("/login", data={"name": "ana", "password": PASSWORD, "csrf": "forged"}).status_code == 403
    for _ in range(store_reviews.MAX_FAILURES):
        assert sign_in(client, password="not the password").status_code == 401
    refused = sign_in(client)  # the right password, too late
    assert refused.status_code == 429 and "too many failed sign-ins" in refused.text
    assert sign_in(client, name="nobody", password="whatever it is").status_code == 401


def test_writes_need_a_session_and_its_csrf_token(client, db):
    doc_id = ids_by_url(db)[QUAYSIDE]
    span = machine(db, doc_id).layer("entities")[0]
    form = {"layer": "entities", "action": "reject", "target_start": span.start, "target_end": span.end,
            "target_label": span.label}
    assert client.post(f"/article/{doc_id}/review", data=form).status_code == 401
    assert client.get(f"/article/{doc_id}/review").status_code == 303  # to the sign-in page
    sign_in(client)
    assert client.post(f"/article/{doc_id}/review", data=form).status_code == 403
    assert client.post(f"/article/{doc_id}/review", data={**form, "csrf": "forged"}).status_code == 403
    assert stored_reviews(db) == []


def test_reject_relabel_add_and_mark_reviewed_keep_the_machine_view(client, db):
    doc_id = ids_by_url(db)[QUAYSIDE]
    doc = machine(db, doc_id)
    sign_in(client)
    page = client.get(f"/article/{doc_id}/review?layer=entities")
    assert page.status_code == 200 and 'src="/static/review.js"' in page.text
    csrf = csrf_of(page.text)
    first, second = doc.layer("entities")[:2]
    reject = {"csrf": csrf, "layer": "entities", "action": "reject", "target_start": first.start,
              "target_end": first.end, "target_label": first.label}
    assert client.post(f"/article/{doc_id}/review", data=reject).status_code == 303
    relabel = {"csrf": csrf, "layer": "entities", "action": "change", "target_start": second.start,
               "target_end": second.end, "target_label": second.label, "label": "ORG", "canonical": "Renamed Body",
               "note": HOSTILE_NOTE}
    assert client.post(f"/article/{doc_id}/review", data=relabel).status_code == 303
    words = doc.text.split()[3]
    add = {"csrf": csrf, "layer": "techniques", "exact": words, "occurrence": "1", "label": "Loaded_Language"}
    assert client.post(f"/article/{doc_id}/add", data=add).status_code == 303
    missing = client.post(f"/article/{doc_id}/add", data={**add, "exact": "words this article never wrote"})
    assert "not+in+the+text" in missing.headers["location"] or "not%20in%20the%20text" in missing.headers["location"]
    assert client.post(f"/article/{doc_id}/mark", data={"csrf": csrf, "reviewed": "1"}).status_code == 303

    rows = stored_reviews(db)
    assert [(r.layer, r.verdict, r.reviewer) for r in rows] == [
        ("entities", "reject", "ana"), ("entities", "change", "ana"), ("techniques", "add", "ana")]
    assert machine(db, doc_id) == doc  # the machine's document is untouched

    reviewed_page = client.get(f"/article/{doc_id}").text
    assert "Reviewed view" in reviewed_page and "3 differences" in reviewed_page and "reviewed</span> by ana" in reviewed_page
    machine_page = client.get(f"/article/{doc_id}?view=machine").text
    assert "Machine view" in machine_page
    review_page = client.get(f"/article/{doc_id}/review?layer=entities").text
    assert HOSTILE_NOTE not in review_page and "&lt;script&gt;alert(&#34;note&#34;)&lt;/script&gt;" in review_page
    assert "Renamed Body" in review_page


def test_every_layer_and_the_furniture_can_be_reviewed(client, db):
    from unspin.review.records import REVIEW_LAYERS

    doc_id = ids_by_url(db)[QUAYSIDE]
    doc = machine(db, doc_id)
    sign_in(client)
    for layer in REVIEW_LAYERS:
        page = client.get(f"/article/{doc_id}/review?layer={layer}")
        assert page.status_code == 200, layer
        shown = len(doc.furniture) if layer == "furniture" else len(doc.layer(layer))
        assert page.text.count('name="action" value="reject"') == shown, layer
    assert client.get(f"/article/{doc_id}/review?layer=sentences").status_code == 400
    csrf = csrf_of(client.get(f"/article/{doc_id}/review?layer=furniture").text)
    kind = doc.furniture[0].kind
    relabel = {"csrf": csrf, "layer": "furniture", "action": "change", "target_start": 0, "target_end": 1,
               "target_label": kind, "label": "article-text"}
    assert client.post(f"/article/{doc_id}/review", data=relabel).status_code == 303
    page = client.get(f"/article/{doc_id}/review?layer=furniture").text
    assert "article-text" in page


def test_a_change_that_does_not_fit_the_text_is_refused_with_the_reason(client, db):
    doc_id = ids_by_url(db)[QUAYSIDE]
    doc = machine(db, doc_id)
    sign_in(client)
    csrf = csrf_of(client.get(f"/article/{doc_id}/review?layer=dates").text)
    span = doc.layer("dates")[0]
    moved = {"csrf": csrf, "layer": "dates", "action": "change", "target_start": span.start, "target_end": span.end,
             "target_label": span.label, "start": span.start, "end": len(doc.text) + 50}
    done = client.post(f"/article/{doc_id}/review", data=moved)
    assert done.status_code == 303 and "problem=" in done.headers["location"]
    page = client.get(done.headers["location"]).text
    assert "Not recorded: offsets" in page and "are not a span of this text" in page
    assert stored_reviews(db) == []
