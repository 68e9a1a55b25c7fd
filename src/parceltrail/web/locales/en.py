"""English."""

WORDS: dict[str, str] = {
    "language": "English",
}
