"""Labelled journeys for measuring the exception detector (tests, bench/exceptions.py, the docs' figures)."""

from parceltrail.journeys.generate import SCENARIOS, generate, journey
from parceltrail.journeys.truth import tiktok_lost_moment, truth_of

__all__ = ["SCENARIOS", "generate", "journey", "tiktok_lost_moment", "truth_of"]
