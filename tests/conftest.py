from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "data" / "raw" / "demo"
SHARED = ROOT.parent / "shared"


def pytest_sessionstart(session):
    """Reference data is read from ../shared (beside the clone, as in CI); say so if it is not."""
    if not (SHARED / "reference" / "r-survey-api").is_dir():
        raise pytest.UsageError(
            f"{SHARED} not found: the tests read R's reference data sets from shared/ beside "
            "the project folder (CI clones it there). Clone the project next to shared/."
        )


@pytest.fixture(scope="session")
def demo_files():
    """The bundled demo survey as committed in data/raw/demo."""
    from survey_tools.synth import DEMO_FILES, WAVE_FILES

    files = {kind: DEMO / name for kind, name in (DEMO_FILES | WAVE_FILES).items()}
    missing = [str(p) for p in files.values() if not p.exists()]
    assert not missing, f"bundled demo files missing: {missing}; run `make demo`"
    return files


@pytest.fixture(scope="session")
def truth(demo_files):
    import json

    return json.loads(demo_files["truth"].read_text(encoding="utf-8"))
