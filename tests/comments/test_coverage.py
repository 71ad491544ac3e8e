"""The weighted theme shares' intervals cover the true shares in a small simulation.

The full run is ``benchmarks/comment_coverage.py`` (200 replicates); this runs a few of its
replicates: fresh comments and a fresh self-selected sample of the demo federation each time,
raked to the roll, coded with the standard codebook; cells a memo could publish.
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
    assert result["publishable"]["intervals"] >= 150
    assert 0.9 <= result["publishable"]["coverage"] <= 0.99, result
    assert table["truth"].between(0, 1).all()
