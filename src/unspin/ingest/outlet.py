"""The outlet's own name, and where pages repeat it: title suffixes and bylines.

A page names its outlet in its metadata (``og:site_name``, the JSON-LD
publisher) and again in places where it is not data: after the headline in
``<title>`` ("... | National Review"), after the author in a byline
("Finian Cunningham. Sputnik International"). Researchers compare outlets
and authors across a corpus, so the outlet must come out of those fields and
be named once, by what the page says it is. No rule here names a site: a
segment counts as the outlet's name when it matches the page's declared
names or its host.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

#: Second-level labels under a country code that are not the site's name
#: (``bbc.co.uk``, ``folha.com.br``): the registrable domain is one label longer.
_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "gov", "ac", "edu", "or", "ne", "go", "gob", "nic"})
_TITLE_SEPARATORS = re.compile(r"\s+(?:\||-|–|—|::|·|•|»)\s+")
#: Where a byline can turn from a person to an outlet: "Name. Outlet", "Name, Outlet", "Name | Outlet".
_BYLINE_SEPARATORS = re.compile(r"(?:\.|,|;)\s+|\s+(?:\||-|–|—|/)\s+")
_MAX_NAME_WORDS = 6


def compact(text: str) -> str:
    """Lower-case letters and digits only: "Sportsnet.ca" and "sportsnet ca" compare equal."""
    return "".join(ch for ch in text.lower() if ch.isalnum())


def host_of(url: str | None) -> str:
    if not url:
        return ""
    try:
        host = (urlsplit(url).hostname or "").lower().rstrip(".")
    except ValueError:
        return ""
    return host[4:] if host.startswith("www.") else host


def registrable_domain(host: str) -> str:
    """The domain a site registered (``ap.org`` for ``hosted.ap.org``, ``bbc.co.uk`` for ``news.bbc.co.uk``)."""
    labels = [label for label in host.split(".") if label]
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def _site_label(host: str) -> str:
    """The name part of the registrable domain: ``sputniknews`` for ``sputniknews.com``."""
    domain = registrable_domain(host)
    return domain.split(".", 1)[0] if domain else ""


def names_outlet(part: str, names: list[str], host: str, loose: bool = True) -> bool:
    """Whether ``part`` is the outlet's name: one of its declared names, or its host's.

    "Sputnik International" names sputniknews.com (its first word begins the
    host's name), "Business Insider" names businessinsider.com, "CNN
    Business" names cnn.com; "Futurism" does not name sciencealert.com.
    ``loose=False`` asks for more than a shared first word when the part is
    longer than three words: "comwrap auf der DMEXCO 2018" ends a headline on
    comwrap.com without being the site's name.
    """
    words = part.split()
    if not words or len(words) > _MAX_NAME_WORDS:
        return False
    whole = compact(part)
    if not whole:
        return False
    if any(whole == compact(name) for name in names if name):
        return True
    label = _site_label(host)
    if not label:
        return False
    if whole in (label, compact(registrable_domain(host)), compact(host)):
        return True
    if not loose and len(words) > 3:
        return False
    first = compact(words[0])
    return first == label or (len(first) >= 5 and label.startswith(first)) or (
        len(label) >= 4 and whole.startswith(label)
    )


def strip_site_from_title(title: str | None, names: list[str], host: str) -> str | None:
    """The headline without the outlet's name before or after it ("The Impeachment Clock | National Review")."""
    if not title:
        return title
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    seps = _TITLE_SEPARATORS.findall(title)
    start, end = 0, len(parts)
    if names_outlet(parts[-1], names, host, loose=False):
        end -= 1
    elif names_outlet(parts[0], names, host, loose=False):
        start += 1
    if (start, end) == (0, len(parts)):
        return title
    kept = parts[start]
    for sep, part in zip(seps[start:end - 1], parts[start + 1:end]):
        kept += sep + part
    return kept if len(compact(kept)) >= 3 else title


def split_byline(byline: str | None, names: list[str], host: str) -> str | None:
    """The byline without the outlet's name after the author ("Finian Cunningham. Sputnik International").

    The split is at the first separator after which the rest names the
    outlet; a byline that is the outlet alone ("BBC News") stays as it is.
    """
    if not byline:
        return byline
    for m in _BYLINE_SEPARATORS.finditer(byline):
        head, tail = byline[: m.start()].strip(), byline[m.end():].strip()
        if head and compact(head) and names_outlet(tail, names, host):
            return head
    return byline


#: Words that name a kind of hosting or a part of a site, never an outlet
#: ("Hosted" is the og:site_name of the Associated Press's hosted pages).
HOSTING_WORDS = frozenset({
    "hosted", "host", "hosting", "blog", "blogs", "news", "home", "homepage", "website", "site", "web",
    "mobile", "amp", "www", "portal", "online", "index", "default", "untitled", "wordpress",
})


def site_name(candidates: list[str | None], host: str) -> str | None:
    """The outlet's name: the first declared name that is more than a word for hosting.

    A name such as "Hosted" (the og:site_name of pages on hosted.ap.org),
    "Blog" or "Home" names the hosting or a part of the site, not the outlet:
    the next candidate is used, and failing all, the registered domain
    (``ap.org``).
    """
    rejected = False
    for name in candidates:
        if not name or not name.strip():
            continue
        if compact(name) in HOSTING_WORDS:
            rejected = True
            continue
        return " ".join(name.split())
    if rejected and host:
        return registrable_domain(host)
    return None
