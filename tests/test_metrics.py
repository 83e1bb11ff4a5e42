"""Consistency metrics (METHODS.md sections 7-8) on hand-worked examples and required properties."""

import numpy as np
import pytest

from acme_utils import metrics

E1 = np.array([-1.0, 1.0, 0.0, 0.0]) / np.sqrt(2)  # a sum-zero direction


def one_hot(s):
    return np.eye(4, dtype=np.float32)[["ACGT".index(c) for c in s]]


# ------------------------------------------------------------------ k-mer KLD


def test_kmer_kld_hand_worked():
    x = one_hot("AACCGGTTAC")[None]
    attr = np.zeros((1, 10, 4))
    attr[0, 2] = 5 * E1
    attr[0, 3] = 6 * E1  # median of norms is 0: positions 2, 3 attributed
    d = metrics.kmer_kld(attr, x, k=2, percentile=50, return_details=True)
    assert d.attributed[0].tolist() == [i in (2, 3) for i in range(10)]
    assert d.segments[0].tolist() == [
        2 <= i <= 5 for i in range(10)
    ]  # extended 2 on the 3' side
    # attributed 2-mers CC, CG, GG (1/3 each); each has prior 1/9 among the 9 2-mers
    assert d.score == pytest.approx(np.log(3))
    assert [t[0] for t in d.top_kmers(5)] == ["CC", "CG", "GG"]


def test_kmer_segments_merge_when_touching_and_clip_at_the_end():
    attr = np.zeros((1, 12, 4))
    for pos in (1, 4, 11):
        attr[0, pos] = E1
    attributed, segments = metrics.attributed_segments(attr, percentile=50)
    assert attributed[0].nonzero()[0].tolist() == [1, 4, 11]
    # [1..3] and [4..6] touch -> one segment 1..6; [11..13] is clipped to 11
    assert segments[0].nonzero()[0].tolist() == [1, 2, 3, 4, 5, 6, 11]


def test_kmer_kld_is_zero_when_p_equals_q_and_positive_otherwise():
    x = one_hot("A" * 30)[None]
    attr = np.random.default_rng(0).normal(size=(1, 30, 4))
    assert metrics.kmer_kld(attr, x, k=3) == pytest.approx(0.0, abs=1e-12)
    rng = np.random.default_rng(1)
    x = np.eye(4, dtype=np.float32)[rng.integers(0, 4, (50, 100))]
    assert metrics.kmer_kld(rng.normal(size=(50, 100, 4)), x) > 0


def test_kmer_kld_invariant_to_positive_rescaling_of_each_map():
    rng = np.random.default_rng(2)
    x = np.eye(4, dtype=np.float32)[rng.integers(0, 4, (20, 80))]
    attr = rng.normal(size=(20, 80, 4))
    scale = rng.uniform(0.01, 100, size=(20, 1, 1))
    assert metrics.kmer_kld(attr * scale, x, k=4) == pytest.approx(
        metrics.kmer_kld(attr, x, k=4), rel=1e-12
    )


def test_kmer_kld_sequence_without_attribution_does_not_shift_others():
    rng = np.random.default_rng(3)
    x = np.eye(4, dtype=np.float32)[rng.integers(0, 4, (10, 60))]
    attr = rng.normal(size=(10, 60, 4))
    base = metrics.kmer_kld(attr, x, k=4)
    extra_x = np.eye(4, dtype=np.float32)[rng.integers(0, 4, (2, 60))]
    extra_attr = np.zeros((2, 60, 4))  # no position above the percentile
    got = metrics.kmer_kld(
        np.concatenate([attr, extra_attr]), np.concatenate([x, extra_x]), k=4
    )
    assert got == pytest.approx(base, rel=1e-12)


def test_kmer_kld_equals_a_direct_loop_implementation():
    """An independent, loop-based reading of section 7 on random data."""
    rng = np.random.default_rng(4)
    x = np.eye(4, dtype=np.float32)[rng.integers(0, 4, (6, 40))]
    attr = rng.normal(size=(6, 40, 4))
    k = 3
    corrected = attr - attr.mean(-1, keepdims=True)
    counts, prior = {}, {}
    for a, seq in zip(corrected, x.argmax(-1)):
        norms = np.linalg.norm(a, axis=1)
        thr = np.percentile(norms, 90)
        runs, l = [], 0
        while l < len(norms):
            if norms[l] > thr:
                start = l
                while l < len(norms) and norms[l] > thr:
                    l += 1
                runs.append([start, min(l - 1 + 2, len(norms) - 1)])
            else:
                l += 1
        merged = []
        for r in runs:
            if merged and r[0] <= merged[-1][1] + 1:
                merged[-1][1] = max(merged[-1][1], r[1])
            else:
                merged.append(r)
        kmers = [
            "".join("ACGT"[b] for b in seq[i : i + k])
            for s, e in merged
            if e - s + 1 >= k
            for i in range(s, e - k + 2)
        ]
        if kmers:
            for km in kmers:
                counts[km] = counts.get(km, 0) + 1
            for i in range(len(seq) - k + 1):
                km = "".join("ACGT"[b] for b in seq[i : i + k])
                prior[km] = prior.get(km, 0) + 1
    n, m = sum(counts.values()), sum(prior.values())
    expected = sum(
        c / n * np.log((c / n) / (prior[km] / m)) for km, c in counts.items()
    )
    assert metrics.kmer_kld(attr, x, k=k) == pytest.approx(expected, rel=1e-10)


# ------------------------------------------------------------------ k-attr-mean KLD


def test_basis_is_orthonormal_and_preserves_norms_of_sum_zero_vectors():
    B = metrics.SIMPLEX_BASIS
    np.testing.assert_allclose(B @ B.T, np.eye(3), atol=1e-12)
    np.testing.assert_allclose(B.sum(1), 0, atol=1e-12)
    v = np.random.default_rng(0).normal(size=(100, 4))
    v -= v.mean(1, keepdims=True)
    np.testing.assert_allclose(
        np.linalg.norm(metrics.embed(v), axis=1), np.linalg.norm(v, axis=1), rtol=1e-12
    )


def test_spherical_coordinates():
    r, theta, phi = metrics.spherical(
        np.array([[0, 0, 2.0], [1.0, 0, 0], [0, -3.0, 0], [-1.0, 0, 0]])
    )
    np.testing.assert_allclose(r, [2, 1, 3, 1])
    np.testing.assert_allclose(theta, [0, np.pi / 2, np.pi / 2, np.pi / 2])
    np.testing.assert_allclose(phi, [0, 0, -np.pi / 2, np.pi])  # phi in (-pi, pi]


def test_kattr_mean_kld_hand_worked_single_direction():
    # every local mean points along e1: (theta, phi) = (pi/2, 0), an interior bin (15, 31)
    rng = np.random.default_rng(0)
    attr = rng.uniform(0.5, 2.0, size=(5, 50, 1)) * E1
    d = metrics.kattr_mean_kld(attr, return_details=True)
    assert d.p.shape == (32, 63)
    assert d.p[15, 31] == pytest.approx(1.0)
    # a 5x5 boxcar spreads the single bin over 25 bins: q = 1/25 there, KL = log 25
    assert d.q[15, 31] == pytest.approx(1 / 25)
    assert d.score == pytest.approx(np.log(25))


def test_kattr_mean_local_means():
    a = np.arange(5 * 4, dtype=float).reshape(1, 5, 4)
    m = metrics.local_means(a, window=3)
    assert m.shape == (1, 3, 4)
    np.testing.assert_allclose(m[0, 0], a[0, :3].mean(0))
    np.testing.assert_allclose(m[0, 2], a[0, 2:].mean(0))


def test_kattr_mean_kld_is_nonnegative_and_scale_invariant():
    rng = np.random.default_rng(1)
    attr = rng.normal(size=(30, 100, 4))
    score = metrics.kattr_mean_kld(attr)
    assert score > 0
    scaled = attr * rng.uniform(0.01, 100, size=(30, 1, 1))
    assert metrics.kattr_mean_kld(scaled) == pytest.approx(score, rel=1e-9)


def test_kattr_mean_kld_zero_map_does_not_shift_others():
    rng = np.random.default_rng(2)
    attr = rng.normal(size=(10, 60, 4))
    base = metrics.kattr_mean_kld(attr)
    assert metrics.kattr_mean_kld(
        np.concatenate([attr, np.zeros((3, 60, 4))])
    ) == pytest.approx(base, rel=1e-12)


def test_kl_divergence_properties():
    assert metrics.kl_divergence([0.5, 0.5], [0.5, 0.5]) == 0.0
    assert metrics.kl_divergence([1, 0], [0.5, 0.5]) == pytest.approx(np.log(2))
    rng = np.random.default_rng(0)
    for _ in range(20):
        p, q = rng.dirichlet(np.ones(8)), rng.dirichlet(np.ones(8))
        assert metrics.kl_divergence(p, q) >= 0
    with pytest.raises(ValueError, match="infinite"):
        metrics.kl_divergence([0.5, 0.5], [1, 0])


# ------------------------------------------------------------------ bad input


def test_bad_input_gives_clear_errors():
    x = one_hot("ACGTA")[None]
    with pytest.raises(ValueError, match="shorter than k"):
        metrics.kmer_kld(np.ones((1, 5, 4)), x, k=6)
    with pytest.raises(ValueError, match="shorter than the window"):
        metrics.kattr_mean_kld(np.ones((1, 2, 4)), window=3)
    nan = np.ones((1, 5, 4))
    nan[0, 0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        metrics.kmer_kld(nan, x, k=2)
    with pytest.raises(ValueError, match="NaN"):
        metrics.kattr_mean_kld(nan)
    with pytest.raises(ValueError, match="same shape"):
        metrics.kmer_kld(np.ones((1, 6, 4)), x, k=2)
    with pytest.raises(ValueError, match="shape"):
        metrics.kattr_mean_kld(np.ones((5, 4)))
    with pytest.raises(ValueError, match="not one-hot"):
        metrics.kmer_kld(np.ones((1, 5, 4)), np.full((1, 5, 4), 0.25), k=2)
    with pytest.raises(ValueError, match="undefined"):
        metrics.kmer_kld(np.zeros((1, 5, 4)), x, k=2)
    with pytest.raises(ValueError, match="odd"):
        metrics.kattr_mean_kld(
            np.random.default_rng(0).normal(size=(2, 20, 4)), smooth_width=0.4
        )


# ------------------------------------------------------------------ k-mer to motif matching


def test_match_kmers_finds_the_planted_motif_offset_and_strand():
    from acme_utils.data import reverse_complement

    rng = np.random.default_rng(0)
    motif = (
        np.eye(4)[[0, 1, 2, 2, 3, 3, 0, 1]] * 0.9 + 0.025
    )  # consensus ACGGTTAC, rows sum 1
    other = rng.dirichlet(np.ones(4), size=10)
    motifs = [motif, reverse_complement(motif), other]
    table = metrics.match_kmers(["GGTTAC", "AACCGT", "ACGGTT"], motifs)
    assert table["motif_index"].tolist() == [
        0,
        1,
        0,
    ]  # AACCGT is on the reverse strand (GTAACCGT)
    assert table["offset"].tolist() == [2, 2, 0]
    assert table["mismatches"].tolist() == [0, 0, 0]
    assert table["consensus"].tolist() == ["GGTTAC", "AACCGT", "ACGGTT"]
    # a perfect consensus match scores the maximum possible at its alignment
    np.testing.assert_allclose(table["log_odds"], table["max_log_odds"])
    expected = 6 * np.log2((0.925 + 0.01) / 1.04 / 0.25)
    assert table["log_odds"].iloc[0] == pytest.approx(expected)


def test_match_kmers_overhang_scores_zero_and_min_overlap_limits_it():
    motif = np.eye(4)[[0, 0, 0, 0]]  # AAAA
    # TTAAAA: best alignment puts AAAA under the last four bases (offset -2), overhang 2
    t = metrics.match_kmers(["TTAAAA"], [motif])
    assert t["offset"].iloc[0] == -2 and t["overlap"].iloc[0] == 4
    assert t["consensus"].iloc[0] == "--AAAA" and t["mismatches"].iloc[0] == 0
    assert t["log_odds"].iloc[0] == pytest.approx(4 * np.log2((1.01 / 1.04) / 0.25))
    t = metrics.match_kmers(["TTTTTA"], [motif], min_overlap=1)
    assert t["overlap"].iloc[0] == 1 and t["offset"].iloc[0] == -5
    with pytest.raises(ValueError, match="equal length"):
        metrics.match_kmers(["ACG", "AC"], [motif])
    with pytest.raises(ValueError, match="min_overlap"):
        metrics.match_kmers(["ACG"], [motif], min_overlap=4)
    with pytest.raises(ValueError, match="empty"):
        metrics.match_kmers(["ACG"], [])


# --- kmers_per_sequence (chapter 5) ---------------------------------------------------


def test_kmers_per_sequence_counts_kmers_inside_segments():
    """Hand-counted: segments of lengths 3 and 4 give 1 + 2 three-mers; short runs give none."""
    segments = np.array(
        [
            [1, 1, 1, 0, 1, 1, 1, 1, 0, 0],
            [1, 0, 1, 1, 0, 1, 1, 0, 0, 0],
            [1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
        ],
        bool,
    )
    np.testing.assert_array_equal(metrics.kmers_per_sequence(segments, 3), [3, 0, 8])
    np.testing.assert_array_equal(
        metrics.kmers_per_sequence(segments, 1), segments.sum(1)
    )
    np.testing.assert_array_equal(metrics.kmers_per_sequence(segments, 11), [0, 0, 0])


def test_kmers_per_sequence_matches_kmer_kld_counts():
    """The per-sequence counts add up to the attributed k-mers that kmer_kld counts."""
    rng = np.random.default_rng(0)
    x = np.eye(4, dtype=np.float32)[rng.integers(0, 4, (20, 60))]
    attr = rng.normal(size=x.shape)
    d = metrics.kmer_kld(attr, x, k=4, percentile=70, return_details=True)
    assert metrics.kmers_per_sequence(d.segments, d.k).sum() == d.counts.sum()


def test_kmers_per_sequence_rejects_bad_input():
    with pytest.raises(ValueError, match="segments"):
        metrics.kmers_per_sequence(np.zeros((2, 3, 4)), 3)
    with pytest.raises(ValueError, match="k must be"):
        metrics.kmers_per_sequence(np.zeros((2, 3), bool), 0)
