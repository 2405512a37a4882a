"""nlp.py returning NumPy scalars as they come (np.float64 loss and perplexity), with dict caches."""
import numpy as np


def embedding_forward(idx, W):
    return W[idx], {"idx": idx, "shape": W.shape}


def embedding_backward(dout, cache):
    dW = np.zeros(cache["shape"])
    np.add.at(dW, cache["idx"].ravel(), dout.reshape(-1, cache["shape"][1]))
    return dW


def _log_softmax(z):
    z = z - np.max(z, axis=-1, keepdims=True)
    return z - np.log(np.sum(np.exp(z), axis=-1, keepdims=True))


def sequence_cross_entropy(logits, targets, ignore_index=-100):
    mask = targets != ignore_index
    if not mask.any():
        return np.float64(0.0)
    log_p = _log_softmax(logits[mask])
    return -np.mean(log_p[np.arange(log_p.shape[0]), targets[mask]])


def sequence_cross_entropy_grad(logits, targets, ignore_index=-100):
    mask = targets != ignore_index
    grad = np.zeros_like(logits)
    if mask.any():
        p = np.exp(_log_softmax(logits[mask]))
        p[np.arange(p.shape[0]), targets[mask]] -= 1.0
        grad[mask] = p / np.count_nonzero(mask)
    return grad


def skipgram_negative_sampling_loss_and_grads(center, context, negatives, W_in, W_out):
    n = np.int64(len(center))
    v = W_in[center]
    s_pos = np.sum(W_out[context] * v, axis=1)
    s_neg = np.sum(W_out[negatives] * v[:, None, :], axis=2)
    loss = (np.sum(np.logaddexp(0, -s_pos)) + np.sum(np.logaddexp(0, s_neg))) / n
    g_pos = -1.0 / (1.0 + np.exp(np.clip(s_pos, -700, 700))) / n  # -sigmoid(-s)
    g_neg = 1.0 / (1.0 + np.exp(np.clip(-s_neg, -700, 700))) / n  # sigmoid(s)
    dW_in, dW_out = np.zeros(W_in.shape), np.zeros(W_out.shape)
    np.add.at(dW_in, center, g_pos[:, None] * W_out[context] + np.sum(g_neg[:, :, None] * W_out[negatives], axis=1))
    np.add.at(dW_out, context, g_pos[:, None] * v)
    np.add.at(dW_out, negatives.ravel(), (g_neg[:, :, None] * v[:, None, :]).reshape(-1, v.shape[1]))
    return loss, dW_in, dW_out


def tf_idf(counts):
    n = np.float64(counts.shape[0])
    df = np.sum(counts > 0, axis=0)
    w = counts * (np.log((n + 1) / (df + 1)) + 1)
    norm = np.sqrt(np.sum(np.square(w), axis=1))
    norm[norm == 0] = 1.0
    return w / norm[:, None]


def ngram_counts(sentences, V):
    counts = np.zeros((V, V))
    for s in sentences:
        tokens = np.concatenate(([0], s, [0])).astype(np.intp)
        np.add.at(counts, (tokens[:-1], tokens[1:]), 1)
    return counts


def add_k_probability(counts, k=1.0):
    V = np.int64(counts.shape[1])
    return (counts + k) / (counts.sum(axis=1)[:, None] + k * V)


def perplexity(probs, sentences):
    logs, total = np.float64(0.0), np.int64(0)
    for s in sentences:
        tokens = np.concatenate(([0], s, [0])).astype(np.intp)
        p = probs[tokens[:-1], tokens[1:]]
        if np.min(p) == 0:
            return np.float64(np.inf)
        logs += np.sum(np.log(p))
        total += p.size
    return np.exp(-logs / total)
