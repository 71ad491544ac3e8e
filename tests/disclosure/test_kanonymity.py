"""k-anonymity over quasi-identifiers and the extract guard."""

import numpy as np
import pandas as pd
import pytest

from survey_tools import PrivacyError, k_anonymity, require_k_anonymity
from survey_tools.disclosure import GUILD_QUASI_IDENTIFIERS, write_extract


@pytest.fixture
def members():
    rng = np.random.default_rng(5)
    n = 200
    data = pd.DataFrame(
        {
            "role_primary": rng.choice(["TV writer", "Voice actor"], size=n),
            "region": rng.choice(["West", "East"], size=n),
            "age_band": rng.choice(["25-34", "35-44"], size=n),
            "gender": rng.choice(["Woman", "Man"], size=n),
            "years_exp": rng.integers(1, 40, size=n),
        }
    )
    # one colorist in the South with no gender given: a group of one, missing value included
    data.loc[0, ["role_primary", "region", "gender"]] = ["Colorist", "South", None]
    return data


def test_smallest_group_and_records_at_risk(members):
    check = k_anonymity(members, ["role_primary", "region", "gender"], k=5)
    assert not check.passes and check.smallest == 1
    sizes = members.groupby(["role_primary", "region", "gender"], dropna=False).size()
    assert check.at_risk == sizes[sizes < 5].sum() >= 1
    assert check.groups["records"].is_monotonic_increasing
    assert check.groups["records"].sum() == len(members)
    first = check.groups.iloc[0]
    assert first["role_primary"] == "Colorist" and pd.isna(first["gender"])
    assert check.to_frame()["at_risk"].sum() == check.groups_at_risk
    assert "FAILS k=5" in repr(check)


def test_raw_years_make_records_unique_and_bins_fix_it(members):
    data = members.iloc[1:]
    raw = k_anonymity(data, ["role_primary", "years_exp"], k=5)
    banded = k_anonymity(data, ["role_primary", "years_exp"], k=5, bins={"years_exp": [0, 20, 40]})
    assert raw.at_risk > banded.at_risk
    assert banded.passes and banded.smallest >= 5


def test_default_quasi_identifiers(members):
    check = k_anonymity(members)
    assert check.quasi_identifiers == GUILD_QUASI_IDENTIFIERS
    assert check.at_risk > 0


def test_guard_returns_data_or_raises_without_values(members):
    safe = members.iloc[1:]
    assert require_k_anonymity(safe, ["role_primary", "region"], k=5) is safe
    with pytest.raises(PrivacyError, match="not 5-anonymous") as info:
        require_k_anonymity(members, ["role_primary", "region"], k=5)
    message = str(info.value)
    assert "smallest group has 1 record" in message and "Fix:" in message
    assert "Colorist" not in message and "South" not in message


def test_missing_columns_are_named(members):
    with pytest.raises(PrivacyError, match="race"):
        k_anonymity(members, ["role_primary", "race"])
    with pytest.raises(PrivacyError, match="bins names"):
        k_anonymity(members, ["role_primary"], bins={"years_exp": [0, 10]})


def test_the_guard_returns_the_bands_it_checked(members):
    data = members.iloc[1:]
    out = require_k_anonymity(
        data, ["role_primary", "years_exp"], k=5, bins={"years_exp": [0, 20, 40]}
    )
    assert out is not data and out["years_exp"].nunique() == 2
    assert data["years_exp"].nunique() > 2  # the input is untouched


def test_write_extract_writes_only_safe_files(members, tmp_path):
    qi = ["role_primary", "region"]
    written = write_extract(members.iloc[1:], tmp_path / "x.csv", quasi_identifiers=qi)
    assert len(pd.read_csv(written)) == len(members) - 1
    with pytest.raises(PrivacyError, match="not 5-anonymous"):
        write_extract(members, tmp_path / "y.parquet", quasi_identifiers=qi)
    assert not (tmp_path / "y.parquet").exists()
    with pytest.raises(PrivacyError, match="unknown file type"):
        write_extract(members.iloc[1:], tmp_path / "z.xlsx", quasi_identifiers=qi)


def test_an_extract_csv_keeps_hostile_cells_inert(tmp_path):
    data = pd.DataFrame(
        {
            "role_primary": ['=HYPERLINK("http://x")'] * 6,
            "region": ["@West"] * 6,
            "comment": ["+1 555 0100", "-3.5", "\tx", "-cmd", "ok", "'=q"],
            "score": [-1.5] * 6,
        }
    )
    path = write_extract(data, tmp_path / "x.csv", quasi_identifiers=["role_primary", "region"])
    text = path.read_text(encoding="utf-8")
    assert "\n=" not in text and ",=" not in text and ",@" not in text and ",+" not in text
    assert "'=HYPERLINK" in text and "'@West" in text and "'+1 555 0100" in text
    back = pd.read_csv(path)
    assert back["score"].tolist() == [-1.5] * 6 and back.loc[1, "comment"] == "-3.5"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.csv"]  # no temporary file left
