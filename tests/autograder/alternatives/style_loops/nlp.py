"""nlp.py one position, pair, document and bigram at a time, with math for every scalar."""
import math

import numpy as np


def embedding_forward(idx, W):
    out = np.empty(idx.shape + (W.shape[1],))
    for position in np.ndindex(idx.shape):
        out[position] = W[idx[position]]
    return out, (idx, W.shape[0])


def embedding_backward(dout, cache):
    idx, vocab = cache
    dW = np.zeros((vocab, dout.shape[-1]))
    for position in np.ndindex(idx.shape):
        dW[idx[position]] += dout[position]
    return dW


def _log_sum_exp(row):
    top = max(row)
    return top + math.log(math.fsum(math.exp(v - top) for v in row))


def sequence_cross_entropy(logits, targets, ignore_index=-100):
    total, count = 0.0, 0
    for n, t in np.ndindex(targets.shape):
        if targets[n, t] != ignore_index:
            total += _log_sum_exp(logits[n, t]) - logits[n, t, targets[n, t]]
            count += 1
    return total / count if count else 0.0


def sequence_cross_entropy_grad(logits, targets, ignore_index=-100):
    grad = np.zeros(logits.shape)
    count = sum(1 for position in np.ndindex(targets.shape) if targets[position] != ignore_index)
    for n, t in np.ndindex(targets.shape):
        if targets[n, t] != ignore_index:
            lse = _log_sum_exp(logits[n, t])
            for v in range(logits.shape[2]):
                grad[n, t, v] = math.exp(logits[n, t, v] - lse) / count
            grad[n, t, targets[n, t]] -= 1.0 / count
    return grad


def _log_sigmoid(s):
    return -math.log1p(math.exp(-s)) if s >= 0 else s - math.log1p(math.exp(s))


def skipgram_negative_sampling_loss_and_grads(center, context, negatives, W_in, W_out):
    B = len(center)
    loss, dW_in, dW_out = 0.0, np.zeros(W_in.shape), np.zeros(W_out.shape)
    for b in range(B):
        v = W_in[center[b]]
        words = [(context[b], 1.0)] + [(w, -1.0) for w in negatives[b]]  # label +1: real, -1: noise
        for word, sign in words:
            s = float(W_out[word] @ v)
            loss -= _log_sigmoid(sign * s)
            d = -sign * math.exp(_log_sigmoid(-sign * s)) / B
            dW_in[center[b]] += d * W_out[word]
            dW_out[word] += d * v
    return loss / B, dW_in, dW_out


def tf_idf(counts):
    n_docs, n_terms = counts.shape
    out = np.zeros(counts.shape)
    for j in range(n_terms):
        df = sum(1 for d in range(n_docs) if counts[d, j] > 0)
        idf = math.log((1 + n_docs) / (1 + df)) + 1
        for d in range(n_docs):
            out[d, j] = counts[d, j] * idf
    for d in range(n_docs):
        norm = math.sqrt(math.fsum(w * w for w in out[d]))
        if norm > 0:
            out[d] /= norm
    return out


def ngram_counts(sentences, V):
    counts = np.zeros((V, V))
    for sentence in sentences:
        tokens = [0] + [int(w) for w in sentence] + [0]
        for h, w in zip(tokens, tokens[1:]):
            counts[h, w] += 1
    return counts


def add_k_probability(counts, k=1.0):
    V = counts.shape[1]
    probs = np.empty(counts.shape)
    for h in range(counts.shape[0]):
        denominator = math.fsum(counts[h]) + k * V
        for w in range(V):
            probs[h, w] = (counts[h, w] + k) / denominator
    return probs


def perplexity(probs, sentences):
    log_sum, tokens = 0.0, 0
    for sentence in sentences:
        words = [0] + [int(w) for w in sentence] + [0]
        for h, w in zip(words, words[1:]):
            if probs[h, w] == 0:
                return math.inf
            log_sum += math.log(probs[h, w])
            tokens += 1
    return math.exp(-log_sum / tokens)
