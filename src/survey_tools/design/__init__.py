"""Stage 3, design: cleaned rows in, design-based estimates out.

``survey_design.py`` holds :class:`SurveyDesign` (the specification, weighting and domains),
``estimators.py`` its estimators, ``variance.py`` the variance engine that every estimator,
``crosstab`` and the models call (influence values and domains in; covariance, standard errors
and degrees of freedom out), ``replicate.py`` the replicate-weight engine with the same
interface (``SurveyDesign(..., repweights=, type=)``, ``as_replicate``, ``with_replicates``,
``SurveyDesign.from_acs``), ``hadamard.py`` the Hadamard matrices BRR conversions use (R's),
``intervals.py`` confidence intervals for proportions, ``columns.py`` category codes and
the quantile rule, ``weighting.py`` raking, post-
stratification and calibration as frozen steps, ``crosstab.py`` weighted tables with the
Rao-Scott tests, ``margins.py`` the membership roll's published margins, ``nonresponse.py``
the respondents against the whole roll and ``propensity.py`` the roll's response-propensity
model, R-indicators and propensity classes (``SurveyDesign.adjust_for_nonresponse``),
``trimming.py`` weight diagnostics and trimming (``SurveyDesign.trim``), ``effort.py`` early
against late respondents (level of effort) and ``sensitivity.py`` estimates under several
weightings side by side.

May import: ``survey_tools.errors``. It never reads files of earlier stages' formats.
"""

from .crosstab import Crosstab
from .effort import level_of_effort, response_wave
from .margins import read_margins, representation
from .nonresponse import NonresponseReport, nonresponse
from .sensitivity import sensitivity
from .survey_design import SurveyDesign
from .trimming import weight_summary

__all__ = [
    "Crosstab",
    "NonresponseReport",
    "SurveyDesign",
    "level_of_effort",
    "nonresponse",
    "read_margins",
    "representation",
    "response_wave",
    "sensitivity",
    "weight_summary",
]
