"""Run policy evaluation in a forked child with a wall-clock and a memory limit.

A policy bundle given by the spec (``governance.policies``) is code from the pull request
under review. regorus evaluates it in Rust and cannot be interrupted from Python, so the
evaluation runs in a child made with :func:`os.fork`: the child inherits the loaded engine
(copy-on-write, nothing is re-parsed), caps its address space with ``RLIMIT_AS`` and sends
its answer back through a pipe as JSON lines. The parent waits until the deadline, then
kills the child (``SIGKILL``) and reaps it. Either limit raises :class:`PolicyLimitError`,
which the gate reports as E406 and which blocks (fail closed).

:class:`~mlopsc.policy.limits.PolicyLimits` holds the limits. The child announces each
step (``{"step": "data.a.deny"}``) before it starts it, so a limit error names the rule that
was running.
"""

from __future__ import annotations

import contextlib
import faulthandler
import json
import os
import resource
import select
import signal
import time
from collections.abc import Callable, Iterator
from typing import Any

from mlopsc.policy.errors import PolicyEngineError
from mlopsc.policy.limits import PolicyLimits


class PolicyLimitError(Exception):
    """The evaluation ran past its deadline, out of memory, or died: its answer is unknown."""

    def __init__(self, message: str, step: str | None) -> None:
        super().__init__(message)
        self.step = step
        """The step (decision or test rule) that was running, when the child said so."""


def run_bounded(work: Callable[[Callable[[str], None]], Any], limits: PolicyLimits) -> Any:
    """``work(announce)`` run in a forked child under ``limits``; its JSON-able result.

    ``work`` calls ``announce(step)`` before each step. An exception in ``work`` that is a
    :class:`PolicyEngineError` is raised again here; ``MemoryError``, a signal (the
    allocator aborts at the limit) or the deadline raise :class:`PolicyLimitError`.

    >>> run_bounded(lambda announce: announce("one") or 6 * 7, PolicyLimits())
    42
    """
    if not hasattr(os, "fork"):
        raise PolicyEngineError("policy evaluation runs in a forked child, bounded in time "
                                "and memory; this platform has no os.fork")
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(read_fd)
        _child(work, limits, write_fd)
    os.close(write_fd)
    try:
        lines, timed_out = _collect(read_fd, time.monotonic() + limits.timeout_s)
    finally:
        os.close(read_fd)
        # The pipe reaches end of file only when the child exits; killing a child that has
        # exited leaves its exit status as it was.
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
    return _outcome(lines, timed_out, status, limits)


def _child(work: Callable[[Callable[[str], None]], Any], limits: PolicyLimits,
           write_fd: int) -> None:
    code = 0
    try:
        _quiet()
        _cap_memory(limits.memory_mib)
        out = os.fdopen(write_fd, "w", encoding="utf-8")

        def announce(step: str) -> None:
            out.write(json.dumps({"step": step}) + "\n")
            out.flush()

        result = work(announce)
        out.write(json.dumps({"result": result}) + "\n")
        out.flush()
    except MemoryError:
        code = _write_last(write_fd, {"memory": True})
    except PolicyEngineError as error:
        code = _write_last(write_fd, {"engine_error": str(error)})
    except BaseException as error:  # noqa: BLE001 (a Rust panic is one): report, never hang
        code = _write_last(write_fd, {"crash": f"{type(error).__name__}: {error}"[:500]})
    finally:
        os._exit(code)  # no atexit handlers, no flushing of the parent's buffers


def _quiet() -> None:
    # An allocation failure in Rust prints to stderr and aborts; a panic prints a backtrace.
    # The parent reports both as a finding: keep the child's own output off the terminal.
    faulthandler.disable()  # nor a Python traceback when the engine dies of a signal
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.dup2(null, 2)
    os.close(null)


def _cap_memory(memory_mib: int) -> None:
    """Cap the address space at what the process maps now plus ``memory_mib``.

    Linux only (it needs ``/proc``); elsewhere only the time limit applies."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            now = int(statm.read().split()[0]) * resource.getpagesize()
    except OSError:
        return
    limit = now + memory_mib * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _write_last(fd: int, record: dict[str, Any]) -> int:
    with contextlib.suppress(OSError):  # the parent may be gone
        os.write(fd, ("\n" + json.dumps(record) + "\n").encode())
    return 3


def _collect(fd: int, deadline: float) -> tuple[list[dict[str, Any]], bool]:
    """Every JSON line the child wrote, and whether the deadline passed first."""
    chunks: list[bytes] = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return _lines(chunks), True
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            continue
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return _lines(chunks), False
        chunks.append(chunk)


def _lines(chunks: list[bytes]) -> list[dict[str, Any]]:
    return list(_records(b"".join(chunks).decode("utf-8", "replace").splitlines()))


def _records(lines: list[str]) -> Iterator[dict[str, Any]]:
    for line in lines:
        try:
            record = json.loads(line) if line.strip() else None
        except ValueError:  # a line cut off when the child died
            continue
        if isinstance(record, dict):
            yield record


def _outcome(records: list[dict[str, Any]], timed_out: bool, status: int,
             limits: PolicyLimits) -> Any:
    """The child's result, or the error that says why there is none."""
    last = records[-1] if records else {}
    if "result" in last:
        return last["result"]
    step = next((r["step"] for r in reversed(records) if "step" in r), None)
    where = f" in {step}" if step else ""
    if timed_out:
        raise PolicyLimitError(f"policy evaluation exceeded its time limit of "
                               f"{limits.timeout_s:g} s{where}", step)
    if "engine_error" in last:
        raise PolicyEngineError(last["engine_error"])
    if "memory" in last or os.WIFSIGNALED(status):
        how = ("" if "memory" in last
               else f" (killed by {signal.Signals(os.WTERMSIG(status)).name})")
        raise PolicyLimitError(f"policy evaluation exceeded its memory limit of "
                               f"{limits.memory_mib} MiB{where}{how}", step)
    detail = last.get("crash") or f"exit status {os.waitstatus_to_exitcode(status)}"
    raise PolicyEngineError(f"the policy engine ended without an answer{where}: {detail}")
