"""FairShare (assistant/fairshare.py): at most `slots` searches at once, waiting ones served
one client at a time. The asyncio logic alone; the API's use of it is exercised by every
/api/ask test and the soak test."""
from __future__ import annotations

import asyncio

import pytest

from assistant.fairshare import FairShare


def _run(share: FairShare, requests: list[str]) -> list[str]:
    """Start the requests in order (each a client name), each holding its slot for one tick
    of the loop; the order in which they got their slots."""
    started: list[str] = []

    async def one(client: str) -> None:
        async with share.slot(client):
            started.append(client)
            await asyncio.sleep(0.01)

    async def main() -> None:
        await asyncio.gather(*(one(client) for client in requests))

    asyncio.run(main())
    return started


def test_a_client_with_many_questions_waiting_does_not_hold_up_another():
    # One client posting 60 heavy questions made another's wait 117 s (an attack run, 2026-12-06).
    order = _run(FairShare(slots=1), ["flood"] * 6 + ["user"])
    assert order.index("user") == 2  # the running one, the first waiting one of "flood", then "user"
    assert order.count("flood") == 6


def test_clients_take_turns_and_slots_run_together():
    order = _run(FairShare(slots=2), ["a"] * 4 + ["b"] * 2 + ["c"])
    assert order[:2] == ["a", "a"]  # free slots are taken at once
    assert order[2:5] == ["a", "b", "c"]  # then one request per waiting client, in turn
    assert sorted(order) == sorted(["a"] * 4 + ["b"] * 2 + ["c"])


def test_a_request_cancelled_while_waiting_gives_up_its_place():
    async def main() -> tuple[int, dict]:
        share = FairShare(slots=1)
        hold = asyncio.Event()

        async def holder():
            async with share.slot("a"):
                await hold.wait()

        async def waiter(client):
            async with share.slot(client):
                pass

        first = asyncio.create_task(holder())
        await asyncio.sleep(0)
        gone = asyncio.create_task(waiter("b"))
        await asyncio.sleep(0)
        gone.cancel()
        await asyncio.gather(gone, return_exceptions=True)
        assert dict(share.waiting) == {}  # its place is given up at once, not skipped later
        later = asyncio.create_task(waiter("c"))
        await asyncio.sleep(0)
        hold.set()
        await asyncio.gather(first, later)
        return share.running, dict(share.waiting)

    assert asyncio.run(main()) == (0, {})


def test_no_slots_is_refused():
    with pytest.raises(ValueError, match="at least 1"):
        FairShare(slots=0)
