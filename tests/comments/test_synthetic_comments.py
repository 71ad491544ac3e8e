"""The demo's comments come from a theme model whose truth is in truth.json."""

from .conftest import survey


def test_every_comment_has_planted_labels_and_shares_depend_on_role():
    texts, _, truth = survey()
    comments = truth["comments"]
    labelled = {x["resp_id"] for x in comments["labels"]}
    written = set(texts.dropna().index)
    duplicates = set(truth["planted"]["duplicates"])  # resubmissions repeat a comment
    assert written - duplicates == labelled
    themes = set(comments["themes"])
    assert all(set(x["themes"]) | set(x["negated"]) <= themes for x in comments["labels"])
    assert not any(set(x["themes"]) & set(x["negated"]) for x in comments["labels"])
    voice = comments["among_commenters"]["replacement"]["by_role_group"]
    assert voice["Voice & audio performers"] > 1.5 * voice["News & broadcast"]
    for theme, shares in comments["among_members"].items():  # members who do not comment
        among = comments["among_commenters"][theme]["overall"]
        assert 0 < shares["overall"] < among


def test_planted_show_titles_and_negations_reach_the_export():
    texts, _, truth = survey()
    shows = [x for x in truth["comments"]["labels"] if "show" in x]
    assert shows and all(x["show"].lower() in texts[x["resp_id"]].lower() for x in shows)
    assert sum(bool(x["negated"]) for x in truth["comments"]["labels"]) >= 50
