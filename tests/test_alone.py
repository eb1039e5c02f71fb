"""What one article of a story says alone: names, numbers and quotes against the others' layers and text."""

from __future__ import annotations

from unspin.document import Document, Meta, Span
from unspin.store.alone import alone, speaker, speculation_share

# Invented reports of one strike.
ONE = (
    'Dock workers in Port Arlen walked out on Monday. Union leader Ada Brennick said about 900 members '
    'would stay out. "We will not go back for crumbs," she told the crowd. The harbour board lost '
    '$2.5 million in a week, its chairman Tomas Hale said.'
)
TWO = (
    'The Port Arlen strike began on Monday with nine hundred dockers out. Brennick, who leads the union, '
    'promised they would "not go back for crumbs". Exporters fear the strike could spread to Kessmouth.'
)


def span(text: str, words: str, layer: str, label: str, **attrs) -> Span:
    start = text.index(words)
    return Span(start, start + len(words), label, 0.9, layer, attrs)


def doc(text: str, entities=(), quantities=(), quotes=(), modality=()) -> Document:
    layers = {
        "entities": [span(text, w, "entities", label, canonical=c) for w, c, label in entities],
        "quantities": [span(text, w, "quantities", label, value=v) for w, v, label in quantities],
        "attributions": [span(text, w, "attributions", "quote", source=s) for w, s in quotes],
        "modality": [span(text, w, "modality", label) for w, label in modality],
    }
    return Document(text, Meta(language="en"), layers=layers)


def test_names_numbers_and_quotes_alone():
    one = doc(
        ONE,
        entities=[("Port Arlen", "Port Arlen", "GPE"), ("Ada Brennick", "Ada Brennick", "PERSON"),
                  ("Tomas Hale", "Tomas Hale", "PERSON")],
        quantities=[("about 900 members", 900, "count"), ("$2.5 million", 2_500_000, "money")],
        quotes=[("We will not go back for crumbs", "Ada Brennick")],
    )
    two = doc(
        TWO,
        entities=[("Port Arlen", "Port Arlen", "GPE"), ("Kessmouth", "Kessmouth", "GPE")],
        quantities=[("nine hundred dockers", 900, "count")],
        quotes=[("not go back for crumbs", "Brennick")],
    )
    mine, theirs = alone([one, two])
    # Brennick is not among the other's entities, but the other writes her name: not alone
    assert [i.text for i in mine["names"]] == ["Tomas Hale"]
    assert mine["names"][0].spans == [(ONE.index("Tomas Hale"), ONE.index("Tomas Hale") + len("Tomas Hale"))]
    # 900 is the other's "nine hundred": the same value; the money is this one's alone
    assert [i.text for i in mine["numbers"]] == ["$2.5 million"]
    # the other carries most of the quote's words
    assert mine["quotes"] == []
    assert [i.text for i in theirs["names"]] == ["Kessmouth"]
    assert theirs["numbers"] == [] and theirs["quotes"] == []


def test_a_story_of_one_has_nothing_alone():
    one = doc(ONE, entities=[("Tomas Hale", "Tomas Hale", "PERSON")])
    assert alone([one]) == [{"names": [], "numbers": [], "quotes": []}]


def test_speculation_share():
    two = doc(TWO, modality=[("The Port Arlen strike began on Monday with nine hundred dockers out.", "asserted"),
                             ("Exporters fear the strike could spread to Kessmouth.", "speculative")])
    assert speculation_share(two) == (1, 2)


def test_a_name_another_writes_in_the_plural_is_not_alone():
    one = doc("A Democrat from Ohio objected.", entities=[("Democrat", "Democrat", "NORP"), ("Ohio", "Ohio", "GPE")])
    two = doc("Democrats in the House objected.", entities=[("Democrats", "Democrats", "NORP")])
    mine, theirs = alone([one, two])
    assert [i.text for i in mine["names"]] == ["Ohio"]
    assert theirs["names"] == []


def test_who_a_quote_is_credited_to():
    text = 'Ada Brennick spoke. "We stay out," she said. "Not for crumbs," they said. "Soon," officials said.'
    one = doc(text, quotes=[("We stay out", "she"), ("Not for crumbs", "they")])
    vague = span(text, "Soon", "attributions", "quote", source="vague", vague=True)
    named = span(text, "We stay out", "attributions", "quote", source="Ada Brennick", source_text="Ada Brennick")
    assert [speaker(s) for s in one.layer("attributions")] == ["she (named earlier)", "they (named earlier)"]
    assert speaker(vague) == "vague" and speaker(named) == "Ada Brennick"
