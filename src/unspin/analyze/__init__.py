"""Analysis: the pipeline and one module per layer.

Importing this package registers the built-in components; the order they run
in is ``pipeline.PIPELINE``.
"""

from unspin.analyze.pipeline import PIPELINE, Component, PipelineError, SkipLayer, build, registry, run
from unspin.analyze import sentences  # noqa: F401  (registers its component)

__all__ = ["PIPELINE", "Component", "PipelineError", "SkipLayer", "build", "registry", "run"]
