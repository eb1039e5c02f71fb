"""Whose voice a technique span is in (unspin.analyze.voice), on sentences written for these tests.

The attributions and entities come from the real components (spaCy's parse); the technique spans are
placed by hand on chosen words, so that these test the voice rules, not the technique model. The
last test runs the whole pipeline, model included, through the real component.
"""

from __future__ import annotations

import pytest

from unspin.analyze import PipelineError, build, registry, run
from unspin.analyze.voice import Passage, passages, speaker_name, trim, voice_of, voices
from unspin.document import Document, Meta, Span


@pytest.fixture(scope="module")
def parse():
    components = build(["sentences", "entities", "attributions"])

    def annotate(text: str, *words: str) -> Document:
        """The text with attributions and entities, and one Loaded_Language span on each of ``words``."""
        doc = run(Document(text, Meta(language="en")), components)
        spans = []
        for w in words:
            start = text.index(w)
            spans.append(Span(start, start + len(w), "Loaded_Language", 0.4, "techniques"))
        doc.set_layer("techniques", spans)
        return doc

    return annotate


def voice_at(doc: Document, words: str) -> dict:
    [found] = [v for s, v in zip(doc.layer("techniques"), voices(doc)) if doc.span_text(s) == words]
    return found


def test_a_loaded_phrase_in_a_quotation_is_its_named_speakers(parse):
    text = ('"These spineless bureaucrats have sold out every family in the valley," '
            "said Tomas Verhoeven, the mayor of Eastbrook.")
    doc = parse(text, "spineless bureaucrats")
    v = voice_at(doc, "spineless bureaucrats")
    assert v["voice"] == "quoted" and v["speaker"] == "Tomas Verhoeven"
    start, end = v["voice_span"]
    assert text[start:end].startswith("These spineless") and text[start:end].endswith("valley")


def test_a_loaded_phrase_in_an_attributed_indirect_statement_is_the_speakers(parse):
    text = "The fisheries minister Ilse Marquardt said that the protesters were reckless vandals."
    v = voice_at(parse(text, "reckless vandals"), "reckless vandals")
    assert v["voice"] == "quoted" and v["speaker"] == "Ilse Marquardt"
    start, end = v["voice_span"]
    assert text[start:end] == "the protesters were reckless vandals"


def test_a_pronoun_speaker_is_the_person_named_before_it(parse):
    text = "Maria Lopez runs the fisheries ministry. She said that the protesters were reckless vandals."
    v = voice_at(parse(text, "reckless vandals"), "reckless vandals")
    assert v["voice"] == "quoted" and v["speaker"] == "Maria Lopez"


def test_what_is_not_a_statement_is_not_a_quoted_voice():
    text = "The mayor declined to comment on the reckless scheme."
    cue = text.index("declined")
    attribution = Span(text.index("comment"), text.index("."), "reported", 1.0, "attributions",
                       {"cue": "declined", "cue_span": [cue, cue + 8], "source": "The mayor", "vague": False,
                        "source_text": "The mayor", "source_span": [0, 9], "statement": False})
    assert passages(text, [attribution]) == []


def test_the_articles_own_narration_is_its_own(parse):
    doc = parse("The council's reckless scheme will bankrupt the town within a year.", "reckless scheme")
    assert voice_at(doc, "reckless scheme") == {"voice": "own", "speaker": None}


def test_a_span_straddling_the_edge_of_a_quotation_is_the_articles_own(parse):
    text = ('The minister Ilse Marquardt spoke on Friday. "The scheme is a disgraceful swindle," '
            "Marquardt told reporters.")
    doc = parse(text, 'disgraceful swindle," Marquardt told', "disgraceful swindle")
    assert voice_at(doc, 'disgraceful swindle," Marquardt told')["voice"] == "own"
    inside = voice_at(doc, "disgraceful swindle")
    assert inside["voice"] == "quoted"
    assert inside["speaker"] == "Ilse Marquardt"  # the entity's canonical name, not "Marquardt" as written


def test_quotation_marks_and_punctuation_at_a_spans_edges_do_not_make_it_straddle(parse):
    text = '"We will crush these traitors," said Tomas Verhoeven on Monday.'
    doc = parse(text, '"We will crush these traitors,"')
    assert voice_at(doc, '"We will crush these traitors,"')["speaker"] == "Tomas Verhoeven"


def test_a_quotation_without_a_found_speaker_is_quoted_by_nobody_known(parse):
    text = 'Verhoeven left the hall without a word. "We will never bow to these thugs in suits."'
    doc = parse(text, "thugs in suits")
    assert doc.layer("attributions") == ()  # no speech verb: the attributions layer has nothing
    v = voice_at(doc, "thugs in suits")
    assert v["voice"] == "quoted" and v["speaker"] is None


def test_a_scare_quote_stays_the_articles_own(parse):
    doc = parse('The so-called "rescue package" is a cynical trick.', "rescue package")
    assert voice_at(doc, "rescue package")["voice"] == "own"


@pytest.mark.parametrize("text", [
    "Officials said the strikers were dangerous extremists.",  # vague source
    "He said the strikers were dangerous extremists.",  # a pronoun names nobody by itself
])
def test_a_vague_or_pronoun_source_is_quoted_with_no_speaker(parse, text):
    v = voice_at(parse(text, "dangerous extremists"), "dangerous extremists")
    assert v["voice"] == "quoted" and v["speaker"] is None


# --- the rules on their own ------------------------------------------------------------------------


def test_the_innermost_passage_decides_unless_it_names_nobody():
    outer = Passage(0, 100, "Ilse Marquardt")
    inner = Passage(20, 60, None)
    assert voice_of(30, 40, "x" * 100, [outer, inner]) == {
        "voice": "quoted", "speaker": "Ilse Marquardt", "voice_span": [0, 100],
    }
    named_inner = Passage(25, 50, "Tomas Verhoeven")
    assert voice_of(30, 40, "x" * 100, [outer, inner, named_inner])["speaker"] == "Tomas Verhoeven"
    assert voice_of(10, 40, "x" * 100, [inner])["voice"] == "own"


def test_trim_keeps_a_span_of_nothing_but_punctuation_whole():
    assert trim('say "no," now', 4, 9) == (5, 7)
    assert trim('a "" b', 2, 4) == (2, 4)


def test_speaker_name_prefers_a_person_and_refuses_vague_sources():
    text = "Tomas Verhoeven, the mayor of Eastbrook"
    entities = [Span(30, 39, "GPE", attrs={"canonical": "Eastbrook"}),
                Span(0, 15, "PERSON", attrs={"canonical": "Tomas Verhoeven"})]
    attrs = {"source": text, "source_text": text, "source_span": [0, len(text)], "vague": False}
    assert speaker_name(attrs, text, entities) == "Tomas Verhoeven"
    assert speaker_name(attrs, text) == text  # no entity: the phrase as written
    assert speaker_name({"source": "vague", "vague": True, "source_span": [0, 9]}, text, entities) is None
    assert speaker_name({"source": "they", "source_text": "they", "vague": False}, "they") is None


def test_passages_are_attributions_and_long_enough_quotations():
    text = 'A "short one" and "a quotation of five words" here.'
    found = passages(text, [Span(0, 1, "reported", attrs={"source": "A", "vague": False})])
    assert [(text[p.start:p.end], p.speaker) for p in found] == [("A", "A"), ("a quotation of five words", None)]


def test_voices_keep_what_a_span_already_says():
    doc = Document("Quoted words here.", layers={"techniques": [
        Span(0, 6, "Doubt", 0.5, "techniques", {"voice": "quoted", "speaker": "Someone", "voice_span": [0, 17]}),
        Span(7, 12, "Doubt", 0.5, "techniques", {"voice": "own", "speaker": None}),
        Span(13, 17, "Doubt", 0.5, "techniques"),  # made before voices: placed by the rules
    ]})
    assert voices(doc) == [
        {"voice": "quoted", "speaker": "Someone", "voice_span": [0, 17]},
        {"voice": "own", "speaker": None},
        {"voice": "own", "speaker": None},
    ]


# --- the pipeline -------------------------------------------------------------------------------


def test_techniques_require_the_attributions_layer():
    assert "attributions" in registry.get("techniques").requires
    with pytest.raises(PipelineError, match="attributions"):
        build(["sentences", "techniques"])


def test_the_techniques_component_gives_every_span_a_voice():
    from test_techniques_model import LOADED

    quote = LOADED.rstrip("!")
    text = f'"{quote}," said Senator Ann Holloway on Sunday.\n\n{LOADED}'
    doc = run(Document(text, Meta(language="en")), build())
    spans = doc.layer("techniques")
    assert spans, "the model found no technique in the loaded sentences"
    closes, split = text.index('," said'), text.index("\n\n")
    for span in spans:
        assert span.attrs["voice"] in ("own", "quoted") and "speaker" in span.attrs
        a, b = trim(text, span.start, span.end)
        if b <= closes:  # inside the quotation
            assert span.attrs["voice"] == "quoted" and "Holloway" in span.attrs["speaker"], span
        if a > split:  # the same words, in the article's own voice
            assert span.attrs["voice"] == "own" and span.attrs["speaker"] is None, span
    assert any(s.attrs["voice"] == "quoted" for s in spans)
    assert any(s.attrs["voice"] == "own" for s in spans if s.start > split)
