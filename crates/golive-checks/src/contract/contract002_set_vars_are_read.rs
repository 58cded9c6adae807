use super::{NO_DEPLOYMENT, facts};
use golive_core::suggest::close_name;
use golive_core::{
    Category, Check, CheckCx, CheckDoc, CheckMeta, Findings, Location, Outcome, Severity,
};
use golive_facts::compose::{ComposeFiles, var_refs};

pub struct SetVarsAreRead;

static META: CheckMeta = CheckMeta {
    code: "CONTRACT002",
    slug: "contract-set-vars-are-read",
    category: Category::Configuration,
    severity: Severity::Medium,
    summary: "Every variable production sets for the application is read by something (with a did-you-mean)",
    doc: CheckDoc {
        what: "Every variable that production sets for the application — a production env \
file, a production compose service built from this repository (included files too), or a \
Kubernetes application container's `env` and `envFrom` ConfigMap/Secret keys (with `prefix`), \
Helm values copied into `env` (see CONTRACT001) — must be read by the application's code \
(directly or through its own helper, such as Go's `getEnv(\"PORT\", \"8080\")`), used in the production compose files' `${…}` interpolation, \
used by a script or Dockerfile (`${FRONTEND_ADDR}` in an entrypoint) or by Java, Kotlin, C#, \
Ruby or PHP code through its environment API (found by pattern), or belong to a well-known \
consumer (the database and cache images' `POSTGRES_*`/`MYSQL_*`, runtimes' `PYTHON*`/`NODE_*`, \
servers' `GUNICORN_*`/`UVICORN_*`/`WEB_CONCURRENCY`, SDKs' `AWS_*`/`OTEL_*`/`SENTRY_*`, `TZ`, \
`PORT`, …). A set variable whose name is a typo of one the code reads (one edit in five \
characters, or the same `__` prefix as an unset read) is a failure with a did-you-mean; any \
other unread variable is a warning. Each finding points at the line that \
sets the variable: the env file, the compose file (the included one when it comes from an \
`include:`), the manifest's `env` entry or ConfigMap key, or the Helm values file line.",
        why: "A variable set but never read is usually a typo or a rename that the code followed \
and the deployment did not: production sets `DATABASE__NAME`, the settings read \
`DATABASE__DATABASE`, and the service connects to the default database. Nothing errors; the \
value is simply ignored.",
        fix: "Rename the variable to what the code reads (the finding suggests the closest name), \
or delete it from the deployment if nothing needs it.",
        example: "```yaml\n# docker-compose.prod.yml — fails: nothing reads DATABASE__NAME (did you mean DATABASE__DATABASE?)\nservices:\n  api:\n    environment:\n      DATABASE__NAME: shop\n```\n```yaml\n# k8s/configmap.yaml, loaded by the api container's envFrom — fails the same way\nkind: ConfigMap\nmetadata: {name: api-config}\ndata:\n  DATABASE__NAME: shop\n```",
    },
    params: &[],
    requires: &[],
    keywords: &[
        "environment variables",
        "unused variables",
        "typo",
        "did you mean",
        "configuration contract",
        "env file",
        "compose environment",
        "ConfigMap keys",
    ],
};

const CONSUMED_PREFIXES: &[&str] = &[
    "POSTGRES_",
    "PG",
    "MYSQL_",
    "MARIADB_",
    "MONGO_INITDB_",
    "REDIS_ARGS",
    "RABBITMQ_",
    "MINIO_",
    "PYTHON",
    "PIP_",
    "NODE_",
    "NPM_",
    "GUNICORN_",
    "UVICORN_",
    "HYPERCORN_",
    "AWS_",
    "OTEL_",
    "SENTRY_",
    "DD_",
    "NEW_RELIC_",
    "LC_",
    "GO",
    "RUST_",
    "JAVA_",
    "DJANGO_SETTINGS_MODULE",
    "FLASK_",
    "COMPOSE_",
    "DOCKER_",
    "VIRTUAL_",
    "LETSENCRYPT_",
    "TRAEFIK_",
    "GF_",
    "ELASTIC_",
    "KAFKA_",
    "CELERY_",
    "UV_",
    "POETRY_",
    "GOOGLE_APPLICATION_CREDENTIALS",
    "SSL_CERT_",
    "REQUESTS_CA_BUNDLE",
];
const CONSUMED: &[&str] = &[
    "TZ",
    "PORT",
    "HOST",
    "LANG",
    "PATH",
    "HOME",
    "WEB_CONCURRENCY",
    "FORWARDED_ALLOW_IPS",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "NO_PROXY",
    "http_proxy",
    "https_proxy",
    "no_proxy",
    "PUID",
    "PGID",
    "UMASK",
];

fn consumed(name: &str) -> bool {
    CONSUMED.contains(&name) || CONSUMED_PREFIXES.iter().any(|p| name.starts_with(p))
}

#[async_trait::async_trait]
impl Check for SetVarsAreRead {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let (reads, sets) = match facts(cx).await {
            Ok(f) => f,
            Err(o) => return o,
        };
        let compose = match cx.facts.get::<ComposeFiles>().await {
            Ok(c) => c,
            Err(e) => return e.outcome(),
        };
        if sets.sources.is_empty() {
            return Outcome::skipped(NO_DEPLOYMENT);
        }
        if reads.reads.is_empty() {
            return Outcome::skipped(format!(
                "no environment variable read found in {} parsed source file(s); cannot tell what the code reads",
                reads.files_parsed
            ));
        }
        let mut interpolated = std::collections::HashSet::new();
        for p in &compose.production {
            for s in &p.services {
                for n in s.node.scalars() {
                    for r in var_refs(n.str().unwrap_or("")) {
                        interpolated.insert(r.name);
                    }
                }
            }
        }
        let read_names: Vec<String> = {
            let mut v: Vec<String> = reads
                .reads
                .iter()
                .map(|r| {
                    if r.case_insensitive {
                        r.name.to_ascii_uppercase()
                    } else {
                        r.name.clone()
                    }
                })
                .collect();
            v.sort();
            v.dedup();
            v
        };
        let candidates: Vec<&str> = read_names.iter().map(String::as_str).collect();
        // Reads the deployment leaves unset are the likeliest targets of a misspelt name.
        let missing: Vec<String> = reads
            .reads
            .iter()
            .filter(|r| !r.has_default && !super::provided(r, &sets))
            .map(|r| {
                if r.case_insensitive {
                    r.name.to_ascii_uppercase()
                } else {
                    r.name.clone()
                }
            })
            .collect();
        // Each name once, where it was last read: a name read in many places is compared once,
        // and of two equally close names the same one wins as before (the later one).
        let mut once = std::collections::HashSet::new();
        let mut missing: Vec<&str> = missing
            .iter()
            .rev()
            .map(String::as_str)
            .filter(|m| once.insert(*m))
            .collect();
        missing.reverse();
        let suggest_uncached = |name: &str| -> Option<String> {
            let upper = name.to_ascii_uppercase();
            if let Some((prefix, _)) = upper.rsplit_once("__") {
                let same: Vec<&str> = missing
                    .iter()
                    .copied()
                    .filter(|m| m.starts_with(&format!("{prefix}__")))
                    .collect();
                if same.len() == 1 {
                    return Some(same[0].to_string());
                }
            }
            close_name(&upper, &missing)
                .or_else(|| close_name(&upper, &candidates))
                .map(str::to_string)
        };
        // A name set in many files is looked up once.
        let mut suggested: std::collections::HashMap<String, Option<String>> =
            std::collections::HashMap::new();
        let mut suggest = |name: &str| -> Option<String> {
            suggested
                .entry(name.to_string())
                .or_insert_with(|| suggest_uncached(name))
                .clone()
        };
        let mut findings = Findings::new();
        let mut seen = std::collections::HashSet::new();
        let mut by_pattern = Vec::new();
        for s in &sets.sets {
            findings.inspected();
            if reads.reads_var(&s.name) || interpolated.contains(&s.name) || consumed(&s.name) {
                continue;
            }
            if let Some(m) = reads.mentioned(&s.name) {
                if !by_pattern.iter().any(|(n, _)| *n == s.name) {
                    by_pattern.push((s.name.clone(), m));
                }
                continue;
            }
            if !seen.insert((s.name.clone(), s.file.clone())) {
                continue;
            }
            let at = Location::line(s.file.clone(), s.line);
            match suggest(&s.name) {
                Some(m) => findings.fail(
                    format!(
                        "{} is set ({}) but nothing reads it; did you mean {m}?",
                        s.name, s.source
                    ),
                    at,
                ),
                None => findings.warn(
                    format!(
                        "{} is set ({}) but nothing in the code reads it",
                        s.name, s.source
                    ),
                    at,
                ),
            }
        }
        let mut outcome = findings.into_outcome(
            "every variable production sets is read",
            NO_DEPLOYMENT,
            "rename the variable to what the code reads, or remove it",
        );
        if let Some((name, m)) = by_pattern.first() {
            outcome.evidence.push(format!(
                "{} set variable(s) are used only by scripts, Dockerfiles or code golive matches by pattern, not parses (first {name} at {}:{})",
                by_pattern.len(),
                m.file,
                m.line
            ));
        }
        if !reads.dynamic.is_empty() {
            let (f, l) = &reads.dynamic[0];
            outcome.evidence.push(format!(
                "{} read(s) use a computed variable name (first at {f}:{l}); an unread variable may still be read there",
                reads.dynamic.len()
            ));
        }
        outcome
    }
}
