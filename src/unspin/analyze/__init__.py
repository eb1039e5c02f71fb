"""Analysis: the pipeline and one module per layer.

Importing this package registers the built-in components; the order they run
in is ``pipeline.PIPELINE``.
"""

from unspin.analyze.pipeline import PIPELINE, Component, PipelineError, SkipLayer, build, registry, run

# Each import registers its component.
from unspin.analyze import sentences  # noqa: E402,F401
from unspin.analyze import entities  # noqa: E402,F401
from unspin.analyze import quantities  # noqa: E402,F401
from unspin.analyze import dates  # noqa: E402,F401
from unspin.analyze import attributions  # noqa: E402,F401
from unspin.analyze import modality  # noqa: E402,F401
from unspin.analyze import events  # noqa: E402,F401
from unspin.analyze import techniques  # noqa: E402,F401
from unspin.analyze import paragraph_techniques  # noqa: E402,F401

__all__ = ["PIPELINE", "Component", "PipelineError", "SkipLayer", "build", "registry", "run"]
