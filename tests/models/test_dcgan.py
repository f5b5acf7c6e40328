import numpy as np
import pytest

import keras

from kerasgan.models import DCGAN
from kerasgan.models.dcgan import dcgan_discriminator, dcgan_generator, spatial_plan


@pytest.mark.parametrize(
    "shape, plan", [((28, 28, 1), (7, 2)), ((32, 32, 3), (4, 3)), ((64, 64, 3), (4, 4)), ((128, 128, 3), (4, 5))]
)
def test_spatial_plan_and_output_shapes(shape, plan):
    assert spatial_plan(shape) == plan
    gan = DCGAN(image_shape=shape, latent_dim=8, filters=2)
    assert gan.generator.output_shape == (None,) + shape
    assert gan.discriminator.output_shape == (None, 1)


def test_paper_widths_at_64x64():
    g = dcgan_generator((64, 64, 3), latent_dim=100, filters=64)
    widths = [l.filters for l in g.layers if isinstance(l, keras.layers.Conv2DTranspose)]
    assert g.get_layer("project").units == 4 * 4 * 512
    assert widths == [256, 128, 64, 3]
    d = dcgan_discriminator((64, 64, 3), filters=64)
    assert [l.filters for l in d.layers if isinstance(l, keras.layers.Conv2D)] == [64, 128, 256, 512]


def test_no_pooling_and_no_batch_norm_on_the_discriminator_input():
    d = dcgan_discriminator((32, 32, 3), filters=8)
    kinds = [type(l).__name__ for l in d.layers]
    assert not any("Pool" in k for k in kinds)
    # Input -> Conv2D -> LeakyReLU: batch norm only from the second block on.
    assert kinds[1:3] == ["Conv2D", "LeakyReLU"]
    assert kinds.count("BatchNormalization") == 2
    assert all(l.strides == (2, 2) for l in d.layers if isinstance(l, keras.layers.Conv2D))


def test_generator_uses_relu_batch_norm_and_tanh():
    g = dcgan_generator((28, 28, 1), latent_dim=8, filters=4)
    kinds = [type(l).__name__ for l in g.layers]
    assert kinds.count("ReLU") == 2 and kinds.count("BatchNormalization") == 2
    assert g.layers[-1].get_config()["activation"] == "tanh"


def test_resize_upsampling_has_no_transposed_convolutions():
    g = dcgan_generator((32, 32, 3), latent_dim=8, filters=4, upsampling="resize")
    assert not any(isinstance(l, keras.layers.Conv2DTranspose) for l in g._flatten_layers())
    assert any(isinstance(l, keras.layers.UpSampling2D) for l in g._flatten_layers())
    assert g.output_shape == (None, 32, 32, 3)


def test_checkerboard_free_resize_variant_at_initialisation():
    """With constant input features, resize-conv gives a flat interior; stride-2 deconv does not.

    A transposed convolution with kernel 4 and stride 2 adds a different number of kernel taps to
    even and odd output pixels unless the kernel happens to tile evenly, which random kernels don't.
    """
    from kerasgan.layers import upsample

    x = np.ones((1, 8, 8, 1), "float32")
    deconv = upsample(1, "transposed")(x)[0, 2:-2, 2:-2, 0]
    resize = upsample(1, "resize")(x)[0, 2:-2, 2:-2, 0]
    assert np.ptp(np.asarray(resize)) < 1e-6
    assert np.ptp(np.asarray(deconv)) > 1e-4


def test_bad_shapes_and_modes_are_clear_errors():
    with pytest.raises(ValueError, match="square"):
        DCGAN(image_shape=(28, 32, 1))
    with pytest.raises(ValueError, match="even"):
        DCGAN(image_shape=(27, 27, 1))
    with pytest.raises(ValueError, match="upsampling"):
        DCGAN(upsampling="bilinear-ish")


def test_config_round_trip():
    gan = DCGAN(image_shape=(16, 16, 3), latent_dim=5, filters=3, upsampling="resize")
    config = gan.get_config()
    assert config["image_shape"] == [16, 16, 3] and config["upsampling"] == "resize"
    clone = DCGAN.from_config(config)
    assert clone.generator.count_params() == gan.generator.count_params()


def test_lsgan_is_dcgan_with_least_squares():
    gan = DCGAN(image_shape=(8, 8, 1), latent_dim=4, filters=2)
    gan.compile(loss="least_squares")
    history = gan.fit(np.zeros((16, 8, 8, 1), "float32"), batch_size=8, verbose=0).history
    assert gan.loss_fn.name == "least_squares" and np.isfinite(history["g_loss"][0])
