"""Does environment.yml (Binder, conda) ask for what pyproject.toml asks for?"""

from __future__ import annotations

import re

import tomllib
import yaml

from hml_grader.paths import ROOT

CONDA_NAMES = {"torch": "pytorch"}
"""PyPI name -> conda-forge name, where they differ."""


def requirement(spec: str) -> tuple[str, str]:
    """('numpy', '>=1.23') from 'numpy>=1.23'."""
    match = re.fullmatch(r"([A-Za-z0-9_.\-]+)\s*(.*)", spec.strip())
    assert match, spec
    return match.group(1).lower(), match.group(2).replace(" ", "")


def load():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    return project, env


def test_same_dependencies_as_the_package():
    """Does environment.yml list every runtime and lab dependency of pyproject.toml, with the same bounds?"""
    project, env = load()
    wanted = dict(requirement(s) for s in project["dependencies"] + project["optional-dependencies"]["lab"])
    wanted = {CONDA_NAMES.get(name, name): bound for name, bound in wanted.items()}
    conda = {}
    for entry in env["dependencies"]:
        if isinstance(entry, str):
            name, bound = requirement(entry.split("=", 1)[0] if "=*=" in entry else entry)
            conda[name] = bound
    conda.pop("python")
    conda.pop("pip")
    assert conda == {**wanted, "pytorch": ""}
    assert wanted["pytorch"].startswith(">=")


def test_cpu_pytorch_from_conda_forge_and_the_package_itself():
    """Does Binder get CPU PyTorch from conda-forge and the course package from this folder?"""
    _, env = load()
    assert env["channels"] == ["conda-forge"]
    assert "pytorch=*=cpu*" in env["dependencies"]
    pip = next(e["pip"] for e in env["dependencies"] if isinstance(e, dict))
    assert pip == ["-e ."]
