import gzip
import json

import pytest

from unspin.eval.extraction import load_benchmark
from unspin.eval.shingles import aggregate, page_counts, shingles


def test_shingles_are_word_4grams_with_counts():
    grams = shingles("a b c d e a b c d")
    assert grams[("a", "b", "c", "d")] == 2
    assert sum(grams.values()) == 6
    assert shingles("too short") == {("too", "short"): 1}
    assert shingles("") == {}


def test_page_counts_are_normalised():
    c = page_counts("w1 w2 w3 w4 w5", "w1 w2 w3 w4 x")
    # gold shingles: (1234), (2345); predicted: (1234), (234x): tp 1, fp 1, fn 1
    assert (c.tp, c.fp, c.fn) == pytest.approx((1 / 3, 1 / 3, 1 / 3))


def test_aggregate_averages_precision_and_recall_over_the_right_pages():
    perfect = page_counts("a b c d e", "a b c d e")
    nothing = page_counts("a b c d e", "")
    scores = aggregate([perfect, nothing])
    assert scores.precision == 1.0  # the empty prediction does not count for precision
    assert scores.recall == 0.5
    assert scores.f1 == pytest.approx(2 / 3)


def make_benchmark(root, pages):
    (root / "html").mkdir()
    truth = {}
    for pid, (html, gold) in pages.items():
        (root / "html" / f"{pid}.html.gz").write_bytes(gzip.compress(html.encode()))
        truth[pid] = {"articleBody": gold, "url": f"https://example.org/{pid}"}
    (root / "ground-truth.json").write_text(json.dumps(truth))


BODY = ("The regional council approved the new tram line on Thursday after two years of debate. "
        "Construction is due to start next spring and will take about three years to finish.")


def test_eval_extraction_command(cli, tmp_path):
    html = (f"<html><head><title>Tram</title></head><body><nav><a href='/'>Home</a></nav>"
            f"<article><h1>Tram line approved</h1><p>{BODY}</p><p>{BODY.upper()}</p></article></body></html>")
    make_benchmark(tmp_path, {"p1": (html, BODY + "\n" + BODY.upper()), "p2": (html, BODY)})
    result = cli("eval", "extraction", str(tmp_path), "--json")
    assert result.returncode == 0, result.stderr.decode()
    rows = json.loads(result.stdout)
    assert [r["system"] for r in rows] == ["trafilatura 2.3 (favor_precision)", "unspin"]
    for row in rows:
        assert row["pages"] == 2 and 0 < row["f1"] <= 1 and row["pages_per_second"] > 0
    unspin = rows[1]
    assert unspin["recall"] == pytest.approx(1.0)
    table = cli("eval", "extraction", str(tmp_path)).stdout.decode()
    assert "unspin" in table and "F1" in table


def test_wrong_benchmark_layout_is_a_clear_error(cli, tmp_path):
    folder = tmp_path / ("a-folder-with-a-long-name-" * 4)  # a path longer than a terminal line
    folder.mkdir()
    with pytest.raises(ValueError, match="ground-truth.json"):
        load_benchmark(folder)
    result = cli("eval", "extraction", str(folder))
    assert result.returncode == 1
    lines = result.stderr.decode().splitlines()
    assert len(lines) == 1 and "ground-truth.json" in lines[0] and "Traceback" not in lines[0]
