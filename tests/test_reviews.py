"""The review records: stored beside the machine's layers, applied as the reviewed view, never edits.

Real stores (SQLite, and PostgreSQL where its server binaries are installed), a real analysed document.
"""

from __future__ import annotations

import datetime

import pytest
from sqlalchemy import select

from unspin.analyze.pipeline import build, run
from unspin.document import Document, Meta, Span
from unspin.review.quote import QuoteError, locate, selector
from unspin.review.records import Mark, Review, ReviewError, check, latest
from unspin.review.view import differences, reviewed
from unspin.store import reviews as store_reviews
from unspin.store.corpus import write_batch
from unspin.store.db import connect
from unspin.store.delete import delete_documents
from unspin.store.tables import documents

TEXT = ("The harbour board of Tallinn said on Monday that 300 dockers walked out. "
        "Critics called the strike a disgrace. The harbour board expects talks in Tallinn next week.")
T0 = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.timezone.utc)


def at(minutes: int) -> datetime.datetime:
    return T0 + datetime.timedelta(minutes=minutes)


@pytest.fixture(scope="module")
def doc() -> Document:
    document = Document(TEXT, Meta(language="en", url="https://example.org/harbour"))
    run(document, build(["sentences", "entities", "quantities", "dates", "attributions", "modality"]))
    return document


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path, doc):
    if request.param == "sqlite":
        url = str(tmp_path / "store.db")
    else:
        url = request.getfixturevalue("postgres_db")
    engine = connect(url)
    write_batch(engine, [doc])
    yield engine
    engine.dispose()


def first(doc: Document, layer: str, words: str) -> Span:
    return next(s for s in doc.layer(layer) if doc.span_text(s) == words)


def test_the_latest_review_of_a_span_is_shown_and_every_review_is_kept(engine, doc):
    tallinn = first(doc, "entities", "Tallinn")
    machine = Mark(tallinn.start, tallinn.end, tallinn.label, tallinn.attrs.get("canonical"))
    with engine.begin() as conn:
        store_reviews.write_review(conn, Review(doc.id, "entities", machine, None, "ana", at(1)))
        store_reviews.write_review(conn, Review(doc.id, "entities", machine,
                                                Mark(machine.start, machine.end, "LOC", "Tallinn harbour"), "ben", at(2)))
    with engine.connect() as conn:
        kept = store_reviews.reviews_of(conn, doc.id)
    assert [r.verdict for r in kept] == ["reject", "change"]
    view = reviewed(doc, kept)
    span = next(s for s in view.layer("entities") if (s.start, s.end) == (tallinn.start, tallinn.end))
    assert (span.label, span.attrs["canonical"], span.attrs["review"]["reviewer"]) == ("LOC", "Tallinn harbour", "ben")
    # the machine's document is untouched, in memory and in the store
    assert first(doc, "entities", "Tallinn").label == tallinn.label
    with engine.connect() as conn:
        stored = Document.loads(conn.execute(select(documents.c.document)).scalar_one())
    assert stored == doc


def test_reject_add_and_move_make_the_reviewed_view_and_its_differences(doc):
    strike = locate(doc.text, "a disgrace")
    board = first(doc, "entities", "Tallinn")
    quantity = doc.layer("quantities")[0]
    moved = Mark(quantity.start, quantity.end + len(" dockers"), quantity.label)
    made = [
        Review(doc.id, "techniques", None, Mark(*strike, "Name_Calling,Labeling"), "ana", at(1), note="<b>x</b>"),
        Review(doc.id, "entities", Mark(board.start, board.end, board.label), None, "ana", at(2)),
        Review(doc.id, "quantities", Mark(quantity.start, quantity.end, quantity.label), moved, "ana", at(3)),
    ]
    view = reviewed(doc, made)
    added = view.layer("techniques")
    assert [(view.span_text(s), s.component, s.attrs["review"]["note"]) for s in added] == [
        ("a disgrace", "review", "<b>x</b>")]
    assert len(view.layer("entities")) == len(doc.layer("entities")) - 1
    assert view.layer("quantities")[0].end == moved.end
    kinds = sorted((d.layer, d.kind) for d in differences(doc, view, ["entities", "quantities", "techniques"]))
    assert kinds == [("entities", "rejected"), ("quantities", "changed"), ("techniques", "added")]
    # a later reviewer rejects the added span: it is gone, and both records remain
    again = made + [Review(doc.id, "techniques", Mark(*strike, "Name_Calling,Labeling"), None, "ben", at(4))]
    assert reviewed(doc, again).layer("techniques") == ()
    assert len(latest(again)) == 3


def test_a_review_that_does_not_fit_the_text_is_refused(doc):
    with pytest.raises(ReviewError, match="not a span of this text"):
        check(Review(doc.id, "entities", None, Mark(5, 10_000, "ORG"), "ana", at(1)), len(doc.text))
    with pytest.raises(ReviewError, match="not a layer"):
        check(Review(doc.id, "sentences", None, Mark(0, 3, "x"), "ana", at(1)), len(doc.text))


def test_a_quote_names_one_place_or_says_why_not():
    assert locate(TEXT, "The harbour board", occurrence=2) == (TEXT.rindex("The harbour board"),
                                                              TEXT.rindex("The harbour board") + 17)
    with pytest.raises(QuoteError, match="occurs 2 times"):
        locate(TEXT, "The harbour board")
    with pytest.raises(QuoteError, match="not in the text"):
        locate(TEXT, "a triumph")
    where = TEXT.rindex("Tallinn")
    chosen = selector(TEXT, where, where + 7)
    assert locate(TEXT, chosen["exact"], chosen["prefix"], chosen["suffix"]) == (where, where + 7)


def test_accounts_sessions_and_the_failed_sign_in_limit(engine):
    with engine.begin() as conn:
        store_reviews.add_user(conn, "ana", "correct horse battery")
        with pytest.raises(store_reviews.UserError, match="already has an account"):
            store_reviews.add_user(conn, "ana", "another long password")
    with engine.begin() as conn:
        token, csrf = store_reviews.sign_in(conn, "ana", "correct horse battery")
        assert store_reviews.session(conn, token) == ("ana", csrf)
        assert store_reviews.session(conn, token + "x") is None
        store_reviews.sign_out(conn, token)
        assert store_reviews.session(conn, token) is None
        for _ in range(store_reviews.MAX_FAILURES):
            assert store_reviews.sign_in(conn, "ana", "wrong password!") is None
        assert store_reviews.locked_out(conn, "ana")
        assert not store_reviews.locked_out(conn, "ana", at=store_reviews.now() + store_reviews.LOCKOUT * 2)
        stored = conn.execute(select(store_reviews.users.c.password_hash)).scalar_one()
        assert stored.startswith("$argon2id$") and "horse" not in stored


def test_deleting_a_document_takes_its_reviews_with_it(engine, doc):
    with engine.begin() as conn:
        store_reviews.write_review(conn, Review(doc.id, "entities", None, Mark(0, 3, "ORG"), "ana", at(1)))
        store_reviews.mark_document(conn, doc.id, True, "ana")
        assert store_reviews.document_status(conn, doc.id)["reviewed"]
        pk = conn.execute(select(documents.c.pk)).scalar_one()
    delete_documents(engine, [pk])
    with engine.connect() as conn:
        assert store_reviews.reviews_of(conn, doc.id) == []
        assert store_reviews.document_status(conn, doc.id) is None
