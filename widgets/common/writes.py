"""One way for a widget to write to the store: off the event loop, errors as notices."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from textual import work

from dutyboard.domain.status import IllegalTransition
from dutyboard.store import StaleEdit, StoreError
from widgets.common.desk import OnDesk


class StoreWriter(OnDesk):
    """Mixin for panels: ``self.write(change, done)`` runs ``change`` in a thread worker.

    A stale edit is a warning (someone else changed the record first: nothing was
    applied) saying who did what and when, in desk time (:func:`conflict_message`);
    other store errors are errors; both are one line, never markup. After a write the
    desk's one change bus refreshes every panel and the header (``desk.changed()``).
    """

    @work(thread=True, exit_on_error=False, group="write")
    def write(self, change: Callable[[], object], done: str | None = None) -> None:
        """``done`` is the notice after success; without it ``change`` returns it."""
        try:
            result = change()
        except StaleEdit as exc:
            self.app.call_from_thread(
                self.notify,
                conflict_message(exc, self.local_hm_dt),
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
            said = done if done is not None else str(result)
            self.app.call_from_thread(self.notify, said, timeout=3, markup=False)
        self.desk.changed()


def conflict_message(exc: StaleEdit, local: Callable[[datetime], str] | None = None) -> str:
    """What a person reads when their edit met someone else's: 'Li Na acknowledged this
    request at 03:12; reopen it to see the change' — in the interface language, the time
    by ``local`` (the desk's clock). Without the change (a store path that does not
    record it) the store's own message."""
    if exc.change is None:
        return str(exc)
    return exc.change.describe(local)
