"""The hint ladders of lesson 05's exercises (see ``lesson_utils.hints``)."""

from __future__ import annotations

from types import MappingProxyType

from ..hints import Ladder

VALUE = Ladder(
    "Value",
    rungs=(
        "Go back to the neuron of section 1, a = tanh(w * x + b) at x = 1.5, w = -2, b = 2. To pass the gradient "
        "back through u = w * x you needed the forward values of w and x. So when out = self * other is made, "
        "what must out remember, so that later it can hand a share of out.grad to self and to other? And in "
        "h * h + h, where h is used three times, how does h end up with all three shares?",
        "Every operation follows one pattern: compute the forward number from the inputs' .data, make a new "
        "Value with the inputs as its children, and give it a _backward function that adds (+=, never =) "
        "local derivative times out.grad into each input's .grad. The local derivatives: + gives 1 to both "
        "inputs; * gives each input the other one's .data; a ** n gives n * a ** (n - 1); tanh gives 1 - t**2, "
        "with t the output; relu gives 1 where the input is > 0 and 0 elsewhere (0 at exactly 0). Return the new "
        "Value and leave the inputs' .data alone.",
        "backward() runs in three steps. First list every node the output depends on, each once even if it is "
        "used twice, in topological order: a node goes into the list only after all of its inputs (a small "
        "recursive visit with a set of nodes already seen does it). Then set the output's own gradient to 1, "
        "since d out / d out = 1. Then call _backward() of every node, walking the list backwards from the "
        "output, so that each node has collected every share before it passes its gradient on. Do not reset "
        "any .grad in backward: clearing gradients between passes is the training loop's job.",
        "A skeleton to fill in (each method of the class follows the pattern of __add__):\n"
        "    def __add__(self, other):\n"
        "        other = other if isinstance(other, Value) else Value(other)   # given\n"
        "        out = Value(____, (self, other), \"+\")\n"
        "        def ____():\n"
        "            self.grad += ____   # d out / d self, times out.grad\n"
        "            other.grad += ____\n"
        "        out._backward = ____\n"
        "        return out\n"
        "\n"
        "    def __mul__(self, other):   # as __add__, with \"*\" and the product\n"
        "        ...\n"
        "            self.grad += ____ * out.grad\n"
        "            other.grad += ____ * out.grad\n"
        "\n"
        "    def __pow__(self, n):\n"
        "        out = Value(____, (self,), f\"**{n}\")\n"
        "        ...\n"
        "            self.grad += ____ * out.grad   # the power rule\n"
        "\n"
        "    def tanh(self):\n"
        "        t = ____   # the forward value, a float, kept for the backward step\n"
        "        out = Value(____, (self,), \"tanh\")\n"
        "        ...\n"
        "            self.grad += ____ * out.grad   # uses t\n"
        "\n"
        "    def relu(self):\n"
        "        out = Value(____, (self,), \"relu\")\n"
        "        ...\n"
        "            self.grad += ____ * out.grad   # 1 or 0, depending on self.data\n"
        "\n"
        "    def backward(self):\n"
        "        order, seen = [], ____\n"
        "        def build(node):   # puts node into order after everything it depends on\n"
        "            if node ____ seen:\n"
        "                seen.add(____)\n"
        "                for child in ____:\n"
        "                    build(____)\n"
        "                order.____(node)\n"
        "        build(self)\n"
        "        self.grad = ____\n"
        "        for node in ____:\n"
        "            node.____()",
    ),
    for_mistake=MappingProxyType({
        "no_seed": "Try a = Value(2.0); out = a * 3; out.backward() and print out.grad and a.grad. What is "
                   "d out / d out, and what does your class hold in out.grad? Every other gradient is a "
                   "multiple of that one.",
        "assign_not_accumulate": "Try a = Value(1.5); (a * a).backward(). d(a * a)/da = 2a = 3, but a is "
                                 "handed two shares, one from each side of the *. What happens to the first "
                                 "share in your _backward when the second one arrives?",
        "mul_missing_factor": "With a = Value(2.0) and b = Value(-3.0), nudge a by 0.001: out = a * b moves by "
                              "-0.003. So d out / da is -3; after out.backward(), what does your a.grad say, and "
                              "where in your _backward does b's value come in?",
        "mul_own_factor": "In section 1, u = w * x handed w the gradient times x, not times w. Run "
                          "(a * b).backward() with a = Value(2.0), b = Value(-3.0): is your a.grad -3 or 2? "
                          "Which factor is left when you differentiate a * b with respect to a?",
        "tanh_missing_factor": "tanh flattens out for large inputs: tanh(3) and tanh(3.001) are almost equal. "
                               "So how large should the gradient of a.tanh() be at a = 3, and what does your "
                               "class give? Which factor of the backward step describes that flattening?",
        "relu_wrong_side": "Try a = Value(0.0); out = a.relu(); out.backward(). Which comparison decides "
                           "whether out.grad gets through, and on which side of it does an input of exactly 0 "
                           "fall in your code?",
        "pow_missing_exponent": "Try a = Value(3.0); (a ** 2).backward(). The slope of a² at 3 is 6: what is "
                                "your a.grad, and what is the ratio of the two? Try a ** 3 too: where in the "
                                "power rule does that ratio come from?",
        "topo_not_reversed": "Print each node as your backward calls its _backward. Does the walk start at "
                             "the output, as the backward pass of section 1 did, or at the leaves? What is "
                             "out.grad of the first node that runs, at the moment it passes it on?",
        "no_topological_order": "Take h = a * b and out = h * h + h. Count how many times your backward calls "
                                "h's _backward, and ask: the first time, had h already received its shares "
                                "from all three uses?",
        "backward_zeroes_grads": "Run (a * a).backward() twice on a = Value(1.5) without zeroing, as the cell "
                                 "'Gradients accumulate' does with torch: torch ends with a.grad = 6. What does "
                                 "yours give, and what happened to the 3 from the first pass?",
    }),
)

LINEAR_FORWARD = Ladder(
    "linear_forward",
    rungs=(
        "Take one example, X = [[1, 2]], with W = [[0.5, -1, 2], [1, 0, -0.5]] and b = [0.1, -0.2, 0.3]. Each "
        "of the 3 outputs is a weighted sum of the 2 inputs plus one bias: which column of W gives output j, "
        "and which entry of b joins it? Work out the first output by hand (it is 2.6). What shape should a "
        "batch of 4 rows give?",
        "Make float arrays of X, W and b first (they may be lists or float32). One matrix product of X, shape "
        "(n, d), with W, shape (d, m), gives every output of every example, shape (n, m). Then add the vector "
        "b, one entry per output column: broadcasting adds the same b to every row. Return that new array, and "
        "leave the inputs as they were.",
        "A skeleton to fill in:\n"
        "    X, W, b = (np.asarray(____, dtype=float) for v in ____)\n"
        "    return ____ @ ____ + ____",
    ),
    for_mistake=MappingProxyType({
        "no_bias": "Work out the first output for X = [[1, 2]] with b = [0.1, -0.2, 0.3]: it should be "
                   "0.5 + 2 + 0.1 = 2.6. Yours is 2.5 (and right whenever b is all zeros). Where does b come into "
                   "your code?",
        "bias_summed": "Print X @ W next to your result for b = [0.1, -0.2, 0.3]. How much has your function "
                       "added to the first column, and to the third? Each output column has its own bias: which "
                       "one belongs to column j?",
    }),
)

LINEAR_BACKWARD = Ladder(
    "linear_backward",
    rungs=(
        "Write down the shapes: dout is (n, m), X is (n, d), W is (d, m). Each gradient has the shape of the "
        "thing it is the gradient of. Which product of two of these arrays (transposed or not) gives a (d, m) "
        "array? An (n, d) one? The lesson's sum over i of X[i, k] * dout[i, j] is entry (k, j) of one of them. "
        "And b is added to every one of the n rows: how many shares of gradient does each entry of b collect, "
        "and what do you do with them?",
        "Make float arrays of dout, X and W first. Then: dX is dout times W transposed, shape (n, d) like X; dW "
        "is X transposed times dout, shape (d, m) like W (weight W[k, j] multiplies X[i, k] in every example i, "
        "and the examples' shares add up); db is dout summed over the batch, axis 0, shape (m,) like b. Sum, do "
        "not average: dout already carries the 1/n of a mean loss. Return the three as a tuple in the order "
        "(dX, dW, db).",
        "A skeleton to fill in:\n"
        "    dout, X, W = (np.asarray(____, dtype=float) for v in ____)\n"
        "    dX = dout @ ____       # shape (n, d), like X\n"
        "    dW = ____ @ ____       # shape (d, m), like W\n"
        "    db = dout.____(axis=____)   # shape (m,), like b\n"
        "    return ____, ____, ____",
    ),
    for_mistake=MappingProxyType({
        "dW_transposed": "Take a layer with 2 inputs and 3 outputs and print your dW.shape next to W.shape. Do "
                         "they match? In your product, which array comes first, and which one is transposed?",
        "dW_missing_X": "Double every number in X and keep dout the same: should dW change? Yours does not. "
                        "Which forward number multiplies W[k, j] in example i, and where is it in your dW?",
        "db_mean_not_sum": "With one example your db is right. With a batch of 4, compare your db with the "
                           "column totals of dout: is it 4 times smaller? b reaches the loss through every row, "
                           "so what should happen to the rows' shares?",
        "db_not_summed": "Print db.shape next to b.shape. b has one entry per output, shared by all n "
                         "examples: how do the n rows of dout become a single row?",
        "dX_dW_swapped": "Unpack your result as dX, dW, db = linear_backward(dout, X, W) and print each shape "
                         "next to X.shape and W.shape. Is each gradient where its name says?",
    }),
)

RELU_BACKWARD = Ladder(
    "relu_backward",
    rungs=(
        "Take z = [-2, -0.5, 0, 0.5, 2] and dout = [1, -1, 3, -2, 0.5]. Where does a small change of z change "
        "relu(z) at all, and where does it change nothing? So which entries of dout get through, and what "
        "about the 0 in the middle?",
        "The local derivative of max(z, 0) is 1 where z > 0 and 0 where z < 0; at exactly 0 the convention is 0. "
        "The chain rule multiplies dout by it, element by element, so the answer is dout where z > 0 and 0 "
        "elsewhere. The mask depends on z, the layer's input, not on dout and not on relu's output values. Make "
        "float arrays of both first (lists and float32 are allowed), keep the shape of z, whatever its number "
        "of dimensions, and return a new array rather than changing dout.",
        "A skeleton to fill in:\n"
        "    dout, z = np.asarray(____, dtype=float), np.asarray(____, dtype=float)\n"
        "    mask = ____   # True where the local derivative is 1\n"
        "    return dout * ____",
    ),
    for_mistake=MappingProxyType({
        "relu_grad_at_zero": "Try z = [0.0, 0.0, 0.0] with dout = [1, -2, 3]. At the kink the convention is "
                             "that nothing gets through: what does your mask say at z == 0?",
        "mask_without_dout": "Double dout and call your function again: should the gradient double too? Yours "
                             "stays the same. Where does the incoming gradient enter your answer?",
        "mask_from_dout": "Flip the sign of z and keep dout as it is: the units that were active are now off, "
                          "so the answer should change. Does yours? Which array does your mask look at?",
        "times_relu_output": "At z = 2 with dout = 0.5, relu(z) moves by 0.001 when z does, so 0.5 should pass "
                             "through. Your code gives 1.0: where does the 2 come from?",
    }),
)

TWO_LAYER_GRADS = Ladder(
    "two_layer_grads",
    rungs=(
        "Draw the network as a row of boxes: X -> first linear layer (W1, b1) -> z1 -> ReLU -> h -> second linear "
        "layer (W2, b2) -> logits -> softmax cross-entropy -> loss. Which of your functions runs each box forward, "
        "and which one runs it backward? Each backward function needs something the forward pass made: which "
        "values must the forward pass keep, and in which order do the backward steps run?",
        "Forward: z1 from the first layer, h = relu(z1) (np.maximum(z1, 0)), logits from the second layer given h, "
        "and the loss from your cross_entropy_from_logits. Backward, in reverse: dlogits from your "
        "softmax_cross_entropy_grad (it already holds the 1/n of the mean); the second layer's linear_backward "
        "takes dlogits, that layer's own input h and W2, and gives dh, dW2 and db2; relu_backward takes dh and "
        "the pre-activation z1; the first layer's linear_backward takes that, X and W1 (its dX is not needed). "
        "Return the loss and a new dict with the keys W1, b1, W2, b2, and never write into params.",
        "A skeleton to fill in:\n"
        "    z1 = linear_forward(____, ____, ____)\n"
        "    h = ____\n"
        "    logits = linear_forward(____, ____, ____)\n"
        "    loss = ____(logits, y)\n"
        "    dlogits = ____(logits, y)\n"
        "    dh, dW2, db2 = linear_backward(____, ____, ____)\n"
        "    dz1 = ____(dh, ____)\n"
        "    _, dW1, db1 = linear_backward(____, ____, ____)\n"
        "    return ____, {\"W1\": ____, \"b1\": ____, \"W2\": ____, \"b2\": ____}",
    ),
    for_mistake=MappingProxyType({
        "relu_backward_left_out": "Take a hidden unit whose z1 is negative on every example, like the check's case "
                                  "with b1[2] = -5. Its h is 0 whatever W1 does, so nudging its column of W1 "
                                  "leaves the loss unchanged. What gradient should that column get, and what does "
                                  "yours give? Which step between dh and the first layer's backward decides it?",
        "dW2_from_z1": "Print your grads['W2'] next to h.T @ dlogits and z1.T @ dlogits. Which array did the "
                       "second layer multiply by W2 in the forward pass, and which one did you give its backward?",
        "dW2_from_X": "Print grads['W2'].shape next to params['W2'].shape on a network with 3 inputs and 4 hidden "
                      "units. Which array does W2 multiply in the forward pass, and which one did you give the "
                      "second layer's backward?",
        "bias_grads_averaged": "With one example your bias gradients are right; with a batch of 4 they are 4 times "
                               "too small. b2 is added to every row of the logits: how do the rows' shares of its "
                               "gradient combine, and where has the 1/n of the mean already been taken?",
        "dW1_dW2_swapped": "Print each grads[name].shape next to params[name].shape. Which of your two "
                           "linear_backward calls is given X, and whose gradient does it return?",
        "one_over_n_twice": "Repeat the batch twice, X and y alike: the mean loss stays the same, and so should "
                            "every gradient. Do yours halve? Then print softmax_cross_entropy_grad for one "
                            "example and for that example twice: each row of the second is half the first. So "
                            "where is the 1/n of the mean taken?",
    }),
)

NUMERICAL_GRADIENT = Ladder(
    "numerical_gradient",
    rungs=(
        "Take f(x) = sum(x**2) at x = [1, -2, 3]: the exact gradient is 2x = [2, -4, 6]. How could you measure "
        "the first entry, 2, with nothing but calls to f? Which entries of x do you move, in which "
        "directions, and how far?",
        "Work on a float copy of x and fill a new array of zeros shaped like x. For each index i (np.ndindex "
        "visits every index, whatever the shape): remember the old entry, set it to old + eps and call f, set "
        "it to old - eps and call f again, put the old entry back exactly, and store the difference of the two "
        "values divided by 2 * eps. Nudge one entry at a time, use the eps you are given, and return the "
        "array; the x you were given must come out unchanged.",
        "A skeleton to fill in:\n"
        "    x = np.array(____, dtype=____)   # a copy of your own\n"
        "    grad = np.zeros_like(____)\n"
        "    for i in np.ndindex(____):\n"
        "        old = ____\n"
        "        x[i] = ____\n"
        "        f_plus = ____\n"
        "        x[i] = ____\n"
        "        f_minus = ____\n"
        "        x[i] = ____   # put it back\n"
        "        grad[i] = ____\n"
        "    return grad",
    ),
    for_mistake=MappingProxyType({
        "forward_difference": "Take f(x) = sum(x**3) / 3 at x = [1.0] with eps = 0.1: the slope there is "
                              "exactly 1. Work out (f(1.1) - f(1)) / 0.1 and (f(1.1) - f(0.9)) / 0.2: which is "
                              "closer to 1, and which one does your code compute?",
        "no_factor_2": "For sum(x**2) at x = [1, -2, 3] you get [4, -8, 12] instead of 2x = [2, -4, 6]. How far "
                       "apart are the two points x + eps and x - eps at which you call f?",
        "all_entries_at_once": "For sum(x**2) at x = [1, -2, 3] you get [4, 4, 4] instead of [2, -4, 6]. While "
                               "you measure entry 0, which entries of x does your code move?",
        "ignores_eps": "Call your function on log(sum(exp(x))) at x = [1, 2, 3] with eps = 0.5 and then with "
                       "eps = 1e-6: the two answers should differ a little. Do yours? Where does your code use "
                       "eps?",
    }),
)

LADDERS = {
    ladder.name: ladder
    for ladder in (VALUE, LINEAR_FORWARD, LINEAR_BACKWARD, RELU_BACKWARD, TWO_LAYER_GRADS, NUMERICAL_GRADIENT)
}
