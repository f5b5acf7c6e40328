"""Sample-quality metrics: FID, KID, Inception Score, precision/recall, toy mode coverage.

The metric math (`frechet_distance`, `kernel_distance`, `inception_score`,
`precision_recall`) works on NumPy feature arrays. The image-level classes
(`FID`, `KID`, `InceptionScore`, `PrecisionRecall`) take uint8 images or
floats in [-1, 1] (arrays or tf.data datasets) and a feature network:
"inception" (the standard FID InceptionV3, weights converted with
tools/convert_fid_inception.py) or "fmnist" (a bundled Fashion-MNIST
classifier, fast on a CPU).

Example:
>>> from kerasgan.metrics import frechet_distance
>>> frechet_distance([0.0], [[1.0]], [1.0], [[1.0]])
1.0
"""

import importlib

from kerasgan.metrics.features import FeatureExtractor
from kerasgan.metrics.fid import FID
from kerasgan.metrics.frechet import FeatureStatistics, feature_statistics, frechet_distance
from kerasgan.metrics.inception_score import InceptionScore, ISResult, inception_score
from kerasgan.metrics.kid import KID, KIDResult, kernel_distance
from kerasgan.metrics.mode_coverage import ModeCoverage, mode_coverage
from kerasgan.metrics.precision_recall import PRResult, PrecisionRecall, precision_recall

# Names that import Keras are loaded on first use, so the NumPy metrics stay cheap.
_LAZY = {
    "ConditionalAccuracy": "kerasgan.metrics.conditional",
    "conditional_accuracy": "kerasgan.metrics.conditional",
    "FIDMonitor": "kerasgan.metrics.monitor",
    "evaluate": "kerasgan.metrics.evaluation",
    "format_table": "kerasgan.metrics.evaluation",
}

__all__ = [
    "FID",
    "KID",
    "FeatureExtractor",
    "FeatureStatistics",
    "ISResult",
    "InceptionScore",
    "KIDResult",
    "ModeCoverage",
    "PRResult",
    "PrecisionRecall",
    "feature_statistics",
    "frechet_distance",
    "inception_score",
    "kernel_distance",
    "mode_coverage",
    "precision_recall",
    *_LAZY,
]


def __getattr__(name):
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'kerasgan.metrics' has no attribute {name!r}")


def __dir__():
    return sorted(set(__all__) | set(globals()))
