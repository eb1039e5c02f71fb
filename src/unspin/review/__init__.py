"""The analyst's review loop: reviews are records beside the machine's layers, never edits of them.

``records`` holds what one review says, ``view`` turns a document and its
reviews into the reviewed view and the difference from the machine's,
``quote`` finds a span from its quoted words (W3C TextQuoteSelector),
``passwords`` hashes the reviewers' passwords. The store keeps the records
(``unspin.store.reviews``); the web UI writes them (``unspin.web.review``).

Out and back in the formats annotators use, each a pure module over
(machine Document, reviews) pairs: ``labelstudio`` (tasks, labeling config,
import), ``brat`` (standoff, import), ``semeval`` (technique rows),
``docbin`` (spaCy); ``compare`` turns another tool's annotation into
reviews; ``score`` measures the machine against the reviewed view;
``training`` makes reviewed techniques extra training data.
"""
