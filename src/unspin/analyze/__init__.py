"""Analysis: the pipeline and one module per layer."""

from unspin.analyze.pipeline import PIPELINE, Component, PipelineError, build, registry, run

__all__ = ["PIPELINE", "Component", "PipelineError", "build", "registry", "run"]
