"""A process for the kill tests: ``python -m tests.outbox.sender_proc MODE DESK URL``.

* ``raise`` — raises one notification into the outbox (the event), says "raised", then
  sleeps until it is killed: a process that dies between the event and the delivery.
* ``send`` — one pass of conditions and sender as ``dutyboard notify send`` does it (the
  ``notify-sender`` lease, the real channels), to one generic webhook at URL; says
  "sending" first and "done" with what it sent at the end.
"""

from __future__ import annotations

import sys
import time

from dutyboard.notify.watch import NotifyLoop, NotifySetup, Raised, raise_new
from dutyboard.store import Store
from dutyboard.store.dburl import parse_location
from tests.outbox.conftest import hook

KEY = "handover_signed:42"
LEASE_SECONDS = 1.0  # a killed sender's lease lapses quickly; its successor waits it out


def main(mode: str, desk: str, url: str) -> int:
    store = Store.open(parse_location(desk), actor="sender-proc")
    try:
        if mode == "raise":
            raise_new(store, [Raised("handover_signed", KEY, "Handover #42 signed", "Brief")])
            print("raised", flush=True)
            time.sleep(60)
            return 1
        setup = NotifySetup(targets=(hook("hook", url, timeout_s=20.0),))
        loop = NotifyLoop(store, setup, role="proc", lease_seconds=LEASE_SECONDS)
        deadline = time.monotonic() + 10
        print("sending", flush=True)
        while True:
            result = loop.run_pass(wait=30)
            if result is not None:
                break
            if time.monotonic() > deadline:
                print("no lease", flush=True)
                return 2
            time.sleep(0.1)  # the killed sender's lease has not lapsed yet
        loop.close()
        print(f"done sent={result.send.sent}", flush=True)
        return 0
    finally:
        store.close()


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
