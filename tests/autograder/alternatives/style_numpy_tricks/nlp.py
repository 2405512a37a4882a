"""nlp.py with np.take, one-hot einsum, np.logaddexp, np.bincount and np.divide(where=)."""
import numpy as np


def embedding_forward(idx, W):
    return np.take(W, idx, axis=0), {"idx": idx, "V": W.shape[0]}


def embedding_backward(dout, cache):
    one_hot = (cache["idx"].reshape(-1, 1) == np.arange(cache["V"])).astype(float)  # (positions, V)
    return np.einsum("pv,pd->vd", one_hot, dout.reshape(one_hot.shape[0], -1))


def _nll(logits, targets, kept):
    log_z = np.logaddexp.reduce(logits, axis=-1)
    picked = np.take_along_axis(logits, np.where(kept, targets, 0)[..., None], axis=-1)[..., 0]
    return np.where(kept, log_z - picked, 0.0), log_z


def sequence_cross_entropy(logits, targets, ignore_index=-100):
    kept = targets != ignore_index
    nll, _ = _nll(logits, targets, kept)
    return np.sum(nll) / max(np.sum(kept), 1)


def sequence_cross_entropy_grad(logits, targets, ignore_index=-100):
    kept = targets != ignore_index
    _, log_z = _nll(logits, targets, kept)
    p = np.exp(logits - log_z[..., None])
    one_hot = np.where(kept, targets, -1)[..., None] == np.arange(logits.shape[-1])
    return (p - one_hot) * kept[..., None] / max(np.sum(kept), 1)


def skipgram_negative_sampling_loss_and_grads(center, context, negatives, W_in, W_out):
    words = np.column_stack([context, negatives])  # (B, 1 + K): the real context first
    signs = np.where(np.arange(words.shape[1]) == 0, 1.0, -1.0)
    v = W_in[center]
    scores = np.einsum("bkd,bd->bk", W_out[words], v) * signs
    loss = np.mean(np.sum(np.logaddexp(0.0, -scores), axis=1))
    dscores = -signs * np.exp(-np.logaddexp(0.0, scores)) / len(center)
    dW_in, dW_out = np.zeros_like(W_in), np.zeros_like(W_out)
    np.add.at(dW_in, center, np.einsum("bk,bkd->bd", dscores, W_out[words]))
    np.add.at(dW_out, words, dscores[..., None] * v[:, None, :])
    return loss, dW_in, dW_out


def tf_idf(counts):
    n = len(counts)
    idf = np.log1p(n) - np.log1p(np.sum(counts > 0, axis=0)) + 1.0
    weights = counts * idf
    norms = np.linalg.norm(weights, axis=1, keepdims=True)
    return np.divide(weights, norms, out=np.zeros_like(weights), where=norms > 0)


def ngram_counts(sentences, V):
    pairs = [np.pad(np.asarray(s, dtype=np.int64), 1) for s in sentences]  # 0 on both sides
    flat = np.concatenate([p[:-1] * V + p[1:] for p in pairs])
    return np.bincount(flat, minlength=V * V).reshape(V, V).astype(float)


def add_k_probability(counts, k=1.0):
    return np.divide(counts + k, np.sum(counts, axis=1)[:, None] + k * np.shape(counts)[1])


def perplexity(probs, sentences):
    padded = [np.pad(np.asarray(s, dtype=np.int64), 1) for s in sentences]
    p = np.concatenate([probs[s[:-1], s[1:]] for s in padded])
    if np.any(p == 0):
        return np.inf
    return np.exp(-np.mean(np.log(p)))
