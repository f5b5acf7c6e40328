"""Sample-quality metrics."""

from kerasgan.metrics.mode_coverage import ModeCoverage, mode_coverage

__all__ = ["ModeCoverage", "mode_coverage"]
