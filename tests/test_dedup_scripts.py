"""Near-duplicates in any script, through the real `unspin ingest` on SQLite and PostgreSQL.

The case from the field: one page saved as a file (no URL, so its identity
is a hash of its text) and the same page in a crawl's WARC (with its URL)
are two documents; the one stored second must be marked a near-duplicate
of the first, whichever comes first, as for English. The Korean and
Japanese pages here are invented for these tests.
"""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from unspin.store import dedup
from unspin.store.db import connect
from unspin.store.tables import documents, outlets, stories

KO_TITLE = "해안 도시 다리 보수 공사로 통행 제한"
KO_BODY = [
    "남해안의 작은 항구 도시 한별시는 월요일부터 중앙 다리의 보수 공사를 시작한다고 밝혔다.",
    "시청 관계자는 공사가 약 3주 동안 이어지며 그 기간에는 대형 화물차의 통행이 금지된다고 설명했다.",
    "주민들은 출퇴근 시간에 우회 도로가 크게 막힐 것이라며 걱정을 나타냈다.",
    "시장 상인회는 관광객이 줄어들 수 있다며 임시 주차장을 늘려 달라고 요청했다.",
    "시는 버스 노선을 조정하고 아침과 저녁에 임시 셔틀버스를 운행할 계획이다.",
    "다리는 1987년에 세워졌으며 지난해 안전 점검에서 일부 교각에 균열이 발견되었다.",
    "공사를 맡은 업체는 비가 많이 오지 않으면 예정보다 일찍 끝날 수도 있다고 말했다.",
]
# another article of the same outlet and week: it must stay a document of its own
KO_OTHER_TITLE = "한별시 도서관 주말 야간 개관 시작"
KO_OTHER = [
    "한별시 중앙도서관이 이번 주말부터 토요일과 일요일 밤 열 시까지 문을 연다.",
    "도서관 측은 시험 기간을 앞둔 학생들의 요청이 많아 운영 시간을 늘리기로 했다고 전했다.",
    "야간에는 열람실만 이용할 수 있으며 책을 빌리는 창구는 평소처럼 저녁 여섯 시에 닫는다.",
    "시는 이용자가 많으면 평일 야간 개관도 검토하겠다고 밝혔다.",
]
KO_URL = "https://news.hanbyeol.example/local/bridge-repairs"

JA_BODY = [
    "南海岸の港町みなと市は、月曜日から中央大橋の補修工事を始めると発表した。",
    "市の担当者によると、工事はおよそ三週間続き、その間は大型トラックの通行が禁止される。",
    "住民からは、朝夕の通勤時間に迂回路がひどく混雑するのではないかと心配する声が上がった。",
    "商店会は観光客が減るおそれがあるとして、臨時駐車場を増やすよう市に求めた。",
    "市はバスの路線を見直し、朝と夕方に臨時のシャトルバスを走らせる予定だ。",
    "大橋は1987年に完成し、昨年の安全点検で一部の橋脚にひびが見つかっていた。",
    "工事を請け負った会社は、雨が少なければ予定より早く終わる可能性もあると話した。",
]
JA_OTHER = [
    "北部の山あいの町では、週末に大雪が降り、県道の一部が通行止めとなった。",
    "町役場によると、除雪車が夜通し作業を続けたが、月曜日の朝も一部の集落は孤立したままだった。",
    "小学校は臨時休校となり、高齢者の住む家には職員が電話で安否を確かめた。",
    "気象台は、水曜日にかけて再び雪が強まるおそれがあるとして注意を呼びかけている。",
]


def page(title: str, paragraphs: list[str], lang: str, site: str) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>'
        f'<meta property="og:site_name" content="{site}"></head><body><nav><a href="/">home</a></nav>'
        f"<article><h1>{title}</h1>{body}</article><footer>© {site}</footer></body></html>"
    ).encode("utf-8")


def write_warc(path, records: list[tuple[str, bytes]]) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for url, body in records:
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                          http_headers=headers))


def stored(url: str) -> tuple[list, list, int]:
    """(documents as (url, outlet, duplicate_of's url, story), outlets, number of stories) in storage order."""
    engine = connect(url, migrate=False)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                select(documents.c.pk, documents.c.url, documents.c.outlet, documents.c.duplicate_of,
                       documents.c.story, documents.c.source_name).order_by(documents.c.pk)
            ).all()
            url_of = {r.pk: r.url or r.source_name for r in rows}
            found = [(url_of[r.pk], r.outlet, url_of.get(r.duplicate_of), r.story) for r in rows]
            named = sorted(tuple(r) for r in conn.execute(select(outlets.c.domain, outlets.c.name)))
            count = len(conn.execute(select(stories.c.pk)).all())
        return found, named, count
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    if request.param == "sqlite":
        return str(tmp_path / "corpus.db")
    return request.getfixturevalue("postgres_db")


def ingest(cli, db: str, *paths) -> None:
    done = cli("ingest", "--no-progress", "--jobs", "1", "--db", db, *map(str, paths), timeout=600)
    assert done.returncode == 0, done.stderr.decode()


@pytest.mark.parametrize("order", ["file-first", "warc-first"])
def test_a_korean_page_from_a_file_and_from_a_warc_is_one_article(order, store, tmp_path, cli):
    saved = tmp_path / "saved" / "bridge.html"
    saved.parent.mkdir()
    saved.write_bytes(page(KO_TITLE, KO_BODY, "ko", "한별 일보"))
    crawl = tmp_path / "crawl.warc.gz"
    write_warc(crawl, [
        (KO_URL, page(KO_TITLE, KO_BODY, "ko", "한별 일보")),
        ("https://news.hanbyeol.example/local/library-nights", page(KO_OTHER_TITLE, KO_OTHER, "ko", "한별 일보")),
    ])
    if order == "file-first":  # two runs, as a researcher adds a crawl to a folder already stored
        ingest(cli, store, saved)
        ingest(cli, store, crawl)
        first, copy = str(saved), KO_URL
    else:
        ingest(cli, store, crawl, saved)
        first, copy = KO_URL, str(saved)
    found, named, count = stored(store)
    by_name = {name: (outlet, original, story) for name, outlet, original, story in found}
    assert len(found) == 3
    assert by_name[copy][1] == first  # the second copy is a near-duplicate of the first
    assert by_name[first][1] is None
    assert by_name[copy][2] == by_name[first][2]  # and in its story
    assert by_name["https://news.hanbyeol.example/local/library-nights"][1] is None
    assert by_name[str(saved)][0] is None  # a file without a URL has no outlet: one outlet, the crawl's
    assert named == [("news.hanbyeol.example", "한별 일보")]
    assert count == 2


def test_an_edited_japanese_copy_is_a_near_duplicate(tmp_path, cli):
    # a wire copy with its own header and credit line and three words changed; written without spaces,
    # each clause was one "word" before, and one edit broke five clause-long shingles
    original = "".join(JA_BODY)
    edited = ["【みなと通信】" + JA_BODY[0], JA_BODY[1].replace("三週間", "3週間"),
              JA_BODY[2].replace("心配する声", "不安の声"), *JA_BODY[3:5], JA_BODY[5].replace("ひびが", "亀裂が"),
              JA_BODY[6], "（みなと通信）"]
    saved = tmp_path / "minato.html"
    saved.write_bytes(page("港町の橋、補修工事で通行制限", JA_BODY, "ja", "みなと新聞"))
    crawl = tmp_path / "wire.warc.gz"
    write_warc(crawl, [
        ("https://wire.minato.example/2026/bridge", page("港町の橋、補修工事で通行制限", edited, "ja", "みなと通信")),
        ("https://wire.minato.example/2026/snow", page("山あいの町で大雪", JA_OTHER, "ja", "みなと通信")),
    ])
    db = str(tmp_path / "corpus.db")
    ingest(cli, db, saved, crawl)
    found, _, _ = stored(db)
    assert [original for _, _, original, _ in found] == [None, str(saved), None]
    assert dedup.similarity(dedup.shingle_signature(original), dedup.shingle_signature("".join(edited))) >= 0.8


def test_tokens_follow_the_script():
    assert dedup.tokens("Port Arlen's dockers, 4,200 of them") == dedup.words("Port Arlen's dockers, 4,200 of them")
    assert dedup.tokens("한별시는 월요일부터 Москва Αθήνα") == ["한별시는", "월요일부터", "москва", "αθήνα"]
    assert dedup.tokens("大橋はNHK、１２日") == ["大", "橋", "は", "nhk", "１２", "日"]
    # a vowel sign or virama stays in its word, Thai splits into characters with their marks
    assert dedup.tokens("हिन्दी भाषा") == ["हिन्दी", "भाषा"]
    assert dedup.tokens("กิน") == ["กิ", "น"]
