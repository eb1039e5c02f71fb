"""The dates layer and the reference date that relative expressions resolve against."""

from datetime import date

from conftest import SEED, need

import unspin.analyze.dates  # noqa: F401  (registers the component)
from unspin.analyze.pipeline import build, run
from unspin.analyze.timeref import calendar_parts, infer_reference, reference_date
from unspin.document import Document, Meta


def analyse(text: str, **meta) -> Document:
    return run(Document(text, Meta(language="en", **meta)), build(["sentences", "quantities", "dates"]))


def found(doc: Document) -> dict:
    return {doc.span_text(s): s for s in doc.layer("dates")}


def test_reference_prefers_published_then_override_then_inference():
    text = "Talks failed on 4 March 2013."
    published = Document(text, Meta(language="en", published="2014-02-01T09:30:00Z"))
    assert reference_date(published, "2015-05-05") == (date(2014, 2, 1), "published")
    plain = Document(text, Meta(language="en"))
    assert reference_date(plain, "2015-05-05") == (date(2015, 5, 5), "override")
    from_cli = Document(text, Meta(language="en", extra={"published_override": "2015-06-06"}))
    assert reference_date(from_cli) == (date(2015, 6, 6), "override")
    assert reference_date(plain) == (date(2013, 3, 4), "inferred")
    assert reference_date(Document("Nothing here is dated.", Meta(language="en"))) == (None, "none")


def test_inference_ignores_deadlines_and_falls_back_to_the_year():
    doc = Document("In 2012 the plan failed. By 2030 emissions will fall.", Meta(language="en"))
    inferred = infer_reference(doc)
    assert (inferred.date, inferred.precision) == (date(2012, 1, 1), "year")


def test_calendar_parts_refuses_impossible_days():
    assert calendar_parts("February 30") is None
    assert calendar_parts("3rd of January 2020").day == 3


def test_relative_expressions_resolve_against_the_publication_date():
    doc = analyse(
        "On Monday the minister said prices had risen since last year. Two days later the strike began. "
        "On January 3 troops arrived, and yesterday they left. The vote will be held on March 5. "
        "Last week, three years ago, in the 1990s and every week at 3 p.m. they met.",
        published="2021-03-10",
    )
    d = found(doc)
    monday = d["Monday"].attrs
    assert (monday["value"], monday["relative"], monday["reference"], monday["reference_source"]) == ("2021-03-08", True, "2021-03-10", "published")
    assert monday["inferred"] is False
    last_year = next(s for text, s in d.items() if text.endswith("last year"))
    assert last_year.attrs["value"] == "2020" and last_year.attrs["granularity"] == "year"
    later = d["Two days later"].attrs
    assert later["relative"] is True and later["offset"] == "P2D" and later["value"] is None
    assert d["January 3"].attrs["value"] == "2021-01-03"
    assert d["yesterday"].attrs["value"] == "2021-03-09"
    assert d["March 5"].attrs["value"] == "2022-03-05" and d["March 5"].attrs["tense"] == "future"
    assert d["Last week"].attrs["value"] == "2021-W09"
    assert d["three years ago"].attrs["value"] == "2018"
    assert (d["the 1990s"].attrs["value"], d["the 1990s"].attrs["granularity"]) == ("199", "decade")
    assert (d["every week"].label, d["every week"].attrs["value"]) == ("set", "P1W")
    assert (d["3 p.m."].label, d["3 p.m."].attrs["value"]) == ("time", "T15:00")


def test_durations_and_unreadable_expressions():
    d = found(analyse("Over the past two years, they forgot the year of the great flood.", published="2021-03-10"))
    assert (d["the past two years"].label, d["the past two years"].attrs["value"]) == ("duration", "P2Y")
    # an article before a numeral is no "one": a five year plan lasts five years, not six
    d.update(found(analyse("The crew will fly out and back in a five year mission.", published="2021-03-10")))
    assert d["a five year"].attrs["value"] == "P5Y"
    unread = d["the year of the great flood"]
    assert unread.attrs["value"] is None and unread.confidence < 0.8


def test_day_level_expressions_stay_unresolved_on_a_year_only_reference():
    d = found(analyse("In 2018 the army left, and yesterday it came back."))
    assert d["yesterday"].attrs["value"] is None and d["yesterday"].attrs["unresolved"]
    assert d["2018"].attrs["value"] == "2018" and d["2018"].attrs["inferred"] is False


def test_seed_dates_are_resolved_from_an_inferred_reference():
    need(SEED)
    from unspin.ingest import read_inputs

    [doc] = read_inputs([str(SEED)])
    assert doc.meta.published is None
    run(doc, build(["sentences", "dates"]))
    spans = doc.layer("dates")
    assert {s.attrs["reference_source"] for s in spans} == {"inferred"}
    january = [s for s in spans if doc.span_text(s) == "January 3"]
    assert january and all(s.attrs["value"] == "2020-01-03" and s.attrs["inferred"] for s in january)
    [may] = [s for s in spans if doc.span_text(s).endswith("May")]
    assert may.attrs["value"] == "2019-05" and may.attrs["inferred"] and may.attrs["relation"] == "since"
    years = {s.attrs["value"] for s in spans if s.attrs["granularity"] == "year"}
    assert "2020" in years and not any(s.attrs["inferred"] for s in spans if s.attrs["granularity"] == "year")


def test_a_date_expression_holds_a_temporal_word_or_a_year():
    doc = analyse(
        "Far from clearing her name from years of persistent rumours of guilt in the fraud, the mayor resigned. "
        "Jan Novak, 24, and his 1-year old son moved here in 1998. Sales fell year-over-year.",
        published="2021-03-10",
    )
    texts = [doc.span_text(s) for s in doc.layer("dates")]
    assert not any("rumours" in t or "guilt" in t for t in texts)
    assert "24" not in texts and not any(t.startswith("1-year") for t in texts)
    assert "year-over-year" not in texts and "1998" in texts
    # A single period a determiner points at is still named by what happened in it.
    d = found(analyse("They never forgot the year of the great flood.", published="2021-03-10"))
    assert "the year of the great flood" in d


def test_a_month_line_of_the_page_dates_a_text_that_names_no_year(tmp_path):
    from unspin.ingest import read_inputs

    page = tmp_path / "ferry.txt"
    page.write_text(
        "$0\n$500\n$2,000\n$140\nAPRIL 2031\n\nFerry Crews Walk Out\n\n"
        "On April 3, ferry crews in the northern port stopped work after the talks failed, and the tug crews "
        "joined them the next morning. The company said it had offered a raise over three years.\n",
        encoding="utf-8",
    )
    [doc] = read_inputs([str(page)])
    run(doc, build(["sentences", "dates"]))
    d = found(doc)
    assert d["April 3"].attrs["value"] == "2031-04-03"
    assert d["April 3"].attrs["reference_source"] == "inferred" and d["April 3"].attrs["inferred"] is True
    reference = infer_reference(doc)
    assert (reference.date, reference.precision) == (date(2031, 4, 3), "day") and "APRIL 2031" in reference.cue


def test_a_month_line_alone_gives_a_month_reference():
    doc = Document("MAY 2029\n\nThe pier closed last month and reopens next week.", Meta(language="en"))
    reference = infer_reference(doc)
    assert (reference.date, reference.precision) == (date(2029, 5, 1), "month")
    d = found(run(doc, build(["sentences", "dates"])))
    assert d["last month"].attrs["value"] == "2029-04"
    assert d["next week"].attrs["value"] is None  # a week needs the day


def test_qualifiers_leave_the_value_as_it_is():
    d = found(analyse(
        "The canal froze in late 2013 and thawed at the end of February. The lock has been shut for nearly a decade "
        "and the bridge for more than 20 years; the toll rose more than a year ago. The barge left earlier Sunday "
        "and sank Sunday evening.",
        published="2016-03-20",
    ))
    assert (d["late 2013"].attrs["value"], d["late 2013"].attrs["modifier"]) == ("2013", "late")
    assert d["the end of February"].attrs["value"] == "2016-02"
    assert d["nearly a decade"].attrs["value"] == "P10Y" and d["more than 20 years"].attrs["value"] == "P20Y"
    assert d["more than a year ago"].attrs["value"] == "2015"
    assert d["earlier Sunday"].attrs["value"] == "2016-03-20" and d["Sunday evening"].attrs["value"] == "2016-03-20"


def test_seasons_ranges_and_dates_that_point_back():
    d = found(analyse(
        "The orchard opened last spring and will close next summer. Visits rose between January 4 and March 2. "
        "The mill burned in 2009 and again in October of that year, and was rebuilt later that year. "
        "It was sold in 2004 and 2008. The miller left the next day.",
        published="2016-03-20",
    ))
    assert d["last spring"].attrs["value"] == "2015-SP" and d["next summer"].attrs["value"] == "2016-SU"
    between = d["between January 4"].attrs
    assert (between["value"], between["relation"]) == ("2016-01-04", "between")
    assert d["October of that year"].attrs["value"] == "2009-10"
    assert d["later that year"].attrs["value"] == "2009"
    assert d["2008"].attrs["value"] == "2008"
    next_day = d["the next day"].attrs
    assert next_day["value"] is None and next_day["offset"] == "P1D" and next_day["anchor"] == "another event"


def test_on_a_sunday_this_week_is_the_week_that_begins():
    d = found(analyse("The ferry stopped last week and the talks resume this week.", published="2016-03-20"))
    assert d["last week"].attrs["value"] == "2016-W11" and d["this week"].attrs["value"] == "2016-W12"
    d = found(analyse("The ferry stopped last week and the talks resume this week.", published="2016-03-16"))
    assert d["last week"].attrs["value"] == "2016-W10" and d["this week"].attrs["value"] == "2016-W11"


def test_holidays_hyphenated_lengths_and_seasons_found_by_pattern():
    d = found(analyse(
        "In her last speech before the Christmas holiday, the mayor outlines a 29-day closure and a two-year plan that "
        "pays back in the first three years after opening. The quay reopens this fall.",
        published="2015-12-22",
    ))
    holiday = next(s for t, s in d.items() if t.endswith("Christmas holiday"))
    assert holiday.attrs["value"] == "2015-12-25"
    assert d["29-day"].attrs["value"] == "P29D" and d["two-year"].attrs["value"] == "P2Y"
    first = next(s for t, s in d.items() if t.startswith("the first three years"))
    assert first.attrs["value"] == "P3Y"
    assert d["this fall"].attrs["value"] == "2015-FA"


def test_a_capitalised_today_inside_a_sentence_is_a_name():
    doc = analyse("The skipper told HARBOUR TODAY that the crane failed. She hosts the ''Today'' radio hour.",
                  published="2021-03-10")
    assert not [s for s in doc.layer("dates") if doc.span_text(s).lower() == "today"]
    d = found(analyse('The crane failed. "Today we stop," the skipper said.', published="2021-03-10"))
    assert d["Today"].attrs["value"] == "2021-03-10"


def test_an_offset_counts_from_the_day_dated_before_it():
    d = found(analyse(
        "The crews will meet again on April 20. On March 2 the crane failed, and two days later the quay closed. "
        "The harbour was calm in 2019, and a week later a storm came.",
        published="2021-03-10",
    ))
    later = d["two days later"].attrs
    assert (later["value"], later["offset"], later["anchor"]) == ("2021-03-04", "P2D", "the date before it")
    assert d["a week later"].attrs["value"] is None  # the date before it is a year: no day to count from
    d = found(analyse("The union will strike on March 20. A day earlier, the talks failed.",
                      published="2021-03-10"))
    assert d["A day earlier"].attrs["value"] is None  # a planned date is not the event of a past-tense sentence


def test_an_embedded_posts_day_bounds_the_reference():
    from unspin.document import Furniture

    # the reader sets an embedded post's signature aside as furniture; its day still dates the page
    text = "The ferry company raised fares in 2015.\n\nTwo years ago the council promised a review."
    post = Furniture("unclassified", "— Jane Roe (@janeroe) March 3, 2021")
    guess = infer_reference(Document(text, Meta(language="en"), furniture=[post]))
    assert (guess.date.isoformat(), guess.precision) == ("2021-03-03", "day")
    assert infer_reference(Document(text, Meta(language="en"))).date.isoformat() == "2015-01-01"


def test_a_day_something_is_scheduled_for_lies_ahead():
    d = found(analyse("Sentencing is scheduled for Feb. 14, prosecutors said. The hearing was set for "
                      "March 2.",
                      published="2019-11-19"))
    assert d["Feb. 14"].attrs["value"] == "2020-02-14"
    assert d["March 2"].attrs["value"] == "2019-03-02"


def test_the_end_of_the_month_is_this_months_end():
    d = found(analyse("Talks may resume before the end of the month, and prices rose at the end of the year.",
                      published="2026-11-12"))
    assert (d["before the end of the month"].attrs["value"], d["the end of the year"].attrs["value"]) == \
        ("2026-11", "2026")
    assert d["the end of the year"].attrs["modifier"] == "end"
