"""Stage 3, design: cleaned rows in, design-based estimates out.

``survey_design.py`` holds :class:`SurveyDesign` (the specification and the estimators),
``variance.py`` the variance engine that every estimator, ``crosstab`` and the models call
(influence values and domains in; covariance, standard errors and degrees of freedom out),
``intervals.py`` confidence intervals for proportions, ``columns.py`` category codes and
the quantile rule, ``weighting.py`` raking, post-
stratification and calibration as frozen steps, ``crosstab.py`` weighted tables with the
Rao-Scott tests, ``margins.py`` the membership roll's published margins.

May import: ``survey_tools.errors``. It never reads files of earlier stages' formats.
"""

from .crosstab import Crosstab
from .margins import read_margins, representation
from .survey_design import SurveyDesign

__all__ = ["Crosstab", "SurveyDesign", "read_margins", "representation"]
