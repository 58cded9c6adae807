use super::{at, finish, manifests, undecided};
use golive_core::redact::redact;
use golive_core::{Category, Check, CheckCx, CheckDoc, CheckMeta, Findings, Outcome, Severity};
use golive_facts::manifests::is_unresolved_text;

pub struct NoLiteralSecrets;

static META: CheckMeta = CheckMeta {
    code: "K8S011",
    slug: "k8s-no-literal-secret-data",
    category: Category::Secrets,
    severity: Severity::Critical,
    summary: "No Kubernetes Secret with literal data or stringData is committed",
    doc: CheckDoc {
        what: "Every `kind: Secret` manifest in the repository (and every Secret a Helm chart renders \
from literal values) must have no non-empty value under `data` or `stringData`. Each value found \
fails at its line; values are shown redacted (length and fingerprint), never decoded or printed. \
Secrets whose values come from unresolved template expressions are not literal and are not flagged.",
        why: "`data` is base64, not encryption: a Secret in git is a password in git, readable by \
everyone with the repository, its forks, CI logs and backups, forever (history keeps it after the \
file is deleted).",
        fix: "Rotate the exposed values, delete the manifest, and create the Secret from a secret \
store: External Secrets Operator, Sealed Secrets (`kind: SealedSecret`), SOPS-encrypted files, or \
`kubectl create secret` in the deploy pipeline.",
        example: "```yaml\n# fails\nkind: Secret\ndata:\n  DB_PASSWORD: cGFzc3dvcmQ=\n# passes: a SealedSecret or an ExternalSecret instead\nkind: ExternalSecret\n```",
    },
    params: &[],
    requires: &[],
    keywords: &[
        "Secret",
        "secrets in git",
        "stringData",
        "kubernetes secret",
        "sealed secrets",
        "external secrets",
    ],
};

#[async_trait::async_trait]
impl Check for NoLiteralSecrets {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let m = match manifests(cx).await {
            Ok(m) => m,
            Err(o) => return o,
        };
        let mut f = Findings::new();
        for _ in &m.objects {
            f.inspected();
        }
        for s in m.of_kind("Secret") {
            for section in ["data", "stringData"] {
                for e in s.doc.at(section).entries() {
                    let Some(v) = e.node.scalar_text() else {
                        continue;
                    };
                    if v.trim().is_empty() {
                        continue;
                    }
                    if is_unresolved_text(&v) {
                        undecided(&mut f, s, e.line, &format!("{section}.{}", e.key));
                        continue;
                    }
                    f.fail(
                        format!(
                            "{} has literal {section}.{} {}",
                            s.display(),
                            e.key,
                            redact(&v)
                        ),
                        at(s, e.line),
                    );
                }
            }
        }
        finish(
            f,
            &m,
            "no Secret with literal data is committed",
            "rotate the values, remove the Secret from git and create it from a secret store (External Secrets, Sealed Secrets, SOPS)",
        )
    }
}
