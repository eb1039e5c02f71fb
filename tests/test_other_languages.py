"""Pages in Russian, Korean, Japanese and French: read and kept, with one note saying the layers are English-only.

The pages are written here (two as HTML pages, two as text scrapes). Each
must come out with its language identified, no layer, and exactly one note,
from the pipeline, in the JSON, the terminal report, the HTML report and
the article page of the web app; never a "skipped" note per layer.
"""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from unspin.store.db import connect
from unspin.store.tables import documents

PAGES = {
    "ru": ("ru.txt", "Совет закрывает причал\n\n"
           "Городской совет в понедельник закрыл северный причал после того, как водолазы нашли гнилые сваи под "
           "настилом.\n\nПаромы будут причаливать к южной набережной одиннадцать недель, пока сваи заменяют, "
           "сообщили в администрации порта.\n"),
    "ko": ("ko.html", "<html><head><meta charset='utf-8'><title>북쪽 부두 폐쇄</title></head><body><article>"
           "<h1>북쪽 부두 폐쇄</h1>"
           "<p>항만 당국은 월요일 잠수부들이 갑판 아래에서 썩은 말뚝을 발견한 뒤 북쪽 부두를 폐쇄했다고 밝혔다.</p>"
           "<p>말뚝을 교체하는 11주 동안 여객선은 남쪽 부두에 정박하게 되며, 승객들은 일찍 도착해 달라는 요청을 받았다.</p>"
           "</article></body></html>"),
    "ja": ("ja.html", "<html><head><meta charset='utf-8'><title>北桟橋が閉鎖</title></head><body><article>"
           "<h1>北桟橋が閉鎖</h1>"
           "<p>港湾当局は月曜日、潜水士が床板の下で腐った杭を見つけたため、北側の桟橋を閉鎖したと発表した。</p>"
           "<p>杭を交換する十一週間の間、フェリーは南側の岸壁に着岸し、乗客には早めに到着するよう求めている。</p>"
           "</article></body></html>"),
    "fr": ("fr.txt", "Le port ferme la jetée nord\n\n"
           "Le conseil municipal a fermé lundi la jetée nord après que des plongeurs ont trouvé des pieux pourris "
           "sous le tablier.\n\nLes ferries accosteront au quai sud pendant onze semaines, le temps de remplacer "
           "les pieux, a indiqué la capitainerie.\n"),
}
NAMES = {"ru": "Russian", "ko": "Korean", "ja": "Japanese", "fr": "French"}
NOTE = "analysis layers are English-only"


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> list[str]:
    folder = tmp_path_factory.mktemp("languages")
    paths = []
    for name, content in PAGES.values():
        (folder / name).write_text(content, encoding="utf-8")
        paths.append(str(folder / name))
    return paths


def test_json_carries_one_note_per_document(cli, pages):
    done = cli("analyze", "--no-progress", "--jobs", "1", "--format", "json", *pages, timeout=600)
    assert done.returncode == 0, done.stderr.decode()
    docs = json.loads(done.stdout)
    assert [d["meta"]["language"] for d in docs] == list(PAGES)
    for doc in docs:
        code = doc["meta"]["language"]
        assert doc["layers"] == {}
        assert doc["text"].strip()  # read and kept
        [note] = doc["notes"]
        assert note["component"] == "pipeline"
        assert note["message"].startswith(NOTE) and f"{NAMES[code]} ('{code}')" in note["message"]


def test_text_and_html_reports_say_it_once_per_document(cli, pages, tmp_path):
    text = cli("analyze", "--no-progress", "--jobs", "1", *pages, timeout=600)
    assert text.returncode == 0, text.stderr.decode()
    shown = text.stdout.decode()
    assert shown.count(NOTE) == len(PAGES) and "skipped" not in shown

    out = tmp_path / "report.html"
    html = cli("analyze", "--no-progress", "--jobs", "1", "--format", "html", "--out", str(out), *pages, timeout=600)
    assert html.returncode == 0, html.stderr.decode()
    page = out.read_text(encoding="utf-8")
    assert page.count(NOTE) == len(PAGES) and "skipped" not in page


def test_the_article_page_says_it_once(cli, pages, tmp_path):
    from unspin.web.app import create_app

    db = str(tmp_path / "corpus.db")
    done = cli("ingest", "--no-progress", "--jobs", "1", *pages, "--db", db, timeout=600)
    assert done.returncode == 0, done.stderr.decode()
    assert f"stored {len(PAGES)} new document(s)" in done.stderr.decode()
    engine = connect(db, migrate=False)
    try:
        with engine.connect() as conn:
            ids = [r.id for r in conn.execute(select(documents.c.id))]
    finally:
        engine.dispose()
    assert len(ids) == len(PAGES)
    with TestClient(create_app(db)) as client:
        for doc_id in ids:
            page = client.get(f"/article/{doc_id}").text
            assert page.count(NOTE) == 1 and "skipped" not in page
