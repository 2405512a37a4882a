"""Known mistakes in nlp.py (names resolve in that module: np, ...)."""
# ruff: noqa: F821
from autograder.mistakes import mistake


# ----------------------------------------------------------------------------- embeddings
@mistake("nlp.embedding_forward", "ids flattened and the output not reshaped back",
         "Index with the ids as they are: W[idx] has shape idx.shape + (D,).")
def embedding_flattened(idx, W):
    return W[idx.reshape(-1)], (idx, W.shape)


@mistake("nlp.embedding_forward", "np.take without axis=0 (it indexes the flattened table)",
         "np.take(W, idx) reads single numbers of W.ravel(); take whole rows: W[idx] or np.take(W, idx, axis=0).")
def embedding_take_flat(idx, W):
    return np.take(W, idx), (idx, W.shape)


@mistake("nlp.embedding_backward", "dW[idx] += dout: a repeated id keeps only one of its updates",
         "NumPy buffers fancy-index updates; use np.add.at(dW, idx, dout) so that every occurrence adds up.")
def embedding_backward_buffered(dout, cache):
    idx, shape = cache
    dW = np.zeros(shape)
    dW[idx] += dout
    return dW


@mistake("nlp.embedding_backward", "dW[idx[n]] += dout[n] per sequence: repeats inside a sequence lost",
         "Looping over the batch still scatters each sequence with buffered fancy indexing; use np.add.at.")
def embedding_backward_per_row(dout, cache):
    idx, shape = cache
    dW = np.zeros(shape)
    for n in range(idx.shape[0]):
        dW[idx[n]] += dout[n]
    return dW


# ----------------------------------------------------------------------------- padded sequence loss
@mistake("nlp.sequence_cross_entropy", "padding counted in the mean (divided by N*T)",
         "Divide by the number of positions whose target is not ignore_index.")
def sequence_ce_padding_in_mean(logits, targets, ignore_index=-100):
    kept = targets != ignore_index
    shifted = logits - logits.max(axis=-1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    picked = np.take_along_axis(log_p, np.where(kept, targets, 0)[..., None], axis=-1)[..., 0]
    return float(-np.sum(picked * kept) / targets.size)


@mistake("nlp.sequence_cross_entropy", "summed over time, averaged over the N sequences only",
         "torch's mean runs over every kept position, not over sequences: divide by their number.")
def sequence_ce_per_sequence(logits, targets, ignore_index=-100):
    kept = targets != ignore_index
    shifted = logits - logits.max(axis=-1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    picked = np.take_along_axis(log_p, np.where(kept, targets, 0)[..., None], axis=-1)[..., 0]
    return float(-np.sum(picked * kept) / targets.shape[0])


@mistake("nlp.sequence_cross_entropy", "padding recognised by -100 only, whatever ignore_index says",
         "Compare the targets with the ignore_index argument, not with its default value.")
def sequence_ce_fixed_index(logits, targets, ignore_index=-100):
    kept = targets != -100
    if not kept.any():
        return 0.0
    shifted = logits[kept] - logits[kept].max(axis=-1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    return float(-log_p[np.arange(len(log_p)), targets[kept]].mean())


@mistake("nlp.sequence_cross_entropy_grad", "gradient divided by N*T (padding counted in the mean)",
         "Divide by the number of kept positions, as the loss does.")
def sequence_ce_grad_padding_in_mean(logits, targets, ignore_index=-100):
    kept = targets != ignore_index
    shifted = logits - logits.max(axis=-1, keepdims=True)
    grad = np.exp(shifted) / np.exp(shifted).sum(axis=-1, keepdims=True)
    grad[kept, targets[kept]] -= 1.0
    return grad * kept[..., None] / targets.size


@mistake("nlp.sequence_cross_entropy_grad", "padded positions keep the softmax as their gradient",
         "An ignored position takes no part in the loss: its gradient row is all zeros.")
def sequence_ce_grad_padding_kept(logits, targets, ignore_index=-100):
    kept = targets != ignore_index
    count = max(int(kept.sum()), 1)
    shifted = logits - logits.max(axis=-1, keepdims=True)
    grad = np.exp(shifted) / np.exp(shifted).sum(axis=-1, keepdims=True)
    grad[kept, targets[kept]] -= 1.0
    return grad / count


# ----------------------------------------------------------------------------- word2vec
@mistake("nlp.skipgram_negative_sampling_loss_and_grads", "dW[ids] += ...: a repeated word keeps only one update",
         "A word can occur in several pairs; scatter with np.add.at so that its contributions add up.")
def skipgram_buffered(center, context, negatives, W_in, W_out):
    pairs = center.shape[0]
    v, u, u_neg = W_in[center], W_out[context], W_out[negatives]
    score, score_neg = np.sum(u * v, axis=1), np.einsum("bkd,bd->bk", u_neg, v)
    loss = np.sum(np.logaddexp(0, -score)) + np.sum(np.logaddexp(0, score_neg))
    dscore = -np.exp(-np.logaddexp(0, score)) / pairs
    dscore_neg = np.exp(-np.logaddexp(0, -score_neg)) / pairs
    dW_in, dW_out = np.zeros(W_in.shape), np.zeros(W_out.shape)
    dW_in[center] += dscore[:, None] * u + np.einsum("bk,bkd->bd", dscore_neg, u_neg)
    dW_out[context] += dscore[:, None] * v
    dW_out[negatives] += dscore_neg[:, :, None] * v[:, None, :]
    return float(loss / pairs), dW_in, dW_out


@mistake("nlp.skipgram_negative_sampling_loss_and_grads", "log sigmoid(u_k . v) for the negatives (sign dropped)",
         "A negative word should score LOW: its term is -log sigmoid(-u_k . v).")
def skipgram_negative_sign(center, context, negatives, W_in, W_out):
    pairs = center.shape[0]
    v, u, u_neg = W_in[center], W_out[context], W_out[negatives]
    score, score_neg = np.sum(u * v, axis=1), np.einsum("bkd,bd->bk", u_neg, v)
    loss = np.sum(np.logaddexp(0, -score)) + np.sum(np.logaddexp(0, -score_neg))
    dscore = -np.exp(-np.logaddexp(0, score)) / pairs
    dscore_neg = -np.exp(-np.logaddexp(0, score_neg)) / pairs
    dW_in, dW_out = np.zeros(W_in.shape), np.zeros(W_out.shape)
    np.add.at(dW_in, center, dscore[:, None] * u + np.einsum("bk,bkd->bd", dscore_neg, u_neg))
    np.add.at(dW_out, context, dscore[:, None] * v)
    np.add.at(dW_out, negatives, dscore_neg[:, :, None] * v[:, None, :])
    return float(loss / pairs), dW_in, dW_out


@mistake("nlp.skipgram_negative_sampling_loss_and_grads", "summed over the pairs instead of averaged",
         "The loss is the MEAN over the B pairs; divide the loss and every gradient by B.")
def skipgram_sum(center, context, negatives, W_in, W_out):
    v, u, u_neg = W_in[center], W_out[context], W_out[negatives]
    score, score_neg = np.sum(u * v, axis=1), np.einsum("bkd,bd->bk", u_neg, v)
    loss = np.sum(np.logaddexp(0, -score)) + np.sum(np.logaddexp(0, score_neg))
    dscore = -np.exp(-np.logaddexp(0, score))
    dscore_neg = np.exp(-np.logaddexp(0, -score_neg))
    dW_in, dW_out = np.zeros(W_in.shape), np.zeros(W_out.shape)
    np.add.at(dW_in, center, dscore[:, None] * u + np.einsum("bk,bkd->bd", dscore_neg, u_neg))
    np.add.at(dW_out, context, dscore[:, None] * v)
    np.add.at(dW_out, negatives, dscore_neg[:, :, None] * v[:, None, :])
    return float(loss), dW_in, dW_out


# ----------------------------------------------------------------------------- TF-IDF
@mistake("nlp.tf_idf", "idf without smoothing: ln(n / df) + 1",
         "scikit-learn's default smooth_idf=True adds one document containing every term: ln((1 + n) / (1 + df)) + 1.")
def tf_idf_unsmoothed(counts):
    df = np.count_nonzero(counts > 0, axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        weights = counts * (np.log(counts.shape[0] / df) + 1)
    norms = np.sqrt(np.sum(weights**2, axis=1, keepdims=True))
    with np.errstate(invalid="ignore"):
        return weights / np.where(norms > 0, norms, 1)


@mistake("nlp.tf_idf", "rows divided by their l1 norm (sum) instead of the l2 norm",
         "TfidfTransformer's default norm='l2': divide each row by sqrt(sum of squares).")
def tf_idf_l1(counts):
    df = np.count_nonzero(counts > 0, axis=0)
    weights = counts * (np.log((1 + counts.shape[0]) / (1 + df)) + 1)
    norms = np.sum(np.abs(weights), axis=1, keepdims=True)
    return weights / np.where(norms > 0, norms, 1)


@mistake("nlp.tf_idf", "df counted as occurrences (counts.sum(axis=0)) instead of documents",
         "df is the number of documents in which the term occurs at least once: (counts > 0).sum(axis=0).")
def tf_idf_df_occurrences(counts):
    df = counts.sum(axis=0)
    weights = counts * (np.log((1 + counts.shape[0]) / (1 + df)) + 1)
    norms = np.sqrt(np.sum(weights**2, axis=1, keepdims=True))
    return weights / np.where(norms > 0, norms, 1)


@mistake("nlp.tf_idf", "the + 1 after the log left out: idf = ln((1 + n) / (1 + df))",
         "scikit-learn adds 1 to the log so that a term in every document keeps a weight: ln((1 + n) / (1 + df)) + 1.")
def tf_idf_no_plus_one(counts):
    df = np.count_nonzero(counts > 0, axis=0)
    weights = counts * np.log((1 + counts.shape[0]) / (1 + df))
    norms = np.sqrt(np.sum(weights**2, axis=1, keepdims=True))
    return weights / np.where(norms > 0, norms, 1)


# ----------------------------------------------------------------------------- bigram language model
@mistake("nlp.ngram_counts", "no sentence boundaries (<s> and </s> bigrams missing)",
         "Wrap every sentence in the boundary id 0 at both ends: (0, w1) and (wT, 0) are bigrams too.")
def ngram_counts_no_boundaries(sentences, V):
    counts = np.zeros((V, V))
    for sentence in sentences:
        sentence = np.asarray(sentence, dtype=np.int64)
        np.add.at(counts, (sentence[:-1], sentence[1:]), 1.0)
    return counts


@mistake("nlp.ngram_counts", "counts[h, w] += 1 with index arrays: a repeated bigram counted once",
         "NumPy buffers fancy-index updates; np.add.at(counts, (h, w), 1) counts every occurrence.")
def ngram_counts_buffered(sentences, V):
    counts = np.zeros((V, V))
    for sentence in sentences:
        wrapped = np.concatenate([[0], np.asarray(sentence, dtype=np.int64), [0]])
        counts[wrapped[:-1], wrapped[1:]] += 1.0
    return counts


@mistake("nlp.ngram_counts", "only <s> added: the end-of-sentence bigram (wT, </s>) missing",
         "Append the boundary id 0 at the end too, so that the model learns where sentences end.")
def ngram_counts_no_end(sentences, V):
    counts = np.zeros((V, V))
    for sentence in sentences:
        wrapped = np.concatenate([[0], np.asarray(sentence, dtype=np.int64)])
        np.add.at(counts, (wrapped[:-1], wrapped[1:]), 1.0)
    return counts


@mistake("nlp.add_k_probability", "denominator C(h) + k: k*V missing",
         "k is added to each of the V counts of the row, so the denominator grows by k*V.")
def add_k_missing_v(counts, k=1.0):
    return (counts + k) / (counts.sum(axis=1, keepdims=True) + k)


@mistake("nlp.add_k_probability", "denominator C(h) + V whatever k is (add-one's denominator)",
         "With k pseudo-counts per token the denominator is C(h) + k*V; + V is right only for k = 1.")
def add_k_plus_v(counts, k=1.0):
    return (counts + k) / (counts.sum(axis=1, keepdims=True) + counts.shape[1])


@mistake("nlp.add_k_probability", "normalised by the column sums C(w) instead of the history counts C(h)",
         "P(w | h) conditions on the history: divide row h by its own sum, counts.sum(axis=1).")
def add_k_columns(counts, k=1.0):
    return (counts + k) / (counts.sum(axis=0, keepdims=True) + k * counts.shape[1])


@mistake("nlp.perplexity", "log base mismatch: exp of the mean of log2 probabilities",
         "Use one base throughout: exp(-mean(ln p)), or 2 ** (-mean(log2 p)).")
def perplexity_base_mismatch(probs, sentences):
    logs = []
    for sentence in sentences:
        wrapped = np.concatenate([[0], np.asarray(sentence, dtype=np.int64), [0]])
        with np.errstate(divide="ignore"):
            logs.append(np.log2(probs[wrapped[:-1], wrapped[1:]]))
    logs = np.concatenate(logs)
    return float(np.exp(-logs.sum() / logs.size))


@mistake("nlp.perplexity", "the final </s> of each sentence not predicted or counted",
         "Predicting the end of the sentence is part of the model: N includes one </s> per sentence.")
def perplexity_no_end(probs, sentences):
    logs = []
    for sentence in sentences:
        wrapped = np.concatenate([[0], np.asarray(sentence, dtype=np.int64)])
        with np.errstate(divide="ignore"):
            logs.append(np.log(probs[wrapped[:-1], wrapped[1:]]))
    logs = np.concatenate(logs)
    return float(np.exp(-logs.sum() / logs.size)) if logs.size else 1.0


@mistake("nlp.perplexity", "the mean of the sentences' perplexities",
         "Average the log-probabilities over all tokens of all sentences, then take one exponential.")
def perplexity_per_sentence(probs, sentences):
    values = []
    for sentence in sentences:
        wrapped = np.concatenate([[0], np.asarray(sentence, dtype=np.int64), [0]])
        with np.errstate(divide="ignore"):
            values.append(np.exp(-np.mean(np.log(probs[wrapped[:-1], wrapped[1:]]))))
    return float(np.mean(values))
