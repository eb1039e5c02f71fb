"""Every bad input gives one line naming it and the problem, never a traceback."""

import gzip
import io
import json

import pytest

from unspin.ingest.decode import MAX_BYTES

GOOD_HTML = (
    "<html><head><title>Reservoir levels fall</title></head><body><article>"
    "<h1>Reservoir levels fall</h1>"
    "<p>Water in the northern reservoirs fell to a third of capacity this week, the regional utility said on Tuesday.</p>"
    "<p>Engineers expect rationing to begin in March unless the spring brings more rain than forecast.</p>"
    "<p>Farmers in the valley say the restrictions would hit the planting season hardest of all.</p>"
    "</article></body></html>"
)
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\x00" * 64


def errors_of(result) -> list[str]:
    return [ln for ln in result.stderr.decode().splitlines() if ln.startswith("unspin: error:")]


def assert_one_clean_line(result, name: str, fragment: str):
    stderr = result.stderr.decode()
    assert "Traceback" not in stderr
    lines = errors_of(result)
    assert len(lines) == 1, stderr
    assert name in lines[0] and fragment in lines[0], lines[0]
    assert result.returncode == 1


def test_empty_file(cli, tmp_path):
    f = tmp_path / "empty.html"
    f.write_bytes(b"")
    assert_one_clean_line(cli("analyze", str(f)), "empty.html", "empty input")


def test_binary_image(cli, tmp_path):
    f = tmp_path / "photo.html"
    f.write_bytes(PNG)
    assert_one_clean_line(cli("analyze", str(f)), "photo.html", "PNG image")


def test_huge_page_is_refused_quickly(cli, tmp_path):
    f = tmp_path / "huge.html"
    with open(f, "wb") as fh:
        fh.write(b"<html><body>")
        chunk = b"<p>" + b"word " * 2000 + b"</p>\n"
        while fh.tell() < 50 * 1024 * 1024:
            fh.write(chunk)
    result = cli("analyze", str(f), timeout=30)
    assert_one_clean_line(result, "huge.html", f"over the {MAX_BYTES // (1024 * 1024)} MB cap")


def test_huge_gzip_bomb_is_refused(cli, tmp_path):
    f = tmp_path / "bomb.html.gz"
    f.write_bytes(gzip.compress(b"<html><body>" + b" " * (MAX_BYTES + 10)))
    assert_one_clean_line(cli("analyze", str(f), timeout=30), "bomb.html.gz", "cap")


def test_latin1_page_without_charset_is_read(cli, tmp_path):
    html = GOOD_HTML.replace("this week", "this week in Besançon and Zürich, where the café owners").replace(
        "rain than forecast", "rain than forecast, déjà vu for the région"
    )
    f = tmp_path / "latin1.html"
    f.write_bytes(html.encode("latin-1"))
    result = cli("analyze", str(f), "--format", "json")
    assert result.returncode == 0, result.stderr.decode()
    doc = json.loads(result.stdout)
    assert "Besançon and Zürich" in doc["text"]
    assert doc["source"]["encoding"] in ("cp1252", "iso8859-1", "iso8859-15")


def test_invalid_utf8(cli, tmp_path):
    f = tmp_path / "broken.txt"
    f.write_bytes("Café society met on Tuesday to discuss the plans. ".encode() * 5 + b"\xff\xfe\xc3 and then")
    assert_one_clean_line(cli("analyze", str(f)), "broken.txt", "invalid UTF-8")


def test_truncated_warc_gz(cli, tmp_path):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    for i in range(3):
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        body = GOOD_HTML.replace("Reservoir", f"Reservoir {i}").encode()
        writer.write_record(writer.create_warc_record(f"https://example.org/{i}", "response",
                                                      payload=io.BytesIO(body), http_headers=headers))
    data = buf.getvalue()
    f = tmp_path / "cut.warc.gz"
    f.write_bytes(data[: len(data) - 150])
    result = cli("analyze", str(f), "--format", "jsonl")
    stderr = result.stderr.decode()
    assert "Traceback" not in stderr
    docs = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert [d["meta"]["url"] for d in docs] == ["https://example.org/0", "https://example.org/1"]
    assert len(errors_of(result)) == 1 and "truncated" in errors_of(result)[0]
    assert "cut.warc.gz#" in errors_of(result)[0]
    assert result.returncode == 1


def test_truncated_plain_gzip(cli, tmp_path):
    f = tmp_path / "page.html.gz"
    f.write_bytes(gzip.compress(GOOD_HTML.encode())[:-30])
    assert_one_clean_line(cli("analyze", str(f)), "page.html.gz", "gzip")


def test_only_script_and_style(cli, tmp_path):
    f = tmp_path / "scripts.html"
    f.write_text("<html><head><style>p{color:red}</style><script>var a = 'text text text';</script></head>"
                 "<body><script>document.write('hello world and more words')</script></body></html>")
    assert_one_clean_line(cli("analyze", str(f)), "scripts.html", "no article text")


def test_missing_path(cli, tmp_path):
    assert_one_clean_line(cli("analyze", str(tmp_path / "nope.html")), "nope.html", "no such file")


def test_directory_mixing_good_and_bad(cli, tmp_path):
    (tmp_path / "good.html").write_text(GOOD_HTML)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "good2.txt").write_text(
        "Water Levels Fall\n\nWater in the northern reservoirs fell to a third of capacity this week, "
        "the regional utility said on Tuesday.\n"
    )
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "image.png").write_bytes(PNG)
    (tmp_path / "bad.jsonl").write_text('{"text": "A line of JSON with enough words to read."}\n{not json\n')
    result = cli("analyze", str(tmp_path), "--format", "jsonl")
    stderr = result.stderr.decode()
    assert "Traceback" not in stderr
    assert result.returncode == 1
    docs = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert {d["source"]["name"].rsplit("/", 1)[-1] for d in docs} == {"good.html", "good2.txt", "bad.jsonl"}
    failed = errors_of(result)
    assert len(failed) == 3
    assert any("empty.txt" in ln for ln in failed)
    assert any("image.png" in ln for ln in failed)
    assert any("bad.jsonl#2" in ln for ln in failed)
    assert "3 document(s) read, 3 input(s) failed" in stderr


def test_usage_error_exit_code(cli):
    result = cli("analyze", "--format", "yaml", "x")
    assert result.returncode == 2


@pytest.mark.parametrize("payload", [b"\x00\x01\x02" * 100, b"   \n\n  "])
def test_stdin_bad_input(cli, payload):
    result = cli("analyze", "-", stdin=payload)
    assert result.returncode == 1
    assert len(errors_of(result)) == 1 and errors_of(result)[0].startswith("unspin: error: -:")


def test_damaged_warcs_never_crash_and_keep_good_records(tmp_path):
    """Truncations and flipped bytes in WARC data: every record is a Document or a Failure."""
    import random

    from test_readers import page, write_warc

    from unspin.document import Document
    from unspin.errors import Failure
    from unspin.ingest import read_bytes

    originals = []
    for name in ("c.warc.gz", "c.warc"):
        write_warc(tmp_path / name, [(f"https://a.example/{i}", "text/html", page(f"Page {i}")) for i in range(4)])
        originals.append((tmp_path / name).read_bytes())
    rng = random.Random(7)
    documents = 0
    for _ in range(60):
        data = bytearray(rng.choice(originals))
        if rng.random() < 0.5:
            data = data[: rng.randrange(len(data))]
        else:
            for _ in range(rng.randint(1, 10)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        out = list(read_bytes("damaged", bytes(data)))
        assert all(isinstance(o, (Document, Failure)) for o in out)
        documents += sum(isinstance(o, Document) for o in out)
    assert documents > 60  # damage costs records, not whole files
