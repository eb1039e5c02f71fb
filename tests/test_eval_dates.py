"""`unspin eval dates`: hand-made date gold (file names, offsets, values) scored through the real command."""

import json

import pytest
from conftest import SHARED, need

from unspin.eval.dates import evaluate_parts, load_gold, packaged_gold

MEETING = "The council met on Monday and voted to close the old ferry pier.\n"
PRICES = "Prices rose in 2019 and fell last year, the harbour master said.\n"


def _gold_folder(tmp_path, documents, parts=None):
    """A shared-like folder with two articles of our own, and a gold file that points into it."""
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "meeting.txt").write_text(MEETING, encoding="utf-8")
    (tmp_path / "articles" / "prices.txt").write_text(PRICES, encoding="utf-8")
    gold = tmp_path / "gold.json"
    gold.write_text(json.dumps({"about": "test", "parts": parts or {}, "documents": documents}), encoding="utf-8")
    return gold


def _at(text, phrase, value):
    start = text.index(phrase)
    return [start, start + len(phrase), value]


def test_a_gold_of_our_own_is_scored_per_part_through_the_command(tmp_path, cli):
    gold = _gold_folder(tmp_path, [
        {"file": "articles/meeting.txt", "published": "2021-03-10", "dates": [_at(MEETING, "Monday", "2021-03-08")]},
        # "last year" is left out of the gold on purpose: it must count against precision.
        {"file": "articles/prices.txt", "published": "2021-03-10", "dates": [_at(PRICES, "2019", "2018")]},
    ], parts={"tune": ["articles/meeting.txt"], "test": ["articles/prices.txt"]})
    result = cli("eval", "dates", str(tmp_path), "--gold", str(gold), "--json")
    assert result.returncode == 0, result.stderr.decode()
    parts = json.loads(result.stdout)["parts"]
    tune, test = parts["tune"], parts["test"]
    assert (tune["gold"], tune["found"], tune["right"], tune["predicted"]) == (1, 1, 1, 1)
    assert tune["detection"]["recall"] == 1.0 and tune["value_accuracy"] == 1.0
    # Found, but the gold says 2018: a wrong value; and "last year" is a predicted span with no gold.
    assert (test["gold"], test["found"], test["right"], test["predicted"]) == (1, 1, 0, 2)
    assert test["detection"]["precision"] == 0.5 and test["value_accuracy"] == 0.0
    table = cli("eval", "dates", str(tmp_path), "--gold", str(gold))
    out = table.stdout.decode()
    assert table.returncode == 0 and "test (untouched)" in out and "tune (rules chosen here)" in out


def test_a_gold_without_parts_is_scored_whole(tmp_path):
    gold = _gold_folder(tmp_path, [
        {"file": "articles/meeting.txt", "published": "2021-03-10", "dates": [_at(MEETING, "Monday", "2021-03-08")]},
    ])
    result = evaluate_parts(tmp_path, gold)
    assert list(result["parts"]) == ["all"] and result["parts"]["all"]["right"] == 1


@pytest.mark.parametrize("documents, parts, message", [
    ([{"file": "articles/gone.txt", "published": "2021-03-10", "dates": []}], None, "is not in"),
    ([{"file": "articles/meeting.txt", "published": "2021-03-10", "dates": [[50, 500, "2021"]]}], None,
     "is not inside its"),
    ([{"file": "articles/meeting.txt", "published": "2021-03-10", "dates": [[3, 1, "2021"]]}], None, "is not inside"),
    ([{"file": "articles/meeting.txt", "published": "2021-03-10", "dates": [["a", 2, None]]}], None,
     "is not [start, end, value or null]"),
    ([{"file": "articles/meeting.txt", "dates": []}], None, "has no publication date"),
    ([{"file": "articles/meeting.txt", "published": "2021-03-10", "dates": []}], {"test": ["articles/other.txt"]},
     "which has no annotations"),
    ([], None, "has no list of documents"),
])
def test_the_loader_names_what_does_not_fit(tmp_path, documents, parts, message):
    gold = _gold_folder(tmp_path, documents, parts)
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_gold(gold, tmp_path)


def test_bad_gold_is_one_line_and_exit_1(tmp_path, cli):
    gold = tmp_path / "gold.json"
    gold.write_text("{not json", encoding="utf-8")
    result = cli("eval", "dates", str(tmp_path), "--gold", str(gold))
    assert result.returncode == 1 and "is not JSON" in result.stderr.decode()
    missing = cli("eval", "dates", str(tmp_path / "nowhere"))
    assert missing.returncode == 2 and "no such file or directory" in missing.stderr.decode()


def test_the_packaged_gold_is_split_in_halves_and_keeps_no_text():
    data = json.loads(packaged_gold().read_text(encoding="utf-8"))
    files = [d["file"] for d in data["documents"]]
    tune, test = set(data["parts"]["tune"]), set(data["parts"]["test"])
    assert not tune & test and tune | test == set(files) and 0 <= len(tune) - len(test) <= 2  # each batch rounds up
    assert sum(len(d["dates"]) for d in data["documents"]) >= 120
    assert all(len(item) == 3 and isinstance(item[0], int) for d in data["documents"] for item in d["dates"])


def test_floor_on_the_untouched_test_part():
    need(SHARED / "data" / "polnear")
    test = evaluate_parts(SHARED)["parts"]["test"]
    assert test["gold"] >= 120
    assert test["detection"]["recall"] >= 0.95  # 0.976 measured
    assert test["detection"]["precision"] >= 0.92  # 0.938 measured
    assert test["value_accuracy"] >= 0.83  # 0.851 measured
