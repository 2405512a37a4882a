# Your exercise: replace each `raise NotImplementedError` by an implementation.

"""Words as numbers: embeddings, a padded sequence loss, word2vec, TF-IDF and a bigram language model.

Token ids are integer arrays; everything else is float64.
Embeddings: W (V, D) holds one row per token id, as torch.nn.Embedding.weight.
Sequence loss: logits (N, T, V) and targets (N, T), as F.cross_entropy with ignore_index.
TF-IDF: counts (n_documents, n_terms), as sklearn's TfidfTransformer with its defaults.
Bigram model: token ids 1 .. V-1 are words, id 0 is the sentence boundary, read as <s>
when it is the history and as </s> when it is the predicted token.

Course pages: docs/rnn/nlp/word-embeddings.md, docs/rnn/nlp/tf-idf.md, docs/rnn/nlp/n-grams.md
"""

import numpy as np


def embedding_forward(idx, W):
    """Look up the embedding of every token id, as torch.nn.Embedding (row idx of W).

    Args:
        idx: integer token ids of any shape, e.g. (N, T), each in [0, V).
        W: the embedding table (V, D).
    Returns:
        (out, cache): out of shape idx.shape + (D,), out[..., :] = W[idx[...]].

    Pitfall: the table is (V, D), one ROW per token: W[idx], not W[:, idx].
    Read: docs/rnn/nlp/word-embeddings.md
    """
    raise NotImplementedError("embedding_forward")


def embedding_backward(dout, cache):
    """Gradient of embedding_forward with respect to W, given dout = dL/dout (idx.shape + (D,)).

    Row v of dW is the SUM of dout over every position whose token id is v; rows of
    ids that do not occur are zero.

    Args:
        dout: upstream gradient, shape idx.shape + (D,).
        cache: from embedding_forward.
    Returns:
        dW (V, D).

    Pitfall: dW[idx] += dout keeps only ONE of the updates of a repeated id (NumPy
    buffers fancy-index assignments); np.add.at(dW, idx, dout) adds them all.
    Read: docs/rnn/nlp/word-embeddings.md
    """
    raise NotImplementedError("embedding_backward")


def sequence_cross_entropy(logits, targets, ignore_index=-100):
    """Mean cross-entropy over the positions of a padded batch of sequences, as
    torch.nn.functional.cross_entropy(logits.reshape(-1, V), targets.reshape(-1), ignore_index=...).

    loss = sum over kept positions of -log softmax(logits[n, t])[targets[n, t]],
    divided by the number of kept positions; a position whose target equals
    ignore_index (padding) counts neither in the sum nor in that number. With no
    kept position at all the loss is 0.0.

    Args:
        logits: scores (N, T, V).
        targets: integer class ids (N, T), each in [0, V) or equal to ignore_index.
        ignore_index: the target value that marks padding.
    Returns:
        the loss, a float; finite for logits up to 1e4 in magnitude.

    Pitfall: dividing by N*T counts the padding in the mean.
    Read: docs/rnn/nlp/word-embeddings.md
    """
    raise NotImplementedError("sequence_cross_entropy")


def sequence_cross_entropy_grad(logits, targets, ignore_index=-100):
    """d sequence_cross_entropy / d logits, shape (N, T, V).

    At a kept position: (softmax(logits[n, t]) - onehot(targets[n, t])) / (number of
    kept positions); at an ignored position: 0. All zeros when nothing is kept.

    Args:
        logits (N, T, V), targets (N, T), ignore_index: as in sequence_cross_entropy.
    Returns:
        dlogits (N, T, V).

    Pitfall: padded positions get no gradient at all, not softmax minus nothing.
    Read: docs/rnn/nlp/word-embeddings.md
    """
    raise NotImplementedError("sequence_cross_entropy_grad")


def skipgram_negative_sampling_loss_and_grads(center, context, negatives, W_in, W_out):
    """word2vec's skip-gram objective with negative sampling, and its gradients.

    For pair b, v = W_in[center[b]], u = W_out[context[b]] and u_k = W_out[negatives[b, k]]:
    loss_b = -log sigmoid(u . v) - sum over k of log sigmoid(-u_k . v);
    loss = the mean of loss_b over the B pairs.

    Args:
        center, context: integer token ids (B,).
        negatives: integer token ids (B, K) of the sampled negative words.
        W_in: the input (center-word) embeddings (V, D).
        W_out: the output (context-word) embeddings (V, D).
    Returns:
        (loss, dW_in, dW_out): a float and two arrays of shape (V, D).

    Pitfall: a word can occur several times (as a center, a context or a negative):
    its row of the gradient is the SUM of all its contributions (np.add.at).
    Read: docs/rnn/nlp/word-embeddings.md
    """
    raise NotImplementedError("skipgram_negative_sampling_loss_and_grads")


def tf_idf(counts):
    """TF-IDF weights, as sklearn.feature_extraction.text.TfidfTransformer() with its defaults
    (smooth_idf=True, norm="l2", use_idf=True, sublinear_tf=False).

    idf[j] = ln((1 + n) / (1 + df[j])) + 1, with n documents and df[j] the number of
    documents in which term j occurs (count > 0); weights = counts * idf, and then
    every row (document) divided by its Euclidean norm. A row of zeros stays zeros.

    Args:
        counts: raw term counts (n_documents, n_terms), non-negative.
    Returns:
        weights (n_documents, n_terms).

    Pitfall: df counts DOCUMENTS containing the term, not occurrences; the +1
    inside (smoothing) and the +1 outside the log are both part of the formula.
    Read: docs/rnn/nlp/tf-idf.md
    """
    raise NotImplementedError("tf_idf")


def ngram_counts(sentences, V):
    """Bigram counts of a corpus, each sentence wrapped in the boundary id 0 (<s> ... </s>).

    A sentence [w1, ..., wT] contributes the T + 1 bigrams (0, w1), (w1, w2), ...,
    (wT, 0); an empty sentence contributes (0, 0).

    Args:
        sentences: a list of 1-D integer arrays of word ids, each in [1, V).
        V: the vocabulary size: the boundary id 0 and the words 1 .. V-1.
    Returns:
        counts (V, V), float64: counts[h, w] = how often w follows h.

    Pitfall: counts[h, w] += 1 with arrays h and w adds 1 once per DISTINCT pair;
    a bigram repeated in a sentence must count every time (np.add.at).
    Read: docs/rnn/nlp/n-grams.md
    """
    raise NotImplementedError("ngram_counts")


def add_k_probability(counts, k=1.0):
    """Add-k smoothed bigram probabilities P(w | h) = (C(h w) + k) / (C(h) + k V).

    C(h) is the row sum of counts (how often h was a history) and V = counts.shape[1]
    the number of tokens that can be predicted; every row of the result sums to 1.
    k = 1 is add-one (Laplace) smoothing; k = 0 is the maximum-likelihood estimate,
    defined only for rows with C(h) > 0.

    Args:
        counts: bigram counts (V, V), as ngram_counts returns.
        k: the pseudo-count added to every bigram, k >= 0.
    Returns:
        probs (V, V): probs[h, w] = P(w | h).

    Pitfall: the denominator needs + k*V, not + k or + V: k pseudo-counts for each
    of the V possible next tokens.
    Read: docs/rnn/nlp/n-grams.md
    """
    raise NotImplementedError("add_k_probability")


def perplexity(probs, sentences):
    """Perplexity of a bigram model on sentences: exp(-(1/N) sum of ln P(w_t | w_{t-1})).

    Each sentence is wrapped in the boundary id 0 as in ngram_counts; the sum runs
    over every predicted token of every sentence, each final </s> included, and N
    is the number of those tokens (T + 1 for a sentence of T words). It is inf when
    one of those probabilities is 0.

    Args:
        probs: bigram probabilities (V, V), probs[h, w] = P(w | h).
        sentences: a non-empty list of 1-D integer arrays of word ids in [1, V).
    Returns:
        the perplexity, a float >= 1.

    Pitfall: average the log-probabilities over all tokens of all sentences (not the
    sentences' perplexities), and use the same base in the log and the power.
    Read: docs/rnn/nlp/n-grams.md
    """
    raise NotImplementedError("perplexity")
