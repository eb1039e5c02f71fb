import json

import jsonschema
from conftest import EXAMPLES, SEED, need

from unspin.document import Source, json_schema
from unspin.ingest.furniture import fundraising_fields, is_call_to_action, is_navigation, parse_money
from unspin.ingest.text import read_text_scrape


def test_seed_page_end_to_end(cli):
    """The acceptance case: the real scrape in ../shared/seeds, through the real command."""
    seed = need(SEED)
    lines = [ln.strip() for ln in seed.read_text(encoding="utf-8").splitlines()]
    headline = lines[6]
    result = cli("analyze", str(seed), "--format", "json")
    assert result.returncode == 0, result.stderr.decode()
    doc = json.loads(result.stdout)
    jsonschema.Draft202012Validator(json_schema()).validate(doc)
    assert doc["schema"] == "unspin/1"
    assert doc["meta"]["title"] == headline
    assert doc["text"].count(headline) == 0
    assert doc["meta"]["language"] == "en"

    kinds = [f["kind"] for f in doc["furniture"]]
    fundraising = [f for f in doc["furniture"] if f["kind"] == "fundraising"]
    assert len(fundraising) == 1
    fields = fundraising[0]["fields"]
    assert fields["milestones"] == [0, 2500, 5000]
    assert fields["raised"] == 154
    assert fields["goal"] == 5000
    assert fields["currency"] == "USD"
    assert fields["period"] == "2021-03"
    assert kinds.count("caption") == 1
    assert kinds.count("repeated_title") == 1
    cta = [f for f in doc["furniture"] if f["kind"] == "call_to_action"]
    assert len(cta) == 1 and cta[0]["text"] == lines[-1]

    assert doc["text"].startswith("On January 3,")
    furniture_lines = [f["text"] for f in doc["furniture"]]
    for line in furniture_lines:
        for part in line.splitlines():
            assert part not in doc["text"].split("\n\n")
    assert "Bahdad" in doc["text"]  # body kept verbatim, typos and all
    assert "\u00a0" not in doc["text"]


def test_seed_offsets_lead_back_to_the_source():
    seed = need(SEED)
    raw = seed.read_text(encoding="utf-8")
    doc = read_text_scrape(raw, Source(str(seed), "text"))
    assert doc.offsets.coverage(len(doc.text)) > 0.99
    for i, ch in enumerate(doc.text):
        j = doc.offsets.to_source(i)
        if j is not None:
            assert raw[j] == ch or (ch == " " and raw[j] == "\u00a0")


def test_bundled_scrape_example():
    raw = (EXAMPLES / "harbour-strike.txt").read_text(encoding="utf-8")
    doc = read_text_scrape(raw, Source("harbour-strike.txt", "text"))
    assert doc.meta.title.startswith("Port Strike Spreads")
    kinds = {f.kind: f for f in doc.furniture}
    assert kinds["fundraising"].fields["raised"] == 612
    assert kinds["fundraising"].fields["milestones"] == [0, 1000, 4000]
    assert kinds["caption"].text == "Marta Kowalczyk"
    assert kinds["call_to_action"].fields["action"] == "donate"
    assert doc.text.startswith("On November 12,")
    # a short rhetorical question inside the body stays in the article
    assert "Is this really about wages" in doc.text


def test_question_and_short_lines_inside_the_body_are_kept():
    raw = (
        "Breaking News From The Valley\n\n"
        "The river rose by two metres overnight and the old bridge was closed to traffic by the police.\n\n"
        "What happens next?\n\n"
        "Engineers will inspect the bridge on Monday, the council said in a short statement to the press.\n\n"
        "Subscribe to our newsletter\n"
    )
    doc = read_text_scrape(raw, Source("x", "text"))
    assert doc.meta.title == "Breaking News From The Valley"
    assert "What happens next?" in doc.text
    assert "Subscribe" not in doc.text
    assert [f.kind for f in doc.furniture] == ["title", "call_to_action"]


def test_money_and_widget_parsing():
    assert parse_money("2,500 $").amount == 2500
    assert parse_money("€1.250").currency == "EUR"
    assert parse_money("Raised: $154").label == "raised"
    assert parse_money("2,500 people") is None
    fields = fundraising_fields(["Raised: £300", "Goal: £1,000", "June 2024"])
    assert fields["raised"] == 300 and fields["goal"] == 1000
    assert fields["currency"] == "GBP" and fields["period"] == "2024-06"


def test_line_classifiers():
    assert is_call_to_action("Share this article on Facebook")
    assert is_call_to_action("Consider supporting our work")
    assert not is_call_to_action("Talks between the two governments resumed on Monday in Geneva.")
    assert is_navigation("Home | World | Politics | Business")
    assert is_navigation("Skip to content")
    assert not is_navigation("The talks went on for hours.")
