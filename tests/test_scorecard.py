"""score_model puts every score of a model in one row, consistent with the underlying functions."""

import numpy as np
import pytest

from acme_utils import attribution, metrics, quality, scorecard, training


def test_score_model_row_matches_the_individual_metrics(small_data, cache_dir):
    trained = training.train_model(
        small_data, {"width": 0.25}, {"epochs": 1}, cache_dir=cache_dir, verbose=False
    )
    row = scorecard.score_model(
        trained, small_data, n_sequences=30, cache_dir=cache_dir
    )
    pos = small_data.test.positives.subset(np.arange(30))
    attr = attribution.correct_gradients(attribution.saliency(trained.model, pos.x))
    assert row["n_sequences"] == 30 and row["method"] == "saliency"
    assert row["test_auroc"] == trained.test_metrics["auroc"]
    assert row["snr"] == pytest.approx(
        quality.attribution_quality(attr, pos.x, pos.pwm).snr, rel=1e-5
    )
    assert row["kmer_kld"] == pytest.approx(metrics.kmer_kld(attr, pos.x), rel=1e-5)
    assert row["kattr_mean_kld"] == pytest.approx(
        metrics.kattr_mean_kld(attr), rel=1e-5
    )
    with pytest.raises(ValueError, match="n_sequences"):
        scorecard.score_model(trained, small_data, n_sequences=0)


def test_score_model_checks_each_input_once(small_data, cache_dir, monkeypatch):
    # Before the validation module, one call ran the one-hot check 12 times and the map check 17
    # times (every public function re-checked what the previous one had checked).
    import sys

    from acme_utils import validation

    calls = []
    real = validation.validate_input

    def counting(X, name, *args, **kwargs):
        calls.append((name, kwargs.get("ohe", False)))
        return real(X, name, *args, **kwargs)

    trained = training.train_model(
        small_data, {"width": 0.25}, {"epochs": 1}, cache_dir=cache_dir, verbose=False
    )
    # every module that bound the name (from .validation import validate_input)
    for module in list(sys.modules.values()):
        name = getattr(module, "__name__", "")
        if name.startswith("acme_utils") and hasattr(module, "validate_input"):
            monkeypatch.setattr(module, "validate_input", counting)
    scorecard.score_model(trained, small_data, n_sequences=30, cache_dir=cache_dir)
    assert sorted(calls) == [
        ("attribution map", False),
        ("ground-truth PWM", False),
        ("positive test sequences", True),
    ]
