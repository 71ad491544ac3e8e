"""The weighted theme shares' intervals cover the true shares in a small simulation.

The full run is ``benchmarks/comment_coverage.py`` (200 replicates); this runs a few of its
replicates: fresh comments and a fresh self-selected sample of the demo federation each time,
raked to the roll, coded with the standard codebook, through disclosure control.
"""

import importlib.util

from conftest import ROOT


def test_intervals_cover_the_true_theme_shares():
    spec = importlib.util.spec_from_file_location(
        "comment_coverage", ROOT / "benchmarks" / "comment_coverage.py"
    )
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    table = bench.simulate(6, 2027)
    result = bench.summary(table)
    assert result["overall_rows"]["intervals"] >= 80
    assert result["overall_rows"]["coverage"] >= 0.88, result
    assert result["base=commenters"]["coverage"] >= 0.88, result
    assert table["truth"].between(0, 1).all()
