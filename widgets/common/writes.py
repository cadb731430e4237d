"""One way for a widget to write to the store: off the event loop, errors as notices."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from textual import work
from textual.widget import Widget

from dutyboard.domain.status import IllegalTransition
from dutyboard.store import StaleEdit, StoreError


class StoreWriter(Widget):
    """Mixin for panels: ``self.write(change, done)`` runs ``change`` in a thread worker.

    A stale edit is a warning (someone else changed the record first: nothing was
    applied) saying who did what and when, in desk time (:func:`conflict_message`);
    other store errors are errors; both are one line, never markup. After a write the
    dashboard refreshes every panel and the header (``changed_here``).
    """

    @work(thread=True, exit_on_error=False, group="write")
    def write(self, change: Callable[[], object], done: str) -> None:
        try:
            change()
        except StaleEdit as exc:
            local = getattr(self.app, "local_hm_dt", None)
            self.app.call_from_thread(
                self.notify,
                conflict_message(exc, local if callable(local) else None),
                severity="warning",
                timeout=10,
                markup=False,
            )
        except (StoreError, IllegalTransition) as exc:
            self.app.call_from_thread(
                self.notify, str(exc), severity="error", timeout=8, markup=False
            )
            return
        else:
            self.app.call_from_thread(self.notify, done, timeout=3, markup=False)
        refresh = getattr(self.app, "changed_here", None) or getattr(self, "reload", None)
        self.app.call_from_thread(refresh if callable(refresh) else self.refresh)


def conflict_message(exc: StaleEdit, local: Callable[[datetime], str] | None = None) -> str:
    """What a person reads when their edit met someone else's: 'Li Na acknowledged this
    request at 03:12; reopen it to see the change' — in the interface language, the time
    by ``local`` (the desk's clock). Without the change (a store path that does not
    record it) the store's own message."""
    if exc.change is None:
        return str(exc)
    return exc.change.describe(local)
