"""parceltrail: self-hostable package tracking for online sellers."""

__version__ = "0.1.0"
