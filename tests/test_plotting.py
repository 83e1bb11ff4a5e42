"""Figures draw without error on small inputs and reject bad input with a clear ValueError.

The Agg backend is selected in conftest.py, before pyplot is imported.
"""

import ast
import importlib
import inspect
import pkgutil

import matplotlib.pyplot as plt
import numpy as np
import pytest

from acme_utils import plotting
from acme_utils.data import MOTIF_COUNT_PROBS


def test_backend_is_agg():
    assert plt.get_backend().lower() == "agg"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


# ---------------------------------------------------------------------------- package layout

#: The figure-family modules of ``acme_utils.plotting``.
FAMILIES = ("sequences", "training", "attribution", "consistency", "sweeps", "motifs")


def _public_names(module) -> set[str]:
    """Functions and constants defined (not imported) in ``module``, without a leading underscore."""
    tree = ast.parse(inspect.getsource(module))
    defined = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    defined |= {
        target.id
        for node in tree.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    return {name for name in defined if not name.startswith("_")}


def test_plotting_modules_are_the_figure_families():
    found = {
        m.name
        for m in pkgutil.iter_modules(plotting.__path__)
        if not m.name.startswith("_")
    }
    assert found == set(FAMILIES)


@pytest.mark.parametrize("family", FAMILIES)
def test_family_module_imports_and_lists_its_public_names(family):
    module = importlib.import_module(f"acme_utils.plotting.{family}")
    assert (
        module.__doc__ and "chapter" in module.__doc__
    )  # says which chapters use its figures
    assert set(module.__all__) == _public_names(module)
    for name in module.__all__:  # re-exported unchanged by the package
        assert getattr(plotting, name) is getattr(module, name)


def test_plotting_all_covers_every_public_function():
    modules = [importlib.import_module(f"acme_utils.plotting.{f}") for f in FAMILIES]
    names = [name for module in modules for name in module.__all__]
    assert len(names) == len(set(names)), "a name is exported by two family modules"
    assert sorted(plotting.__all__) == sorted(names)
    exported = {
        n
        for n, obj in vars(plotting).items()
        if not n.startswith("_") and not inspect.ismodule(obj) and n != "annotations"
    }  # the __future__ import
    assert exported == set(plotting.__all__)  # nothing public is left out of __all__
    namespace = {}
    exec("from acme_utils.plotting import *", namespace)
    assert set(plotting.__all__) <= set(namespace)


def _toy_pwm(length=30):
    """A background PWM (0.25 everywhere) with one 4-nt motif at positions 5-8 and one at 12-17."""
    pwm = np.full((length, 4), 0.25)
    pwm[5:9] = np.eye(4)
    pwm[12:18] = [0.7, 0.1, 0.1, 0.1]
    return pwm


# ---------------------------------------------------------------------------- logos


def test_plot_pwm_logo_draws():
    ax = plotting.plot_pwm_logo(_toy_pwm(), title="toy")
    assert ax.get_ylim() == (0, 2)


@pytest.mark.parametrize(
    "bad", [np.zeros((5, 3)), np.zeros(5), np.full((5, 4), np.nan)]
)
def test_plot_logo_rejects_bad_matrix(bad):
    with pytest.raises(ValueError):
        plotting.plot_logo(bad)


# ---------------------------------------------------------------------------- motif layout


def test_plot_motif_layout_draws_boxes_and_gaps():
    fig, ax = plt.subplots()
    out = plotting.plot_motif_layout(
        [5, 12], [4, 6], 30, ["A(+)", "B(-)"], ax=ax, title="t"
    )
    assert out is ax
    assert len(ax.patches) == 2  # one box per motif
    texts = {t.get_text() for t in ax.texts}
    assert {"A(+)", "B(-)"} <= texts
    assert {"5", "3", "12"} <= texts  # gaps: 0-5, 9-12, 18-30


def test_plot_motif_layout_without_motifs_or_labels():
    plotting.plot_motif_layout([], [], 50)
    plotting.plot_motif_layout(
        [0, 3], [3, 3], 6
    )  # motifs touching, no labels, no free space


@pytest.mark.parametrize(
    "starts, lengths, length, message",
    [
        ([0, 5], [4], 30, "equal size"),
        ([[0, 5]], [[4, 4]], 30, "1-D"),
        ([np.nan], [4], 30, "NaN"),
        ([1.5], [4], 30, "whole numbers"),
        ([28], [4], 30, "inside the sequence"),
        ([0, 2], [4, 4], 30, "overlap"),
        ([0], [0], 30, "length >= 1"),
    ],
)
def test_plot_motif_layout_rejects_bad_placements(starts, lengths, length, message):
    with pytest.raises(ValueError, match=message):
        plotting.plot_motif_layout(starts, lengths, length)


def test_plot_motif_layout_rejects_bad_length_and_labels():
    with pytest.raises(ValueError, match="seq_length"):
        plotting.plot_motif_layout([0], [4], 0)
    with pytest.raises(ValueError, match="labels"):
        plotting.plot_motif_layout([0], [4], 30, labels=["A", "B"])


# ---------------------------------------------------------------------------- sequence PWM


def test_plot_sequence_pwm_marks_motifs():
    ax = plotting.plot_sequence_pwm(
        _toy_pwm(), [12, 5], [6, 4], ["B(-)", "A(+)"], title="toy"
    )
    assert {"A(+)", "B(-)"} <= {t.get_text() for t in ax.texts}
    assert ax.get_ylim()[1] > 2  # room for the names above the 2-bit maximum
    plotting.plot_sequence_pwm(_toy_pwm())  # no motifs given


def test_plot_sequence_pwm_rejects_bad_input():
    with pytest.raises(ValueError, match=r"\(L, 4\)"):
        plotting.plot_sequence_pwm(np.full((30, 3), 1 / 3))
    pwm = _toy_pwm()
    pwm[3, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        plotting.plot_sequence_pwm(pwm)
    with pytest.raises(ValueError, match="inside the sequence"):
        plotting.plot_sequence_pwm(_toy_pwm(), [28], [4])
    with pytest.raises(ValueError, match="lengths"):
        plotting.plot_sequence_pwm(_toy_pwm(), [5])


# ---------------------------------------------------------------------------- summaries


def test_plot_class_balance_draws_counts():
    labels = {"train": np.array([[1], [0], [1]]), "test": np.array([0, 0, 1, 1])}
    ax = plotting.plot_class_balance(labels)
    heights = sorted(p.get_height() for p in ax.patches)
    assert heights == [1, 2, 2, 2]


@pytest.mark.parametrize(
    "labels, message",
    [
        ({}, "empty"),
        ({"train": np.zeros((3, 2))}, "shape"),
        ({"train": np.array([0.0, np.nan])}, "NaN"),
        ({"train": np.array([0, 2])}, "0 or 1"),
    ],
)
def test_plot_class_balance_rejects_bad_labels(labels, message):
    with pytest.raises(ValueError, match=message):
        plotting.plot_class_balance(labels)


def test_plot_count_histogram_draws_fractions():
    counts = np.array([3, 3, 4, 7])
    ax = plotting.plot_count_histogram(counts, MOTIF_COUNT_PROBS)
    assert sum(p.get_height() for p in ax.patches) == pytest.approx(1.0)
    assert list(ax.get_xticks()) == [3, 4, 5, 6, 7]
    plotting.plot_count_histogram(counts)  # without expected probabilities


@pytest.mark.parametrize(
    "counts, expected, message",
    [
        (np.array([]), None, "non-empty"),
        (np.ones((2, 2)), None, "1-D"),
        (np.array([3.0, np.nan]), None, "NaN"),
        (np.array([3.5]), None, "whole numbers"),
        (np.array([-1]), None, "non-negative"),
        (np.array([3]), {3: 0.5, 4: 0.2}, "sum to 1"),
        (np.array([3]), {3: np.nan}, "NaN"),
    ],
)
def test_plot_count_histogram_rejects_bad_input(counts, expected, message):
    with pytest.raises(ValueError, match=message):
        plotting.plot_count_histogram(counts, expected)


def test_plot_motif_usage_draws_fractions():
    ax = plotting.plot_motif_usage(
        [2, 6, 0], ["A", "B", "C"], expected=1 / 3, highlight={"B"}, title="usage"
    )
    assert [p.get_height() for p in ax.patches] == pytest.approx([0.25, 0.75, 0.0])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["A", "B", "C"]


@pytest.mark.parametrize(
    "counts, names, expected, message",
    [
        ([1, 2], ["A"], None, "names"),
        ([[1, 2]], ["A", "B"], None, "1-D"),
        ([1, np.nan], ["A", "B"], None, "NaN"),
        ([0, 0], ["A", "B"], None, "not all zero"),
        ([1, -1], ["A", "B"], None, "non-negative"),
        ([1, 2], ["A", "B"], np.nan, "finite"),
    ],
)
def test_plot_motif_usage_rejects_bad_input(counts, names, expected, message):
    with pytest.raises(ValueError, match=message):
        plotting.plot_motif_usage(counts, names, expected=expected)


def test_attribution_panel_and_angle_histogram():
    import matplotlib.pyplot as plt

    from acme_utils import plotting

    rng = np.random.default_rng(0)
    pwm = np.full((40, 4), 0.25)
    pwm[10:15] = np.eye(4)[[0, 1, 2, 3, 0]]
    fig = plotting.plot_attribution_panel(
        {"saliency": rng.normal(size=(40, 4))}, pwm, start=5, end=30
    )
    assert len(fig.axes) == 2
    for ax in fig.axes:  # every row shows exactly the window
        assert ax.get_xlim() == pytest.approx((4.5, 29.5))
    plt.close(fig)
    with pytest.raises(ValueError, match="expected"):
        plotting.plot_attribution_panel({"bad": np.zeros((39, 4))}, pwm)
    with pytest.raises(ValueError, match="outside"):
        plotting.plot_attribution_panel(
            {"ok": np.zeros((40, 4))}, pwm, start=30, end=50
        )
    ax = plotting.plot_angle_histogram(
        {"raw": rng.uniform(-90, 90, (3, 40))}, mask=np.ones((3, 40), bool)
    )
    assert ax.get_xlabel().startswith("angle")
    plt.close(ax.figure)
    with pytest.raises(ValueError, match="NaN"):
        plotting.plot_angle_histogram({"raw": np.array([np.nan])})


def test_plot_grouped_bars_draws_one_bar_per_finite_value():
    import pandas as pd

    table = pd.DataFrame(
        {"relu": [1.0, 2.0, np.nan], "exp": [3.0, 4.0, 5.0]},
        index=["saliency", "IG", "ISM"],
    )
    ax = plotting.plot_grouped_bars(
        table, ylabel="SNR", title="toy", colors={"relu": "red"}, fmt="{:.1f}"
    )
    assert len(ax.patches) == 5  # the NaN is a gap
    assert [t.get_text() for t in ax.get_xticklabels()] == ["saliency", "IG", "ISM"]
    assert ax.get_ylabel() == "SNR"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["relu", "exp"]
    heights = sorted(p.get_height() for p in ax.patches)
    assert heights == [1.0, 2.0, 3.0, 4.0, 5.0]


@pytest.mark.parametrize(
    "bad, message",
    [
        ([[1.0]], "DataFrame"),
        ("empty", "empty"),
        ("text", "numeric"),
        ("inf", "infinite"),
    ],
)
def test_plot_grouped_bars_rejects_bad_input(bad, message):
    import pandas as pd

    if bad == "empty":
        bad = pd.DataFrame()
    elif bad == "text":
        bad = pd.DataFrame({"a": ["x", "y"]})
    elif bad == "inf":
        bad = pd.DataFrame({"a": [1.0, np.inf]})
    with pytest.raises(ValueError, match=message):
        plotting.plot_grouped_bars(bad)


def test_plot_before_after_draws_one_line_per_key():
    ax = plotting.plot_before_after(
        {"saliency": 1.0, "ISM": np.nan},
        {"saliency": 2.0, "ISM": 3.0},
        labels=("raw", "corrected"),
        ylabel="SNR",
        title="toy",
    )
    lines = ax.get_lines()
    assert len(lines) == 2
    np.testing.assert_array_equal(lines[0].get_ydata(), [1.0, 2.0])
    np.testing.assert_array_equal(lines[1].get_xdata(), [1])  # the NaN end is left out
    assert lines[1].get_linestyle() == "None"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["raw", "corrected"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["saliency", "ISM"]


@pytest.mark.parametrize(
    "before, after, message",
    [
        ({}, {}, "empty"),
        ({"a": 1.0}, {"b": 1.0}, "same keys"),
        ({"a": 1.0}, {"a": np.inf}, "infinite"),
        ({"a": "x"}, {"a": 1.0}, "numbers"),
    ],
)
def test_plot_before_after_rejects_bad_input(before, after, message):
    with pytest.raises(ValueError, match=message):
        plotting.plot_before_after(before, after)


def test_mask_runs_and_shade_runs():
    mask = np.array([0, 1, 1, 0, 0, 1, 0, 1, 1, 1], bool)
    assert plotting.mask_runs(mask) == [(1, 3), (5, 6), (7, 10)]
    assert plotting.mask_runs(np.zeros(4, bool)) == []
    fig, ax = plt.subplots()
    runs = plotting.shade_runs(ax, mask, label="segments", start=100)
    assert runs == [(101, 103), (105, 106), (107, 110)]
    assert len(ax.patches) == 3
    assert [h.get_label() for h in ax.get_legend_handles_labels()[0]] == ["segments"]
    with pytest.raises(ValueError, match="1-D"):
        plotting.mask_runs(np.zeros((2, 2), bool))


def test_plot_ranked_kmers():
    p = np.zeros(64)
    p[[3, 7, 9]] = [0.2, 0.5, 0.3]
    q = np.full(64, 1 / 64)
    ax = plotting.plot_ranked_kmers(
        {"p": p, "q": q}, styles={"q": {"ls": "--"}}, uniform=64
    )
    lines = ax.get_lines()
    np.testing.assert_allclose(lines[0].get_ydata(), [0.5, 0.3, 0.2])
    np.testing.assert_allclose(lines[0].get_xdata(), [1, 2, 3])
    assert lines[1].get_linestyle() == "--" and len(lines[1].get_xdata()) == 64
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    with pytest.raises(ValueError, match="empty"):
        plotting.plot_ranked_kmers({})
    with pytest.raises(ValueError, match="non-negative"):
        plotting.plot_ranked_kmers({"bad": -p})


def test_plot_score_scatter_draws_one_point_per_model():
    import pandas as pd

    table = pd.DataFrame(
        {
            "regularizer": ["none", "none", "mixup", "mixup", "mixup"],
            "activation": ["relu", "exponential", "relu", "exponential", "relu"],
            "batch_norm": [True, True, True, True, False],
            "test_auroc": [0.90, 0.91, 0.92, 0.93, 0.94],
            "snr": [0.1, 0.2, 0.3, 0.4, 0.5],
        }
    )
    ax = plotting.plot_score_scatter(table, "test_auroc", "snr")
    offsets = np.concatenate([c.get_offsets() for c in ax.collections])
    assert offsets.shape == (5, 2)
    np.testing.assert_allclose(np.sort(offsets[:, 1]), table["snr"])
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["none", "mixup", "relu", "exponential", "no batch norm"]
    hollow = [
        c
        for c in ax.collections
        if len(c.get_facecolors()) == 0 or c.get_facecolors()[0][3] == 0
    ]
    assert len(hollow) == 1  # the one model without batch norm
    with pytest.raises(KeyError, match="kmer_kld"):
        plotting.plot_score_scatter(table, "kmer_kld", "snr")
    with pytest.raises(ValueError, match="empty"):
        plotting.plot_score_scatter(table.iloc[:0], "test_auroc", "snr")


def test_plot_angular_density_checks_the_lattice():
    theta_edges, phi_edges = np.linspace(0, np.pi, 4), np.linspace(-np.pi, np.pi, 6)
    density = np.arange(15, dtype=float).reshape(3, 5)
    fig, ax = plt.subplots()
    mesh = plotting.plot_angular_density(
        theta_edges, phi_edges, density / density.sum(), ax=ax, title="p"
    )
    np.testing.assert_allclose(mesh.get_array().reshape(3, 5), density / density.sum())
    assert ax.yaxis_inverted()
    with pytest.raises(ValueError, match="shape"):
        plotting.plot_angular_density(theta_edges, phi_edges, density.T)


def test_plot_correlation_forest_one_row_per_pair_one_marker_per_table():
    import pandas as pd

    spearman = pd.DataFrame(
        {
            "x": ["a", "b", "c"],
            "y": ["snr"] * 3,
            "spearman_rho": [0.5, -0.2, np.nan],
            "ci_low": [0.1, -0.6, np.nan],
            "ci_high": [0.8, 0.3, np.nan],
        }
    )
    pearson = spearman.rename(columns={"spearman_rho": "pearson_r"})
    pearson["pearson_r"] = [0.4, 0.0, 0.9]
    ax = plotting.plot_correlation_forest(
        {"Spearman": spearman, "Pearson": pearson}, labels={("a", "snr"): "A"}
    )
    assert [t.get_text() for t in ax.get_yticklabels()] == ["A", "b vs snr", "c vs snr"]
    assert list(ax.get_yticks()) == [2, 1, 0]  # first pair on top
    points = [line.get_xdata() for line in ax.lines if line.get_marker() == "o"]
    assert [len(p) for p in points] == [2, 3]  # the NaN Spearman estimate has no marker
    np.testing.assert_allclose(points[1], [0.4, 0.0, 0.9])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "Spearman",
        "Pearson",
    ]
    with pytest.raises(ValueError, match="empty"):
        plotting.plot_correlation_forest({})
    with pytest.raises(ValueError, match="ci_low"):
        plotting.plot_correlation_forest({"bad": spearman.drop(columns="ci_low")})
    with pytest.raises(ValueError, match="no rows"):
        plotting.plot_correlation_forest({"empty": spearman.iloc[:0]})


# ---------------------------------------------------------------------------- chapters 8 and 9


def test_plot_score_scatter_background_draws_grey_points_first():
    import pandas as pd

    table = pd.DataFrame(
        {
            "regularizer": ["none", "mixup"],
            "activation": ["relu", "relu"],
            "test_auroc": [0.98, 0.99],
            "snr": [1.0, 2.0],
        }
    )
    grey = pd.DataFrame({"test_auroc": [0.5, 0.6, 0.7], "snr": [0.1, 0.2, 0.3]})
    ax = plotting.plot_score_scatter(table, "snr", "test_auroc", background=grey)
    assert (
        len(ax.collections) == 3 and len(ax.collections[0].get_offsets()) == 3
    )  # grey first
    np.testing.assert_allclose(ax.collections[0].get_offsets()[:, 0], grey["snr"])
    ax = plotting.plot_score_scatter(
        table.iloc[:0], "snr", "test_auroc", background=grey
    )
    assert len(ax.collections) == 1 and ax.get_xlabel() == "snr"  # only the background
    with pytest.raises(ValueError, match="empty"):
        plotting.plot_score_scatter(
            table.iloc[:0], "snr", "test_auroc", background=grey.iloc[:0]
        )
    with pytest.raises(KeyError, match="snr"):
        plotting.plot_score_scatter(
            table, "snr", "test_auroc", background=grey[["test_auroc"]]
        )


def test_plot_paper_comparison_filled_hollow_identity_and_legend():
    import pandas as pd

    filled = pd.DataFrame(
        {"regularizer": ["none", "mixup"], "snr": [1.0, 2.0], "snr_paper": [1.5, 2.5]}
    )
    hollow = pd.DataFrame(
        {
            "regularizer": ["none", "mixup", "adversarial"],
            "snr": [0.8, 1.9, 0.2],
            "snr_paper": [1.5, 2.5, 0.4],
        }
    )
    ax = plotting.plot_paper_comparison(filled, hollow, "snr", label="SNR", legend=True)
    assert len(ax.collections) == 2 and len(ax.collections[1].get_offsets()) == 3
    assert ax.collections[1].get_facecolors().size == 0  # hollow: no face colour
    (line,) = ax.lines  # the identity line spans all values, padded
    assert line.get_xdata()[0] == line.get_ydata()[0] < 0.2
    assert ax.get_xlabel() == "SNR, paper (Table 1)" and ax.get_ylabel() == "SNR, ours"
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert texts == [
        "none",
        "mixup",
        "adversarial",
        "mean of passing models",
        "mean of all",
    ]
    with pytest.raises(KeyError, match="snr_paper"):
        plotting.plot_paper_comparison(filled[["regularizer", "snr"]], hollow, "snr")


def test_plot_attribution_spectra_one_line_per_spectrum_without_dc():
    spectra = {"a": np.array([0.5, 0.3, 0.2]), "b": np.array([0.6, 0.1, 0.3])}
    ax = plotting.plot_attribution_spectra(
        spectra,
        truth=np.array([0.7, 0.2, 0.1]),
        cutoff=1,
        title="t",
        ylabel="y",
        legend=True,
    )
    curves = [
        line for line in ax.lines if line.get_label() in ("a", "b", "ground truth")
    ]
    assert len(curves) == 3
    np.testing.assert_allclose(
        curves[1].get_xdata(), [1, 2]
    )  # the DC term is not drawn
    np.testing.assert_allclose(curves[1].get_ydata(), [0.3, 0.2])
    assert ax.get_yscale() == "log" and "period 4/f" in ax.get_xlabel()
    assert len(ax.lines) == 4  # the three curves and the cutoff line
    with pytest.raises(ValueError, match="same length"):
        plotting.plot_attribution_spectra({"a": np.ones(3), "b": np.ones(4)})
    with pytest.raises(ValueError, match="empty"):
        plotting.plot_attribution_spectra({})
    with pytest.raises(ValueError, match="NaN"):
        plotting.plot_attribution_spectra({"a": np.array([1.0, np.nan])})


# ---- figures moved out of chapters 2 and 3 (issue #12) -------------------------------------


def test_plot_grouped_bars_reference_lines_are_labelled():
    import pandas as pd

    table = pd.DataFrame(
        {"relu": [0.6, 0.7], "exp": [0.8, 0.9]}, index=["saliency", "IG"]
    )
    ax = plotting.plot_grouped_bars(table, reference={"chance": 0.5, "filter": 0.97})
    dashed = [ln for ln in ax.get_lines() if ln.get_linestyle() == "--"]
    assert [ln.get_ydata()[0] for ln in dashed] == [0.5, 0.97]
    assert [t.get_text() for t in ax.texts] == ["chance", "filter"]
    plt.close(ax.figure)
    ax = plotting.plot_grouped_bars(table)  # default: no reference lines
    assert not ax.get_lines() and not ax.texts
    plt.close(ax.figure)
    with pytest.raises(ValueError, match="finite"):
        plotting.plot_grouped_bars(table, reference={"bad": np.nan})


def test_plot_attribution_panel_compact_and_xlabel():
    rng = np.random.default_rng(0)
    maps = {"a": rng.normal(size=(30, 4)), "b": rng.normal(size=(30, 4))}
    fig = plotting.plot_attribution_panel(
        maps, _toy_pwm(), compact=True, xlabel="position (nt)"
    )
    assert len(fig.axes) == 3 and fig.axes[-1].get_xlabel() == "position (nt)"
    for ax in fig.axes[1:]:
        lo, hi = ax.get_ylim()
        shown = [t for t in ax.get_yticks() if lo <= t <= hi]
        assert len(shown) <= 4  # MaxNLocator(nbins=3): at most 3 intervals in view
        assert ax.yaxis.get_major_ticks()[0].label1.get_fontsize() == 7
    plt.close(fig)
    fig = plotting.plot_attribution_panel(
        maps, _toy_pwm()
    )  # default: unchanged, no x label
    assert fig.axes[-1].get_xlabel() == ""
    plt.close(fig)


def test_plot_completeness_gap_one_line_per_model_and_rule():
    import pandas as pd

    gaps = pd.DataFrame(
        {
            "model": ["m1"] * 4 + ["m2"] * 4,
            "rule": ["trapezoid", "trapezoid", "gauss", "gauss"] * 2,
            "evaluations": [3, 26, 2, 25] * 2,
            "relative gap": [0.5, 0.01, 0.3, 0.001, 0.4, 0.02, 0.2, 0.002],
        }
    )
    ax = plotting.plot_completeness_gap(gaps, colors={"m1": "tab:blue"}, title="toy")
    curves = [ln for ln in ax.get_lines() if ln.get_marker() == "o"]
    assert [ln.get_label() for ln in curves] == [
        "m1, trapezoid",
        "m1, gauss",
        "m2, trapezoid",
        "m2, gauss",
    ]
    assert [ln.get_linestyle() for ln in curves] == ["-", "--", "-", "--"]
    assert ax.get_xscale() == ax.get_yscale() == "log"
    assert ax.texts[0].get_text() == "default (25 steps)"
    plt.close(ax.figure)
    ax = plotting.plot_completeness_gap(gaps, mark=None)
    assert not ax.texts and len(ax.get_lines()) == 4
    plt.close(ax.figure)
    with pytest.raises(ValueError, match="positive"):
        plotting.plot_completeness_gap(gaps.assign(**{"relative gap": 0.0}))
    with pytest.raises(ValueError, match="columns"):
        plotting.plot_completeness_gap(gaps.drop(columns="rule"))


def test_plot_training_histories_one_panel_per_key():
    histories = {
        "a": {
            "val_loss": [0.7, 0.5, 0.6],
            "val_auroc": [0.8, 0.9, 0.85],
            "learning_rate": [1e-3, 1e-3, 2e-4],
            "best_epoch": 2,
        },
        "b": {
            "val_loss": [0.6, 0.4, 0.3],
            "val_auroc": [0.7, 0.8, 0.95],
            "learning_rate": [1e-3, 1e-3, 1e-3],
            "best_epoch": 3,
        },
    }
    axes = plotting.plot_training_histories(
        histories,
        styles={"b": {"color": "k", "ls": ":"}},
        ylabels={"val_loss": "validation loss"},
        ylims={"val_loss": (0, 1.5)},
    )
    assert len(axes) == 3
    assert len(axes[0].get_lines()) == 2 and len(axes[2].get_lines()) == 2
    stars = [ln for ln in axes[1].get_lines() if ln.get_marker() == "*"]
    assert [(ln.get_xdata()[0], ln.get_ydata()[0]) for ln in stars] == [
        (2, 0.9),
        (3, 0.95),
    ]
    assert axes[2].get_yscale() == "log" and axes[0].get_ylim() == (0, 1.5)
    assert (
        axes[0].get_ylabel() == "validation loss"
        and axes[1].get_ylabel() == "val_auroc"
    )
    assert [t.get_text() for t in axes[0].get_legend().get_texts()] == ["a", "b"]
    plt.close(axes[0].figure)
    with pytest.raises(ValueError, match="no"):
        plotting.plot_training_histories({"a": {"val_loss": [1.0]}})
    with pytest.raises(ValueError, match="different lengths"):
        plotting.plot_training_histories(
            {"a": {"x": [1.0], "y": [1.0, 2.0]}}, keys=("x", "y"), star=None
        )


# --- figures of chapters 4-6 ----------------------------------------------------------


def test_plot_simplex_decomposition_draws_both_sketches():
    fig = plotting.plot_simplex_decomposition([1.0, 0.2], [0.1, 1.0, 0.4])
    assert isinstance(fig, plt.Figure) and len(fig.axes) == 2
    assert len(fig.axes[0].collections) == 3  # gradient, in-plane and normal arrows
    with pytest.raises(ValueError, match="shape"):
        plotting.plot_simplex_decomposition([1.0, 0.2, 0.3], [0.1, 1.0, 0.4])


def test_plot_angle_histogram_reference_and_marks():
    angles = {"m": np.linspace(-80, 80, 50)}
    theta = np.linspace(-90, 90, 11)
    ax = plotting.plot_angle_histogram(
        angles,
        reference=(theta, np.cos(np.radians(theta)) ** 2 / 90, "random"),
        marks=(-30, 30),
    )
    assert len(ax.lines) == 3  # the reference curve and two marks
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["m", "random"]
    assert (
        len(plotting.plot_angle_histogram(angles).lines) == 0
    )  # old behaviour by default


def test_plot_norm_track_and_kmer_steps():
    rng = np.random.default_rng(0)
    attr = rng.normal(size=(30, 4)).astype(np.float32)
    attributed = np.zeros(30, bool)
    attributed[[3, 4, 5, 6, 20]] = True
    segments = attributed.copy()
    segments[[7, 8, 21, 22]] = True
    ax = plotting.plot_norm_track(
        attr, 90, [2], [5], attributed=attributed, segments=segments
    )
    assert (
        len(ax.lines) == 3 and len(ax.patches) == 3
    )  # norm, threshold, dots; 1 + 2 spans
    with pytest.raises(ValueError, match="segments"):
        plotting.plot_norm_track(attr, segments=segments[:-1])
    pwm = np.full((30, 4), 0.25, np.float32)
    fig = plotting.plot_kmer_steps(
        pwm, attr, attributed, segments, 6, [2], [5], ["M(+)"], model="m", index=0
    )
    assert isinstance(fig, plt.Figure) and len(fig.axes) == 3
    assert "1 yield k-mers" in fig.axes[2].get_title(
        loc="left"
    )  # 3-8 (6 long) vs 20-22


def test_plot_kmer_sensitivity_grid_outlines_the_setting():
    import pandas as pd

    grid = {
        m: pd.DataFrame([[0.1, 0.2], [0.3, np.nan]], index=[3, 4], columns=[80, 90])
        for m in ("a", "b")
    }
    fig = plotting.plot_kmer_sensitivity_grid(
        grid, grid, 4, 90, snr={"a": 1.0, "b": 2.0}
    )
    assert len(fig.axes) == 2 * 2 + 2  # four heatmaps, two colour bars
    assert (
        sum(len(ax.patches) for ax in fig.axes[:4]) == 4
    )  # one red square per heatmap
    with pytest.raises(ValueError, match="not a cell"):
        plotting.plot_kmer_sensitivity_grid(grid, grid, 5, 90)


def test_plot_labelled_scatter_labels_every_row():
    import pandas as pd

    table = pd.DataFrame(
        {"snr": [1.0, 2.0, 3.0], "kld": [0.3, 0.1, 0.2]}, index=["a", "b", "c"]
    )
    ax = plotting.plot_labelled_scatter(table, "snr", "kld", floor=0.05)
    assert len(ax.collections) == 3 and len(ax.lines) == 1
    assert sorted(t.get_text() for t in ax.texts) == ["a", "b", "c", "isotropic noise"]
    with pytest.raises(ValueError, match="no column"):
        plotting.plot_labelled_scatter(table, "snr", "missing")


def test_kattr_figures_draw():
    import pandas as pd

    rng = np.random.default_rng(1)
    a = rng.normal(size=(20, 4))
    means = (a[:-2] + a[1:-1] + a[2:]) / 3
    fig = plotting.plot_kattr_steps(a, means, 3, [4], [6], ["M(+)"], model="m", index=2)
    assert len(fig.axes) == 4 and len(fig.axes[3].lines) == 4
    ax = plotting.plot_local_means_3d(
        rng.normal(size=(50, 3)), rng.random(50) > 0.5, max_points=40
    )
    assert len(ax.collections) == 2 and len(ax.texts) == 4  # two point sets, A C G T
    table = pd.DataFrame({1: [0.1, 0.2], 3: [0.2, 0.3]}, index=["a", "b"])
    ax = plotting.plot_metric_sensitivity(table, [0.05, 0.06], snr={"a": 1.0, "b": 0.5})
    assert len(ax.lines) == 3
    fig = plotting.plot_window_logos(
        a[None].repeat(2, 0),
        np.eye(4)[rng.integers(0, 4, (2, 20))],
        [(0, 5), (1, 15)],
        3,
        flank=4,
        titles=["x", "y"],
    )
    assert fig.axes[0].get_title(loc="left") == "x" and len(fig.axes) == 4


def test_plot_angular_density_landmarks_and_note():
    theta_edges, phi_edges = np.linspace(0, np.pi, 5), np.linspace(-np.pi, np.pi, 7)
    density = np.ones((4, 6)) / 24
    fig, ax = plt.subplots()
    plotting.plot_angular_density(
        theta_edges,
        phi_edges,
        density,
        ax=ax,
        landmarks={"A": (1.0, 0.5), "T": (0.0, 0.0)},
        note="KL",
        axis_labels=False,
    )
    assert sorted(t.get_text() for t in ax.texts) == ["A", "KL", "T (θ = 0)"]
    assert ax.get_xlabel() == "" and ax.yaxis_inverted()


# ---- figures moved out of chapter 9 (issue #12) ----------------------------------------------


def _chapter_9_models():
    import pandas as pd

    return pd.DataFrame(
        {
            "regularizer": ["none", "none", "mixup", "mixup"],
            "activation": ["relu", "exponential", "relu", "exponential"],
            "batch_norm": [True, True, False, False],
            "seed": [0, 0, 0, 0],
            "test_auroc": [0.97, 0.98, 0.96, 0.99],
            "snr": [1.0, 2.0, 0.5, 3.0],
            "kmer_kld": [0.2, 0.4, 0.1, 0.8],
            "snr_paper": [1.2, 2.1, 0.7, 2.5],
            "kmer_kld_paper": [0.3, 0.5, 0.2, 0.6],
        }
    )


def test_plot_paper_comparisons_one_panel_per_score_legend_on_the_last():
    models = _chapter_9_models()
    fig = plotting.plot_paper_comparisons(
        models.iloc[:2], models, ["snr", "kmer_kld"], labels={"snr": "SNR"}
    )
    assert len(fig.axes) == 2 and fig.get_size_inches()[0] == 7.5
    assert fig.axes[0].get_xlabel() == "SNR, paper (Table 1)"
    assert fig.axes[1].get_ylabel() == "kmer_kld, ours"
    assert fig.axes[0].get_legend() is None and fig.axes[1].get_legend() is not None
    assert [len(c.get_offsets()) for c in fig.axes[0].collections] == [2, 4]
    with pytest.raises(ValueError, match="scores is empty"):
        plotting.plot_paper_comparisons(models, models, [])


def test_plot_score_panels_lines_title_and_background():
    models = _chapter_9_models()
    fig = plotting.plot_score_panels(
        models.iloc[:2],
        "snr",
        ["test_auroc", "kmer_kld"],
        background=models.iloc[2:],
        labels={"snr": "SNR"},
        lines={"test_auroc": 0.97},
        title="two pass",
    )
    first, second = fig.axes
    assert first.get_xlabel() == "SNR" and second.get_ylabel() == "kmer_kld"
    assert [line.get_ydata()[0] for line in first.lines] == [0.97]
    assert not second.lines and second.get_legend() is not None
    assert len(first.collections[0].get_offsets()) == 2  # the grey background first
    assert fig._suptitle.get_text() == "two pass"
    with pytest.raises(ValueError, match="lines"):
        plotting.plot_score_panels(models, "snr", ["kmer_kld"], lines={"snr": 1.0})
    with pytest.raises(ValueError, match="ys is empty"):
        plotting.plot_score_panels(models, "snr", [])


def test_plot_correlation_forests_one_panel_per_set_titled_with_n():
    import pandas as pd

    spearman = pd.DataFrame(
        {
            "x": ["a", "b"],
            "y": ["snr", "snr"],
            "spearman_rho": [0.5, -0.2],
            "ci_low": [0.1, -0.6],
            "ci_high": [0.8, 0.3],
            "n_models": [12, 12],
        }
    )
    pearson = spearman.rename(columns={"spearman_rho": "pearson_r"})
    view = {"Spearman": spearman, "Pearson": pearson}
    fig = plotting.plot_correlation_forests(
        {"passing": view, "all": view}, labels={("a", "snr"): "A"}
    )
    assert [ax.get_title(loc="left") for ax in fig.axes] == [
        "passing (n = 12)",
        "all (n = 12)",
    ]
    assert fig.axes[0].get_legend() is not None and fig.axes[1].get_legend() is None
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["A", "b vs snr"]
    with pytest.raises(ValueError, match="views is empty"):
        plotting.plot_correlation_forests({})


def test_plot_activation_pairs_one_line_per_pair_and_an_empty_panel():
    from acme_utils import paper

    pairs = paper.activation_pairs(_chapter_9_models()).reset_index()
    fig = plotting.plot_activation_pairs(
        {"ours": pairs, "none yet": pairs.iloc[:0]}, colors={"none": "red"}
    )
    ours, empty = fig.axes
    assert len(ours.lines) == 2  # two pairs: none and mixup
    np.testing.assert_allclose(ours.lines[0].get_ydata(), [0.5, 3.0])  # mixup first
    assert ours.lines[1].get_color() == "red"
    assert empty.get_title(loc="left") == "none yet\n(no pairs yet)"
    with pytest.raises(KeyError, match="relu"):
        plotting.plot_activation_pairs({"bad": pairs.drop(columns="relu")})
    with pytest.raises(ValueError, match="sets is empty"):
        plotting.plot_activation_pairs({})


def test_plot_kmer_and_angular_density_comparisons():
    from types import SimpleNamespace

    rng = np.random.default_rng(0)
    q = np.full(16, 1 / 16)
    kmer = {
        name: SimpleNamespace(p=rng.dirichlet(np.ones(16)), q=q, score=s)
        for name, s in (("high", 1.23), ("low", 0.45))
    }
    fig = plotting.plot_kmer_comparison(kmer, k=2)
    (ax,) = fig.axes
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[0].startswith("p, high (KLD 1.23)")
    assert labels[2].startswith("q, prior") and labels[3] == "uniform (1/16)"
    edges = np.linspace(0, np.pi, 4), np.linspace(-np.pi, np.pi, 5)
    kattr = {
        name: SimpleNamespace(theta_edges=edges[0], phi_edges=edges[1], p=p, score=s)
        for name, p, s in (
            ("a", np.full((3, 4), 1 / 12), 0.1),
            ("b", np.eye(3, 4) / 3, 0.9),
        )
    }
    fig = plotting.plot_angular_density_comparison(kattr)
    assert len(fig.axes) == 3  # two panels and the colour bar
    assert fig.axes[1].get_title(loc="left") == "b: KLD 0.900 nats"
    assert fig.axes[0].collections[0].get_clim() == (0, 1 / 3)  # one colour scale
    with pytest.raises(ValueError, match="empty"):
        plotting.plot_kmer_comparison({})
    with pytest.raises(ValueError, match="empty"):
        plotting.plot_angular_density_comparison({})


def test_plot_planted_window_crops_around_the_motif_starts():
    rng = np.random.default_rng(0)
    pwm = rng.dirichlet(np.ones(4), size=100)
    maps = {"m": rng.normal(size=(100, 4))}
    fig = plotting.plot_planted_window(maps, pwm, [30, 50], title="seq")
    assert fig.axes[0].get_xlim() == (14.5, 74.5)  # 15 before 30, 25 after 50
    assert fig.axes[-1].get_xlabel() == "position (nt)"
    fig = plotting.plot_planted_window(maps, pwm, [5, 90])
    assert fig.axes[0].get_xlim() == (-0.5, 99.5)  # clipped to the sequence
    with pytest.raises(ValueError, match="starts is empty"):
        plotting.plot_planted_window(maps, pwm, [])
    fig = plotting.plot_planted_window(maps, pwm, [30], compact=True)  # passed on
    assert fig.axes[-1].yaxis.get_major_ticks()[0].label1.get_fontsize() == 7
    plt.close("all")


def _kmer_details():
    from acme_utils import metrics

    rng = np.random.default_rng(2)
    x = np.eye(4, dtype=np.float32)[rng.integers(0, 4, (3, 30))]
    attr = rng.normal(size=(3, 30, 4))
    return attr, metrics.kmer_kld(attr, x, k=3, return_details=True)


def test_plot_kmer_norm_tracks_one_row_per_model():
    attr, d = _kmer_details()
    motif_mask = np.zeros(30, bool)
    motif_mask[2:7] = True
    fig = plotting.plot_kmer_norm_tracks(
        {"a": attr, "b": 2 * attr},
        {"a": d, "b": d},
        1,
        motif_mask,
        [2],
        [5],
        90,
        snr={"a": 0.5, "b": 0.25},
    )
    assert len(fig.axes) == 2
    assert fig.axes[0].get_title(loc="left").startswith("a (SNR 0.50): ")
    assert "of the attributed positions are motif positions" in fig.axes[1].get_title(
        loc="left"
    )
    assert fig.axes[1].get_xlabel().startswith("position (nt)")
    with pytest.raises(ValueError, match="details"):
        plotting.plot_kmer_norm_tracks({"a": attr}, {}, 0, motif_mask)
    with pytest.raises(ValueError, match="motif_mask"):
        plotting.plot_kmer_norm_tracks({"a": attr}, {"a": d}, 0, motif_mask[:-1])


def test_plot_kmer_distributions_draws_p_q_and_uniform():
    _, d = _kmer_details()
    ax = plotting.plot_kmer_distributions({"p, a": d.p, "p, b": d.p}, d.q, 3)
    labels = [line.get_label() for line in ax.lines]
    assert len(ax.lines) == 4  # two p, the prior q, the uniform level
    assert labels[2].startswith("q, prior (all positions)")
    assert ax.get_title() == "Attributed 3-mer distributions against the prior"
    with pytest.raises(ValueError, match="k must"):
        plotting.plot_kmer_distributions({"p": d.p}, d.q, 0)


def test_plot_scores_against_snr_one_panel_per_score():
    import pandas as pd

    table = pd.DataFrame(
        {"snr": [1.0, 2.0], "x": [0.3, 0.1], "y": [0.2, 0.4]}, index=["a", "b"]
    )
    fig = plotting.plot_scores_against_snr(
        table, ["x", "y"], floors={"y": 0.05}, ylabels={"x": "X (nats)"}
    )
    assert len(fig.axes) == 2
    assert [ax.get_ylabel() for ax in fig.axes] == ["X (nats)", "y (nats)"]
    assert len(fig.axes[0].lines) == 0 and len(fig.axes[1].lines) == 1  # the floor
    assert all(len(ax.collections) == 2 for ax in fig.axes)
    with pytest.raises(ValueError, match="at least one"):
        plotting.plot_scores_against_snr(table, [])


def test_kattr_panel_figures_draw():
    from acme_utils import metrics

    rng = np.random.default_rng(3)
    d = metrics.kattr_mean_kld(rng.normal(size=(10, 20, 4)), return_details=True)
    in_motif = rng.random(len(d.points)) > 0.5
    fig = plotting.plot_kept_local_means(
        {"a": d, "b": d}, {"a": in_motif, "b": in_motif}, snr={"a": 1.0, "b": 0.5}
    )
    assert len(fig.axes) == 2 and all(ax.name == "3d" for ax in fig.axes)
    assert fig.axes[1].get_title().startswith("b (SNR 0.50): ")
    fig = plotting.plot_angular_densities({"a": d, "b": d})
    assert len(fig.axes) == 2 * 2 + 2  # p and q per model, one colour bar per row
    texts = [t.get_text() for t in fig.axes[1].texts]
    assert f"KL(p || q) = {d.score:.3f} nats" in texts and "A" in texts
    with pytest.raises(ValueError, match="in_motif"):
        plotting.plot_kept_local_means({"a": d}, {})
    with pytest.raises(ValueError, match="empty"):
        plotting.plot_angular_densities({})


def _pwm(n=3, length=30):
    pwm = np.full((n, length, 4), 0.25)
    pwm[:, 12:17] = np.eye(4)[[0, 1, 2, 3, 0]]
    return pwm


def test_plot_attribution_examples_one_figure_per_sequence_and_model():
    rng = np.random.default_rng(0)
    maps = {
        model: {
            "saliency": rng.normal(size=(3, 30, 4)),
            "ism": rng.normal(size=(2, 30, 4)),
        }
        for model in ("m1", "m2")
    }
    figs = plotting.plot_attribution_examples(
        maps, _pwm(), n_examples=5, title="seq {i}: {model}"
    )
    assert len(figs) == 4  # ISM explains only 2 sequences
    assert [f._suptitle.get_text() for f in figs] == [
        "seq 0: m1",
        "seq 0: m2",
        "seq 1: m1",
        "seq 1: m2",
    ]
    assert all(len(f.axes) == 3 for f in figs)  # ground truth + two maps
    assert figs[0].axes[-1].get_xlabel() == "position (nt)"
    with pytest.raises(ValueError, match="expected"):
        plotting.plot_attribution_examples({"m": {"s": np.zeros((3, 29, 4))}}, _pwm())


def test_plot_quality_by_method_one_panel_per_score():
    import pandas as pd

    scores = pd.DataFrame(
        {
            "method": ["sal", "ig", "sal", "ig"],
            "model": ["A", "A", "B", "B"],
            "SNR": [1.0, -0.5, 2.0, 1.5],
            "AUROC": [0.6, 0.7, 0.8, 0.9],
            "AUPR": [0.3, 0.4, 0.5, 0.6],
        }
    ).set_index(["method", "model"])
    fig = plotting.plot_quality_by_method(
        scores, chance={"AUROC": 0.5}, colors={"A": "k"}, title="quality"
    )
    assert len(fig.axes) == 3 and fig._suptitle.get_text() == "quality"
    assert [ax.get_ylabel() for ax in fig.axes] == ["SNR", "AUROC", "AUPR"]
    assert len(fig.axes[0].patches) == 4  # two methods x two models
    assert fig.axes[1].get_ylim() == (0, 1)  # a score with a chance level: 0-1 axis
    assert fig.axes[0].get_legend() is not None and fig.axes[1].get_legend() is None
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["sal", "ig"]
    with pytest.raises(ValueError, match="columns"):
        plotting.plot_quality_by_method(scores, metrics=("SNR", "F1"))
    with pytest.raises(ValueError, match="indexed"):
        plotting.plot_quality_by_method(scores.reset_index())


def test_plot_angle_histogram_grid_rows_methods_columns_regions():
    rng = np.random.default_rng(0)
    angles = {
        (model, method): rng.uniform(-90, 90, (3, 30))
        for model in ("A", "B")
        for method in ("saliency", "smoothgrad")
    }
    motif = np.zeros((3, 30), bool)
    motif[:, 10:15] = True
    fig = plotting.plot_angle_histogram_grid(
        angles,
        {"motif": motif, "background": ~motif},
        method_names={"smoothgrad": "SmoothGrad"},
        marks=(-30, 30),
    )
    assert len(fig.axes) == 4
    assert [ax.get_title(loc="left") for ax in fig.axes] == [
        "saliency, motif positions",
        "saliency, background positions",
        "SmoothGrad, motif positions",
        "SmoothGrad, background positions",
    ]
    assert fig.axes[0].get_xlabel() == "" and fig.axes[2].get_xlabel() != ""
    assert fig.axes[1].get_ylabel() == ""
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["A", "B"]
    with pytest.raises(ValueError, match="every model needs every method"):
        plotting.plot_angle_histogram_grid(
            {
                ("A", "saliency"): angles["A", "saliency"],
                ("B", "smoothgrad"): angles["B", "smoothgrad"],
            },
            {"motif": motif},
        )


def test_plot_correction_panel_pairs_share_their_y_limits():
    rng = np.random.default_rng(0)
    pwm = np.full((200, 4), 0.25)
    pwm[50:55] = np.eye(4)[[0, 1, 2, 3, 0]]
    x = np.eye(4, dtype=np.float32)[rng.integers(0, 4, 200)]
    g = rng.normal(size=(200, 4)).astype(np.float32)
    fig = plotting.plot_correction_panel(g, x, pwm, window=100, lead=10, title="t")
    assert len(fig.axes) == 5  # ground truth and four maps
    assert fig.axes[0].get_xlim() == pytest.approx((39.5, 139.5))  # from 10 before 50
    assert fig.axes[1].get_ylim() == fig.axes[2].get_ylim()
    assert fig.axes[3].get_ylim() == fig.axes[4].get_ylim()
    assert fig.axes[-1].get_xlabel() == "position (nt)"
    # a window longer than the sequence is clipped to it
    short = plotting.plot_correction_panel(g[:60], x[:60], pwm[:60], window=100)
    assert short.axes[0].get_xlim() == pytest.approx((-0.5, 59.5))
    with pytest.raises(ValueError, match="one-hot"):
        plotting.plot_correction_panel(g, np.full((200, 4), 0.25), pwm)


def test_plot_correction_scores_one_line_per_method_in_each_panel():
    import pandas as pd

    rows = [
        (model, method, corrected, 1.0 + corrected, 0.6, 0.3)
        for model in ("B", "A")
        for method in ("sal", "ig", "ism")
        for corrected in (False, True)
    ]
    scores = (
        pd.DataFrame(
            rows, columns=["model", "method", "corrected", "snr", "auroc", "aupr"]
        )
        .set_index(["model", "method", "corrected"])
        .sort_index()
    )
    fig = plotting.plot_correction_scores(scores, ["sal", "ig"], models=["B", "A"])
    assert len(fig.axes) == 6
    assert fig.axes[0].get_title(loc="left") == "B: attribution SNR"
    assert len(fig.axes[0].get_lines()) == 2  # one line per method shown
    assert fig.axes[0].get_legend() is not None and fig.axes[1].get_legend() is None
    one = plotting.plot_correction_scores(scores, ["sal"], models=["A"])
    assert len(one.axes) == 3
    with pytest.raises(ValueError, match="lacks"):
        plotting.plot_correction_scores(scores, ["sal", "deeplift"])


def _toy_motifs(n):
    from acme_utils.data import Motif

    return [Motif(f"M{k}", f"MA{k}", "+", _toy_pwm(20 + k)) for k in range(n)]


def test_plot_motif_logos_one_titled_logo_per_motif_rest_blank():
    fig = plotting.plot_motif_logos(_toy_motifs(3), ncols=2, show_length=True)
    axes = fig.axes
    assert len(axes) == 4  # two rows of two
    assert [ax.get_title(loc="left") for ax in axes[:3]] == [
        "M0(+)  MA0  (20 nt)",
        "M1(+)  MA1  (21 nt)",
        "M2(+)  MA2  (22 nt)",
    ]
    assert not axes[3].axison  # the unused panel
    fig = plotting.plot_motif_logos(_toy_motifs(2), ncols=2)
    assert fig.axes[0].get_title(loc="left") == "M0(+)  MA0"
    with pytest.raises(ValueError, match="Motif"):
        plotting.plot_motif_logos([np.eye(4)])
    with pytest.raises(ValueError, match="ncols"):
        plotting.plot_motif_logos(_toy_motifs(2), ncols=0)


def test_plot_sequence_anatomy_layout_above_logo():
    fig = plotting.plot_sequence_anatomy(
        _toy_pwm(), [5, 12], [4, 6], ["A(+)", "B(-)"], title="toy"
    )
    ax_layout, ax_logo = fig.axes
    assert ax_layout.get_title(loc="left") == "toy"
    assert len(ax_layout.patches) == 2  # a box per motif
    assert ax_logo.get_title(loc="left").startswith("its ground-truth PWM")
    with pytest.raises(ValueError, match="shape"):
        plotting.plot_sequence_anatomy(np.zeros((5, 3)), [], [])


def test_dataset_figures_of_chapter_1(small_data):
    test = small_data.test
    fig = plotting.plot_example_sequences(test, [0, 1, 2])
    assert len(fig.axes) == 3
    for ax, j in zip(fig.axes, [0, 1, 2]):
        kind = "positive" if test.y[j, 0] == 1 else "negative"
        assert ax.get_title(loc="left").startswith(f"test sequence {j} ({kind}, ")
    assert fig.axes[-1].get_xlabel() == "position (nt)"
    ax = plotting.plot_dataset_balance(small_data)
    assert len(ax.patches) == 6  # positives and negatives of three splits
    assert sum(p.get_height() for p in ax.patches) == 1000  # 500 per class
    ax = plotting.plot_dataset_motif_counts(small_data)
    assert sum(p.get_height() for p in ax.patches) == pytest.approx(1.0)
    fig = plotting.plot_dataset_motif_usage(small_data)
    assert [ax.get_title(loc="left") for ax in fig.axes] == [
        "Motif usage, positives",
        "Motif usage, negatives",
    ]
    assert len(fig.axes[1].patches) == len(small_data.motifs) // 2  # a bar per motif
    with pytest.raises(ValueError, match="SyntheticDataset"):
        plotting.plot_dataset_balance(test)
    with pytest.raises(ValueError, match="empty"):
        plotting.plot_example_sequences(test, [])


def test_plot_recipe_comparison_a_bar_per_recipe_and_activation():
    import pandas as pd

    columns = pd.MultiIndex.from_product(
        [["snr", "test_auroc"], ["exponential", "relu"]]
    )
    table = pd.DataFrame(
        [[1.0, 0.5, 0.95, 0.94], [2.0, 1.5, 0.97, 0.975], [2.5, 1.4, 0.972, 0.971]],
        index=["methods", "l2", "authors"],
        columns=columns,
    )
    ax_auroc, ax_snr = plotting.plot_recipe_comparison(table)
    assert len(ax_auroc.patches) == len(ax_snr.patches) == 6
    assert [t.get_text() for t in ax_auroc.get_xticklabels()] == list(table.index)
    assert ax_auroc.get_lines()[0].get_ydata()[0] == 0.97  # the study's filter
    assert [t.get_text() for t in ax_snr.get_legend().get_texts()] == [
        "relu",
        "exponential",
    ]
    with pytest.raises(ValueError, match="no \\(score, activation\\)"):
        plotting.plot_recipe_comparison(table.loc[:, ["snr"]].droplevel(0, axis=1))


def test_plot_recipe_histories_one_line_per_model_per_panel():
    import json

    import pandas as pd

    def history(n):
        return json.dumps(
            {
                "val_loss": [0.5] * n,
                "val_auroc": [0.9] * n,
                "learning_rate": [1e-3] * n,
            }
        )

    recipes = pd.DataFrame(
        {
            "recipe": ["methods", "authors", "l2"],
            "activation": ["relu", "relu", "relu"],
            "best_epoch": [2, 3, 1],
            "history": [history(3), history(4), history(2)],
        }
    )
    axes = plotting.plot_recipe_histories(recipes)
    assert len(axes) == 3
    labels = [line.get_label() for line in axes[0].get_lines()]
    assert labels == ["relu, methods", "relu, authors"]  # l2 is not shown
    assert [line.get_linestyle() for line in axes[0].get_lines()] == [":", "-"]
    with pytest.raises(ValueError, match="no model"):
        plotting.plot_recipe_histories(recipes, shown=("batch32",))


class _Trained:
    """What the learning-curve figures read of a training.TrainedModel."""

    def __init__(self, n, best):
        self.history = {
            "loss": list(np.linspace(0.7, 0.3, n)),
            "val_auroc": list(np.linspace(0.6, 0.9, n)),
            "best_epoch": best,
        }


def test_plot_model_and_adversarial_learning_curves():
    trained = {"a": _Trained(8, 6), "b": _Trained(7, 7)}
    ax_loss, ax_auc = plotting.plot_model_learning_curves(trained)
    assert len(ax_loss.get_lines()) == 4  # a curve and a star per model
    assert ax_loss.figure.get_size_inches().tolist() == [10, 3.4]
    ax_loss, ax_auc = plotting.plot_adversarial_curves(trained, clean_epochs=5)
    for ax in (ax_loss, ax_auc):
        (span,) = ax.patches  # the clean warm-up, epochs 1-5
        assert span.get_x() == 0.5 and span.get_width() == 5
    assert ax_loss.get_lines()[-1].get_ydata()[0] == pytest.approx(np.log(2))
    with pytest.raises(ValueError, match="empty"):
        plotting.plot_model_learning_curves({})
    with pytest.raises(ValueError, match="clean_epochs"):
        plotting.plot_adversarial_curves(trained, clean_epochs=-1)
    # histories (as sweep.row_history reads them from a results table), mixed phase shaded
    histories = {name: t.history for name, t in trained.items()}
    ax_loss, _ = plotting.plot_adversarial_curves(histories, 2, mixed_until=5)
    clean, mixed = ax_loss.patches
    assert (clean.get_x(), clean.get_width()) == (0.5, 2)
    assert (mixed.get_x(), mixed.get_width()) == (2.5, 3)
    with pytest.raises(ValueError, match="mixed_until"):
        plotting.plot_adversarial_curves(histories, 5, mixed_until=2)
    with pytest.raises(ValueError, match="best_epoch"):
        plotting.plot_adversarial_curves({"a": {"loss": [1.0], "val_auroc": [0.5]}}, 0)


def test_plot_attack_accuracy_curve_radius_and_chance():
    ax = plotting.plot_attack_accuracy([0.01, 0.05, 0.1], [0.9, 0.4, 0.1], epsilon=0.05)
    curve, radius, chance = ax.get_lines()
    assert curve.get_ydata().tolist() == [0.9, 0.4, 0.1]
    assert radius.get_xdata()[0] == 0.05 and chance.get_ydata()[0] == 0.5
    assert ax.get_xscale() == "log" and ax.get_ylim() == (0, 1)
    with pytest.raises(ValueError, match="accuracy must have shape"):
        plotting.plot_attack_accuracy([0.01, 0.05], [0.9])
    with pytest.raises(ValueError, match="positive"):
        plotting.plot_attack_accuracy([0.0], [0.9])


def test_plot_score_bars_a_panel_per_score_a_bar_per_model():
    import pandas as pd

    table = pd.DataFrame(
        {
            "regularizer": ["none", "none", "mixup", "mixup", "l2", "l2"],
            "activation": ["relu", "exponential"] * 3,
            "test_auroc": [0.95, 0.96, 0.94, 0.97, 0.93, 0.95],
            "snr": [1.0, 2.0, 1.5, 1.25, 0.5, 0.7],
        }
    )
    axes = plotting.plot_score_bars(
        table, {"test_auroc": "AUROC", "snr": "SNR"}, ["none", "mixup", "l2"]
    )
    assert len(axes) == 2
    for ax in axes:
        assert len(ax.patches) == 6
        assert [t.get_text() for t in ax.get_xticklabels()] == ["none", "mixup", "l2"]
    assert axes[0].get_ylim() == pytest.approx((0.92, 0.975))  # zoomed to the AUROCs
    assert axes[0].get_legend() is None and axes[1].get_legend() is not None
    with pytest.raises(ValueError, match="lacks the columns"):
        plotting.plot_score_bars(table, {"kmer_kld": "KLD"}, ["none"])


def test_plot_prior_spectra_a_panel_per_activation():
    spectrum = np.full(11, 0.1)
    spectra = {
        (reg, act): spectrum
        for act in ("relu", "exponential")
        for reg in ("none", "mixup", "tv_prior")
    }
    axes = plotting.plot_prior_spectra(spectra, truth=spectrum, cutoff=3)
    assert len(axes) == 2
    for ax in axes:
        assert len(ax.get_lines()) == 1 + 3 + 1  # truth, three models, the cutoff
    assert axes[0].get_title() == "relu models, batch norm on"
    assert axes[0].get_legend() is None and axes[1].get_legend() is not None
    with pytest.raises(ValueError, match="no spectrum"):
        plotting.plot_prior_spectra(spectra, order=["none", "l2"])


def test_plot_logo_stack_one_row_per_matrix():
    x = np.eye(4)[np.arange(30) % 4]
    fig = plotting.plot_logo_stack({"input": x, "perturbed": 0.1 * x}, start=5, end=20)
    assert [ax.get_title(loc="left") for ax in fig.axes] == ["input", "perturbed"]
    assert fig.axes[-1].get_xlabel() == "position (nt)"
    with pytest.raises(ValueError, match="outside"):
        plotting.plot_logo_stack({"input": x}, start=20, end=40)
    with pytest.raises(ValueError, match="same shape"):
        plotting.plot_logo_stack({"a": x, "b": x[:10]})
