"""Checks of nlp.py: embeddings with repeated ids, a padded sequence loss, word2vec's negative sampling,
TF-IDF, and a bigram language model with add-k smoothing.

Token ids are drawn so that ids repeat (within a sequence and across the batch): the classic scatter
bug, dW[idx] += dout, then drops updates and loses points.
"""
import numpy as np

from autograder.spec import ValueCheck, result_of


def repeated_ids(rng, shape, vocab):
    """Ids in [0, vocab) with repeats inside every row and across rows, and at least one id unused."""
    ids = rng.integers(0, vocab - 1, size=shape)
    flat = ids.reshape(-1)
    flat[1] = flat[0]  # a repeat in the first row (or among the first ids of a 1-D batch)
    flat[-1] = flat[0]  # and across rows
    return ids


def embedding(shape, vocab, dim):
    return lambda rng: (repeated_ids(rng, shape, vocab), rng.normal(size=(vocab, dim)))


def embedding_backward(shape, vocab, dim):
    return ValueCheck("nlp.embedding_backward", f"embedding_backward after embedding_forward, ids {shape}, "
                      f"V={vocab}, D={dim}, repeated ids", also_tags=("nlp.embedding_forward",),
                      before=(("nlp.embedding_forward", embedding(shape, vocab, dim)),),
                      inputs=lambda rng: (rng.normal(size=(*shape, dim)), result_of(0, pick=1)))


def padded(n, steps, vocab, ignore_index=-100, scale=2.0, pad=True):
    """Logits and targets where the sequences have different lengths (padding at the end of some rows)."""
    def make(rng):
        targets = rng.integers(0, vocab, size=(n, steps))
        if pad:
            lengths = rng.integers(1, steps, size=n)
            lengths[0] = steps  # one full row, one row of length 1
            lengths[-1] = 1
            targets[np.arange(steps) >= lengths[:, None]] = ignore_index
        return rng.normal(0.0, scale, size=(n, steps, vocab)), targets
    return make


def extreme_logits(rng, n=2, steps=3, vocab=4):
    """Logits drawn, with +-1e4 at drawn places: a target's logit at 1e4, one at -1e4 beside a 1e4, a position
    all around -1e4 (a softmax that does not shift by the maximum overflows or underflows); one target ignored."""
    logits = rng.normal(0.0, 3.0, size=(n, steps, vocab))
    targets = rng.integers(0, vocab, size=(n, steps))
    right, wrong, low, ignored = rng.permutation(n * steps)[:4]
    logits.reshape(-1, vocab)[right, targets.flat[right]] = 1e4
    logits.reshape(-1, vocab)[wrong, targets.flat[wrong]] = -1e4
    logits.reshape(-1, vocab)[wrong, (targets.flat[wrong] + 1) % vocab] = 1e4
    logits.reshape(-1, vocab)[low] -= 1e4
    targets.flat[ignored] = -100
    return logits, targets


def extreme_rows(args, kwargs):
    logits = args[0]
    return bool((logits == 1e4).any() and (logits == -1e4).any() and (logits.max(axis=-1) < -9e3).any())


def sequence_checks(function):
    qualname = f"nlp.{function}"
    return [
        ValueCheck(qualname, f"{function}, (N, T, V) = (4, 5, 6), padded", inputs=padded(4, 5, 6)),
        ValueCheck(qualname, f"{function}, (N, T, V) = (3, 4, 7), padding marked by ignore_index=0",
                   inputs=padded(3, 4, 7, ignore_index=0), kwargs={"ignore_index": 0}),
        ValueCheck(qualname, f"{function}, (N, T, V) = (2, 3, 5), no padding", inputs=padded(2, 3, 5, pad=False)),
        ValueCheck(qualname, f"{function}, every target ignored (0 by the contract)",
                   inputs=lambda rng: (rng.normal(size=(2, 3, 4)), np.full((2, 3), -100))),
        ValueCheck(qualname, f"{function}, one position kept, the rest ignored",
                   inputs=lambda rng: (rng.normal(size=(2, 3, 4)), np.array([[-100, -100, -100], [-100, 2, -100]]))),
        ValueCheck(qualname, f"{function} with logits of +-1e4, finite",
                   inputs=extreme_logits, regime=extreme_rows),
    ]


def big_table(rng, vocab, dim):
    """Entries of +-20 or +-21: with D = 2 a score is 0-ish or between 800 and 882 in magnitude, inside the
    contract's 1e3 and past 709, where exp(-s) of a naive sigmoid overflows."""
    return rng.choice([-21.0, -20.0, 20.0, 21.0], size=(vocab, dim))


def skipgram(pairs, negatives, vocab, dim, big=False):
    def make(rng):
        center, context = repeated_ids(rng, (pairs,), vocab), rng.integers(0, vocab, size=pairs)
        context[0] = center[2 % pairs]  # a word that is a center in one pair and a context in another
        negative = repeated_ids(rng, (pairs, negatives), vocab)
        table = big_table if big else (lambda rng, v, d: rng.normal(size=(v, d)))
        return center, context, negative, table(rng, vocab, dim), table(rng, vocab, dim)
    return ValueCheck("nlp.skipgram_negative_sampling_loss_and_grads",
                      f"skipgram_negative_sampling_loss_and_grads, B={pairs}, K={negatives}, V={vocab}, D={dim}"
                      + (", scores up to 882 in magnitude, finite" if big else ""),
                      inputs=make, names=("loss", "dW_in", "dW_out"))


def term_counts(documents, terms, rng):
    """Counts with an empty document, a term in every document and a term in none."""
    counts = rng.integers(0, 4, size=(documents, terms)) * (rng.random((documents, terms)) < 0.6)
    counts[:, 0] = rng.integers(1, 4, size=documents)
    counts[:, -1] = 0
    counts[1] = 0
    return counts.astype(np.float64)


def sentences(rng, count, vocab, longest=6, empty=False):
    """Word-id sentences with a bigram repeated inside one sentence (and, with `empty`, an empty sentence:
    a zero-size input, advisory under the contract's "What costs points")."""
    found = [rng.integers(1, vocab, size=rng.integers(1, longest + 1)) for _ in range(count)]
    word, other = rng.integers(1, vocab, size=2)
    found[0] = np.array([word, other, word, other, word])  # (word, other) twice, (other, word) twice
    if empty:
        found[-1] = np.array([], dtype=np.int64)
    return found


def bigram_counts(rng, vocab):
    counts = rng.integers(0, 5, size=(vocab, vocab)).astype(np.float64)
    counts[:, 0] += 1  # every history has been seen (so k = 0 is defined); one history row is large
    counts[-1] *= 10
    return counts


def row_stochastic(rng, vocab, zero=False):
    probs = rng.uniform(0.05, 1.0, size=(vocab, vocab))
    probs = probs / probs.sum(axis=1, keepdims=True)
    if zero:
        probs[0, 1] = 0.0
    return probs


CHECKS = [
    ValueCheck("nlp.embedding_forward", "embedding_forward, ids (3, 4), V=7, D=5", inputs=embedding((3, 4), 7, 5),
               pick=0),
    ValueCheck("nlp.embedding_forward", "embedding_forward, ids (6,), V=4, D=3", inputs=embedding((6,), 4, 3), pick=0),
    embedding_backward((3, 4), 7, 5),
    embedding_backward((2, 6), 5, 2),
    embedding_backward((8,), 6, 3),
    *sequence_checks("sequence_cross_entropy"),
    *sequence_checks("sequence_cross_entropy_grad"),
    skipgram(6, 3, 8, 4),
    skipgram(3, 5, 5, 3),
    skipgram(4, 2, 6, 2, big=True),
    ValueCheck("nlp.tf_idf", "tf_idf of (5, 7) counts (an empty document, a term in every one, a term in none)",
               inputs=lambda rng: (term_counts(5, 7, rng),)),
    ValueCheck("nlp.tf_idf", "tf_idf of (3, 4) counts", inputs=lambda rng: (term_counts(3, 4, rng),)),
    ValueCheck("nlp.tf_idf", "tf_idf of (4, 5) fractional counts (rows of norm below 1)",
               inputs=lambda rng: (term_counts(4, 5, rng) * 0.05,)),
    ValueCheck("nlp.ngram_counts", "ngram_counts of 5 sentences, V=6 (a repeated bigram)",
               inputs=lambda rng: (sentences(rng, 5, 6), 6)),
    ValueCheck("nlp.ngram_counts", "ngram_counts of 4 sentences, V=5, one of them empty (the bigram (0, 0))",
               inputs=lambda rng: (sentences(rng, 4, 5, empty=True), 5), advisory="an empty sentence"),
    ValueCheck("nlp.ngram_counts", "ngram_counts of 3 sentences, V=9", inputs=lambda rng: (sentences(rng, 3, 9), 9)),
    ValueCheck("nlp.add_k_probability", "add_k_probability of (6, 6) counts, k=0.5",
               inputs=lambda rng: (bigram_counts(rng, 6),), kwargs={"k": 0.5}),
    ValueCheck("nlp.add_k_probability", "add_k_probability of (5, 5) counts, k=1 (the default)",
               inputs=lambda rng: (bigram_counts(rng, 5),)),
    ValueCheck("nlp.add_k_probability", "add_k_probability of (4, 4) counts, k=0 (the MLE)",
               inputs=lambda rng: (bigram_counts(rng, 4),), kwargs={"k": 0.0}),
    ValueCheck("nlp.perplexity", "perplexity of 4 sentences, V=6",
               inputs=lambda rng: (row_stochastic(rng, 6), sentences(rng, 4, 6))),
    ValueCheck("nlp.perplexity", "perplexity of 1 sentence, V=5",
               inputs=lambda rng: (row_stochastic(rng, 5), [rng.integers(1, 5, size=4)])),
    ValueCheck("nlp.perplexity", "perplexity when a bigram of the text has probability 0 (inf)",
               inputs=lambda rng: (row_stochastic(rng, 4, zero=True), [np.array([2, 3]), np.array([1, 2])])),
]
