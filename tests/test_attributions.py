"""The attributions layer: quotes and reported speech, with their sources."""

import pytest

from conftest import SEED, need
from unspin.analyze import attributions  # noqa: F401  (registers the component)
from unspin.analyze.pipeline import build, run
from unspin.document import Document, Meta


def annotate(text: str) -> Document:
    return run(Document(text, Meta(language="en")), build(["sentences", "attributions"]))


def only(doc: Document):
    [span] = doc.layer("attributions")
    return span


def test_reported_speech_names_its_speaker_and_cue():
    doc = annotate("The ministry denied that troops had crossed the border.")
    span = only(doc)
    assert span.label == "reported"
    assert doc.span_text(span) == "troops had crossed the border"
    assert span.attrs["source"] == "The ministry" and span.attrs["vague"] is False
    assert span.attrs["cue"] == "denied"
    start, end = span.attrs["cue_span"]
    assert doc.text[start:end] == "denied"
    start, end = span.attrs["source_span"]
    assert doc.text[start:end] == "The ministry"
    assert span.component == "attributions"


def test_direct_quote_takes_the_speaker_of_its_verb():
    doc = annotate('"We will not stop until every last one of them is gone," said Dana Perino, the spokeswoman.')
    span = only(doc)
    assert span.label == "quote"
    assert doc.span_text(span) == "We will not stop until every last one of them is gone"
    assert span.attrs["source"].startswith("Dana Perino")
    assert span.attrs["cue"] == "said"


def test_a_scare_quote_is_not_speech():
    doc = annotate("The plan was called a \u2018defensive move\u2019 by nobody in particular.")
    assert all(s.label != "quote" for s in doc.layer("attributions"))


@pytest.mark.parametrize(
    "text, cue",
    [
        ("Sources say the minister will resign.", "say"),
        ("Officials said the bridge was closed.", "said"),
        ("Many believe the vote was rigged.", "believe"),
        ("It is reported that the army withdrew.", "reported"),
        ("According to some reports, the loss happened because a trader mistyped an order.", "According to"),
        ("The suspect reportedly fled to Spain.", "reportedly"),
    ],
)
def test_unnamed_sources_are_vague(text, cue):
    span = only(annotate(text))
    assert span.attrs["source"] == "vague"
    assert span.attrs["vague"] is True
    assert span.attrs["cue"] == cue


@pytest.mark.parametrize(
    "text, source",
    [
        ("The ferry will sail on Friday, according to the harbour authority.", "the harbour authority"),
        ("The harbour authority said the ferry will sail on Friday.", "The harbour authority"),
        ("The state news agency reported that the ferry sank.", "The state news agency"),
    ],
)
def test_one_body_singled_out_by_the_and_a_noun_is_a_named_source(text, source):
    span = only(annotate(text))
    assert span.attrs["source"] == source and span.attrs["vague"] is False


@pytest.mark.parametrize("text", [
    "Harbour authorities said the ferry will sail on Friday.",
    "A harbour official said the ferry will sail on Friday.",
    "The authorities said the ferry will sail on Friday.",
])
def test_a_generic_or_plural_body_stays_vague(text):
    assert only(annotate(text)).attrs["vague"] is True


def test_according_to_a_named_source_gives_the_claim_and_the_source():
    doc = annotate("According to the Associated Press, unemployment claims rose 15,000 last week.")
    span = only(doc)
    assert span.label == "reported"
    assert doc.span_text(span) == "unemployment claims rose 15,000 last week"
    assert span.attrs["source"] == "the Associated Press" and not span.attrs["vague"]


def test_first_person_belief_is_not_an_attribution():
    assert annotate("I think the plan is a mistake.").layer("attributions") == ()


def test_seed_page_according_to_available_data_is_vague():
    from unspin.ingest import read_inputs

    [doc] = read_inputs([str(need(SEED))])
    run(doc, build(["sentences", "attributions"]))
    spans = doc.layer("attributions")
    according = [s for s in spans if s.attrs["cue"].lower() == "according to"]
    assert according, "the seed's 'According to available data' gave no attribution"
    for span in according:
        start, end = span.attrs["source_span"]
        assert doc.text[start:end].lower().endswith("data")
        assert span.attrs["source"] == "vague" and span.attrs["vague"] is True
        assert doc.span_text(span).strip()  # the claim it credits
    for span in spans:  # every span points at real text, cue included
        start, end = span.attrs["cue_span"]
        assert doc.text[start:end].strip() and span.end > span.start


def test_a_pronoun_speaker_is_the_person_named_before_it():
    text = ("Maria Lopez runs the ferry company. She said the ferry will sail on Friday. "
            "The Baltic Dockers Union disagrees. They said the crews will not sail.")
    doc = run(Document(text, Meta(language="en")), build(["sentences", "entities", "attributions"]))
    she, they = sorted(doc.layer("attributions"), key=lambda s: s.start)
    assert she.attrs["source"] == "Maria Lopez" and she.attrs["source_from"] == "She" and not she.attrs["vague"]
    start, end = she.attrs["source_entity_span"]
    assert doc.text[start:end] == "Maria Lopez"
    assert they.attrs["source_from"] == "They" and they.attrs["source"] == "Baltic Dockers Union"


def test_a_pronoun_with_no_fitting_name_nearby_stays_as_written():
    span = only(annotate("He said the ferry will sail on Friday."))
    assert span.attrs["source"] == "He" and "source_from" not in span.attrs


def test_adding_to_something_is_no_speech():
    counted = annotate("Hillcrest Academy junior Ben Carter added to his collection of state titles, "
                       "winning the 50 yard freestyle.")
    assert not counted.layer("attributions")
    spoken = annotate("The coach added that Ben Carter would swim again in March.")
    assert only(spoken).attrs["cue"] == "added"


def test_one_cue_is_one_attribution():
    stated = annotate("The harbour board said in a statement that it had offered a raise of 4 percent.")
    assert only(stated).attrs["cue"].startswith("said")
    unsaid = annotate("The new ferry has two decks. Fares and timetables were not announced.")
    assert only(unsaid).attrs["cue"] == "were not announced"
