"""The paragraph view's parts that need no model: segmentation, the subtask-3 metric, folds, TF-IDF, badges.

Every text here is written for these tests.
"""

from __future__ import annotations

import io

import numpy as np
import pytest

from unspin.document import Document, Span
from unspin.eval.paragraphs import TAXONOMY, everywhere, format_rows, format_table, read_rows, score, write_rows
from unspin.report.paragraphs import paragraph_badges, paragraphs_view, with_badges
from unspin.techniques.paragraph_features import SURFACE, Vocabulary, analyse, surface, with_context
from unspin.techniques.paragraph_folds import deal, folds_for, splits_path, stored
from unspin.techniques.paragraphs import Paragraph, split

TEXT = (
    "Harbour board votes on the night shift\n"
    "\n"
    "  The board met on Tuesday and voted to keep the night shift.  \n"
    "\n"
    "\n"
    "Dock workers called the decision \"a disgrace\" and asked why nobody had listened?\n"
    "   \n"
    "The vote was 5 to 2."
)


# ---------------------------------------------------------------- segmentation


def test_paragraphs_are_non_empty_lines_numbered_as_the_file_counts_them():
    found = split(TEXT)
    assert [p.line for p in found] == [1, 3, 6, 8]
    assert [TEXT[p.start : p.end] for p in found] == [
        "Harbour board votes on the night shift",
        "The board met on Tuesday and voted to keep the night shift.",
        "Dock workers called the decision \"a disgrace\" and asked why nobody had listened?",
        "The vote was 5 to 2.",
    ]


def test_paragraph_bounds_leave_out_surrounding_white_space_and_carriage_returns():
    text = "\r\n  First line.\r\nSecond\tline.\t\r\n\r\n"
    found = split(text)
    assert [(p.line, text[p.start : p.end]) for p in found] == [(2, "First line."), (3, "Second\tline.")]


def test_empty_and_blank_texts_have_no_paragraphs():
    assert split("") == []
    assert split("\n \n\t\n") == []


def test_one_line_without_newline_is_one_paragraph():
    assert split("Just this.") == [Paragraph(1, 0, 10)]


# ---------------------------------------------------------------- the metric


def rows(text: str) -> dict:
    path = io.StringIO(text)
    out = {}
    for line in path.read().splitlines():
        from unspin.eval.paragraphs import parse_row

        key, labels = parse_row(line, "test")
        out[key] = labels
    return out


GOLD = rows("7\t1\t\n7\t3\tLoaded_Language,Doubt\n7\t5\tDoubt\n8\t1\tSlogans\n")


def test_micro_f1_counts_paragraph_technique_pairs():
    predicted = rows("7\t1\tDoubt\n7\t3\tLoaded_Language\n7\t5\tDoubt\n8\t1\t\n")
    result = score(GOLD, predicted)
    # gold pairs: 4; predicted: 3; right: 2 (7/3 Loaded_Language, 7/5 Doubt)
    assert (result["matched"], result["gold"], result["predicted"]) == (2, 4, 3)
    assert result["precision"] == pytest.approx(2 / 3)
    assert result["recall"] == pytest.approx(2 / 4)
    assert result["f1"] == pytest.approx(2 * 2 / (4 + 3))
    assert result["per_label"]["Doubt"]["f1"] == pytest.approx(2 * 1 / (2 + 2))
    assert result["per_label"]["Slogans"]["recall"] == 0.0


def test_missing_paragraphs_count_as_predicted_empty_and_extra_ones_are_not_scored():
    result = score(GOLD, rows("7\t3\tLoaded_Language,Doubt\n9\t1\tDoubt\n"))
    assert (result["matched"], result["predicted"], result["unscored"]) == (2, 2, 1)


def test_labels_outside_the_taxonomy_are_not_scored_and_nothing_against_nothing_is_perfect():
    assert score(GOLD, rows("7\t1\tSomething_Else\n"))["predicted"] == 0
    empty = rows("1\t1\t\n1\t2\t\n")
    assert score(empty, empty)["f1"] == 1.0
    assert score(GOLD, GOLD)["f1"] == 1.0
    assert len(TAXONOMY) == 23


def test_the_everywhere_baseline_predicts_one_label_per_paragraph():
    result = score(GOLD, everywhere(GOLD))
    assert (result["matched"], result["predicted"]) == (1, 4)


def test_rows_round_trip_through_the_file_format(tmp_path):
    path = tmp_path / "labels.txt"
    write_rows(GOLD, path)
    assert read_rows(path) == GOLD
    assert format_rows(GOLD).splitlines()[1] == "7\t3\tDoubt,Loaded_Language"


@pytest.mark.parametrize("line, problem", [
    ("7\tx\tDoubt", "not an integer"),
    ("7\t0\tDoubt", "not positive"),
    ("7", "columns"),
    ("\t1\tDoubt", "empty article id"),
])
def test_malformed_rows_are_errors_naming_the_line(tmp_path, line, problem):
    path = tmp_path / "bad.txt"
    path.write_text("7\t1\t\n" + line + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=f"bad.txt:2: .*{problem}"):
        read_rows(path)


def test_a_paragraph_listed_twice_is_an_error(tmp_path):
    path = tmp_path / "twice.txt"
    path.write_text("7\t1\tDoubt\n7\t1\tSlogans\n", encoding="utf-8")
    with pytest.raises(ValueError, match="listed twice"):
        read_rows(path)


def test_the_table_shows_a_dash_for_the_precision_of_labels_never_predicted():
    table = format_table(score(GOLD, rows("7\t3\tLoaded_Language\n")))
    assert "micro-F1" in table
    slogans = next(line for line in table.splitlines() if line.startswith("Slogans"))
    assert "—" in slogans


# ---------------------------------------------------------------- folds


def test_folds_are_a_seeded_deal_by_article():
    ids = [str(100 + i) for i in range(23)]
    first = deal(ids, 5, 13)
    assert first == deal(list(reversed(ids)), 5, 13)  # the order given does not matter
    assert sorted(np.bincount(list(first.values()))) == [4, 4, 5, 5, 5]
    assert first != deal(ids, 5, 14)


def test_the_committed_folds_are_the_deal_they_say_they_are():
    data = stored()
    ids = [aid for fold in data["articles"] for aid in fold]
    assert len(ids) == len(set(ids)) == 446
    assert folds_for(ids, data["folds"], data["seed"]) == deal(ids, data["folds"], data["seed"])
    assert splits_path().name == "paragraph_folds.json"


# ---------------------------------------------------------------- features


def test_tfidf_matches_scikit_learn_on_the_same_vocabulary():
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = [TEXT[p.start : p.end] for p in split(TEXT)] + ["The night shift stays.", "Workers said: the shift stays!"]
    vocabulary = Vocabulary.fit(texts, min_df=2, max_terms=10_000)
    assert vocabulary.terms
    reference = TfidfVectorizer(analyzer=analyse, vocabulary=list(vocabulary.terms), sublinear_tf=True).fit(texts)
    assert np.allclose(vocabulary.idf, reference.idf_)
    assert np.allclose(vocabulary.transform(texts).toarray(), reference.transform(texts).toarray())


def test_surface_signals_see_questions_quotes_capitals_and_repeats():
    text = "Why did they LIE?\nThey said \"never again\" and \"never again\" means never again.\nNever again means never again, they said."
    paragraphs = split(text)
    values = surface(text, paragraphs)
    column = {name: values[:, k] for k, name in enumerate(SURFACE)}
    assert values.shape == (3, len(SURFACE))
    assert list(column["question"]) == [1.0, 0.0, 0.0]
    assert list(column["capital_words"]) == [1.0, 0.0, 0.0]
    assert column["quoted_spans"][1] == 2.0 and column["short_quotes"][1] == 2.0
    assert column["repeated_trigrams"][1] > 0.0  # "never again means" recurs in the next paragraph
    assert list(column["first"]) == [1.0, 0.0, 0.0] and list(column["last"]) == [0.0, 0.0, 1.0]


def test_context_adds_neighbours_and_the_article_mean():
    emb = np.eye(3, 4, dtype=np.float32)
    both = with_context(emb, neighbours=True, article=True)
    assert both.shape == (3, 16)
    assert np.allclose(both[0, 4:8], 0.0) and np.allclose(both[1, 4:8], emb[0])  # previous paragraph
    assert np.allclose(both[1, 8:12], emb[2]) and np.allclose(both[2, 8:12], 0.0)  # next paragraph
    assert np.isclose(np.linalg.norm(both[0, 12:]), 1.0)


# ---------------------------------------------------------------- the view


def flagged_doc() -> Document:
    paragraphs = split(TEXT)
    spans = [
        Span(paragraphs[2].start, paragraphs[2].end, "Loaded_Language", 0.61, "paragraph_techniques",
             {"definition": "carried"}),
        Span(paragraphs[2].start, paragraphs[2].end, "Doubt", 0.74, "paragraph_techniques", {"definition": "x"}),
        Span(paragraphs[3].start, paragraphs[3].end, "<b>Not_Ours</b>", 0.3, "paragraph_techniques",
             {"definition": "read from a file"}),
    ]
    return Document(TEXT, layers={"paragraph_techniques": spans})


def test_badges_group_a_paragraphs_techniques_most_confident_first():
    flagged = paragraph_badges(flagged_doc())
    assert [(f.number, [b.label for b in f.badges]) for f in flagged] == [
        (3, ["Doubt", "Loaded_Language"]), (4, ["<b>Not_Ours</b>"])]
    doubt = flagged[0].badges[0]
    assert doubt.name == "Doubt" and doubt.title.startswith("Doubt (0.74): ")
    assert flagged[1].badges[0].definition == "read from a file"  # not ours: the span's own definition


def test_segments_are_cut_at_flagged_paragraph_ends_and_keep_the_text():
    from unspin.report.html import segments

    doc = flagged_doc()
    cut, after = with_badges(doc, segments(doc))
    assert "".join(s.text for s in cut) == TEXT
    ends = []
    pos = 0
    for seg, badges in zip(cut, after):
        pos += len(seg.text)
        if badges:
            ends.append(pos)
    assert ends == [split(TEXT)[2].end, split(TEXT)[3].end]


def test_the_terminal_view_lists_flagged_paragraphs():
    from rich.console import Console

    console = Console(width=140, record=True)
    console.print(paragraphs_view(flagged_doc()))
    out = console.export_text()
    assert "techniques by paragraph: 2 of 4 paragraphs" in out
    assert "Doubt 0.74" in out and "<b>Not_Ours</b> 0.30" in out
    assert paragraphs_view(Document(TEXT)) is None


def test_shrunk_isotonic_blocks_never_claim_certainty_from_a_few_cases():
    import numpy as np

    from unspin.techniques.calibration import fit

    raw = np.array([0.1, 0.2, 0.3, 0.8, 0.9, 0.95])
    right = np.array([0.0, 0.0, 0.0, 1.0, 1.0, 1.0])
    assert max(fit(raw, right).ys) == 1.0  # plain isotonic: three right cases make a certainty
    shrunk = fit(raw, right, pseudo=1.0)
    assert max(shrunk.ys) == (3 + 1) / (3 + 2) and min(shrunk.ys) == 1 / (3 + 2)
    assert list(shrunk.ys) == sorted(shrunk.ys)
