use super::{NO_MANIFESTS, manifests};
use golive_core::{
    Category, Check, CheckCx, CheckDoc, CheckMeta, Findings, Location, Outcome, Severity,
};

pub struct ManifestSyntax;

static META: CheckMeta = CheckMeta {
    code: "K8S001",
    slug: "k8s-manifest-syntax",
    category: Category::Deployment,
    severity: Severity::High,
    summary: "Kubernetes manifests and Helm values parse, and the manifests golive.toml names exist",
    doc: CheckDoc {
        what: "Parses every Kubernetes manifest (YAML files with top-level `apiVersion` and `kind`, or \
the `manifests` files and directories of the selected environment in golive.toml), every Helm chart's \
`Chart.yaml` and `values*.yaml`, and every chart template after golive's line-preserving \
approximation of rendering. Each file that does not parse fails with its line; each configured path \
that does not exist fails.",
        why: "`kubectl apply` stops at the first invalid document and leaves the cluster half \
updated; a typo in indentation silently moves a field (a probe, a limit) to where Kubernetes ignores it. \
A manifest directory named in golive.toml that does not exist means nothing is checked.",
        fix: "Fix the YAML at the reported line (indentation, an unclosed bracket or quote), or correct \
the path in golive.toml. `kubectl apply --dry-run=client -f FILE` shows the same error.",
        example: "```yaml\n# fails: the flow sequence is never closed\nports: [80, 443\n# passes\nports: [80, 443]\n```",
    },
    params: &[],
    requires: &[],
    keywords: &["kubernetes", "manifest", "kubectl", "helm", "yaml", "k8s"],
};

#[async_trait::async_trait]
impl Check for ManifestSyntax {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let m = match manifests(cx).await {
            Ok(m) => m,
            Err(o) => return o,
        };
        let mut f = Findings::new();
        for missing in &m.missing_configured {
            f.inspected();
            f.fail(
                format!("{missing} is named in golive.toml manifests but does not exist"),
                Location::file(missing.clone()),
            );
        }
        for e in &m.errors {
            f.inspected();
            let loc = match e.line {
                Some(l) => Location::line(e.file.clone(), l),
                None => Location::file(e.file.clone()),
            };
            if e.helm {
                // golive's approximation failed, not necessarily the chart: cannot decide.
                f.push(
                    golive_core::Status::Warn,
                    format!(
                        "{} could not be read without rendering: {}",
                        e.file, e.message
                    ),
                    Some(loc),
                );
            } else {
                f.fail(format!("{} does not parse: {}", e.file, e.message), loc);
            }
        }
        let files: std::collections::BTreeSet<&str> =
            m.objects.iter().map(|o| o.file.as_str()).collect();
        for _ in &files {
            f.inspected();
        }
        let mut out = f.into_outcome(
            format!("{} manifest file(s) parse", files.len()),
            NO_MANIFESTS,
            "fix the YAML at the reported line; kubectl apply --dry-run=client -f FILE shows the same error",
        );
        if out.status == golive_core::Status::Pass && m.has_helm() {
            out.message
                .push_str(" (Helm templates read without rendering)");
        }
        out
    }
}
