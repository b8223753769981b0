"""How Models Learn: the helpers every lesson notebook imports.

Importing this package is cheap: it loads NumPy only when a check runs and
never imports torch, so a notebook's first cell stays fast.
"""

__version__ = "0.1.0"


def progress() -> None:
    """Show every lesson's exercises: which pass, which fail (and the last mistake a check named), which you have
    not tried, and the hints each took. Kept on your computer only; it plays no part in grading."""
    from .progress_report import show

    show()

