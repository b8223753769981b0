"""Checks for lesson 08: ``train_one_epoch`` and ``evaluate``, by their behaviour.

Each probe builds a small seeded model, a ``DataLoader`` without shuffling, a loss function and
(for training) an optimizer, hands them to the learner's function, and notes what happens (a
:class:`Seen`, the call's observation): the value returned, the parameters afterwards, and (through a
recording layer at the end of the model) the mode and gradient switch under which every forward pass
ran. The same set-up is built afresh for the reference epoch and for each known mistake, so results
can be compared exactly.

Every row's call part makes the learner's calls (one, or :func:`_gather`'s several), and its conclusion
judges what they did. Only the conclusion reads the lesson's ``reference`` and ``mistakes``, which are withheld
in the grading kernel; nothing reads them at import either (:func:`_behaviour_problem` looks an entry up when
a verdict names it, and :data:`TRAIN` and :data:`EVAL` hold them unread until they judge).

torch is imported inside functions only: ``from lesson_utils import check`` does not import it.
"""

from __future__ import annotations

import functools
import itertools
import numbers
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

import numpy as np

from .. import messages as M
from ..harness import Behaviour, Comparison, Probe, Problem, Trial, make_behaviour_check, named_mistake
from ..outputs import format_number, is_torch_tensor
from ..withheld import withheld
from . import messages as L

mistakes, reference = withheld(__package__, "mistakes", "reference")

TRAIN_NAME = "train_one_epoch"
TRAIN_ARGS = ("model", "loader", "loss_fn", "optimizer")
TRAIN_SEED = 801
EVAL_NAME = "evaluate"
EVAL_ARGS = ("model", "loader", "loss_fn")
EVAL_SEED = 802
TIME_LIMIT = 10.0
"""Seconds one call of the learner's loop may take. A pass over a loader does far more work than the
functions of earlier lessons, and an honest loop must not be stopped on a machine busy grading a class."""
TOLERANCE = {"float64": (1e-6, 1e-9), "float32": (1e-4, 1e-6)}
"""(rtol, atol) for comparing parameters and losses, by the dtype of the set-up."""


# --- set-ups: a seeded model, loader, loss function and optimizer ------------------


@dataclass(frozen=True)
class Setup:
    """Everything needed to build one training or evaluation problem, afresh and identically."""

    label: str
    seed: int
    task: str = "regression"  # or "classification"
    hidden_units: int = 0  # 0: one nn.Linear; otherwise Linear -> Tanh -> Linear
    n: int = 10
    d_in: int = 3
    classes: int = 3
    batch_size: int = 4
    optimizer: str = "sgd"  # "sgd", "momentum" or "adamw"
    lr: float = 0.1
    dtype: str = "float64"
    start_training: bool = True
    """The mode the model is in when the learner gets it."""

    @property
    def batches(self) -> int:
        return -(-self.n // self.batch_size)


@functools.cache
def _recorder_class() -> type:
    import torch
    from torch import nn

    class Recorder(nn.Module):
        """A layer that passes its input through and notes, for every forward pass,
        whether the model was in training mode and whether gradients were on."""

        def __init__(self) -> None:
            super().__init__()
            self.log: list[tuple[bool, bool]] = []

        def forward(self, x):
            self.log.append((self.training, torch.is_grad_enabled()))
            return x

    return Recorder


@dataclass
class Built:
    model: Any
    loader: Any
    loss_fn: Any
    optimizer: Any
    recorder: Any

    def args(self, with_optimizer: bool) -> tuple:
        """The arguments of train_one_epoch (``with_optimizer``) or of evaluate."""
        return (self.model, self.loader, self.loss_fn) + ((self.optimizer,) if with_optimizer else ())

    def params(self) -> list[np.ndarray]:
        return [p.detach().cpu().numpy().astype(np.float64).copy() for p in self.model.parameters()]

    def grads(self) -> list[np.ndarray | None]:
        return [None if p.grad is None else p.grad.detach().cpu().numpy().copy() for p in self.model.parameters()]


def build(setup: Setup) -> Built:
    """The model, loader, loss function and optimizer described by ``setup``.

    Weights and data come from a NumPy generator seeded with ``setup.seed``; the global torch
    random state is left as it was (the loader draws its worker seed from its own generator).
    """
    import torch
    from torch import nn
    from torch.utils.data import DataLoader, TensorDataset

    rng = np.random.default_rng(setup.seed)
    dtype = getattr(torch, setup.dtype)
    X = rng.normal(size=(setup.n, setup.d_in))
    classification = setup.task == "classification"
    d_out = setup.classes if classification else 1
    rule = rng.normal(size=(setup.d_in, d_out))
    if classification:
        y = torch.from_numpy(np.argmax(X @ rule + 0.5 * rng.normal(size=(setup.n, d_out)), axis=1))
        loss_fn = nn.CrossEntropyLoss()
    else:
        y = torch.from_numpy(X @ rule + 0.5 + 0.3 * rng.normal(size=(setup.n, 1))).to(dtype)
        loss_fn = nn.MSELoss()
    sizes = [setup.d_in, setup.hidden_units, d_out] if setup.hidden_units else [setup.d_in, d_out]
    with torch.random.fork_rng(devices=[]):
        layers: list[Any] = []
        for i, (a, b) in enumerate(itertools.pairwise(sizes)):
            if i:
                layers.append(nn.Tanh())
            layers.append(nn.Linear(a, b))
        recorder = _recorder_class()()
        model = nn.Sequential(*layers, recorder).to(dtype)
    with torch.no_grad():
        for p in model.parameters():
            fan_in = p.shape[-1] if p.dim() > 1 else len(p)
            p.copy_(torch.from_numpy(rng.normal(scale=fan_in**-0.5, size=tuple(p.shape))))
    model.train(setup.start_training)
    loader = DataLoader(TensorDataset(torch.from_numpy(X).to(dtype), y), batch_size=setup.batch_size,
                        shuffle=False, generator=torch.Generator().manual_seed(setup.seed))
    params = model.parameters()
    if setup.optimizer == "adamw":
        optimizer = torch.optim.AdamW(params, lr=setup.lr, weight_decay=0.01)
    elif setup.optimizer == "momentum":
        optimizer = torch.optim.SGD(params, lr=setup.lr, momentum=0.9)
    else:
        optimizer = torch.optim.SGD(params, lr=setup.lr)
    return Built(model=model, loader=loader, loss_fn=loss_fn, optimizer=optimizer, recorder=recorder)


def _random_setups(rng: np.random.Generator, prefix: str = "random") -> list[Setup]:
    """Seeded problems of several shapes: a linear model and an MLP, regression and classification,
    SGD, SGD with momentum and AdamW, always with a short last batch."""
    setups = []
    plans = [("regression", 0, "sgd", "float64"), ("classification", 8, "adamw", "float64"),
             ("regression", 5, "momentum", "float32"), ("classification", 0, "sgd", "float64")]
    for task, hidden_units, optimizer, dtype in plans:
        batch_size = int(rng.integers(2, 9))
        n = batch_size * int(rng.integers(2, 6)) + int(rng.integers(1, batch_size))
        d_in = int(rng.integers(1, 6))
        classes = int(rng.integers(2, 5))
        lr = float(rng.choice([0.3, 0.1, 0.03])) if optimizer != "adamw" else float(rng.choice([0.05, 0.01]))
        model = f"MLP with {hidden_units} hidden units" if hidden_units else "linear model"
        what = f"{classes} classes" if task == "classification" else "regression"
        label = (f"{prefix} {dtype} {model}, {what}, {d_in} features, {n} rows in batches of {batch_size}, "
                 f"{optimizer} lr {lr:g}")
        setups.append(Setup(label=label, seed=int(rng.integers(2**31)), task=task, hidden_units=hidden_units, n=n,
                            d_in=d_in, classes=classes, batch_size=batch_size, optimizer=optimizer, lr=lr,
                            dtype=dtype))
    return setups


# --- reading and comparing results ----------------------------------------------------

NO_ITEM = "no_item"
"""The behaviour bank entry, in both banks, that a returned tensor still tied to the graph is named as."""


def _behaviour_problem(name: str, mistake_id: str) -> Problem:
    """The verdict naming the entry ``mistake_id`` of the behaviour bank of exercise ``name``.

    The bank is read here only, when a verdict names the entry: it is withheld in the grading kernel.
    """
    bank = mistakes.TRAIN_BEHAVIOUR_BANK if name == TRAIN_NAME else mistakes.EVAL_BEHAVIOUR_BANK
    return named_mistake(name, bank, mistake_id)


def _is_mean_loss(value: Any) -> bool:
    """Whether ``value`` is a plain real number, the one kind of answer :func:`read_loss` accepts."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and not is_torch_tensor(value)


def read_loss(value: Any, name: str, label: str, tensor_mistake: str | None) -> float:
    """The learner's mean loss as a float, or a :class:`Problem` saying what is wrong with it.

    A tensor is named as the behaviour bank's entry ``tensor_mistake`` (losses added up as tensors) when it
    still requires grad, or for evaluate always; a plain tensor from train_one_epoch gets the general sentence.
    """
    if _is_mean_loss(value):
        return float(value)
    if value is None:
        raise Problem(M.RETURNED_NONE.format(name=name, label=label))
    if is_torch_tensor(value):
        if tensor_mistake is not None and (name == EVAL_NAME or bool(getattr(value, "requires_grad", False))):
            raise _behaviour_problem(name, tensor_mistake)
        raise Problem(L.LOSS_AS_TENSOR.format(name=name, label=label))
    raise Problem(M.RETURNED_WRONG_TYPE.format(name=name, label=label, type=type(value).__name__, what=L.MEAN_LOSS))


def _close(a: Any, b: Any, setup: Setup) -> bool:
    rtol, atol = TOLERANCE[setup.dtype]
    return bool(np.allclose(np.asarray(a, np.float64), np.asarray(b, np.float64), rtol=rtol, atol=atol))


@dataclass(frozen=True)
class Epoch:
    """What one call did: the mean loss it returned and the parameters afterwards."""

    loss: float
    params: list[np.ndarray]

    def same_as(self, other: Epoch, setup: Setup) -> bool:
        return self.same_loss(other, setup) and self.same_params(other, setup)

    def same_loss(self, other: Epoch, setup: Setup) -> bool:
        return _close(self.loss, other.loss, setup)

    def same_params(self, other: Epoch, setup: Setup) -> bool:
        return len(self.params) == len(other.params) and all(
            a.shape == b.shape and _close(a, b, setup) for a, b in zip(self.params, other.params, strict=True))

    def largest_difference(self, other: Epoch) -> float:
        return max(float(np.max(np.abs(a - b))) for a, b in zip(self.params, other.params, strict=True))


def _quiet_epoch(fn: Callable[..., Any], setup: Setup, with_optimizer: bool) -> Epoch:
    """The reference's or a bank entry's epoch on a fresh build of ``setup`` (trusted code, called directly)."""
    built = build(setup)
    value = fn(*built.args(with_optimizer))
    loss = float(value.item()) if is_torch_tensor(value) else float(value)
    return Epoch(loss=loss, params=built.params())


# --- the learner's calls, all made before anything is judged ---------------------------


@dataclass(frozen=True)
class Seen:
    """What the check notes of one call of the learner's function, as plain data (what grading records): the
    value it returned and, afterwards, the model's parameters and their ``.grad``, every module's mode, and the
    mode and gradient switch of every forward pass."""

    value: Any
    params: list[np.ndarray]
    grads: list[np.ndarray | None]
    training: list[bool]
    log: list[tuple[bool, bool]]


def _observed(built: Built, value: Any) -> dict:
    """The fields of a :class:`Seen`, read from ``built`` once the learner's call returned ``value``."""
    return {"value": value, "params": built.params(), "grads": built.grads(),
            "training": [bool(m.training) for m in built.model.modules()],
            "log": [(bool(t), bool(g)) for t, g in built.recorder.log]}


@dataclass
class Run:
    """One call of the learner's function on a fresh build of a set-up: what the check saw of it, or the
    :class:`Problem` it raised (kept, to be raised when it is judged)."""

    name: str
    setup: Setup
    label: str
    seen: Seen | None = None
    problem: Problem | None = None

    @property
    def value(self) -> Any:
        return None if self.seen is None else self.seen.value

    @property
    def ran_model(self) -> bool:
        return self.seen is not None and bool(self.seen.log)

    def settled(self) -> bool:
        """Whether this call alone ends its probe, whatever a correct epoch gives: it raised, it returned
        something other than a number, or (evaluate) it never ran the model."""
        if self.problem is not None or not _is_mean_loss(self.value):
            return True
        return self.name == EVAL_NAME and not self.ran_model

    def returned(self) -> Any:
        """What the call returned; the Problem it raised, raised again."""
        if self.problem is not None:
            raise self.problem
        return self.value

    def loss(self) -> float:
        """The mean loss the call returned, or the Problem with it (and, for evaluate, with a model never run)."""
        loss = read_loss(self.returned(), self.name, self.label, NO_ITEM)
        if self.name == EVAL_NAME and not self.ran_model:
            raise Problem(L.NO_FORWARD.format(name=EVAL_NAME, label=self.label, batches=self.setup.batches))
        return loss

    def epoch(self) -> Epoch:
        return Epoch(loss=self.loss(), params=self.seen.params)


def _learner_call(fn: Any, built: Built, label: str, trial: Trial) -> Seen:
    """Call the learner's function on the very objects of ``built``; what the check saw of the call."""
    args = built.args(with_optimizer=trial.name == TRAIN_NAME)
    seen = trial.call(lambda: fn(*args), (), label, observe=lambda value: _observed(built, value))
    return Seen(**seen)


def _run(fn: Any, setup: Setup, label: str, trial: Trial) -> Run:
    """The learner's ``fn`` (the trial's exercise) called once on a fresh build of ``setup``."""
    built = build(setup)
    try:
        seen = _learner_call(fn, built, label, trial)
    except Problem as problem:
        return Run(trial.name, setup, label, problem=problem)
    return Run(trial.name, setup, label, seen=seen)


def _gather(fn: Any, setups: list[Setup], trial: Trial) -> list[Run]:
    """The learner's calls on each of ``setups`` in turn, made before any is judged; they stop after a call that
    settles the row by itself (:meth:`Run.settled`)."""
    runs = []
    for setup, label in zip(setups, trial.labels([setup.label for setup in setups]), strict=True):
        runs.append(_run(fn, setup, label, trial))
        if runs[-1].settled():
            break
    return runs


# --- rows ------------------------------------------------------------------------------


def _call_row(label: str, setup: Setup, judge: Callable[[Run], None]) -> Probe:
    """A row of one call of the learner's function on ``setup``, judged by ``judge(run)``."""
    return Probe(label, lambda fn, trial: _run(fn, setup, trial.label(setup.label), trial),
                 lambda run, trial: judge(run))


def _learner_epoch(fn: Any, setup: Setup, label: str, trial: Trial) -> Epoch:
    return _run(fn, setup, label, trial).epoch()


def _judge_values(values: Comparison, runs: list[Run], trial: Trial) -> None:
    """Each gathered call against the reference's on the same set-up, in turn: the first that differs is named as
    the known mistake it matches on that set-up, or else explained."""
    for run in runs:
        got = run.epoch()
        expected = values.trusted(values.reference, run.setup)
        if not values.same(got, expected, run.setup):
            raise values.known_problem([(run.setup, got)]) or values.explain(run.setup, run.label, got, expected,
                                                                               trial)


def _values_row(values: Comparison, label: str, setups: list[Setup]) -> Probe:
    """A row whose calls on ``setups`` give what the reference gives (:func:`_judge_values`)."""
    return Probe(label, lambda fn, trial: _gather(fn, setups, trial), partial(_judge_values, values))


def _returns_mean_loss(run: Run) -> None:
    run.loss()


# --- train_one_epoch -----------------------------------------------------------------


def _trains_in_training_mode(run: Run) -> None:
    run.returned()
    if not run.ran_model:
        raise Problem(L.NO_FORWARD.format(name=TRAIN_NAME, label=run.label, batches=run.setup.batches))
    if not all(training for training, _ in run.seen.log):
        raise _behaviour_problem(TRAIN_NAME, "no_train_mode")


def _explain_train(setup: Setup, label: str, got: Epoch, expected: Epoch, trial: Trial) -> Problem:
    params_ok = got.same_params(expected, setup)
    if trial.hidden:
        what = L.LOSS_DIFFERS if params_ok else L.PARAMS_DIFFER
        return Problem(L.TRAIN_WRONG_HIDDEN.format(what=what, label=label))
    if not params_ok:
        return Problem(L.TRAIN_WRONG_PARAMS.format(label=label, diff=f"{got.largest_difference(expected):.3g}"))
    return Problem(L.TRAIN_WRONG_LOSS.format(label=label, got=format_number(np.asarray(got.loss)),
                                             expected=format_number(np.asarray(expected.loss))))


def _same_epoch(got: Epoch, expected: Epoch, setup: Setup) -> bool:
    return got.same_as(expected, setup)


TRAIN = Comparison(name=TRAIN_NAME, reference=reference.train_one_epoch, bank=mistakes.TRAIN_BANK,
                   run=_learner_epoch, trusted=partial(_quiet_epoch, with_optimizer=True), same=_same_epoch,
                   explain=_explain_train)
"""An epoch compared with a correct one: the same parameters and mean loss."""

LINEAR_SGD = Setup("a linear model, MSE, SGD lr 0.1, 10 rows in batches of 4 (4 + 4 + 2)", seed=8101)
MLP_ADAMW = Setup("an MLP (8 tanh units), cross-entropy over 3 classes, AdamW lr 0.05, 23 rows in batches of 8",
                  seed=8102, task="classification", hidden_units=8, n=23, d_in=2, batch_size=8, optimizer="adamw",
                  lr=0.05)
FLOAT32_MOMENTUM = Setup("a float32 linear model, MSE, SGD with momentum 0.9, 17 rows in batches of 5", seed=8103,
                         n=17, d_in=4, batch_size=5, optimizer="momentum", lr=0.05, dtype="float32")
LEFT_IN_EVAL = replace(LINEAR_SGD, label="a model left in evaluation mode (as evaluate leaves it)", seed=8104,
                       start_training=False)


def train_probes(rng: np.random.Generator, hidden: bool, cases: list[tuple]) -> list[Probe]:
    """The rows of ``train_one_epoch``'s check."""
    randoms = _random_setups(rng)
    if hidden:
        first, second = randoms[0], replace(randoms[1], start_training=False)
        return [
            _call_row("returns a Python float", first, _returns_mean_loss),
            _call_row("calls model.train()", second, _trains_in_training_mode),
            _values_row(TRAIN, "parameters and mean loss match", randoms),
        ]
    return [
        _call_row("returns the mean loss as a Python float, not a tensor", LINEAR_SGD, _returns_mean_loss),
        _call_row("calls model.train(): a model left in evaluation mode trains in training mode", LEFT_IN_EVAL,
                  _trains_in_training_mode),
        _values_row(TRAIN, "one epoch of a linear model with SGD: same parameters and mean loss as a correct epoch",
                    [LINEAR_SGD]),
        _values_row(TRAIN, "an MLP classifier with AdamW, and float32 with momentum: same parameters and loss",
                    [MLP_ADAMW, FLOAT32_MOMENTUM]),
        _values_row(TRAIN, "random models, optimizers and batch sizes: same parameters and loss", randoms),
    ]


TRAIN_ONE_EPOCH = Behaviour(name=TRAIN_NAME, arg_names=TRAIN_ARGS, seed=TRAIN_SEED, probes=train_probes,
                            takes_cases=False, time_limit=TIME_LIMIT)

train_one_epoch = make_behaviour_check(TRAIN_ONE_EPOCH, (
    "Check ``fn(model, loader, loss_fn, optimizer)``: one epoch of zero_grad, forward, loss, backward, step "
    "per batch, in training mode, returning the mean loss over the examples as a Python float. Compared with "
    "a correct epoch on the same seeded model, loader and optimizer."))

# --- evaluate ------------------------------------------------------------------------


def _never(mistake_id: str, happened: Callable[[Seen], bool]) -> Callable[[Run], None]:
    """A judge of one evaluate call: its mean loss reads as a number and ``happened(seen)`` is false, or else the
    behaviour bank's entry ``mistake_id`` is named."""

    def judge(run: Run) -> None:
        run.loss()
        if happened(run.seen):
            raise _behaviour_problem(EVAL_NAME, mistake_id)

    return judge


_evaluates_in_eval_mode = _never("no_eval_mode", lambda seen: any(training for training, _ in seen.log))
_leaves_eval_mode = _never("back_to_train_mode", lambda seen: any(seen.training))
"""The model (every one of its modules) is still in evaluation mode when evaluate returns."""
_runs_without_grad = _never("grad_enabled", lambda seen: any(grad_on for _, grad_on in seen.log))


def _leaves_params_alone(run: Run) -> None:
    """The parameters are those of a fresh build of the set-up, and their ``.grad`` is unset or zero."""
    run.loss()
    before = build(run.setup).params()
    same_params = Epoch(0.0, run.seen.params).same_params(Epoch(0.0, before), run.setup)
    if not same_params or any(g is not None and np.any(g != 0) for g in run.seen.grads):
        raise Problem(L.EVAL_CHANGED_PARAMS.format(label=run.label))


def _explain_eval(setup: Setup, label: str, got: Epoch, expected: Epoch, trial: Trial) -> Problem:
    if trial.hidden:
        return Problem(L.EVAL_WRONG_HIDDEN.format(label=label))
    return Problem(L.EVAL_WRONG_LOSS.format(label=label, got=format_number(np.asarray(got.loss)),
                                            expected=format_number(np.asarray(expected.loss))))


def _same_loss(got: Epoch, expected: Epoch, setup: Setup) -> bool:
    return got.same_loss(expected, setup)


EVAL = Comparison(name=EVAL_NAME, reference=reference.evaluate, bank=mistakes.EVAL_BANK, run=_learner_epoch,
                  trusted=partial(_quiet_epoch, with_optimizer=False), same=_same_loss, explain=_explain_eval)
"""A pass of evaluation compared with a correct one: the same mean loss."""


def eval_probes(rng: np.random.Generator, hidden: bool, cases: list[tuple]) -> list[Probe]:
    """The rows of ``evaluate``'s check."""
    randoms = _random_setups(rng)
    in_training = replace(LINEAR_SGD, label="a model in training mode (as train_one_epoch leaves it)", seed=8201)
    mlp = replace(MLP_ADAMW, seed=8202)
    if hidden:
        return [
            _call_row("returns a Python float", randoms[0], _returns_mean_loss),
            _call_row("calls model.eval()", randoms[1], _evaluates_in_eval_mode),
            _call_row("leaves the model in evaluation mode", randoms[2], _leaves_eval_mode),
            _call_row("runs without gradients", randoms[2], _runs_without_grad),
            _call_row("leaves the parameters alone", randoms[3], _leaves_params_alone),
            _values_row(EVAL, "mean loss matches", randoms),
        ]
    return [
        _call_row("returns the mean loss as a Python float, not a tensor", LINEAR_SGD, _returns_mean_loss),
        _call_row("calls model.eval(): a model in training mode is measured in evaluation mode", in_training,
                  _evaluates_in_eval_mode),
        _call_row("leaves the model in evaluation mode when it returns (no model.train() at the end)", in_training,
                  _leaves_eval_mode),
        _call_row("runs every forward pass without gradients (torch.no_grad())", in_training, _runs_without_grad),
        _call_row("leaves the parameters and their .grad untouched", mlp, _leaves_params_alone),
        _values_row(EVAL, "the mean loss of a linear model and an MLP classifier, batches of uneven size",
                    [LINEAR_SGD, mlp]),
        _values_row(EVAL, "random models and batch sizes, float64 and float32: the same mean loss", randoms),
    ]


EVALUATE = Behaviour(name=EVAL_NAME, arg_names=EVAL_ARGS, seed=EVAL_SEED, probes=eval_probes, takes_cases=False,
                     time_limit=TIME_LIMIT)

evaluate = make_behaviour_check(EVALUATE, (
    "Check ``fn(model, loader, loss_fn)``: the mean loss over the loader as a Python float, computed in "
    "evaluation mode under torch.no_grad(), leaving the parameters alone and the model in evaluation mode."))
