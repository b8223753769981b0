"""How Models Learn: the helpers every lesson notebook imports.

Importing this package is cheap: it loads NumPy only when a check runs and
never imports torch, so a notebook's first cell stays fast.
"""

__version__ = "0.1.0"
