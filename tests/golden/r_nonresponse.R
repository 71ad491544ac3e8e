# Golden values from R's survey package for tests/design/test_nonresponse.py: a nonresponse
# adjustment by response-propensity classes of the roll, then raking to the roll's margins.
# Run from the project root:  Rscript tests/golden/r_nonresponse.R ../shared/reference/r-survey-api
# Writes tests/golden/r_nonresponse.json. CI never runs R: it reads the committed JSON.
#
# The "roll" is R's apipop (6194 California schools, key cds); response is drawn here with a fixed
# seed from a known model (school type by awards interaction, comp.imp), and the drawn
# respondents' keys are written to the JSON so that the Python tests use the same respondents.
suppressMessages({library(survey); library(jsonlite)})
args <- commandArgs(trailingOnly = TRUE)
ref <- if (length(args)) args[1] else "../shared/reference/r-survey-api"
pop <- read.csv(file.path(ref, "apipop.csv"), colClasses = c(cds = "character"),
                stringsAsFactors = FALSE)
roll <- pop[, c("cds", "stype", "awards", "comp.imp", "meals", "api00", "sch.wide")]
for (f in c("stype", "awards", "comp.imp", "sch.wide")) roll[[f]] <- factor(roll[[f]])
stopifnot(!anyNA(roll))
set.seed(20261206)
eta <- -1.6 + 0.5 * (roll$stype == "H") - 0.3 * (roll$stype == "M") + 0.6 * (roll$awards == "Yes") -
  0.4 * (roll$comp.imp == "Yes") + 0.9 * (roll$stype == "H" & roll$awards == "No") + 0.01 * (roll$meals - 50)
roll$responded <- runif(nrow(roll)) < plogis(eta)
N <- nrow(roll)
pop_stype <- as.data.frame(table(stype = roll$stype))
pop_awards <- as.data.frame(table(awards = roll$awards))

cases <- list(
  main = list(r = responded ~ stype + awards + comp.imp,
              py = "C(stype) + C(awards) + C(Q('comp.imp'))", classes = 5),
  interaction = list(r = responded ~ stype * awards + comp.imp,
                     py = "C(stype) * C(awards) + C(Q('comp.imp'))", classes = 3),
  numeric = list(r = responded ~ stype + awards + meals, py = "C(stype) + C(awards) + meals",
                 classes = 4)
)
out <- list()
add <- function(case, design, stat, var, est, se = NA, ci = c(NA, NA), by = NA, level = NA) {
  out[[length(out) + 1]] <<- list(case = case, design = design, stat = stat, var = var, by = by,
                                  level = level, estimate = as.numeric(est), se = as.numeric(se),
                                  ci_low = as.numeric(ci[1]), ci_high = as.numeric(ci[2]))
}
info <- list()
for (case in names(cases)) {
  spec <- cases[[case]]
  g <- glm(spec$r, family = binomial, data = roll, control = glm.control(epsilon = 1e-14, maxit = 100))
  p <- fitted(g)
  sd_pop <- sqrt(mean((p - mean(p))^2))  # over the roll: divisor N
  breaks <- unique(quantile(p, probs = seq(0, 1, length.out = spec$classes + 1)))
  roll$pclass <- cut(p, breaks, include.lowest = TRUE, labels = FALSE)
  counts <- as.data.frame(table(pclass = roll$pclass))
  resp <- roll[roll$responded, ]
  d0 <- svydesign(id = ~1, weights = ~1, data = resp)
  d1 <- postStratify(d0, ~pclass, counts)
  d2 <- rake(d1, list(~stype, ~awards), list(pop_stype, pop_awards),
             control = list(maxit = 200, epsilon = 1e-12))
  info[[case]] <- list(model_r = deparse(spec$r), model = spec$py, classes = spec$classes,
                       terms = names(coef(g)), coef = unname(coef(g)),
                       coef_se = unname(sqrt(diag(vcov(g)))),
                       r_indicator = 1 - 2 * sd_pop, cv = sd_pop / mean(p),
                       breaks = unname(breaks),
                       class_members = as.integer(counts$Freq),
                       class_respondents = as.integer(table(factor(resp$pclass, levels = counts$pclass))))
  for (dn in c("adjusted", "adjusted_raked")) {
    d <- if (dn == "adjusted") d1 else d2
    add(case, dn, "weights", "sum", sum(weights(d)))
    s <- svymean(~api00, d)
    add(case, dn, "mean", "api00", coef(s), SE(s), confint(s))
    s <- svytotal(~api00, d)
    add(case, dn, "total", "api00", coef(s), SE(s), confint(s))
    b <- svyby(~api00, ~stype, d, svymean)
    ci <- confint(b)
    for (i in seq_len(nrow(b)))
      add(case, dn, "mean", "api00", coef(b)[i], SE(b)[i], ci[i, ], by = "stype",
          level = as.character(b$stype[i]))
    p1 <- svyciprop(~I(sch.wide == "Yes"), d, method = "logit")
    add(case, dn, "proportion", "sch.wide", coef(p1), SE(p1), attr(p1, "ci"), level = "Yes")
    # Domains by xlogit (the logit interval from svymean's delta method): survey 4.1.1's
    # method = "logit" refits a glm on the subset, which misbehaves after calibration.
    x <- svyciprop(~I(sch.wide == "Yes"), d, method = "xlogit")
    # (logit's glm stops at its own tolerance: the two agree to ~1e-9)
    stopifnot(isTRUE(all.equal(attr(x, "ci"), attr(p1, "ci"), tolerance = 1e-7)))
    for (s_ in levels(roll$stype)) {
      p2 <- svyciprop(~I(sch.wide == "Yes"), subset(d, stype == s_), method = "xlogit")
      add(case, dn, "proportion", "sch.wide", coef(p2), SE(p2), attr(p2, "ci"), by = "stype",
          level = s_)
    }
  }
}
writeLines(toJSON(list(r_version = R.version.string,
                       survey_version = as.character(packageVersion("survey")),
                       roll = "apipop: cds, stype, awards, comp.imp, meals, api00, sch.wide",
                       respondents = roll$cds[roll$responded],
                       margins = list(stype = setNames(as.list(pop_stype$Freq), pop_stype$stype),
                                      awards = setNames(as.list(pop_awards$Freq), pop_awards$awards)),
                       cases = info, results = out),
                  digits = NA, auto_unbox = TRUE, na = "null", pretty = TRUE),
           "tests/golden/r_nonresponse.json")
