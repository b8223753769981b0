"""Opening the notebooks on Colab and Binder.

Every notebook starts with a badge line (Colab and Binder, both opening that
notebook's learner copy in ``notebooks/``) and a setup cell, :data:`SETUP_CELL`.
On Colab the cell installs this package from the repository, the one step that
cannot live inside the package, and then calls :func:`setup`. Anywhere else
(JupyterLab, Binder, nbgrader) it does nothing and prints nothing.
"""

from __future__ import annotations

import sys

REPOSITORY = "how-models-learn/how-models-learn"
"""The GitHub repository (owner/name) that the badges and the Colab install point at."""
BRANCH = "main"

REQUIREMENT = f"how-models-learn @ git+https://github.com/{REPOSITORY}@{BRANCH}"
"""What the setup cell pip-installs on Colab: this package, straight from the repository."""

SETUP_CELL = f"""\
import importlib.util
import sys

if "google.colab" in sys.modules:  # on Colab only: install the course package, then switch on widgets
    if importlib.util.find_spec("lesson_utils") is None:
        %pip install -q "{REQUIREMENT}"
    from lesson_utils.colab import setup

    setup()"""
"""The source of every notebook's first code cell."""

COLAB_BADGE = "https://colab.research.google.com/assets/colab-badge.svg"
BINDER_BADGE = "https://mybinder.org/badge_logo.svg"


def colab_url(path: str) -> str:
    """The address that opens ``path`` (e.g. ``notebooks/01_loss_functions.ipynb``) on Colab."""
    return f"https://colab.research.google.com/github/{REPOSITORY}/blob/{BRANCH}/{path}"


def binder_url(path: str) -> str:
    """The address that opens JupyterLab on ``path`` (a notebook or a folder) on Binder."""
    return f"https://mybinder.org/v2/gh/{REPOSITORY}/{BRANCH}?urlpath=lab/tree/{path}"


def badges(path: str) -> str:
    """The Markdown badge line of the notebook at ``path``."""
    return f"[![Open in Colab]({COLAB_BADGE})]({colab_url(path)}) [![Binder]({BINDER_BADGE})]({binder_url(path)})"


def in_colab() -> bool:
    """Is this kernel running on Colab?"""
    return "google.colab" in sys.modules


def setup() -> None:
    """On Colab, let the notebook's widgets render; anywhere else, do nothing.

    Colab draws only its own built-in widgets until the custom widget manager
    is switched on; JupyterLab and Binder need nothing.
    """
    if not in_colab():
        return
    from google.colab import output

    output.enable_custom_widget_manager()
