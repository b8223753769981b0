"""The hint ladders of lesson 06's exercises (see ``lesson_utils.hints``)."""

from __future__ import annotations

from types import MappingProxyType

from ..hints import Ladder

_HIDDEN_GLOBAL = ("Run two problems side by side, each with its own state: step one, then the other, in turn. "
                  "Should the second problem's step depend on the first problem at all? Look for anything your "
                  "function remembers between calls other than the state it is given and returns: a variable "
                  "outside the function, a default argument, an attribute.")

SGD_MOMENTUM_STEP = Ladder(
    "sgd_momentum_step",
    rungs=(
        "Follow the lesson's heavy ball: a constant gradient g = 1 with momentum 0.9 gives a velocity of 1, then "
        "1.9, then 2.71. What does each step remember from the step before, where is that kept between two calls, "
        "and what is the velocity on the very first step, when state is {}?",
        "For every name in params: look up its old velocity in state['velocity'] (there is none on the first "
        "step); the new velocity is the gradient itself on the first step, otherwise momentum times the old "
        "velocity plus the gradient; then step the parameter by lr times that new velocity. Keep lr out of the "
        "velocity, so a learning rate that changes every step is followed at once. Build a new dict of parameters "
        "and a new state {\"velocity\": {name: v}}, and never write into params, grads or state.",
        "A skeleton to fill in:\n"
        "    old_velocity = state.get(\"velocity\", ____)\n"
        "    new_params, new_velocity = {}, {}\n"
        "    for name in params:\n"
        "        g = np.asarray(____, dtype=float)\n"
        "        if name in old_velocity:\n"
        "            v = ____\n"
        "        else:\n"
        "            v = ____\n"
        "        new_velocity[name] = v\n"
        "        new_params[name] = ____\n"
        "    return new_params, {\"velocity\": ____}",
    ),
    for_mistake=MappingProxyType({
        "hidden_global": _HIDDEN_GLOBAL,
        "momentum_on_params": "Take one step with a gradient of 0: should the parameters move at all? Yours shrink "
                              "towards 0. Which quantity is momentum meant to carry from step to step?",
        "dampening": "With a constant gradient of 1 and momentum 0.9, the lesson's velocity grows 1, 1.9, 2.71, ... "
                     "towards 10. Print yours for a few steps: where does it head, and which factor holds it back?",
        "lr_in_velocity": "Take two steps, the first with lr = 0.1 and the second with lr = 0: should the second "
                          "step move the parameters? Yours does. What in your velocity still remembers the old lr?",
        "nesterov": "From state {}, a first momentum step is a plain SGD step: it moves p by exactly lr * g. How "
                    "far does yours move it, and where does the extra distance come from?",
        "forgets_velocity": "Call your step twice with the same gradient, passing the state of the first call into "
                            "the second. Does the second step go further, as a ball picking up speed would? What "
                            "does your code read from state?",
        "stale_velocity": "From state {} with a gradient of 1, how far does your first step move the parameters? "
                          "Which velocity does the step use: the one from before this gradient, or the one after?",
    }),
)

ADAM_STEP = Ladder(
    "adam_step",
    rungs=(
        "Work the lesson's first step by hand for a gradient g = 2 with lr = 0.1: after it, m = 0.1 * g and "
        "v = 0.001 * g**2. What must you divide each by to get back g and g**2, and how long is the step then? "
        "What does the state have to remember so that the next call can carry on?",
        "The steps, in this order: increase the step count t (so the first step uses t = 1); for every parameter, "
        "update m with beta1 and the gradient, and v with beta2 and the squared gradient (a missing m or v counts "
        "as 0); correct both for their start at 0 by dividing by 1 - beta1**t and 1 - beta2**t; step the "
        "parameter by lr times m_hat over the square root of v_hat plus eps.",
        "Three things to watch: eps is added outside the square root; the new state stores the raw m and v (not "
        "m_hat and v_hat) and the new t; and everything you return is a new dict, with params, grads and state "
        "left as they were. betas is a pair: the first is for m, the second for v.",
        "A skeleton to fill in:\n"
        "    beta1, beta2 = ____\n"
        "    t = ____                     # the step count including this step\n"
        "    old_m = state.get(\"m\", ____)\n"
        "    old_v = state.get(\"v\", ____)\n"
        "    # new_params, new_m and new_v start as new, empty dicts\n"
        "    for name in params:\n"
        "        g = np.asarray(____, dtype=float)\n"
        "        m = beta1 * old_m.get(name, 0.0) + ____\n"
        "        v = ____\n"
        "        m_hat = m / ____\n"
        "        v_hat = ____\n"
        "        new_params[name] = params[name] - lr * ____\n"
        "        new_m[name], new_v[name] = ____, ____\n"
        "    return new_params, {\"step\": ____, \"m\": new_m, \"v\": new_v}",
    ),
    for_mistake=MappingProxyType({
        "hidden_global": _HIDDEN_GLOBAL,
        "no_bias_correction": "Take one step from state {} with lr = 0.1: Adam's first step should be about 0.1 "
                              "long, whatever the gradient. How long is yours? Right after the first step, m is "
                              "only a tenth of g: what brings it back to g?",
        "eps_inside_sqrt": "Try eps = 0.1 and a gradient of 0.01 on the first step, and compare sqrt(v_hat) + eps "
                           "with sqrt(v_hat + eps). Which of the two does the lesson's formula divide by?",
        "eps_hat": "Your steps are close late in a run but not in the first steps, and further off when eps is "
                   "large. At the moment you add eps, has v already been corrected for its start at 0?",
        "step_from_zero": "On the first step, what is 1 - beta1**t when t is 0, and what happens when you divide "
                          "by it? Which t should the first step's correction use, and when do you count it?",
        "v_not_corrected": "Print m_hat and v_hat after the first step with a gradient of 2: both should be back at "
                           "g and g**2, that is 2 and 4. Which of yours is off, and by what factor?",
        "no_sqrt": "Make every gradient ten times larger: should Adam's step get longer? Try it with yours. What "
                   "size does v_hat measure, squared gradients or gradients?",
        "betas_swapped": "With betas = (0.9, 0.999), which of m and v should remember about the last 10 gradients, "
                         "and which about the last 1,000? Which beta does each of your two updates use?",
    }),
)

_ADAM_MISTAKES_IN_ADAMW = {
    key: ADAM_STEP.for_mistake[key]
    for key in ("no_bias_correction", "eps_inside_sqrt", "eps_hat", "step_from_zero", "v_not_corrected")
}

ADAMW_STEP = Ladder(
    "adamw_step",
    rungs=(
        "Take a weight of 2.0 with lr = 0.1 and weight_decay = 0.01, and a gradient of 0. How much smaller should "
        "the weight be after the decay, before the Adam step? And which gradient should the Adam step then see: "
        "the one you were given, or one with the decay added?",
        "Two moves: first shrink every parameter by the factor 1 - lr * weight_decay, then take a plain Adam "
        "step from those shrunk parameters with the unchanged grads, the same state, lr, betas and eps. Your "
        "adam_step already does the second move and already returns new dicts. Make the shrunk parameters a new "
        "dict, so params itself is left as it was.",
        "A skeleton to fill in:\n"
        "    decayed = {name: ____ for name, p in params.items()}\n"
        "    return adam_step(____, ____, state, lr, betas, eps)",
    ),
    for_mistake=MappingProxyType({
        "hidden_global": _HIDDEN_GLOBAL,
        "l2_not_decoupled": "Give two weights the same weight_decay, one with a large gradient and one with a tiny "
                            "one. Does your step shrink both by the same factor? Does your decay ever pass through "
                            "m and v, where it would be divided by sqrt(v_hat)?",
        "decay_after_update": "Which value of p does your decay multiply: the one you were given, or the one after "
                              "the Adam step? Take one step by hand in the lesson's order and compare the digits.",
        "decay_without_lr": "Set lr = 0: should the parameters change at all? With your step they still shrink. "
                            "What scales the decay, as it scales the gradient step?",
        "no_decay": "Set weight_decay = 1 and compare your adamw_step with your adam_step on the same input: should "
                    "they give the same parameters?",
        **_ADAM_MISTAKES_IN_ADAMW,
    }),
)

LADDERS = {ladder.name: ladder for ladder in (SGD_MOMENTUM_STEP, ADAM_STEP, ADAMW_STEP)}
