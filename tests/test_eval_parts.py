"""The committed tune/test splits of the layer gold sets, and the PolNeAR attribution scorer."""

from __future__ import annotations

import json

import pytest

from conftest import SHARED, need
from unspin.eval import layer_splits
from unspin.eval.attributions import evaluate_polnear, format_parts, load_polnear, read_ann
from unspin.eval.parts import NoDocuments, evaluate_parts


@pytest.mark.parametrize("gold", layer_splits.GOLD_SETS)
def test_each_split_is_committed_and_its_parts_do_not_share_a_document(gold):
    parts = layer_splits.load(gold)["parts"]
    assert parts["tune"] and parts["test"]
    assert not set(parts["tune"]) & set(parts["test"])
    if gold == "polnear":
        assert set(parts["fit"]) | set(parts["choose"]) == set(parts["tune"])
        assert not set(parts["fit"]) & set(parts["choose"])


@pytest.mark.parametrize("gold", ["plover", "meantime", "re3d", "polnear"])
def test_redrawing_the_splits_from_shared_gives_the_committed_ones(gold):
    need(SHARED / "data" / "polnear")
    assert layer_splits.build(gold, SHARED) == layer_splits.load(gold)


def test_a_seeded_draw_is_stable_and_cuts_every_stratum():
    strata = {"a": ["a1", "a2", "a3"], "b": ["b1", "b2"]}
    first, second = layer_splits.draw(strata, 0.5)
    assert (first, second) == layer_splits.draw(strata, 0.5)
    assert len([x for x in first if x.startswith("a")]) == 2 and len([x for x in first if x.startswith("b")]) == 1
    assert sorted(first + second) == ["a1", "a2", "a3", "b1", "b2"]


def _polnear_folder(root, part: str, name: str, text: str, ann: str):
    (root / part / "text").mkdir(parents=True, exist_ok=True)
    (root / part / "attributions").mkdir(parents=True, exist_ok=True)
    (root / part / "text" / f"{name}.txt").write_text(text, encoding="utf-8")
    (root / part / "attributions" / f"{name}_aaaa.ann").write_text(ann, encoding="utf-8")


def _t(tid: str, role: str, text: str, phrase: str, after: int = 0) -> str:
    start = text.index(phrase, after)
    return f"{tid}\t{role} {start} {start + len(phrase)}\t{phrase}\n"


TEXT = ("The harbour master said the ferry would resume on Monday. "
        "The island council believes the timetable is wrong.\n")


def test_attributions_are_scored_by_cue_with_source_and_content(tmp_path):
    ann = (_t("T1", "Source", TEXT, "The harbour master") + _t("T2", "Cue", TEXT, "said")
           + _t("T3", "Content", TEXT, "the ferry would resume on Monday")
           + _t("T4", "Attribution", TEXT, "said")
           + "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1\n"
           + _t("T5", "Source", TEXT, "The island council") + _t("T6", "Cue", TEXT, "believes")
           + _t("T7", "Content", TEXT, "the timetable is wrong")
           + _t("T8", "Attribution", TEXT, "believes")
           + "E2\tAttribution:T8 Content:T7 Cue:T6 Source:T5\n")
    _polnear_folder(tmp_path, "dev", "pub_2016-01-01_ferry", TEXT, ann)
    [article] = load_polnear(tmp_path)
    assert len(article.attributions) == 2 and article.attributions[0].source_text == "The harbour master"
    result = evaluate_polnear(tmp_path)
    assert result["gold"] == 2 and result["found"] >= 1
    assert result["cue"]["precision"] == 1.0  # every cue unspin gives is a gold cue here
    assert result["source_accuracy"] == 1.0 and result["content_overlap"] == 1.0
    assert result["gold_source_kinds"]["pronoun"] == 0.0


def test_a_folder_outside_the_split_is_scored_whole(tmp_path):
    ann = (_t("T1", "Source", TEXT, "The harbour master") + _t("T2", "Cue", TEXT, "said")
           + _t("T3", "Content", TEXT, "the ferry would resume on Monday")
           + "E1\tAttribution:T2 Content:T3 Cue:T2 Source:T1\n")
    _polnear_folder(tmp_path, "dev", "not_in_any_split", TEXT, ann)
    result = evaluate_parts(evaluate_polnear, tmp_path, "polnear", parts=("test", "choose"))
    assert list(result["parts"]) == ["all"]
    table = format_parts(result)
    assert "all (no split applies)" in table and "cue F1" in table
    with pytest.raises(NoDocuments):
        evaluate_polnear(tmp_path, only=frozenset({"another"}))


def test_brat_pieces_and_missing_references(tmp_path):
    text = "He has, aides say, learned the truth."
    path = tmp_path / "x_aaaa.ann"
    path.write_text("T1\tCue 3 6;19 26\thas learned\nT2\tContent 27 36\tthe truth\n"
                    "E1\tAttribution-no-source:T1 Cue:T1 Content:T2\n", encoding="utf-8")
    [attribution] = read_ann(path, text)
    assert attribution.cue == ((3, 6), (19, 26)) and attribution.source == ()
    path.write_text("E1\tAttribution:T9 Cue:T9\n", encoding="utf-8")
    with pytest.raises(ValueError, match="T9"):
        read_ann(path, text)


def test_eval_attributions_command_on_a_folder_of_its_own(tmp_path):
    from conftest import run_cli

    ann = (_t("T1", "Source", TEXT, "The harbour master") + _t("T2", "Cue", TEXT, "said")
           + _t("T3", "Content", TEXT, "the ferry would resume on Monday")
           + "E1\tAttribution:T2 Content:T3 Cue:T2 Source:T1\n")
    _polnear_folder(tmp_path, "dev", "own_ferry", TEXT, ann)
    table = run_cli("eval", "attributions", str(tmp_path))
    assert table.returncode == 0, table.stderr.decode()
    assert "cue F1 [headline]" in table.stdout.decode()
    missing = run_cli("eval", "attributions", str(tmp_path / "nowhere"))
    assert missing.returncode == 2 and "no such file or directory" in missing.stderr.decode()


def test_a_span_text_holding_a_line_break_is_read_past(tmp_path):
    text = "Aides said the count\nwas wrong."
    path = tmp_path / "y_aaaa.ann"
    path.write_text("T1\tCue 6 10\tsaid\nT2\tContent 11 30\tthe count\nThe rest of it\n"
                    "E1\tAttribution-no-source:T1 Cue:T1 Content:T2\n", encoding="utf-8")
    [attribution] = read_ann(path, text)
    assert attribution.cue == ((6, 10),) and attribution.content == ((11, 30),)
