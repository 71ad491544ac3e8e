"""The ``survey-tools`` command line."""

from __future__ import annotations

import argparse
import sys

from ._errors import SurveyToolsError

DEMO_HELP = """\
Run the main job on the bundled synthetic guild member survey.

Steps:
  1. demo data   generate the synthetic survey into DATA (an SPSS .sav, a Qualtrics-style
                 and a SurveyMonkey-style CSV, the membership roll, its published margins,
                 the AAPOR dispositions and truth.json), unless it is already there;
  2. fieldwork   AAPOR response rates RR1 and RR2 from the dispositions;
  3. representation
                 respondents against the roll on each published margin (role group,
                 region, age band, membership status): shows the nonresponse bias that
                 weighting must correct;
  4. weighting   rake the respondents to the roll's margins, with the Kish effective
                 sample size and weighting design effect;
  5. estimates   share of members who knowingly lost work to AI in the past 12 months,
                 unweighted and weighted, by role group, with design-based 95% intervals
                 (logit), assuming respondents are a random sample within weighting cells.
Outputs go to REPORTS/demo/.
"""


def _demo(args: argparse.Namespace) -> int:
    from ._pipeline import run_demo

    run = run_demo(args.data, args.reports, seed=args.seed, regenerate=args.regenerate)
    print(
        f"1. demo data: {'generated (seed ' + str(args.seed) + ')' if run.generated else 'found'}"
        f" in {args.data}"
    )
    r = run.rates
    print(
        f"2. fieldwork: {r['invited']:,} invited, {r['completes']:,} complete, "
        f"{r['partials']:,} partial; RR1 {r['rr1']:.1%}, RR2 {r['rr2']:.1%}"
    )
    print("3. representation: respondents vs roll written")
    w = run.weighting
    print(
        f"4. weighting: raked to the roll in {w.iterations} passes; effective sample "
        f"{w.effective_n:,.0f} of {w.n:,} (design effect {w.deff_weighting:.2f})"
    )
    total = run.estimates.iloc[0]
    print(
        f"5. estimates: knowingly lost work to AI: {total['unweighted']:.1%} unweighted, "
        f"{total['estimate']:.1%} weighted (95% CI {total['ci_low']:.1%} to "
        f"{total['ci_high']:.1%}, n = {total['n']:,})"
    )
    for path in run.outputs.values():
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
    demo.add_argument("--reports", default="reports", help="output folder (default: %(default)s)")
    demo.add_argument(
        "--seed", type=int, default=DEMO_SEED, help="generator seed (default: %(default)s)"
    )
    demo.add_argument(
        "--regenerate", action="store_true", help="write the demo survey again even if it is there"
    )
    demo.set_defaults(run=_demo)
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
