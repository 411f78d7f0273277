"""SOURCE_DATE_EPOCH: the reproducible-builds convention for "the time of this build".

mlopsc reads it for the date waivers are judged against (when ``--today`` is not given) and
for the time stamp OpenLineage requires on its events. A malformed value is an error, as the
convention asks, rather than a silent fall back to the clock.
"""

from __future__ import annotations

import datetime
import os

from mlopsc.errors import MlopscError

# The last second of 9999-12-31: ISO 8601 dates have four-digit years.
_LAST_SECOND = 253_402_300_799


def source_date_epoch() -> datetime.datetime | None:
    """The moment SOURCE_DATE_EPOCH names, in UTC; None when it is unset or empty.

    >>> import os; os.environ["SOURCE_DATE_EPOCH"] = "1764547200"
    >>> source_date_epoch().isoformat()
    '2025-12-01T00:00:00+00:00'
    >>> del os.environ["SOURCE_DATE_EPOCH"]
    """
    raw = os.environ.get("SOURCE_DATE_EPOCH", "")
    if raw == "":
        return None
    if not (raw.isascii() and raw.isdigit()) or int(raw) > _LAST_SECOND:
        raise MlopscError(f"SOURCE_DATE_EPOCH={raw!r} is not a whole number of seconds since "
                          "1970-01-01 UTC (before the year 10000); unset it or fix it")
    return datetime.datetime.fromtimestamp(int(raw), datetime.UTC)
