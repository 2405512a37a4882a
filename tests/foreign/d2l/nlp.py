"""Words as numbers in the compact manner of Dive into Deep Learning (d2l.ai): one-line helpers, a
MaskedSoftmaxCELoss that weights each position by its mask, word2vec's SigmoidBCELoss over a (B, 1 + K)
score matrix with labels [1, 0, ..., 0], a Vocab-style collections.Counter for bigrams. The book uses
torch; here NumPy does the same and the gradients are written out."""
import collections

import numpy as np


def embedding_forward(idx, W):
    return W[idx], (idx, W.shape)


def embedding_backward(dout, cache):
    idx, shape = cache
    dW = np.zeros(shape)
    np.add.at(dW, idx.reshape(-1), dout.reshape(-1, shape[1]))
    return dW


def log_softmax(X):
    X = X - X.max(axis=-1, keepdims=True)
    return X - np.log(np.exp(X).sum(axis=-1, keepdims=True))


def masked_softmax_ce(logits, targets, ignore_index):
    """The per-position loss (N, T) weighted by the mask, the mask, and the number of kept positions."""
    weights = (targets != ignore_index).astype(float)
    safe = np.where(weights > 0, targets, 0)
    unweighted = -np.take_along_axis(log_softmax(logits), safe[..., None], axis=-1)[..., 0]
    return unweighted * weights, weights, max(weights.sum(), 1.0)


def sequence_cross_entropy(logits, targets, ignore_index=-100):
    loss, _, n = masked_softmax_ce(logits, targets, ignore_index)
    return float(loss.sum() / n)


def sequence_cross_entropy_grad(logits, targets, ignore_index=-100):
    _, weights, n = masked_softmax_ce(logits, targets, ignore_index)
    V = logits.shape[-1]
    onehot = np.eye(V)[np.where(weights > 0, targets, 0)]
    return (np.exp(log_softmax(logits)) - onehot) * weights[..., None] / n


def skipgram_negative_sampling_loss_and_grads(center, context, negatives, W_in, W_out):
    contexts_negatives = np.concatenate((context[:, None], negatives), axis=1)  # (B, 1 + K)
    label = np.zeros(contexts_negatives.shape)
    label[:, 0] = 1
    v, u = W_in[center], W_out[contexts_negatives]
    pred = np.einsum("bd,bjd->bj", v, u)
    # SigmoidBCELoss summed over the 1 + K columns, averaged over the batch
    loss = np.logaddexp(0, np.where(label > 0, -pred, pred)).sum() / len(center)
    dpred = (0.5 * (1 + np.tanh(0.5 * pred)) - label) / len(center)
    dW_in, dW_out = np.zeros_like(W_in), np.zeros_like(W_out)
    np.add.at(dW_in, center, np.einsum("bj,bjd->bd", dpred, u))
    np.add.at(dW_out, contexts_negatives, dpred[..., None] * v[:, None, :])
    return float(loss), dW_in, dW_out


def tf_idf(counts):
    idf = np.log((1 + len(counts)) / (1 + (counts > 0).sum(axis=0))) + 1
    X = counts * idf
    norm = np.linalg.norm(X, axis=1, keepdims=True)
    return np.divide(X, norm, out=np.zeros_like(X), where=norm > 0)


def bigrams(sentence):
    tokens = [0] + [int(w) for w in sentence] + [0]
    return list(zip(tokens[:-1], tokens[1:]))


def ngram_counts(sentences, V):
    counter = collections.Counter(pair for s in sentences for pair in bigrams(s))
    counts = np.zeros((V, V))
    for (h, w), c in counter.items():
        counts[h, w] = c
    return counts


def add_k_probability(counts, k=1.0):
    with np.errstate(divide="ignore", invalid="ignore"):
        return (counts + k) / (counts.sum(axis=1, keepdims=True) + k * counts.shape[1])


def perplexity(probs, sentences):
    pairs = [pair for s in sentences for pair in bigrams(s)]
    with np.errstate(divide="ignore"):
        return float(np.exp(-np.mean([np.log(probs[h, w]) for h, w in pairs])))
