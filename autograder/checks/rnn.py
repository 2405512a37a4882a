"""Checks of rnn.py: RNN, LSTM and GRU steps and sequences both ways, a clipped BPTT training step,
and a bidirectional RNN forward."""
from autograder.spec import ValueCheck, result_of


def rnn_weights(rng, d, h, gates=1):
    scale = 1.0 / h**0.5
    return (rng.uniform(-scale, scale, size=(gates * h, d)), rng.uniform(-scale, scale, size=(gates * h, h)),
            rng.uniform(-scale, scale, size=(gates * h,)), rng.uniform(-scale, scale, size=(gates * h,)))


def step_inputs(n, d, h, lstm=False):
    def make(rng):
        states = (rng.normal(size=(n, h)),) + ((rng.normal(size=(n, h)),) if lstm else ())
        return (rng.normal(size=(n, d)), *states, *rnn_weights(rng, d, h, 4 if lstm else 1))
    return make


def sequence_inputs(n, t, d, h, lstm=False):
    def make(rng):
        states = (rng.normal(size=(n, h)) * 0.5,) + ((rng.normal(size=(n, h)) * 0.5,) if lstm else ())
        return (rng.normal(size=(n, t, d)), *states, *rnn_weights(rng, d, h, 4 if lstm else 1))
    return make


NAMES = {
    "lstm_step_forward": ("h", "c"),
    "rnn_step_backward": ("dx", "dh_prev", "dW_ih", "dW_hh", "db_ih", "db_hh"),
    "rnn_backward": ("dx", "dh0", "dW_ih", "dW_hh", "db_ih", "db_hh"),
    "lstm_step_backward": ("dx", "dh_prev", "dc_prev", "dW_ih", "dW_hh", "db_ih", "db_hh"),
    "lstm_backward": ("dx", "dh0", "dc0", "dW_ih", "dW_hh", "db_ih", "db_hh"),
    "rnn_train_step": ("params", "loss", "total_norm"),
    "gru_step_backward": ("dx", "dh_prev", "dW_ih", "dW_hh", "db_ih", "db_hh"),
    "gru_backward": ("dx", "dh0", "dW_ih", "dW_hh", "db_ih", "db_hh"),
}


def forward(function, dims, make, pick):
    return ValueCheck(f"rnn.{function}", f"{function} with (N, ..., D, H) = {dims}", inputs=make, pick=pick,
                      names=NAMES.get(function, ()))


def backward(function, forward_name, dims, make, upstream, cache_index):
    return ValueCheck(f"rnn.{function}", f"{function} after {forward_name} with (N, ..., D, H) = {dims}",
                      also_tags=(f"rnn.{forward_name}",), before=((f"rnn.{forward_name}", make),),
                      inputs=lambda rng: (*upstream(rng), result_of(0, pick=cache_index)), names=NAMES[function])


def train_step(n, t, d, h, k, lr, max_norm, out_scale=None):
    """out_scale: W_out, b_out and y of that size instead of about 1 (small gradients, small total_norm)."""
    def make(rng):
        w_ih, w_hh, b_ih, b_hh = rnn_weights(rng, d, h)
        out = (1.0, 1.0, 3.0) if out_scale is None else (out_scale,) * 3
        params = {"W_ih": w_ih * 2, "W_hh": w_hh * 2, "b_ih": b_ih, "b_hh": b_hh,
                  "W_out": rng.normal(size=(k, h)) * out[0], "b_out": rng.normal(size=(k,)) * out[1]}
        return (params, rng.normal(size=(n, t, d)), rng.normal(size=(n, h)) * 0.5, rng.normal(size=(n, k)) * out[2],
                lr, max_norm)
    return ValueCheck("rnn.rnn_train_step",
                      f"rnn_train_step: N={n}, T={t}, D={d}, H={h}, K={k}, lr={lr}, max_norm={max_norm}"
                      + (f", W_out, b_out and y of size {out_scale:g}" if out_scale is not None else ""),
                      also_tags=("rnn.rnn_forward", "rnn.rnn_backward"), inputs=make, names=NAMES["rnn_train_step"])


def gru_step_inputs(n, d, h):
    return lambda rng: (rng.normal(size=(n, d)), rng.normal(size=(n, h)), *rnn_weights(rng, d, h, 3))


def gru_sequence_inputs(n, t, d, h):
    return lambda rng: (rng.normal(size=(n, t, d)), rng.normal(size=(n, h)) * 0.5, *rnn_weights(rng, d, h, 3))


def bidirectional(n, t, d, h):
    def make(rng):
        return (rng.normal(size=(n, t, d)), rng.normal(size=(2, n, h)) * 0.5, *rnn_weights(rng, d, h),
                *rnn_weights(rng, d, h))
    return ValueCheck("rnn.bidirectional_rnn_forward", f"bidirectional_rnn_forward with (N, T, D, H) = {(n, t, d, h)}",
                      inputs=make)


CHECKS = [
    forward("rnn_step_forward", (3, 4, 5), step_inputs(3, 4, 5), 0),
    forward("rnn_step_forward", (2, 6, 3), step_inputs(2, 6, 3), 0),
    backward("rnn_step_backward", "rnn_step_forward", (3, 4, 5), step_inputs(3, 4, 5),
             lambda rng: (rng.normal(size=(3, 5)),), 1),
    backward("rnn_step_backward", "rnn_step_forward", (4, 2, 3), step_inputs(4, 2, 3),
             lambda rng: (rng.normal(size=(4, 3)),), 1),
    forward("rnn_forward", (3, 5, 4, 6), sequence_inputs(3, 5, 4, 6), 0),
    forward("rnn_forward", (2, 7, 3, 2), sequence_inputs(2, 7, 3, 2), 0),
    backward("rnn_backward", "rnn_forward", (3, 5, 4, 6), sequence_inputs(3, 5, 4, 6),
             lambda rng: (rng.normal(size=(3, 5, 6)),), 1),
    backward("rnn_backward", "rnn_forward", (2, 4, 3, 5), sequence_inputs(2, 4, 3, 5),
             lambda rng: (rng.normal(size=(2, 4, 5)),), 1),
    backward("rnn_backward", "rnn_forward", (3, 1, 2, 4), sequence_inputs(3, 1, 2, 4),
             lambda rng: (rng.normal(size=(3, 1, 4)),), 1),  # a sequence of one step
    forward("lstm_step_forward", (3, 4, 5), step_inputs(3, 4, 5, lstm=True), [0, 1]),
    forward("lstm_step_forward", (2, 3, 2), step_inputs(2, 3, 2, lstm=True), [0, 1]),
    backward("lstm_step_backward", "lstm_step_forward", (3, 4, 5), step_inputs(3, 4, 5, lstm=True),
             lambda rng: (rng.normal(size=(3, 5)), rng.normal(size=(3, 5))), 2),
    backward("lstm_step_backward", "lstm_step_forward", (2, 3, 4), step_inputs(2, 3, 4, lstm=True),
             lambda rng: (rng.normal(size=(2, 4)), rng.normal(size=(2, 4))), 2),
    forward("lstm_forward", (3, 5, 4, 6), sequence_inputs(3, 5, 4, 6, lstm=True), 0),
    forward("lstm_forward", (2, 6, 3, 2), sequence_inputs(2, 6, 3, 2, lstm=True), 0),
    backward("lstm_backward", "lstm_forward", (3, 5, 4, 6), sequence_inputs(3, 5, 4, 6, lstm=True),
             lambda rng: (rng.normal(size=(3, 5, 6)),), 1),
    backward("lstm_backward", "lstm_forward", (2, 4, 3, 2), sequence_inputs(2, 4, 3, 2, lstm=True),
             lambda rng: (rng.normal(size=(2, 4, 2)),), 1),
    backward("lstm_backward", "lstm_forward", (2, 1, 4, 3), sequence_inputs(2, 1, 4, 3, lstm=True),
             lambda rng: (rng.normal(size=(2, 1, 3)),), 1),  # a sequence of one step
    train_step(4, 6, 3, 5, 2, 0.1, 0.5),
    train_step(3, 4, 2, 3, 1, 0.05, 100.0),
    # total_norm ~ 1e-3 clipped to 2e-4: the 1e-6 in max_norm / (total_norm + 1e-6) shows.
    train_step(3, 5, 4, 3, 2, 4.0, 2e-4, out_scale=1e-3),
    # The GRU and the bidirectional RNN, appended so that the checks above keep their positions (and inputs).
    forward("gru_step_forward", (3, 4, 5), gru_step_inputs(3, 4, 5), 0),
    forward("gru_step_forward", (2, 6, 3), gru_step_inputs(2, 6, 3), 0),
    backward("gru_step_backward", "gru_step_forward", (3, 4, 5), gru_step_inputs(3, 4, 5),
             lambda rng: (rng.normal(size=(3, 5)),), 1),
    backward("gru_step_backward", "gru_step_forward", (4, 2, 3), gru_step_inputs(4, 2, 3),
             lambda rng: (rng.normal(size=(4, 3)),), 1),
    forward("gru_forward", (3, 5, 4, 6), gru_sequence_inputs(3, 5, 4, 6), 0),
    forward("gru_forward", (2, 7, 3, 2), gru_sequence_inputs(2, 7, 3, 2), 0),
    backward("gru_backward", "gru_forward", (3, 5, 4, 6), gru_sequence_inputs(3, 5, 4, 6),
             lambda rng: (rng.normal(size=(3, 5, 6)),), 1),
    backward("gru_backward", "gru_forward", (2, 4, 3, 5), gru_sequence_inputs(2, 4, 3, 5),
             lambda rng: (rng.normal(size=(2, 4, 5)),), 1),
    backward("gru_backward", "gru_forward", (3, 1, 2, 4), gru_sequence_inputs(3, 1, 2, 4),
             lambda rng: (rng.normal(size=(3, 1, 4)),), 1),  # a sequence of one step
    bidirectional(3, 5, 4, 6),
    bidirectional(2, 4, 3, 2),
    bidirectional(2, 1, 3, 4),  # one step: both directions read the same single input
]
