# Golden values from R's survey package for tests/test_design.py.
# Run from the project root:  Rscript tests/golden/r_survey.R ../shared/reference/r-survey-api
# Writes tests/golden/r_survey.json. CI never runs R: it reads the committed JSON.
suppressMessages({library(survey); library(jsonlite)})
args <- commandArgs(trailingOnly = TRUE)
ref <- if (length(args)) args[1] else "../shared/reference/r-survey-api"
rd <- function(name) {
  d <- read.csv(file.path(ref, paste0(name, ".csv")), stringsAsFactors = FALSE)
  for (f in c("stype", "sch.wide", "comp.imp", "both", "awards", "yr.rnd"))
    if (f %in% names(d)) d[[f]] <- factor(d[[f]])
  d
}
apisrs <- rd("apisrs"); apistrat <- rd("apistrat"); apiclus1 <- rd("apiclus1"); apiclus2 <- rd("apiclus2")
# A stratified design with one lonely PSU: apistrat's high schools plus one elementary school.
lonely <- rbind(apistrat[apistrat$stype != "E", ], apistrat[apistrat$stype == "E", ][1, ])

designs <- list(
  srs = list(d = svydesign(id = ~1, fpc = ~fpc, data = apisrs),
             spec = list(data = "apisrs", fpc = "fpc")),
  srs_nofpc = list(d = svydesign(id = ~1, weights = ~pw, data = apisrs),
                   spec = list(data = "apisrs", weights = "pw")),
  strat = list(d = svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = apistrat),
               spec = list(data = "apistrat", strata = "stype", weights = "pw", fpc = "fpc")),
  clus1 = list(d = svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc, data = apiclus1),
               spec = list(data = "apiclus1", psu = "dnum", weights = "pw", fpc = "fpc")),
  clus1_nofpc = list(d = svydesign(id = ~dnum, weights = ~pw, data = apiclus1),
                     spec = list(data = "apiclus1", psu = "dnum", weights = "pw")),
  clus1_fpc_only = list(d = svydesign(id = ~dnum, fpc = ~fpc, data = apiclus1),
                        spec = list(data = "apiclus1", psu = "dnum", fpc = "fpc")),
  clus2 = list(d = svydesign(id = ~dnum + snum, fpc = ~fpc1 + fpc2, data = apiclus2),
               spec = list(data = "apiclus2", psu = c("dnum", "snum"), fpc = c("fpc1", "fpc2")))
)

out <- list()
add <- function(case, design, stat, var, est, se, ci = c(NA, NA), by = NA, level = NA,
                deff = NA, df = NA, extra = list()) {
  out[[length(out) + 1]] <<- c(list(case = case, design = design, stat = stat, var = var,
                                    by = by, level = level, estimate = as.numeric(est), se = as.numeric(se),
                                    ci_low = as.numeric(ci[1]), ci_high = as.numeric(ci[2]),
                                    deff = as.numeric(deff), df = df), extra)
}
stat_rows <- function(case, dname, stat, var, s, by = NA, level = NA) {
  ci <- confint(s)
  d <- if (!is.null(attr(s, "deff"))) diag(as.matrix(attr(s, "deff"))) else rep(NA, length(coef(s)))
  for (i in seq_along(coef(s)))
    add(case, dname, stat, var, coef(s)[i], SE(s)[i], ci[i, ], by = by,
        level = if (is.na(level[1])) NA else level[i], deff = d[i])
}
for (dname in names(designs)) {
  d <- designs[[dname]]$d
  stat_rows("mean", dname, "mean", "api00", svymean(~api00, d, deff = TRUE))
  stat_rows("total", dname, "total", "enroll", svytotal(~enroll, d, deff = TRUE))
  stat_rows("mean_na", dname, "mean", "acs.k3", svymean(~acs.k3, d, na.rm = TRUE))
  stat_rows("levels", dname, "mean", "stype", svymean(~stype, d, deff = TRUE),
            level = levels(d$variables$stype))
  stat_rows("level_totals", dname, "total", "stype", svytotal(~stype, d), level = levels(d$variables$stype))
  r <- svyratio(~api.stu, ~enroll, d)
  add("ratio", dname, "ratio", "api.stu/enroll", coef(r), SE(r), confint(r))
  for (m in c("logit", "beta", "asin", "likelihood", "mean")) {
    p <- svyciprop(~I(sch.wide == "Yes"), d, method = m)
    add(paste0("ciprop_", m), dname, "proportion", "sch.wide", coef(p), SE(p), attr(p, "ci"),
        level = "Yes", df = degf(d))
  }
  for (by in c("stype", "awards")) {
    b <- svyby(~api00, as.formula(paste0("~", by)), d, svymean, deff = TRUE)
    ci <- confint(b)
    for (i in seq_len(nrow(b)))
      add("mean_by", dname, "mean", "api00", coef(b)[i], SE(b)[i], ci[i, ], by = by,
          level = as.character(b[[by]][i]), deff = deff(b)[i])
    b <- svyby(~enroll, as.formula(paste0("~", by)), d, svytotal, deff = TRUE)
    ci <- confint(b)
    for (i in seq_len(nrow(b)))
      add("total_by", dname, "total", "enroll", coef(b)[i], SE(b)[i], ci[i, ], by = by,
          level = as.character(b[[by]][i]), deff = deff(b)[i])
    b <- svyby(~I(sch.wide == "Yes"), as.formula(paste0("~", by)), d, svyciprop, vartype = "ci")
    s <- svyby(~I(sch.wide == "Yes"), as.formula(paste0("~", by)), d, svyciprop, vartype = "se")
    for (i in seq_len(nrow(b))) {
      sub <- subset(d, get(by) == b[[by]][i])
      add("ciprop_logit_by", dname, "proportion", "sch.wide", coef(b)[i], SE(s)[i],
          c(b$ci_l[i], b$ci_u[i]), by = by, level = as.character(b[[by]][i]), df = degf(sub))
    }
  }
  for (tab in list(c("sch.wide", "stype"), c("awards", "stype"), c("stype", "both"))) {
    f <- as.formula(paste0("~", tab[1], "+", tab[2]))
    s2 <- svychisq(f, d)
    s1 <- svychisq(f, d, statistic = "Chisq")
    add("chisq", dname, "crosstab", paste(tab, collapse = "x"), s2$statistic[[1]], NA,
        extra = list(ndf = s2$parameter[["ndf"]], ddf = s2$parameter[["ddf"]],
                     p_value = s2$p.value, pearson = s1$statistic[[1]], p_chisq = s1$p.value))
  }
  q <- svyquantile(~api00, d, quantiles = c(0.25, 0.5, 0.9), ci = TRUE)
  qq <- q$api00
  for (i in seq_len(nrow(qq)))
    add("quantile", dname, "quantile", "api00", qq[i, "quantile"], qq[i, "se"],
        qq[i, c("ci.2.5", "ci.97.5")], level = c(0.25, 0.5, 0.9)[i])
}

# "adjust" is not taken from R here: Debian's survey 4.1.1 centres a lonely PSU at zero, while
# R's documentation (and current releases) centre it at the grand mean. The Python tests check
# "adjust" against a hand computation of the documented formula instead.
for (how in c("certainty", "average")) {
  options(survey.lonely.psu = how)
  d <- svydesign(id = ~1, strata = ~stype, weights = ~pw, data = lonely)
  s <- svymean(~api00, d)
  add("lonely_mean", paste0("lonely_", how), "mean", "api00", coef(s), SE(s), confint(s),
      extra = list(lonely_psu = how))
  s <- svytotal(~enroll, d)
  add("lonely_total", paste0("lonely_", how), "total", "enroll", coef(s), SE(s), confint(s),
      extra = list(lonely_psu = how))
}
options(survey.lonely.psu = "fail")

specs <- lapply(designs, function(x) x$spec)
specs$lonely <- list(data = "apistrat", strata = "stype", weights = "pw",
                     rows = "apistrat: stype != 'E', then the first 'E' row")
writeLines(toJSON(list(r_version = R.version.string,
                       survey_version = as.character(packageVersion("survey")),
                       designs = specs, results = out),
                  digits = NA, auto_unbox = TRUE, na = "null", pretty = TRUE),
           "tests/golden/r_survey.json")

# --- Weighting: post-stratification and raking (tight convergence so the fits are exact) ----
pop_types <- data.frame(stype = c("E", "H", "M"), Freq = c(4421, 755, 1018))
pop_schwide <- data.frame(sch.wide = c("No", "Yes"), Freq = c(1072, 5122))
# GREG: the intercept and stype H/M give the stype counts; api99's population total.
pop_cal <- c(`(Intercept)` = 6194, stypeH = 755, stypeM = 1018, api99 = 3914069)
weighted <- list(
  clus1_ps = postStratify(designs$clus1$d, ~stype, pop_types),
  strat_ps = postStratify(designs$strat$d, ~stype, pop_types),
  clus1_rake = rake(designs$clus1$d, list(~stype, ~sch.wide), list(pop_types, pop_schwide),
                    control = list(maxit = 200, epsilon = 1e-12)),
  srs_rake = rake(designs$srs_nofpc$d, list(~stype, ~sch.wide), list(pop_types, pop_schwide),
                  control = list(maxit = 200, epsilon = 1e-12)),
  clus1_cal = calibrate(designs$clus1$d, ~stype + api99, pop_cal),
  strat_cal = calibrate(designs$strat$d, ~stype + api99, pop_cal),
  srs_cal = calibrate(designs$srs_nofpc$d, ~stype + api99, pop_cal)
)
out <- list()
for (dname in names(weighted)) {
  d <- weighted[[dname]]
  stat_rows("mean", dname, "mean", "api00", svymean(~api00, d))
  stat_rows("total", dname, "total", "enroll", svytotal(~enroll, d))
  stat_rows("mean_na", dname, "mean", "acs.k3", svymean(~acs.k3, d, na.rm = TRUE))
  stat_rows("level_totals", dname, "total", "stype", svytotal(~stype, d), level = levels(d$variables$stype))
  p <- svyciprop(~I(awards == "Yes"), d, method = "logit")
  add("ciprop_awards", dname, "proportion", "awards", coef(p), SE(p), attr(p, "ci"), level = "Yes")
  b <- svyby(~api00, ~stype, d, svymean)
  ci <- confint(b)
  for (i in seq_len(nrow(b)))
    add("mean_by", dname, "mean", "api00", coef(b)[i], SE(b)[i], ci[i, ], by = "stype",
        level = as.character(b$stype[i]))
  add("weights", dname, "weights", "sum", sum(weights(d)), NA)
  s2 <- svychisq(~sch.wide + stype, d)
  add("chisq", dname, "crosstab", "sch.wide x stype", s2$statistic[[1]], NA,
      extra = list(ndf = s2$parameter[["ndf"]], ddf = s2$parameter[["ddf"]], p_value = s2$p.value))
}
writeLines(toJSON(list(r_version = R.version.string,
                       survey_version = as.character(packageVersion("survey")),
                       base = c("clus1 for clus1_*, strat for strat_*, srs_nofpc for srs_*;",
                                "*_ps post-stratified, *_rake raked, *_cal calibrated (GREG)"),
                       margins = list(stype = setNames(as.list(pop_types$Freq), pop_types$stype),
                                      sch.wide = setNames(as.list(pop_schwide$Freq), pop_schwide$sch.wide)),
                       calibration = list(stype = setNames(as.list(pop_types$Freq), pop_types$stype),
                                          api99 = 3914069),
                       results = out),
                  digits = NA, auto_unbox = TRUE, na = "null", pretty = TRUE),
           "tests/golden/r_survey_weighting.json")

# --- The demo survey: completes and partials, first submission per member, weighting
# variables from the roll, raked to the roll's margins (as `survey-tools demo` does) ---------
demo <- "data/raw/demo"
sav <- foreign::read.spss(file.path(demo, "guild_ai_survey_2026.sav"), to.data.frame = TRUE,
                          use.value.labels = FALSE, use.missings = FALSE)
sav <- sav[round(sav$disposition, 2) %in% c(1.1, 1.2), ]
sav <- sav[!duplicated(trimws(sav$member_id)), ]
sav$member_id <- trimws(sav$member_id)
roll <- read.csv(file.path(demo, "roll.csv"), stringsAsFactors = FALSE)
roll$member_status <- roll$member_class
linked <- c("role_group", "region", "age_band", "member_status")  # the survey's own are replaced
sav <- merge(sav[, setdiff(names(sav), linked)], roll[, c("member_id", linked)],
             by = "member_id", sort = FALSE)
sav$lost <- ifelse(is.na(sav$ai_lost_work), NA, sav$ai_lost_work == 1)
sav$lost_f <- factor(ifelse(sav$lost, "Yes", "No"))
margins <- read.csv(file.path(demo, "roll_margins.csv"), stringsAsFactors = FALSE)
pops <- lapply(unique(margins$margin), function(m) {
  x <- margins[margins$margin == m, ]
  setNames(data.frame(x$level, x$members), c(m, "Freq"))
})
vars <- lapply(unique(margins$margin), function(m) as.formula(paste0("~", m)))
d <- rake(svydesign(id = ~1, data = sav), vars, pops, control = list(maxit = 200, epsilon = 1e-12))
out <- list()
p <- svyciprop(~lost, d, method = "logit")
add("ciprop_logit", "demo_raked", "proportion", "lost", coef(p), SE(p), attr(p, "ci"), level = "TRUE")
# Domains: survey 4.1.1's svyciprop(method = "logit") fits a glm on the subset and returns 0 for
# two of these raked domains (with glm warnings); "xlogit" (the delta method from svymean) is
# the same interval, as the whole-sample check shows, and is right there.
x <- svyciprop(~lost, d, method = "xlogit")
stopifnot(isTRUE(all.equal(attr(x, "ci"), attr(p, "ci"), tolerance = 1e-9)))
for (g in sort(unique(sav$role_group))) {
  p <- svyciprop(~lost, subset(d, role_group == g), method = "xlogit")
  add("ciprop_logit_by", "demo_raked", "proportion", "lost", coef(p), SE(p), attr(p, "ci"),
      by = "role_group", level = g)
}
s2 <- svychisq(~lost_f + role_group, d)
add("chisq", "demo_raked", "crosstab", "lost x role_group", s2$statistic[[1]], NA,
    extra = list(ndf = s2$parameter[["ndf"]], ddf = s2$parameter[["ddf"]], p_value = s2$p.value))
writeLines(toJSON(list(r_version = R.version.string,
                       survey_version = as.character(packageVersion("survey")),
                       respondents = nrow(sav), results = out),
                  digits = NA, auto_unbox = TRUE, na = "null", pretty = TRUE),
           "tests/golden/r_survey_demo.json")
