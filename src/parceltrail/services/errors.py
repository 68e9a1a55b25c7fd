"""Errors services raise for things a caller can fix. The API turns them into problem+json, the CLI into one line."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class FieldError:
    field: str
    message: str


@dataclass
class InvalidInput(Exception):
    """The request is refused whole; ``errors`` says which field and what was expected."""

    detail: str
    errors: list[FieldError] = field(default_factory=list)

    def __str__(self) -> str:
        if not self.errors:
            return self.detail
        return self.detail + ": " + "; ".join(f"{e.field}: {e.message}" for e in self.errors)


@dataclass
class NotFound(Exception):
    """No such thing for this shop (another shop's things are reported exactly the same way)."""

    what: str
    id: str

    def __str__(self) -> str:
        return f"no {self.what} with id {self.id!r}"


@dataclass
class Conflict(Exception):
    """The request contradicts what is stored (e.g. a number registered with other details); nothing changed.

    ``errors`` names each differing field; ``extra`` carries ids the caller needs to resolve it.
    """

    detail: str
    errors: list[FieldError] = field(default_factory=list)
    extra: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.detail
