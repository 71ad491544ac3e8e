# Golden values from R's survey package for tests/design/test_trimming.py: trimming the weights
# of a propensity-adjusted and raked design (trimWeights, strict), and a contrast of two domain
# means of one design (the level-of-effort difference, svyby + svycontrast).
# Run from the project root:  Rscript tests/golden/r_trimming.R ../shared/reference/r-survey-api
# Reads the respondents of tests/golden/r_nonresponse.json (its "interaction" case) and writes
# tests/golden/r_trimming.json. CI never runs R: it reads the committed JSON.
suppressMessages({library(survey); library(jsonlite)})
args <- commandArgs(trailingOnly = TRUE)
ref <- if (length(args)) args[1] else "../shared/reference/r-survey-api"
nr <- fromJSON("tests/golden/r_nonresponse.json")
pop <- read.csv(file.path(ref, "apipop.csv"), colClasses = c(cds = "character"),
                stringsAsFactors = FALSE)
roll <- pop[, c("cds", "stype", "awards", "comp.imp", "meals", "api00", "sch.wide")]
for (f in c("stype", "awards", "comp.imp", "sch.wide")) roll[[f]] <- factor(roll[[f]])
roll$responded <- roll$cds %in% nr$respondents
case <- nr$cases$interaction
g <- glm(responded ~ stype * awards + comp.imp, family = binomial, data = roll,
         control = glm.control(epsilon = 1e-14, maxit = 100))
p <- fitted(g)
breaks <- unique(quantile(p, probs = seq(0, 1, length.out = case$classes + 1)))
roll$pclass <- cut(p, breaks, include.lowest = TRUE, labels = FALSE)
counts <- as.data.frame(table(pclass = roll$pclass))
resp <- roll[roll$responded, ]
pop_stype <- as.data.frame(table(stype = roll$stype))
pop_awards <- as.data.frame(table(awards = roll$awards))
d0 <- svydesign(id = ~1, weights = ~1, data = resp)
d2 <- rake(postStratify(d0, ~pclass, counts), list(~stype, ~awards), list(pop_stype, pop_awards),
           control = list(maxit = 200, epsilon = 1e-12))
upper <- 1.5 * median(weights(d2))
d3 <- trimWeights(d2, upper = upper, strict = TRUE)
out <- list()
add <- function(design, stat, est, se = NA, ci = c(NA, NA), by = NA, level = NA) {
  out[[length(out) + 1]] <<- list(design = design, stat = stat, by = by, level = level,
                                  estimate = as.numeric(est), se = as.numeric(se),
                                  ci_low = as.numeric(ci[1]), ci_high = as.numeric(ci[2]))
}
for (dn in c("raked", "trimmed")) {
  d <- if (dn == "raked") d2 else d3
  add(dn, "weights_sum", sum(weights(d)))
  add(dn, "weights_max", max(weights(d)))
  s <- svymean(~api00, d)
  add(dn, "mean", coef(s), SE(s), confint(s))
  p1 <- svyciprop(~I(sch.wide == "Yes"), d, method = "logit")
  add(dn, "proportion", coef(p1), SE(p1), attr(p1, "ci"), level = "Yes")
  b <- svyby(~api00, ~stype, d, svymean)
  for (i in seq_len(nrow(b))) add(dn, "mean", coef(b)[i], SE(b)[i], by = "stype",
                                  level = as.character(b$stype[i]))
  # The last level's mean minus the first's (levels E < H < M: M - E) with its design-based SE:
  # the stypeM coefficient of the saturated regression on stype (svyby's covmat = TRUE fails on
  # this calibrated design in survey 4.x).
  f <- svyglm(api00 ~ stype, d)
  add(dn, "contrast_last_minus_first", coef(f)["stypeM"], SE(f)["stypeM"], by = "stype")
}
writeLines(toJSON(list(r_version = R.version.string,
                       survey_version = as.character(packageVersion("survey")),
                       upper = upper, trimmed = sum(weights(d2) > upper),
                       note = "design: the interaction case of r_nonresponse.json, adjusted and raked",
                       results = out),
                  digits = NA, auto_unbox = TRUE, na = "null", pretty = TRUE),
           "tests/golden/r_trimming.json")
