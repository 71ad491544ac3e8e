"""Stage 5, exposure: survey role labels and estimates in; occupational AI-exposure indices
beside them out.

``reference.py`` reads the shipped indices and role-to-SOC map (``data/reference/ai-exposure/``,
with their licences and citations) and the user's own index files; ``compare.py`` joins roles
to SOC codes and indices, builds the role-level comparison table (weighted self-reported share,
interval and unweighted base beside each index's value and percentile), its sensitivity to the
alternate SOC codes of uncertain roles, and the occupation-clustered model with an index as a
covariate. Exposure is not displacement: nothing here imputes job loss from an index.

May import: ``survey_tools.errors``, ``survey_tools.design`` and ``survey_tools.models``.
"""

from .compare import (
    FewClustersWarning,
    exposure_model,
    exposure_sensitivity,
    join_exposure,
    role_exposure_table,
)
from .reference import (
    REFERENCE_DIR,
    normalise_soc,
    read_exposure_index,
    read_exposure_indices,
    read_role_map,
)

__all__ = [
    "REFERENCE_DIR",
    "FewClustersWarning",
    "exposure_model",
    "exposure_sensitivity",
    "join_exposure",
    "normalise_soc",
    "read_exposure_index",
    "read_exposure_indices",
    "read_role_map",
    "role_exposure_table",
]
