"""Live dashboard updates: handlers announce which desa changed; every open
server-sent-event stream whose area contains it is told to refresh.

Each replica's consumer applies part of the stream, so every replica also tells the
others through core NATS (`ilp.live.pws.<desa code>`, not persisted) – a dashboard on
any replica hears every change. Announcements are gathered and sent every 200 ms, so a
burst of events costs a handful of messages.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

from ilp_contracts.subjects import LIVE_PWS
from nats.aio.msg import Msg
from ilp_kit.lease import REPLICA
from ilp_kit.service import Runtime

log = logging.getLogger(__name__)
FAN_OUT_EVERY_S = 0.2


# What a stream listens to (the desa codes it covers start with one of them), and where
# it hears of a change.
Listener = tuple[tuple[str, ...], asyncio.Queue[tuple[str, str]]]


@dataclass
class Broadcaster:
    _listeners: set[Listener] = field(default_factory=set)
    _outgoing: set[tuple[str, str]] = field(default_factory=set)

    def changed(self, desa_code: str, period: str) -> None:
        """A change applied here: tell local listeners now, the other replicas soon."""
        self._outgoing.add((desa_code, period))
        self.tell(desa_code, period)

    def tell(self, desa_code: str, period: str) -> None:
        for prefixes, queue in list(self._listeners):
            if desa_code.startswith(prefixes):
                try:
                    queue.put_nowait((desa_code, period))
                except asyncio.QueueFull:
                    pass  # a slow client: it will see the state on its next refresh

    def take_outgoing(self) -> set[tuple[str, str]]:
        outgoing, self._outgoing = self._outgoing, set()
        return outgoing

    def listen(self, *prefixes: str) -> Listener:
        """An area (its code) or several (a puskesmas's desa)."""
        entry: Listener = (prefixes, asyncio.Queue(maxsize=100))
        self._listeners.add(entry)
        return entry

    def stop(self, entry: Listener) -> None:
        self._listeners.discard(entry)


LIVE = Broadcaster()


async def live_fan_out(rt: Runtime) -> None:
    """A job: send this replica's changes to the others and tell local listeners theirs."""
    if rt.nc is None:
        return
    async def heard(message: Msg) -> None:
        if (message.headers or {}).get("ilp-origin") != REPLICA:
            LIVE.tell(message.subject.removeprefix(LIVE_PWS + "."), message.data.decode())

    subscription = await rt.nc.subscribe(f"{LIVE_PWS}.>", cb=heard)
    try:
        while True:
            await asyncio.sleep(FAN_OUT_EVERY_S)
            for desa_code, period in LIVE.take_outgoing():
                try:
                    await rt.nc.publish(f"{LIVE_PWS}.{desa_code}", period.encode(),
                                        headers={"ilp-origin": REPLICA})
                except Exception:  # noqa: BLE001 – NATS away: dashboards still poll
                    log.debug("live fan-out skipped for %s", desa_code)
    finally:
        await subscription.unsubscribe()
