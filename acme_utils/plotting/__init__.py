"""Figures used by the chapters: sequence logos (logomaker) and summary plots.

Every function draws on a Matplotlib ``Axes`` it is given (or a new one) and returns that axes
(or the figure, for the multi-panel ones), so chapters can compose panels freely.

The figures are grouped by family, one module each; every public name is re-exported here, so
chapters call them as ``from acme_utils import plotting; plotting.plot_logo(...)``:

- ``sequences``    sequence logos, motif layouts and dataset summaries (chapters 1, 5, 6, 7)
- ``training``     learning curves and filter-motif matches (chapters 2, 7, 8)
- ``attribution``  attribution panels, gradient angles, before/after slopes, shaded runs
                   (chapters 3, 4, 5, 7, 8, 9)
- ``consistency``  the distributions behind the k-mer and k-attr-mean KLDs, and the steps
                   and scores of the two metrics (chapters 5, 6, 9)
- ``sweeps``       scores compared across models: grouped bars, score scatter, correlation
                   forest (chapters 3, 7, 8, 9)
- ``motifs``       TF-MoDISco patterns beside their JASPAR matches, and motif recovery
                   against the selection criteria (chapter 10)
"""

from __future__ import annotations

from . import attribution, consistency, motifs, sequences, sweeps, training  # noqa: F401
from .attribution import (
    mask_runs,
    plot_angle_histogram,
    plot_angle_histogram_grid,
    plot_attribution_examples,
    plot_attribution_panel,
    plot_attribution_spectra,
    plot_before_after,
    plot_completeness_gap,
    plot_correction_panel,
    plot_correction_scores,
    plot_norm_track,
    plot_quality_by_method,
    plot_prior_spectra,
    plot_simplex_decomposition,
    plot_planted_window,
    plot_window_logos,
    shade_runs,
)
from .consistency import (
    plot_angular_densities,
    plot_angular_density,
    plot_angular_density_comparison,
    plot_kattr_steps,
    plot_kmer_comparison,
    plot_kept_local_means,
    plot_kmer_distributions,
    plot_kmer_norm_tracks,
    plot_kmer_sensitivity_grid,
    plot_kmer_steps,
    plot_local_means_3d,
    plot_metric_sensitivity,
    plot_ranked_kmers,
    plot_scores_against_snr,
)
from .motifs import plot_pattern_matches, plot_recovery_criteria
from .sequences import (
    information_matrix,
    plot_class_balance,
    plot_count_histogram,
    plot_dataset_balance,
    plot_dataset_motif_counts,
    plot_dataset_motif_usage,
    plot_example_sequences,
    plot_logo,
    plot_logo_stack,
    plot_motif_layout,
    plot_motif_logos,
    plot_motif_usage,
    plot_pwm_logo,
    plot_sequence_anatomy,
    plot_sequence_pwm,
)
from .sweeps import (
    ACTIVATION_MARKERS,
    CORRELATION_COLUMNS,
    plot_activation_pairs,
    plot_correlation_forest,
    plot_correlation_forests,
    plot_grouped_bars,
    plot_labelled_scatter,
    plot_paper_comparison,
    plot_paper_comparisons,
    plot_score_panels,
    plot_recipe_comparison,
    plot_score_bars,
    plot_score_scatter,
)
from .training import (
    plot_adversarial_curves,
    plot_attack_accuracy,
    plot_filter_matches,
    plot_learning_curves,
    plot_model_learning_curves,
    plot_recipe_histories,
    plot_training_histories,
)

# Written out (not computed from the modules' lists) so that static tools see the re-exports;
# tests/test_plotting.py checks that it is exactly the union of the family modules' ``__all__``.
__all__ = [
    # sequences
    "information_matrix",
    "plot_logo",
    "plot_pwm_logo",
    "plot_motif_layout",
    "plot_sequence_pwm",
    "plot_class_balance",
    "plot_count_histogram",
    "plot_motif_usage",
    "plot_motif_logos",
    "plot_sequence_anatomy",
    "plot_example_sequences",
    "plot_dataset_balance",
    "plot_dataset_motif_counts",
    "plot_dataset_motif_usage",
    "plot_logo_stack",
    # training
    "plot_learning_curves",
    "plot_filter_matches",
    "plot_training_histories",
    "plot_recipe_histories",
    "plot_model_learning_curves",
    "plot_adversarial_curves",
    "plot_attack_accuracy",
    # attribution
    "plot_attribution_panel",
    "plot_angle_histogram",
    "plot_before_after",
    "mask_runs",
    "shade_runs",
    "plot_attribution_spectra",
    "plot_completeness_gap",
    "plot_simplex_decomposition",
    "plot_norm_track",
    "plot_window_logos",
    "plot_planted_window",
    "plot_attribution_examples",
    "plot_quality_by_method",
    "plot_angle_histogram_grid",
    "plot_correction_panel",
    "plot_correction_scores",
    "plot_prior_spectra",
    # consistency
    "plot_ranked_kmers",
    "plot_angular_density",
    "plot_kmer_steps",
    "plot_kmer_sensitivity_grid",
    "plot_kattr_steps",
    "plot_local_means_3d",
    "plot_metric_sensitivity",
    "plot_kmer_comparison",
    "plot_angular_density_comparison",
    "plot_kmer_norm_tracks",
    "plot_kmer_distributions",
    "plot_scores_against_snr",
    "plot_kept_local_means",
    "plot_angular_densities",
    # sweeps
    "plot_grouped_bars",
    "plot_score_scatter",
    "plot_correlation_forest",
    "plot_paper_comparison",
    "ACTIVATION_MARKERS",
    "CORRELATION_COLUMNS",
    "plot_labelled_scatter",
    "plot_paper_comparisons",
    "plot_score_panels",
    "plot_correlation_forests",
    "plot_activation_pairs",
    "plot_recipe_comparison",
    "plot_score_bars",
    # motifs
    "plot_pattern_matches",
    "plot_recovery_criteria",
]
