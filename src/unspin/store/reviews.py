"""The review loop's records in the store: reviewers, their sessions, failed sign-ins, reviews.

Every write is one short transaction, so a review sent while ``unspin
ingest`` writes waits its turn (SQLite's busy timeout, PostgreSQL's row
locks) instead of being lost, and a server killed mid-write leaves either
the whole record or none of it. Nothing here updates or deletes a review:
two reviewers on one span make two records, and the latest is shown.
"""

from __future__ import annotations

import datetime
import hashlib
import re
import secrets
from collections.abc import Iterable

from sqlalchemy import Connection, and_, delete, func, insert, select

from unspin.review.passwords import hash_password, verify
from unspin.review.records import Mark, Review
from unspin.store.tables import document_reviews, documents, login_failures, reviews, sessions, users

#: How long a sign-in lasts, and how many failed sign-ins of one name within ``LOCKOUT`` lock that name out.
SESSION_LIFETIME = datetime.timedelta(hours=12)
MAX_FAILURES = 5
LOCKOUT = datetime.timedelta(minutes=15)
USER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")


class UserError(ValueError):
    """An account that cannot be made or used as asked; the message says why."""


def now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


def _aware(value: datetime.datetime) -> datetime.datetime:
    """SQLite hands back naive datetimes; every time here is UTC."""
    return value if value.tzinfo else value.replace(tzinfo=datetime.timezone.utc)


# --- accounts -------------------------------------------------------------------------------------------


def check_name(name: str) -> str:
    if not USER_NAME.fullmatch(name):
        raise UserError(f"{name!r} is not a usable name (letters, digits and . _ @ -, at most 64, no spaces)")
    return name


def add_user(conn: Connection, name: str, password: str) -> None:
    check_name(name)
    if conn.execute(select(users.c.name).where(users.c.name == name)).first():
        raise UserError(f"{name} already has an account (unspin users password {name} sets a new password)")
    conn.execute(insert(users).values(name=name, password_hash=hash_password(password), created_at=now()))


def set_password(conn: Connection, name: str, password: str) -> None:
    if not conn.execute(select(users.c.name).where(users.c.name == name)).first():
        raise UserError(f"{name} has no account (unspin users add {name} makes one)")
    conn.execute(users.update().where(users.c.name == name).values(password_hash=hash_password(password)))
    conn.execute(delete(sessions).where(sessions.c.user == name))  # a new password signs every browser out


def remove_user(conn: Connection, name: str) -> None:
    """The account and its sessions go; the reviews it wrote stay, under its name."""
    conn.execute(delete(sessions).where(sessions.c.user == name))
    if conn.execute(delete(users).where(users.c.name == name)).rowcount == 0:
        raise UserError(f"{name} has no account")


def list_users(conn: Connection) -> list[dict]:
    counts = dict(conn.execute(select(reviews.c.reviewer, func.count()).group_by(reviews.c.reviewer)).all())
    return [
        {"name": r.name, "created_at": _aware(r.created_at), "reviews": counts.get(r.name, 0)}
        for r in conn.execute(select(users.c.name, users.c.created_at).order_by(users.c.name))
    ]


def locked_out(conn: Connection, name: str, at: datetime.datetime | None = None) -> bool:
    since = (at or now()) - LOCKOUT
    count = conn.execute(
        select(func.count()).select_from(login_failures)
        .where(and_(login_failures.c.name == name[:64], login_failures.c.at >= since))
    ).scalar_one()
    return count >= MAX_FAILURES


def sign_in(conn: Connection, name: str, password: str) -> tuple[str, str] | None:
    """A new session's (cookie token, CSRF token) when the password is right and the name not locked out.

    A failure is recorded, whether or not the name exists; a success clears the name's failures.
    """
    row = conn.execute(select(users.c.password_hash).where(users.c.name == name)).first()
    if not verify(row.password_hash if row else None, password):
        conn.execute(insert(login_failures).values(name=name[:64], at=now()))
        return None
    conn.execute(delete(login_failures).where(login_failures.c.name == name))
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    at = now()
    conn.execute(insert(sessions).values(
        token_sha256=_digest(token), user=name, csrf=csrf, created_at=at, expires_at=at + SESSION_LIFETIME))
    conn.execute(delete(sessions).where(sessions.c.expires_at < at))
    return token, csrf


def session(conn: Connection, token: str | None) -> tuple[str, str] | None:
    """The (user, CSRF token) of a live session, or None."""
    if not token or len(token) > 200:
        return None
    row = conn.execute(
        select(sessions.c.user, sessions.c.csrf, sessions.c.expires_at).where(sessions.c.token_sha256 == _digest(token))
    ).first()
    if row is None or _aware(row.expires_at) < now():
        return None
    return row.user, row.csrf


def sign_out(conn: Connection, token: str | None) -> None:
    if token:
        conn.execute(delete(sessions).where(sessions.c.token_sha256 == _digest(token)))


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# --- reviews --------------------------------------------------------------------------------------------


def write_review(conn: Connection, review: Review) -> int:
    t, a = review.target, review.after
    return conn.execute(insert(reviews).values(
        document=review.document, layer=review.layer,
        target_start=t.start if t else None, target_end=t.end if t else None, target_label=t.label if t else None,
        target_canonical=t.canonical if t else None,
        after_start=a.start if a else None, after_end=a.end if a else None, after_label=a.label if a else None,
        after_canonical=a.canonical if a else None,
        verdict=review.verdict, note=review.note, reviewer=review.reviewer, origin=review.origin, at=review.at,
    )).inserted_primary_key[0]


def write_reviews(conn: Connection, many: Iterable[Review]) -> int:
    count = 0
    for review in many:
        write_review(conn, review)
        count += 1
    return count


def _review(row) -> Review:
    target = (
        Mark(row.target_start, row.target_end, row.target_label, row.target_canonical)
        if row.target_start is not None else None
    )
    after = (
        Mark(row.after_start, row.after_end, row.after_label, row.after_canonical)
        if row.after_start is not None else None
    )
    return Review(row.document, row.layer, target, after, row.reviewer, _aware(row.at), row.note, row.origin, row.pk)


def reviews_of(conn: Connection, doc_id: str) -> list[Review]:
    """Every review of one document, oldest first."""
    rows = conn.execute(select(reviews).where(reviews.c.document == doc_id).order_by(reviews.c.at, reviews.c.pk))
    return [_review(r) for r in rows]


def all_reviews(conn: Connection) -> list[Review]:
    return [_review(r) for r in conn.execute(select(reviews).order_by(reviews.c.at, reviews.c.pk))]


def reviewed_ids(conn: Connection) -> list[str]:
    """The documents that have at least one review or are marked reviewed, in store order."""
    ids = select(reviews.c.document).union(select(document_reviews.c.document)).subquery()
    return list(conn.execute(
        select(documents.c.id).where(documents.c.id.in_(select(ids.c.document))).order_by(documents.c.pk)
    ).scalars())


def mark_document(conn: Connection, doc_id: str, reviewed: bool, reviewer: str) -> None:
    conn.execute(insert(document_reviews).values(document=doc_id, reviewed=reviewed, reviewer=reviewer, at=now()))


def document_status(conn: Connection, doc_id: str) -> dict | None:
    """The latest whole-document mark: {"reviewed", "reviewer", "at"}, or None if never marked."""
    row = conn.execute(
        select(document_reviews).where(document_reviews.c.document == doc_id)
        .order_by(document_reviews.c.at.desc(), document_reviews.c.pk.desc()).limit(1)
    ).first()
    return None if row is None else {"reviewed": bool(row.reviewed), "reviewer": row.reviewer, "at": _aware(row.at)}

