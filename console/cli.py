"""Headless commands: ``stream``, ``demo``, ``run``, ``encoders``, ``key``, ``clips`` (and
``window``).

The parser is in :mod:`console.cli_parser`; ``stream`` and ``demo`` in :mod:`console.cli_stream`;
``run`` in :mod:`console.cli_run`. This module dispatches and keeps the small commands.
"""

from __future__ import annotations

import argparse
import sys

from console.cli_parser import COMMANDS, build_parser
from console.cli_run import _cmd_run
from console.cli_stream import _cmd_demo, _cmd_stream, _engine_spec, _setup_logging, _status_line
from console.errors import UserError
from console.redaction import redact

__all__ = ["COMMANDS", "_engine_spec", "_setup_logging", "_status_line", "build_parser", "main"]


def _cmd_encoders(_: argparse.Namespace) -> int:
    from console.media.encoder import available_encoders

    for name in available_encoders():
        print(name)
    return 0


def _cmd_key(args: argparse.Namespace) -> int:
    from console.platforms.credentials import delete_key, store_key

    if args.action == "delete":
        delete_key(args.name)
        print(f"deleted stream key '{args.name}'")
        return 0
    import getpass

    key = (
        getpass.getpass(f"paste the stream key for '{args.name}': ")
        if sys.stdin.isatty()
        else sys.stdin.readline()
    )
    store_key(args.name, key)
    print(f"stored stream key '{args.name}' in the OS keyring")
    return 0


def _cmd_clips(args: argparse.Namespace) -> int:
    """``live-console clips SHOW``: clips per pinned product / flash sale / lottery draw."""
    import json

    from console.clips import cut_session

    result = cut_session(args.show, args.session, args.out, full=not args.no_full)
    rows = [
        {
            "kind": c.segment.kind,
            "product_id": c.segment.product_id,
            "title": c.segment.title,
            "start_s": round(c.job.media_start or 0.0, 3),
            "duration_s": round(c.job.duration, 3),
            "file": str(c.job.out) if c.job.written else None,
            "problem": c.job.problem,
        }
        for c in result.clips
    ]
    if args.json:
        print(json.dumps({"session": result.session.number, "clips": rows}, ensure_ascii=False))
    else:
        for r in rows:
            where = r["file"] or f"not cut: {r['problem']}"
            print(f"{r['start_s']:8.1f} s  {r['duration_s']:6.1f} s  {r['title']}  {where}")
        for path in result.files:
            print(f"chapters: {path}")
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    print(
        "note: clips start on the keyframe at or before the pin (up to one GOP early)",
        file=sys.stderr,
    )
    if not any(r["file"] for r in rows):
        raise UserError(f"{args.show}: no clip could be cut (see the notes above)")
    return 0


COMMANDS.update(
    {
        "stream": _cmd_stream,
        "demo": _cmd_demo,
        "run": _cmd_run,
        "encoders": _cmd_encoders,
        "key": _cmd_key,
        "clips": _cmd_clips,
    }
)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        args = build_parser().parse_args(argv)
        if args.command is None or args.command == "window":
            from console.app import main as window_main

            return window_main(argv[1:] if args.command == "window" else argv)
        return COMMANDS[args.command](args)
    except UserError as exc:
        print(f"error: {redact(exc)}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 0
    except Exception as exc:  # the user gets one line, the details go to a file
        from console.runtime import write_crash_report

        report = write_crash_report()  # 0600, redacted through the one redactor
        print(f"error: unexpected {exc.__class__.__name__}; details in {report}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
