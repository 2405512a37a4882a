# Your exercise: replace each `raise NotImplementedError` by an implementation.

"""Recurrent layers: a vanilla tanh RNN, an LSTM and a GRU, forward and backward through time.

torch.nn.RNN / nn.LSTM layout, batch-first: x (N, T, D), hidden states (N, H).
RNN: W_ih (H, D), W_hh (H, H), b_ih (H,), b_hh (H,).
LSTM: W_ih (4H, D), W_hh (4H, H), b_ih (4H,), b_hh (4H,), gates stacked in
torch's order i, f, g, o (input, forget, cell candidate, output).
GRU: W_ih (3H, D), W_hh (3H, H), b_ih (3H,), b_hh (3H,), blocks in torch's
order r, z, n (reset, update, candidate).
Bidirectional RNN: two RNNs, the second with the *_reverse weights, h0 (2, N, H).

Course pages: docs/rnn/how-rnn-works.md, docs/rnn/bptt.md, docs/rnn/lstm.md,
docs/rnn/gru.md, docs/rnn/bidirectional.md
"""

import numpy as np
import activations


def rnn_step_forward(x, h_prev, W_ih, W_hh, b_ih, b_hh):
    """One step of a tanh RNN: h = tanh(x @ W_ih.T + b_ih + h_prev @ W_hh.T + b_hh).

    Args:
        x: inputs at this step (N, D).
        h_prev: previous hidden state (N, H).
        W_ih (H, D), W_hh (H, H), b_ih (H,), b_hh (H,): torch's layout.
    Returns:
        (h, cache): h (N, H).

    Pitfall: torch stores W_ih as (H, D), so the product is x @ W_ih.T.
    Read: docs/rnn/how-rnn-works.md
    """
    raise NotImplementedError("rnn_step_forward")


def rnn_step_backward(dh, cache):
    """Gradients of rnn_step_forward given dh = dL/dh (N, H).

    With da = dh * (1 - h**2) (tanh' at the pre-activation, written with h):
    dx = da @ W_ih, dh_prev = da @ W_hh, dW_ih = da.T @ x, dW_hh = da.T @ h_prev,
    db_ih = db_hh = da summed over the batch.

    Args:
        dh: upstream gradient (N, H).
        cache: from rnn_step_forward.
    Returns:
        (dx, dh_prev, dW_ih, dW_hh, db_ih, db_hh) with the shapes of the inputs.

    Pitfall: 1 - h**2 is tanh' expressed with the OUTPUT h = tanh(a); using the
    pre-activation there would be wrong.
    Read: docs/rnn/bptt.md
    """
    raise NotImplementedError("rnn_step_backward")


def rnn_forward(x, h0, W_ih, W_hh, b_ih, b_hh):
    """A tanh RNN over a whole sequence, as torch.nn.RNN(D, H, batch_first=True).

    Args:
        x: inputs (N, T, D).
        h0: initial hidden state (N, H).
        W_ih, W_hh, b_ih, b_hh: as in rnn_step_forward, SHARED by every step.
    Returns:
        (hs, cache): hs (N, T, H), the hidden state after every step.

    Pitfall: every step uses the same weights; the state carried forward is the
    new h, not h0.
    Read: docs/rnn/how-rnn-works.md
    """
    raise NotImplementedError("rnn_forward")


def rnn_backward(dhs, cache):
    """Backpropagation through time for rnn_forward, given dhs = dL/dhs (N, T, H).

    Going backwards, the gradient reaching h_t is dhs[:, t] plus what flows back
    from step t+1; weight gradients are SUMMED over all steps.

    Args:
        dhs: upstream gradient on every hidden state (N, T, H).
        cache: from rnn_forward.
    Returns:
        (dx, dh0, dW_ih, dW_hh, db_ih, db_hh): dx (N, T, D), dh0 (N, H), weights' shapes.

    Pitfall: keeping only the last step's weight gradient instead of summing over
    time, or forgetting the gradient carried back from the next step.
    Read: docs/rnn/bptt.md
    """
    raise NotImplementedError("rnn_backward")


def lstm_step_forward(x, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh):
    """One LSTM step, as torch.nn.LSTMCell.

    a = x @ W_ih.T + b_ih + h_prev @ W_hh.T + b_hh, split into 4 blocks of H in the
    order i, f, g, o;  i, f, o = sigmoid(.), g = tanh(.);
    c = f * c_prev + i * g;  h = o * tanh(c).

    Args:
        x (N, D), h_prev (N, H), c_prev (N, H).
        W_ih (4H, D), W_hh (4H, H), b_ih (4H,), b_hh (4H,).
    Returns:
        (h, c, cache): h and c (N, H).

    Pitfall: torch's gate order is i, f, g, o; slicing them as i, f, o, g gives a
    network that runs but is not torch's.
    Read: docs/rnn/lstm.md
    """
    raise NotImplementedError("lstm_step_forward")


def lstm_step_backward(dh, dc, cache):
    """Gradients of lstm_step_forward given dh = dL/dh and dc = dL/dc (both (N, H)).

    The cell gradient is dc + dh * o * (1 - tanh(c)**2); it reaches c_prev through
    the forget gate only: dc_prev = (that) * f.

    Args:
        dh, dc: upstream gradients (N, H).
        cache: from lstm_step_forward.
    Returns:
        (dx, dh_prev, dc_prev, dW_ih, dW_hh, db_ih, db_hh).

    Pitfall: forgetting the path from h to c through tanh(c), or the dc that comes
    straight from the next step.
    Read: docs/rnn/lstm.md
    """
    raise NotImplementedError("lstm_step_backward")


def lstm_forward(x, h0, c0, W_ih, W_hh, b_ih, b_hh):
    """An LSTM over a whole sequence, as torch.nn.LSTM(D, H, batch_first=True).

    Args:
        x: inputs (N, T, D).
        h0, c0: initial states (N, H).
        W_ih, W_hh, b_ih, b_hh: as in lstm_step_forward, shared by every step.
    Returns:
        (hs, cache): hs (N, T, H), the hidden state after every step.

    Pitfall: carry BOTH h and c from step to step.
    Read: docs/rnn/lstm.md
    """
    raise NotImplementedError("lstm_forward")


def lstm_backward(dhs, cache):
    """Backpropagation through time for lstm_forward, given dhs = dL/dhs (N, T, H).

    The gradients of h AND c flow back from step t+1 to step t; weight gradients
    are summed over all steps.

    Args:
        dhs: upstream gradient on every hidden state (N, T, H).
        cache: from lstm_forward.
    Returns:
        (dx, dh0, dc0, dW_ih, dW_hh, db_ih, db_hh): dx (N, T, D), dh0 and dc0 (N, H).

    Pitfall: dropping the cell-state gradient between steps removes exactly the
    path that lets LSTMs remember.
    Read: docs/rnn/lstm.md
    """
    raise NotImplementedError("lstm_backward")


def rnn_train_step(params, x, h0, y, lr, max_norm):
    """One SGD step of an RNN regressor, with gradient clipping inside BPTT.

    prediction = h_T @ W_out.T + b_out from the LAST hidden state of rnn_forward;
    loss = mean((prediction - y)**2) (torch MSELoss); gradients of all six
    parameters by backpropagation through time; clipped together by their global
    L2 norm as torch.nn.utils.clip_grad_norm_(parameters, max_norm) (scale
    min(1, max_norm / (total_norm + 1e-6)), total_norm measured before clipping);
    then param - lr * clipped_grad.

    Args:
        params: dict with W_ih (H, D), W_hh (H, H), b_ih (H,), b_hh (H,),
            W_out (K, H), b_out (K,).
        x: inputs (N, T, D).  h0: (N, H).  y: targets (N, K).
        lr: learning rate.  max_norm: clipping threshold.
    Returns:
        (new_params, loss, total_norm): a new dict of new arrays, and two floats
        (the loss before the update, the gradient norm before clipping).

    Pitfall: clipping each parameter's gradient by its own norm, or clipping after
    the update.
    Read: docs/rnn/rnn-problems.md
    """
    raise NotImplementedError("rnn_train_step")


def gru_step_forward(x, h_prev, W_ih, W_hh, b_ih, b_hh):
    """One GRU step, as torch.nn.GRUCell.

    a_i = x @ W_ih.T + b_ih and a_h = h_prev @ W_hh.T + b_hh, each split into 3 blocks
    of H in torch's order r, z, n (reset, update, candidate):
    r = sigmoid(a_i_r + a_h_r);  z = sigmoid(a_i_z + a_h_z);
    n = tanh(a_i_n + r * a_h_n)     (the reset gate multiplies W_hn h_prev + b_hn);
    h = (1 - z) * n + z * h_prev    (z near 1 KEEPS the old state).

    Args:
        x (N, D), h_prev (N, H).
        W_ih (3H, D), W_hh (3H, H), b_ih (3H,), b_hh (3H,).
    Returns:
        (h, cache): h (N, H).

    Pitfall: the reset gate multiplies (h_prev @ W_hn.T + b_hn), after the matrix
    product and with its bias, not h_prev before it; and z weights the OLD state.
    Read: docs/rnn/gru.md
    """
    raise NotImplementedError("gru_step_forward")


def gru_step_backward(dh, cache):
    """Gradients of gru_step_forward given dh = dL/dh (N, H).

    With dn = dh * (1 - z) and da_n = dn * (1 - n**2) (tanh' written with n):
    the update gate gets dh * (h_prev - n), the reset gate da_n * (h_prev @ W_hn.T + b_hn),
    and the recurrent candidate block gets da_n * r. The input-side and hidden-side
    pre-activations share the r and z blocks but differ in the n block.

    Args:
        dh: upstream gradient (N, H).
        cache: from gru_step_forward.
    Returns:
        (dx, dh_prev, dW_ih, dW_hh, db_ih, db_hh) with the shapes of the inputs.

    Pitfall: h_prev reaches h twice, directly through z * h_prev and through the
    three gates: dh_prev = dh * z + (gate gradients) @ W_hh.
    Read: docs/rnn/gru.md
    """
    raise NotImplementedError("gru_step_backward")


def gru_forward(x, h0, W_ih, W_hh, b_ih, b_hh):
    """A GRU over a whole sequence, as torch.nn.GRU(D, H, batch_first=True).

    Args:
        x: inputs (N, T, D).
        h0: initial hidden state (N, H).
        W_ih, W_hh, b_ih, b_hh: as in gru_step_forward, shared by every step.
    Returns:
        (hs, cache): hs (N, T, H), the hidden state after every step.

    Pitfall: hs[:, t] is the state AFTER step t (h_1 ... h_T), not the one fed in.
    Read: docs/rnn/gru.md
    """
    raise NotImplementedError("gru_forward")


def gru_backward(dhs, cache):
    """Backpropagation through time for gru_forward, given dhs = dL/dhs (N, T, H).

    As rnn_backward: the gradient reaching h_t is dhs[:, t] plus what flows back
    from step t+1, and the weight gradients are summed over all steps.

    Args:
        dhs: upstream gradient on every hidden state (N, T, H).
        cache: from gru_forward.
    Returns:
        (dx, dh0, dW_ih, dW_hh, db_ih, db_hh): dx (N, T, D), dh0 (N, H), weights' shapes.

    Pitfall: summing the weight gradients over time, and carrying dh_prev back.
    Read: docs/rnn/gru.md
    """
    raise NotImplementedError("gru_backward")


def bidirectional_rnn_forward(x, h0, W_ih, W_hh, b_ih, b_hh, W_ih_reverse, W_hh_reverse, b_ih_reverse,
                              b_hh_reverse):
    """A bidirectional tanh RNN, as torch.nn.RNN(D, H, bidirectional=True, batch_first=True).

    The forward direction is rnn_forward over x with h0[0] and the first four
    weights; the backward direction reads the sequence from t = T-1 down to 0,
    starting from h0[1], with the *_reverse weights. out[:, t] is the forward
    state at t followed by the backward state at t (the one that has read x[:, t:]).

    Args:
        x: inputs (N, T, D).
        h0: initial states (2, N, H): h0[0] forward, h0[1] backward (torch's layout).
        W_ih (H, D), W_hh (H, H), b_ih (H,), b_hh (H,): forward direction.
        W_ih_reverse, W_hh_reverse, b_ih_reverse, b_hh_reverse: backward direction, same shapes.
    Returns:
        out (N, T, 2H): [forward | backward] states, both at position t.

    Pitfall: run the backward direction on the reversed sequence, then reverse its
    states back, so that out[:, t] holds both directions at the same position t.
    Read: docs/rnn/bidirectional.md
    """
    raise NotImplementedError("bidirectional_rnn_forward")
