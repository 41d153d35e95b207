# ~/~ begin <<docs/09-tensor.md#micrograd/datasets.py>>[init]


def spiral(points: int = 100, classes: int = 3, noise: float = 0.2,
           seed: int = 0) -> tuple:
    """`points` per class on `classes` spiral arms: inputs (N, 2) and labels (N,), arrays."""
    # NumPy is imported here, not at the top, so that the module, and the data sets
    # that need only the standard library, import without NumPy installed.
    import numpy as np

    rng = np.random.default_rng(seed)
    radius = np.tile(np.linspace(0.05, 1.0, points), classes)
    labels = np.repeat(np.arange(classes), points)
    angle = 2 * np.pi * labels / classes + 4 * radius + rng.normal(0.0, noise, radius.size)
    inputs = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1)
    return inputs, labels
# ~/~ end
