"""One way for a widget to write to the store: off the event loop, errors as notices."""

from __future__ import annotations

from collections.abc import Callable

from textual import work
from textual.widget import Widget

from dutyboard.domain.status import IllegalTransition
from dutyboard.store import StaleEdit, StoreError


class StoreWriter(Widget):
    """Mixin for panels: ``self.write(change, done)`` runs ``change`` in a thread worker.

    A stale edit is a warning (someone else changed the record first: nothing was
    applied), other store errors are errors; both are one line, never markup. After a
    write the dashboard refreshes every panel and the header (``changed_here``).
    """

    @work(thread=True, exit_on_error=False, group="write")
    def write(self, change: Callable[[], object], done: str) -> None:
        try:
            change()
        except StaleEdit as exc:
            self.app.call_from_thread(
                self.notify, str(exc), severity="warning", timeout=8, markup=False
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
