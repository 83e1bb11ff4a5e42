"""The baseline CNN of METHODS.md section 2."""

import keras
import numpy as np
import pytest

from acme_utils import models


@pytest.mark.parametrize("activation", ["relu", "exponential"])
@pytest.mark.parametrize("batch_norm", [True, False])
def test_output_shapes_and_layers(activation, batch_norm):
    model = models.build_cnn(activation=activation, batch_norm=batch_norm)
    x = np.eye(4, dtype=np.float32)[np.random.default_rng(0).integers(0, 4, (3, 200))]
    assert model(x).shape == (3, 1)
    assert model.get_layer("conv1_act").activation.__name__ == activation
    has_bn = any(
        isinstance(layer, keras.layers.BatchNormalization) for layer in model.layers
    )
    assert has_bn == batch_norm
    filters = [model.get_layer(f"conv{i}").filters for i in range(1, 5)]
    kernels = [model.get_layer(f"conv{i}").kernel_size[0] for i in range(1, 5)]
    assert filters == [24, 32, 48, 64] and kernels == [19, 7, 5, 5]
    assert model.get_layer("dense").units == 96
    assert (
        model.get_layer("conv1_dropout").rate == 0.1
        and model.get_layer("dense_dropout").rate == 0.5
    )


def test_logit_model_shares_weights_and_sigmoid_links_them():
    model = models.build_cnn(width=0.5)
    logits = models.logit_model(model)
    x = np.eye(4, dtype=np.float32)[np.random.default_rng(1).integers(0, 4, (5, 200))]
    z, p = np.asarray(logits(x)), np.asarray(model(x))
    np.testing.assert_allclose(p, 1 / (1 + np.exp(-z)), rtol=1e-5)
    assert model.get_layer("dense").units == 48  # width factor
    with pytest.raises(ValueError, match="no layer named"):
        models.logit_model(model, layer="nope")


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"activation": "tanh"}, "activation"),
        ({"width": 0}, "width"),
        ({"conv_dropout": 1.0}, "conv_dropout"),
        ({"input_length": 20}, "input_length"),
    ],
)
def test_bad_configuration(kwargs, message):
    with pytest.raises(ValueError, match=message):
        models.build_cnn(**kwargs)
