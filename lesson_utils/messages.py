"""The sentences every check shares: headers, per-case lines, summaries, and what is wrong with a returned value
in general. A sentence about one lesson's exercises lives in that lesson's ``messages`` module, and nowhere else
is a sentence a learner reads written: a lesson's module never redefines one of these.

Tests match these by exact text, so a change of wording is a visible change.
Placeholders are filled with ``str.format``.
"""

HEADER = (
    "Checking {signature} on {n} cases "
    "(values must match the reference within rtol={rtol:g}, atol={atol:g})."
)
HEADER_FLOAT32 = (
    "Checking {signature} on {n} cases "
    "(values must match the reference within rtol={rtol:g}, atol={atol:g}; atol={atol32:g} where the inputs are "
    "float32)."
)
HIDDEN_HEADER = "Hidden checks: {signature} on {n} more cases."
PROBES_HEADER = "Checking what {signature} does, in {n} steps."
HIDDEN_PROBES_HEADER = "Hidden checks: what {signature} does, in {n} more steps."
CASE_PASS = "  ✅ {label}"
CASE_FAIL = "  ❌ {label}"
SUMMARY_PASS = (
    "All {n} cases pass. Hidden checks with more cases also run on your "
    "function when your notebook is graded."
)
SUMMARY_PASS_HIDDEN = "All {n} hidden cases pass."
SUMMARY_HIDDEN = "{passed} of {n} hidden cases pass."
SUMMARY_FAIL = "{failed} of {n} cases fail."
SUMMARY_STOPPED = "Stopped at case {index} of {n}."

HIDDEN_LABEL = "hidden case {index}"

NOT_CALLABLE = (
    "check.{name} needs your function itself, as in check.{name}({name}), "
    "but it was given {what}."
)
NOT_IMPLEMENTED = (
    "{name} is not written yet: replace the line `raise NotImplementedError()` "
    "with your code, run that cell, then run this check again."
)
RAISED = (
    "{name} stopped with {error} on the case '{label}': {detail}. "
    "Fix the function, run its cell, and run this check again."
)
RAISED_ON_LIST = (
    "{name} stopped with {error} on the case '{label}', whose inputs are plain "
    "Python lists: {detail}. Turn the inputs into arrays first, e.g. "
    "`{first_arg} = np.asarray({first_arg}, dtype=float)`."
)
TIMED_OUT = (
    "{name} did not return within {seconds:g} seconds on the case '{label}'. "
    "Look for a loop that never ends."
)
RETURNED_NONE = (
    "{name} returned None on the case '{label}'. "
    "Add a `return` statement that hands back the result."
)
RETURNED_TENSOR = (
    "{name} returned a torch tensor on the case '{label}'. This exercise works "
    "in NumPy: build the result with NumPy functions (or convert with .numpy() or .item())."
)
RETURNED_SEQUENCE = (
    "{name} returned a {type} on the case '{label}', but the answer is one number. "
    "Reduce it to a single value, e.g. with np.mean."
)
RETURNED_WRONG_TYPE = (
    "{name} returned a value of type {type} on the case '{label}', "
    "but the answer is {what}."
)
RETURNED_WRONG_COUNT = (
    "{name} returned {got} on the case '{label}', but it should return {n} values: {names}. "
    "End the function with `return {names}`."
)
RETURNED_WRONG_KEYS = (
    "{name} returned a dict with keys {got} on the case '{label}', but the answer has the keys {names}."
)
PART = "{part} as "
"""Names one of several returned values in a sentence: 'mse returned db as 0.5 ...'."""
ANSWER = "answer"
PART_ANSWER = "value of {part}"
MUTATED = (
    "{name} changed its input `{arg}` in place on the case '{label}'. "
    "Leave the inputs as they are and build new values from them "
    "(`new = {arg} - step`, not `{arg} -= step` or `{arg}[i] = ...`)."
)
WRONG_SHAPE = (
    "{name} returned {part}an array of shape {got_shape} on the case '{label}', "
    "where the answer has shape {expected_shape}. {hint}"
)
SHAPE_HINT_SCALAR = "The answer is one number: reduce over every element, not just one axis."
SHAPE_HINT_ARRAY = (
    "Check the axis of every sum, max and mean, and use keepdims=True so the shapes broadcast."
)
NOT_FINITE = (
    "{name} returned {part}{got} on the case '{label}', where the answer is {expected}. "
    "Look for a log of 0, a division by 0, or an overflow."
)
WRONG_VALUE = (
    "{name} returned {part}{got} on the case '{label}', but the answer is {expected}. "
    "This matches none of the usual mistakes: work through the formula by hand "
    "on this case and compare each step with your code."
)
WRONG_VALUE_HIDDEN = (
    "{name} passes the visible cases but gives a wrong {what} on {label}. "
    "Think about inputs the visible cases do not cover: other shapes, dtypes, "
    "lists, extreme values."
)
KNOWN_MISTAKE = "{name} makes a known mistake: {explanation}"

WITHHELD = (
    "Only the grader can judge this check ({what} is not part of the notebook while it is graded): "
    "what your function returned is recorded and judged outside it."
)
RECORDED = "Recorded what {name} returned on {n} cases; the grader judges them."

HINT_OFFER = 'Stuck? check.hint("{name}") gives a hint; each call gives the next one.'
"""The line under a failed check (not at grading): where the hints are."""
HINT_RUNG = "Hint {index} of {n} for {name}: {text}"
HINT_FOR_MISTAKE = "A hint for the mistake your last check of {name} named: {text}"
HINT_NO_MORE = "That was the last of the {n} hints for {name}. The last one again: {text}"
HINT_UNKNOWN = (
    'check.hint needs the name of an exercise, as in check.hint("mse"), or the function itself, '
    "but it was given {what}."
)

PROGRESS_ON_DISK = "Your progress, kept on this computer only (it plays no part in grading):"
PROGRESS_IN_MEMORY = "Your progress in this session (outside a notebook it is not kept):"
PROGRESS_UNREADABLE = "The progress file {path} could not be read, so your progress starts afresh from here."
PROGRESS_LESSON = "{title}"
PROGRESS_PASSES = "  ✅ {name}: passes{hints}"
PROGRESS_FAILS = "  ❌ {name}: fails: {why}{hints}"
PROGRESS_FAILS_UNNAMED = "  ❌ {name}: fails{hints}"
PROGRESS_NOT_TRIED = "  ·  {name}: not tried yet{hints}"
PROGRESS_ONE_HINT = " (1 hint used)"
PROGRESS_HINTS = " ({n} hints used)"
PROGRESS_SUMMARY = "{passed} of {n} exercises pass."
PROGRESS_QUIZ = "  ❓ check yourself: {answered} of {n} answered, {right} right"
PROGRESS_QUIZ_SUMMARY = "{right} of {n} check-yourself answers right."

QUIZ_RIGHT = "✅ Right."
QUIZ_WRONG_CHOICE = "❌ Not quite: the answer is {letter}."
QUIZ_ESTIMATE_RIGHT = "✅ Right: {answer} (you said {given})."
QUIZ_ESTIMATE_WRONG = "❌ Not quite: the answer is {answer} (you said {given})."
QUIZ_NOT_A_NUMBER = "Write a number, such as 0.25, then press check."
QUIZ_ESTIMATE_PLACEHOLDER = "your estimate"
QUIZ_ESTIMATE_BUTTON = "check"
QUIZ_WRITTEN_PLACEHOLDER = "your answer, in a sentence or two"
QUIZ_WRITTEN_BUTTON = "compare"
QUIZ_WRITTEN_EMPTY = "Write your answer in the box first, then press compare."
QUIZ_WRITTEN_SAVED = "Saved. Read the course's answer below."
QUIZ_SELF_ASK = "Did yours say the same?"
QUIZ_SELF_YES = "I had it"
QUIZ_SELF_NO = "I missed something"
QUIZ_SELF_HAD_IT = "✅ You had it."
QUIZ_SELF_MISSED = "📝 Worth another read: the answer below says what was missing."
PROGRESS_EXPERIMENTS = "  🧪 experiments: {done} of {n} done"

EXPERIMENT_UNKNOWN = "There is no experiment {key!r} in this lesson; its experiments are: {keys}."
EXPERIMENT_NOT_CHECKED = (
    "Experiment {key!r} has no check: run experiments.reflect({key!r}) and write down what you found."
)
EXPERIMENT_BAD_VALUES = "Experiment {key!r} could not run with those values: {problem}."
EXPERIMENT_LOOK_FOR = "Look for this: {look_for}"

NEEDS_EXERCISE = (
    '⏸ This cell needs your {name} (lesson {lesson}, exercise {number}), which is not finished yet. Finish it, or '
    'run check.use_reference("{name}") to see this cell with the course\'s version.'
)
NEEDS_EXERCISE_CELL = (
    '⏸ This cell needs {name} (lesson {lesson}, exercise {number}): run the cell that defines it first (or run '
    'check.use_reference("{name}") to see this cell with the course\'s version).'
)
NEEDS_VALUE = (
    '⏸ This cell needs {value} from a cell above, which stopped because your {name} (lesson {lesson}, exercise '
    '{number}) is not finished yet. Finish it, or run check.use_reference("{name}"), then run the cells above again.'
)
REFERENCE_IN_USE = (
    "{name} is now the course's version, so the cells that need it can run: run them again. Lesson {lesson}'s "
    "exercise {number} still needs your own; its check will not take the course's."
)
PASSES_WITH_REFERENCE = (
    "This passed with the course's {names} from check.use_reference. When your notebook is graded only your own "
    "code is there: put your own {names} in this notebook before you hand it in."
)
REFERENCE_REFUSED = (
    "This is the course's {name}, from check.use_reference: the check needs yours. Write {name} in its exercise "
    "cell and run that cell again."
)
REFERENCE_WITHHELD = "The course's {name} is not available here, so nothing was changed."
REFERENCE_UNKNOWN = (
    "There is no exercise named {name!r}; check.use_reference takes an exercise's name, such as \"mse\"."
)

BRING_DONE = "✅ Brought your {name} from {notebook}."
BRING_IN_CELL = (
    "Your definitions are now in this cell and defined: the check cell below checks them again. Run this cell "
    "again whenever you restart."
)
BRING_UNFINISHED = (
    "⏸ {name} is not finished in {notebook}: finish it there and bring it again, or run "
    'check.use_reference("{name}") to go on with the course\'s version.'
)
BRING_NOT_FOUND = (
    "⏸ {notebook} has no definition of {name}: write it there (or paste it here), or run "
    'check.use_reference("{name}") to go on with the course\'s version.'
)
BRING_NO_NOTEBOOK = (
    "⏸ No notebook {number}_*.ipynb is in {folder}, so {name} cannot be brought from it: put your lesson {number} "
    "notebook there, or name the folder it is in (on Colab, after mounting your Google Drive: "
    'bring("{name}", folder="/content/drive/MyDrive/Colab Notebooks")), or paste your {name} into this cell.'
)
BRING_UNREADABLE = "⏸ {notebook} could not be read as a notebook: open it in Jupyter and save it again."
BRING_UNKNOWN = "bring takes the names of exercises from earlier lessons, such as \"mse\"; it was given {names}."
FILL_THIS_CELL = (
    "⏸ This cell is yours to fill in: the comments above `raise NotImplementedError()` say what goes here."
)
