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


def test_english_layers_are_skipped_with_one_note_on_other_languages():
    from unspin.analyze import PIPELINE, build, run
    from unspin.document import Meta

    french = Document("Le conseil municipal a voté mardi la fermeture du vieux pont.", Meta(language="fr"))
    run(french, build(PIPELINE))
    assert french.layers == {}
    [note] = french.notes  # once for the document, not once per layer
    assert note["component"] == "pipeline" and "English-only" in note["message"] and "French ('fr')" in note["message"]
    assert Document.loads(french.dumps()).notes == french.notes


def test_sentences_layer_on_real_text():
    from unspin.analyze import PIPELINE, build, run

    doc = run(Document("Ships reach Gdansk today.  The strike is over?\n\nYes."), build(PIPELINE))
    assert [doc.span_text(s) for s in doc.layer("sentences")] == ["Ships reach Gdansk today.", "The strike is over?", "Yes."]
    assert all(s.component == "sentences" for s in doc.layer("sentences"))
