use crate::support::{NO_TARGET_ENV, at, env_files};
use golive_core::redact::display_value;
use golive_core::{
    Category, Check, CheckCx, CheckDoc, CheckMeta, Findings, Location, Outcome, Severity,
};
use golive_facts::env_files::{environment_name_keys, is_production_value};

pub struct EnvironmentIsProduction;

static META: CheckMeta = CheckMeta {
    code: "ENV002",
    slug: "env-environment-production",
    category: Category::Configuration,
    severity: Severity::High,
    summary: "The production env file names the production environment (ENVIRONMENT, APP_ENV, NODE_ENV, ...)",
    doc: CheckDoc {
        what: "In each production env file, the variables that name the deployment environment \
(`ENVIRONMENT`, `APP_ENV`, `NODE_ENV`, `RAILS_ENV`, `FLASK_ENV`, `ASPNETCORE_ENVIRONMENT`, ...) must say \
`production` (or `prod`, or the name of the environment selected with `--env`). A file that sets none \
of them is a warning.",
        why: "Frameworks switch behaviour on this value: Express and Next.js enable verbose errors and \
skip caching outside `production`, Rails and Django load development settings, and many apps relax \
cookie and CORS rules for `development`. A production deploy that says `development` runs the \
development code paths.",
        fix: "Set the variable your framework reads to `production` in the production env file.",
        example: "```\n# fails\nNODE_ENV=development\n# passes\nNODE_ENV=production\n```",
    },
    params: &[],
    requires: &[],
    keywords: &[
        "ENVIRONMENT",
        "APP_ENV",
        "NODE_ENV",
        "RAILS_ENV",
        "production",
    ],
};

#[async_trait::async_trait]
impl Check for EnvironmentIsProduction {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let files = match env_files(cx).await {
            Ok(f) => f,
            Err(o) => return o,
        };
        let selected = cx.facts.env().environment.clone();
        let mut findings = Findings::new();
        for file in files.targets() {
            findings.inspected();
            let mut any = false;
            for key in environment_name_keys() {
                let Some(entry) = file.parsed.get(key) else {
                    continue;
                };
                any = true;
                let ok = is_production_value(&entry.value)
                    || selected
                        .as_deref()
                        .is_some_and(|s| s.eq_ignore_ascii_case(entry.value.trim()));
                if !ok {
                    findings.fail(
                        format!(
                            "{} is \"{}\", not production",
                            entry.key,
                            display_value(&entry.value)
                        ),
                        at(file, entry),
                    );
                }
            }
            if !any {
                findings.warn(
                    format!(
                        "{} sets no environment name ({})",
                        file.rel,
                        environment_name_keys()[..3].join(", ")
                    ),
                    Location::file(file.rel.clone()),
                );
            }
        }
        findings.into_outcome(
            "every production env file names the production environment",
            NO_TARGET_ENV,
            "set ENVIRONMENT (or APP_ENV / NODE_ENV, whichever the app reads) to production",
        )
    }
}
