"""Words as numbers in CS231n's rnn_layers manner (word_embedding_forward/backward with np.add.at, a
temporal softmax loss over a mask returning (loss, dx)), plus word2vec and n-gram helpers written the same
way: explicit shapes, a cache tuple, loops only where the data is a list. Adapted to the contract: the mask
comes from ignore_index and the loss is averaged over the kept positions, as torch does."""
import numpy as np


def word_embedding_forward(x, W):
    out = W[x]
    cache = (x, W.shape)
    return out, cache


def word_embedding_backward(dout, cache):
    x, W_shape = cache
    dW = np.zeros(W_shape)
    np.add.at(dW, x, dout)
    return dW


def embedding_forward(idx, W):
    return word_embedding_forward(idx, W)


def embedding_backward(dout, cache):
    return word_embedding_backward(dout, cache)


def temporal_softmax_loss(x, y, mask):
    N, T, V = x.shape
    x_flat = x.reshape(N * T, V)
    y_flat = np.where(mask, y, 0).reshape(N * T)
    mask_flat = mask.reshape(N * T)
    count = max(mask_flat.sum(), 1)
    probs = np.exp(x_flat - np.max(x_flat, axis=1, keepdims=True))
    probs /= np.sum(probs, axis=1, keepdims=True)
    log_probs = x_flat - np.max(x_flat, axis=1, keepdims=True)
    log_probs -= np.log(np.sum(np.exp(log_probs), axis=1, keepdims=True))
    loss = -np.sum(mask_flat * log_probs[np.arange(N * T), y_flat]) / count
    dx_flat = probs.copy()
    dx_flat[np.arange(N * T), y_flat] -= 1
    dx_flat /= count
    dx_flat *= mask_flat[:, None]
    return float(loss), dx_flat.reshape(N, T, V)


def sequence_cross_entropy(logits, targets, ignore_index=-100):
    loss, _ = temporal_softmax_loss(logits, targets, targets != ignore_index)
    return loss


def sequence_cross_entropy_grad(logits, targets, ignore_index=-100):
    _, dx = temporal_softmax_loss(logits, targets, targets != ignore_index)
    return dx


def sigmoid(x):
    return 0.5 * (1 + np.tanh(0.5 * x))


def skipgram_negative_sampling_loss_and_grads(center, context, negatives, W_in, W_out):
    B = center.shape[0]
    v = W_in[center]  # (B, D)
    u_pos = W_out[context]  # (B, D)
    u_neg = W_out[negatives]  # (B, K, D)
    s_pos = np.sum(v * u_pos, axis=1)  # (B,)
    s_neg = np.einsum("bkd,bd->bk", u_neg, v)  # (B, K)
    loss = (np.sum(np.logaddexp(0, -s_pos)) + np.sum(np.logaddexp(0, s_neg))) / B
    ds_pos = -sigmoid(-s_pos) / B
    ds_neg = sigmoid(s_neg) / B
    dv = ds_pos[:, None] * u_pos + np.einsum("bk,bkd->bd", ds_neg, u_neg)
    dW_in = np.zeros_like(W_in)
    dW_out = np.zeros_like(W_out)
    np.add.at(dW_in, center, dv)
    np.add.at(dW_out, context, ds_pos[:, None] * v)
    np.add.at(dW_out, negatives, ds_neg[:, :, None] * v[:, None, :])
    return float(loss), dW_in, dW_out


def tf_idf(counts):
    n_docs = counts.shape[0]
    df = np.sum(counts > 0, axis=0)
    idf = np.log((1.0 + n_docs) / (1.0 + df)) + 1.0
    X = counts * idf
    norms = np.sqrt(np.sum(X ** 2, axis=1, keepdims=True))
    norms[norms == 0] = 1.0
    return X / norms


def ngram_counts(sentences, V):
    counts = np.zeros((V, V))
    for sentence in sentences:
        tokens = np.concatenate(([0], np.asarray(sentence, dtype=np.int64), [0]))
        np.add.at(counts, (tokens[:-1], tokens[1:]), 1.0)
    return counts


def add_k_probability(counts, k=1.0):
    V = counts.shape[1]
    with np.errstate(divide="ignore", invalid="ignore"):
        return (counts + k) / (np.sum(counts, axis=1, keepdims=True) + k * V)


def perplexity(probs, sentences):
    log_probs = []
    for sentence in sentences:
        tokens = np.concatenate(([0], np.asarray(sentence, dtype=np.int64), [0]))
        log_probs.append(probs[tokens[:-1], tokens[1:]])
    with np.errstate(divide="ignore"):
        log_p = np.log(np.concatenate(log_probs))
    return float(np.exp(-np.mean(log_p)))
