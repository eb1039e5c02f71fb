"""unspin: what a news article says, and how it tries to persuade."""

__version__ = "0.1.0"
