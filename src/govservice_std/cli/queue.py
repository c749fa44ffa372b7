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

from govservice_std.cli._base import State, cli, current_lang, echo_json, zh_en
from govservice_std.cli.spreadsheets import write_xlsx, xlsx_option

if TYPE_CHECKING:
    from govservice_std.queues.engine import QueueEngine
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
                prefix = "警告" if self.state.lang == "zh" else "warning"
                click.echo(f"govstd: {prefix}: {failure}", err=True)


def _parse_at(_ctx: click.Context, _param: click.Parameter, value: str | None) -> Any:
    if value is None:
        return None
    from govservice_std.queues.events import CHINA_TZ  # noqa: PLC0415

    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            zh_en(
                f"不是 ISO 8601 格式的日期时间：{value!r}", f"not an ISO date and time: {value!r}"
            )
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=CHINA_TZ)


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
    callback=_parse_at,
    metavar="DATETIME",
    help="Act as if it were this time (ISO 8601; China time if no offset): for drills.",
)
@click.pass_context
def queue(ctx: click.Context, db: Path, hall: str | None, at: dt.datetime | None) -> None:
    """Run a hall's queue: issue tickets, call them to windows, report KPIs."""
    ctx.obj = QueueContext(ctx.find_object(State) or State(None, ()), db, hall, at)
    ctx.call_on_close(ctx.obj.report)


_ACTIONS_ZH = {
    "issued": "已取号",
    "checked in": "预约已签到",
    "called": "已叫号",
    "recalled": "已重呼",
    "started": "开始办理",
    "finished": "已办结",
    "marked no-show": "已标记过号",
    "reactivated": "已恢复",
    "cancelled": "已取消",
    "parked": "已暂挂",
    "resumed": "已恢复叫号",
}


def _line(ticket: Ticket, action: str, to_line: str | None = None) -> None:
    """Print what a command did to a ticket, in the command line's language."""
    shown = ("called", "recalled", "resumed")
    where = f" → {ticket.window}" if ticket.window and action in shown else ""
    if current_lang() == "zh":
        done = f"已转至业务类别 {to_line}" if to_line else _ACTIONS_ZH[action]
        click.echo(f"{ticket.label}{where} {done}（{ticket.status.label_zh}）")
        return
    done = f"transferred to {to_line}" if to_line else action
    click.echo(f"{ticket.label}{where} {done} ({ticket.status.value})")


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
    if current_lang() == "zh":
        click.echo(f"已开启窗口：{'、'.join(opened) or '无'}")
    else:
        click.echo(f"windows opened: {', '.join(opened) or 'none'}")


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
    "--slot", callback=_parse_at, help="The booked time (ISO 8601; a booking made here knows it)."
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
    click.echo(zh_en(f"{staff} 已在 {window} 窗口签到", f"{staff} signed in at window {window}"))


@queue.command("sign-out")
@click.argument("window")
@click.pass_obj
def sign_out(q: QueueContext, window: str) -> None:
    """Sign out whoever is signed in at WINDOW."""
    engine = q.engine()
    staff = engine.window(window).staff
    engine.sign_out(window)
    click.echo(zh_en(f"{staff} 已从 {window} 窗口签退", f"{staff} signed out of window {window}"))


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
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def position(q: QueueContext, ticket: str, as_json: bool) -> None:
    """Show how many tickets are ahead of the waiting TICKET and the estimated wait."""
    where = q.engine().position(ticket)
    if as_json:
        echo_json(where.to_dict())
        return
    wait = where.estimated_wait_minutes
    if current_lang() == "zh":
        about = "暂无可叫号窗口" if wait is None else f"预计等候约 {wait:.0f} 分钟"
        click.echo(f"{where.label}：前面还有 {where.ahead} 人，{about}")
    else:
        about = "no window can call it now" if wait is None else f"about {wait:.0f} min"
        click.echo(f"{where.label}: {where.ahead} ahead, {about}")


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
@click.option("--slot", required=True, callback=_parse_at, help="The slot's start (ISO 8601).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def book(q: QueueContext, line: str, slot: dt.datetime, as_json: bool) -> None:
    """Book a place in a slot of LINE; prints the booking's reference."""
    booking = q.engine().book(line, slot)
    if as_json:
        echo_json(_booking_dict(booking))
        return
    when = f"{booking.slot:%Y-%m-%d %H:%M}"
    click.echo(
        zh_en(
            f"已预约 {booking.ref}：业务类别 {line}，{when}",
            f"booked {booking.ref}: line {line} at {when}",
        )
    )


@queue.command("cancel-booking")
@click.argument("ref")
@click.pass_obj
def cancel_booking(q: QueueContext, ref: str) -> None:
    """Cancel the booking REF."""
    q.engine().cancel_booking(ref)
    click.echo(zh_en(f"预约 {ref} 已取消", f"booking {ref} cancelled"))


@queue.command()
@click.argument("ref")
@click.option("--slot", required=True, callback=_parse_at, help="The new slot (ISO 8601).")
@click.pass_obj
def reschedule(q: QueueContext, ref: str, slot: dt.datetime) -> None:
    """Move the booking REF to another slot of its line."""
    booking = q.engine().reschedule(ref, slot)
    when = f"{booking.slot:%Y-%m-%d %H:%M}"
    click.echo(zh_en(f"预约 {ref} 已改至 {when}", f"booking {ref} moved to {when}"))


@queue.command()
@click.pass_obj
def remind(q: QueueContext) -> None:
    """Send the reminders that are due (through the integration plugins)."""
    reminded = q.engine().send_reminders()
    refs = [b.ref for b in reminded]
    click.echo(
        zh_en(
            f"已提醒 {len(refs)} 个预约：{'、'.join(refs) or '无'}",
            f"reminded {len(refs)} bookings: {', '.join(refs) or 'none'}",
        )
    )


@queue.command()
@click.argument("line")
@click.option("--day", required=True, type=click.DateTime(["%Y-%m-%d"]), help="Service day.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
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
        click.echo(
            zh_en(f"业务类别 {line} 当日不接受预约", f"line {line} takes no bookings that day")
        )
    for s in offered:
        click.echo(
            zh_en(
                f"{s.start:%H:%M}  余 {s.free}/{s.capacity}",
                f"{s.start:%H:%M}  {s.free}/{s.capacity} free",
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
    line = line or to_line
    moved = q.engine().transfer(ticket, line, window=window, staff=staff, placement=placement)
    if line is not None:
        _line(moved, "transferred", to_line=line)
        return
    target = zh_en(f"{window} 窗口", f"window {window}") if window else str(staff)
    if current_lang() == "zh":
        click.echo(f"{moved.label} 已转至 {target}（{moved.status.label_zh}）")
    else:
        click.echo(f"{moved.label} transferred to {target} ({moved.status.value})")


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
    click.echo(zh_en(f"{window} 窗口已开启", f"window {window} open"))


@queue.command("window-close")
@click.argument("window")
@click.pass_obj
def window_close(q: QueueContext, window: str) -> None:
    """Close WINDOW (it must have no ticket)."""
    q.engine().close_window(window)
    click.echo(zh_en(f"{window} 窗口已关闭", f"window {window} closed"))


@queue.command("close-day")
@click.option(
    "--day",
    type=click.DateTime(["%Y-%m-%d"]),
    help="The service day to close (default: the open day).",
)
@click.pass_obj
def close_day(q: QueueContext, day: dt.datetime | None) -> None:
    """Close the service day (日结): end its open tickets, store its KPIs, write a checkpoint.

    The first command of a new day does this on its own for the day before.
    """
    record = q.engine().close_day(day.date() if day else None)
    if record is None:
        click.echo(zh_en("没有未日结的服务日", "no open service day to close"))
        return
    served = sum(1 for fact in record.facts if fact.status == "finished")
    click.echo(
        zh_en(
            f"{record.day} 已日结：取号 {len(record.facts)}，办结 {served}",
            f"service day {record.day} closed: {len(record.facts)} issued, {served} served",
        )
    )


@queue.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
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
    zh = current_lang() == "zh"
    click.echo(f"{engine.hall.name} ({engine.hall.code}) · {today}")
    for w in windows:
        current = tickets[w.ticket] if w.ticket else None
        if zh:
            doing = f" {current.label}（{current.status.label_zh}）" if current else ""
            click.echo(f"  {w.code} 窗口：{'开启' if w.open else '关闭'}{doing}")
        else:
            doing = f" {current.label} ({current.status.value})" if current else ""
            click.echo(f"  window {w.code}: {'open' if w.open else 'closed'}{doing}")
    by_line: dict[str, list[str]] = {}
    for t in waiting:
        by_line.setdefault(t.line, []).append(t.label + ("*" if t.group else ""))
    if zh:
        click.echo(f"等候：{len(waiting)} 人（* 为优先群体）")
    else:
        click.echo(f"waiting: {len(waiting)} (* priority)")
    for line, labels in by_line.items():
        click.echo(f"  {line}: {' '.join(labels)}")


def _fmt(value: float | None, unit: str) -> str:
    return "-" if value is None else f"{value:.1f}{unit}"


def _rjust(text: str, width: int) -> str:
    """``text`` right-aligned in ``width`` terminal columns (a Chinese character fills two)."""
    from rich.cells import cell_len  # noqa: PLC0415 - only the KPI table needs it

    return " " * (width - cell_len(text)) + text


# Column headings and widths of the KPI table; the Chinese minute columns are one wider.
_KPI_COLUMNS_ZH = (
    ("", 12), ("取号数", 6), ("办结数", 6), ("平均等候", 10), ("P90等候", 10),
    ("平均办理", 10), ("目标内", 9), ("过号率", 7),
)  # fmt: skip
_KPI_COLUMNS_EN = (
    ("", 12), ("issued", 6), ("served", 6), ("wait avg", 9), ("p90", 9),
    ("service", 9), ("in target", 9), ("no-show", 7),
)  # fmt: skip


@queue.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--day", type=click.DateTime(["%Y-%m-%d"]), help="Service day (default: today).")
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
        _staff_kpis(engine, day.date() if day else None, as_json, xlsx_out)
        return
    result = engine.kpis(day.date() if day else None)
    write_xlsx(xlsx_out, result.to_dict())
    if as_json:
        echo_json(result.to_dict())
        return
    zh = current_lang() == "zh"
    if result.target_minutes and result.target_share:
        share, minutes = result.target_share, result.target_minutes
        target = zh_en(
            f"目标：{share:.0%} 等候不超过 {minutes:g} 分钟",
            f"target: {share:.0%} within {minutes:g} min",
        )
    else:
        target = zh_en("未设等候时间目标", "no waiting-time target set")
    click.echo(f"{engine.hall.name} ({result.hall}) · {result.day} · {target}")
    columns = _KPI_COLUMNS_ZH if zh else _KPI_COLUMNS_EN
    widths = [width for _, width in columns]
    click.echo(" ".join(_rjust(heading, width) for heading, width in columns))
    unit = " 分钟" if zh else " min"
    rows: list[tuple[str, Any]] = [(zh_en("全厅", "hall"), result.overall)]
    rows += [(zh_en(f"业务类别 {k}", f"line {k}"), v) for k, v in result.by_line.items()]
    rows += [(zh_en(f"{k} 窗口", f"window {k}"), v) for k, v in result.by_window.items()]
    rows += [(f"{k:02d}:00", v) for k, v in result.by_hour.items()]
    rows += [(f"{k}", v) for k, v in result.by_group.items()]
    for name, f in rows:
        within = "-" if f.within_target is None else f"{f.within_target:.0%}"
        noshow = "-" if f.no_show_rate is None else f"{f.no_show_rate:.0%}"
        cells = (
            name,
            str(f.issued),
            str(f.served),
            _fmt(f.waiting.mean, unit),
            _fmt(f.waiting.p90, unit),
            _fmt(f.service.mean, unit),
            within,
            noshow,
        )
        click.echo(" ".join(_rjust(cell, width) for cell, width in zip(cells, widths, strict=True)))


_STAFF_COLUMNS_ZH = (
    ("", 12), ("叫号", 5), ("办结", 5), ("平均等候", 10), ("平均步行", 10),
    ("平均办理", 10), ("在岗", 10), ("空闲", 10),
)  # fmt: skip
_STAFF_COLUMNS_EN = (
    ("", 12), ("called", 6), ("served", 6), ("wait avg", 9), ("walk avg", 9),
    ("service", 9), ("signed in", 10), ("idle", 9),
)  # fmt: skip


def _staff_kpis(
    engine: QueueEngine, day: dt.date | None, as_json: bool, xlsx_out: Path | None
) -> None:
    from govservice_std.queues.events import CHINA_TZ  # noqa: PLC0415

    result = engine.front_desk_kpis(day)
    write_xlsx(xlsx_out, result.to_dict())
    if as_json:
        echo_json(result.to_dict())
        return
    zh = current_lang() == "zh"
    click.echo(
        zh_en(
            f"{engine.hall.name} · {result.day} · 按工作人员",
            f"{engine.hall.name} · {result.day} · by staff",
        )
    )
    columns = _STAFF_COLUMNS_ZH if zh else _STAFF_COLUMNS_EN
    widths = [width for _, width in columns]
    click.echo(" ".join(_rjust(heading, width) for heading, width in columns))
    unit = " 分钟" if zh else " min"
    for name, f in result.by_staff.items():
        cells = (
            name,
            str(f.called),
            str(f.served),
            _fmt(f.mean_wait, unit),
            _fmt(f.mean_walk, unit),
            _fmt(f.mean_service, unit),
            _fmt(f.signed_in, unit),
            _fmt(f.idle, unit),
        )
        click.echo(" ".join(_rjust(cell, width) for cell, width in zip(cells, widths, strict=True)))
    if not result.by_staff:
        click.echo(zh_en("当日无工作人员签到记录", "no staff signed in that day"))
    for line, at in result.cap_reached_at.items():
        when = "-" if at is None else f"{at.astimezone(CHINA_TZ):%H:%M}"
        click.echo(
            zh_en(f"业务类别 {line} 号源满额时间：{when}", f"line {line} cap reached at: {when}")
        )
    rate = "-" if result.show_rate is None else f"{result.show_rate:.0%}"
    click.echo(
        zh_en(
            f"预约到场率：{rate}（{result.bookings_shown}/{result.bookings_due}）",
            f"booking show rate: {rate} ({result.bookings_shown}/{result.bookings_due})",
        )
    )
