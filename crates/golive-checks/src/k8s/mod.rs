//! Kubernetes manifests and Helm charts: what a cluster needs to run the service safely.
//!
//! Every check reads the [`Manifests`] fact. Helm charts are read from `values*.yaml` and their
//! templates without rendering; a pass over a chart says so, and a value golive could not
//! resolve makes that object's result a warning, never a pass.

mod k8s001_manifest_syntax;
mod k8s002_resources;
mod k8s003_probes;
mod k8s004_run_as_non_root;
mod k8s005_read_only_root_fs;
mod k8s006_no_privilege_escalation;
mod k8s007_image_pinned;
mod k8s008_pdb_for_replicas;
mod k8s009_hpa;
mod k8s010_network_policy;
mod k8s011_no_literal_secrets;
mod k8s012_service_account_token;
mod k8s013_pod_security_labels;
mod k8s014_spread_replicas;
mod k8s015_seccomp_profile;
mod k8s016_drop_capabilities;

use golive_core::{Check, CheckCx, Findings, Location, Outcome, Status};
use golive_facts::manifests::{K8sObject, Manifests, has_unresolved};
use golive_facts::yaml_tree::Node;
use std::sync::Arc;

pub const CHECKS: &[&dyn Check] = &[
    &k8s001_manifest_syntax::ManifestSyntax,
    &k8s002_resources::Resources,
    &k8s003_probes::Probes,
    &k8s004_run_as_non_root::RunAsNonRoot,
    &k8s005_read_only_root_fs::ReadOnlyRootFs,
    &k8s006_no_privilege_escalation::NoPrivilegeEscalation,
    &k8s007_image_pinned::ImagePinned,
    &k8s008_pdb_for_replicas::PdbForReplicas,
    &k8s009_hpa::Hpa,
    &k8s010_network_policy::NetworkPolicy,
    &k8s011_no_literal_secrets::NoLiteralSecrets,
    &k8s012_service_account_token::ServiceAccountToken,
    &k8s013_pod_security_labels::PodSecurityLabels,
    &k8s014_spread_replicas::SpreadReplicas,
    &k8s015_seccomp_profile::SeccompProfile,
    &k8s016_drop_capabilities::DropCapabilities,
];

/// Why a Kubernetes check has nothing to look at.
pub const NO_MANIFESTS: &str = "no Kubernetes manifests or Helm charts found (manifests in golive.toml, or YAML files with apiVersion and kind)";

pub(crate) async fn manifests(cx: &CheckCx<'_>) -> Result<Arc<Manifests>, Outcome> {
    cx.facts.get::<Manifests>().await.map_err(|e| e.outcome())
}

pub(crate) fn at(o: &K8sObject, line: u32) -> Location {
    Location::line(o.file.clone(), if line == 0 { o.line } else { line })
}

/// The line of `key` in `node`, or the node's own line.
pub(crate) fn key_line(node: &Node, key: &str) -> u32 {
    node.entry(key).map(|e| e.line).unwrap_or(node.line)
}

/// `web` container of `Deployment/api`.
pub(crate) fn cname(o: &K8sObject, c: &Node) -> String {
    let name = c
        .at("name")
        .scalar_text()
        .unwrap_or_else(|| "<unnamed>".into())
        .replace(golive_facts::helm::UNRESOLVED, "{{…}}");
    format!("container {name} of {}", o.display())
}

/// Records that `o` could not be decided because a Helm value was not resolved.
pub(crate) fn undecided(f: &mut Findings, o: &K8sObject, line: u32, what: &str) {
    f.push(
        Status::Warn,
        format!(
            "{what} of {} depends on a Helm expression golive cannot resolve without rendering",
            o.display()
        ),
        Some(at(o, line)),
    );
}

pub(crate) fn unresolved(n: &Node) -> bool {
    has_unresolved(n)
}

/// Folds findings; a pass over a Helm chart says it was not rendered, and a pass while some
/// manifest did not parse is only a warning.
pub(crate) fn finish(findings: Findings, m: &Manifests, pass: &str, fix: &str) -> Outcome {
    let nothing = if m.objects.is_empty() {
        NO_MANIFESTS.to_string()
    } else {
        format!(
            "none of the {} Kubernetes object(s) found is a workload this check applies to",
            m.objects.len()
        )
    };
    let mut out = findings.into_outcome(pass, nothing, fix);
    if out.status == Status::Pass {
        if m.has_helm() {
            out.message
                .push_str(" (Helm charts read from values and templates without rendering)");
        }
        if !m.errors.is_empty() {
            out.status = Status::Warn;
            out.message = format!(
                "{}, but {} manifest file(s) could not be parsed (see K8S001)",
                out.message,
                m.errors.len()
            );
            for e in &m.errors {
                let loc = match e.line {
                    Some(l) => Location::line(e.file.clone(), l),
                    None => Location::file(e.file.clone()),
                };
                out.evidence.push(format!("{loc}: {}", e.message));
                out.locations.push(loc);
            }
        }
    }
    out
}

/// Calls `visit` for every container (and, when `init` is true, init container) of every
/// workload that `select` accepts, counting each workload as inspected.
pub(crate) fn each_container<'a>(
    m: &'a Manifests,
    init: bool,
    select: impl Fn(&K8sObject) -> bool,
    findings: &mut Findings,
    mut visit: impl FnMut(&'a K8sObject, &'a Node, &'a Node, &mut Findings),
) {
    for o in m.workloads().filter(|o| select(o)) {
        let Some(spec) = o.pod_spec() else {
            findings.push(
                Status::Warn,
                format!("{} has no pod template spec", o.display()),
                Some(at(o, 0)),
            );
            continue;
        };
        findings.inspected();
        let mut list: Vec<&Node> = o.containers().iter().collect();
        if init {
            list.extend(o.init_containers());
        }
        for c in list {
            visit(o, c, spec, findings);
        }
    }
}

/// The effective security-context field for a container: the container's, else the pod's.
pub(crate) fn effective<'a>(c: &'a Node, spec: &'a Node, key: &str) -> Option<&'a Node> {
    c.path(&["securityContext", key])
        .filter(|n| !n.is_null())
        .or_else(|| {
            spec.path(&["securityContext", key])
                .filter(|n| !n.is_null())
        })
}

/// Replica count of a workload, taking an HPA that targets it into account (its
/// `minReplicas`). `None` when it cannot be read.
pub(crate) fn min_replicas(m: &Manifests, o: &K8sObject) -> Option<i64> {
    let hpa_min = hpa_for(m, o).map(|h| {
        h.doc
            .path(&["spec", "minReplicas"])
            .and_then(|n| n.as_i64())
            .unwrap_or(1)
    });
    match (o.replicas(), hpa_min) {
        (_, Some(h)) => Some(h),
        (r, None) => r,
    }
}

pub(crate) fn hpa_for<'a>(m: &'a Manifests, o: &K8sObject) -> Option<&'a K8sObject> {
    m.of_kind("HorizontalPodAutoscaler").find(|h| {
        let t = h.doc.at("spec").at("scaleTargetRef");
        t.at("kind").scalar_text().as_deref() == Some(o.kind.as_str())
            && t.at("name").scalar_text().as_deref() == Some(o.name.as_str())
            && same_namespace(h, o)
    })
}

/// Objects without a namespace are applied to the same one (`kubectl -n`), so they match.
pub(crate) fn same_namespace(a: &K8sObject, b: &K8sObject) -> bool {
    a.namespace == b.namespace || a.namespace.is_none() || b.namespace.is_none()
}
