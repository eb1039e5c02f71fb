"""Measure entity noise: lone capitalised common words taken for names.

Story comparisons list the entities articles share; a "Super", "County" or
"Manslaughter" among them is noise a reader has to look past. There is no
gold for this, so the measure is a share with a definition that needs no
list of words:

A mention is *noise* when
- it is one token, alphabetic, written with a capital first letter and the
  rest in lower case (acronyms such as "NATO" are names, not noise);
- its lower-case form is an English word the parser ships knowing as a
  common word (the noun, verb, adjective and adverb index of the model's own
  lemmatizer, ``lemma_index``), and
- the measured texts themselves use it as a common word: they write it in
  lower case at least as often as capitalised away from a sentence start.
  This second test takes out the names the lemmatizer's index also lists
  ("london", "john", "washington" never appear in lower case in news),
  without a list of names.

The share is noise mentions over all entity mentions, with counts per label
and the most frequent noise words as examples. Inputs are read the way
``unspin analyze`` reads them (``unspin.ingest.read_inputs``: text scrapes,
HTML, gzip), and go through the real ``sentences`` and ``entities``
components.

    python -m unspin.eval.entity_noise ../shared/data/ptc/train/articles \
        ../shared/data/ptc/dev/articles ../shared/data/extraction/scrapinghub-aeb/html
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable, Sequence


@dataclass(frozen=True)
class Seen:
    """One entity mention, with what the noise test needs."""

    text: str
    label: str
    single: bool  # one alphabetic token in title case


@dataclass
class Counts:
    documents: int = 0
    skipped: int = 0
    mentions: list[Seen] = field(default_factory=list)
    lower: Counter = field(default_factory=Counter)  # word -> times written in lower case
    capital_inside: Counter = field(default_factory=Counter)  # word -> capitalised, not opening a sentence


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """The common words of the parser's lemmatizer index (nouns, verbs, adjectives, adverbs)."""
    from unspin.analyze.nlp import load

    table = load().get_pipe("lemmatizer").lookups.get_table("lemma_index")
    return frozenset(w for words in table.values() for w in words if w.isalpha())


def is_single_title_word(text: str) -> bool:
    return text.isalpha() and len(text) > 1 and text[0].isupper() and text[1:].islower()


def read(paths: Sequence[str], counts: Counts | None = None) -> Counts:
    """Run sentences and entities over every input; collect mentions and word-case counts."""
    from unspin.analyze import build
    from unspin.analyze import entities as _  # noqa: F401  (registers the component)
    from unspin.analyze.nlp import parse
    from unspin.analyze.pipeline import run
    from unspin.errors import Failure
    from unspin.ingest import read_inputs

    counts = counts or Counts()
    components = build(["sentences", "entities"])
    for item in read_inputs(paths):
        if isinstance(item, Failure) or not item.text.strip():
            counts.skipped += 1
            continue
        doc = run(item, components)
        if "entities" not in doc.layers:
            counts.skipped += 1
            continue
        counts.documents += 1
        for t in parse(doc):
            if not t.is_alpha:
                continue
            if t.text.islower():
                counts.lower[t.text] += 1
            elif is_single_title_word(t.text) and not t.is_sent_start:
                counts.capital_inside[t.lower_] += 1
        for s in doc.layer("entities"):
            text = doc.text[s.start:s.end]
            counts.mentions.append(Seen(text, s.label, is_single_title_word(text)))
    return counts


def is_noise(m: Seen, counts: Counts, known: Iterable[str] | None = None) -> bool:
    known = common_words() if known is None else known
    if not m.single:
        return False
    word = m.text.lower()
    return word in known and counts.lower[word] >= max(1, counts.capital_inside[word])


def summary(counts: Counts, examples: int = 25) -> dict:
    """The share of noise mentions, per label, and the commonest noise words."""
    known = common_words()
    noise = [m for m in counts.mentions if is_noise(m, counts, known)]
    by_label = Counter(m.label for m in counts.mentions)
    noise_by_label = Counter(m.label for m in noise)
    words = Counter((m.text, m.label) for m in noise)
    return {
        "documents": counts.documents,
        "skipped": counts.skipped,
        "mentions": len(counts.mentions),
        "noise": len(noise),
        "share": len(noise) / len(counts.mentions) if counts.mentions else 0.0,
        "by_label": {label: {"mentions": n, "noise": noise_by_label[label]} for label, n in by_label.most_common()},
        "examples": [{"text": t, "label": lab, "count": n} for (t, lab), n in words.most_common(examples)],
    }


def format_summary(result: dict) -> str:
    lines = [f"entity noise: {result['documents']} documents ({result['skipped']} skipped), "
             f"{result['mentions']} mentions, {result['noise']} lone common words: share {result['share']:.4f}",
             "", f"{'label':<12}{'mentions':>10}{'noise':>8}{'share':>8}"]
    for label, row in result["by_label"].items():
        share = row["noise"] / row["mentions"] if row["mentions"] else 0.0
        lines.append(f"{label:<12}{row['mentions']:>10}{row['noise']:>8}{share:>8.3f}")
    lines += ["", "commonest noise mentions:"]
    lines += [f"  {e['count']:>5}  {e['text']} ({e['label']})" for e in result["examples"]]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m unspin.eval.entity_noise", description=__doc__.split("\n")[0])
    parser.add_argument("paths", nargs="+", help="files or directories, read as `unspin analyze` reads them")
    parser.add_argument("--json", dest="json_out", help="also write the summary as JSON to this file")
    parser.add_argument("--examples", type=int, default=25, help="how many noise words to list")
    args = parser.parse_args(argv)
    result = summary(read(args.paths), args.examples)
    print(format_summary(result))
    if args.json_out:
        with open(args.json_out, "w", encoding="utf-8") as fh:
            json.dump(result, fh, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
