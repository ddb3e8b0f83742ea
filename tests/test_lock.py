"""The lock files in requirements/ are what every install uses (`make run`, `make test`, CI).

pyproject.toml keeps the ranges; these tests fail when a range changed (or a dependency was
added) without `make lock`, so a merged branch cannot leave the lock behind its ranges.
"""

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s;\\]+)")


def pins(name):
    found = {}
    text = (ROOT / "requirements" / name).read_text()
    for line in text.splitlines():
        if match := PIN.match(line):
            found[canonicalize_name(match[1])] = match[2]
    return found, text


def project():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


@pytest.mark.parametrize(
    ("lock", "requirements"),
    [
        ("base.txt", project()["dependencies"]),
        ("dev.txt", project()["dependencies"] + project()["optional-dependencies"]["dev"]),
    ],
)
def test_every_range_in_pyproject_is_pinned_in_the_lock(lock, requirements):
    locked, _ = pins(lock)
    for line in requirements:
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{name} is in pyproject.toml but not in requirements/{lock}: run make lock"
        assert requirement.specifier.contains(locked[name], prereleases=True), (
            f"requirements/{lock} pins {name}=={locked[name]}, outside {requirement.specifier}: run make lock"
        )


@pytest.mark.parametrize("lock", ["base.txt", "dev.txt"])
def test_every_pin_has_a_hash(lock):
    _, text = pins(lock)
    entries = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2])
    for entry in entries:
        if PIN.match(entry):
            assert "--hash=sha256:" in entry, entry.splitlines()[0]


def test_dev_lock_pins_the_runtime_dependencies_at_the_same_versions():
    base, _ = pins("base.txt")
    dev, _ = pins("dev.txt")
    assert {name: dev.get(name) for name in base} == base
