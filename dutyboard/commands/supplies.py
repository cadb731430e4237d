"""``dutyboard supplies``: record what came in and went out, and print the tallies.

::

    dutyboard supplies receive "医用外科口罩" 5万 只 --from "Sister city" [--kind donation]
    dutyboard supplies receive --lead 12 [QUANTITY [UNIT]] [--partial]
    dutyboard supplies distribute "KN95 masks" 2000 --to "Jilin University"
    dutyboard supplies distribute --request 31 20 boxes [--complete]
    dutyboard supplies funds 500000 CNY --from "Overseas Chinese association"
    dutyboard supplies tally [--json]

Quantities are read as people write them ("1,200", "5万", "500 pcs"). Against a request
the request moves to partially fulfilled or fulfilled; from a lead the lead moves to
received (``--partial``: one batch of several, the lead stays where it is).
"""

from __future__ import annotations

import argparse
import json
import unicodedata
from collections.abc import Sequence

from dutyboard.commands import Context, Subparsers, UsageError, common_options
from dutyboard.domain.supplies import (
    RECEIVED_KINDS,
    Money,
    SuppliesConfigError,
    SupplyCatalog,
    Tally,
    category_label,
    format_money,
    format_quantity,
    load_catalog,
    unit_label,
)
from dutyboard.domain.text import clean_data, clean_line, clean_output
from dutyboard.i18n import _
from dutyboard.store import Store


def register(sub: Subparsers) -> None:
    parser = sub.add_parser(
        "supplies",
        help=_("the supplies ledger: record receipts and deliveries, print tallies"),
        description=_(
            "Record goods and funds received, goods distributed (against a request "
            "or not), and print the tallies per category."
        ),
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    receive = actions.add_parser(
        "receive",
        help=_("goods came in: ITEM QUANTITY [UNIT], or --lead ID [QUANTITY [UNIT]]"),
        description=_(
            "Record goods received (a donation, purchase or transfer). With --lead "
            "the item, quantity and supplier come from the lead, and the lead moves to "
            "received."
        ),
    )
    common_options(receive)
    receive.add_argument("what", nargs="*", metavar="ITEM QUANTITY [UNIT]")
    receive.add_argument("--from", dest="counterparty", metavar="WHO", help=_("donor or supplier"))
    receive.add_argument("--kind", choices=RECEIVED_KINDS, default=None)
    receive.add_argument("--lead", type=int, metavar="ID", help=_("the lead these goods came from"))
    receive.add_argument(
        "--partial", action="store_true", help=_("with --lead: one batch; the lead stays open")
    )
    receive.add_argument("--amount", metavar="N", help=_("value or cost of the goods"))
    receive.add_argument("--currency", metavar="CODE", help=_("currency of --amount (CNY, USD…)"))
    _when_and_notes(receive)
    receive.set_defaults(func=run_receive)

    distribute = actions.add_parser(
        "distribute",
        help=_("goods went out: ITEM QUANTITY [UNIT] --to UNIT, or --request ID QUANTITY [UNIT]"),
        description=_(
            "Record goods distributed. With --request the delivery is against that "
            "request (its item and unit by default), which moves to partially fulfilled or, "
            "once everything asked for is delivered, fulfilled."
        ),
    )
    common_options(distribute)
    distribute.add_argument("what", nargs="*", metavar="ITEM QUANTITY [UNIT]")
    distribute.add_argument(
        "--to", dest="counterparty", metavar="UNIT", help=_("who received them")
    )
    distribute.add_argument(
        "--request", type=int, metavar="ID", help=_("deliver against a request")
    )
    distribute.add_argument(
        "--complete", action="store_true", help=_("with --request: the request is now fulfilled")
    )
    _when_and_notes(distribute)
    distribute.set_defaults(func=run_distribute)

    funds = actions.add_parser(
        "funds",
        help=_("money came in: AMOUNT CURRENCY --from WHO"),
        description=_("Record funds."),
    )
    common_options(funds)
    funds.add_argument("amount", metavar="AMOUNT")
    funds.add_argument("currency", metavar="CURRENCY")
    funds.add_argument("--from", dest="counterparty", metavar="WHO")
    funds.add_argument("--kind", choices=("donation", "transfer"), default="donation")
    _when_and_notes(funds)
    funds.set_defaults(func=run_funds)

    tally = actions.add_parser(
        "tally",
        help=_("totals per category: received, distributed, in stock, requested-but-unmet"),
        description=_("Print the tallies per category and the funds per currency (read-only)."),
    )
    common_options(tally)
    tally.add_argument("--json", action="store_true", help=_("print JSON instead"))
    tally.set_defaults(func=run_tally)


def _when_and_notes(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--at", metavar="TIME", help=_("when (desk time; default now)"))
    parser.add_argument("--notes", metavar="TEXT")


def _catalog(ctx: Context) -> SupplyCatalog:
    try:
        return load_catalog(ctx.config.source_path) if ctx.config.source_path else SupplyCatalog()
    except SuppliesConfigError as exc:
        raise UsageError(str(exc)) from None


def _quantity(text: str) -> tuple[int | float, str | None]:
    from dutyboard.domain.values import parse_quantity

    try:
        number, unit = parse_quantity(text)
    except ValueError as exc:
        raise UsageError(
            _("quantity {text!r} {error}").format(text=text, error=_(str(exc)))
        ) from None
    if number <= 0:
        raise UsageError(_("quantity {text!r} must be more than zero").format(text=text))
    return number, unit


def _amount(text: str | None, currency: str | None) -> tuple[int | float | None, str | None]:
    """'$1,800' → (1800, 'USD'); '1800' with --currency EUR → (1800, 'EUR')."""
    if text is None:
        return None, currency
    from dutyboard.domain.values import split_price

    try:
        amount, written, leftover = split_price(text)
    except ValueError as exc:
        raise UsageError(
            _("amount {text!r} {error}").format(text=text, error=_(str(exc)))
        ) from None
    if amount is None or leftover:
        raise UsageError(_("amount {text!r} is not an amount of money").format(text=text))
    if written and currency and written != currency.strip().upper():
        raise UsageError(
            _("amount {text!r} is in {written}, but --currency says {currency}").format(
                text=text, written=written, currency=currency
            )
        )
    return amount, written or currency


def _at(text: str | None, ctx: Context) -> str | None:
    if text is None:
        return None
    from dutyboard.domain.values import parse_datetime

    try:
        return parse_datetime(text, ctx.config.timezone)
    except ValueError as exc:
        raise UsageError(_("--at {text!r} {error}").format(text=text, error=_(str(exc)))) from None


def _item_quantity_unit(
    what: Sequence[str], *, item_given: bool
) -> tuple[str | None, int | float | None, str | None]:
    """ITEM QUANTITY [UNIT] (or, when the item comes from a lead/request, [QUANTITY [UNIT]])."""
    words = list(what)
    item = None
    if not item_given:
        if len(words) < 2:
            raise UsageError(_("say what and how many: ITEM QUANTITY [UNIT]"))
        item = words.pop(0)
    if len(words) > 2:
        raise UsageError(
            _("too many words: {words!r} (quote an item with spaces)").format(
                words=" ".join(words[2:])
            )
        )
    if not words:
        return item, None, None
    quantity, unit = _quantity(words[0])
    if len(words) == 2:
        unit = words[1]
    return item, quantity, unit


def _open_store(ctx: Context) -> Store:

    ctx.require_desk()
    return Store.open(ctx.desk, actor=ctx.user)


def run_receive(args: argparse.Namespace, ctx: Context) -> int:
    from dutyboard.store import supplies as ledger

    item, quantity, unit = _item_quantity_unit(args.what, item_given=args.lead is not None)
    amount, currency = _amount(args.amount, args.currency)
    catalog = _catalog(ctx)
    store = _open_store(ctx)
    try:
        if args.lead is not None:
            receipt = ledger.receive_lead(
                store,
                args.lead,
                quantity,
                unit,
                kind=args.kind or "purchase",
                final=not args.partial,
                amount=amount,
                currency=currency,
                at=_at(args.at, ctx),
                notes=args.notes,
                catalog=catalog,
            )
            print(
                _("supply #{id} recorded; lead #{lead} is {status}").format(
                    id=receipt.entry_id,
                    lead=args.lead,
                    status=_(receipt.lead_status.replace("_", " ")),
                )
            )
            return 0
        assert item is not None and quantity is not None
        entry = ledger.record_received(
            store,
            item,
            quantity,
            unit,
            kind=args.kind or "donation",
            counterparty=args.counterparty,
            amount=amount,
            currency=currency,
            at=_at(args.at, ctx),
            notes=args.notes,
            catalog=catalog,
        )
        print(
            _("supply #{id} recorded: {quantity} {unit} {item} received").format(
                id=entry,
                quantity=format_quantity(quantity),
                unit=clean_line(unit or ""),
                item=clean_line(item),
            )
        )
        return 0
    finally:
        store.close()


def run_distribute(args: argparse.Namespace, ctx: Context) -> int:
    from dutyboard.store import supplies as ledger

    against = args.request is not None
    item, quantity, unit = _item_quantity_unit(args.what, item_given=against)
    if quantity is None:
        raise UsageError(_("say how many went out"))
    if not against and not args.counterparty:
        raise UsageError(_("say who received them: --to UNIT (or --request ID)"))
    if args.complete and not against:
        raise UsageError(_("--complete is for a delivery against a request (--request ID)"))
    catalog = _catalog(ctx)
    store = _open_store(ctx)
    try:
        if against:
            result = ledger.fulfil_request(
                store,
                args.request,
                quantity,
                unit,
                counterparty=args.counterparty,
                at=_at(args.at, ctx),
                notes=args.notes,
                complete=True if args.complete else None,
                catalog=catalog,
            )
            print(
                _("supply #{id} recorded; request #{request} is {status}").format(
                    id=result.entry_id,
                    request=args.request,
                    status=_(result.status.replace("_", " ")),
                )
            )
            return 0
        assert item is not None
        entry = ledger.record_distributed(
            store,
            item,
            quantity,
            unit,
            counterparty=args.counterparty,
            at=_at(args.at, ctx),
            notes=args.notes,
            catalog=catalog,
        )
        print(
            _("supply #{id} recorded: {quantity} {unit} {item} distributed").format(
                id=entry,
                quantity=format_quantity(quantity),
                unit=clean_line(unit or ""),
                item=clean_line(item),
            )
        )
        return 0
    finally:
        store.close()


def run_funds(args: argparse.Namespace, ctx: Context) -> int:
    from dutyboard.store import supplies as ledger

    amount, currency = _amount(args.amount, args.currency)
    assert amount is not None and currency is not None
    if amount <= 0:
        raise UsageError(_("the amount must be more than zero"))
    store = _open_store(ctx)
    try:
        entry = ledger.record_funds(
            store,
            amount,
            currency,
            args.counterparty,
            kind=args.kind,
            at=_at(args.at, ctx),
            notes=args.notes,
        )
    finally:
        store.close()
    print(_("supply #{id} recorded: funds received").format(id=entry))
    return 0


def width(text: str) -> int:
    """Terminal cells: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def pad(text: str, cells: int, *, right: bool = False) -> str:
    space = " " * max(0, cells - width(text))
    return space + text if right else text + space


def run_tally(args: argparse.Namespace, ctx: Context) -> int:
    from dutyboard.store import supplies as ledger

    ctx.require_desk()
    catalog = _catalog(ctx)
    store = Store.open(ctx.desk, readonly=True, actor=ctx.user)
    try:
        tallies = ledger.tallies(store, catalog=catalog)
        funds = ledger.money_totals(store)
        purchases = ledger.money_totals(store, funds=False, kind="purchase")
    finally:
        store.close()
    if args.json:
        data = {
            "tallies": [
                {
                    "category": t.category,
                    "unit": t.unit,
                    "received": t.received,
                    "distributed": t.distributed,
                    "in_stock": t.in_stock,
                    "unmet": t.unmet,
                }
                for t in tallies
            ],
            "funds": {m.currency: str(m.amount) for m in funds.items()},
            "purchases": {m.currency: str(m.amount) for m in purchases.items()},
        }
        # Categories and units may come from the config: cleaned before they are encoded.
        print(json.dumps(clean_data(data), ensure_ascii=False, indent=2))
        return 0
    print(clean_output(tally_text(tallies, funds.items(), purchases.items())))
    return 0


def tally_text(tallies: Sequence[Tally], funds: Sequence[Money], purchases: Sequence[Money]) -> str:
    """The tallies as an aligned text table (CJK labels take two cells each)."""
    header = [
        _("Category"),
        _("Received"),
        _("Distributed"),
        _("In stock"),
        _("Requested, not met"),
    ]
    rows = []
    for tally in tallies:
        unit = unit_label(tally.unit)
        label = category_label(tally.category)
        rows.append(
            [
                f"{label} ({unit})" if unit else label,
                format_quantity(tally.received),
                format_quantity(tally.distributed),
                format_quantity(tally.in_stock),
                format_quantity(tally.unmet),
            ]
        )
    widths = [max(width(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(pad(c, widths[i], right=i > 0) for i, c in enumerate(r)).rstrip()
        for r in [header, *rows]
    ]
    if not rows:
        lines.append(_("The ledger is empty."))
    lines.append("")
    lines.append(f"{_('Funds received')}: " + (" · ".join(format_money(m) for m in funds) or "—"))
    lines.append(
        f"{_('Spent on purchases')}: " + (" · ".join(format_money(m) for m in purchases) or "—")
    )
    return "\n".join(lines)
