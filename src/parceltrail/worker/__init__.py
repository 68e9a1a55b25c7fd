"""Background work: the Huey queue, the jobs and their schedules, and how a worker runs."""

from parceltrail.worker.runner import Worker, build_worker

__all__ = ["Worker", "build_worker"]
