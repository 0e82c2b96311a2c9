"""`crossgrain history [--json] | export OUT.zip | import FILE.zip | delete --all | ID [--yes]`.

Sessions kept on this computer (vision/history). `crossgrain analyze ... --save` keeps one;
nothing is kept without it. Listing never creates a database.
"""

from __future__ import annotations

import argparse
import functools
import json
import sqlite3
import sys
from datetime import date

from .common import CliError


def pain_score(text: str) -> int:
    """Parse --pain-before/--pain-after: a whole number 0-10."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"pain must be a whole number from 0 to 10, got {text!r}") from None
    if not 0 <= value <= 10:
        raise argparse.ArgumentTypeError(f"pain must be from 0 (none) to 10 (worst), got {value}")
    return value


def add_save_options(parser: argparse.ArgumentParser) -> None:
    """analyze's --save and what the person says about the session."""
    g = parser.add_argument_group("keeping the session in your history (nothing is kept without --save)")
    g.add_argument("--save", action="store_true", help="keep this session in the history on this computer")
    g.add_argument("--foot", choices=("left", "right"), help="the foot worked on")
    g.add_argument("--pain-before", type=pain_score, metavar="N", help="pain before the session, 0-10")
    g.add_argument("--pain-after", type=pain_score, metavar="N", help="pain after the session, 0-10")
    g.add_argument("--tingling", action="store_true", help="you felt tingling or an electric shock")


def save_options(args) -> dict | None:
    """What --save keeps with the session, or None; the answers without --save are a mistake."""
    said = {"foot": args.foot, "pain_before": args.pain_before, "pain_after": args.pain_after,
            "tingling": args.tingling}
    if not args.save:
        given = [f"--{k.replace('_', '-')}" for k, v in said.items() if v not in (None, False)]
        if given:
            raise CliError(f"{', '.join(given)} only apply with --save (nothing is kept without it)")
        return None
    return said


def save_report(report, video, **said) -> str:
    """Keep one analysed video's session; returns the line to print (and the stop message after tingling).

    Keyed by the video's content (vision/history/record.py video_session), as a batch's --save is:
    analysing the same video again with --save keeps one session, not two.
    """
    from ..history.advice import TINGLING_TEXT
    from ..history.record import RecordError, video_session
    from ..history.store import Store, StoreError

    try:
        with Store() as store:
            saved, status = store.keep(video_session(report.to_dict(), video, **said))
    except (StoreError, RecordError, OSError) as exc:
        raise CliError(f"could not keep the session: {exc}") from None
    said_how = {"added": "kept as session", "updated": "updated session",
                "unchanged": "already kept, unchanged: session"}[status]
    line = f"  {said_how} {saved.id} in {store.path}"
    return line + (f"\n  {TINGLING_TEXT}" if saved.tingling else "")


def store_errors(command):
    """A database error anywhere in a history command becomes the one-line message."""
    @functools.wraps(command)
    def run(args) -> int:
        from ..history.store import StoreError

        try:
            return command(args)
        except (StoreError, sqlite3.Error) as exc:
            raise CliError(f"history: {exc}") from None
    return run


def _existing_store():
    from ..history.store import Store, StoreError, default_db_path

    path = default_db_path()
    if not path.exists():
        return None
    try:
        return Store(path)
    except StoreError as exc:
        raise CliError(str(exc)) from None


@store_errors
def cmd_list(args) -> int:
    from ..history.advice import advice, due_sentence, due_today

    store = _existing_store()
    records = [] if store is None else store.sessions()
    if store is not None:
        store.close()
    if args.json:
        print(json.dumps([{k: r.summary()[k] for k in ("id", "time", "technique", "foot", "score")}
                          for r in records], indent=1))
        return 0
    if not records:
        print("No sessions kept yet. `crossgrain analyze VIDEO --foot-axis DEG --save` keeps one.")
        return 0
    print(f"{'id':>4}  {'time':<16}  {'technique':<20} {'foot':<5} {'score':>5}  pain")
    for r in records:
        pain = "" if r.pain_before is None and r.pain_after is None else \
            f"{'-' if r.pain_before is None else r.pain_before} -> {'-' if r.pain_after is None else r.pain_after}"
        score = "-" if r.score is None else str(r.score)
        print(f"{r.id:>4}  {r.at:%Y-%m-%d %H:%M}  {r.technique:<20} {r.foot or '-':<5} {score:>5}  {pain}")
    today = date.today()
    for a in advice(records, today):
        print(f"{a.level.upper()}: {a.text}" if a.level in ("stop", "see") else a.text)
    for d in due_today(records, today):
        print(due_sentence(d))
    return 0


@store_errors
def cmd_export(args) -> int:
    from ..history.store import StoreError

    store = _existing_store()
    if store is None:
        raise CliError("no history to export: no session has been kept on this computer")
    try:
        with store:
            n = store.export_zip(args.out)
    except StoreError as exc:
        raise CliError(str(exc)) from None
    print(f"exported {n} sessions to {args.out} (history.sqlite3, sessions.json, sessions.csv)")
    return 0


@store_errors
def cmd_import(args) -> int:
    from ..history.store import Store, StoreError

    try:
        with Store() as store:
            added, known = store.import_zip(args.file)
    except StoreError as exc:
        raise CliError(str(exc)) from None
    print(f"imported {added} sessions" + (f" ({known} already here)" if known else ""))
    return 0


def confirm(question: str) -> bool:
    """Ask on a terminal; with no terminal to ask on, refuse (scripts pass --yes)."""
    if not sys.stdin.isatty():
        raise CliError("not deleting without asking: stdin is not a terminal (add --yes to delete from a script)")
    try:
        return input(f"{question} [y/N] ").strip().lower() in ("y", "yes")
    except EOFError:
        return False


@store_errors
def cmd_delete(args) -> int:
    if args.all == (args.id is not None):
        raise CliError("say what to delete: a session ID or --all")
    store = _existing_store()
    if store is None:
        raise CliError("no history on this computer: nothing to delete")
    with store:
        if args.all:
            n = len(store.sessions())
            if not args.yes and not confirm(f"Delete all {n} sessions? This cannot be undone."):
                print("nothing deleted")
                return 0
            print(f"deleted {store.delete_all()} sessions")
            return 0
        rec = store.get(args.id, with_frames=False)
        if rec is None:
            raise CliError(f"no session {args.id} (see `crossgrain history`)")
        if not args.yes and not confirm(f"Delete session {rec.id} ({rec.technique}, {rec.at:%Y-%m-%d %H:%M})?"):
            print("nothing deleted")
            return 0
        store.delete(rec.id)
        print(f"deleted session {rec.id}")
    return 0


def session_id(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a session ID is a number (see `crossgrain history`), got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"a session ID is 1 or more, got {value}")
    return value


def register(sub) -> None:
    h = sub.add_parser("history", help="sessions kept on this computer: list, export, import, delete")
    h.add_argument("--json", action="store_true", help="list as JSON: id, time, technique, foot, score")
    h.set_defaults(func=cmd_list)
    actions = h.add_subparsers(dest="action", required=False)
    e = actions.add_parser("export", help="write everything to a zip: the database, sessions.json, sessions.csv")
    e.add_argument("out", metavar="OUT.zip")
    e.set_defaults(func=cmd_export)
    i = actions.add_parser("import", help="add the sessions of an export (those not here yet)")
    i.add_argument("file", metavar="FILE.zip")
    i.set_defaults(func=cmd_import)
    d = actions.add_parser("delete", help="delete one session, or --all (asks first)")
    d.add_argument("id", nargs="?", type=session_id, metavar="ID")
    d.add_argument("--all", action="store_true", help="delete every session")
    d.add_argument("--yes", action="store_true", help="do not ask (for scripts)")
    d.set_defaults(func=cmd_delete)
