"""The ``survey-tools`` command line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import SurveyToolsError

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
                 (logit), assuming respondents are a random sample within weighting cells.
Outputs go to REPORTS/demo/.
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
    )
    print(
        f"1. demo data: {'generated (seed ' + str(args.seed) + ')' if run.generated else 'found'}"
        f" in {args.data}"
    )
    r = run.rates
    print(
        f"2. fieldwork: {r['invited']:,} invited, {r['completes']:,} complete, "
        f"{r['partials']:,} partial; RR1 {r['rr1']:.1%}, RR2 {r['rr2']:.1%}"
    )
    s = run.cleaned.summary
    print(
        f"3. cleaning: {s['received']:,} responses, {s['kept']:,} kept "
        f"({s['completes']:,} complete, {s['partials']:,} partial); excluded "
        + ", ".join(f"{n:,} {k}" for k, n in s["excluded"].items())
        + "; flagged "
        + ", ".join(f"{n:,} {k}" for k, n in s["flagged"].items() if k != "partial")
        + (
            "; the Qualtrics CSV cleans to the same data"
            if run.same_as_qualtrics
            else "; WARNING: the Qualtrics CSV cleans to different data"
        )
    )
    print("4. representation: respondents vs roll written")
    w = run.weighting
    print(
        f"5. weighting: raked to the roll in {w.iterations} passes; effective sample "
        f"{w.effective_n:,.0f} of {w.n:,} (design effect {w.deff_weighting:.2f})"
    )
    total = run.estimates.iloc[0]
    print(
        f"6. estimates: knowingly lost work to AI: {total['unweighted']:.1%} unweighted, "
        f"{total['estimate']:.1%} weighted (95% CI {total['ci_low']:.1%} to "
        f"{total['ci_high']:.1%}, n = {total['n']:,})"
    )
    for path in run.outputs.values():
        print(f"   {path}")
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
    demo.set_defaults(run=_demo)

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


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except SurveyToolsError as exc:
        print(f"survey-tools: error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
