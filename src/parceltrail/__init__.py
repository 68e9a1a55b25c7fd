"""parceltrail: self-hostable package tracking for online sellers."""

import os

# LightGBM's OpenMP threads spin while they wait for work. In a process that also serves the API and
# polls carriers, or on a busy machine, that spinning starves everything else: the delivery-date tests
# ran 7x slower with it. Passive threads sleep instead. Set before lightgbm loads; a deployment's own
# OMP_WAIT_POLICY wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

__version__ = "0.1.0"
