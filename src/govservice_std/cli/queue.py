"""``govstd queue``: run a hall's queue from the command line, on a SQLite database.

Every command opens the database (its latest checkpoint and the events after it), runs one
queue command and prints the ticket it acted on; the first command of a new service day
closes the day before. An illegal move (finishing a ticket that was never called,
calling on a closed window) exits with status 2 and a one-line message.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from govservice_std.cli._base import DATE, State, cli, echo_json, json_option, parse_moment
from govservice_std.cli.spreadsheets import write_xlsx, xlsx_option
from govservice_std.i18n import N_, _

if TYPE_CHECKING:
    from govservice_std.queues.engine import QueueEngine
    from govservice_std.queues.kpis import KpiFigures
    from govservice_std.queues.state import Ticket

__all__ = ["queue"]


class QueueContext:
    """Options of ``govstd queue`` and the engine built from them on first use."""

    def __init__(self, state: State, db: Path, hall: str | None, at: dt.datetime | None) -> None:
        self.state = state
        self.db = db
        self.hall = hall
        self.at = at
        self._engine: QueueEngine | None = None

    def clock(self) -> Any:
        """The clock: ``--at`` if given, else the system clock."""
        from govservice_std.queues.engine import FixedClock, system_clock  # noqa: PLC0415

        return FixedClock(self.at) if self.at is not None else system_clock

    def engine(self, hall: str | None = None, locality: str | None = None) -> QueueEngine:
        """The hall's engine on the database (set up with ``open`` first)."""
        if self._engine is None:
            from govservice_std.queues.engine import (  # noqa: PLC0415
                QueueEngine,
                default_locality,
            )
            from govservice_std.queues.stores.sqlite import SQLiteStore  # noqa: PLC0415

            store = SQLiteStore(self.db, hall or self.hall, locality=locality)
            self._engine = QueueEngine.for_hall(
                self.state.resolve(store.locality or default_locality(store.hall)),
                store.hall,
                store=store,
                clock=self.clock(),
            )
        return self._engine

    def report(self) -> None:
        """Print integration failures as warnings (the command itself succeeded)."""
        if self._engine is not None:
            for failure in self._engine.take_failures():
                click.echo(_("govstd: warning: {message}").format(message=failure), err=True)


@cli.group()
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    envvar="GOVSTD_QUEUE_DB",
    help="The hall's queue database (SQLite; env GOVSTD_QUEUE_DB).",
)
@click.option(
    "--hall",
    metavar="HALL",
    help="The hall, if the database holds several (default: its only hall).",
)
@click.option(
    "--at",
    callback=parse_moment,
    metavar="DATETIME",
    help="Act as if it were this time (ISO 8601; China time if no offset): for drills.",
)
@click.pass_context
def queue(ctx: click.Context, db: Path, hall: str | None, at: dt.datetime | None) -> None:
    """Run a hall's queue: issue tickets, call them to windows, report KPIs."""
    ctx.obj = QueueContext(ctx.find_object(State) or State(None, ()), db, hall, at)
    ctx.call_on_close(ctx.obj.report)


_ACTIONS = {
    "issued": N_("issued"),
    "checked in": N_("checked in"),
    "called": N_("called"),
    "recalled": N_("recalled"),
    "started": N_("started"),
    "finished": N_("finished"),
    "marked no-show": N_("marked no-show"),
    "reactivated": N_("reactivated"),
    "cancelled": N_("cancelled"),
    "parked": N_("parked"),
    "resumed": N_("resumed"),
}


def _line(ticket: Ticket, action: str, to_line: str | None = None) -> None:
    """Print what a command did to a ticket, in the command line's language."""
    from govservice_std.reports.words import label  # noqa: PLC0415 - only for printing

    shown = ("called", "recalled", "resumed")
    where = f" → {ticket.window}" if ticket.window and action in shown else ""
    done = _("transferred to {line}").format(line=to_line) if to_line else _(_ACTIONS[action])
    click.echo(
        _("{ticket}{where} {done} ({status})").format(
            ticket=ticket.label, where=where, done=done, status=label(ticket.status)
        )
    )


@queue.command("open")
@click.argument("hall")
@click.option("--locality", help="The locality declaring the hall (default: its county).")
@click.option(
    "--windows/--no-windows",
    default=True,
    help="Also open every window that serves a line (default: yes).",
)
@click.pass_obj
def open_hall(q: QueueContext, hall: str, locality: str | None, windows: bool) -> None:
    """Set up the database for HALL (a hall code) and open its windows."""
    from govservice_std.queues.engine import default_locality  # noqa: PLC0415

    code = locality or default_locality(hall)
    q.state.resolve(code)  # an unknown locality fails before the file is touched
    engine = q.engine(hall, code)
    opened = []
    if windows:
        for window in engine.hall.windows:
            if window.lines and not engine.window(window.code).open:
                engine.open_window(window.code)
                opened.append(window.code)
    click.echo(f"{engine.hall.name} ({hall}) · {q.db}")
    click.echo(_("windows opened: {windows}").format(windows=_(", ").join(opened) or _("none")))


@queue.command()
@click.argument("line")
@click.option("--priority", metavar="GROUP", help="Priority group (elderly, military …).")
@click.pass_obj
def issue(q: QueueContext, line: str, priority: str | None) -> None:
    """Issue a ticket in business LINE."""
    _line(q.engine().issue(line, priority=priority), "issued")


@queue.command("check-in")
@click.argument("appointment")
@click.option("--line", help="The business line booked (a booking made here knows it).")
@click.option(
    "--slot",
    callback=parse_moment,
    help="The booked time (ISO 8601; a booking made here knows it).",
)
@click.option("--priority", metavar="GROUP", help="Priority group.")
@click.pass_obj
def check_in(
    q: QueueContext,
    appointment: str,
    line: str | None,
    slot: dt.datetime | None,
    priority: str | None,
) -> None:
    """Check in APPOINTMENT: it joins the queue at its slot."""
    _line(q.engine().check_in(appointment, line=line, slot=slot, priority=priority), "checked in")


@queue.command()
@click.argument("window")
@click.option("--ticket", "label", metavar="LABEL", help="Call this waiting ticket out of turn.")
@click.option("--reason", default="", help="Why the chosen ticket goes first (recorded).")
@click.pass_obj
def call(q: QueueContext, window: str, label: str | None, reason: str) -> None:
    """Call the next ticket to WINDOW, or a chosen one with --ticket."""
    if label is None:
        _line(q.engine().call_next(window), "called")
    else:
        _line(q.engine().call_ticket(window, label, reason=reason), "called")


@queue.command("sign-in")
@click.argument("window")
@click.argument("staff")
@click.pass_obj
def sign_in(q: QueueContext, window: str, staff: str) -> None:
    """Sign STAFF in at WINDOW (the window opens)."""
    q.engine().sign_in(window, staff)
    click.echo(_("{staff} signed in at window {window}").format(staff=staff, window=window))


@queue.command("sign-out")
@click.argument("window")
@click.pass_obj
def sign_out(q: QueueContext, window: str) -> None:
    """Sign out whoever is signed in at WINDOW."""
    engine = q.engine()
    staff = engine.window(window).staff
    engine.sign_out(window)
    click.echo(_("{staff} signed out of window {window}").format(staff=staff, window=window))


@queue.command()
@click.argument("ticket")
@click.pass_obj
def park(q: QueueContext, ticket: str) -> None:
    """Set the called or served TICKET aside; its window is free."""
    _line(q.engine().park(ticket), "parked")


@queue.command()
@click.argument("ticket")
@click.pass_obj
def resume(q: QueueContext, ticket: str) -> None:
    """Call the parked TICKET back to the window that parked it."""
    _line(q.engine().resume(ticket), "resumed")


@queue.command()
@click.argument("ticket")
@json_option()
@click.pass_obj
def position(q: QueueContext, ticket: str, as_json: bool) -> None:
    """Show how many tickets are ahead of the waiting TICKET and the estimated wait."""
    where = q.engine().position(ticket)
    if as_json:
        echo_json(where.to_dict())
        return
    wait = where.estimated_wait_minutes
    about = (
        _("no window can call it now")
        if wait is None
        else _("about {minutes} min").format(minutes=f"{wait:.0f}")
    )
    click.echo(
        _("{ticket}: {ahead} ahead, {about}").format(
            ticket=where.label, ahead=where.ahead, about=about
        )
    )


def _booking_dict(booking: Any) -> dict[str, Any]:
    return {
        "ref": booking.ref,
        "line": booking.line,
        "slot": booking.slot.isoformat(),
        "status": booking.status.value,
        "ticket": booking.ticket,
    }


@queue.command()
@click.argument("line")
@click.option("--slot", required=True, callback=parse_moment, help="The slot's start (ISO 8601).")
@json_option()
@click.pass_obj
def book(q: QueueContext, line: str, slot: dt.datetime, as_json: bool) -> None:
    """Book a place in a slot of LINE; prints the booking's reference."""
    booking = q.engine().book(line, slot)
    if as_json:
        echo_json(_booking_dict(booking))
        return
    click.echo(
        _("booked {ref}: line {line} at {when}").format(
            ref=booking.ref, line=line, when=f"{booking.slot:%Y-%m-%d %H:%M}"
        )
    )


@queue.command("cancel-booking")
@click.argument("ref")
@click.pass_obj
def cancel_booking(q: QueueContext, ref: str) -> None:
    """Cancel the booking REF."""
    q.engine().cancel_booking(ref)
    click.echo(_("booking {ref} cancelled").format(ref=ref))


@queue.command()
@click.argument("ref")
@click.option("--slot", required=True, callback=parse_moment, help="The new slot (ISO 8601).")
@click.pass_obj
def reschedule(q: QueueContext, ref: str, slot: dt.datetime) -> None:
    """Move the booking REF to another slot of its line."""
    booking = q.engine().reschedule(ref, slot)
    click.echo(
        _("booking {ref} moved to {when}").format(ref=ref, when=f"{booking.slot:%Y-%m-%d %H:%M}")
    )


@queue.command()
@click.pass_obj
def remind(q: QueueContext) -> None:
    """Send the reminders that are due (through the integration plugins)."""
    refs = [b.ref for b in q.engine().send_reminders()]
    click.echo(
        _("reminded {n} bookings: {refs}").format(n=len(refs), refs=_(", ").join(refs) or _("none"))
    )


@queue.command()
@click.argument("line")
@click.option("--day", required=True, type=DATE, help="Service day.")
@json_option()
@click.pass_obj
def slots(q: QueueContext, line: str, day: dt.datetime, as_json: bool) -> None:
    """List the booking slots of LINE on a day, with the places left."""
    offered = q.engine().slots(line, day.date())
    if as_json:
        echo_json(
            [
                {
                    "start": s.start.isoformat(),
                    "capacity": s.capacity,
                    "booked": s.booked,
                    "free": s.free,
                }
                for s in offered
            ]
        )
        return
    if not offered:
        click.echo(_("line {line} takes no bookings that day").format(line=line))
    for s in offered:
        click.echo(
            _("{time}  {free}/{capacity} free").format(
                time=f"{s.start:%H:%M}", free=s.free, capacity=s.capacity
            )
        )


@queue.command()
@click.argument("window")
@click.pass_obj
def recall(q: QueueContext, window: str) -> None:
    """Call WINDOW's current ticket again."""
    _line(q.engine().recall(window), "recalled")


@queue.command()
@click.argument("ticket")
@click.pass_obj
def start(q: QueueContext, ticket: str) -> None:
    """Start serving TICKET (its number, e.g. A001)."""
    _line(q.engine().start(ticket), "started")


@queue.command()
@click.argument("ticket")
@click.option("--outcome", default="completed", show_default=True, help="Outcome code.")
@click.pass_obj
def finish(q: QueueContext, ticket: str, outcome: str) -> None:
    """Finish serving TICKET with an outcome code."""
    _line(q.engine().finish(ticket, outcome), "finished")


@queue.command("no-show")
@click.argument("ticket")
@click.pass_obj
def no_show(q: QueueContext, ticket: str) -> None:
    """Mark the called TICKET a no-show."""
    _line(q.engine().no_show(ticket), "marked no-show")


@queue.command()
@click.argument("ticket")
@click.pass_obj
def reactivate(q: QueueContext, ticket: str) -> None:
    """Put a no-show TICKET back in its queue."""
    _line(q.engine().reactivate(ticket), "reactivated")


@queue.command()
@click.argument("ticket")
@click.argument("to_line", metavar="[LINE]", required=False)
@click.option("--line", "line", help="Move it to this business line.")
@click.option("--window", help="Move it to this window (only that window may call it).")
@click.option("--staff", help="Move it to this staff member (wherever they sign in).")
@click.option(
    "--placement",
    type=click.Choice(["first", "last", "arrival"]),
    help="Where it stands in its new queue (default: the policy's).",
)
@click.pass_obj
def transfer(  # noqa: PLR0917 - click passes every option
    q: QueueContext,
    ticket: str,
    to_line: str | None,
    line: str | None,
    window: str | None,
    staff: str | None,
    placement: str | None,
) -> None:
    """Move TICKET to a line, a window or a staff member."""
    from govservice_std.reports.words import label  # noqa: PLC0415 - only for printing

    line = line or to_line
    moved = q.engine().transfer(ticket, line, window=window, staff=staff, placement=placement)
    if line is not None:
        _line(moved, "transferred", to_line=line)
        return
    target = _("window {code}").format(code=window) if window else str(staff)
    click.echo(
        _("{ticket} transferred to {target} ({status})").format(
            ticket=moved.label, target=target, status=label(moved.status)
        )
    )


@queue.command()
@click.argument("ticket")
@click.pass_obj
def cancel(q: QueueContext, ticket: str) -> None:
    """Withdraw a waiting or called TICKET."""
    _line(q.engine().cancel(ticket), "cancelled")


@queue.command("window-open")
@click.argument("window")
@click.pass_obj
def window_open(q: QueueContext, window: str) -> None:
    """Open WINDOW for calling."""
    q.engine().open_window(window)
    click.echo(_("window {code} open").format(code=window))


@queue.command("window-close")
@click.argument("window")
@click.pass_obj
def window_close(q: QueueContext, window: str) -> None:
    """Close WINDOW (it must have no ticket)."""
    q.engine().close_window(window)
    click.echo(_("window {code} closed").format(code=window))


@queue.command("close-day")
@click.option(
    "--day",
    type=DATE,
    help="The service day to close (default: the open day).",
)
@click.pass_obj
def close_day(q: QueueContext, day: dt.datetime | None) -> None:
    """Close the service day: end its open tickets, store its KPIs, write a checkpoint.

    The first command of a new day does this on its own for the day before.
    """
    record = q.engine().close_day(day.date() if day else None)
    if record is None:
        click.echo(_("no open service day to close"))
        return
    served = sum(1 for fact in record.facts if fact.status == "finished")
    click.echo(
        _("service day {day} closed: {issued} issued, {served} served").format(
            day=record.day, issued=len(record.facts), served=served
        )
    )


@queue.command()
@json_option()
@click.pass_obj
def status(q: QueueContext, as_json: bool) -> None:
    """Show the windows and today's waiting tickets."""
    from govservice_std.queues.events import CHINA_TZ  # noqa: PLC0415

    engine = q.engine()
    today = engine.now().astimezone(CHINA_TZ).date()
    windows = [engine.window(w.code) for w in engine.hall.windows]
    tickets = {t.id: t for t in engine.state.tickets()}
    waiting = [t for t in engine.state.waiting() if t.day == today]
    if as_json:
        echo_json(
            {
                "hall": engine.hall.code,
                "day": today.isoformat(),
                "windows": [
                    {
                        "code": w.code,
                        "open": w.open,
                        "ticket": tickets[w.ticket].label if w.ticket else None,
                        "status": tickets[w.ticket].status.value if w.ticket else None,
                    }
                    for w in windows
                ],
                "waiting": [
                    {
                        "ticket": t.label,
                        "line": t.line,
                        "group": t.group,
                        "since": t.arrival.isoformat(),
                    }
                    for t in waiting
                ],
            }
        )
        return
    from govservice_std.reports.words import label  # noqa: PLC0415 - only for printing

    click.echo(f"{engine.hall.name} ({engine.hall.code}) · {today}")
    for w in windows:
        current = tickets[w.ticket] if w.ticket else None
        doing = ""
        if current is not None:
            doing = " " + _("{ticket} ({status})").format(
                ticket=current.label, status=label(current.status)
            )
        state = _("open") if w.open else _("closed")
        click.echo("  " + _("window {code}: {state}").format(code=w.code, state=state) + doing)
    by_line: dict[str, list[str]] = {}
    for t in waiting:
        by_line.setdefault(t.line, []).append(t.label + ("*" if t.group else ""))
    click.echo(_("waiting: {n} (* priority)").format(n=len(waiting)))
    for line, labels in by_line.items():
        click.echo(f"  {line}: {' '.join(labels)}")


@queue.command()
@json_option()
@click.option("--day", type=DATE, help="Service day (default: today).")
@click.option(
    "--by",
    type=click.Choice(["all", "staff"]),
    default="all",
    show_default=True,
    help="staff: per staff member, with daily caps reached and the booking show rate.",
)
@xlsx_option
@click.pass_obj
def kpis(
    q: QueueContext,
    as_json: bool,
    day: dt.datetime | None,
    by: str,
    xlsx_out: Path | None = None,
) -> None:
    """Show the day's waiting and service KPIs, per line, window, hour and group."""
    engine = q.engine()
    if by == "staff":
        staff = engine.front_desk_kpis(day.date() if day else None)
        write_xlsx(xlsx_out, staff.to_dict())
        if as_json:
            echo_json(staff.to_dict())
            return
        from govservice_std.reports.text import print_staff_kpis  # noqa: PLC0415

        print_staff_kpis(f"{engine.hall.name} · {staff.day}", staff)
        return
    result = engine.kpis(day.date() if day else None)
    write_xlsx(xlsx_out, result.to_dict())
    if as_json:
        echo_json(result.to_dict())
        return
    from govservice_std.reports.text import kpi_target, print_kpis  # noqa: PLC0415

    target = kpi_target(result.target_share, result.target_minutes)
    rows: list[tuple[str, KpiFigures]] = [(_("hall"), result.overall)]
    rows += [(_("line {code}").format(code=k), v) for k, v in result.by_line.items()]
    rows += [(_("window {code}").format(code=k), v) for k, v in result.by_window.items()]
    rows += [(f"{k:02d}:00", v) for k, v in result.by_hour.items()]
    rows += [(f"{k}", v) for k, v in result.by_group.items()]
    print_kpis(f"{engine.hall.name} ({result.hall}) · {result.day} · {target}", rows)
