"""The exact pins: requirements/lock.txt, environment.yml and pyproject.toml agree."""

import tomllib

import yaml
from packaging.requirements import Requirement
from packaging.version import Version

from conftest import ROOT


def _lock() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements" / "lock.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, version = line.strip().split("==")
            pins[name.lower().replace("_", "-")] = version
    return pins


def test_environment_yml_carries_the_lock_pins():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    pins = {}
    for entry in pip:
        if "==" in entry:
            name, version = entry.split("==")
            pins[name.lower().replace("_", "-")] = version
    assert pins == _lock(), "run `make lock` to mirror requirements/lock.txt into environment.yml"
    assert "python=3.11" in env["dependencies"]


def test_lock_satisfies_every_lower_bound_in_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    lock = _lock()
    wanted = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        wanted += extra
    for spec in map(Requirement, wanted):
        name = spec.name.lower().replace("_", "-")
        assert name in lock, f"{name} is not pinned in requirements/lock.txt"
        assert spec.specifier.contains(Version(lock[name])), f"{name}=={lock[name]} violates {spec}"
        assert not any(s.operator in ("==", "<", "<=", "~=") for s in spec.specifier), (
            f"pyproject.toml should give lower bounds only, not {spec}"
        )
