"""Exploratory theme suggestions: redacted comments in, draft themes (terms, examples) out.

:func:`suggest_themes` factorises the comments' TF-IDF matrix with NMF (scikit-learn, seeded,
``init="nndsvda"``) and lists, per suggested theme, its top terms and the comments that load
on it most: material for staff drafting a theme codebook, nothing more. Its groupings shift
with ``k``, the seed and the wording of a few comments, so they are never reported as
estimates: shares come only from a checked codebook (:func:`~survey_tools.code_comments`).
Nothing is downloaded; no language model is involved.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .code import commented

__all__ = ["suggest_themes"]

EXPLORATORY = "exploratory: draft themes for a codebook, not estimates"


def suggest_themes(
    texts: pd.Series, *, k: int = 6, seed: int = 0, terms: int = 8, examples: int = 3
) -> pd.DataFrame:
    """Draft ``k`` themes from the comments: ``theme`` (1..k), ``terms`` (top words and word
    pairs), ``comments`` (how many load most on it) and ``examples`` (its most typical
    comments). ``.attrs["note"]`` says the table is exploratory.

    Examples
    --------
    >>> texts = pd.Series(["pay rates cut", "rates cut again", "NDA secrecy", "NDA rules"] * 5)
    >>> suggest_themes(texts, k=2, terms=2, examples=1)["terms"].tolist()
    ['cut, rates', 'nda, nda secrecy']
    """
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfVectorizer

    docs = texts[commented(texts)].astype(str)
    docs = docs.str.replace(r"\[\w+\]", " ", regex=True)  # redaction tags are no theme
    vectorizer = TfidfVectorizer(
        stop_words="english", ngram_range=(1, 2), min_df=2, sublinear_tf=True
    )
    matrix = vectorizer.fit_transform(docs)
    k = max(1, min(k, matrix.shape[0], matrix.shape[1]))
    model = NMF(n_components=k, init="nndsvda", random_state=seed, max_iter=500)
    loadings = model.fit_transform(matrix)
    words = np.asarray(vectorizer.get_feature_names_out())
    best = loadings.argmax(axis=1)
    rows = []
    for j, component in enumerate(model.components_):
        top = words[np.argsort(-component, kind="stable")[:terms]]
        order = np.argsort(-loadings[:, j], kind="stable")[:examples]
        rows.append(
            {
                "theme": j + 1,
                "terms": ", ".join(top),
                "comments": int((best == j).sum()),
                "examples": [docs.iloc[i] for i in order],
            }
        )
    out = pd.DataFrame(rows)
    out.attrs["note"] = EXPLORATORY
    return out
