"""One catalogue of input errors with stable codes.

Users search by code and tests match on it; the message says what is wrong
with the input in words a reader of the one-line report understands.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class E(str, Enum):
    NOT_FOUND = "U001"
    EMPTY = "U002"
    BINARY = "U003"
    TOO_LARGE = "U004"
    UNDECODABLE = "U005"
    NO_ARTICLE = "U006"
    BAD_WARC = "U007"
    BAD_JSONL = "U008"
    BAD_GZIP = "U009"
    UNREADABLE = "U010"
    ANALYSIS = "U011"


class InputError(Exception):
    """An input that cannot become a Document; carries a stable code."""

    def __init__(self, code: E, message: str):
        super().__init__(message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return f"[{self.code.value}] {self.message}"


@dataclass(frozen=True)
class Failure:
    """One input (or one record of it) that was skipped, and why."""

    input: str
    code: str
    reason: str
    record: int | None = None

    def line(self) -> str:
        where = self.input if self.record is None else f"{self.input}#{self.record}"
        return f"{where}: [{self.code}] {self.reason}"

    def to_json(self) -> dict:
        return {"input": self.input, "record": self.record, "code": self.code, "reason": self.reason}

    @classmethod
    def from_error(cls, name: str, err: InputError, record: int | None = None) -> "Failure":
        return cls(name, err.code.value, err.message, record)
