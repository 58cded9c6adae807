use golive_core::{
    Category, Check, CheckCx, CheckDoc, CheckMeta, Input, Outcome, ParamKind, ParamSpec, Severity,
};
use golive_facts::vault::VaultSecretMeta;

pub struct SecretPathsExist;

static META: CheckMeta = CheckMeta {
    code: "VAULT003",
    slug: "vault-secret-paths-exist",
    category: Category::Secrets,
    severity: Severity::High,
    summary: "The secrets the application reads exist in Vault (metadata only)",
    doc: CheckDoc {
        what: "For each path in `paths`, reads `GET /v1/<mount>/metadata/<path>` with \
`VAULT_TOKEN`: the KV v2 metadata, never the value. Fails when a path does not exist or its \
current version is deleted or destroyed; a path the token may not read is an error. Skipped \
when no paths are configured.",
        why: "A secret missing in one environment is found by the first request that needs it, \
usually in production at night.",
        fix: "Write the secret (`vault kv put <mount>/<path> ...`) or undelete its version \
(`vault kv undelete`), and grant the application's policy `read` on it.",
        example: "```toml\n[checks.VAULT003]\nmount = \"secret\"\npaths = [\"app/database\", \"app/stripe\"]\n```",
    },
    params: &[
        ParamSpec {
            name: "mount",
            kind: ParamKind::Str,
            default: "secret",
            help: "the KV v2 mount the paths live under",
        },
        ParamSpec {
            name: "paths",
            kind: ParamKind::List,
            default: "",
            help: "secret paths below the mount that must exist (e.g. app/database)",
        },
    ],
    requires: &[Input::VaultUrl],
    keywords: &[
        "vault secrets",
        "secrets stored in vault",
        "secret paths",
        "vault kv",
    ],
};

#[async_trait::async_trait]
impl Check for SecretPathsExist {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let paths = cx.params.list("paths");
        if paths.is_empty() {
            return Outcome::skipped("no secret paths configured (set paths in [checks.VAULT003])");
        }
        if let Err(o) = super::vault(cx).await {
            return o;
        }
        let mount = cx.params.str("mount").trim_matches('/').to_string();
        let mut ev = Vec::new();
        let mut missing = Vec::new();
        let mut errors = Vec::new();
        for p in paths {
            match cx
                .facts
                .get_keyed::<VaultSecretMeta>(&(mount.clone(), p.clone()))
                .await
            {
                Ok(m) if !m.exists => {
                    ev.push(format!("GET /v1/{mount}/metadata/{p} -> 404"));
                    missing.push(format!("{p} does not exist"));
                }
                Ok(m) if m.current_deleted => {
                    ev.push(format!(
                        "GET /v1/{mount}/metadata/{p} -> current_version {} deleted",
                        m.current_version.unwrap_or(0)
                    ));
                    missing.push(format!("{p}'s current version is deleted"));
                }
                Ok(m) => ev.push(format!(
                    "GET /v1/{mount}/metadata/{p} -> current_version {}",
                    m.current_version.unwrap_or(0)
                )),
                Err(e) => {
                    ev.push(format!("{p}: {}", e.message));
                    errors.push(p.clone());
                }
            }
        }
        if !missing.is_empty() {
            return Outcome::fail(missing.join("; "))
                .with_evidence(ev)
                .fix(format!("vault kv put {mount}/<path> ... (or vault kv undelete), and grant the app's policy read on it"));
        }
        if !errors.is_empty() {
            return Outcome::error(format!(
                "could not read the metadata of {}",
                errors.join(", ")
            ))
            .with_evidence(ev);
        }
        Outcome::pass(format!(
            "{} secret path(s) exist under {mount}/",
            paths.len()
        ))
        .with_evidence(ev)
    }
}
