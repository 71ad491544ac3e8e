# Golden values from R's survey package for tests/comments/test_shares.py: theme shares among
# commenters (a domain of the full design) and among all members, by group, logit intervals.
# Run from the project root:  Rscript tests/golden/r_comment_shares.R ../shared/reference/r-survey-api
# Writes tests/golden/r_comment_shares.json. CI never runs R: it reads the committed JSON.
#
# The "survey" is R's apistrat (stratified by school type, with fpc). A school "commented" when
# more than 30% of its pupils get subsidised meals (commenting is selective), and its comment
# "raised the theme" when it met its comparable-improvement target (comp.imp).
suppressMessages({library(survey); library(jsonlite)})
args <- commandArgs(trailingOnly = TRUE)
ref <- if (length(args)) args[1] else "../shared/reference/r-survey-api"
api <- read.csv(file.path(ref, "apistrat.csv"), stringsAsFactors = FALSE)
api$commented <- api$meals > 30
api$theme <- api$commented & api$comp.imp == "Yes"
d <- svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = api)
out <- list()
shares <- function(design, base, by) {
  if (is.null(by)) {
    r <- svyciprop(~theme, design, method = "logit")
    ci <- attr(r, "ci")
    out[[length(out) + 1]] <<- list(base = base, group = "all", estimate = as.numeric(r),
                                    se = as.numeric(SE(r)), ci_low = ci[[1]], ci_high = ci[[2]])
    return(invisible())
  }
  r <- svyby(~theme, ~stype, design, svyciprop, method = "logit", vartype = c("se", "ci"))
  for (i in seq_len(nrow(r))) {
    out[[length(out) + 1]] <<- list(base = base, group = as.character(r$stype[i]),
                                    estimate = r$theme[i], se = r[i, grep("^se", names(r))[1]],
                                    ci_low = r$ci_l[i], ci_high = r$ci_u[i])
  }
}
for (by in list(NULL, "stype")) {
  shares(subset(d, commented), "commenters", by)
  shares(d, "members", by)
}
write_json(out, "tests/golden/r_comment_shares.json", digits = NA, auto_unbox = TRUE, pretty = TRUE)
