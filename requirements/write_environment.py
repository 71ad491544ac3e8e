"""Mirror requirements/lock.txt into environment.yml so conda users get CI's exact pins."""

from pathlib import Path

root = Path(__file__).resolve().parent.parent
pins = [
    line.strip()
    for line in (root / "requirements" / "lock.txt").read_text().splitlines()
    if line.strip() and not line.startswith("#")
]
lines = [
    "# Generated from requirements/lock.txt by `make lock`; do not edit by hand.",
    "name: survey-tools",
    "channels:",
    "  - conda-forge",
    "dependencies:",
    "  - python=3.11",
    "  - pip",
    "  - pip:",
    *(f"      - {pin}" for pin in pins),
    "      - -e .",
    "",
]
(root / "environment.yml").write_text("\n".join(lines))
