"""The corpus store: Documents kept in SQLite or PostgreSQL, deduplicated, grouped into stories, searchable.

``db`` opens a store by URL and migrates it; ``corpus`` writes batches;
``ingest`` reads, analyses and writes; ``search`` and ``read`` answer
questions about what is stored. The ``unspin/1`` JSON of each document is
kept whole; every other column is derived from it.
"""
