"""Pages are decoded as a browser decodes them, and every repair is said in the notes.

All pages here are made for the tests (German, Polish and English prose
written for them) and go through the real ``unspin analyze`` command, one
run for the whole folder, as a researcher's batch would.
"""

from __future__ import annotations

import codecs
import io
import json

import pytest

GERMAN = (
    "<html><head><title>Brücke gesperrt</title></head><body><article><h1>Brücke über die Weser gesperrt</h1>"
    "<p>Die Stadtverwaltung hat am Dienstag die alte Brücke über die Weser für den Verkehr gesperrt, nachdem "
    "Prüfer Risse in zwei Pfeilern gefunden hatten. Fußgänger dürfen die Brücke vorerst weiter nutzen.</p>"
    "<p>Nach Angaben der Behörde werden die Arbeiten mindestens sechs Wochen dauern; die Umleitung führt über "
    "die Nordstraße. Geschäftsleute befürchten weniger Kunden in der Altstadt.</p>"
    "<p>Der Bürgermeister sagte, die Stadt werde die Kosten von rund zwei Millionen Euro aus Rücklagen "
    "bezahlen.</p></article></body></html>"
)
POLISH = (
    "<html><head><title>Wiadomości</title></head><body><article><h1>Nowe ujęcie wody w Łodzi</h1>"
    "<p>Mieszkańcy Łodzi od wtorku piją wodę z nowego ujęcia, poinformował zarząd wodociągów miejskich. "
    "Dyrektor spółki powiedział, że zmiana była konieczna po zeszłorocznej suszy, która obniżyła poziom "
    "rzeki.</p><p>Według urzędników koszt inwestycji wyniósł czterdzieści milionów złotych, a prace trwały "
    "dwa lata. Część mieszkańców skarżyła się na zapach wody, ale badania nie wykazały żadnych "
    "zanieczyszczeń.</p><p>Źródło wody leży dwadzieścia kilometrów na północ od miasta, w pobliżu "
    "Zgierza.</p></article></body></html>"
)
ENGLISH = (
    "<html><head>{head}<title>Harbour café reopens</title></head><body><article><h1>Harbour café reopens</h1>"
    "<p>The café on the north quay reopened on Saturday after a winter of repairs, its owner said.</p>"
    "<p>Visitors queued in the rain for the first coffee, and the bakery next door sold out by noon.</p>"
    "<p>The owner said the new roof had cost more than the café earns in a good summer.</p>"
    "</article></body></html>"
)


def mixed_german() -> bytes:
    """Mostly UTF-8, with two words whose umlauts were pasted in as Latin-1 bytes."""
    data = GERMAN.encode("utf-8")
    data = data.replace("Rücklagen".encode(), b"R\xfccklagen").replace("Geschäftsleute".encode(), b"Gesch\xe4ftsleute")
    return data


@pytest.fixture(scope="module")
def read(tmp_path_factory):
    """Every page of this file read by one run of ``unspin analyze``: {file name: Document JSON}, and stderr."""
    from conftest import run_cli

    folder = tmp_path_factory.mktemp("encodings")
    (folder / "german-1252.html").write_bytes(GERMAN.encode("cp1252"))
    (folder / "polish-8859-2.html").write_bytes(POLISH.encode("iso8859_2"))
    (folder / "mixed.html").write_bytes(mixed_german())
    # A byte-order mark outranks a <meta> that says otherwise, as in a browser.
    (folder / "bom.html").write_bytes(codecs.BOM_UTF8 + ENGLISH.format(head="<meta charset='iso-8859-2'>").encode())
    # Declared windows-1250, with a byte that windows-1250 leaves undefined (0x98).
    declared = ENGLISH.format(head="<meta http-equiv='Content-Type' content='text/html; charset=windows-1250'>")
    (folder / "declared-1250.html").write_bytes(declared.encode("cp1250").replace(b"rain", b"ra\x98in"))
    # Damaged UTF-8: the stray bytes read as letters of no word; refused, and the batch goes on.
    (folder / "damaged.html").write_bytes(
        ENGLISH.format(head="").encode().replace(b"north quay", b"north \xff\xfe\xc3 quay")
    )
    # The same damage in a page that declares UTF-8 is text by its own word: replaced, as a browser shows it.
    (folder / "declared-utf8-damaged.html").write_bytes(
        ENGLISH.format(head="<meta charset='utf-8'>").encode().replace(b"north quay", b"north \xff\xfe\xc3 quay")
    )
    # A WARC record: its HTTP header's charset outranks the page's <meta>.
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=False)
    headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=iso-8859-2")], protocol="HTTP/1.1")
    body = POLISH.replace("<head>", "<head><meta charset='utf-8'>").encode("iso8859_2")
    writer.write_record(writer.create_warc_record("https://lodz.example/woda", "response",
                                                  payload=io.BytesIO(body), http_headers=headers))
    (folder / "crawl.warc").write_bytes(buf.getvalue())

    result = run_cli("analyze", str(folder), "--format", "json", "--jobs", "1", timeout=600)
    docs = {d["source"]["name"].rsplit("/", 1)[-1]: d for d in json.loads(result.stdout)}
    return docs, result.stderr.decode(), result.returncode


def decode_notes(doc: dict) -> list[str]:
    return [n["message"] for n in doc["notes"] if n["component"] == "decode"]


def test_german_windows_1252_without_a_charset_is_detected(read):
    docs, _, _ = read
    doc = docs["german-1252.html"]
    assert "Fußgänger dürfen die Brücke" in doc["text"]
    assert doc["source"]["encoding"] == "cp1252"
    assert decode_notes(doc) == ["decoded as windows-1252 (detected; no charset declared)"]


def test_polish_iso_8859_2_without_a_charset_is_detected(read):
    docs, _, _ = read
    doc = docs["polish-8859-2.html"]
    assert "Mieszkańcy Łodzi od wtorku piją wodę" in doc["text"]
    assert "Źródło wody" in doc["text"] and "złotych" in doc["text"]
    assert decode_notes(doc) == ["decoded as iso-8859-2 (detected; no charset declared)"]


def test_mixed_utf8_and_latin1_is_read_not_refused(read):
    docs, _, _ = read
    doc = docs["mixed.html"]
    assert "aus Rücklagen bezahlen" in doc["text"] and "Geschäftsleute befürchten" in doc["text"]
    assert "Fußgänger" in doc["text"]  # the UTF-8 around them is untouched
    assert decode_notes(doc) == [
        "read as utf-8 with 2 bytes decoded as windows-1252 (mixed encodings; no charset declared)"
    ]


def test_byte_order_mark_wins_over_meta(read):
    docs, _, _ = read
    doc = docs["bom.html"]
    assert "The café on the north quay" in doc["text"]
    assert doc["source"]["encoding"] == "utf-8"
    assert decode_notes(doc) == []  # nothing guessed, nothing repaired


def test_declared_charset_is_used_and_undecodable_bytes_are_replaced(read):
    docs, _, _ = read
    doc = docs["declared-1250.html"]
    assert "queued in the ra\ufffdin" in doc["text"] and "The café" in doc["text"]
    assert doc["source"]["encoding"] == "cp1250"
    assert decode_notes(doc) == ["replaced 1 byte undecodable in windows-1250 (declared in the page)"]


def test_damage_in_a_page_declaring_utf8_is_replaced(read):
    docs, _, _ = read
    doc = docs["declared-utf8-damaged.html"]
    assert "on the north \ufffd\ufffd\ufffd quay" in doc["text"]
    assert decode_notes(doc) == ["replaced 3 bytes undecodable in utf-8 (declared utf-8 in the page)"]


def test_warc_http_header_charset_wins_over_meta(read):
    docs, _, _ = read
    doc = docs["crawl.warc"]
    assert "Mieszkańcy Łodzi" in doc["text"]
    assert doc["source"]["encoding"] == "iso8859-2"
    assert decode_notes(doc) == []


def test_damaged_utf8_is_refused_in_one_line_and_the_batch_goes_on(read):
    docs, stderr, code = read
    assert "damaged.html" not in docs
    errors = [line for line in stderr.splitlines() if line.startswith("unspin: error:")]
    assert len(errors) == 1 and "damaged.html" in errors[0] and "U005" in errors[0], stderr
    assert "invalid UTF-8 at byte" in errors[0]
    assert "Traceback" not in stderr
    assert code == 1
    assert len(docs) == 7
