import numpy as np
from PIL import Image

from kerasgan.callbacks import SampleGrid
from kerasgan.images import make_grid, to_uint8
from kerasgan.models import DCGAN


def test_to_uint8_and_grid_layout():
    assert to_uint8(np.array([-1.0, -0.5, 0.0, 1.0, 2.0])).tolist() == [0, 64, 128, 255, 255]
    images = np.stack([np.full((2, 3, 1), v, np.uint8) for v in (10, 20, 30)])
    grid = make_grid(images, columns=2, padding=1)
    assert grid.shape == (2 * 3 + 1, 2 * 4 + 1, 1)
    assert grid[1, 1, 0] == 10 and grid[1, 5, 0] == 20 and grid[4, 1, 0] == 30
    assert grid[0, 0, 0] == 0 and grid[4, 5, 0] == 0  # padding and the empty cell


def test_sample_grid_saves_the_same_latents_every_epoch(tmp_path):
    gan = DCGAN(image_shape=(8, 8, 1), latent_dim=4, filters=2, seed=0)
    gan.compile()
    callback = SampleGrid(tmp_path / "samples", n=4, seed=7, every=2)
    x = np.zeros((16, 8, 8, 1), "float32")
    gan.fit(x, batch_size=8, epochs=4, verbose=0, callbacks=[callback])
    names = sorted(p.name for p in (tmp_path / "samples").iterdir())
    assert names == ["epoch_002.png", "epoch_004.png"]
    grid = np.asarray(Image.open(tmp_path / "samples" / "epoch_004.png"))
    assert grid.shape == (2 * 10 + 2, 2 * 10 + 2)
    # The grid is exactly the generator's output for the fixed latent batch.
    expected = make_grid(gan.generate_from(gan.sample_latent(4, seed=7)))
    np.testing.assert_array_equal(grid, expected[..., 0])
