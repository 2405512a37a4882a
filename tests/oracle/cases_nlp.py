"""Oracle cases of nlp.py: PyTorch for embeddings, the padded loss and word2vec, scikit-learn for TF-IDF,
and for the bigram language model the hand-worked example of docs/rnn/nlp/n-grams.md in exact fractions,
plus a plain counting loop on random sentences.

Ids repeat inside a sequence and across the batch, so that a scatter that drops repeated updates fails.
"""
import math
from collections import Counter
from fractions import Fraction

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.feature_extraction.text import TfidfTransformer

from oracle_cases import call, case
from oracle_kit import Close, Prior, leaf, t64


def ids(rng, shape, vocab):
    """Ids in [0, vocab - 1) (the last id unused), with a repeat inside the first row and one across rows."""
    found = rng.integers(0, vocab - 1, size=shape)
    flat = found.reshape(-1)
    flat[min(1, flat.size - 1)] = flat[-1] = flat[0]
    return found


# ============================================================================ embeddings
def embedding_build(shape, vocab, dim):
    return lambda rng: call(ids(rng, shape, vocab), rng.normal(size=(vocab, dim)))


def embedding_backward_oracle(dout, forward):
    idx, W = forward.args
    weight = leaf(W)
    return torch.autograd.grad(F.embedding(t64(idx), weight), weight, grad_outputs=t64(dout))[0]


for shape, vocab, dim in (((3, 4), 7, 5), ((6,), 4, 3), ((2, 3, 2), 6, 4)):
    case("nlp.embedding_forward", f"ids{shape}-V{vocab}-D{dim}", embedding_build(shape, vocab, dim),
         lambda idx, W: torch.nn.Embedding.from_pretrained(t64(W))(t64(idx)), pick=0)
    case("nlp.embedding_backward", f"ids{shape}-V{vocab}-D{dim}",
         lambda rng, s=shape, v=vocab, d=dim: call(rng.normal(size=(*s, d)),
                                                   Prior("nlp.embedding_forward", embedding_build(s, v, d)(rng)[0], 1)),
         embedding_backward_oracle)


# ============================================================================ padded sequence loss
def padded_build(n, steps, vocab, ignore_index=None, scale=2.0):
    """Rows of different lengths: the first full, the last of length 1, padding marked by ignore_index."""
    def build(rng):
        targets = rng.integers(0, vocab, size=(n, steps))
        lengths = rng.integers(1, steps, size=n)
        lengths[0], lengths[-1] = steps, 1
        targets[np.arange(steps) >= lengths[:, None]] = -100 if ignore_index is None else ignore_index
        kwargs = {} if ignore_index is None else {"ignore_index": ignore_index}
        return call(rng.normal(0.0, scale, size=(n, steps, vocab)), targets, **kwargs)
    return build


def torch_sequence_ce(logits, targets, ignore_index=-100):
    vocab = logits.shape[-1]
    return F.cross_entropy(logits.reshape(-1, vocab), t64(targets).reshape(-1), ignore_index=ignore_index)


def sequence_ce_oracle(logits, targets, ignore_index=-100):
    return torch_sequence_ce(t64(logits), targets, ignore_index).item()


def sequence_ce_grad_oracle(logits, targets, ignore_index=-100):
    z = leaf(logits)
    return torch.autograd.grad(torch_sequence_ce(z, targets, ignore_index), z)[0]


EXTREME = (np.array([[[1e4, -1e4, 0.0], [-1e4, 1e4, 5e3]], [[5e3, 5e3, -1e4], [0.0, 1.0, 2.0]]]),
           np.array([[1, 0], [2, -100]]))
SEQUENCE_BUILDS = [
    ("padded-4x5x6", padded_build(4, 5, 6)),
    ("ignore_index0-3x4x7", padded_build(3, 4, 7, ignore_index=0)),
    ("ignore_index5-2x6x5", padded_build(2, 6, 5, ignore_index=5)),
    ("extreme-logits-1e4", lambda rng: call(EXTREME[0].copy(), EXTREME[1].copy())),
]
for label, build in SEQUENCE_BUILDS:
    case("nlp.sequence_cross_entropy", label, build, sequence_ce_oracle)
    case("nlp.sequence_cross_entropy_grad", label, build, sequence_ce_grad_oracle)

# Every target ignored: torch's mean is 0/0 = nan; the contract defines a loss of 0.0 and a zero gradient.
ALL_IGNORED = (lambda rng: call(rng.normal(size=(2, 3, 4)), np.full((2, 3), -100)))
case("nlp.sequence_cross_entropy", "all-ignored-is-0", ALL_IGNORED,
     lambda logits, targets: Close(0.0, label="the contract (torch gives nan)"))
case("nlp.sequence_cross_entropy_grad", "all-ignored-is-0", ALL_IGNORED,
     lambda logits, targets: Close(np.zeros(logits.shape), label="the contract (torch gives nan)"))
ONE_KEPT = (lambda rng: call(rng.normal(size=(2, 3, 4)), np.array([[-100, -100, -100], [-100, 2, -100]])))
case("nlp.sequence_cross_entropy", "one-kept-position", ONE_KEPT, sequence_ce_oracle)
case("nlp.sequence_cross_entropy_grad", "one-kept-position", ONE_KEPT, sequence_ce_grad_oracle)


# ============================================================================ word2vec
def skipgram_build(pairs, negatives, vocab, dim, big=False):
    """big: entries of +-20 or +-21 with D = 2, so that scores reach 800 to 882 (the contract allows 1e3)."""
    def table(rng):
        return rng.choice([-21.0, -20.0, 20.0, 21.0], size=(vocab, dim)) if big else rng.normal(size=(vocab, dim))

    def build(rng):
        center, context = ids(rng, (pairs,), vocab), rng.integers(0, vocab, size=pairs)
        context[0] = center[-1]  # a word both a center and a context
        return call(center, context, ids(rng, (pairs, negatives), vocab), table(rng), table(rng))
    return build


def skipgram_oracle(center, context, negatives, W_in, W_out):
    w_in, w_out = leaf(W_in), leaf(W_out)
    v = w_in[t64(center)]
    positive = (w_out[t64(context)] * v).sum(dim=1)
    negative = torch.einsum("bkd,bd->bk", w_out[t64(negatives)], v)
    loss = (-F.logsigmoid(positive) - F.logsigmoid(-negative).sum(dim=1)).mean()
    return (loss.item(), *torch.autograd.grad(loss, (w_in, w_out)))


for dims in ((6, 3, 8, 4), (3, 5, 5, 3), (1, 1, 4, 2)):
    case("nlp.skipgram_negative_sampling_loss_and_grads", f"B,K,V,D={dims}", skipgram_build(*dims), skipgram_oracle)
case("nlp.skipgram_negative_sampling_loss_and_grads", "large-scores-up-to-882", skipgram_build(4, 2, 6, 2, big=True),
     skipgram_oracle)


# ============================================================================ TF-IDF
def counts_build(documents, terms, empty):
    """Counts above 1, a term in no document, and either an empty document or a term in every one."""
    def build(rng):
        counts = rng.integers(0, 4, size=(documents, terms)) * (rng.random((documents, terms)) < 0.6)
        counts[:, 0] = rng.integers(1, 4, size=documents)
        counts[0, 1] = 3
        counts[:, -1] = 0
        if empty:
            counts[-1] = 0
        return call(counts.astype(np.float64))
    return build


def sklearn_tf_idf(counts):
    return TfidfTransformer().fit_transform(counts).toarray()  # the defaults the contract names


for documents, terms, empty in ((5, 7, True), (3, 4, False), (1, 3, False)):
    case("nlp.tf_idf", f"{documents}x{terms}" + ("-empty-document" if empty else ""),
         counts_build(documents, terms, empty), sklearn_tf_idf)
case("nlp.tf_idf", "fractional-counts-norms-below-1",
     lambda rng: call(counts_build(4, 5, True)(rng)[0][0] * 0.05), sklearn_tf_idf)


# ============================================================================ bigram language model
# The page's corpus: 0 is the boundary (<s> / </s>), then the=1, food=2, service=3, was=4, good=5, cold=6.
PAGE_V = 7
PAGE_CORPUS = [[1, 2, 4, 5], [1, 2, 4, 6], [1, 3, 4, 5], [5, 2]]
# The page's bigram counts, row h, column w (histories: <s> 4, the 3, food 3, service 1, was 3, good 3, cold 1).
PAGE_COUNTS = np.array([
    [0, 3, 0, 0, 0, 1, 0],  # <s>: the 3, good 1
    [0, 0, 2, 1, 0, 0, 0],  # the: food 2, service 1
    [1, 0, 0, 0, 2, 0, 0],  # food: </s> 1, was 2
    [0, 0, 0, 0, 1, 0, 0],  # service: was 1
    [0, 0, 0, 0, 0, 2, 1],  # was: good 2, cold 1
    [2, 0, 1, 0, 0, 0, 0],  # good: </s> 2, food 1
    [1, 0, 0, 0, 0, 0, 0],  # cold: </s> 1
], dtype=np.float64)


def sentences_of(corpus):
    return [np.array(s, dtype=np.int64) for s in corpus]


def counting_loop(sentences, V):
    """Bigram counts by a plain loop over (h, w) pairs, an implementation independent of the reference."""
    found = Counter()
    for sentence in sentences:
        tokens = [0, *[int(w) for w in sentence], 0]
        found.update(zip(tokens, tokens[1:]))
    counts = np.zeros((V, V))
    for (h, w), c in found.items():
        counts[h, w] = c
    return counts


def random_sentences(count, vocab):
    def build(rng):
        found = [rng.integers(1, vocab, size=int(rng.integers(1, 7))) for _ in range(count)]
        found[0] = np.array([1, 2, 1, 2, 1]) % (vocab - 1) + 1  # a bigram repeated inside one sentence
        found[-1] = np.array([], dtype=np.int64)  # an empty sentence: the bigram (</s> after <s>)
        return call(found, vocab)
    return build


case("nlp.ngram_counts", "page-corpus", lambda rng: call(sentences_of(PAGE_CORPUS), PAGE_V),
     lambda sentences, V: Close(PAGE_COUNTS.copy(), label="the n-grams page"))
case("nlp.ngram_counts", "random-6-sentences-V8", random_sentences(6, 8), counting_loop)
case("nlp.ngram_counts", "random-3-sentences-V5", random_sentences(3, 5), counting_loop)


def exact_add_k(counts, k=1.0):
    """(C(h w) + k) / (C(h) + k V) in exact fractions, row by row."""
    k = Fraction(k)
    rows = []
    for row in counts:
        total = sum(Fraction(int(c)) for c in row) + k * len(row)
        rows.append([float((Fraction(int(c)) + k) / total) for c in row])
    return np.array(rows)


# The page's add-one row of "good": 1/10 for the five unseen continuations, 1/5 for food, 3/10 for </s>.
assert np.allclose(exact_add_k(PAGE_COUNTS)[5], [3 / 10, 1 / 10, 1 / 5, 1 / 10, 1 / 10, 1 / 10, 1 / 10])


def random_counts(vocab):
    def build(rng):
        counts = rng.integers(0, 5, size=(vocab, vocab)).astype(np.float64)
        counts[:, 0] += 1
        counts[-1] *= 10
        return call(counts)
    return build


case("nlp.add_k_probability", "page-add-one", lambda rng: call(PAGE_COUNTS.copy(), k=1.0), exact_add_k)
case("nlp.add_k_probability", "page-default-k", lambda rng: call(PAGE_COUNTS.copy()), exact_add_k)
case("nlp.add_k_probability", "page-mle-k0", lambda rng: call(PAGE_COUNTS.copy(), k=0.0), exact_add_k)
case("nlp.add_k_probability", "random-6x6-k0.25", lambda rng: call(random_counts(6)(rng)[0][0], k=0.25), exact_add_k)

PAGE_ADD_ONE = exact_add_k(PAGE_COUNTS)
# The page's perplexities under add-one: "the service was cold" 1100 ** (1/5) ~ 4.058; with "good service"
# too, 484000 ** (1/8) ~ 5.136; and the unsmoothed MLE gives "good service" probability 0, perplexity inf.
case("nlp.perplexity", "page-the-service-was-cold", lambda rng: call(PAGE_ADD_ONE.copy(), sentences_of([[1, 3, 4, 6]])),
     lambda probs, sentences: Close(1100 ** (1 / 5), label="the n-grams page"))
case("nlp.perplexity", "page-two-sentences", lambda rng: call(PAGE_ADD_ONE.copy(), sentences_of([[1, 3, 4, 6], [5, 3]])),
     lambda probs, sentences: Close(484000 ** (1 / 8), label="the n-grams page"))
case("nlp.perplexity", "page-mle-unseen-bigram-is-inf",
     lambda rng: call(exact_add_k(PAGE_COUNTS, 0.0), sentences_of([[5, 3]])),
     lambda probs, sentences: Close(math.inf, label="the n-grams page"))


def perplexity_loop(probs, sentences):
    logs = []
    for sentence in sentences:
        tokens = [0, *[int(w) for w in sentence], 0]
        logs += [math.log(probs[h, w]) for h, w in zip(tokens, tokens[1:])]
    return math.exp(-math.fsum(logs) / len(logs))


def stochastic_build(vocab, count):
    def build(rng):
        probs = rng.uniform(0.05, 1.0, size=(vocab, vocab))
        return call(probs / probs.sum(axis=1, keepdims=True), random_sentences(count, vocab)(rng)[0][0])
    return build


case("nlp.perplexity", "random-V6-4-sentences", stochastic_build(6, 4), perplexity_loop)
