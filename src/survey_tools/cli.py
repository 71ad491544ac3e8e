"""The ``survey-tools`` command line."""

from __future__ import annotations

import argparse
import contextlib
import errno
import os
import sys
import warnings
from pathlib import Path

from .errors import OutputError, SurveyToolsError

# jsonschema imports rfc3987-syntax when it is installed (jupyter-events asks for it) and
# compiles 39 grammars as it does: a second at every command that reads a notebook, for IRI
# checks nbformat never makes. The command line runs without it.
sys.modules.setdefault("rfc3987_syntax", None)

DEMO_HELP = """\
Run the main job on the bundled synthetic guild member survey.

Steps:
  1. demo data   generate the synthetic survey into DATA (an SPSS .sav, a Qualtrics-style
                 and a SurveyMonkey-style CSV, the membership roll, its published margins,
                 the AAPOR dispositions and truth.json), unless it is already there;
  2. fieldwork   AAPOR response rates RR1 and RR2 from the dispositions;
  3. cleaning    read the .sav and clean it against the codebook: quality flags
                 (duplicates, speeders, straightliners, attention checks, impossible and
                 inconsistent values), AAPOR completes and partials, pay parsed from text,
                 personal data redacted; check that the Qualtrics CSV cleans to the same
                 data; write the cleaned survey to CLEAN;
  4. representation
                 respondents against the roll on each published margin (role group,
                 region, age band, membership status): shows the nonresponse bias that
                 weighting must correct;
  5. weighting   rake the respondents to the roll's margins, with the Kish effective
                 sample size and weighting design effect;
  6. estimates   share of members who knowingly lost work to AI in the past 12 months,
                 unweighted and weighted, by role group, with design-based 95% intervals
                 (logit), assuming respondents are a random sample within weighting cells;
  7. notebooks   run the report notebooks (notebooks/reports/01..04) on the demo files;
  8. memo        run 05_memo and render the briefing memo: memo.html (self-contained),
                 memo.pdf (A4), memo-letter.pdf (US Letter), memo.docx and figures/;
  9. next wave   the demo's second wave (2027, a year later: roll churn, members answering
                 again) gets its own memo in REPORTS/demo/2027/, whose "Since last year"
                 reports the change since 2026 by role group (members linked on a salted key).
Outputs go to REPORTS/demo/; the last line says where the memo is.
"""

MEMO_HELP = """\
Run the memo notebook on your own export and render the memo, offline, to OUT:
memo.html (self-contained), memo.pdf (A4), memo-letter.pdf (US Letter), memo.docx, figures/
(PNG, SVG, PDF and alt text) and memo.ipynb (the executed notebook). Numbers are computed from
the export; tables and figures go through disclosure control (--min-count, --min-base). While
drafting the wording, --formats html writes the page alone in a few seconds (figures as SVG).

What the memo reports comes from the survey's analysis plan (--plan; `survey-tools plan draft`
drafts one from a codebook). Without --plan the standard guild questionnaire's plan is used, so
a guild that fields that questionnaire needs only a codebook mapping its columns to the plan's
variables. The files, and the plan against the codebook, are checked before anything runs or
is written. --roll, --margins and --dispositions are optional: without margins the memo is
unweighted and says so; without dispositions RR1/RR2 come from --invited or are reported as
not computable. --previous (the previous wave's export, with --previous-roll, --previous-margins,
--previous-codebook and --crosswalk) adds "Since last year": the headline and focus measures
against that wave, by group, with members who answered both waves linked on a member key
hashed with SURVEY_TOOLS_SALT (the same salt for both waves).
"""


def _demo(args: argparse.Namespace) -> int:
    from .demo import run_demo

    run = run_demo(
        args.data,
        args.reports,
        codebook=args.codebook,
        clean_dir=args.clean,
        seed=args.seed,
        regenerate=args.regenerate,
        notebooks=None if args.no_memo else args.notebooks,
        progress=lambda line: print(line, flush=True),
    )
    print("Files written:")
    for path in run.outputs.values():
        print(f"   {path}")
    if run.memo is not None:
        print(f"Memo: {run.memo['html']}")
    return 0


def _memo(args: argparse.Namespace) -> int:
    from .report.memo import FORMATS, check_memo_inputs, render_memo

    formats = tuple(args.formats.split(","))
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        raise SurveyToolsError(
            f"Unknown memo format(s): {', '.join(unknown)}.",
            hint=f"use any of {', '.join(FORMATS)}",
        )
    paths = (
        "export",
        "codebook",
        "dictionary",
        "plan",
        "roll",
        "roll_margins",
        "dispositions",
        "previous",
        "previous_codebook",
        "previous_roll",
        "previous_margins",
        "crosswalk",
    )
    params = {
        key: str(Path(getattr(args, key)).resolve()) if getattr(args, key) else None
        for key in paths
    }
    params |= {
        key: getattr(args, key)
        for key in ("invited", "guild", "wave", "min_count", "min_base", "scale_rate", "encoding")
    }
    plan = check_memo_inputs(params)  # in a second, before the notebook runs
    print(f"Running {args.notebook} on {args.export} ({plan!r}) ...", flush=True)
    files = render_memo(
        args.notebook, params=params, out_dir=args.out, formats=formats, in_process=True
    )
    for kind, path in files.paths.items():
        print(f"   {kind}: {path}")
    print(f"Memo: {files['html'] if 'html' in files.paths else args.out}")
    return 0


def _plan_draft(args: argparse.Namespace) -> int:
    from .cleaning.codebook import Codebook
    from .report.plan import draft_plan

    out = Path(args.output)
    if out.exists() and not args.force:
        raise SurveyToolsError(f"{out} exists.", hint="pass --force to replace it")
    text = draft_plan(Codebook.from_yaml(args.codebook))
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(out)
    print(f"Wrote {out}: edit the question, groups, indicators and options, then run")
    print(f"   survey-tools memo EXPORT --codebook {args.codebook} --plan {out} --out OUT")
    return 0


def _notebooks(args: argparse.Namespace) -> int:
    from .report.series import update_notebooks

    written = update_notebooks(
        args.folder, progress=lambda line: print(f"   ... {line}", flush=True)
    )
    print(f"Updated {len(written)} notebook(s) in {args.folder}: review the diff and commit them.")
    return 0


def _draft(args: argparse.Namespace) -> int:
    from .cleaning.codebook import Codebook
    from .ingest.read import read_export

    export = read_export(args.export, encoding=args.encoding, data_dictionary=args.dictionary)
    book = Codebook.draft(export)
    out = Path(args.output or f"data/codebooks/{book.survey}.yaml")
    if out.exists() and not args.force:
        print(f"survey-tools: error: {out} exists; pass --force to replace it", file=sys.stderr)
        return 1
    book.to_yaml(out)
    print(f"Drafted {book!r} from {export!r}\nWrote {out}: check types, codes and missing codes.")
    return 0


def _clean(args: argparse.Namespace) -> int:
    from .cleaning.clean import clean
    from .cleaning.codebook import Codebook
    from .ingest.read import read_export

    export = read_export(args.export, encoding=args.encoding, data_dictionary=args.dictionary)
    cleaned = clean(export, Codebook.from_yaml(args.codebook), roll=args.roll, invited=args.invited)
    files = cleaned.write(args.out)
    print(repr(cleaned))
    print(cleaned.to_frame().to_string(index=False))
    for path in files.values():
        print(f"   {path}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    from .synth import DEMO_SEED

    parser = argparse.ArgumentParser(
        prog="survey-tools",
        description="Turn member-survey exports into weighted, disclosure-safe evidence and memos.",
    )
    from . import __version__

    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    demo = sub.add_parser(
        "demo",
        help="run the main job on the bundled synthetic survey",
        description=DEMO_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    demo.add_argument(
        "--data", default="data/raw/demo", help="demo survey folder (default: %(default)s)"
    )
    demo.add_argument(
        "--codebook",
        default="data/codebooks/guild_ai_survey_2026.yaml",
        help="demo codebook (default: %(default)s)",
    )
    demo.add_argument(
        "--clean", default="data/clean/demo", help="cleaned survey folder (default: %(default)s)"
    )
    demo.add_argument("--reports", default="reports", help="output folder (default: %(default)s)")
    demo.add_argument(
        "--seed", type=int, default=DEMO_SEED, help="generator seed (default: %(default)s)"
    )
    demo.add_argument(
        "--regenerate", action="store_true", help="write the demo survey again even if it is there"
    )
    demo.add_argument(
        "--notebooks",
        default="notebooks/reports",
        help="report notebooks folder (default: %(default)s)",
    )
    demo.add_argument("--no-memo", action="store_true", help="stop after step 6")
    demo.set_defaults(run=_demo)

    memo = sub.add_parser(
        "memo",
        help="render the briefing memo for your own export",
        description=MEMO_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    memo.add_argument("export", help="the survey export (.sav, .dta, .csv, .xlsx...)")
    memo.add_argument("--codebook", required=True, help="the YAML codebook")
    memo.add_argument("--encoding", help="text encoding, when UTF-8 or the declared one is wrong")
    memo.add_argument("--dictionary", help="REDCap data dictionary (CSV)")
    memo.add_argument("--plan", help="the analysis plan YAML (default: the standard plan)")
    memo.add_argument("--roll", help="membership roll CSV")
    memo.add_argument(
        "--margins", dest="roll_margins", help="roll margins CSV (margin,level,members)"
    )
    memo.add_argument("--dispositions", help="AAPOR dispositions CSV (aapor_group,count)")
    memo.add_argument("--invited", type=int, help="members invited (without --dispositions)")
    memo.add_argument("--guild", help="guild name for the memo header (default: the plan's)")
    memo.add_argument("--wave", help="wave label for the header (default: the plan's)")
    memo.add_argument(
        "--min-count", type=int, help="smallest count shown (default: the plan's, else 10)"
    )
    memo.add_argument(
        "--min-base", type=int, help="smallest base for a percentage (default: the plan's, 30)"
    )
    memo.add_argument("--scale-rate", type=float, help="the plan's scale_rate benchmark, USD/hour")
    memo.add_argument(
        "--previous",
        help="the previous wave's export: adds 'Since last year' (both waves are hashed with "
        "SURVEY_TOOLS_SALT to link members)",
    )
    memo.add_argument(
        "--previous-codebook", help="the previous wave's codebook (default: --codebook)"
    )
    memo.add_argument("--previous-roll", help="the previous wave's membership roll CSV")
    memo.add_argument("--previous-margins", help="the previous wave's roll margins CSV")
    memo.add_argument(
        "--crosswalk", help="crosswalk YAML between the waves (Codebook.diff drafts it)"
    )
    memo.add_argument(
        "--notebook",
        default="notebooks/reports/05_memo.ipynb",
        help="memo notebook (default: %(default)s)",
    )
    memo.add_argument("--out", required=True, help="output folder, e.g. reports/2027-wave1")
    memo.add_argument(
        "--formats", default="html,pdf,docx", help="comma-separated (default: %(default)s)"
    )
    memo.set_defaults(run=_memo)

    plans = sub.add_parser("plan", help="draft an analysis plan from a codebook")
    plan_sub = plans.add_subparsers(dest="action", required=True, metavar="ACTION")
    pdraft = plan_sub.add_parser(
        "draft",
        help="write a first analysis plan for you to edit",
        description="Write a YAML analysis plan drawn from a codebook: ordered agree-type "
        "items become options, other single choices indicators, role/age-like variables "
        "groups. Edit the question, wording and answers that count before rendering a memo.",
    )
    pdraft.add_argument("--codebook", required=True, help="the YAML codebook")
    pdraft.add_argument("-o", "--output", required=True, help="plan YAML to write")
    pdraft.add_argument("--force", action="store_true", help="replace an existing plan")
    pdraft.set_defaults(run=_plan_draft)

    nbs = sub.add_parser(
        "notebooks",
        help="re-execute the report notebooks in place (after a deliberate change)",
        description="Run every numbered notebook in FOLDER top to bottom with its default "
        "parameters (code from its paired .py file) and store the fresh outputs, which "
        "`pytest --nbval` then compares against. Do this, and commit the result, whenever the "
        "demo data, the library or a notebook changes on purpose.",
    )
    nbs.add_argument(
        "--folder", default="notebooks/reports", help="report notebooks (default: %(default)s)"
    )
    nbs.set_defaults(run=_notebooks)

    def export_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("export", help="the survey export (.sav, .dta, .csv, .xlsx...)")
        p.add_argument("--encoding", help="text encoding, when UTF-8 or the declared one is wrong")
        p.add_argument("--dictionary", help="REDCap data dictionary (CSV)")

    book = sub.add_parser("codebook", help="draft a codebook from an export")
    book_sub = book.add_subparsers(dest="action", required=True, metavar="ACTION")
    draft = book_sub.add_parser(
        "draft",
        help="write a first codebook from an export's labels, for you to edit",
        description="Write a YAML codebook drawn from the export's variable and value labels, "
        "missing codes and check-all groups. Edit it before cleaning.",
    )
    export_args(draft)
    draft.add_argument("-o", "--output", help="YAML to write (default: data/codebooks/<name>.yaml)")
    draft.add_argument("--force", action="store_true", help="replace an existing codebook")
    draft.set_defaults(run=_draft)

    cl = sub.add_parser(
        "clean",
        help="clean an export against a codebook and write data/clean/",
        description="Read the export, clean it against the codebook (quality flags, recodes, "
        "redaction), print the summary and write <name>.parquet, .codebook.json, .log.csv and "
        ".flags.csv.",
    )
    export_args(cl)
    cl.add_argument("--codebook", required=True, help="the YAML codebook")
    cl.add_argument("--roll", help="membership roll CSV (roll-linked variables, names to redact)")
    cl.add_argument("--invited", type=int, help="members invited (for RR1 and RR2)")
    cl.add_argument("--out", default="data/clean", help="output folder (default: %(default)s)")
    cl.set_defaults(run=_clean)
    return parser


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _os_error(exc: OSError) -> str:
    """An operating-system error (disk full, no permission...) as one line with the fix."""
    where = f" ({exc.filename})" if exc.filename else ""
    fixes = {
        errno.ENOSPC: "free disk space (or write to another disk with --out) and run again",
        errno.EDQUOT: "free disk space within your quota and run again",
        errno.EACCES: "check that you may write there, or choose another --out",
        errno.EPERM: "check that you may write there, or choose another --out",
        errno.EROFS: "the disk is read-only: choose another --out",
        errno.ENOTDIR: "a part of the path is a file, not a folder: fix the path",
        errno.ENOENT: "check the path",
    }
    fix = fixes.get(exc.errno, "check the path and the disk, then run again")
    return f"{exc.strerror or exc}{where}. Fix: {fix}"


def _check_options(args: argparse.Namespace) -> None:
    """Options every command shares, checked before any work: the output folder, thresholds."""
    out = getattr(args, "out", None)
    if out is not None:
        path = Path(out)
        blocker = next((p for p in (path, *path.parents) if p.exists()), None)
        if blocker is not None and not blocker.is_dir():
            raise OutputError(
                f"--out {out}: {blocker} is a file, not a folder.",
                hint="give a folder (it is created if absent)",
            )
    if getattr(args, "min_count", None) is not None and getattr(args, "min_base", None) is not None:
        from .disclosure.thresholds import STANDARD, check_thresholds

        check_thresholds(args.min_count, args.min_base, STANDARD["dominance"], 1.0)


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """A warning as the command line prints it: what and the fix, not our source line."""
    print(f"survey-tools: warning: {message}", file=file or sys.stderr)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; every error is one line on stderr (exit 1), Ctrl-C exits 130.

    An unexpected error (a bug) is one line too; set ``SURVEY_TOOLS_TRACEBACK=1`` to see
    the traceback.
    """
    args = build_parser().parse_args(argv)
    try:
        with warnings.catch_warnings():
            warnings.showwarning = _show_warning
            _check_options(args)
            return args.run(args)
    except KeyboardInterrupt:
        print("survey-tools: interrupted (Ctrl-C).", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (`survey-tools ... | head`): stop quietly
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except SurveyToolsError as exc:
        print(f"survey-tools: error: {_one_line(exc)}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"survey-tools: error: {_one_line(_os_error(exc))}", file=sys.stderr)
        return 1
    except Exception as exc:
        if os.environ.get("SURVEY_TOOLS_TRACEBACK"):
            raise
        print(
            f"survey-tools: internal error: {type(exc).__name__}: {_one_line(exc)} (a bug: "
            "please report it; SURVEY_TOOLS_TRACEBACK=1 shows the traceback)",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
