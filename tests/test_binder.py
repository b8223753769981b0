"""Opening the course on Binder and Colab: does every badge (README and
notebooks) point at this repository and at a file that exists, each
notebook's at itself, and would repo2docker build the repository?"""

from __future__ import annotations

import re

import nbformat
import pytest
import yaml

from hml_grader.paths import NOTEBOOKS, ROOT, SOLUTIONS, lessons
from lesson_utils import colab

BADGE = re.compile(r"\[!\[(?P<alt>[^\]]*)\]\((?P<image>[^)\s]+)\)\]\((?P<url>[^)\s]+)\)")
COLAB = re.compile(r"https://colab\.research\.google\.com/github/(?P<repo>[^/]+/[^/]+)/blob/(?P<branch>[^/]+)/(?P<path>.+)")
BINDER = re.compile(r"https://mybinder\.org/v2/gh/(?P<repo>[^/]+/[^/]+)/(?P<branch>[^?]+)\?urlpath=lab/tree/(?P<path>.+)")
KINDS = {"colab": (COLAB, colab.COLAB_BADGE), "binder": (BINDER, colab.BINDER_BADGE)}

NOTEBOOK_PATHS = lessons(SOLUTIONS) + [NOTEBOOKS / p.name for p in lessons(SOLUTIONS)]


def badges_in(markdown: str) -> list[dict[str, str]]:
    """Every Colab or Binder badge in a Markdown text: its kind, image, repository, branch and path."""
    found = []
    for badge in BADGE.finditer(markdown):
        for kind, (pattern, image) in KINDS.items():
            match = pattern.fullmatch(badge["url"])
            if match or badge["image"] == image:
                found.append({"kind": kind, "image": badge["image"], "url": badge["url"],
                              **(match.groupdict() if match else {"repo": None, "branch": None, "path": None})})
    return found


def problems(badge: dict[str, str]) -> list[str]:
    """What is wrong with one badge (empty when nothing is)."""
    wrong = []
    if badge["image"] != KINDS[badge["kind"]][1]:
        wrong.append(f"{badge['url']}: image {badge['image']} is not the {badge['kind']} badge")
    if badge["repo"] is None:
        return [*wrong, f"{badge['url']} is not a {badge['kind']} address"]
    if badge["repo"] != colab.REPOSITORY:
        wrong.append(f"{badge['url']}: repository {badge['repo']}, not {colab.REPOSITORY}")
    if badge["branch"] != colab.BRANCH:
        wrong.append(f"{badge['url']}: branch {badge['branch']}, not {colab.BRANCH}")
    if not (ROOT / badge["path"]).exists():
        wrong.append(f"{badge['url']}: {badge['path']} does not exist")
    return wrong


def notebook_badges(path) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """The badges of a notebook's first cell, and those anywhere else in it."""
    nb = nbformat.read(path, as_version=4)
    first, *rest = (c for c in nb.cells if c.cell_type == "markdown")
    return badges_in(first.source), [b for c in rest for b in badges_in(c.source)]


def test_readme_badges_point_at_files_that_exist():
    """Do the README's Binder and Colab badges open this repository, on files that exist?"""
    found = badges_in((ROOT / "README.md").read_text())
    assert sorted(b["kind"] for b in found) == ["binder", "colab"]
    assert [p for b in found for p in problems(b)] == []


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=[f"{p.parent.name}/{p.stem}" for p in NOTEBOOK_PATHS])
def test_each_notebook_has_badges_that_open_its_learner_copy(path):
    """Does each notebook's first cell carry one Colab and one Binder badge, both opening its own learner copy?"""
    first, elsewhere = notebook_badges(path)
    assert elsewhere == []
    assert sorted(b["kind"] for b in first) == ["binder", "colab"]
    assert [p for b in first for p in problems(b)] == []
    assert {b["path"] for b in first} == {f"notebooks/{path.name}"}
    assert badges_in(colab.badges(f"notebooks/{path.name}")) == first


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("https://colab.research.google.com/github/someone/else/blob/main/notebooks/01_loss_functions.ipynb",
         "repository someone/else"),
        ("https://colab.research.google.com/github/{repo}/blob/master/notebooks/01_loss_functions.ipynb",
         "branch master"),
        ("https://colab.research.google.com/github/{repo}/blob/main/notebooks/09_missing.ipynb",
         "notebooks/09_missing.ipynb does not exist"),
        ("https://colab.research.google.com/{repo}/notebooks/01_loss_functions.ipynb", "is not a colab address"),
    ],
    ids=["other-repository", "other-branch", "missing-notebook", "not-an-address"],
)
def test_a_wrong_badge_is_reported(url, problem):
    """Would a badge to another repository, another branch or a missing file be caught, and say which?"""
    url = url.format(repo=colab.REPOSITORY)
    found = badges_in(f"[![Open in Colab]({colab.COLAB_BADGE})]({url})")
    assert len(found) == 1
    assert any(problem in p for p in problems(found[0]))


OTHER_BUILD_PACKS = ["Dockerfile", "default.nix", "Project.toml", "REQUIRE", "install.R"]
"""Files that would make repo2docker build with something other than environment.yml."""


def test_repo2docker_builds_from_environment_yml():
    """Would repo2docker use environment.yml alone, with the whole repository in place before `pip install -e .`?"""
    assert not (ROOT / "binder").exists() and not (ROOT / ".binder").exists()
    assert [name for name in OTHER_BUILD_PACKS if (ROOT / name).exists()] == []
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert isinstance(env, dict) and env["channels"] == ["conda-forge"]
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    assert re.fullmatch(r"python=3\.\d+", next(d for d in conda if d.startswith("python")))
    assert "pip" in conda  # a pip: section needs pip in the environment
    # repo2docker copies the whole repository before installing when a pip line is local ("-e ." is)
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip
    assert "jupyterlab>=4.0" in conda
