import pytest

from unspin.analyze.pipeline import PIPELINE, Registry, PipelineError, build, run
from unspin.document import Document, Span


def test_default_pipeline_builds():
    assert [c.name for c in build(PIPELINE)] == list(PIPELINE)


def test_components_are_checked_and_run_in_order():
    reg = Registry()

    @reg.component("words", assigns="tokens")
    def words(doc):
        start = 0
        for w in doc.text.split(" "):
            yield Span(start, start + len(w), "WORD")
            start += len(w) + 1

    @reg.component("capitals", assigns="entities", requires=["tokens"])
    def capitals(doc):
        return [s for s in doc.layer("tokens") if doc.span_text(s)[:1].isupper()]

    with pytest.raises(PipelineError, match="needs layer"):
        build(["capitals", "words"], reg)
    with pytest.raises(PipelineError, match="no component named"):
        build(["missing"], reg)
    with pytest.raises(PipelineError, match="twice"):
        reg.component("words", assigns="x")(lambda d: [])

    doc = run(Document("Ships reach Gdansk today"), build(["words", "capitals"], reg))
    assert [doc.span_text(s) for s in doc.layer("entities")] == ["Ships", "Gdansk"]
    assert {s.component for s in doc.layer("entities")} == {"words"}
    assert {s.component for s in doc.layer("tokens")} == {"words"}
