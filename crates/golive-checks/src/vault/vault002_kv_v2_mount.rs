use golive_core::{
    Category, Check, CheckCx, CheckDoc, CheckMeta, Input, Outcome, ParamKind, ParamSpec, Severity,
};
use golive_facts::vault::VaultMount;

pub struct KvV2Mount;

static META: CheckMeta = CheckMeta {
    code: "VAULT002",
    slug: "vault-kv-v2-mount",
    category: Category::Secrets,
    severity: Severity::High,
    summary: "A KV version 2 secrets engine is mounted at the configured path",
    doc: CheckDoc {
        what: "Reads `GET /v1/sys/mounts/<mount>` (or, for tokens without access to \
`sys/mounts`, `GET /v1/sys/internal/ui/mounts/<mount>`) with `VAULT_TOKEN`. Fails when nothing \
is mounted at `mount`, when it is not `kv`, or when it is KV version 1.",
        why: "Applications written for KV v2 read `<mount>/data/<path>`; against a missing or v1 \
mount every read fails. KV v2 also keeps versions, so an overwritten secret can be recovered.",
        fix: "`vault secrets enable -path=secret kv-v2`, or upgrade a v1 mount with `vault kv \
enable-versioning secret/`.",
        example: "```toml\n[checks.VAULT002]\nmount = \"secret\"\n```\n\n`sys/mounts/secret -> type=kv version=1` fails.",
    },
    params: &[ParamSpec {
        name: "mount",
        kind: ParamKind::Str,
        default: "secret",
        help: "the path of the KV v2 secrets engine",
    }],
    requires: &[Input::VaultUrl],
    keywords: &[
        "KV secrets engine",
        "kv-v2",
        "secret/",
        "KV secrets engine enabled at secret/",
    ],
};

#[async_trait::async_trait]
impl Check for KvV2Mount {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        // A Vault that does not answer its health endpoint is VAULT001's failure, not a second
        // timeout here.
        if let Err(o) = super::vault(cx).await {
            return o;
        }
        let mount = cx.params.str("mount").trim_matches('/').to_string();
        let m = match cx.facts.get_keyed::<VaultMount>(&mount).await {
            Ok(m) => m,
            Err(e) => return e.outcome(),
        };
        let ev = format!(
            "{} -> type={} version={}",
            m.source,
            m.kind.as_deref().unwrap_or("-"),
            m.version.as_deref().unwrap_or("-")
        );
        let fix = format!("vault secrets enable -path={mount} kv-v2");
        match (m.kind.as_deref(), m.version.as_deref()) {
            (None, _) => Outcome::fail(format!("nothing is mounted at {mount}/"))
                .evidence(ev)
                .fix(fix),
            (Some("kv"), Some("2")) => {
                Outcome::pass(format!("KV v2 is mounted at {mount}/")).evidence(ev)
            }
            (Some("kv"), _) => Outcome::fail(format!("{mount}/ is KV version 1"))
                .evidence(ev)
                .fix(format!("vault kv enable-versioning {mount}/")),
            (Some(other), _) => Outcome::fail(format!("{mount}/ is a {other} engine, not KV v2"))
                .evidence(ev)
                .fix(fix),
        }
    }
}
