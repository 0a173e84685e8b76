"""A per-address throttle of failed logins: a flood of wrong passwords from one machine is refused
before any password is hashed, so that it cannot make a colleague's login take seconds.

Each password check costs tens of milliseconds of a core by design (argon2id); the lockout of
``users.py`` stops a flood against one login, this stops a flood across many logins from one address.
It lives in the service's memory: a restart forgets it, which costs an attacker a minute at most.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

FAILURES = 10  # failed logins from one address within WINDOW seconds, before it must wait
WINDOW = 60.0


class LoginThrottle:
    def __init__(self, failures: int = FAILURES, window: float = WINDOW,
                 clock: Callable[[], float] = time.monotonic):
        self.failures, self.window, self.clock = failures, window, clock
        self._seen: dict[str, deque[float]] = {}
        self._checking: dict[str, int] = {}  # attempts of each address whose password is being checked
        self._lock = threading.Lock()

    def start(self, address: str) -> int:
        """Seconds before ``address`` may try again (0: now, and the attempt is counted as being checked,
        so that a burst sent at once is held as the same attempts one after another would be)."""
        with self._lock:
            times = self._recent(address)
            if len(times) + self._checking.get(address, 0) < self.failures:
                self._checking[address] = self._checking.get(address, 0) + 1
                return 0
            oldest = times[0] if times else self.clock()
            return max(1, int(oldest + self.window - self.clock()) + 1)

    def finish(self, address: str, *, failed: bool) -> None:
        """The attempt ``start`` let through is decided: a failure is remembered for the window."""
        with self._lock:
            left = self._checking.get(address, 1) - 1
            if left > 0:
                self._checking[address] = left
            else:
                self._checking.pop(address, None)
            if failed:
                self._recent(address).append(self.clock())

    def _recent(self, address: str) -> deque[float]:
        times = self._seen.setdefault(address, deque())
        while times and times[0] <= self.clock() - self.window:
            times.popleft()
        if len(self._seen) > 10_000:  # addresses that stopped long ago go, so memory stays small
            self._seen = {a: t for a, t in self._seen.items() if t and t[-1] > self.clock() - self.window}
            self._seen.setdefault(address, times)
        return times
