"""nlp.py returning Fortran-ordered and transposed arrays, 0-d arrays for numbers, lists for tuples."""
import numpy as np


def embedding_forward(idx, W):
    return [np.asfortranarray(W[idx]), (idx, W.shape)]


def embedding_backward(dout, cache):
    idx, (vocab, dim) = cache
    dWT = np.zeros((dim, vocab))  # built transposed, returned as .T
    np.add.at(dWT.T, idx, dout)
    return dWT.T


def sequence_cross_entropy(logits, targets, ignore_index=-100):
    kept = targets != ignore_index
    if not kept.any():
        return np.array(0.0)
    rows = logits[kept]
    top = rows.max(axis=1)
    log_z = top + np.log(np.exp(rows - top[:, None]).sum(axis=1))
    return np.array(np.mean(log_z - rows[np.arange(len(rows)), targets[kept]]))


def sequence_cross_entropy_grad(logits, targets, ignore_index=-100):
    kept = targets != ignore_index
    grad = np.zeros(logits.shape[::-1]).T  # a Fortran-ordered (N, T, V) array
    if kept.any():
        rows = logits[kept]
        e = np.exp(rows - rows.max(axis=1, keepdims=True))
        p = e / e.sum(axis=1, keepdims=True)
        p[np.arange(len(p)), targets[kept]] -= 1
        grad[kept] = p / kept.sum()
    return grad


def skipgram_negative_sampling_loss_and_grads(center, context, negatives, W_in, W_out):
    B = center.shape[0]
    v = W_in[center]
    s = np.sum(W_out[context] * v, axis=1)
    s_neg = np.einsum("bkd,bd->bk", W_out[negatives], v)
    loss = np.array((np.logaddexp(0, -s).sum() + np.logaddexp(0, s_neg).sum()) / B)
    ds = -np.exp(-np.logaddexp(0, s)) / B
    ds_neg = np.exp(-np.logaddexp(0, -s_neg)) / B
    dW_in, dW_out = np.zeros(W_in.shape[::-1]).T, np.zeros(W_out.shape[::-1]).T
    np.add.at(dW_in, center, ds[:, None] * W_out[context] + np.einsum("bk,bkd->bd", ds_neg, W_out[negatives]))
    np.add.at(dW_out, context, ds[:, None] * v)
    np.add.at(dW_out, negatives, ds_neg[..., None] * v[:, None])
    return [loss, dW_in, dW_out]


def tf_idf(counts):
    n = counts.shape[0]
    idf = np.log((1.0 + n) / (1.0 + (counts > 0).sum(axis=0))) + 1.0
    weightsT = idf[:, None] * counts.T  # (terms, documents)
    norms = np.sqrt((weightsT ** 2).sum(axis=0))
    return np.asfortranarray((weightsT / np.where(norms > 0, norms, 1.0)).T)


def ngram_counts(sentences, V):
    counts = np.zeros((V, V), order="F")
    for sentence in sentences:
        wrapped = np.r_[0, sentence, 0].astype(int)
        np.add.at(counts, (wrapped[:-1], wrapped[1:]), 1.0)
    return counts


def add_k_probability(counts, k=1.0):
    return ((counts.T + k) / (counts.sum(axis=1) + k * counts.shape[1])).T


def perplexity(probs, sentences):
    logs = []
    for sentence in sentences:
        wrapped = np.r_[0, sentence, 0].astype(int)
        with np.errstate(divide="ignore"):
            logs.append(np.log(probs[wrapped[:-1], wrapped[1:]]))
    return np.array(np.exp(-np.concatenate(logs).mean()))
