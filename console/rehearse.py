"""Headless rehearsal: run a show against the simulated audience on a simulated clock.

    live-console rehearse SHOW --duration 1800 [--seed 7] [--speed 60 | --speed max]

One loop on a simulated clock (1 s steps from a whole-second start time): due transitions
(``controller.tick``), the rundown (each segment runs its planned duration, then the next one
starts and its cues run through the controller), lottery draws once their draw time has come,
then the simulated audience's events for that second go through the audience hub (journaled,
lottery entries, sales). ``--speed X`` paces the loop at X× real time; ``--speed max`` (or 0)
runs as fast as it can. The same show, seed and start time give the same journal; the lottery
seeds are derived from ``--seed`` (a rehearsal's draws are not secret).

A rehearsal writes into the show's journal, so it runs only on a show whose journal holds
nothing but catalog loads (a fresh show or a copy): it refuses a show that has been run or
rehearsed. ``--copy-to DIR`` copies the show (without journal and recordings) and rehearses the
copy. No media pipeline runs, so no ``health.*`` samples are journaled.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import random
import shutil
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from console.analytics.facts import SESSION_STARTED
from console.audience.hub import AudienceHub
from console.audience.simulated import SimulatedAudience, show_config
from console.errors import UserError
from console.show.commands import (
    AdvanceRundown,
    DrawLottery,
    EndSession,
    GotoSegment,
    StartSession,
)
from console.show.controller import ShowController
from console.show.folder import ShowFolder
from console.show.journal import Event, Journal
from console.show.state import LOTTERY_DRAWN, SEGMENT_STARTED, ShowState

DEFAULT_SEGMENT_S = 60.0  # a segment without a planned duration runs this long


@dataclass
class RehearsalResult:
    show: Path
    start: float
    duration_s: float
    wall_s: float
    segments_started: int
    audience_events: int
    comments: int
    orders: int
    gmv_cents: int
    lotteries_drawn: int
    cues_failed: int
    calibration: str = ""  # the funnel against the published ranges (console.analytics)

    def summary(self) -> str:
        from console.show.money import format_money

        return (
            f"rehearsed {self.duration_s:.0f} s of show in {self.wall_s:.1f} s: "
            f"{self.segments_started} segments, {self.audience_events} audience events "
            f"({self.comments} comments), {self.orders} orders, GMV {format_money(self.gmv_cents)}, "
            f"{self.lotteries_drawn} lotteries drawn"
            + (f", {self.cues_failed} cues refused" if self.cues_failed else "")
            + (f"\n{self.calibration}" if self.calibration else "")
            + f"\njournal: {self.show / 'journal.sqlite'}"
            + f"\nreport:  live-console report {self.show} --html report.html"
        )


def copy_show(source: str | Path, dest: str | Path) -> Path:
    """Copy a show folder without its journal and recordings (to rehearse on the copy)."""
    source, dest = Path(source), Path(dest)
    ShowFolder.open(source)  # a broken show is reported before anything is copied
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise UserError(f"{dest} already exists and is not empty: pick a new folder for the copy")

    def ignore(folder: str, names: list[str]) -> set[str]:
        skip = {n for n in names if n.startswith("journal.sqlite") or n.endswith(".tmp")}
        if Path(folder) == source / "recordings":
            skip |= {n for n in names if n != ".gitkeep"}
        return skip

    try:
        shutil.copytree(source, dest, ignore=ignore, dirs_exist_ok=True)
    except OSError as exc:
        raise UserError(f"cannot copy {source} to {dest}: {exc}") from None
    return dest


def check_fresh(folder: ShowFolder) -> None:
    """Refuse a show whose journal already holds a run (live or rehearsal)."""
    if not folder.journal_path.exists():
        return
    with Journal(folder.journal_path) as journal:
        used = journal.count() - journal.count("show.catalog_loaded")
        live = any(e.payload.get("mode") != "rehearsal" for e in journal.events(SESSION_STARTED))
    if used:
        what = "a live show" if live else "an earlier run or rehearsal"
        raise UserError(
            f"{folder.path}: the journal already holds {used} events ({what}): a rehearsal "
            "would mix into it; rehearse a copy (--copy-to NEW_FOLDER)"
        )


def _token_bytes(seed: int) -> Callable[[int], bytes]:
    rng = random.Random(hashlib.sha256(f"rehearsal-lottery:{seed}".encode()).digest())
    return rng.randbytes


def rehearse(
    show: str | Path,
    duration_s: float,
    seed: int = 1,
    speed: float = 1.0,
    start: float | None = None,
    viewers: int | None = None,
    copy_to: str | Path | None = None,
    wait: Callable[[float], object] | None = None,
    progress: Callable[[float, float], None] | None = None,
) -> RehearsalResult:
    """Run the rehearsal; ``speed <= 0`` or ``inf`` means as fast as possible."""
    if not duration_s > 0:
        raise UserError("--duration must be more than 0 seconds")
    if copy_to is not None:
        show = copy_show(show, copy_to)
    folder = ShowFolder.open(show, writer=True)  # one writer per show, until controller.close()
    try:
        check_fresh(folder)
        # the show's own room (show.json "rehearsal"), checked before anything is journaled
        config = show_config(folder.path, seed=seed, viewers=viewers)
    except BaseException:
        folder.close()
        raise

    t0 = float(int(time.time() if start is None else start))
    now = t0
    controller = ShowController.open(folder, clock=lambda: now, token_bytes=_token_bytes(seed))
    audience = SimulatedAudience(config, state=lambda: controller.state, clock=lambda: now)
    hub = AudienceHub(controller)
    journal = controller.journal
    stop_wait = threading.Event()
    pace = wait or stop_wait.wait
    counts = {"segments": 0, "draws": 0}

    def count(event: Event, state: ShowState) -> None:
        if event.kind == SEGMENT_STARTED:
            counts["segments"] += 1
        elif event.kind == LOTTERY_DRAWN:
            counts["draws"] += 1

    controller.subscribe(count)
    wall0 = time.monotonic()
    fast = speed <= 0 or speed == float("inf")
    rundown = controller.rundown
    try:
        controller.execute(
            StartSession(
                "rehearsal",
                details={
                    "audience": "simulated",
                    "seed": seed,
                    "speed": "max" if fast else speed,
                    "duration_s": duration_s,
                },
            ),
            actor="rehearse",
        )
        if len(rundown):
            controller.execute(GotoSegment(0), actor="rehearse")
        audience.step(now)
        steps = int(duration_s)
        for i in range(1, steps + 1):
            now = t0 + i
            controller.tick(now)
            _walk_rundown(controller, now)
            _draw_due(controller, now, DrawLottery)
            for event in audience.step(now):
                hub.submit(event)
            hub.process_pending()
            if progress is not None:
                progress(now - t0, duration_s)
            if not fast:
                delay = wall0 + (now - t0) / speed - time.monotonic()
                if delay > 0:
                    pace(delay)
        controller.execute(EndSession("rehearsal", reason="duration"), actor="rehearse")
        audience_events = hub.stats.journaled
        comments = hub.stats.by_type.get("comment", 0)
        failed = journal.count("show.cue_failed")
    finally:
        controller.close()
    # Orders and GMV as the report counts them (what the audience paid), so the two agree.
    from console.analytics.calibration import calibration_line
    from console.analytics.report import analyze_show

    analytics = analyze_show(folder.path)
    totals = analytics.totals
    return RehearsalResult(
        show=folder.path,
        start=t0,
        duration_s=now - t0,
        wall_s=time.monotonic() - wall0,
        segments_started=counts["segments"],
        audience_events=audience_events,
        comments=comments,
        orders=totals["orders"],
        gmv_cents=totals["gmv_cents"],
        lotteries_drawn=counts["draws"],
        cues_failed=failed,
        calibration=calibration_line(analytics.funnel),
    )


def _walk_rundown(controller: ShowController, now: float) -> None:
    position = controller.state.rundown
    if position is None or position.index + 1 >= len(controller.rundown):
        return
    planned = position.planned_s if position.planned_s > 0 else DEFAULT_SEGMENT_S
    if position.elapsed(now) >= planned:
        controller.execute(AdvanceRundown(), actor="rehearse")


def _draw_due(controller: ShowController, now: float, draw: Callable[[str], DrawLottery]) -> None:
    for lottery in list(controller.state.lotteries.values()):
        if lottery.phase == "closed" and now >= lottery.draw_at:
            with contextlib.suppress(UserError):  # refused: tried again next second
                controller.execute(draw(lottery.lottery_id), actor="rehearse")


# the ``rehearse`` command (console/cli.py calls register with its sub-parsers)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1
    if not 0 < value <= 24 * 3600:
        raise argparse.ArgumentTypeError(f"bad duration '{text}': give seconds from 1 to 86400")
    return value


def _speed(text: str) -> float:
    if text.lower() in ("max", "0", "inf"):
        return 0.0
    try:
        value = float(text)
    except ValueError:
        value = -1
    if value <= 0:
        raise argparse.ArgumentTypeError(f"bad speed '{text}': give a factor > 0, e.g. 60, or max")
    return value


def register(subparsers: Any, commands: dict[str, Callable[[argparse.Namespace], int]]) -> None:
    r = subparsers.add_parser(
        "rehearse",
        help="run a show headless against a simulated audience and journal everything",
    )
    r.add_argument("show", metavar="SHOW", help="show folder (fresh: nothing journaled yet)")
    r.add_argument("--duration", type=_seconds, required=True, help="show seconds to simulate")
    r.add_argument("--audience", choices=["simulated"], default="simulated")
    r.add_argument("--seed", type=int, default=1, help="same seed, same rehearsal (default 1)")
    r.add_argument(
        "--speed", type=_speed, default=1.0, help="× real time (default 1); max = as fast as it can"
    )
    r.add_argument(
        "--viewers",
        type=int,
        help="simulated room size: viewers watching at once (default: the show.json rehearsal block, else 50)",
    )
    r.add_argument(
        "--start", type=float, metavar="EPOCH", help="simulated start time (default now)"
    )
    r.add_argument("--copy-to", metavar="DIR", help="rehearse a fresh copy of SHOW in DIR")
    commands["rehearse"] = cmd_rehearse


def cmd_rehearse(args: argparse.Namespace) -> int:
    if args.viewers is not None and not 1 <= args.viewers <= 100_000:
        raise UserError("--viewers: give 1 … 100000")
    tty = sys.stderr.isatty()

    def progress(done: float, total: float) -> None:
        if tty and int(done) % 30 == 0:
            print(f"\rrehearsing… {done:.0f}/{total:.0f} s", end="", file=sys.stderr, flush=True)

    print(
        "REHEARSAL: simulated audience, nothing leaves this machine "
        "(faked audience events are for rehearsals only)",
        file=sys.stderr,
    )
    result = rehearse(
        args.show,
        args.duration,
        seed=args.seed,
        speed=args.speed,
        start=args.start,
        viewers=args.viewers,
        copy_to=args.copy_to,
        progress=progress,
    )
    if tty:
        print(file=sys.stderr)
    print(result.summary())
    return 0
