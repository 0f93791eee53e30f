"""Fair sharing of the searches the JSON API runs: one client cannot make everyone else wait.

Each question of /api/ask is a search on the CPU (~0.05 s; ~2.7 s for a 4,000-character
question with 20 turns of history and k=50). Without a bound, every request ran at once in
the worker threads: one client posting 60 such questions made another client's one-line
question wait 117 s (an attack run, 2026-12-06). Here at most `slots` searches run at once,
and the waiting ones are served one client address at a time, in turn (round robin, as a
fair-queueing scheduler serves flows): a client with many questions waiting delays another
client by at most one of its own searches per slot.

The chat page's questions go through Gradio's own queue (ui.py), not through here.
Written here rather than taken from a library: Starlette and uvicorn bound connections, not
work per client, and rate limiters (slowapi) count requests over time, not waiting work.
"""
from __future__ import annotations

import asyncio
from collections import OrderedDict, deque
from contextlib import asynccontextmanager
from typing import AsyncIterator

# Searches running at once: four keep both cores busy (8 clients asking lone questions over
# HTTP: 36.9 answers/s against 38.5 with no bound, p50 207 ms in both) and bound how long a
# newcomer waits behind others (60 heavy questions from one address: another address's
# question answered in 7.2 s against 86.8 s with no bound, the 60 in 110 s against 109 s;
# measured on this machine's two cores, 2026-12-06).
SEARCH_SLOTS = 4


class FairShare:
    """At most `slots` holders at once; waiters get a slot one client at a time, in turn.
    Used from one event loop (asyncio futures): no locks needed."""

    def __init__(self, slots: int = SEARCH_SLOTS):
        if slots < 1:
            raise ValueError(f"slots must be at least 1, got {slots}")
        self.slots = slots
        self.running = 0
        # client -> its waiting requests' futures, oldest first; clients in the order served next.
        self.waiting: OrderedDict[str, deque[asyncio.Future]] = OrderedDict()

    @asynccontextmanager
    async def slot(self, client: str) -> AsyncIterator[None]:
        """Hold one slot for the block, waiting for it in `client`'s turn (an address)."""
        if self.running < self.slots and not self.waiting:
            self.running += 1
        else:
            given = asyncio.get_running_loop().create_future()
            self.waiting.setdefault(client, deque()).append(given)
            try:
                await given  # set by _release, which counts the slot as ours
            except asyncio.CancelledError:  # the client went away while waiting
                if given.done() and not given.cancelled():
                    self._release()  # the slot was handed over in the same moment: pass it on
                else:
                    self._forget(client, given)
                raise
        try:
            yield
        finally:
            self._release()

    def _forget(self, client: str, given: asyncio.Future) -> None:
        queue = self.waiting.get(client)
        if queue is not None and given in queue:
            queue.remove(given)
            if not queue:
                del self.waiting[client]

    def _release(self) -> None:
        """Free a slot and hand it to the next waiting client's oldest request."""
        self.running -= 1
        while self.waiting and self.running < self.slots:
            client, queue = next(iter(self.waiting.items()))
            given = queue.popleft()
            if queue:
                self.waiting.move_to_end(client)  # its next request waits for everyone else's turn
            else:
                del self.waiting[client]
            if not given.done():
                self.running += 1
                given.set_result(None)
