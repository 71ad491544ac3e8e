"""Report stage: estimate and suppressed tables in; memo figures (and memos) out.

What enters: estimate tables from :class:`~survey_tools.SurveyDesign` (``proportion``, ``mean``),
tidy model tables and predicted margins from ``models/``, exposure indices from ``exposure/``,
and disclosure decisions from ``disclosure/``. What leaves: matplotlib figures in the house
theme (:mod:`.theme`, :mod:`.figures`), files written by :func:`save_figure`, and memos.
This is the last stage of the flow: it may import every earlier stage, and none imports it.
"""

from .figures import fig_odds_ratios, fig_predicted, fig_prevalence, fig_weighting
from .likert import fig_likert
from .memo import render_memo
from .notebook import setup_notebook
from .pay_exposure import fig_exposure, fig_pay
from .save import save_figure
from .theme import house_theme, use_theme
from .trend_figure import fig_trend

__all__ = [
    "fig_exposure",
    "fig_likert",
    "fig_odds_ratios",
    "fig_pay",
    "fig_predicted",
    "fig_prevalence",
    "fig_trend",
    "fig_weighting",
    "house_theme",
    "render_memo",
    "save_figure",
    "setup_notebook",
    "use_theme",
]
