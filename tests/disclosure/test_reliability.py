"""NCHS-style reliability flags on estimate tables."""

import numpy as np
import pandas as pd
import pytest

from survey_tools import PrivacyError, SurveyDesign, flag_reliability
from survey_tools.disclosure import CAUTION, UNRELIABLE


def _table(**cols):
    base = {"role": ["r"] * len(next(iter(cols.values())))}
    return pd.DataFrame({**base, **cols})


def test_thresholds_on_rse_and_base():
    est = _table(
        estimate=[10.0, 10.0, 10.0, 10.0, 10.0],
        se=[2.9, 3.1, 5.0, 5.1, 1.0],
        n=[500, 500, 500, 500, 29],
    )
    flags = flag_reliability(est)["reliability"].tolist()
    assert flags == ["", CAUTION, CAUTION, UNRELIABLE, UNRELIABLE]


def test_effective_sample_size_uses_deff_and_is_capped_at_n():
    est = _table(estimate=[5.0] * 4, se=[0.1] * 4, n=[60] * 4, deff=[1.9, 2.1, 0.5, np.inf])
    out = flag_reliability(est, details=True)
    assert out["n_eff"].tolist() == pytest.approx([60 / 1.9, 60 / 2.1, 60.0, 60.0])
    assert out["reliability"].tolist() == ["", CAUTION, "", ""]


def test_proportions_use_the_korn_graubard_effective_size():
    # p = 0.5, se = 0.1 -> n_eff = 0.25 / 0.01 = 25 < 30 although n = 100
    est = _table(level=["Yes"], estimate=[0.5], se=[0.1], n=[100])
    out = flag_reliability(est, details=True)
    assert out["n_eff"].iloc[0] == pytest.approx(25.0)
    assert out["reliability"].iloc[0] == CAUTION


def test_thresholds_are_configurable_and_checked():
    est = _table(estimate=[10.0], se=[3.5], n=[40])
    assert flag_reliability(est)["reliability"].iloc[0] == CAUTION
    assert flag_reliability(est, caution_rse=0.4)["reliability"].iloc[0] == ""
    assert flag_reliability(est, min_base=50)["reliability"].iloc[0] == UNRELIABLE
    with pytest.raises(PrivacyError, match="out of order"):
        flag_reliability(est, caution_rse=0.6, unreliable_rse=0.5)
    with pytest.raises(PrivacyError, match=r"lacks \['se'\]"):
        flag_reliability(est.drop(columns="se"))


def test_flags_on_a_design_estimate_and_input_untouched():
    rng = np.random.default_rng(3)
    role = np.repeat(["TV writer", "Narrator"], [300, 20])
    data = pd.DataFrame(
        {"role": role, "lost": rng.choice(["Yes", "No"], size=320), "w": np.ones(320)}
    )
    est = SurveyDesign(data, weights="w").proportion("lost", by="role")
    before = est.copy()
    out = flag_reliability(est)
    pd.testing.assert_frame_equal(est, before)
    assert (out.loc[out["role"] == "Narrator", "reliability"] == UNRELIABLE).all()
    assert (out.loc[out["role"] == "TV writer", "reliability"] == "").all()
