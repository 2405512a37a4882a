"""The foreign-styles corpus (issue 19 §5): code written the way widely used books and courses write it.

Each folder beside this file is a submission of the modules that style writes (our own code, in the
manner of the book or course its docstrings name, adapted to the contract only where the contract
differs): cs231n, dlfs ("Deep Learning from Scratch"), nnfs ("Neural Networks from Scratch"),
deeplearning_ai (examples as columns) and d2l. Together they write every module in at least two styles.

BUGS are real bugs of those styles, pasted into a style's module (the later definition wins). Each must
lose points and be named as the known mistake given (or as none). This corpus is separate from
autograder/mistakes/ on purpose: it tests the detectors rather than feeding them.

`measure()` grades all of it and gives the figures of `make bench`; tests/foreign/test_foreign.py asserts
them one by one.
"""
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

from autograder.grade import grade
from autograder.mistakes import MODULES
from autograder.reference import default_reference

FOREIGN = Path(__file__).resolve().parent
STYLES = sorted(p.name for p in FOREIGN.iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))
SEEDS = (20261207, 11, 5, 3, 1234)  # the tests use the first three, make bench all five
MODES = ("namespaces", "process")

# Correct code whose only fault is a warning or an error on a zero-size input: full marks under the contract's
# "What costs points" (issue 19 §1), which keeps the lesson in a note that names the naive form.
ADVISORY_ONLY = {
    ("dlfs", "activations.sigmoid"): "the book's 1 / (1 + np.exp(-x)) warns about an overflow at x = -1e4",
    ("cs231n", "gradcheck.numerical_gradient"): "np.nditer raises on a zero-size x",
    ("cs231n", "gradcheck.relative_error"): "np.max raises on zero-size arrays",
    ("deeplearning_ai", "clipping.clip_by_global_norm"): "np.concatenate raises on an empty list",
}


def modules_of(style):
    return tuple(m for m in MODULES if (FOREIGN / style / f"{m}.py").exists())


def functions_of(style):
    modules = modules_of(style)
    return sorted(f for f in default_reference().functions if f.split(".")[0] in modules)


@lru_cache(maxsize=None)
def report_of(style, seed, mode="auto", bug=None):
    """The grader's Report of a style folder (with BUGS[bug] pasted in, if given)."""
    with tempfile.TemporaryDirectory(prefix="foreign-") as scratch:
        folder = Path(scratch) / style
        shutil.copytree(FOREIGN / style, folder)
        modules = modules_of(style)
        if bug is not None:
            _, module, _, _, source = BUGS[bug]
            target = folder / f"{module}.py"
            target.write_text(target.read_text() + "\n\n" + source)
            modules = (module,)
        return grade(folder, seed=seed, modules=modules, isolation_mode=mode)


def correct_verdict(style, function, seed, mode):
    """None when `function` of `style` gets full marks with no mistake named, else what went wrong.

    For ADVISORY_ONLY code only the points count: the lesson (the naive form, named) is in a note that
    costs nothing."""
    outcomes = [o for o in report_of(style, seed, mode).outcomes if o.check.function == function]
    if not outcomes:
        return "no check ran"
    lost = [f"{o.check.name}: {o.verdict.summary}" for o in outcomes if not o.verdict.passed]
    named = [f"{o.check.name} named {m.name!r}" for o in outcomes for m in o.verdict.candidates
             if (style, function) not in ADVISORY_ONLY]
    return "; ".join(lost + named) or None


def bug_verdict(bug, seed):
    """(caught, misleading): the bug lost points in its function; every name given is the expected one."""
    _, _, function, expected, _ = BUGS[bug]
    report = report_of(BUGS[bug][0], seed, "auto", bug)
    failing = [o for o in report.outcomes if o.check.function == function and not o.verdict.passed]
    names = {m.name for o in report.outcomes if function in o.check.tags for m in o.verdict.candidates}
    misleading = sorted(n for n in names if expected is None or not n.startswith(expected))
    named_right = expected is None or any(o.verdict.mistake is not None and o.verdict.mistake.name.startswith(expected)
                                          for o in failing)
    return bool(failing) and named_right, misleading


def measure(correct_seeds=SEEDS[:2], bug_seeds=SEEDS, modes=MODES):
    """{figure: (value, out of)} over the corpus: correct variants with full marks on every seed and in every
    isolation mode (those whose only fault is advisory counted apart too), bugs caught on every seed, misleading
    names."""
    def full(pairs):
        return sum(all(correct_verdict(s, f, seed, mode) is None for seed in correct_seeds for mode in modes)
                   for s, f in pairs)

    pairs = [(s, f) for s in STYLES for f in functions_of(s)]
    correct = pairs
    caught, misleading = 0, set()
    for bug in BUGS:
        verdicts = [bug_verdict(bug, seed) for seed in bug_seeds]
        caught += all(c for c, _ in verdicts)
        misleading |= {(bug, name) for _, names in verdicts for name in names}
    return {"correct": (full(correct), len(correct)), "  of which advisory only": (full(ADVISORY_ONLY), len(ADVISORY_ONLY)),
            "bugs caught": (caught, len(BUGS)), "misleading names": (len(misleading), None)}


# name: (style, module, function, the mistake it must be given (start of its name, or a tuple of starts when
# every one of them is true of the code) or None, source appended)
BUGS = {
    "cs231n max pool refuses uneven shapes": ("cs231n", "cnn", "cnn.maxpool2d_forward", None, '''
def max_pool_forward_naive(x, pool_param):
    N, C, H, W = x.shape
    ph, pw, stride = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    assert (H - ph) % stride == 0, "Invalid height"
    assert (W - pw) % stride == 0, "Invalid width"
    H_out, W_out = 1 + (H - ph) // stride, 1 + (W - pw) // stride
    out = np.zeros((N, C, H_out, W_out))
    for i in range(H_out):
        for j in range(W_out):
            out[:, :, i, j] = np.max(x[:, :, i * stride:i * stride + ph, j * stride:j * stride + pw], axis=(2, 3))
    return out, (x, pool_param)
'''),
    "cs231n max pool output H // stride": ("cs231n", "cnn", "cnn.maxpool2d_forward", "output size H // stride", '''
def max_pool_forward_naive(x, pool_param):
    N, C, H, W = x.shape
    ph, pw, stride = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    out = np.zeros((N, C, H // stride, W // stride))
    for i in range(H // stride):
        for j in range(W // stride):
            out[:, :, i, j] = np.max(x[:, :, i * stride:i * stride + ph, j * stride:j * stride + pw], axis=(2, 3))
    return out, (x, pool_param)
'''),
    "cs231n max pool backward to every tie": ("cs231n", "cnn", "cnn.maxpool2d_backward",
                                              "every tied maximum gets the gradient", '''
def max_pool_backward_naive(dout, cache):
    x, pool_param = cache
    ph, pw, stride = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    dx = np.zeros_like(x)
    for n in range(x.shape[0]):
        for c in range(x.shape[1]):
            for i in range(dout.shape[2]):
                for j in range(dout.shape[3]):
                    window = x[n, c, i * stride:i * stride + ph, j * stride:j * stride + pw]
                    mask = window == np.max(window)
                    dx[n, c, i * stride:i * stride + ph, j * stride:j * stride + pw] += mask * dout[n, c, i, j]
    return dx
'''),
    "avg pool output H // stride": ("cs231n", "cnn", "cnn.avgpool2d_forward", "output size H // stride", '''
def avgpool2d_forward(x, kernel_size, stride=None):
    stride = kernel_size if stride is None else stride
    N, C, H, W = x.shape
    out = np.zeros((N, C, H // stride, W // stride))
    for i in range(H // stride):
        for j in range(W // stride):
            out[:, :, i, j] = np.mean(x[:, :, i * stride:i * stride + kernel_size, j * stride:j * stride + kernel_size],
                                      axis=(2, 3))
    return out, (x.shape, kernel_size, stride)
'''),
    "l1_grad with an epsilon": ("cs231n", "regularization", "regularization.l1_grad", "epsilon in the denominator", '''
def l1_grad(weights, lam):
    return [lam * W / (np.abs(W) + 1e-8) for W in weights]
'''),
    "cs231n biased running variance": ("cs231n", "regularization", "regularization.batchnorm_forward",
                                       "running variance stored biased", '''
def batchnorm_forward(x, gamma, beta, running_mean, running_var, training=True, momentum=0.1, eps=1e-5):
    if training:
        mu, var = x.mean(axis=0), x.var(axis=0)
        running_mean = (1 - momentum) * running_mean + momentum * mu
        running_var = (1 - momentum) * running_var + momentum * var
    else:
        mu, var = running_mean, running_var
        running_mean, running_var = running_mean.copy(), running_var.copy()
    x_hat = (x - mu) / np.sqrt(var + eps)
    return gamma * x_hat + beta, running_mean, running_var, ("train" if training else "test", x_hat, gamma, var, eps)
'''),
    "cs231n eval batch norm hands back its running stats": ("cs231n", "regularization", "regularization.batchnorm_forward",
                                                            None, '''
def batchnorm_forward(x, gamma, beta, running_mean, running_var, training=True, momentum=0.1, eps=1e-5):
    bn_param = {"mode": "train" if training else "test", "eps": eps, "momentum": 1.0 - momentum,
                "running_mean": running_mean, "running_var": running_var}
    out, cache = batchnorm_forward_cs(x, gamma, beta, bn_param)
    if not training:
        return out, running_mean, running_var, cache
    return out, bn_param["running_mean"], bn_param["running_var"], cache
'''),
    "cs231n test-mode dropout out = x": ("cs231n", "regularization", "regularization.dropout_forward", None, '''
def dropout_forward(x, p, rng, training=True):
    if not training:
        return x, np.ones_like(x)
    return dropout_forward_cs(x, {"p": 1.0 - p, "mode": "train"}, rng)
'''),
    "dropout mask None in evaluation": ("cs231n", "regularization", "regularization.dropout_forward", None, '''
def dropout_forward(x, p, rng, training=True):
    if not training:
        return x.copy(), None
    return dropout_forward_cs(x, {"p": 1.0 - p, "mode": "train"}, rng)
'''),
    "cs231n keep probability passed as p": ("cs231n", "regularization", "regularization.dropout_forward",
                                            "p used as the keep probability", '''
def dropout_forward(x, p, rng, training=True):
    return dropout_forward_cs(x, {"p": p, "mode": "train" if training else "test"}, rng)
'''),
    "d2l dropout_layer returns X at p = 0": ("cs231n", "regularization", "regularization.dropout_forward", None, '''
def dropout_forward(X, dropout, rng, training=True):
    if not training or dropout == 0:
        return X, np.ones_like(X)
    if dropout == 1:
        return np.zeros_like(X), np.zeros_like(X)
    mask = (rng.uniform(0, 1, X.shape) > dropout).astype(np.float64) / (1.0 - dropout)
    return mask * X, mask
'''),
    "cs231n LSTM gates i, f, o, g": ("cs231n", "rnn", "rnn.lstm_step_forward", "gates sliced in the order i, f, o, g", '''
def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, bx, bh):
    H = prev_h.shape[1]
    a = x.dot(Wx.T) + prev_h.dot(Wh.T) + bx + bh
    i, f, o = sigmoid(a[:, :H]), sigmoid(a[:, H:2 * H]), sigmoid(a[:, 2 * H:3 * H])
    g = np.tanh(a[:, 3 * H:])
    next_c = f * prev_c + i * g
    next_h = o * np.tanh(next_c)
    return next_h, next_c, (x, prev_h, prev_c, Wx, Wh, i, f, g, o, next_c)
'''),
    "deeplearning.ai norm-ratio difference": ("deeplearning_ai", "gradcheck", "gradcheck.relative_error", None, '''
def relative_error(a, b):
    numerator = np.linalg.norm(a - b)
    denominator = np.linalg.norm(a) + np.linalg.norm(b)
    return numerator / denominator if denominator else 0.0
'''),
    "deeplearning.ai 1/m in linear_backward": ("deeplearning_ai", "layers", "layers.dense_backward",
                                               "gradients divided by the batch size again", '''
def linear_backward(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = 1. / m * np.dot(dZ, A_prev.T)
    db = 1. / m * np.sum(dZ, axis=1, keepdims=True)
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db
'''),
    "deeplearning.ai clip with out=": ("deeplearning_ai", "clipping", "clipping.clip_by_value", None, '''
def clip(gradients, maxValue):
    for gradient in gradients.values():
        np.clip(gradient, -maxValue, maxValue, out=gradient)
    return gradients
'''),
    "nnfs probabilities clipped to 1e-7": ("nnfs", "losses", "losses.binary_cross_entropy", None, '''
def binary_cross_entropy(p, y):
    y_pred_clipped = np.clip(p, 1e-7, 1 - 1e-7)
    sample_losses = -(y * np.log(y_pred_clipped) + (1 - y) * np.log(1 - y_pred_clipped))
    return float(np.mean(sample_losses))
'''),
    "nnfs gradient over samples * outputs": ("nnfs", "losses", "losses.binary_cross_entropy_grad",
                                             "divided by len(p) * len(p[0])", '''
class Loss_BinaryCrossentropy(Loss_BinaryCrossentropy):
    def backward(self, dvalues, y_true):
        samples = len(dvalues)
        outputs = len(dvalues[0])
        self.dinputs = -(y_true / dvalues - (1 - y_true) / (1 - dvalues)) / outputs
        self.dinputs = self.dinputs / samples
'''),
    "nnfs categorical cross-entropy of clipped softmax": ("nnfs", "losses", "losses.softmax_cross_entropy", None, '''
class Activation_Softmax_Loss_CategoricalCrossentropy(Activation_Softmax_Loss_CategoricalCrossentropy):
    def forward(self, inputs, y_true):
        exp_values = np.exp(inputs - np.max(inputs, axis=1, keepdims=True))
        self.output = exp_values / np.sum(exp_values, axis=1, keepdims=True)
        clipped = np.clip(self.output, 1e-7, 1 - 1e-7)
        return -np.log(clipped[range(len(inputs)), y_true])
'''),
    "dlfs momentum state kept as -lr * velocity": ("dlfs", "optimizers", "optimizers.momentum_step",
                                                   "textbook momentum", '''
def momentum_step(param, grad, velocity, lr, momentum=0.9, dampening=0.0, weight_decay=0.0):
    v = np.zeros_like(param) if velocity is None else velocity
    v = momentum * v - lr * (grad + weight_decay * param)
    return param + v, v
'''),
    "dlfs Relu forward masks x in place": ("dlfs", "activations", "activations.relu",
                                          "input modified in place", '''
class Relu(Relu):
    def forward(self, x):
        self.mask = (x <= 0)
        x[self.mask] = 0
        return x


def relu(z):
    return Relu().forward(z)
'''),
    "d2l softmax without the max": ("d2l", "activations", "activations.softmax", "unstable softmax", '''
def softmax(X, axis=-1):
    X_exp = np.exp(X)
    partition = X_exp.sum(axis=axis, keepdims=True)
    return X_exp / partition
'''),
    "d2l squared_loss halved": ("d2l", "losses", "losses.mse", None, '''
def squared_loss(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2
'''),
    "d2l grad_clipping in place": ("d2l", "clipping", "clipping.clip_by_global_norm", None, '''
def clip_by_global_norm(grads, max_norm, norm_type=2.0):
    norm = grad_norm(grads, norm_type)
    if norm > max_norm:
        for g in grads:
            g[:] *= max_norm / norm
    return grads, norm
'''),
    "d2l He initialiser takes any mode but fan_in as fan_out": ("d2l", "initializers", "initializers.he_uniform", None, '''
def fan(fan_in, fan_out, mode):
    return fan_in if mode == "fan_in" else fan_out
'''),
    "dlfs classic dropout (scaled at test time)": ("dlfs", "regularization", "regularization.dropout_forward",
                                                  "classic dropout", '''
class Dropout(Dropout):
    def forward(self, x, train_flg=True):
        if train_flg:
            self.mask = (self.rng.random(x.shape) > self.dropout_ratio).astype(float)
            return x * self.mask
        self.mask = np.ones_like(x)
        return x * (1.0 - self.dropout_ratio)
'''),
    "dlfs batch norm running variance biased": ("dlfs", "regularization", "regularization.batchnorm_forward",
                                               "running variance stored biased", '''
class BatchNormalization(BatchNormalization):
    def forward(self, x, train_flg=True):
        old_var = self.running_var
        out = super().forward(x, train_flg)
        if train_flg:
            self.running_var = self.momentum * old_var + (1 - self.momentum) * x.var(axis=0)
        return out
'''),
    "dlfs Pooling spreads ties (mask of the max)": ("dlfs", "cnn", "cnn.maxpool2d_backward",
                                                   "every tied maximum gets the gradient", '''
class Pooling(Pooling):
    def forward(self, x):
        self.col = im2col(x, self.pool_h, self.pool_w, self.stride, self.pad).reshape(-1, self.pool_h * self.pool_w)
        return super().forward(x)

    def backward(self, dout):
        if self.mode != "max":
            return super().backward(dout)
        dout = dout.transpose(0, 2, 3, 1)
        dmax = (self.col == self.col.max(axis=1, keepdims=True)) * dout.reshape(-1, 1)
        dcol = dmax.reshape(dout.shape[0] * dout.shape[1] * dout.shape[2], -1)
        return col2im(dcol, self.x.shape, self.pool_h, self.pool_w, self.stride, self.pad)
'''),
    "dlfs Adam with the bias correction folded into lr": ("dlfs", "optimizers", "optimizers.adam_step", None, '''
class Adam(Adam):
    def update(self, params, grads):
        if self.m is None:
            self.m = {key: np.zeros_like(val) for key, val in params.items()}
            self.v = {key: np.zeros_like(val) for key, val in params.items()}
        self.iter += 1
        lr_t = self.lr * np.sqrt(1.0 - self.beta2 ** self.iter) / (1.0 - self.beta1 ** self.iter)
        for key in params.keys():
            self.m[key] += (1 - self.beta1) * (grads[key] - self.m[key])
            self.v[key] += (1 - self.beta2) * (grads[key] ** 2 - self.v[key])
            params[key] -= lr_t * self.m[key] / (np.sqrt(self.v[key]) + self.eps)
'''),
    "nnfs L2 without the 1/2": ("nnfs", "regularization", "regularization.l2_penalty", "no 1/2 factor", '''
def l2_penalty(weights, lam):
    return sum(lam * np.sum(w * w) for w in weights)
'''),
    "nnfs dL1 is +1 at W = 0": ("nnfs", "regularization", "regularization.l1_grad", None, '''
class Regularizer(Regularizer):
    def dweights(self, weights):
        dL1 = np.ones_like(weights, dtype=float)
        dL1[weights < 0] = -1
        return self.weight_regularizer_l1 * dL1
'''),
    "nnfs dropout mask from np.random": ("nnfs", "regularization", "regularization.dropout_forward", None, '''
class Layer_Dropout(Layer_Dropout):
    def forward(self, inputs, rng, training=True):
        if not training or self.rate == 0:
            return super().forward(inputs, rng, training)
        self.binary_mask = np.random.binomial(1, self.rate, size=inputs.shape) / self.rate
        self.output = inputs * self.binary_mask
'''),
    "nnfs softmax over axis 1 only": ("d2l", "activations", "activations.softmax", None, '''
def softmax(X, axis=-1):
    exp_values = np.exp(X - np.max(X, axis=1, keepdims=True))
    return exp_values / np.sum(exp_values, axis=1, keepdims=True)
'''),
    "deeplearning.ai RNN cell without b_hh": ("deeplearning_ai", "rnn", "rnn.rnn_step_forward", "b_hh left out", '''
def _rnn_parameters(W_ih, W_hh, b_ih, b_hh):
    return {"Wax": W_ih, "Waa": W_hh, "ba": b_ih.reshape(-1, 1)}
'''),
    # attention: bugs found in published Transformer code and course repositories
    "cs231n heads scaled by sqrt(embed_dim)": ("cs231n", "attention", "attention.multi_head_attention_forward",
                                               "each head scaled by sqrt(E)", """
def multi_head_attention_forward(query, key, value, num_heads, in_proj_weight, in_proj_bias, out_proj_weight,
                                 out_proj_bias, key_padding_mask=None, causal=False):
    N, L, E = query.shape
    S = key.shape[1]
    d = E // num_heads
    Q, q_cache = affine_forward(query, in_proj_weight[:E], in_proj_bias[:E])
    K, k_cache = affine_forward(key, in_proj_weight[E:2 * E], in_proj_bias[E:2 * E])
    V, v_cache = affine_forward(value, in_proj_weight[2 * E:], in_proj_bias[2 * E:])
    allowed = np.ones((N, L, S), dtype=bool)
    if key_padding_mask is not None:
        allowed = allowed & ~key_padding_mask[:, None, :]
    if causal:
        allowed = allowed & causal_mask(max(L, S))[:L, :S]
    Y = np.zeros((N, L, E))
    head_caches = []
    for h in range(num_heads):
        cols = slice(h * d, (h + 1) * d)
        q, k, v = Q[:, :, cols], K[:, :, cols], V[:, :, cols]
        attn = masked_softmax(q @ k.transpose(0, 2, 1) / np.sqrt(E), allowed)
        Y[:, :, cols] = attn @ v
        head_caches.append((q, k, v, attn))
    out, o_cache = affine_forward(Y, out_proj_weight, out_proj_bias)
    return out, (num_heads, q_cache, k_cache, v_cache, head_caches, o_cache)
"""),
    "cs231n masked scores set to 0, not -inf": ("cs231n", "attention", "attention.scaled_dot_product_attention", None, """
def masked_softmax(scores, allowed):
    scores = scores * allowed
    exp_scores = np.exp(scores - np.max(scores, axis=-1, keepdims=True))
    return exp_scores / np.sum(exp_scores, axis=-1, keepdims=True)
"""),
    "cs231n attention softmax over axis 1": ("cs231n", "attention", "attention.scaled_dot_product_attention",
                                             "softmax over the query axis", """
def masked_softmax(scores, allowed):
    scores = np.where(allowed, scores, -np.inf)
    row_max = np.max(scores, axis=1, keepdims=True)
    row_max[~np.isfinite(row_max)] = 0.0
    exp_scores = np.exp(scores - row_max)
    denom = np.sum(exp_scores, axis=1, keepdims=True)
    denom[denom == 0] = 1.0
    return exp_scores / denom
"""),
    "cs231n key padding mask broadcast over the queries": ("cs231n", "attention",
                                                           "attention.multi_head_attention_forward", None, """
_heads_forward = multi_head_attention_forward


def multi_head_attention_forward(query, key, value, num_heads, in_proj_weight, in_proj_bias, out_proj_weight,
                                 out_proj_bias, key_padding_mask=None, causal=False):
    if key_padding_mask is None:
        return _heads_forward(query, key, value, num_heads, in_proj_weight, in_proj_bias, out_proj_weight,
                              out_proj_bias, None, causal)
    N, L, E = query.shape
    d = E // num_heads
    Q, q_cache = affine_forward(query, in_proj_weight[:E], in_proj_bias[:E])
    K, k_cache = affine_forward(key, in_proj_weight[E:2 * E], in_proj_bias[E:2 * E])
    V, v_cache = affine_forward(value, in_proj_weight[2 * E:], in_proj_bias[2 * E:])
    mask = ~key_padding_mask[:, :, None]
    Y = np.zeros((N, L, E))
    head_caches = []
    for h in range(num_heads):
        cols = slice(h * d, (h + 1) * d)
        Y[:, :, cols], head_cache = scaled_dot_product_attention(Q[:, :, cols], K[:, :, cols], V[:, :, cols],
                                                                 mask, causal)
        head_caches.append(head_cache)
    out, o_cache = affine_forward(Y, out_proj_weight, out_proj_bias)
    return out, (num_heads, q_cache, k_cache, v_cache, head_caches, o_cache)
"""),
    "cs231n attention backward without 1/sqrt(d)": ("cs231n", "attention",
                                                    "attention.scaled_dot_product_attention_backward",
                                                    "1/sqrt(E) left out of dq and dk", """
def scaled_dot_product_attention_backward(dout, cache):
    q, k, v, attn = cache
    dv = np.matmul(np.swapaxes(attn, -1, -2), dout)
    dattn = np.matmul(dout, np.swapaxes(v, -1, -2))
    dscores = attn * (dattn - np.sum(attn * dattn, axis=-1, keepdims=True))
    return np.matmul(dscores, k), np.matmul(np.swapaxes(dscores, -1, -2), q), dv
"""),
    "cs231n projection bias gradients averaged": ("cs231n", "attention", "attention.multi_head_attention_backward",
                                                  "bias gradients averaged", """
def affine_backward(dout, cache):
    x, w = cache
    D, M = x.shape[-1], w.shape[0]
    return dout.dot(w), dout.reshape(-1, M).T.dot(x.reshape(-1, D)), np.mean(dout.reshape(-1, M), axis=0)
"""),
    "tensor2tensor timing signal: sines then cosines": ("cs231n", "attention",
                                                        "attention.sinusoidal_positional_encoding",
                                                        "sines and cosines in two halves", """
def sinusoidal_positional_encoding(T, d):
    position = np.arange(T)[:, None]
    inv_timescales = 1.0 / 10000 ** (np.arange(0, d, 2) / d)
    scaled_time = position * inv_timescales[None, :]
    return np.concatenate([np.sin(scaled_time), np.cos(scaled_time[:, :d // 2])], axis=1)
"""),
    "d2l masked_softmax gives uniform weights to a query with no key": ("d2l", "attention",
                                                                        "attention.scaled_dot_product_attention", None, """
def masked_softmax(X, mask):
    if mask is not None:
        X = np.where(mask, X, -1e6)
    X_exp = np.exp(X - X.max(axis=-1, keepdims=True))
    return X_exp / X_exp.sum(axis=-1, keepdims=True)
"""),
    "d2l PositionalEncoding needs an even width": ("d2l", "attention", "attention.sinusoidal_positional_encoding",
                                                   None, """
def sinusoidal_positional_encoding(T, d):
    P = np.zeros((1, T, d))
    X = np.arange(T, dtype=np.float64).reshape(-1, 1) / np.power(10000, np.arange(0, d, 2, dtype=np.float64) / d)
    P[:, :, 0::2] = np.sin(X)
    P[:, :, 1::2] = np.cos(X)
    return P[0]
"""),
    "heads split with view(N, h, T, d)": ("d2l", "attention", "attention.multi_head_attention_forward",
                                          "heads split by reshaping straight", """
def transpose_qkv(X, num_heads):
    return X.reshape(X.shape[0] * num_heads, X.shape[1], -1)
"""),
    "d2l AddNorm whatever norm_first says": ("d2l", "attention", "attention.transformer_encoder_layer_forward",
                                             "LayerNorm after the residual sum even with norm_first", """
_any_norm_forward = transformer_encoder_layer_forward


def transformer_encoder_layer_forward(x, params, num_heads, norm_first=False, key_padding_mask=None, causal=False,
                                      eps=1e-5):
    return _any_norm_forward(x, params, num_heads, False, key_padding_mask, causal, eps)
"""),
    "Annotated Transformer LayerNorm (unbiased std, eps added to it)": ("d2l", "attention",
                                                                        "attention.transformer_encoder_layer_forward",
                                                                        None, """
def layer_norm(X, gamma, beta, eps):
    return gamma * (X - X.mean(axis=-1, keepdims=True)) / (X.std(axis=-1, ddof=1, keepdims=True) + eps) + beta
"""),
    # np.triu(ones, 1) is False on the diagonal too: at T = 1 its [[False]] IS a mask without the diagonal, and
    # both fixes (np.tril, True on and below the diagonal) are right, so either name is true of this code.
    "causal mask from generate_square_subsequent_mask": ("d2l", "attention", "attention.causal_mask",
                                                         ("True marks the blocked keys", "the diagonal left out"), """
def causal_mask(T):
    return np.triu(np.ones((T, T)), 1).astype(bool)
"""),
    "dlfs Softmax backward with the elementwise y(1 - y)": ("dlfs", "attention",
                                                            "attention.scaled_dot_product_attention_backward", None, """
class Softmax(Softmax):
    def backward(self, dout):
        return dout * self.out * (1.0 - self.out)
"""),
    "dlfs Affine bias gradient summed over axis 0 only": ("dlfs", "attention", "attention.multi_head_attention_backward",
                                                          None, """
class Affine(Affine):
    def backward(self, dout):
        dx = super().backward(dout)
        self.db = np.sum(dout, axis=0)
        return dx
"""),
    "cs231n word embedding backward dW[x] += dout": ("cs231n", "nlp", "nlp.embedding_backward",
                                                     "dW[idx] += dout", """
def word_embedding_backward(dout, cache):
    x, W_shape = cache
    dW = np.zeros(W_shape)
    dW[x] += dout
    return dW
"""),
    "d2l masked cross-entropy averaged over every position": ("d2l", "nlp", "nlp.sequence_cross_entropy",
                                                              "padding counted in the mean", """
def sequence_cross_entropy(logits, targets, ignore_index=-100):
    loss, _, _ = masked_softmax_ce(logits, targets, ignore_index)
    return float(loss.mean())
"""),
}
