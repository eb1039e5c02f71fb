"""The real-service fixtures work: a PostgreSQL database to write to, a browser that clicks and screenshots."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import sqlalchemy
from services import artifact_path

BUTTON_PAGE = b"""<!doctype html><html><head><meta charset="utf-8"><title>fixture check</title></head>
<body><h1 id="status">waiting</h1>
<button id="go" onclick="document.getElementById('status').textContent = 'clicked'">Go</button>
</body></html>"""
ALERT_PAGE = b"<!doctype html><html><body><p>hostile</p><script>alert(1)</script></body></html>"


@contextmanager
def serve(pages: dict[str, bytes]) -> Iterator[str]:
    """Serve fixed pages from 127.0.0.1 on a port the OS picks; yields the base URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = pages.get(self.path)
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body or b"not found")

        def log_message(self, *args):  # keep the test output quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_postgres_db_is_a_real_empty_postgresql_database(postgres_db):
    engine = sqlalchemy.create_engine(postgres_db)
    try:
        with engine.begin() as conn:
            assert "PostgreSQL" in conn.execute(sqlalchemy.text("SELECT version()")).scalar_one()
            tables = conn.execute(sqlalchemy.text(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")).scalar_one()
            assert tables == 0
            conn.execute(sqlalchemy.text("CREATE TABLE article (id serial PRIMARY KEY, title text NOT NULL)"))
            conn.execute(sqlalchemy.text("INSERT INTO article (title) VALUES (:t)"), [{"t": "Strike"}, {"t": "Été"}])
        with engine.connect() as conn:
            rows = conn.execute(sqlalchemy.text("SELECT id, title FROM article ORDER BY id")).all()
        assert [tuple(r) for r in rows] == [(1, "Strike"), (2, "Été")]
    finally:
        engine.dispose()


def test_each_test_gets_its_own_database(postgres_db, postgres_url):
    assert postgres_db != postgres_url
    assert postgres_url.startswith("postgresql+psycopg://postgres@127.0.0.1:")
    assert postgres_url.endswith("/unspin_test")
    engine = sqlalchemy.create_engine(postgres_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(sqlalchemy.text("SELECT current_database()")).scalar_one() == "unspin_test"
    finally:
        engine.dispose()


def test_page_clicks_and_screenshots(page):
    with serve({"/": BUTTON_PAGE}) as base:
        page.goto(base + "/")
        assert page.text_content("#status") == "waiting"
        page.click("#go")
        assert page.text_content("#status") == "clicked"
        shot = artifact_path("services-button.png")
        shot.unlink(missing_ok=True)
        page.screenshot(path=str(shot))
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 1000


def test_page_reports_script_dialogs(page):
    """A listener sees alert() from an injected script: the hook the XSS tests rely on."""
    seen = []

    def on_dialog(dialog):
        seen.append((dialog.type, dialog.message))
        dialog.dismiss()

    page.on("dialog", on_dialog)
    with serve({"/": ALERT_PAGE}) as base:
        page.goto(base + "/")
        page.wait_for_load_state("load")
    assert seen == [("alert", "1")]
