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


# ------------------------------------------------------------------ chapter 5 helpers


def _hand_details():
    """The hand-worked example of ``test_kmer_kld_hand_worked``: 2-mers CC, CG, GG."""
    x = one_hot("AACCGGTTAC")[None]
    attr = np.zeros((1, 10, 4))
    attr[0, 2] = 5 * E1
    attr[0, 3] = 6 * E1
    return metrics.kmer_kld(attr, x, k=2, percentile=50, return_details=True)


def test_segment_kmers_hand_made():
    segments = np.zeros(10, bool)
    segments[2:6] = True  # CCGG: 3 2-mers
    segments[8:10] = True  # AC: 1 2-mer
    table = metrics.segment_kmers(
        segments, 2, "AACCGGTTAC", starts=[3], lengths=[2], labels=["M(+)"]
    )
    assert table[["first", "last", "length", "n_kmers"]].values.tolist() == [
        [2, 5, 4, 3],
        [8, 9, 2, 1],
    ]
    assert table["sequence"].tolist() == ["CCGG", "AC"]
    assert table["kmers"].tolist() == [("CC", "CG", "GG"), ("AC",)]
    assert table["overlaps"].tolist() == ["M(+)", "(background)"]
    # with k = 3 the second segment is too short: no k-mers
    assert metrics.segment_kmers(segments, 3, "AACCGGTTAC")["n_kmers"].tolist() == [
        2,
        0,
    ]
    with pytest.raises(ValueError, match="segments"):
        metrics.segment_kmers(segments[:-1], 2, "AACCGGTTAC")
    with pytest.raises(ValueError, match="k must"):
        metrics.segment_kmers(segments, 0, "AACCGGTTAC")
    with pytest.raises(ValueError, match="same length"):
        metrics.segment_kmers(segments, 2, "AACCGGTTAC", starts=[3])


def test_segment_kmers_agrees_with_kmer_kld_counts():
    d = _hand_details()
    table = metrics.segment_kmers(d.segments[0], 2, "AACCGGTTAC")
    assert table["n_kmers"].sum() == metrics.kmers_per_sequence(d.segments, 2)[0] == 3
    assert sorted(table["kmers"].iloc[0]) == [t[0] for t in d.top_kmers(5)]


def test_segment_kmers_report_text():
    segments = np.zeros(10, bool)
    segments[2:6] = True
    table = metrics.segment_kmers(segments, 2, "AACCGGTTAC")
    text = metrics.segment_kmers_report(table, 2, index=7)
    lines = text.splitlines()
    assert lines[0].split() == ["segment", "length", "sequence", "2-mers", "overlaps"]
    assert lines[1].split() == ["2-5", "4", "CCGG", "3", "(background)"]
    assert lines[-1] == (
        "3 k-mers counted from sequence 7; the first segment with k-mers spells: "
        "CC, CG, GG"
    )
    short = metrics.segment_kmers(segments, 5, "AACCGGTTAC")
    assert metrics.segment_kmers_report(short, 5, 0).endswith(
        "spells: (no segment is long enough)"
    )
    with pytest.raises(ValueError, match="lacks"):
        metrics.segment_kmers_report(table.drop(columns="kmers"), 2, 0)


def test_top_kmer_table_hand_worked():
    d = _hand_details()
    pwm = np.eye(4)[[1, 1, 2, 2]]  # consensus CCGG
    table = metrics.top_kmer_table(d, [pwm], n=5)
    assert list(table.index) == ["CC", "CG", "GG"]
    assert list(table.columns) == [
        "count",
        "p",
        "q",
        "p / q",
        "best motif",
        "consensus",
        "mismatches",
        "log-odds (bits)",
        "percentile",
    ]
    assert table["count"].tolist() == [1, 1, 1]
    assert np.allclose(table["p / q"], 3.0)  # p = 1/3, q = 1/9 each
    assert table["mismatches"].tolist() == [0, 0, 0]
    # every top 2-mer matches CCGG exactly: only other exact pieces of it score as high
    every = [metrics.kmer_string(j, 2) for j in range(16)]
    null = metrics.match_kmers(every, [pwm])["log_odds"].to_numpy()
    for kmer, row in table.iterrows():
        assert row["percentile"] == pytest.approx(
            100 * (null < row["log-odds (bits)"]).mean()
        )
    given = metrics.top_kmer_table(d, [pwm], n=5, null_scores=null)
    assert given.equals(table)
    assert len(metrics.top_kmer_table(d, [pwm], n=2)) == 2
    with pytest.raises(ValueError, match="n must"):
        metrics.top_kmer_table(d, [pwm], n=0)


def test_circular_shift_moves_each_map_along_its_sequence():
    rng = np.random.default_rng(0)
    attr = rng.normal(size=(3, 7, 4)).astype(np.float32)
    shifts = np.array([0, 2, 9])
    out = metrics.circular_shift(attr, shifts)
    assert out.dtype == np.float32
    for n, s in enumerate(shifts):
        assert np.array_equal(out[n], np.roll(attr[n], s, axis=0))
    assert np.array_equal(metrics.circular_shift(attr, [7, 14, -7]), attr)
    with pytest.raises(ValueError, match="integers"):
        metrics.circular_shift(attr, [0.5, 1, 2])
    with pytest.raises(ValueError, match="shifts"):
        metrics.circular_shift(attr, [1, 2])


def test_kmer_kld_grid_equals_kmer_kld_and_marks_undefined_cells():
    rng = np.random.default_rng(1)
    x = np.eye(4, dtype=np.float32)[rng.integers(0, 4, (8, 40))]
    attr = rng.normal(size=(8, 40, 4))
    grid = metrics.kmer_kld_grid(attr, x, [2, 3], [80, 90], extend=1)
    assert grid.index.name == "k" and grid.columns.name == "percentile"
    for k in (2, 3):
        for pc in (80, 90):
            assert grid.loc[k, pc] == metrics.kmer_kld(
                attr, x, k=k, percentile=pc, extend=1
            )
    # one spike per sequence and no extension: segments of one position, no 2-mer
    spikes = np.zeros((8, 40, 4))
    spikes[:, 5] = E1
    sparse = metrics.kmer_kld_grid(spikes, x, [1, 2], [50], extend=0)
    assert np.isfinite(sparse.loc[1, 50]) and np.isnan(sparse.loc[2, 50])
    with pytest.raises(ValueError, match="k must"):
        metrics.kmer_kld_grid(attr, x, [41], [90])
    with pytest.raises(ValueError, match="percentile"):
        metrics.kmer_kld_grid(attr, x, [3], [100])
    with pytest.raises(ValueError, match="extend"):
        metrics.kmer_kld_grid(attr, x, [3], [90], extend=-1)


def test_kmer_kld_report_hand_worked():
    d = _hand_details()
    text = metrics.kmer_kld_report({"m": d})
    assert text == (
        f"{'m':<17} {3:>8,} attributed 2-mers from 1 sequences, 3 distinct of 16;  "
        f"KL(p || q) = {np.log(3):.3f} nats"
    )
    with pytest.raises(ValueError, match="empty"):
        metrics.kmer_kld_report({})


def test_top_kmer_hits_report_counts_kmers_above_the_cut():
    import pandas as pd

    table = pd.DataFrame(
        {
            "best motif": ["MAX(+)", "YY1(-)", "MAX(-)"],
            "log-odds (bits)": [9.0, 2.0, 8.0],
        },
        index=pd.Index(["AAAAAA", "CCCCCC", "GGGGGG"], name="kmer"),
    )
    null = np.arange(11.0)  # 0 .. 10; its 50th percentile is 5
    text = metrics.top_kmer_hits_report({"m": table}, null, percentile=50)
    assert text == (
        "m: 2 of its top 3 6-mers score above the 50th percentile of all 6-mers "
        "(5.0 bits); motifs represented: MAX"
    )
    assert metrics.top_kmer_hits_report({"m": table}, null, percentile=85) == (
        "m: 1 of its top 3 6-mers score above the 85th percentile of all 6-mers "
        "(8.5 bits); motifs represented: MAX"
    )
    assert metrics.top_kmer_hits_report({"m": table}, null, percentile=100).endswith(
        "none"
    )
    with pytest.raises(ValueError, match="percentile"):
        metrics.top_kmer_hits_report({"m": table}, null, percentile=101)


def test_ranked_mass_report():
    text = metrics.ranked_mass_report({"p": [0.2, 0.5, 0.0, 0.3]}, tops=(1, 2))
    assert text == f"{'p':<17} top 1 k-mers hold  50.0% of the mass, top 2 hold  80.0%"
    with pytest.raises(ValueError, match="tops"):
        metrics.ranked_mass_report({"p": [1.0]}, tops=(0, 2))


# ------------------------------------------------------------------ chapter 6 helpers


def _kattr_details(seed=0):
    rng = np.random.default_rng(seed)
    return metrics.kattr_mean_kld(rng.normal(size=(20, 30, 4)), return_details=True)


def test_angle_between_closed_forms():
    u = np.array([[1.0, 0, 0], [1, 0, 0], [1, 0, 0], [1, 1, 0]])
    v = np.array([[0.0, 2, 0], [3, 0, 0], [-1, 0, 0], [1, 0, 0]])
    assert np.allclose(metrics.angle_between(u, v), [90, 0, 180, 45])
    with pytest.raises(ValueError, match="zero"):
        metrics.angle_between(u, np.zeros_like(u))
    with pytest.raises(ValueError, match="shape"):
        metrics.angle_between(u, v[:2])


def test_angular_peaks_finds_local_maxima_with_periodic_phi():
    from dataclasses import replace

    d = _kattr_details()
    p = np.zeros_like(d.p)
    n_phi = p.shape[1]
    p[5, 10] = 0.5  # an isolated peak
    p[20, 0] = 0.3  # a peak whose neighbour across the phi seam ...
    p[20, n_phi - 1] = 0.1  # ... is smaller, so not a peak
    p[10, 30] = 0.05  # two bins two apart: only the larger is a peak
    p[10, 32] = 0.05 / 2
    p[30, 30] = 0.025
    peaks = metrics.angular_peaks(replace(d, p=p), size=5)
    assert peaks[["theta_bin", "phi_bin"]].values.tolist() == [
        [5, 10],
        [20, 0],
        [10, 30],
        [30, 30],
    ]
    assert peaks["p"].tolist() == [0.5, 0.3, 0.05, 0.025]
    # with a 1-bin neighbourhood every non-empty bin is a peak
    assert len(metrics.angular_peaks(replace(d, p=p), size=1)) == 6
    # the direction is a unit sum-zero vector that embeds back to the bin's centre
    row = peaks.iloc[0]
    direction = row[["A", "C", "G", "T"]].to_numpy(dtype=float)
    assert direction.sum() == pytest.approx(0, abs=1e-12)
    assert np.linalg.norm(direction) == pytest.approx(1)
    _, theta, phi = metrics.spherical(metrics.embed(direction))
    assert theta == pytest.approx(row["theta"]) and phi == pytest.approx(row["phi"])
    assert d.theta_edges[5] < row["theta"] < d.theta_edges[6]
    with pytest.raises(ValueError, match="size"):
        metrics.angular_peaks(d, size=0)


def test_strongest_windows_one_per_sequence_by_weight():
    from dataclasses import replace

    d = _kattr_details()
    sequence = np.array([3, 3, 1, 2, 1])
    position = np.array([10, 11, 4, 7, 5])
    weight = np.array([0.5, 0.9, 0.2, 0.7, 0.3])
    d = replace(d, sequence=sequence, position=position, weight=weight)
    # sequence 3 (0.9 at 11), then 2 (0.7 at 7), then 1 (0.3 at 5)
    assert metrics.strongest_windows(d, [0, 1, 2, 3, 4]) == [(3, 11), (2, 7), (1, 5)]
    # weights 0.5, 0.2, 0.7: sequence 2 first, then 3 (its only point here, at 10)
    assert metrics.strongest_windows(d, [0, 2, 3], n=2) == [(2, 7), (3, 10)]
    assert metrics.strongest_windows(d, []) == []
    with pytest.raises(ValueError, match="kept points"):
        metrics.strongest_windows(d, [5])


def test_kattr_mean_kld_by_window_equals_single_scores():
    rng = np.random.default_rng(3)
    maps = {"a": rng.normal(size=(10, 25, 4)), "b": rng.normal(size=(10, 25, 4))}
    table = metrics.kattr_mean_kld_by_window(maps, [1, 3], bin_width=0.1)
    assert list(table.index) == ["a", "b"] and list(table.columns) == [1, 3]
    for name, attr in maps.items():
        for k in (1, 3):
            assert table.loc[name, k] == metrics.kattr_mean_kld(attr, window=k)
    with pytest.raises(ValueError, match="at least one"):
        metrics.kattr_mean_kld_by_window({}, [3])


def test_linear_distortion_of_rotations_and_scalings():
    rng = np.random.default_rng(4)
    points = rng.normal(size=(50, 3))
    c, s = np.cos(0.7), np.sin(0.7)
    rotation = np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])
    ratio, change = metrics.linear_distortion(points, rotation, n_pairs=100)
    assert np.allclose(ratio, 1) and np.allclose(change, 0, atol=1e-5)
    assert change.shape == (100,)
    ratio, change = metrics.linear_distortion(points, 2 * np.eye(3), n_pairs=100)
    assert np.allclose(ratio, 2) and np.allclose(change, 0, atol=1e-5)
    # squash the third axis: (1, 0, 1) and (0, 1, 1) go from 60 degrees apart to 90
    ratio, change = metrics.linear_distortion(
        np.array([[1.0, 0, 1], [0, 1, 1]]), np.diag([1.0, 1, 0]), n_pairs=200
    )
    assert np.allclose(ratio, 1 / np.sqrt(2))
    same = np.isclose(change, 0, atol=1e-5)  # a pair of one point twice
    assert np.allclose(change[~same], 30) and (~same).any()
    with pytest.raises(ValueError, match="matrix"):
        metrics.linear_distortion(points, np.eye(2))


def test_kept_motif_report_hand_made():
    from dataclasses import replace

    d = replace(_kattr_details(), weight=np.array([1.0, 3.0, 4.0, 2.0]))
    in_motif = np.array([True, False, True, False])  # half the points, 50% of weight
    pwm = np.full((2, 6, 4), 0.25, np.float32)
    pwm[0, 2] = [1, 0, 0, 0]  # one motif position: windows of 2 at 1, 2 hold it
    text = metrics.kept_motif_report({"m": d}, {"m": in_motif}, pwm, window=2)
    assert text.splitlines() == [
        f"{'m':<18} kept points overlapping a motif: 50.0% (50.0% of the r^2 weight)",
        "for comparison, share of all windows that overlap a motif position: 20.0%",
    ]
    with pytest.raises(ValueError, match="one value per kept point"):
        metrics.kept_motif_report({"m": d}, {"m": in_motif[:3]}, pwm, window=2)


def test_angular_peaks_report_text():
    import pandas as pd
    from dataclasses import replace

    d = replace(_kattr_details(), sequence=np.array([0, 0, 4, 7]))
    peaks = pd.DataFrame(
        [
            {
                "theta": 1.25,
                "phi": -0.35,
                "p": 0.0123,
                "A": 0.5,
                "C": -0.5,
                "G": 0,
                "T": 0,
            }
        ]
    )
    text = metrics.angular_peaks_report(
        d, peaks, [np.array([0, 1, 2, 3])], [["MAX(+)", "none", "MAX(+)", "MAX(+)"]]
    )
    assert text.splitlines() == [
        "peak 1: theta 1.25, phi -0.35, p = 0.0123, 4 points from 3 sequences",
        "   direction: A +0.50, C -0.50, G +0.00, T +0.00",
        "   windows overlap: MAX(+) 3 (75%), none 1 (25%)",
    ]
    with pytest.raises(ValueError, match="same length"):
        metrics.angular_peaks_report(d, peaks, [], [])


def test_kattr_mean_kld_report_hand_made():
    from dataclasses import replace

    d = _kattr_details()
    p = np.zeros_like(d.p)
    p[0, :4] = [0.4, 0.3, 0.2, 0.1]
    text = metrics.kattr_mean_kld_report({"m": replace(d, p=p, score=1.23456)}, top=2)
    assert text == (
        f"{'m':<18} score 1.235 nats; the 2 densest of {p.size} bins hold 70.0% of p; "
        "4 bins are non-empty"
    )
    with pytest.raises(ValueError, match="top"):
        metrics.kattr_mean_kld_report({"m": d}, top=0)
