import json
import random
import string

import jsonschema
import pytest

from unspin.document import (
    LAYERS,
    Document,
    Furniture,
    Meta,
    OffsetMap,
    Source,
    Span,
    SpanError,
    json_schema,
)

ALPHABET = string.ascii_letters + string.digits + " .,;:!?'\"\n\t" + "éüßçñøЖжщ中文字🙂\u00a0\u200b’“”—"


def random_document(rng: random.Random) -> Document:
    text = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 400)))
    layers = {}
    for name in rng.sample(LAYERS + ("custom_layer",), rng.randint(0, 4)):
        spans = []
        for _ in range(rng.randint(0, 12)):
            a = rng.randint(0, len(text))
            b = rng.randint(a, len(text))
            attrs = rng.choice([{}, {"canonical": "Baghdad", "lat": 33.34, "codes": ["IQ", 1, None]}, {"cue": "may"}])
            spans.append(Span(a, b, rng.choice(["PERSON", "GPE", "speculative", "Doubt"]),
                              round(rng.random(), 6), rng.choice(["", "ner", "modality"]), attrs))
        layers[name] = spans
    runs, t, s = [], 0, 0
    while t < len(text):
        n = rng.randint(1, 30)
        runs.append((t, s, min(n, len(text) - t)))
        t += n + rng.randint(0, 2)
        s += n + rng.randint(0, 9)
    return Document(
        text=text,
        meta=Meta(
            title=rng.choice([None, "A title — with “quotes”"]),
            published=rng.choice([None, "2021-03-01", "2020-01-03T10:00:00+00:00"]),
            url=rng.choice([None, "https://example.org/a?b=1"]),
            language=rng.choice([None, "en", "ru"]),
            language_confidence=rng.choice([None, 0.5, 1.0]),
            extra=rng.choice([{}, {"tags": ["a", "b"], "nested": {"x": 1.5}}]),
        ),
        source=Source("in.txt", rng.choice(["text", "html", "warc", "jsonl"]), "utf-8", "ab" * 32, len(text) * 2,
                      rng.choice([None, 0, 1234])),
        furniture=[Furniture("fundraising", "0 $\n5 $", 0, 7, {"milestones": [0, 5], "currency": "USD"})]
        if rng.random() < 0.5 else [],
        offsets=OffsetMap(runs),
        layers=layers,
    )


def test_round_trip_is_lossless_over_many_documents():
    rng = random.Random(20261125)
    schema = json_schema()
    validator = jsonschema.Draft202012Validator(schema)
    for _ in range(500):
        doc = random_document(rng)
        raw = doc.dumps()
        validator.validate(json.loads(raw))
        again = Document.loads(raw)
        assert again == doc
        assert again.dumps() == raw
        assert again.text == doc.text
        assert again.offsets == doc.offsets
        for name, spans in doc.layers.items():
            assert again.layer(name) == spans


def test_text_is_immutable():
    doc = Document("abc")
    with pytest.raises(AttributeError):
        doc.text = "xyz"


def test_span_outside_text_is_refused_not_snapped():
    doc = Document("short text")
    with pytest.raises(SpanError, match="does not fit"):
        doc.set_layer("entities", [Span(3, 99, "X")])
    assert doc.layer("entities") == ()


def test_offset_map_points_back_to_source():
    source = "xx Hello,\u00a0world yy"
    offsets = OffsetMap([(0, 3, 6), (6, 9, 6)])  # "Hello," + " world"
    text = "Hello, world"
    assert [source[offsets.to_source(i)] for i in range(len(text))] == list("Hello,\u00a0world")
    assert offsets.source_span(7, 12) == (10, 15)
    assert OffsetMap([(0, 0, 3)]).to_source(5) is None


def test_wrong_schema_is_refused():
    with pytest.raises(ValueError, match="unspin/1"):
        Document.from_json({"schema": "other/2", "text": ""})


def test_schema_is_valid_json_schema():
    jsonschema.Draft202012Validator.check_schema(json_schema())
