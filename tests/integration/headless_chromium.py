"""Headless Chromium (Debian's ``chromium``) for page tests: console messages, DOM, pixels.

Chromium runs once per call with a fresh profile; ``--enable-logging=stderr`` makes it
print every console message (CSP violations, script errors, blocked loads) as a
``...:CONSOLE:...`` line, which :func:`console_messages` collects. A missing Chromium
fails the test (scripts/test.sh installs it), never skips it.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-extensions", "--disable-background-networking", "--hide-scrollbars",
         "--enable-logging=stderr", "--v=0", "--force-device-scale-factor=1")


def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.fail("chromium is not installed (Debian: apt-get install chromium; "
                    "scripts/test.sh installs it)")
    return path


@dataclass(frozen=True)
class Load:
    """What one headless load gave: standard output (the DOM with ``--dump-dom``) and the
    console messages."""

    stdout: str
    console: list[str]


def load(page: Path, *flags: str) -> Load:
    """Open ``page`` (a local file) in headless Chromium with extra ``flags``, which must
    include an action that ends the run (``--dump-dom``, ``--screenshot``)."""
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        done = subprocess.run(
            [chromium(), *FLAGS, f"--user-data-dir={profile}", *flags, page.as_uri()],
            capture_output=True, text=True, timeout=180, check=False)
    assert done.returncode == 0, f"chromium exited {done.returncode}: {done.stderr[-2000:]}"
    return Load(done.stdout, console_messages(done.stderr))


def console_messages(stderr: str) -> list[str]:
    """The console lines of Chromium's log (``[pid:tid:time:INFO:CONSOLE:line] "msg" ...``)."""
    return [line for line in stderr.splitlines() if ":CONSOLE" in line]


def dump_dom(page: Path) -> Load:
    """The page's DOM after load (and its scripts, if any ran), serialised."""
    return load(page, "--dump-dom")


def screenshot(page: Path, out: Path, width: int, height: int) -> Load:
    loaded = load(page, f"--screenshot={out}", f"--window-size={width},{height}")
    assert out.is_file(), "chromium wrote no screenshot"
    return loaded


@dataclass(frozen=True)
class Image:
    """An 8-bit RGB(A) PNG decoded: ``rows[y][x]`` is an ``(r, g, b)`` tuple."""

    width: int
    height: int
    rows: list[list[tuple[int, int, int]]]

    def count(self, rgb: tuple[int, int, int], tolerance: int = 2) -> int:
        """Pixels within ``tolerance`` of ``rgb`` in every channel."""
        r0, g0, b0 = rgb
        return sum(abs(r - r0) <= tolerance and abs(g - g0) <= tolerance
                   and abs(b - b0) <= tolerance for row in self.rows for r, g, b in row)


def read_png(path: Path) -> Image:
    """Decode a non-interlaced 8-bit RGB or RGBA PNG (what Chromium writes) with zlib."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, b"", b""
    while pos < len(data):
        (size,), kind = struct.unpack(">I", data[pos:pos + 4]), data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + size]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat += body
        pos += 12 + size
    width, height, depth, color, _c, _f, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8 and color in (2, 6) and interlace == 0, (depth, color, interlace)
    channels = 4 if color == 6 else 3
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        line = _unfilter(raw[start], bytearray(raw[start + 1:start + 1 + stride]), previous,
                         channels)
        rows.append([(line[i], line[i + 1], line[i + 2]) for i in range(0, stride, channels)])
        previous = line
    return Image(width, height, rows)


def _unfilter(kind: int, line: bytearray, prev: bytearray, bpp: int) -> bytearray:
    for i in range(len(line)):
        left = line[i - bpp] if i >= bpp else 0
        up, corner = prev[i], prev[i - bpp] if i >= bpp else 0
        if kind == 1:
            line[i] = (line[i] + left) & 0xFF
        elif kind == 2:
            line[i] = (line[i] + up) & 0xFF
        elif kind == 3:
            line[i] = (line[i] + (left + up) // 2) & 0xFF
        elif kind == 4:
            p = left + up - corner
            pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
            line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc
                                  else corner)) & 0xFF
    return line
