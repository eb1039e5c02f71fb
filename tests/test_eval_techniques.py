"""The SemEval-2020 Task 11 scorer on hand-computed cases, plus a sanity check on the PTC dev gold."""

from __future__ import annotations

import io

import pytest
from conftest import SHARED, need

from unspin.eval.techniques import (
    TECHNIQUES,
    Labelled,
    format_table,
    merge_spans,
    read_articles,
    read_labels,
    score,
    write_predictions,
)

PTC_DEV = SHARED / "data" / "ptc" / "dev"
LOADED = "Loaded_Language"
NAME_CALLING = "Name_Calling,Labeling"
REPETITION = "Repetition"
DOUBT = "Doubt"


def span(start: int, end: int, technique: str | None = LOADED, article: str = "1") -> Labelled:
    return Labelled(article, technique, start, end)


def close(value: float) -> object:
    return pytest.approx(value, abs=1e-12)


# ---------------------------------------------------------------- SI


def test_half_overlap_gives_half_precision_and_recall():
    si = score([span(0, 10)], [span(5, 15)])["si"]
    assert (si["precision"], si["recall"], si["f1"]) == (close(0.5), close(0.5), close(0.5))


def test_prediction_overlapping_two_gold_spans_takes_credit_from_both():
    # |s| = 20 shares 5 with [0,10) and 5 with [20,40): P = 10/20, R = (5/10 + 5/20) / 2
    si = score([span(0, 10), span(20, 40)], [span(5, 25)])["si"]
    assert si["precision"] == close(0.5)
    assert si["recall"] == close(0.375)
    assert si["f1"] == close(2 * 0.5 * 0.375 / 0.875)


def test_duplicate_and_overlapping_predictions_are_merged_not_double_counted():
    assert score([span(0, 10)], [span(0, 10), span(0, 10)])["si"]["precision"] == close(1.0)
    si = score([span(0, 10)], [span(0, 6), span(4, 10)])["si"]
    assert (si["precision"], si["recall"], si["predicted"]) == (close(1.0), close(1.0), 1)


def test_spans_of_different_articles_never_overlap():
    si = score([span(0, 10, article="a")], [span(0, 10, article="b")])["si"]
    assert (si["precision"], si["recall"], si["f1"]) == (0.0, 0.0, 0.0)


def test_merge_spans_joins_overlapping_and_touching_spans():
    assert merge_spans([(20, 30), (0, 5), (3, 8), (8, 10), (40, 41)]) == [(0, 10), (20, 30), (40, 41)]


def test_empty_predictions_score_zero_without_crashing():
    result = score([span(0, 10), span(3, 7, NAME_CALLING)], [])
    assert result["si"]["f1"] == result["tc"]["micro_f1"] == result["end_to_end"]["f1"] == 0.0
    assert all(row["f1"] == 0.0 for row in result["per_technique"].values())
    assert "SI" in format_table(result)


def test_empty_gold_and_predictions_score_zero():
    result = score([], [])
    assert result["si"]["f1"] == result["end_to_end"]["precision"] == 0.0


# ---------------------------------------------------------------- TC


def test_two_labels_on_one_span_need_both_predicted():
    gold = [span(0, 10, LOADED), span(0, 10, NAME_CALLING)]
    result = score(gold, [span(0, 10, LOADED)])
    assert result["si"]["f1"] == close(1.0)
    assert (result["tc"]["precision"], result["tc"]["recall"]) == (close(1.0), close(0.5))
    assert result["tc"]["micro_f1"] == close(2 / 3)
    e2e = result["end_to_end"]
    assert (e2e["precision"], e2e["recall"], e2e["f1"]) == (close(1.0), close(0.5), close(2 / 3))
    assert result["per_technique"][LOADED]["f1"] == close(1.0)
    assert result["per_technique"][NAME_CALLING] == {
        "precision": 0.0,
        "recall": 0.0,
        "f1": 0.0,
        "gold": 1,
        "predicted": 0,
    }


def test_tc_matches_labels_of_one_span_as_multisets_in_any_order():
    gold = [span(0, 10, LOADED), span(0, 10, REPETITION), span(20, 30, DOUBT)]
    predicted = [span(0, 10, REPETITION), span(0, 10, LOADED), span(20, 30, LOADED)]
    assert score(gold, predicted)["tc"]["micro_f1"] == close(2 / 3)


def test_tc_counts_a_repeated_label_only_as_often_as_gold_has_it():
    gold = [span(0, 10, LOADED), span(0, 10, REPETITION)]
    tc = score(gold, [span(0, 10, LOADED), span(0, 10, LOADED)])["tc"]
    assert (tc["matched"], tc["micro_f1"]) == (1, close(0.5))


def test_tc_needs_the_exact_span():
    assert score([span(0, 10)], [span(0, 9)])["tc"]["micro_f1"] == 0.0


# ---------------------------------------------------------------- end to end


def test_end_to_end_gives_no_credit_for_the_wrong_technique():
    result = score([span(0, 10, LOADED)], [span(0, 10, NAME_CALLING)])
    assert result["si"]["f1"] == close(1.0)
    assert result["end_to_end"]["f1"] == 0.0


def test_end_to_end_partial_overlap_per_technique_is_micro_averaged():
    gold = [span(0, 10, LOADED), span(20, 30, DOUBT)]
    predicted = [span(5, 15, LOADED), span(20, 30, DOUBT), span(40, 50, DOUBT)]
    result = score(gold, predicted)
    # credits: Loaded 0.5 (P) / 0.5 (R); Doubt 1 / 1; the [40,50) Doubt earns nothing
    assert result["end_to_end"]["precision"] == close(1.5 / 3)
    assert result["end_to_end"]["recall"] == close(1.5 / 2)
    doubt = result["per_technique"][DOUBT]
    assert (doubt["precision"], doubt["recall"], doubt["gold"], doubt["predicted"]) == (
        close(0.5),
        close(1.0),
        1,
        2,
    )


def test_format_table_lists_every_technique():
    table = format_table(score([span(0, 10)], [span(5, 15)]))
    assert all(name in table for name in TECHNIQUES)
    assert "end to end" in table and "micro-F1" in table


# ---------------------------------------------------------------- files


def test_write_then_read_round_trips(tmp_path):
    spans = [
        span(0, 10, "Whataboutism,Straw_Men,Red_Herring", "111"),
        span(3, 7, NAME_CALLING, "111"),
        span(3, 7, LOADED, "222"),
    ]
    path = tmp_path / "pred.labels"
    write_predictions(spans, path)
    assert read_labels(path) == spans
    first_row = path.read_text(encoding="utf-8").splitlines()[0]
    assert first_row == "111\tWhataboutism,Straw_Men,Red_Herring\t0\t10"
    stream = io.StringIO()
    write_predictions(spans, stream)
    assert stream.getvalue() == path.read_text(encoding="utf-8")


def test_write_refuses_a_span_without_technique():
    with pytest.raises(ValueError, match="no technique"):
        write_predictions([span(0, 1, None)], io.StringIO())


def test_three_column_si_rows_have_no_technique(tmp_path):
    path = tmp_path / "si.labels"
    path.write_text("111\t0\t10\n\n222\t5\t6\n", encoding="utf-8")
    assert read_labels(path) == [span(0, 10, None, "111"), span(5, 6, None, "222")]


@pytest.mark.parametrize(
    ("bad_line", "message"),
    [
        ("111\t0", "3 or 4 TAB-separated columns"),
        ("111\tLoaded_Language\t0\t10\t1.0", "3 or 4 TAB-separated columns"),
        ("111\tLoaded_Language\t0", "not an integer"),
        ("111 Loaded_Language 0 10", "3 or 4 TAB-separated columns"),
        ("111\tLoaded Language\t0\t10", "unknown technique"),
        ("111\tName_Calling\t0\t10", "unknown technique"),
        ("111\tLoaded_Language\tzero\t10", "not an integer"),
        ("111\tLoaded_Language\t-1\t10", "negative"),
        ("111\tLoaded_Language\t10\t10", "empty or reversed"),
        ("\tLoaded_Language\t0\t10", "empty article id"),
    ],
)
def test_malformed_line_names_file_and_line(tmp_path, bad_line, message):
    path = tmp_path / "bad.labels"
    path.write_text(f"111\tDoubt\t0\t10\n{bad_line}\n", encoding="utf-8")
    with pytest.raises(ValueError, match=message) as error:
        read_labels(path)
    assert f"{path}:2" in str(error.value)


def test_articles_are_read_verbatim(tmp_path):
    (tmp_path / "article42.txt").write_bytes("\ufeffTitle\r\n\nBody.\n".encode())
    (tmp_path / "notes.txt").write_text("ignored", encoding="utf-8")
    assert read_articles(tmp_path) == {"42": "\ufeffTitle\r\n\nBody.\n"}


def test_no_articles_is_an_error_naming_the_directory(tmp_path):
    with pytest.raises(ValueError, match=str(tmp_path)):
        read_articles(tmp_path)


# ---------------------------------------------------------------- real PTC dev gold


@pytest.mark.shared
def test_dev_gold_scores_perfectly_against_itself():
    gold = read_labels(need(PTC_DEV / "dev-task-flc-tc.labels"))
    articles = read_articles(PTC_DEV / "articles")
    assert len(articles) == 75
    assert {label.article_id for label in gold} <= set(articles)
    assert all(label.end <= len(articles[label.article_id]) for label in gold)
    present = {label.technique for label in gold}
    assert len(present) <= 14 and present <= set(TECHNIQUES)
    result = score(gold, gold)
    headline = [result["si"]["f1"], result["tc"]["micro_f1"], result["end_to_end"]["f1"]]
    assert headline == [close(1.0)] * 3
    assert all(row["f1"] == close(1.0) for name, row in result["per_technique"].items() if name in present)


@pytest.mark.shared
def test_dev_si_gold_is_the_merged_tc_gold():
    tc_gold = read_labels(need(PTC_DEV / "dev-task-flc-tc.labels"))
    si_gold = read_labels(need(PTC_DEV / "dev-task-si.labels"))
    assert {label.technique for label in si_gold} == {None}
    si = score(si_gold, tc_gold)["si"]
    assert (si["precision"], si["recall"], si["gold"], si["predicted"]) == (close(1.0), close(1.0), 940, 940)
