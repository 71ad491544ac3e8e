"""Stage 4, models: a :class:`~survey_tools.SurveyDesign` and a formula in, survey-weighted
model results out.

``glm.py`` holds :func:`svyglm` (statsmodels GLM point estimates, design-based covariance by
linearisation through the design's variance engine, as R's ``svyglm``), ``olr.py``
:func:`svyolr` (proportional odds for Likert items, as R's ``svyolr``), ``margins.py``
:func:`predict_margins` (marginal standardisation and average marginal effects with
delta-method design-based intervals; ``olr_margins.py`` its svyolr path, each answer's
probability by group), ``inference.py`` what they share (rows used, t intervals,
Wald F tests as R's ``regTermTest``). On a replicate-weight design (``design.engine.replicates``)
svyglm and svyolr refit every replicate from the full-sample estimate and take the replicates'
spread, as R's ``svyglm`` and ``svyolr`` on ``svrepdesign`` do.

May import: ``survey_tools.errors`` and ``survey_tools.design`` (only public attributes of a
design: ``data``, ``weights``, ``engine``).
"""

from .glm import SeparationWarning, SvyGLMResult, svyglm
from .inference import WaldTest
from .margins import predict_margins
from .olr import SvyOLRResult, svyolr

__all__ = [
    "SeparationWarning",
    "SvyGLMResult",
    "SvyOLRResult",
    "WaldTest",
    "predict_margins",
    "svyglm",
    "svyolr",
]
