"""Motif discovery and matching (acme_utils.motifs): TF-MoDISco on maps, TomTom against JASPAR.

The pipeline runs for real on synthetic maps of a small dataset (about 290 positive test
sequences): maps that are the planted motifs give back all five core motifs, pure noise gives
back none. TF-MoDISco takes 5-25 s per run here, so its results are module-scoped fixtures.
"""

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from acme_utils import motifs
from acme_utils.data import (
    CORE_MOTIFS,
    generate_dataset,
    motif_mask,
    reverse_complement,
)
from acme_utils.scorecard import explained_positives


@pytest.fixture(scope="module")
def positives(cache_dir):
    data = generate_dataset(n_per_class=1500, seed=0, cache_dir=cache_dir)
    return data, explained_positives(data)


def planted_maps(pos, seed=0):
    """PWM - 0.25 at the planted motif positions (x mask), plus N(0, 0.01) noise everywhere."""
    rng = np.random.default_rng(seed)
    signal = (pos.pwm - 0.25) * motif_mask(pos.pwm)[..., None]
    return signal + rng.normal(0, 0.01, pos.x.shape)


@pytest.fixture(scope="module")
def planted(positives):
    _, pos = positives
    patterns = motifs.discover_patterns(planted_maps(pos), pos.x)
    return patterns, motifs.match_patterns(patterns)


@pytest.fixture(scope="module")
def database():
    return motifs.jaspar_database()


# ------------------------------------------------------------------------------ the database


def test_jaspar_database_is_the_2018_core_vertebrates(database):
    assert len(database) == 579
    ids = {name.split()[0] for name in database}
    assert set(CORE_MOTIFS.values()) <= ids
    sp1 = database["MA0079.3 SP1"]
    assert sp1.shape[1] == 4 and np.allclose(sp1.sum(axis=1), 1)
    assert not sp1.flags.writeable


# ------------------------------------------------------------------- TomTom and q-values


@pytest.mark.parametrize(
    "p, q",
    [
        ([0.01, 0.04, 0.03, 0.005], [0.02, 0.04, 0.04, 0.02]),
        ([0.5, 0.2, 0.9], [0.75, 0.6, 0.9]),
        # the running minimum from the largest p: 0.03, 0.03, 0.025 -> 0.025 for all
        ([0.01, 0.02, 0.025], [0.025, 0.025, 0.025]),
        ([0.9, 0.8], [0.9, 0.9]),
        ([1.0], [1.0]),
    ],
)
def test_benjamini_hochberg_by_hand(p, q):
    assert motifs.benjamini_hochberg(p) == pytest.approx(q)


@pytest.mark.parametrize("bad", [[], [0.1, 1.5], [[0.1, 0.2]], [0.1, np.nan]])
def test_benjamini_hochberg_rejects_bad_p_values(bad):
    with pytest.raises(ValueError):
        motifs.benjamini_hochberg(bad)


@pytest.mark.parametrize("strand", ["+", "-"])
def test_tomtom_finds_a_jaspar_matrix_itself_first(database, strand):
    name = "MA0079.3 SP1"
    query = database[name] if strand == "+" else reverse_complement(database[name])
    hits = motifs.tomtom([query], database)
    best = hits.iloc[0]
    assert (best["motif"], best["strand"], best["offset"]) == (name, strand, 0)
    assert best["rank"] == 1 and best["q_value"] < 1e-6
    assert len(hits) == len(database)
    assert hits["p_value"].is_monotonic_increasing
    q = motifs.benjamini_hochberg(hits["p_value"])
    assert hits["q_value"].to_numpy() == pytest.approx(q)


def test_tomtom_keeps_the_n_best_per_query(database):
    queries = [database["MA0095.2 YY1"], database["MA0058.3 MAX"]]
    hits = motifs.tomtom(queries, database, n_best=3)
    assert hits.groupby("query").size().tolist() == [3, 3]
    assert hits.groupby("query")["motif"].first().tolist() == [
        "MA0095.2 YY1",
        "MA0058.3 MAX",
    ]
    with pytest.raises(ValueError, match="n_best"):
        motifs.tomtom(queries, database, n_best=0)
    with pytest.raises(ValueError, match="database"):
        motifs.tomtom(queries, {})


# ------------------------------------------------------------- the pipeline on synthetic maps


def test_planted_motifs_are_all_recovered_without_false_discoveries(planted):
    patterns, rec = planted
    assert patterns and all(p.sign == 1 for p in patterns)
    assert rec.found == tuple(CORE_MOTIFS)
    assert rec.n_found == 5 and rec.n_false == 0
    assert (rec.core["best_q"] <= motifs.MOTIF_Q_THRESHOLD).all()
    assert set(rec.matches["core_match"]) == set(CORE_MOTIFS)
    row = rec.summary()
    assert row["n_core_found"] == 5 and row["n_false"] == 0
    assert row["mean_neg_log10_q"] > 3


def test_pure_noise_maps_recover_nothing(positives):
    _, pos = positives
    noise = np.random.default_rng(1).normal(0, 0.01, pos.x.shape)
    patterns = motifs.discover_patterns(noise, pos.x)
    rec = motifs.match_patterns(patterns)
    assert rec.n_found == 0 and rec.found == ()
    assert rec.n_false == len(
        patterns
    )  # TF-MoDISco forms no pattern of pure noise here
    assert (rec.core["best_q"] > motifs.MOTIF_Q_THRESHOLD).all()


def test_too_few_sequences_give_the_no_seqlets_error(positives):
    _, pos = positives
    noise = np.random.default_rng(2).normal(0, 0.01, pos.x[:20].shape)
    with pytest.raises(ValueError, match="yield no seqlets"):
        motifs.discover_patterns(noise, pos.x[:20])


def test_a_false_discovery_is_a_pattern_matching_no_core_motif(planted, database):
    patterns, _ = planted
    # the same patterns scored against other "core" motifs: nothing is found, all are false
    rec = motifs.match_patterns(
        patterns, database, core_motifs={"FOXF2": "MA0030.1", "RUNX1": "MA0002.2"}
    )
    assert rec.n_found == 0 and rec.n_false == len(patterns)
    assert (rec.matches["core_match"] == "").all()
    empty = motifs.match_patterns([], database)
    assert (
        empty.n_found == 0 and empty.n_false == 0 and empty.summary()["n_patterns"] == 0
    )


def test_pattern_trimming(planted):
    patterns, rec = planted
    p = patterns[0]
    start, end = p.trim_window()
    assert 0 <= start < end <= len(p.ppm)
    assert np.array_equal(p.trimmed(), p.ppm[start:end])
    assert p.trim_window(0.0) == (0, len(p.ppm))
    assert rec.matches.loc[0, "start"] == start and rec.matches.loc[0, "end"] == end


# ------------------------------------------------------------------------------ clear errors


def test_discover_patterns_rejects_bad_input(positives):
    _, pos = positives
    x, maps = pos.x[:30], planted_maps(pos)[:30]
    with pytest.raises(ValueError, match="shape"):
        motifs.discover_patterns(maps[..., :3], x)
    with pytest.raises(ValueError, match="same shape"):
        motifs.discover_patterns(maps[:10], x)
    with pytest.raises(ValueError, match="one-hot"):
        motifs.discover_patterns(maps, x * 0.5)
    bad = maps.copy()
    bad[3, 7, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        motifs.discover_patterns(bad, x)
    with pytest.raises(ValueError, match="unknown TF-MoDISco settings"):
        motifs.discover_patterns(maps, x, settings={"window": 3})
    with pytest.raises(ValueError, match="too short"):
        motifs.discover_patterns(maps[:, :20], x[:, :20])


def test_non_negative_maps_are_refused_with_the_reason(positives):
    _, pos = positives
    x_mask = pos.x * motif_mask(pos.pwm)[..., None]  # the x * mask maps
    with pytest.raises(ValueError, match="no negative contribution.*centred maps"):
        motifs.discover_patterns(x_mask, pos.x)


def test_match_patterns_rejects_bad_arguments(planted, database):
    patterns, _ = planted
    with pytest.raises(ValueError, match="threshold"):
        motifs.match_patterns(patterns, database, threshold=0)
    with pytest.raises(ValueError, match="not in the database"):
        motifs.match_patterns(patterns, database, core_motifs={"X": "MA9999.1"})


# --------------------------------------------------------------------------------- caching


def _stand_in_model(key="0123456789abcdef"):
    """What recover_motifs reads of a trained model: its model's input shape, key and name."""
    model = SimpleNamespace(input_shape=(None, 200, 4), name="stand-in")
    return SimpleNamespace(model=model, key=key, name="stand-in model")


@pytest.fixture
def fake_maps(monkeypatch, positives, planted):
    """attribution.explain gives the planted maps; discover_patterns is counted."""
    from acme_utils import attribution

    data, pos = positives
    maps = planted_maps(pos)
    monkeypatch.setattr(
        attribution, "explain", lambda trained, x, *a, **k: maps[: len(x)]
    )
    calls = []
    real = motifs.discover_patterns

    def counted(maps, x, settings=None):
        calls.append(len(x))
        if len(x) == len(pos.x):  # the fixture's run of the same maps
            return planted[0]
        return real(maps, x, settings)

    monkeypatch.setattr(motifs, "discover_patterns", counted)
    return data, calls


def test_recover_motifs_is_cached_and_its_key_follows_the_settings(
    fake_maps, tmp_path, capsys
):
    data, calls = fake_maps
    trained = _stand_in_model()
    first = motifs.recover_motifs(trained, data, cache_dir=tmp_path)
    assert calls == [len(data.test.positives)] and first.n_found == 5
    assert first.info["model_key"] == trained.key and first.info["n_sequences"] > 0
    capsys.readouterr()
    second = motifs.recover_motifs(trained, data, cache_dir=tmp_path)
    # the package logs to standard output (logger "acme_utils")
    assert len(calls) == 1 and "loaded from the cache" in capsys.readouterr().out
    assert second.found == first.found and second.n_false == first.n_false
    pd.testing.assert_frame_equal(second.matches, first.matches, check_dtype=False)
    pd.testing.assert_frame_equal(second.core, first.core, check_dtype=False)
    assert all(
        np.array_equal(a.cwm, b.cwm) and a.n_seqlets == b.n_seqlets
        for a, b in zip(first.patterns, second.patterns)
    )
    entries = lambda: sorted(p.name for p in (tmp_path / "motifs").iterdir())  # noqa: E731
    assert len(entries()) == 1
    # another threshold, another model: new entries, computed afresh
    motifs.recover_motifs(trained, data, threshold=0.01, cache_dir=tmp_path)
    motifs.recover_motifs(_stand_in_model("fedcba9876543210"), data, cache_dir=tmp_path)
    assert len(calls) == 3 and len(entries()) == 3
    with pytest.raises(ValueError, match="unknown TF-MoDISco settings"):
        motifs.recover_motifs(trained, data, settings={"nope": 1}, cache_dir=tmp_path)
    # use_cache=False computes and stores nothing
    motifs.recover_motifs(trained, data, cache_dir=tmp_path, use_cache=False)
    assert len(calls) == 4 and len(entries()) == 3


def test_recover_motifs_key_changes_with_the_modisco_settings(fake_maps, tmp_path):
    data, calls = fake_maps
    trained = _stand_in_model()
    a = motifs.recover_motifs(trained, data, cache_dir=tmp_path)
    b = motifs.recover_motifs(
        trained, data, settings={"n_leiden_runs": 2}, cache_dir=tmp_path
    )  # the default value: the same entry
    assert len(calls) == 1 and b.found == a.found
    motifs.recover_motifs(
        trained,
        data,
        settings={"max_seqlets_per_metacluster": 1000},
        cache_dir=tmp_path,
    )
    assert len(calls) == 2 and len(list((tmp_path / "motifs").iterdir())) == 2


# ------------------------------------------------------------------ the grid's aggregation


def test_recover_grid_aggregates_and_skips(monkeypatch, positives, planted, capsys):
    from acme_utils import sweep

    data, _ = positives
    table = pd.DataFrame(
        {
            "model": ["a", "b", "c", "d"],
            "model_key": ["k1", "k2", "k3", "k4"],
            "regularizer": ["none", "mixup", "none", "mixup"],
            "activation": ["relu", "exponential", "relu", "relu"],
            "batch_norm": [True, False, True, True],
            "seed": [0, 0, 1, 0],
            "snr": [1.0, 2.0, 3.0, 4.0],
            "test_auroc": [0.96, 0.97, 0.98, 0.99],
        }
    )
    monkeypatch.setattr(
        sweep,
        "model_available",
        lambda keys, cache_dir=None: np.array([k != "k2" for k in keys]),
    )
    monkeypatch.setattr(
        sweep, "train_row", lambda row, *a, **k: _stand_in_model(row["model_key"])
    )
    good = motifs.match_patterns(planted[0])
    nothing = motifs.match_patterns([])

    def fake(trained, data, n_sequences=None, *args, **kwargs):
        if trained.key == "k4":
            raise ValueError("the maps of these 5 sequences yield no seqlets: ...")
        rec = good if trained.key == "k1" else nothing
        info = {"n_sequences": 7, "seconds": 1.5}
        return motifs.MotifRecovery(
            rec.patterns, rec.matches, rec.core, rec.threshold, info
        )

    monkeypatch.setattr(motifs, "recover_motifs", fake)
    out = motifs.recover_grid(table, data, n_sequences=7)
    assert out.attrs["skipped"] == ["b"] and "skipped" in capsys.readouterr().out
    assert out["model"].tolist() == ["a", "c", "d"]
    assert out["n_core_found"].tolist() == [5, 0, 0]
    assert out["n_false"].tolist() == [0, 0, 0]
    assert out["note"].tolist() == ["", "", "no seqlets"]
    assert out["snr"].tolist() == [1.0, 3.0, 4.0]  # the table's scores come along
    assert out["n_sequences"].tolist() == [7, 7, 7]
    for name in CORE_MOTIFS:
        assert out.loc[0, f"q_{name}"] <= motifs.MOTIF_Q_THRESHOLD
        assert out.loc[1, f"q_{name}"] == 1.0
    assert out.loc[1, "mean_neg_log10_q"] == 0.0
    # train=True: nothing is skipped
    assert motifs.recover_grid(table, data, train=True)["model"].tolist() == list(
        "abcd"
    )
    with pytest.raises(ValueError, match="lacks the columns"):
        motifs.recover_grid(table.drop(columns="model_key"), data)


# ---------------------------------------------------------------------------------- figures


def test_plot_pattern_matches(planted, database):
    import matplotlib.pyplot as plt

    from acme_utils import plotting

    _, rec = planted
    fig = plotting.plot_pattern_matches(rec, database, max_patterns=3, title="t")
    assert len(fig.axes) == 6
    titles = " ".join(ax.get_title(loc="left") for ax in fig.axes)
    assert "core motif" in titles and "seqlets" in titles
    empty = plotting.plot_pattern_matches(motifs.match_patterns([], database), database)
    assert "no pattern" in empty.axes[0].texts[0].get_text()
    with pytest.raises(ValueError, match="max_patterns"):
        plotting.plot_pattern_matches(rec, database, max_patterns=0)
    plt.close("all")


def test_plot_recovery_criteria():
    import matplotlib.pyplot as plt

    from acme_utils import plotting

    table = pd.DataFrame(
        {
            "n_core_found": [5, 4, 5, 2],
            "snr": [2.5, 1.0, 2.0, 0.8],
            "kmer_kld": [1.3, 0.7, 1.1, 0.9],
            "regularizer": ["none", "none", "mixup", "mixup"],
            "activation": ["relu", "exponential", "relu", "exponential"],
            "batch_norm": [True, False, True, False],
        }
    )
    fig = plotting.plot_recovery_criteria(table, ["snr", "kmer_kld"])
    assert len(fig.axes) == 2
    with pytest.raises(KeyError, match="test_auroc"):
        plotting.plot_recovery_criteria(table, ["test_auroc"])
    with pytest.raises(ValueError, match="empty"):
        plotting.plot_recovery_criteria(table.iloc[:0], ["snr"])
    plt.close("all")
