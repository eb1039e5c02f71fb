"""The events layer: PLOVER-typed who-did-what-to-whom on real parses, and its score on the PLOVER gold."""

from __future__ import annotations

import json

import pytest

from conftest import SEED, SHARED, need

import unspin.analyze  # noqa: F401  (registers the built-in components)
from unspin.analyze import events as events_module
from unspin.analyze.pipeline import build, run
from unspin.document import Document, Meta, Span

PLOVER_GOLD = SHARED / "data" / "plover_gsr" / "PLOVER_GSR_CAMEO.json"


def available_pipeline() -> list[str]:
    """sentences, the other layers events can use if they are registered now, then events."""
    from unspin.eval.events import pipeline_names

    return pipeline_names()


def analyse(text: str, names=("sentences", "events")) -> Document:
    doc = Document(text, Meta(language="en"))
    return run(doc, build(list(names)))


def only(doc: Document, label: str) -> list[Span]:
    return [s for s in doc.layer("events") if s.label == label]


def as_list(value) -> list:
    return [] if value is None else [value] if isinstance(value, str) else list(value)


@pytest.fixture(scope="module")
def seed_doc():
    from unspin.ingest import read_inputs

    [doc] = read_inputs([str(need(SEED))])
    return run(doc, build(available_pipeline()))


def test_seed_strike_is_an_assault_by_the_united_states_on_two_commanders_in_baghdad(seed_doc):
    kills = [s for s in only(seed_doc, "ASSAULT") if s.attrs["trigger"] == "kill"]
    assert len(kills) == 1
    event = kills[0].attrs
    assert event["actor"] == "United States"  # the text says "US"
    targets = as_list(event["target"])
    assert len(targets) == 2
    assert any("Soleimani" in t for t in targets) and any("Muhandis" in t for t in targets)
    assert event["passive"] is True
    if "entities" in seed_doc.layers:
        assert event["place"] == "Baghdad"  # the entities layer resolves the misspelling
    else:
        assert event["place"] == "Bahdad"  # spaCy's entity, as written
    assert event["date_text"] == "January 3" or (event["date"] or "").endswith("-01-03")
    assert event["modality"] == "asserted" and event["verified"] is True
    assert kills[0].confidence == max(s.confidence for s in seed_doc.layer("events"))


def test_seed_troop_deployments_are_mobilizations_by_the_united_states(seed_doc):
    deployments = [s for s in only(seed_doc, "MOBILIZE") if s.attrs["trigger"] == "deploy"]
    assert len(deployments) == 2
    assert all(s.attrs["actor"] == "United States" for s in deployments)
    assert all("troops" in s.attrs["target"] for s in deployments)


def test_seed_events_in_speculative_sentences_are_never_shown_as_verified(seed_doc):
    spans = seed_doc.layer("events")
    speculative = [s for s in spans if s.attrs["modality"] == "speculative"]
    assert speculative, "the seed's 'may have obtained ... agreements' is speculation"
    assert all(s.attrs["verified"] is False for s in spans if s.attrs["modality"] != "asserted")
    for s in spans:
        json.dumps(s.attrs)  # attrs are JSON values
        assert s.component == "events" and 0 < s.confidence <= 1
        assert s.attrs["type"] == s.label and s.attrs["trigger"] and s.attrs["rule"]


def test_frames_code_the_wrapping_act_and_keep_the_wrapped_action():
    doc = analyse("The rebels agreed to withdraw their fighters from the town on Friday.")
    [agree] = only(doc, "AGREE")
    assert doc.span_text(agree) == "agreed"
    assert agree.attrs["action"] == {"type": "RETREAT", "trigger": "withdraw"}
    assert agree.attrs["actor"] == "rebels"
    assert not only(doc, "RETREAT")  # the withdrawal has not happened

    doc = analyse("The government refused to release the prisoners.")
    assert [s.label for s in doc.layer("events")] == ["REJECT"]

    doc = analyse("Germany threatened to impose sanctions on Russia.")
    [threat] = only(doc, "THREATEN")
    assert threat.attrs["actor"] == "Germany" and threat.attrs["target"] == "Russia"
    assert threat.attrs["action"]["type"] == "SANCTION"


def test_future_and_obligation_in_reported_speech_follow_plover():
    doc = analyse("Japan said it will provide food aid to the refugees.")
    [top] = sorted(doc.layer("events"), key=lambda s: -s.confidence)[:1]
    assert top.label == "AGREE" and top.attrs["actor"] == "Japan"  # a promise, not aid delivered

    doc = analyse("France said Mali must release the journalists.")
    [demand] = only(doc, "DEMAND")
    assert demand.attrs["actor"] == "France" and demand.attrs["target"] == "Mali"


def test_active_and_passive_voices_give_actor_and_target():
    doc = analyse("Police arrested dozens of students in Paris on Monday.")
    [arrest] = only(doc, "COERCE")
    assert arrest.attrs["actor"] == "Police" and arrest.attrs["passive"] is False
    assert arrest.attrs["place"] == "Paris" and arrest.attrs["date_text"] == "Monday"

    doc = analyse("Two diplomats were expelled by Canada.")
    [expel] = only(doc, "SANCTION")
    assert expel.attrs["actor"] == "Canada" and expel.attrs["passive"] is True
    assert expel.attrs["target"] == "diplomats"


def test_noun_triggers_take_their_actor_from_modifiers_and_by_phrases():
    doc = analyse("The Israeli strike on the convoy drew criticism.")
    [strike] = only(doc, "ASSAULT")
    assert strike.attrs["trigger"] == "strike" and "Israeli" in strike.attrs["actor"]
    doc = analyse("Workers began a hunger strike outside the ministry.")
    [protest] = only(doc, "PROTEST")
    assert protest.attrs["trigger"] == "hunger strike" and protest.attrs["actor"] == "Workers"


def test_negated_hostile_acts_are_not_events():
    doc = analyse("The army did not attack the village.")
    assert not only(doc, "ASSAULT")


def test_hedged_sentences_are_speculative_and_unverified():
    doc = analyse("Iran may have attacked the tanker.")
    [attack] = only(doc, "ASSAULT")
    assert attack.attrs["modality"] == "speculative" and attack.attrs["modality_cue"] == "may"
    assert attack.attrs["verified"] is False


def test_event_modality_prefers_the_modality_layer():
    doc = analyse("Rebels attacked the base.")
    [sentence] = doc.layer("sentences")
    assert events_module.event_modality(doc, sentence) == ("asserted", None)
    doc.set_layer("modality", [Span(sentence.start, sentence.end, "attributed", attrs={"cue": "officials said"})])
    assert events_module.event_modality(doc, sentence) == ("attributed", "officials said")


def test_country_abbreviations_are_normalised():
    assert events_module.normalise_name("U.S.") == "United States"
    assert events_module.normalise_name("the UK") == "United Kingdom"
    assert events_module.normalise_name("Iraq’s") == "Iraq"


def test_non_english_documents_skip_the_layer_with_a_note():
    doc = Document("Les rebelles ont attaqué la base militaire hier soir.", Meta(language="fr"))
    run(doc, build(["sentences", "events"]))
    assert "events" not in doc.layers


def test_plover_test_part_reaches_the_floors():
    """The untouched part of the committed split (eval/splits/plover_layers.json); floors just under its figures."""
    from unspin.eval.events import evaluate_plover, format_table
    from unspin.eval.layer_splits import ids

    result = evaluate_plover(need(PLOVER_GOLD), only=ids("plover", "test"))
    assert result["sentences"] == 77
    assert result["event_recall"] >= 0.96
    assert result["type_accuracy_top1"] >= 0.86  # the headline figure (issue 15 asks 0.80)
    assert result["type_accuracy_any"] >= result["type_accuracy_top1"]
    assert result["micro"]["f1"] >= 0.85
    assert result["actor_accuracy"] >= 0.80
    table = format_table(result)
    assert "[headline]" in table and "micro" in table


def test_an_intended_action_is_not_verified():
    from unspin.analyze import PIPELINE

    doc = run(Document("The army plans to attack the northern villages next week.", Meta(language="en")), build(list(PIPELINE)))
    assaults = [s for s in doc.layer("events") if s.label == "ASSAULT"]
    assert assaults, [(s.label, s.attrs.get("trigger")) for s in doc.layer("events")]
    assert all(s.attrs["verified"] is False and s.attrs.get("irrealis") == "plans" for s in assaults)


def test_a_pronoun_actor_is_the_group_named_just_before():
    doc = analyse("The Taliban seized the district on Monday. They attacked a police checkpoint the next day.",
                  names=available_pipeline())
    [attack] = [s for s in only(doc, "ASSAULT") if s.start > doc.text.index("They")]
    assert as_list(attack.attrs["actor"]) == ["Taliban"] and attack.attrs["actor_from"] == "They"


def test_a_named_actor_carries_no_pronoun():
    doc = analyse("The Taliban attacked a police checkpoint.", names=available_pipeline())
    [attack] = only(doc, "ASSAULT")
    assert "actor_from" not in attack.attrs


STRIKE_TEXT = ("Two commanders were killed by US strikes near the airport on Friday. Officials gave no names. "
               "The US strike caused outrage in the region. Later, troops attacked a village in the north. "
               "The attack left three dead. Rebels attacked a convoy in the south.")


def test_one_event_named_again_is_one_event_with_its_mentions():
    from unspin.analyze import event_groups

    doc = analyse(STRIKE_TEXT, names=available_pipeline())
    assaults = only(doc, "ASSAULT")
    by_word = {}
    for span in assaults:
        by_word.setdefault(doc.span_text(span), span)  # the first "attacked" is the troops'
    killed, strike = by_word["killed"], by_word["strike"]
    assert killed.attrs["event"] == strike.attrs["event"]
    assert strike.attrs["same_as"] == [killed.start, killed.end] and "same_as" not in killed.attrs
    assert killed.attrs["mentions"] == [[killed.start, killed.end], [strike.start, strike.end]]
    assert by_word["attack"].attrs["event"] == by_word["attacked"].attrs["event"] != killed.attrs["event"]
    # "Rebels attacked a convoy": a verb starts a new event, and its actor differs anyway
    convoy = [s for s in assaults if s.start > doc.text.index("Rebels")]
    assert convoy and convoy[0].attrs["event"] not in {killed.attrs["event"], by_word["attacked"].attrs["event"]}
    assert event_groups.count(doc.layer("events")) == len(doc.layer("events")) - 2


def test_a_definite_mention_with_a_different_actor_is_another_event():
    doc = analyse("Russian jets struck a market on Monday. The Ukrainian strike hit a depot.",
                  names=available_pipeline())
    events_found = {s.attrs["event"] for s in only(doc, "ASSAULT")}
    assert len(events_found) == len(only(doc, "ASSAULT")) == 2


def test_reports_count_events_not_mentions():
    from unspin.report.layers import events_view
    from unspin.report.overview import row
    from unspin.web.views import event_panel

    doc = analyse(STRIKE_TEXT, names=available_pipeline())
    mentions = len(doc.layer("events"))
    assert row(doc).events == mentions - 2
    panel = event_panel(doc)
    assert len(panel) == mentions - 2 and max(e["mentions"] for e in panel) == 2
    assert events_view(doc).row_count == mentions - 2


def test_a_misspelt_trigger_is_read_with_less_weight_and_says_so():
    doc = analyse("The assasination of the governor shocked the city on Monday.", names=available_pipeline())
    [killing] = only(doc, "ASSAULT")
    assert doc.span_text(killing) == "assasination" and killing.attrs["trigger"] == "assassination"
    assert "misspelt" in killing.attrs["rule"]
    spelt = only(analyse("The assassination of the governor shocked the city on Monday.",
                         names=available_pipeline()), "ASSAULT")[0]
    assert killing.confidence < spelt.confidence


@pytest.mark.parametrize("text", ["The attackers fled before dawn.", "The assassinations stopped."])
def test_known_words_are_never_corrected(text):
    doc = analyse(text, names=available_pipeline())
    assert not any("misspelt" in s.attrs["rule"] for s in doc.layer("events"))


@pytest.mark.parametrize("text, protest", [
    ("Thousands of nurses began a strike over pay.", True),
    ("Teachers staged a strike in the capital.", True),
    ("The bus drivers' strike closed the depot.", True),
    ("Warplanes carried out a strike on the depot.", False),
    ("Soldiers began a strike in the valley.", False),
])
def test_a_strike_by_people_stopping_work_is_a_protest(text, protest):
    doc = analyse(text, names=available_pipeline())
    labels = {s.label for s in doc.layer("events") if doc.span_text(s) == "strike"}
    assert labels == ({"PROTEST"} if protest else {"ASSAULT"})


def test_a_witness_reporting_gunfire_is_neither_its_actor_nor_its_proof():
    doc = analyse("A Reuters cameraman in the old town reported hearing gunfire late on Sunday.",
                  names=available_pipeline())
    [shots] = doc.layer("events")
    assert doc.span_text(shots) == "gunfire" and shots.label == "ASSAULT"
    assert shots.attrs["actor"] is None
    assert shots.attrs["modality"] == "attributed" and shots.attrs["verified"] is False


def test_a_gerund_with_an_object_is_its_verb():
    doc = analyse("Witnesses saw gunmen killing villagers near the river.", names=available_pipeline())
    assert [s.label for s in doc.layer("events") if doc.span_text(s) == "killing"] == ["ASSAULT"]


def types(doc: Document) -> list[str]:
    return [e.attrs["type"] for e in doc.layer("events")]


#: A word's other sense, which names no event of its usual type (or none at all), beside the sense that
#: does: (text in the other sense, the only types it may give, text in the event sense, its types).
OTHER_SENSES = {
    "a particle": ("In the final, the champion was beaten out by a younger rival for first place. "
                   "The union called off the strike after a night of talks.", {"PROTEST", "CONSULT"},
                   "Soldiers beat up two protesters outside the station.", ["ASSAULT"]),
    "kinds of equipment": ("The navy sent an attack submarine and two strike aircraft. "
                           "The assault-weapons ban stalled.", {"SANCTION"},
                           "Rebels launched an assault on the town.", ["ASSAULT"]),
    "carrying out a plan": ("Time and discipline are all you need to execute your plan.", set(),
                            "The militants executed two prisoners on Friday.", ["ASSAULT"]),
    "a plea, a showing, a hope": ("The man pleaded guilty on Monday. This case demonstrates that free "
                                  "speech has limits. The new programme is promising.", set(),
                                  "Thousands demonstrated against the law. The group promised to rebuild "
                                  "the school. The rebels pleaded with the envoy to stop the shelling.",
                                  ["PROTEST", "AGREE", "DEMAND"]),
    "remembering and questioning": ("The report recalls that the firm censored him. He recalled the day the "
                                    "war began. Asked about the claim, the minister said nothing. She was "
                                    "asked if she would resign.", {"COERCE"},  # the censoring alone
                                    "Russia recalled its ambassador from Kyiv. The mayor asked for calm. "
                                    "The union asked the council to delay the vote.",
                                    ["SANCTION", "DEMAND", "DEMAND"]),
    "fuel and software": ("The city runs two coal-fired plants and is deploying new software.", set(),
                          "About 200 police officers were deployed in the city.", ["MOBILIZE"]),
    "publishing, calling, sharing": ("Recordings released by the council give some details. The police "
                                     "released the name of the driver. Neighbours who have shared photos of "
                                     "the flood were thanked. Officers were called to the house that night. "
                                     "The host asked the mayor if he would resign.", {"SUPPORT"},  # thanks
                                     "The army released 40 prisoners. The senator called for a ceasefire. "
                                     "It is time to call out the group.",
                                     ["CONCEDE", "DEMAND", "DISAPPROVE"]),
    "a phone call": ("Strangers kept calling the newsroom shouting threats.", {"THREATEN"},
                     "The union called on workers to strike. Protesters called for the mayor to resign.",
                     ["DEMAND", "DEMAND"]),
    "illness, court, output, hosting": (
        "Her son suffers seizures. He has not yet entered a plea. The ban was lifted on appeal. The inquiry "
        "yielded dozens of charges. Firms that host online platforms must act. She pressed her case on "
        "television. Gifts will pay for the legal battle ahead.",
        {"SANCTION", "CONCEDE", "INVESTIGATE"},  # the ban, lifted; the inquiry
        "Police announced the seizure of 40 rifles. The mayor made an appeal for calm. The rebels yielded "
        "ground. The president hosted talks with his counterpart.",
        ["COERCE", "DEMAND", "CONCEDE", "CONSULT"]),
}


@pytest.mark.parametrize("other, allowed, usual, expected", OTHER_SENSES.values(), ids=list(OTHER_SENSES))
def test_a_words_other_sense_names_no_event(other, allowed, usual, expected):
    assert set(types(analyse(other))) <= allowed
    assert types(analyse(usual)) == expected


def test_the_strike_of_a_labour_dispute_is_a_protest():
    doc = analyse("The union says 900 members have stopped work at the mill. Its leader said the strike "
                  "would go on.")
    assert types(doc) == ["PROTEST", "PROTEST"]
    doc = analyse("Warplanes hit the depot at night. Officials said the strike killed two guards.")
    assert "PROTEST" not in types(doc)
