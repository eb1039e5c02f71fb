"""Reviews are never lost: not while ``unspin ingest`` writes into the same store, not when the server is killed.

The tests share one store of each kind and count only what each adds (the kill test runs last).

Real stores (SQLite; PostgreSQL where its server binaries are installed), the real ``unspin ingest`` and
``unspin serve --review`` in child processes, reviews sent over HTTP.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid

import httpx
import pytest
import services
from conftest import EXAMPLES, ROOT
from fastapi.testclient import TestClient
from sqlalchemy import select

from test_web_corpus import shared_corpus
from unspin.document import Document
from unspin.store.db import connect
from unspin.store.tables import documents, reviews
from unspin.web.app import create_app

PASSWORD = "correct horse battery"
#: Analysed documents the concurrent ingest stores: enough for it to write for a few seconds.
COPIES = 60


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def sign_in(client, name="ana") -> str:
    page = client.get("/login")
    done = client.post("/login", data={"name": name, "password": PASSWORD, "csrf": csrf_of(page.text), "next": "/"})
    assert done.status_code == 303, done.text
    return csrf_of(client.get("/").text)


def a_stored_document(url: str) -> Document:
    engine = connect(url, migrate=False)
    with engine.connect() as c:
        raw = c.execute(select(documents.c.document).order_by(documents.c.pk).limit(1)).scalar_one()
    engine.dispose()
    return Document.loads(raw)


def count(url: str, table) -> int:
    engine = connect(url, migrate=False)
    with engine.connect() as c:
        n = len(c.execute(select(table.c.pk)).all())
    engine.dispose()
    return n


def analysed_copies(doc: Document, n: int, path) -> None:
    """``n`` analysed documents (unspin/1 lines, which ingest stores without analysing): only their ids differ."""
    with open(path, "w", encoding="utf-8") as out:
        for i in range(n):
            data = doc.to_json()
            data["id"] = f"copy{i:05d}"
            data["meta"]["url"] = f"https://copies.example/{i}"
            out.write(json.dumps(data, ensure_ascii=False) + "\n")


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def store(request, tmp_path_factory):
    """One store per kind for the module (the tests only add to it, and count what they add)."""
    from conftest import run_cli

    if request.param == "sqlite":
        url = str(tmp_path_factory.mktemp("reliability") / "store.db")
        shutil.copy(shared_corpus(tmp_path_factory), url)
        server = None
    else:
        server = request.getfixturevalue("postgres_server")
        name = f"unspin_reviews_{uuid.uuid4().hex[:12]}"
        url = server.create_database(name)
        done = run_cli("ingest", str(EXAMPLES / "harbour-strike.html"), "--db", url)
        assert done.returncode == 0, done.stderr.decode()
    for user in ("ana", "ben"):
        done = run_cli("users", "add", user, "--db", url, "--password-stdin", stdin=f"{PASSWORD}\n".encode())
        assert done.returncode == 0, done.stderr.decode()
    yield url
    if server is not None:
        server.drop_database(name)


def test_reviews_sent_during_an_ingest_are_all_kept(store, tmp_path):
    doc = a_stored_document(store)
    span = doc.layer("entities")[0]
    lines = tmp_path / "copies.jsonl"
    analysed_copies(doc, COPIES, lines)
    before, reviewed_before = count(store, documents), count(store, reviews)
    ingest = subprocess.Popen([sys.executable, "-m", "unspin.cli", "ingest", str(lines), "--db", store],
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    sent = 0
    with TestClient(create_app(store, review=True), follow_redirects=False) as client:
        csrf = sign_in(client)
        while ingest.poll() is None or sent < 20:
            form = {"csrf": csrf, "layer": "entities", "action": "change", "target_start": span.start,
                    "target_end": span.end, "target_label": span.label, "label": "ORG", "note": f"review {sent}"}
            assert client.post(f"/article/{doc.id}/review", data=form).status_code == 303
            sent += 1
    out, errors = ingest.communicate(timeout=300)
    assert ingest.returncode == 0, errors.decode()
    assert count(store, documents) == before + COPIES
    assert count(store, reviews) == reviewed_before + sent


def test_two_reviewers_on_one_span_keep_both_records_and_the_latest_shows(store):
    doc = a_stored_document(store)
    span = doc.layer("entities")[0]
    app = create_app(store, review=True)
    with TestClient(app, follow_redirects=False) as ana, TestClient(app, follow_redirects=False) as ben:
        for client, name, label in ((ana, "ana", "ORG"), (ben, "ben", "LOC")):
            csrf = sign_in(client, name)
            form = {"csrf": csrf, "layer": "entities", "action": "change", "target_start": span.start,
                    "target_end": span.end, "target_label": span.label, "label": label}
            assert client.post(f"/article/{doc.id}/review", data=form).status_code == 303
        page = ana.get(f"/article/{doc.id}/review?layer=entities").text
    engine = connect(store, migrate=False)
    with engine.connect() as c:
        kept = [(r.reviewer, r.after_label) for r in c.execute(select(reviews).order_by(reviews.c.pk))]
    engine.dispose()
    assert kept[-2:] == [("ana", "ORG"), ("ben", "LOC")]
    row = re.search(r'<tr class="st-change">.*?</tr>', page, re.S).group(0)
    assert "<td>LOC</td>" in row and "ben" in row


def test_killing_the_server_mid_write_leaves_the_store_whole(store):
    url = store
    doc = a_stored_document(url)
    span = doc.layer("entities")[0]
    port = services.free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "unspin.cli", "serve", "--db", url, "--review", "--port", str(port)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(base + "/login", timeout=2)
                break
            except httpx.TransportError:
                assert server.poll() is None and time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)
        acknowledged = []
        with httpx.Client(base_url=base, follow_redirects=False, timeout=10) as client:
            csrf = sign_in(client)

            def write_forever():
                i = 0
                while True:
                    form = {"csrf": csrf, "layer": "entities", "action": "change", "target_start": span.start,
                            "target_end": span.end, "target_label": span.label, "label": "ORG", "note": f"n{i}"}
                    try:
                        if client.post(f"/article/{doc.id}/review", data=form).status_code == 303:
                            acknowledged.append(i)
                    except httpx.TransportError:
                        return
                    i += 1

            writer = threading.Thread(target=write_forever)
            writer.start()
            while len(acknowledged) < 30:
                time.sleep(0.05)
            os.killpg(server.pid, signal.SIGKILL)
            writer.join(timeout=30)
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=30)
    if not url.startswith("postgresql"):
        import sqlite3

        with sqlite3.connect(url) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    engine = connect(url, migrate=False)
    with engine.connect() as c:
        rows = c.execute(select(reviews).where(reviews.c.note.like("n%")).order_by(reviews.c.pk)).all()
    engine.dispose()
    # every acknowledged review is there, in order, and each row is whole
    notes = [r.note for r in rows]
    assert notes[: len(acknowledged)] == [f"n{i}" for i in acknowledged]
    assert len(notes) - len(acknowledged) <= 1
    assert all(r.after_label == "ORG" and r.reviewer == "ana" and r.at is not None for r in rows)
    with TestClient(create_app(url, review=True), follow_redirects=False) as client:
        sign_in(client)
        assert client.get(f"/article/{doc.id}/review?layer=entities").status_code == 200
