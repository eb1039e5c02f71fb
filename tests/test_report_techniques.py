"""The display side of the techniques layer: definitions, summary, JSON, terminal and HTML.

Documents are built by hand: these test the renderers and the summary, not the model.
"""

import html
import json
import re

import jsonschema
import pytest
from rich.console import Console

from unspin.analyze.technique_definitions import DEFINITIONS, DISPLAY_NAMES
from unspin.document import Document, Span, json_schema
from unspin.eval.techniques import TECHNIQUES
from unspin.report import layers
from unspin.report.html import COLOURS, render, segments, technique_class
from unspin.report.layers import techniques_view
from unspin.summary import technique_summary

TEXT = "The corrupt regime lies again and again. Only a fool would trust them. Our nation will never kneel."
HOSTILE = '<script>alert(1)</script> "><img src=x onerror=alert(1)>'


def technique(doc_text: str, words: str, label: str, confidence: float, cues=(), occurrence: int = 0) -> Span:
    start = -1
    for _ in range(occurrence + 1):
        start = doc_text.index(words, start + 1)
    return Span(start, start + len(words), label, confidence, "techniques",
                {"cues": list(cues), "definition": DEFINITIONS.get(label, "")})


def sample() -> Document:
    spans = [
        technique(TEXT, "corrupt regime", "Loaded_Language", 0.83, ["corrupt"]),
        technique(TEXT, "corrupt regime", "Name_Calling,Labeling", 0.61, ["regime"]),
        technique(TEXT, "again and again", "Repetition", 0.42, ["again", "again"]),
        technique(TEXT, "Only a fool would trust them", "Doubt", 0.55, ["fool", "trust"]),
        technique(TEXT, "fool", "Name_Calling,Labeling", 0.7, ["fool"]),
        technique(TEXT, "Our nation will never kneel", "Flag-Waving", 0.9, ["nation", "kneel"]),
    ]
    return Document(TEXT, layers={"techniques": spans})


def hostile() -> Document:
    text = f"Before {HOSTILE} after."
    span = technique(text, HOSTILE, "Loaded_Language", 0.5, ["<script>", '"><img'])
    odd_label = Span(0, 6, '"><b onmouseover=x>Made_Up', 0.3, "techniques", {"cues": ["Before"]})
    return Document(text, layers={"techniques": [span, odd_label]})


def terminal(table) -> str:
    console = Console(record=True, width=200)
    console.print(table)
    return console.export_text()


# definitions ------------------------------------------------------------


def test_definitions_and_display_names_cover_exactly_the_techniques():
    assert set(DEFINITIONS) == set(TECHNIQUES)
    assert set(DISPLAY_NAMES) == set(TECHNIQUES)
    for label in TECHNIQUES:
        assert DEFINITIONS[label].strip() and "\n" not in DEFINITIONS[label]
        assert ";" not in DEFINITIONS[label]  # the HTML hover joins descriptions with "; "
        assert "_" not in DISPLAY_NAMES[label]
    assert DISPLAY_NAMES["Loaded_Language"] == "Loaded language"


# summary ----------------------------------------------------------------


def test_summary_counts_and_density():
    doc = sample()
    summary = technique_summary(doc)
    assert summary["words"] == len(TEXT.split()) == 18
    assert summary["spans"] == 6
    assert list(summary["by_technique"]) == [
        "Name_Calling,Labeling", "Doubt", "Flag-Waving", "Loaded_Language", "Repetition",
    ]
    assert summary["by_technique"]["Name_Calling,Labeling"] == {"count": 2, "per_1000_words": 111.11}
    assert summary["by_technique"]["Doubt"] == {"count": 1, "per_1000_words": 55.56}


def test_summary_of_an_empty_document_or_layer():
    nothing = {"own": 0, "quoted": 0}
    assert technique_summary(Document("", layers={"techniques": []})) == {
        "words": 0, "spans": 0, "expected_right": 0.0, "by_voice": nothing, "by_technique": {},
    }
    empty = Document("   \n", layers={"techniques": [Span(0, 2, "Doubt", 0.4)]})
    assert technique_summary(empty)["by_technique"] == {"Doubt": {"count": 1, "per_1000_words": 0.0}}
    assert technique_summary(Document("no layer here")) == {
        "words": 3, "spans": 0, "expected_right": 0.0, "by_voice": nothing, "by_technique": {},
    }


def test_summary_says_how_many_spans_are_expected_to_be_right_and_whose_voice_they_are_in():
    doc = sample()  # confidences 0.83, 0.61, 0.42, 0.55, 0.7, 0.9; no voice given: own
    summary = technique_summary(doc)
    assert summary["expected_right"] == 4.01
    assert summary["by_voice"] == {"own": 6, "quoted": 0}
    quoted = [Span(s.start, s.end, s.label, s.confidence, s.component, {**s.attrs, "voice": "quoted", "speaker": "X"})
              for s in doc.layer("techniques")[:2]]
    doc.set_layer("techniques", [*quoted, *doc.layer("techniques")[2:]])
    assert technique_summary(doc)["by_voice"] == {"own": 4, "quoted": 2}


# JSON -------------------------------------------------------------------


def test_json_has_a_summary_only_with_a_techniques_layer():
    assert "summary" not in Document(TEXT).to_json()
    assert "summary" not in Document(TEXT, layers={"modality": []}).to_json()
    assert Document(TEXT, layers={"techniques": []}).to_json()["summary"]["techniques"]["spans"] == 0
    doc = sample()
    assert doc.to_json()["summary"] == {"techniques": technique_summary(doc)}


@pytest.mark.parametrize("make", [sample, hostile, lambda: Document("", layers={"techniques": []})])
def test_round_trip_with_summary_is_lossless_and_valid(make):
    doc = make()
    raw = doc.dumps()
    data = json.loads(raw)
    jsonschema.Draft202012Validator(json_schema()).validate(data)
    again = Document.loads(raw)
    assert again == doc
    assert again.dumps() == raw
    assert again.layer("techniques") == doc.layer("techniques")


def test_summary_is_derived_not_read():
    data = sample().to_json()
    data["summary"]["techniques"]["spans"] = 999
    assert Document.from_json(data).to_json()["summary"]["techniques"]["spans"] == 6


def test_schema_refuses_a_malformed_summary():
    validator = jsonschema.Draft202012Validator(json_schema())
    data = sample().to_json()
    data["summary"]["techniques"]["by_technique"]["Doubt"]["count"] = "one"
    assert not validator.is_valid(data)
    data = sample().to_json()
    del data["summary"]["techniques"]["words"]
    assert not validator.is_valid(data)


# terminal ---------------------------------------------------------------


def test_terminal_view_title_and_rows_in_reading_order():
    out = terminal(techniques_view(sample()))
    flat = " ".join(out.split())
    assert ("techniques: 6 spans shown; about 4.0 expected to be right; 333.3 per 1,000 words — "
            "Name calling / labeling 2, Doubt 1, Flag-waving 1, Loaded language 1, Repetition 1") in flat
    rows = [line for line in out.splitlines() if line.startswith("│")]
    cells = [[c.strip() for c in row.strip("│").split("│")] for row in rows]
    assert cells == [  # no voice given: the voice column is empty
        ["Loaded language", "0.83", "corrupt regime", "corrupt", ""],
        ["Name calling / labeling", "0.61", "corrupt regime", "regime", ""],
        ["Repetition", "0.42", "again and again", "again, again", ""],
        ["Doubt", "0.55", "Only a fool would trust them", "fool, trust", ""],
        ["Name calling / labeling", "0.70", "fool", "fool", ""],
        ["Flag-waving", "0.90", "Our nation will never kneel", "nation, kneel", ""],
    ]


def voiced() -> Document:
    """Our own sentences: a quotation by a speaker whose name is hostile markup, and the article's narration."""
    text = f'"The board are spineless cowards," said {HOSTILE_SPEAKER}. The reckless plan failed.'
    quote = technique(text, "spineless cowards", "Name_Calling,Labeling", 0.62, ["cowards"])
    own = technique(text, "reckless plan", "Loaded_Language", 0.2, ["reckless"])
    unknown = technique(text, "The board", "Doubt", 0.1)
    return Document(text, layers={"techniques": [
        Span(quote.start, quote.end, quote.label, quote.confidence, quote.component,
             {**quote.attrs, "voice": "quoted", "speaker": HOSTILE_SPEAKER, "voice_span": [1, 32]}),
        Span(own.start, own.end, own.label, own.confidence, own.component, {**own.attrs, "voice": "own", "speaker": None}),
        Span(unknown.start, unknown.end, unknown.label, unknown.confidence, unknown.component,
             {**unknown.attrs, "voice": "quoted", "speaker": None, "voice_span": [1, 32]}),
    ]})


HOSTILE_SPEAKER = '[red]Ada[/red] <img src=x onerror=alert(1)> "Brennick'


def test_terminal_view_says_whose_voice_each_span_is_in_literally():
    out = terminal(techniques_view(voiced()))
    flat = " ".join(out.split())
    assert "techniques: 3 spans shown; about 0.9 expected to be right, 2 of them quoted;" in flat
    rows = {line.split("│")[1].strip(): line.split("│")[5].strip() for line in out.splitlines() if line.startswith("│")}
    assert rows["Loaded language"] == "own"
    assert rows["Doubt"] == "quoted"
    assert "quoted: [red]Ada[/red] <img src=x" in rows["Name calling / labeling"]  # markup shown, not obeyed


def test_terminal_view_is_absent_without_spans_and_follows_modality():
    assert techniques_view(Document(TEXT)) is None
    assert techniques_view(Document(TEXT, layers={"techniques": []})) is None
    assert layers.VIEWS.index(techniques_view) == layers.VIEWS.index(layers.modality_view) + 1


def test_terminal_view_caps_rows_and_clips_text(monkeypatch):
    monkeypatch.setattr(layers, "MAX_ROWS", 2)
    long_text = "word " * 60
    doc = Document(long_text, layers={"techniques": [Span(0, len(long_text), "Slogans", 0.5)] * 3})
    out = terminal(techniques_view(doc))
    assert "… and 1 more" in out
    row = next(line for line in out.splitlines() if line.startswith("│ Slogans"))
    assert "word…" in row and len(row.split("│")[3].strip()) == 80


def test_terminal_view_shows_article_text_and_labels_literally():
    doc = Document("[bold red]x[/] is [link=http://e]y[/link]",
                   layers={"techniques": [Span(0, 14, "[b]Odd[/b]", 0.5, "techniques", {"cues": ["[/]"]})]})
    out = terminal(techniques_view(doc))
    assert "[bold red]x[/]" in out and "[b]Odd[/b]" in out and "[/]" in out


# HTML -------------------------------------------------------------------


def test_technique_classes_are_slugs():
    assert technique_class("Loaded_Language") == "t-loaded-language"
    assert technique_class("Whataboutism,Straw_Men,Red_Herring") == "t-whataboutism-straw-men-red-herring"
    assert technique_class('"><b>') == "t-b"
    assert len({technique_class(t) for t in TECHNIQUES}) == len(TECHNIQUES)


def test_every_technique_has_its_own_colour():
    assert set(COLOURS) == set(TECHNIQUES)
    assert len(set(COLOURS.values())) == len(TECHNIQUES)


def test_html_highlights_each_technique_with_its_class_and_hover_definition():
    page = render([sample()])
    marks = re.findall(r'<mark class="([^"]*)"(?: style="([^"]*)")? title="([^"]*)">([^<]*)</mark>', page)
    by_text = {text: (classes.split(), style, html.unescape(title)) for classes, style, title, text in marks}
    classes, style, title = by_text["corrupt regime"]
    # two techniques on the same words: both classes, both colours, both in the hover text
    assert {"l-techniques", "t-loaded-language", "t-name-calling-labeling"} <= set(classes)
    assert style == f"--t1:{COLOURS['Loaded_Language']};--t2:{COLOURS['Name_Calling,Labeling']}"
    assert f"Loaded language (0.83): {DEFINITIONS['Loaded_Language']} — cues: corrupt" in title
    assert f"Name calling / labeling (0.61): {DEFINITIONS['Name_Calling,Labeling']} — cues: regime" in title
    classes, style, title = by_text["fool"]  # inside the Doubt span
    assert {"t-doubt", "t-name-calling-labeling"} <= set(classes)
    assert style.startswith(f"--t1:{COLOURS['Name_Calling,Labeling']}")  # the more confident on top
    assert "Doubt (0.55)" in title
    assert 'class="tg-techniques"' in page


def test_html_legend_lists_each_technique_present():
    page = render([sample()])
    legend = page.split('<table class="techniques-legend">')[1].split("</table>")[0]
    rows = re.findall(r'<tr class="(t-[a-z-]+)" title="([^"]*)">(.*?)</tr>', legend)
    assert [r[0] for r in rows] == [
        "t-name-calling-labeling", "t-doubt", "t-flag-waving", "t-loaded-language", "t-repetition",
    ]
    name_calling = rows[0]
    meaning = DEFINITIONS["Name_Calling,Labeling"]
    assert html.unescape(name_calling[1]) == f"Name calling / labeling: {meaning}"
    assert f"background: {COLOURS['Name_Calling,Labeling']}" in name_calling[2]
    cells = re.findall(r"<td>(.*?)</td>", name_calling[2])
    assert cells[-4:] == ["Name calling / labeling", "2", "111.11", html.escape(meaning)]
    assert "Slogans" not in legend


def test_html_without_techniques_has_no_legend():
    assert "techniques-legend\"" not in render([Document(TEXT)])


def test_html_escapes_hostile_span_text_cues_and_labels():
    page = render([hostile()])
    body = page.split("<body>")[1]
    assert "<script" not in body and "<img" not in body and "<b " not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in body
    # every tag left in the page is one of ours
    tags = set(re.findall(r"<([a-z0-9]+)[\s>]", body))
    ours = {"article", "h1", "h2", "table", "tr", "th", "td", "input", "label", "div", "mark", "span", "p"}
    assert tags <= ours
    # the unknown label is shown as its own name, escaped, with a class that cannot break out
    assert 't-b-onmouseover-x-made-up' in body
    assert "&#34;&gt;&lt;b onmouseover=x&gt;Made_Up" in body
    hover = [html.unescape(t) for t in re.findall(r'<mark [^>]*title="([^"]*)"', body)]
    assert any('cues: <script>, "><img' in t for t in hover)


def test_html_says_how_many_spans_are_expected_right_and_escapes_the_speaker():
    page = render([voiced()])
    body = page.split("<body>")[1]
    assert "<img" not in body and "[red]Ada[/red] &lt;img src=x onerror=alert(1)&gt; &#34;Brennick" in body
    line = re.search(r'<p class="expected">(.*?)</p>', body).group(1)
    assert line == ("Techniques: 3 spans shown; about 0.9 expected to be right; 1 in the article's own voice, "
                    "2 in words it quotes.")
    hover = [html.unescape(t) for t in re.findall(r'<mark [^>]*title="([^"]*)"', body)]
    assert any(t.endswith(f"— quoted: {HOSTILE_SPEAKER}") for t in hover)
    assert any(t.endswith("— the article's own voice") for t in hover)
    assert any("Doubt (0.10)" in t and t.endswith("— quoted") for t in hover)
    assert '<p class="expected">Techniques: 6 spans shown; about 4.0 expected to be right.</p>' in render([sample()])


def test_segments_keep_other_layers_beside_techniques():
    doc = sample()
    start = TEXT.index("regime")
    doc.set_layer("entities", [Span(start, start + 6, "ORG")])
    piece = next(s for s in segments(doc) if s.text == "regime")
    expected = {"l-entities", "l-techniques", "t-loaded-language", "t-name-calling-labeling"}
    assert expected <= set(piece.classes)
    assert len(piece.labels) == 3 and len(piece.colours) == 2
