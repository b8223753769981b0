"""Does the prose of every lesson quote only numbers its own outputs print?

A number in a markdown cell (a decimal such as 0.0906, or a count such as 1,257) must appear in the text a
code cell of the same notebook prints, or be the rounding of a number printed there, or be written in a code
cell (a setting such as 200,000 examples). The few that are neither (arithmetic done in the prose itself, or a
number shown in a picture's title only) are listed below with the reason, so that an output that changes
cannot leave the prose behind unnoticed. Maths (``$...$``), code spans and links are not read.
"""

from __future__ import annotations

import re

import nbformat
import pytest

from hml_grader.paths import SOLUTIONS, lessons

QUOTED = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+\.\d+)(?![\w])")
PRINTED = re.compile(r"-?\d[\d,]*(?:\.\d+)?(?:e[-+]?\d+)?")

NOT_PRINTED = {
    "03_gradient_descent": {"0.000142": "the title of the converging run's loss plot"},
    "04_minibatches": {
        "1,563": "the question's answer, worked in the prose", "15,620": "a wrong option: 10 x 1,562, rounded down",
        "15,625": "a wrong option: 10 x 1562.5, not rounded",
    },
    "06_optimizers": {"3.16": "0.1 / sqrt(0.001), worked in the prose"},
    "07_early_stopping": {
        "0.0001": "an example of a tiny improvement", "1.8": "the question's losses", "1.75": "the question's losses",
        "1.7": "the question's losses", "0.068": "the title of degree 3's picture",
    },
    "08_pytorch_loop": {"11,700": "the question's answer, worked in the prose"},
    "09_capstone": {
        "359.4": "the question's split, worked in the prose", "1,438": "the question's split, worked in the prose",
        "287.6": "the question's split, worked in the prose", "17.97": "the question's 1,150 / 64, worked",
        "1,088": "the question's 17 full batches of 64, worked", "4.0": "the digits' licence, CC BY 4.0",
    },
}


def _readable(markdown: str) -> str:
    """The prose without its maths, code spans and links (an address is not a quoted number)."""
    markdown = re.sub(r"\[[^\]]*\]\([^)]*\)", " ", markdown)
    markdown = re.sub(r"\$\$.*?\$\$", " ", markdown, flags=re.S)
    markdown = re.sub(r"\$[^$]*\$", " ", markdown)
    return re.sub(r"`[^`]*`", " ", markdown)


def _printed_text(nb) -> str:
    found = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for output in cell.outputs:
            if output.output_type == "stream":
                found.append(output.text)
            elif "text/plain" in output.get("data", {}):
                found.append(output.data["text/plain"])
    return "\n".join(found)


def _decimals(token: str) -> int:
    mantissa = token.lower().split("e")[0]
    return len(mantissa.split(".")[1]) if "." in mantissa else 0


def _as_printed(number: str, printed: set[str]) -> bool:
    """Whether ``number`` (as the prose writes it) is one of the printed numbers, or one of them rounded: a printed
    number at least as precise, within half a unit of the quoted number's last digit (give or take its own)."""
    plain = number.replace(",", "")
    if plain in printed:
        return True
    value, half = float(plain), 0.5 * 10.0 ** -_decimals(plain)
    for token in printed:
        try:
            other = float(token)
        except ValueError:
            continue
        finer = _decimals(token) >= _decimals(plain)  # a number can only be rounded from one at least as precise
        if finer and "e" not in token.lower() and abs(other - value) <= half + 0.5 * 10.0 ** -_decimals(token) + 1e-12:
            return True
    return False


def quoted_but_not_printed(nb) -> list[str]:
    """The numbers the prose of ``nb`` quotes that none of its outputs or code cells has."""
    printed = {t.replace(",", "") for t in PRINTED.findall(_printed_text(nb))}
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    missing = []
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for number in QUOTED.findall(_readable(cell.source)):
            if number in code or number.replace(",", "_") in code or _as_printed(number, printed):
                continue
            missing.append(number)
    return missing


@pytest.mark.parametrize("lesson", [p.stem for p in lessons()])
def test_the_prose_quotes_what_the_outputs_print(lesson):
    """Does every number the lesson's prose quotes come from what its cells print (or is it listed, with why), and
    is every listed number still quoted and still not printed?"""
    nb = nbformat.read(SOLUTIONS / f"{lesson}.ipynb", as_version=4)
    missing, allowed = set(quoted_but_not_printed(nb)), set(NOT_PRINTED.get(lesson, {}))
    assert (sorted(missing - allowed), sorted(allowed - missing)) == ([], [])


def test_a_number_that_drifted_is_caught():
    """Is a prose number that no output prints any more reported (the check above can fail)?"""
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("print(loss)")
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="loss after it 0.0906\n")]
    nb.cells = [cell, nbformat.v4.new_markdown_cell("It is already at 0.0906, and 0.091, not 0.0913 or 1,257.")]
    assert quoted_but_not_printed(nb) == ["0.0913", "1,257"]
