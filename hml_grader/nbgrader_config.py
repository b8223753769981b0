# nbgrader configuration for How Models Learn. `how-models-learn-grade course DIR`
# copies this file into an nbgrader course directory.
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbgrader.converters import Autograde
from nbgrader.preprocessors import ClearHiddenTests, Execute, GetGrades

from hml_grader.feedback import HideTestTracebacks
from hml_grader.steady import SteadyExecute

c = get_config()  # noqa: F821 (nbgrader provides it)

c.CourseDirectory.course_id = "how-models-learn"
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.Execute.timeout = 120
# nbgrader's Execute, except that a widget cell's reply lost under load costs a quarter of a
# second, not the 120 s time-out (nbclient issue #312; see hml_grader/steady.py).
c.Autograde.autograde_preprocessors = [
    SteadyExecute if step is Execute else step
    for step in Autograde.class_traits()["autograde_preprocessors"].default()
]

# Feedback shows the learner the check's diagnosis, never the hidden tests:
# the hidden-test regions are cut out of the test cells and tracebacks in
# grade cells are reduced to one line.
c.GenerateFeedback.preprocessors = [
    GetGrades,
    ClearHiddenTests,
    HideTestTracebacks,
    CSSHTMLHeaderPreprocessor,
]
