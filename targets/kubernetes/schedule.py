"""CronJob deadlines from the schedule, so that one hung Job cannot block later runs.

With ``concurrencyPolicy: Forbid`` a Job that never ends stops every later run. So:

- ``startingDeadlineSeconds`` = a tenth of the shortest gap between two runs, between
  10 seconds (the controller's resolution) and 10 minutes: a run that could not start by
  then is skipped and counted as missed (the controller also stops counting the missed
  runs before it, so a long outage does not end in "too many missed start times");
- the Job's ``activeDeadlineSeconds`` = the shortest gap minus that starting deadline: a
  Job still running then is stopped (its pods killed, the Job failed) early enough for the
  next run to start within its own starting deadline.

>>> deadlines("0 2 * * *")
(600, 85800)
>>> deadlines("*/15 * * * *")
(90, 810)
"""

from __future__ import annotations

import datetime

MIN_START = 10
MAX_START = 600
_RUNS = 2000
"""Runs looked at from a fixed date: a year of any schedule up to every 4 hours, and days of
the more frequent ones, whose gaps repeat daily."""
_FROM = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
"""A fixed start, so that the same schedule always gives the same bytes."""


def shortest_gap(schedule: str) -> int:
    """Seconds between the two closest consecutive runs of a cron schedule (UTC)."""
    from croniter import croniter  # only specs with batch deployments pay for it

    runs = croniter(schedule, _FROM)
    previous = runs.get_next(datetime.datetime)
    gap: float | None = None
    end = _FROM + datetime.timedelta(days=366)
    for _ in range(_RUNS):
        current = runs.get_next(datetime.datetime)
        step = (current - previous).total_seconds()
        gap = step if gap is None else min(gap, step)
        if current > end:
            break
        previous = current
    return int(gap or 86400)


def deadlines(schedule: str) -> tuple[int, int]:
    """(startingDeadlineSeconds, activeDeadlineSeconds) for a schedule."""
    gap = shortest_gap(schedule)
    start = max(MIN_START, min(MAX_START, gap // 10))
    return start, max(gap - start, MIN_START)
