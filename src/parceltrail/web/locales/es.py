"""Español."""

WORDS: dict[str, str] = {
    "language": "Español",
}
