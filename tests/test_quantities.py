"""The quantities layer: numbers, their hedges, what they count and whose they are."""

import pytest
from conftest import SEED, need

import unspin.analyze.quantities  # noqa: F401  (registers the component)
from unspin.analyze.pipeline import build, run
from unspin.analyze.quantities import number_value
from unspin.document import Document, Meta, Span


def analyse(text: str, **meta) -> Document:
    return run(Document(text, Meta(language="en", **meta)), build(["sentences", "quantities"]))


def found(doc: Document) -> dict[str, Span]:
    return {doc.span_text(s): s for s in doc.layer("quantities")}


@pytest.mark.parametrize(
    "numeral, value",
    [("14,000", 14000), ("2.5 million", 2500000), ("three", 3), ("a dozen", 12), ("twenty-five", 25),
     ("three hundred and forty", 340), ("$3bn", 3_000_000_000), ("1.5", 1.5), ("dozens of", 24), ("tens of thousands", 20000),
     ("troops", None), ("a five", 5), ("an 11", 11), ("a half", 0.5), ("a million", 1_000_000),
     ("one half", 0.5), ("two and a half", 2.5)],
)
def test_number_value_reads_english_numerals(numeral, value):
    assert number_value(numeral) == value


def test_hedged_counts_keep_their_hedge_object_and_owner():
    doc = analyse("The navy has deployed about 14,000 additional sailors, and Spain sent more than 300 engineers.")
    q = found(doc)
    about = q["about 14,000"]
    assert about.label == "count" and about.attrs["value"] == 14000
    assert about.attrs["approximate"] is True and about.attrs["qualifier"] == "about"
    assert about.attrs["object"] == "additional sailors"
    more = q["more than 300"].attrs
    assert (more["bound"], more["object"], more["owner"], more["owner_verb"]) == ("lower", "engineers", "Spain", "sent")
    assert "hedge 'more than'" in more["cue"]


def test_owner_is_the_canonical_name_from_the_entities_layer_when_there_is_one():
    text = "The US has deployed nearly 3,000 troops."
    doc = Document(text, Meta(language="en"))
    doc.set_layer("entities", [Span(4, 6, "GPE", attrs={"canonical": "United States"})])
    run(doc, build(["sentences", "quantities"]))
    assert found(doc)["nearly 3,000"].attrs["owner"] == "United States"


def test_money_percent_and_measures():
    doc = analyse("The ministry spent $2.5 million and €3bn on 300 tonnes of grain; prices rose 12% and "
                  "Ottawa pledged 5 million Canadian dollars for 40 square kilometres of forest.")
    q = found(doc)
    assert (q["$2.5 million"].label, q["$2.5 million"].attrs["value"], q["$2.5 million"].attrs["currency"]) == ("money", 2500000, "USD")
    assert q["€3bn"].attrs["currency"] == "EUR" and q["€3bn"].attrs["value"] == 3_000_000_000
    assert (q["300 tonnes"].label, q["300 tonnes"].attrs["unit"], q["300 tonnes"].attrs["object"]) == ("measure", "t", "grain")
    assert (q["12%"].label, q["12%"].attrs["value"]) == ("percent", 12)
    assert q["5 million Canadian dollars"].attrs["currency"] == "CAD"
    assert q["40 square kilometres"].attrs["unit"] == "km²"


def test_kitchen_engine_and_noise_units_are_measures():
    q = found(analyse("The new engine makes 149 horsepower and 38 dBa of noise. Stir 1 tsp of salt into 8 oz "
                      "of water."))
    assert {text: (s.label, s.attrs["unit"]) for text, s in q.items()} == {
        "149 horsepower": ("measure", "hp"), "38 dBa": ("measure", "dB(A)"), "1 tsp": ("measure", "tsp"),
        "8 oz": ("measure", "oz")}


def test_vague_plurals_are_approximate_lower_bounds():
    doc = analyse("Dozens of people were hurt and a dozen officers arrived.")
    q = found(doc)
    dozens = next(s for text, s in q.items() if text.lower().startswith("dozens"))
    assert dozens.attrs["approximate"] and dozens.attrs["qualifier"] == "dozens of" and dozens.attrs["bound"] == "lower"
    assert dozens.attrs["object"] == "people"
    assert q["a dozen"].attrs["value"] == 12 and q["a dozen"].attrs["approximate"] is False


def test_a_fraction_is_a_share_not_a_count():
    q = found(analyse("Three-quarters of the crew voted yes, and two thirds of the pilots agreed."))
    assert (q["Three-quarters"].label, q["Three-quarters"].attrs["value"]) == ("percent", 75.0)
    assert q["Three-quarters"].attrs["object"] == "crew"
    assert (q["two thirds"].label, q["two thirds"].attrs["value"]) == ("percent", 66.7)


def test_ranges_are_one_quantity():
    q = found(analyse("Between 10 and 20 soldiers died; 10 to 15 people were hurt."))
    assert q["10 to 15"].attrs["value"] == 10 and q["10 to 15"].attrs["value_max"] == 15


def test_dates_ordinals_names_and_idioms_are_not_quantities():
    doc = analyse("On January 3, 2020, troops of the 82nd Airborne Division flew F-16 jets to the G7 summit. "
                  "One of them said it would end one way or another, in 2019 or at 10:30.")
    assert [doc.span_text(s) for s in doc.layer("quantities")] == []


def test_seed_troop_numbers_are_hedged_counts_of_troops():
    need(SEED)
    from unspin.ingest import read_inputs

    [doc] = read_inputs([str(SEED)])
    run(doc, build(["sentences", "quantities"]))
    quantities = doc.layer("quantities")
    troops = [s for s in quantities if "troops" in (s.attrs["object"] or "")]
    assert len(troops) == 2
    for span in troops:
        number = doc.span_text(span).split()[-1]
        assert span.attrs["value"] == int(number.replace(",", ""))
        assert span.attrs["approximate"] is True and span.attrs["qualifier"] in doc.span_text(span).lower()
        assert span.label == "count" and span.attrs["owner"] == "US"
    assert {s.attrs["value"] for s in troops} == {14000, 3000}
    assert all(s.attrs["value"] != 82 for s in quantities)  # the ordinal in a division's name


def test_prepositions_after_their_verb_are_not_hedges_and_codes_are_not_numbers():
    q = found(analyse("They talked about 3 issues, paid over $5m and built 5G masts along a 10km road with twenty-five workers."))
    assert q["3"].attrs["approximate"] is False
    assert q["over $5m"].attrs["bound"] == "lower" and q["over $5m"].attrs["value"] == 5_000_000
    assert "5" not in q and q["10km"].attrs["unit"] == "km"
    assert q["twenty-five"].attrs["value"] == 25


@pytest.mark.parametrize("text, code", [
    ("The council spent millions of euros on the new bridge.", "EUR"),
    ("Thousands of dollars went missing from the fund.", "USD"),
])
def test_many_of_a_currency_is_an_approximate_amount_of_money(text, code):
    doc = run(Document(text, Meta(language="en")), build(["sentences", "quantities"]))
    [money] = doc.layer("quantities")
    assert money.label == "money" and money.attrs["currency"] == code
    assert money.attrs["approximate"] is True and money.attrs["bound"] == "lower"
