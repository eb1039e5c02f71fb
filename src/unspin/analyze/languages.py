"""Which languages the analysis layers read, and the one note a page in another language gets.

Every shipped layer reads spaCy's English parse or models trained on English
news, so a page in Russian, Korean, Japanese or French is read (text,
metadata, furniture, language) and kept, but no layer is made for it. The
pipeline says so once, as the ``pipeline`` component, rather than once per
layer: eight notes that each say "skipped" hide the one fact that matters.
"""

from __future__ import annotations

#: Languages the layers are made for (ISO 639-1), as ``meta.language`` gives them.
ENGLISH = ("en",)


def is_analysed(language: str | None) -> bool:
    """True when the layers read this language; an unknown language (None) is tried as English."""
    return language is None or language in ENGLISH


def language_name(code: str) -> str:
    """"Russian" for ``ru``; the code itself when pycountry does not know it."""
    try:
        import pycountry

        found = pycountry.languages.get(alpha_2=code)
    except (ImportError, KeyError, LookupError):
        found = None
    return getattr(found, "name", None) or code


def english_only_note(code: str) -> str:
    """The one note of a Document the layers do not read."""
    return (f"analysis layers are English-only; this text is in {language_name(code)} ('{code}'): "
            "read and kept (its text, metadata and furniture), not analysed")
