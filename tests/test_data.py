"""The synthetic dataset against METHODS.md section 1."""

import numpy as np
import pytest
from scipy import stats

from acme_utils import data


@pytest.fixture(scope="module")
def full_data(cache_dir):
    return data.generate_dataset(seed=0, cache_dir=cache_dir)


def test_split_sizes_and_shapes(full_data):
    for split, n in (
        (full_data.train, 14_000),
        (full_data.valid, 2_000),
        (full_data.test, 4_000),
    ):
        assert split.x.shape == (n, 200, 4) and split.x.dtype == np.float32
        assert split.pwm.shape == (n, 200, 4) and split.pwm.dtype == np.float32
        assert split.y.shape == (n, 1) and split.y.dtype == np.float32
        assert set(np.unique(split.y)) == {0.0, 1.0}
    total = sum(s.y.sum() for s in (full_data.train, full_data.valid, full_data.test))
    assert total == 10_000  # exact class balance overall


def test_one_hot_and_pwm_are_valid(full_data):
    x, pwm = full_data.test.x, full_data.test.pwm
    assert set(np.unique(x)) == {0.0, 1.0}
    np.testing.assert_array_equal(x.sum(-1), 1.0)
    np.testing.assert_allclose(pwm.sum(-1), 1.0, atol=1e-5)
    # every sampled base has non-zero probability under the ground-truth PWM
    assert (pwm[x.astype(bool)] > 0).all()


def test_class_balance_per_split_within_sampling_error(full_data):
    for split in (full_data.train, full_data.valid, full_data.test):
        n, k = len(split), int(split.y.sum())
        assert stats.binomtest(k, n, 0.5).pvalue > 1e-3


def test_motif_counts_follow_the_stated_proportions(full_data):
    planted = np.concatenate(
        [s.planted for s in (full_data.train, full_data.valid, full_data.test)]
    )
    # per-split sequence indices -> counts per sequence
    counts = []
    for s in (full_data.train, full_data.valid, full_data.test):
        counts.append(np.bincount(s.planted[:, 0], minlength=len(s)))
    counts = np.concatenate(counts)
    assert counts.min() >= 3 and counts.max() <= 7
    observed = np.array([(counts == k).sum() for k in range(3, 8)])
    expected = np.array([data.MOTIF_COUNT_PROBS[k] for k in range(3, 8)]) * counts.size
    assert stats.chisquare(observed, expected).pvalue > 1e-3
    assert planted.shape[0] == counts.sum()


def test_positives_use_core_motifs_only_negatives_use_all(full_data):
    s = full_data.train
    is_pos = s.y[s.planted[:, 0], 0] == 1
    assert s.planted[is_pos, 1].max() < full_data.n_core == 10
    neg_motifs = s.planted[~is_pos, 1]
    assert neg_motifs.max() >= 10 and neg_motifs.min() == 0
    assert len(np.unique(neg_motifs)) == len(full_data.motifs) == 110


def test_ground_truth_mask_coincides_with_planted_motifs(full_data):
    s = full_data.test
    planted_mask = np.zeros(s.x.shape[:2], dtype=bool)
    for seq, mot, start in s.planted:
        m = full_data.motifs[mot]
        np.testing.assert_allclose(s.pwm[seq, start : start + len(m)], m.pwm, atol=1e-6)
        planted_mask[seq, start : start + len(m)] = True
    # outside motifs the PWM is exactly uniform and IC is exactly 0
    assert (s.information_content[~planted_mask] == 0).all()
    assert np.array_equal(
        s.pwm[~planted_mask], np.full((int((~planted_mask).sum()), 4), 0.25, np.float32)
    )
    # the IC > 0.1 mask only ever marks planted positions and covers most of them
    assert not (s.motif_mask & ~planted_mask).any()
    assert s.motif_mask[planted_mask].mean() > 0.8


def test_motifs_never_overlap_and_stay_inside(full_data):
    s = full_data.train
    lengths = np.array([len(m) for m in full_data.motifs])
    ends = s.planted[:, 2] + lengths[s.planted[:, 1]]
    assert (s.planted[:, 2] >= 0).all() and (ends <= 200).all()
    same_seq = s.planted[1:, 0] == s.planted[:-1, 0]
    assert (
        s.planted[1:, 2][same_seq] >= ends[:-1][same_seq]
    ).all()  # may touch, never overlap


def test_same_seed_gives_bit_identical_arrays_and_other_seed_differs(cache_dir):
    a = data.generate_dataset(n_per_class=200, seed=11, use_cache=False)
    b = data.generate_dataset(n_per_class=200, seed=11, use_cache=False)
    c = data.generate_dataset(n_per_class=200, seed=12, use_cache=False)
    for name in ("x", "y", "pwm", "planted"):
        assert np.array_equal(getattr(a.test, name), getattr(b.test, name))
    assert not np.array_equal(a.test.x, c.test.x)


def test_cache_roundtrip_is_bit_identical(tmp_path):
    fresh = data.generate_dataset(n_per_class=100, seed=5, cache_dir=tmp_path)
    assert len(list((tmp_path / "datasets").iterdir())) == 1
    cached = data.generate_dataset(n_per_class=100, seed=5, cache_dir=tmp_path)
    for split in ("train", "valid", "test"):
        for name in ("x", "y", "pwm", "planted"):
            assert np.array_equal(
                getattr(getattr(fresh, split), name),
                getattr(getattr(cached, split), name),
            )
    data.generate_dataset(n_per_class=100, seed=6, cache_dir=tmp_path)
    assert len(list((tmp_path / "datasets").iterdir())) == 2  # keyed by parameters


def test_information_content_closed_form():
    pwm = np.array([[0.25] * 4, [1, 0, 0, 0], [0.5, 0.5, 0, 0]])
    np.testing.assert_allclose(data.information_content(pwm), [0.0, 2.0, 1.0])
    np.testing.assert_array_equal(data.motif_mask(pwm), [False, True, True])
    np.testing.assert_array_equal(data.background_mask(pwm), [True, False, False])


def test_motifs_come_in_both_orientations():
    motifs = data.load_motifs(list(data.CORE_MOTIFS.values()))
    assert [m.name for m in motifs[::2]] == list(data.CORE_MOTIFS)
    for fwd, rev in zip(motifs[::2], motifs[1::2]):
        assert (fwd.strand, rev.strand) == ("+", "-")
        np.testing.assert_allclose(rev.pwm, fwd.pwm[::-1, ::-1])
        np.testing.assert_allclose(fwd.pwm.sum(1), 1.0)


def test_subset_reindexes_planted(full_data):
    pos = full_data.test.positives
    assert (pos.y == 1).all() and len(pos) == int(full_data.test.y.sum())
    for seq, mot, start in pos.planted[:50]:
        m = full_data.motifs[mot]
        np.testing.assert_allclose(
            pos.pwm[seq, start : start + len(m)], m.pwm, atol=1e-6
        )
    with pytest.raises(ValueError, match="empty"):
        full_data.test.subset(np.zeros(len(full_data.test), bool))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"n_per_class": 0}, "n_per_class"),
        ({"n_per_class": 2.5}, "n_per_class"),
        ({"length": 100}, "too short"),
        ({"split": (0.5, 0.5, 0.5)}, "split"),
        ({"motif_count_probs": {3: 0.5, 4: 0.2}}, "motif_count_probs"),
        ({"core_ids": ("MA9999.9",)}, "MA9999.9"),
    ],
)
def test_bad_arguments_raise_clear_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        data.generate_dataset(**{"n_per_class": 10, **kwargs}, use_cache=False)


def test_information_content_rejects_wrong_shape():
    with pytest.raises(ValueError, match="4 channels"):
        data.information_content(np.ones((3, 5)))


# ---- consensus and planted_motifs (moved from chapters 1 and 6) ----------------------------


def test_consensus_hand_made_pwm():
    pwm = np.array(
        [
            [0.7, 0.1, 0.1, 0.1],  # A
            [0.0, 0.0, 0.2, 0.8],  # T
            [0.25, 0.25, 0.25, 0.25],  # tie: first channel, A
            [0.1, 0.6, 0.2, 0.1],
        ]
    )  # C
    assert data.consensus(pwm) == "ATAC"
    with pytest.raises(ValueError):
        data.consensus(np.ones((3, 5)))


def test_planted_motifs_hand_made_split():
    motifs = [
        data.Motif("AAA", "X1", "+", np.full((3, 4), 0.25)),
        data.Motif("AAA", "X1", "-", np.full((3, 4), 0.25)),
        data.Motif("BB", "X2", "+", np.full((5, 4), 0.25)),
    ]
    planted = np.array([[0, 2, 1], [0, 0, 10], [1, 1, 4]], dtype=np.int64)
    split = data.Split(
        x=np.zeros((3, 20, 4), np.float32),
        y=np.zeros((3, 1), np.float32),
        pwm=np.full((3, 20, 4), 0.25, np.float32),
        planted=planted,
    )
    starts, lengths, labels = data.planted_motifs(split, 0, motifs)
    assert starts.tolist() == [1, 10] and lengths.tolist() == [5, 3]
    assert labels == ["BB(+)", "AAA(+)"]
    starts, lengths, labels = data.planted_motifs(split, 1, motifs)
    assert starts.tolist() == [4] and lengths.tolist() == [3] and labels == ["AAA(-)"]
    starts, lengths, labels = data.planted_motifs(split, 2, motifs)  # nothing planted
    assert starts.size == 0 and lengths.size == 0 and labels == []
    assert (
        lengths.dtype.kind == "i"
    )  # integers even when empty (usable as slice bounds)
    with pytest.raises(ValueError):
        data.planted_motifs(split, 3, motifs)


def test_planted_motifs_default_motifs_are_the_datasets(cache_dir):
    ds = data.generate_dataset(n_per_class=20, seed=1, cache_dir=cache_dir)
    for i in range(len(ds.test)):
        starts, lengths, labels = data.planted_motifs(ds.test, i)
        rows = ds.test.planted[ds.test.planted[:, 0] == i]
        assert starts.tolist() == rows[:, 2].tolist()
        assert labels == [ds.motifs[m].label for m in rows[:, 1]]
        assert lengths.tolist() == [len(ds.motifs[m]) for m in rows[:, 1]]


# --- planted_motifs, planted_overlap, window_overlaps_motif -------------------------


def _hand_made_split():
    """Two sequences of 12 nt: sequence 0 holds motif 0 (length 3) at 2 and motif 1 (length 4)
    at 6; sequence 1 holds nothing. Only the planted positions have an informative PWM."""
    motifs = [
        data.Motif("m0", "M0", "+", np.full((3, 4), 0.25)),
        data.Motif("m1", "M1", "-", np.full((4, 4), 0.25)),
    ]
    pwm = np.full((2, 12, 4), 0.25, np.float32)
    pwm[0, 2:5] = pwm[0, 6:10] = np.eye(4, dtype=np.float32)[0]
    x = np.eye(4, dtype=np.float32)[np.zeros((2, 12), int)]
    planted = np.array([[0, 0, 2], [0, 1, 6]])
    return data.Split(x, np.ones((2, 1), np.float32), pwm, planted), motifs


def test_planted_motifs_lists_starts_lengths_labels():
    split, motifs = _hand_made_split()
    starts, lengths, labels = data.planted_motifs(split, 0, motifs)
    np.testing.assert_array_equal(starts, [2, 6])
    np.testing.assert_array_equal(lengths, [3, 4])
    assert labels == [motifs[0].label, motifs[1].label]
    starts, lengths, labels = data.planted_motifs(split, 1, motifs)
    assert starts.size == lengths.size == len(labels) == 0
    with pytest.raises(ValueError, match="sequence index"):
        data.planted_motifs(split, 2, motifs)


def test_planted_overlap_picks_the_largest_overlap():
    split, motifs = _hand_made_split()
    m0, m1 = motifs[0].label, motifs[1].label
    assert data.planted_overlap(split, 0, 0, 2, motifs) == "none"  # positions 0-1
    assert (
        data.planted_overlap(split, 0, 3, 3, motifs) == m0
    )  # 3-5: two of m0, none of m1
    assert (
        data.planted_overlap(split, 0, 4, 4, motifs) == m1
    )  # 4-7: one of m0, two of m1
    assert data.planted_overlap(split, 1, 4, 4, motifs) == "none"


def test_planted_overlap_tie_goes_to_the_first_motif():
    split, motifs = _hand_made_split()
    # positions 4-6 overlap m0 at 4 and m1 at 6 by one each: the first (left) motif wins
    assert data.planted_overlap(split, 0, 4, 3, motifs) == motifs[0].label


def test_window_overlaps_motif():
    split, _ = _hand_made_split()
    got = data.window_overlaps_motif(split.pwm, [0, 0, 0, 1], [0, 5, 10, 3], 1)
    np.testing.assert_array_equal(got, [False, False, False, False])
    got = data.window_overlaps_motif(split.pwm, [0, 0, 0, 1], [1, 4, 9, 0], 2)
    np.testing.assert_array_equal(got, [True, True, True, False])
    with pytest.raises(ValueError, match="inside the sequences"):
        data.window_overlaps_motif(split.pwm, [0], [11], 2)


# --- checking a dataset against its specification (chapter 1) ------------------------

_ONE_HOT = np.eye(4)
_WEAK = np.array([0.3, 0.25, 0.25, 0.2])  # 0 < information content <= 0.1 bits


def _hand_made_dataset():
    """A dataset whose every count is known by construction.

    Motifs: a core motif ``CORE`` (3 columns, consensus ACG, all of 2 bits) and a background
    motif ``BG`` (one weak column, then TTT), each followed by its reverse complement; the pool
    of the positives is the two ``CORE`` PWMs (``n_core`` = 2). Sequences of 10 nt:

    ===== ===== ===== =========================== ============================
    split index class planted (motif index, start) note
    ===== ===== ===== =========================== ============================
    train 0     1     (0, 0), (1, 5)              2 motifs
    train 1     1     (1, 2)
    train 2     0     (2, 1)                      background only
    train 3     0     (0, 3)                      a negative of core motifs only
    valid 0     1     (0, 6)
    test  0     0     (2, 0), (1, 6)              2 motifs
    ===== ===== ===== =========================== ============================
    """
    core = np.array([_ONE_HOT[0], _ONE_HOT[1], _ONE_HOT[2]])
    bg = np.array([_WEAK, _ONE_HOT[3], _ONE_HOT[3], _ONE_HOT[3]])
    motifs = [
        data.Motif("CORE", "C1", "+", core),
        data.Motif("CORE", "C1", "-", data.reverse_complement(core)),
        data.Motif("BG", "B1", "+", bg),
        data.Motif("BG", "B1", "-", data.reverse_complement(bg)),
    ]

    def split(labels, planted):
        n = len(labels)
        pwm = np.full((n, 10, 4), 0.25)
        for i, m, start in planted:
            pwm[i, start : start + len(motifs[m])] = motifs[m].pwm
        x = _ONE_HOT[pwm.argmax(-1)].astype(np.float32)
        y = np.array(labels, np.float32)[:, None]
        return data.Split(x, y, pwm.astype(np.float32), np.array(planted, np.int64))

    train = split([1, 1, 0, 0], [[0, 0, 0], [0, 1, 5], [1, 1, 2], [2, 2, 1], [3, 0, 3]])
    valid = split([1], [[0, 0, 6]])
    test = split([0], [[0, 2, 0], [0, 1, 6]])
    params = {"core_ids": ["C1"], "motif_count_probs": {1: 0.5, 2: 0.5}}
    return data.SyntheticDataset(train, valid, test, motifs, params)


def test_motif_table_lists_length_information_and_consensus():
    ds = _hand_made_dataset()
    lines = data.motif_table(ds.motifs[:2]).splitlines()
    assert lines[0].split() == [
        "motif",
        "JASPAR",
        "length",
        "IC",
        "(bits)",
        "consensus",
    ]
    # three columns of 2 bits each; the reverse complement of ACG is CGT
    assert lines[1].split() == ["CORE(+)", "C1", "3", "6.0", "ACG"]
    assert lines[2].split() == ["CORE(-)", "C1", "3", "6.0", "CGT"]
    with pytest.raises(ValueError, match="Motif"):
        data.motif_table([])


def test_motif_role_core_background_and_not_used():
    bg = _hand_made_dataset().motifs[2:]
    assert data.motif_role("SP1", bg) == "core"  # a key of CORE_MOTIFS
    assert data.motif_role("BG", bg) == "background"
    assert data.motif_role("CTCF", bg) == "not used"
    with pytest.raises(ValueError, match="name"):
        data.motif_role("", bg)


def test_planted_and_instance_tables_of_one_sequence():
    ds = _hand_made_dataset()
    lines = data.planted_table(ds.train, 0, ds.motifs).splitlines()
    assert len(lines) == 3  # header and two instances, left to right
    assert lines[1].split() == ["[0,", "0,", "0]", "0", "CORE(+)", "C1", "0", "3"]
    assert lines[2].split() == ["[0,", "1,", "5]", "1", "CORE(-)", "C1", "5", "8"]
    lines = data.instance_table(ds.test, 0, ds.motifs).splitlines()
    assert lines[0].split() == ["motif", "instance", "consensus", "mismatches"]
    # the weak first column of BG samples A (its most probable letter): the consensus itself
    assert lines[1].split() == ["BG(+)", "ATTT", "ATTT", "0"]
    assert lines[2].split() == ["CORE(-)", "CGT", "CGT", "0"]
    with pytest.raises(ValueError, match="sequence index"):
        data.planted_table(ds.test, 1, ds.motifs)


def test_instance_table_counts_mismatches():
    ds = _hand_made_dataset()
    ds.valid.x[0, 6] = _ONE_HOT[3]  # ACG -> TCG at the planted instance
    line = data.instance_table(ds.valid, 0, ds.motifs).splitlines()[1]
    assert line.split() == ["CORE(+)", "TCG", "ACG", "1"]


def test_mark_motifs_capitalises_motif_positions():
    assert data.mark_motifs("ACGTACGTAC", [1, 7], [2, 3]) == "aCGtacgTAC"
    assert data.mark_motifs("ACGT", [], []) == "acgt"
    with pytest.raises(ValueError, match="inside the sequence"):
        data.mark_motifs("ACGT", [3], [2])


def test_motifs_per_sequence_and_planted_instances():
    ds = _hand_made_dataset()
    np.testing.assert_array_equal(data.motifs_per_sequence(ds.train), [2, 1, 1, 1])
    np.testing.assert_array_equal(data.motifs_per_sequence(ds.valid), [1])
    motif, label = data.planted_instances(ds)  # train, valid, test rows in order
    np.testing.assert_array_equal(motif, [0, 1, 1, 2, 0, 0, 2, 1])
    np.testing.assert_array_equal(label, [1, 1, 1, 0, 0, 1, 0, 0])


def test_class_balance_table_counts_every_split():
    rows = [
        line.split()
        for line in data.class_balance_table(_hand_made_dataset()).splitlines()
    ]
    assert rows[0] == ["split", "sequences", "positives", "negatives", "%", "positive"]
    assert rows[1:] == [
        ["train", "4", "2", "2", "50.0"],
        ["valid", "1", "1", "0", "100.0"],
        ["test", "1", "0", "1", "0.0"],
        ["all", "6", "3", "3", "50.0"],
    ]


def test_motif_count_table_observed_against_expected():
    rows = [
        line.split()
        for line in data.motif_count_table(_hand_made_dataset()).splitlines()
    ]
    # motifs per sequence: positives 2, 1, 1; negatives 1, 1, 2
    assert rows[1] == ["1", "0.500", "0.667", "0.667", "0.667"]
    assert rows[2] == ["2", "0.500", "0.333", "0.333", "0.333"]
    assert rows[3][-3:] == ["1.50,", "observed", "1.33"]  # 1.5 expected, 8 / 6 observed


def test_motif_share_table_observed_against_expected():
    rows = [
        line.split()
        for line in data.motif_share_table(_hand_made_dataset()).splitlines()
    ]
    # positives: 4 instances of 3 informative columns in 3 x 10 positions: 40 %; expected
    # 1.5 motifs x 3 columns / 10 nt = 45 %; no weak column. Negatives: 4 instances, 12
    # informative and 2 weak positions (the first column of each BG instance) in 30: 40 %,
    # 6.7 %, and 16 background positions: 53.3 %; expected 1.5 x 3 / 10 = 45 % (every PWM of
    # the pool has 3 informative columns).
    assert rows[1] == ["positives", "3.0", "40.0%", "45.0%", "0.0%", "60.0%"]
    assert rows[2] == ["negatives", "3.0", "40.0%", "45.0%", "6.7%", "53.3%"]


def test_motif_usage_report_counts_pools_orientations_and_lookalikes():
    lines = data.motif_usage_report(_hand_made_dataset()).splitlines()
    # positives: motifs 0, 1, 1, 0: both core PWMs, half of them forward
    assert lines[0] == (
        "positives: 4 motif instances, 2 of the 2 PWMs in the pool used, "
        "only core PWMs: True, forward orientation 50.0%"
    )
    # negatives: motifs 2, 0, 2, 1: three of the four PWMs, 2 core of 4 instances
    assert lines[1] == (
        "negatives: 4 motif instances, 3 of the 4 PWMs in the pool used, "
        "only core PWMs: False, forward orientation 75.0%"
    )
    assert lines[2] == (
        "share of core PWMs among the negatives' instances: 50.0% (uniform sampling: 50.0%)"
    )
    # one negative (train 3) without a background motif; expected 3 x (0.5 x 0.5 + 0.5 x 0.25)
    assert lines[3] == "negatives made only of core motifs: 1 (expected 1.1)"


def test_dataset_checks_reject_what_is_not_a_dataset():
    for check in (
        data.class_balance_table,
        data.motif_count_table,
        data.motif_share_table,
        data.motif_usage_report,
        data.planted_instances,
    ):
        with pytest.raises(ValueError, match="SyntheticDataset"):
            check(_hand_made_dataset().train)
