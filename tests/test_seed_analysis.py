"""The seed page through the whole pipeline, as a user runs it: one `unspin analyze` call."""

import json
import re

import pytest
from conftest import SEED, need


@pytest.fixture(scope="module")
def seed_doc():
    from conftest import run_cli

    result = run_cli("analyze", str(need(SEED)), "--format", "json", timeout=300)
    assert result.returncode == 0, result.stderr.decode()
    return json.loads(result.stdout)


def spans(doc, layer):
    return [(doc["text"][s["start"]:s["end"]], s) for s in doc["layers"][layer]]


def test_every_layer_is_present(seed_doc):
    assert set(seed_doc["layers"]) == {
        "sentences", "entities", "quantities", "dates", "attributions", "modality", "events", "techniques",
        "paragraph_techniques",
    }
    assert seed_doc["notes"] == []


def test_entities_with_one_canonical_name_each(seed_doc):
    canon = {}
    for _, s in spans(seed_doc, "entities"):
        canon.setdefault(s["attrs"]["canonical"], set()).add(s["label"])
    for name in ("Qassem Soleimani", "Abu Mahdi al-Muhandis", "Donald Trump", "Georgy Zhukov", "Qods Force",
                 "Islamic Revolution Guards Corps", "Popular Mobilization Units", "82nd Airborne Division", "ISIS",
                 "Baghdad", "Iran", "Iraq", "Syria", "Yemen", "Moscow", "Middle East", "United States"):
        assert name in canon, name
    baghdad = [s for t, s in spans(seed_doc, "entities") if s["attrs"]["canonical"] == "Baghdad"]
    assert baghdad and all(s["attrs"]["country_code"] == "IQ" for s in baghdad)


def test_troop_numbers_are_approximate_quantities(seed_doc):
    troops = [s for _, s in spans(seed_doc, "quantities") if "troops" in (s["attrs"].get("object") or "")]
    assert sorted(s["attrs"]["value"] for s in troops) == [3000, 14000]
    assert all(s["attrs"]["approximate"] for s in troops)


def test_question_and_speculation(seed_doc):
    modality = spans(seed_doc, "modality")
    assert any(text.endswith("?") and s["label"] == "question" for text, s in modality)
    for word in ("seems", "could", "may"):
        hedged = [s for text, s in modality if re.search(rf"\b{word}\b", text) and not text.startswith("Since May")]
        assert hedged and all(s["label"] == "speculative" for s in hedged), word


def test_vague_attribution(seed_doc):
    assert any(s["attrs"]["source"] == "vague" and s["attrs"]["cue"].lower() == "according to"
               for _, s in spans(seed_doc, "attributions"))


def test_the_strike_is_an_assault_by_the_united_states_in_baghdad(seed_doc):
    events = [s for text, s in spans(seed_doc, "events") if s["label"] == "ASSAULT" and s["attrs"].get("place") == "Baghdad"]
    assert len(events) == 1
    attrs = events[0]["attrs"]
    assert attrs["actor"] in ("United States", ["United States"])
    assert set(attrs["target"]) == {"Qassem Soleimani", "Abu Mahdi al-Muhandis"}
    assert attrs["date"] == "2020-01-03"
    assert attrs["modality"] == "asserted"


def test_hedged_events_are_never_verified(seed_doc):
    for _, s in spans(seed_doc, "events"):
        if s["attrs"]["modality"] != "asserted":
            assert s["attrs"]["verified"] is False


def test_paragraph_techniques_by_technique(seed_doc):
    """What the paragraph model finds on the seed and a reader agrees with, by paragraph number
    (1-based among the document's paragraphs; the page's own sentences stay out of this file).

    The shipped model (embeddings from the span model's lower states) flags one paragraph of the seed, the
    one on what a new war would do for the president, with Flag-waving at about 0.32: that it persuades there
    holds, the label is arguable, so only the paragraph is pinned. Loaded language on the second guess at the
    motive sits just under the threshold (0.22 against 0.23) and is not reported. Issue 12 lists more kinds
    than hold here: see the techniques model card's limits."""
    from unspin.techniques.paragraphs import split

    number = {(p.start, p.end): k for k, p in enumerate(split(seed_doc["text"]), 1)}
    flagged = {number[(s["start"], s["end"])] for s in seed_doc["layers"]["paragraph_techniques"]}
    # the paragraph on what a new war would do for the president
    assert 3 in flagged
    # the opening paragraph only reports who was killed and where
    assert 1 not in flagged
