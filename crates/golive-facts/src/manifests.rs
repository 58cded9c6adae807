//! Kubernetes manifests and Helm charts of the repository, parsed into objects with lines.
//!
//! Which files: the `manifests` of the selected environment in golive.toml (files or
//! directories), or else every YAML file of the repository index whose content has top-level
//! `apiVersion:` and `kind:` (outside test and example directories). Helm charts (a directory
//! with `Chart.yaml`) contribute their `templates/`, approximated by [`crate::helm`] with
//! `values.yaml` (overlaid by `values-production.yaml`/`values-prod.yaml` when present).

use crate::helm::{self, HelmContext, UNRESOLVED};
use crate::repo_index::{
    FileKind, RepoIndex, ancestors, helm_template_chart, is_test_or_example_path,
};
use crate::yaml_tree::{Node, parse_documents};
use golive_core::{Fact, FactError, Facts};
use std::collections::{HashMap, HashSet};

/// Where an object came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Plain,
    /// A Helm template of the chart in this directory, read without rendering.
    Helm {
        chart: String,
    },
}

#[derive(Debug, Clone)]
pub struct K8sObject {
    pub file: String,
    /// Line of the `kind:` key.
    pub line: u32,
    pub api_version: String,
    pub kind: String,
    pub name: String,
    pub namespace: Option<String>,
    pub doc: Node,
    pub origin: Origin,
    /// Template expressions in this object's file that could not be resolved.
    pub unresolved: usize,
}

/// A manifest that could not be parsed: named by file and line, and the run goes on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestError {
    pub file: String,
    pub line: Option<u32>,
    pub message: String,
    /// A Helm template that golive's approximation of rendering could not turn into YAML:
    /// a limit of golive, not necessarily a defect of the chart.
    pub helm: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Manifests {
    pub objects: Vec<K8sObject>,
    pub errors: Vec<ManifestError>,
    /// Files golive.toml names that do not exist.
    pub missing_configured: Vec<String>,
    /// Chart directories found.
    pub charts: Vec<String>,
    pub configured: bool,
    /// Images that a deploy tool tags when it deploys: a kustomization's `images:` with a
    /// `newTag` or `digest`, a Skaffold artifact (tagged on every build).
    pub retagged: Vec<Retag>,
    /// The positions in `objects` of each kind, built on the first [`Manifests::of_kind`]:
    /// checks look up the HPA, the PDBs, the policies and the service accounts of every
    /// workload, which scanning all objects made quadratic on a repository of charts.
    by_kind: std::sync::OnceLock<(usize, HashMap<String, Vec<usize>>)>,
    /// ConfigMaps and Secrets a kustomization generates (`configMapGenerator`,
    /// `secretGenerator`): not objects of the repository, but what `envFrom` may name.
    pub generated: Vec<Generated>,
}

/// A ConfigMap or Secret a kustomization generates, with the keys it will hold and where each
/// is written (the literal in the kustomization, the line of an env file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    /// `ConfigMap` or `Secret`.
    pub kind: &'static str,
    pub name: String,
    /// The kustomization's `namespace`, when it sets one.
    pub namespace: Option<String>,
    /// The kustomization file and the generator's line.
    pub file: String,
    pub line: u32,
    /// (key, file, line).
    pub keys: Vec<(String, String, u32)>,
    /// Why some keys cannot be listed (an env file that is missing or unreadable), if any.
    pub opaque: Option<String>,
}

/// An image name a deploy tool sets the tag of, and where it says so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Retag {
    pub image: String,
    pub file: String,
    pub line: u32,
}

impl Manifests {
    /// Where a deploy tool tags `image` (written without a tag), if one does.
    pub fn retag_of(&self, image: &str) -> Option<&Retag> {
        self.retagged.iter().find(|r| r.image == image)
    }
}

/// The workload kinds whose pod template golive reads.
pub const WORKLOAD_KINDS: &[&str] = &[
    "Pod",
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "ReplicationController",
    "Job",
    "CronJob",
];

impl K8sObject {
    pub fn is_workload(&self) -> bool {
        WORKLOAD_KINDS.contains(&self.kind.as_str())
    }

    /// Long-running workloads (not Jobs): they serve, so they need probes, PDBs and the like.
    pub fn is_long_running(&self) -> bool {
        matches!(
            self.kind.as_str(),
            "Pod"
                | "Deployment"
                | "StatefulSet"
                | "DaemonSet"
                | "ReplicaSet"
                | "ReplicationController"
        )
    }

    /// The pod template's metadata and spec.
    pub fn pod_template(&self) -> Option<&Node> {
        match self.kind.as_str() {
            "Pod" => Some(&self.doc),
            "CronJob" => self.doc.path(&["spec", "jobTemplate", "spec", "template"]),
            k if WORKLOAD_KINDS.contains(&k) => self.doc.path(&["spec", "template"]),
            _ => None,
        }
    }

    pub fn pod_spec(&self) -> Option<&Node> {
        self.pod_template().and_then(|t| t.get("spec"))
    }

    pub fn pod_labels(&self) -> Vec<(String, String)> {
        self.pod_template()
            .and_then(|t| t.path(&["metadata", "labels"]))
            .map(|l| {
                l.entries()
                    .iter()
                    .filter_map(|e| e.node.scalar_text().map(|v| (e.key.clone(), v)))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// `containers` of the pod spec (not init containers).
    pub fn containers(&self) -> &[Node] {
        self.pod_spec()
            .map(|s| s.at("containers").as_seq())
            .unwrap_or(&[])
    }

    pub fn init_containers(&self) -> &[Node] {
        self.pod_spec()
            .map(|s| s.at("initContainers").as_seq())
            .unwrap_or(&[])
    }

    /// `spec.replicas` (1 when absent, as Kubernetes defaults it); `None` when not a number.
    pub fn replicas(&self) -> Option<i64> {
        match self.kind.as_str() {
            "Deployment" | "StatefulSet" | "ReplicaSet" | "ReplicationController" => {
                match self.doc.path(&["spec", "replicas"]) {
                    None => Some(1),
                    Some(n) if n.is_null() => Some(1),
                    Some(n) => n.as_i64(),
                }
            }
            _ => None,
        }
    }

    /// Human name for messages: `Deployment/web`.
    pub fn display(&self) -> String {
        format!("{}/{}", self.kind, self.name)
    }

    pub fn is_helm(&self) -> bool {
        matches!(self.origin, Origin::Helm { .. })
    }
}

/// Whether a node holds an unresolved Helm expression anywhere beneath it.
pub fn has_unresolved(n: &Node) -> bool {
    let mut found = false;
    n.walk(&mut |x| {
        if x.as_str().is_some_and(|s| s.contains(UNRESOLVED)) || x.get(UNRESOLVED).is_some() {
            found = true;
        }
    });
    found
}

/// Whether `s` holds an unresolved Helm expression.
pub fn is_unresolved_text(s: &str) -> bool {
    s.contains(UNRESOLVED)
}

/// Quick content test before a parse: a top-level `apiVersion:` and `kind:`.
pub fn looks_like_manifest(text: &str) -> bool {
    let mut api = false;
    let mut kind = false;
    for line in text.lines() {
        if line.starts_with("apiVersion:") {
            api = true;
        } else if line.starts_with("kind:") {
            kind = true;
        }
        if api && kind {
            return true;
        }
    }
    false
}

/// Extracts the Kubernetes objects of one parsed file (a `List` is flattened).
pub fn objects_of(
    file: &str,
    docs: Vec<Node>,
    origin: &Origin,
    unresolved: usize,
) -> Vec<K8sObject> {
    let mut out = Vec::new();
    for doc in docs {
        push_object(file, doc, origin, unresolved, &mut out);
    }
    out
}

fn push_object(
    file: &str,
    doc: Node,
    origin: &Origin,
    unresolved: usize,
    out: &mut Vec<K8sObject>,
) {
    let (Some(kind), Some(api)) = (
        doc.get("kind").and_then(|k| k.scalar_text()),
        doc.get("apiVersion").and_then(|k| k.scalar_text()),
    ) else {
        return;
    };
    // A strategic-merge patch's directive (`$patch: delete`): a patch, not an object.
    if doc.get("$patch").is_some() {
        return;
    }
    if kind == "List" || kind.ends_with("List") && doc.get("items").is_some() {
        for item in doc.at("items").as_seq() {
            push_object(file, item.clone(), origin, unresolved, out);
        }
        return;
    }
    let line = doc.entry("kind").map(|e| e.line).unwrap_or(doc.line);
    let name = doc
        .path(&["metadata", "name"])
        .and_then(|n| n.scalar_text())
        .unwrap_or_else(|| "<unnamed>".into())
        .replace(UNRESOLVED, "{{…}}");
    let namespace = doc
        .path(&["metadata", "namespace"])
        .and_then(|n| n.scalar_text())
        .filter(|s| !s.is_empty());
    out.push(K8sObject {
        file: file.to_string(),
        line,
        api_version: api,
        kind,
        name,
        namespace,
        doc,
        origin: origin.clone(),
        unresolved,
    });
}

fn parse_values(index: &RepoIndex, rel: &str, errors: &mut Vec<ManifestError>) -> Option<Node> {
    let text = index.read_text(rel).ok()?;
    match parse_documents(&text) {
        Ok(docs) => docs.into_iter().next(),
        Err(e) => {
            errors.push(ManifestError {
                file: rel.to_string(),
                line: e.line,
                message: e.message,
                helm: false,
            });
            None
        }
    }
}

fn chart_context(
    index: &RepoIndex,
    chart_dir: &str,
    errors: &mut Vec<ManifestError>,
) -> HelmContext {
    let join = |name: &str| {
        if chart_dir.is_empty() {
            name.to_string()
        } else {
            format!("{chart_dir}/{name}")
        }
    };
    let chart = parse_values(index, &join("Chart.yaml"), errors);
    let text = |k: &str| {
        chart
            .as_ref()
            .and_then(|c| c.get(k))
            .and_then(|n| n.scalar_text())
            .unwrap_or_default()
    };
    let mut values = parse_values(index, &join("values.yaml"), errors);
    for overlay in [
        "values-production.yaml",
        "values-prod.yaml",
        "values.production.yaml",
        "values.prod.yaml",
    ] {
        let rel = join(overlay);
        if index.get(&rel).is_some()
            && let Some(o) = parse_values(index, &rel, errors)
        {
            match values.as_mut() {
                Some(v) => helm::merge_values(v, &o),
                None => values = Some(o),
            }
        }
    }
    HelmContext {
        values,
        chart_name: text("name"),
        chart_version: text("version"),
        app_version: text("appVersion"),
    }
}

/// What golive reads of the repository's kustomizations.
struct Kustomized {
    /// The files they name as patches (`patches[].path`, `patchesStrategicMerge`,
    /// `patchesJson6902[].path`), relative to the root.
    patches: std::collections::HashSet<String>,
    /// The images they set a tag or digest for.
    retagged: Vec<Retag>,
    /// The ConfigMaps and Secrets they generate.
    generated: Vec<Generated>,
}

fn read_kustomizations(index: &RepoIndex) -> Kustomized {
    let mut out = std::collections::HashSet::new();
    let mut retagged = Vec::new();
    let mut generated = Vec::new();
    for f in &index.files {
        if !matches!(
            f.name(),
            "kustomization.yaml" | "kustomization.yml" | "Kustomization"
        ) {
            continue;
        }
        let Ok(text) = index.read_text(&f.rel) else {
            continue;
        };
        let Ok(docs) = parse_documents(&text) else {
            continue;
        };
        let dir = f
            .rel
            .strip_suffix(f.name())
            .unwrap_or("")
            .trim_end_matches('/');
        for doc in &docs {
            let mut paths: Vec<String> = Vec::new();
            for key in ["patches", "patchesJson6902"] {
                for p in doc.at(key).as_seq() {
                    paths.extend(p.get("path").and_then(|x| x.scalar_text()));
                }
            }
            for p in doc.at("patchesStrategicMerge").as_seq() {
                // Inline patches are YAML text, not paths.
                paths.extend(p.scalar_text().filter(|t| !t.contains('\n')));
            }
            out.extend(
                paths
                    .iter()
                    .filter_map(|p| crate::file_refs::resolve(dir, p)),
            );
            for i in doc.at("images").as_seq() {
                let tags = i.get("newTag").or_else(|| i.get("digest")).is_some();
                if let (true, Some(name)) = (tags, i.get("name").and_then(|n| n.scalar_text())) {
                    retagged.push(Retag {
                        image: name,
                        file: f.rel.clone(),
                        line: i.line,
                    });
                }
            }
            generated.extend(kustomize_generators(index, &f.rel, dir, doc));
        }
    }
    Kustomized {
        patches: out,
        retagged,
        generated,
    }
}

/// The `configMapGenerator` and `secretGenerator` entries of one kustomization document.
fn kustomize_generators(index: &RepoIndex, rel: &str, dir: &str, doc: &Node) -> Vec<Generated> {
    let namespace = doc.get("namespace").and_then(|n| n.scalar_text());
    let mut out = Vec::new();
    for (key, kind) in [
        ("configMapGenerator", "ConfigMap"),
        ("secretGenerator", "Secret"),
    ] {
        for g in doc.at(key).as_seq() {
            let Some(name) = g.get("name").and_then(|n| n.scalar_text()) else {
                continue;
            };
            let mut gen_ = Generated {
                kind,
                name,
                namespace: g
                    .get("namespace")
                    .and_then(|n| n.scalar_text())
                    .or_else(|| namespace.clone()),
                file: rel.to_string(),
                line: g.line,
                keys: Vec::new(),
                opaque: None,
            };
            for l in g.at("literals").as_seq() {
                if let Some((k, _)) = l.as_str().and_then(|t| t.split_once('=')) {
                    gen_.keys
                        .push((k.trim().to_string(), rel.to_string(), l.line));
                }
            }
            // `files:` keys are `key=path` or the file's name.
            for fnode in g.at("files").as_seq() {
                if let Some(t) = fnode.as_str() {
                    let k = match t.split_once('=') {
                        Some((k, _)) => k,
                        None => t.rsplit('/').next().unwrap_or(t),
                    };
                    gen_.keys
                        .push((k.trim().to_string(), rel.to_string(), fnode.line));
                }
            }
            // `envs:` (and the older single `env:`) are env files, relative to the kustomization.
            let envs = g.at("envs").as_seq().iter().chain(g.get("env"));
            for e in envs {
                let Some(path) = e.as_str() else { continue };
                let Some(env_rel) = crate::file_refs::resolve(dir, path) else {
                    gen_.opaque = Some(format!("env file {path} is outside the repository"));
                    continue;
                };
                match index.read_text(&env_rel) {
                    Ok(text) => {
                        for entry in crate::envfile::parse(&text).effective() {
                            gen_.keys
                                .push((entry.key.clone(), env_rel.clone(), entry.line));
                        }
                    }
                    Err(_) => gen_.opaque = Some(format!("env file {env_rel} cannot be read")),
                }
            }
            out.push(gen_);
        }
    }
    out
}

/// The images Skaffold builds (`build.artifacts[].image`, also in profiles): it deploys each
/// with the tag of the build, whatever the manifests write.
fn skaffold_artifacts(index: &RepoIndex) -> Vec<Retag> {
    let mut out = Vec::new();
    for f in &index.files {
        if !matches!(f.name(), "skaffold.yaml" | "skaffold.yml") {
            continue;
        }
        let Ok(text) = index.read_text(&f.rel) else {
            continue;
        };
        let Ok(docs) = parse_documents(&text) else {
            continue;
        };
        for doc in &docs {
            let builds = std::iter::once(doc.at("build"))
                .chain(doc.at("profiles").as_seq().iter().map(|p| p.at("build")));
            for build in builds {
                for a in build.at("artifacts").as_seq() {
                    if let Some(image) = a.get("image").and_then(|n| n.scalar_text()) {
                        out.push(Retag {
                            image,
                            file: f.rel.clone(),
                            line: a.line,
                        });
                    }
                }
            }
        }
    }
    out
}

fn is_yaml_name(rel: &str) -> bool {
    let l = rel.to_ascii_lowercase();
    l.ends_with(".yaml") || l.ends_with(".yml")
}

fn under(rel: &str, dir: &str) -> bool {
    dir.is_empty()
        || (rel.len() > dir.len()
            && rel.starts_with(dir)
            && rel.as_bytes().get(dir.len()) == Some(&b'/'))
}

impl Manifests {
    pub fn discover(index: &RepoIndex, configured: &[String]) -> Self {
        let configured: Vec<String> = configured
            .iter()
            .map(|c| {
                c.trim_start_matches("./")
                    .trim_end_matches('/')
                    .replace('\\', "/")
            })
            .collect();
        let mut m = Manifests {
            configured: !configured.is_empty(),
            ..Default::default()
        };
        // Chart directories.
        let charts: Vec<String> = index
            .of_kind(FileKind::HelmChart)
            .filter(|f| f.name() == "Chart.yaml")
            .map(|f| f.dir().to_string())
            .collect();
        let chart_dirs: HashSet<&str> = charts.iter().map(String::as_str).collect();
        let selected = |rel: &str| -> bool {
            if configured.is_empty() {
                !is_test_or_example_path(rel)
            } else {
                configured.iter().any(|c| rel == c || under(rel, c))
            }
        };
        for c in &configured {
            let exists = index.get(c).is_some()
                || index.files.iter().any(|f| under(&f.rel, c))
                || index.root.join(c).exists();
            if !exists {
                m.missing_configured.push(c.clone());
            }
        }
        // Plain manifests, less the patches kustomizations apply to them: a patch holds only
        // what it changes, and checked as an object it lacks everything else.
        let Kustomized {
            patches,
            retagged,
            generated,
        } = read_kustomizations(index);
        m.retagged = retagged;
        m.generated = generated;
        m.retagged.extend(skaffold_artifacts(index));
        let mut candidates: Vec<&str> = index
            .files
            .iter()
            .filter(|f| {
                matches!(f.kind, FileKind::Yaml)
                    || (f.kind == FileKind::Compose && configured.contains(&f.rel))
            })
            .map(|f| f.rel.as_str())
            .filter(|rel| selected(rel) && !ancestors(rel).any(|d| chart_dirs.contains(d)))
            .filter(|rel| !patches.contains(*rel))
            .collect();
        candidates.sort();
        let parsed = crate::parallel::map(&candidates, |rel| {
            let text = match index.read_text(rel) {
                Ok(t) => t,
                Err(e) => return (Vec::new(), Some((None, e.message)), true),
            };
            if !looks_like_manifest(&text) {
                return (Vec::new(), None, false);
            }
            match parse_documents(&text) {
                Ok(docs) => (objects_of(rel, docs, &Origin::Plain, 0), None, true),
                Err(e) => (Vec::new(), Some((e.line, e.message)), true),
            }
        });
        for (rel, (objs, err, is_manifest)) in candidates.iter().zip(parsed) {
            if let Some((line, message)) = err
                && (is_manifest || configured.iter().any(|c| c == rel))
            {
                m.errors.push(ManifestError {
                    file: rel.to_string(),
                    line,
                    message,
                    helm: false,
                });
            }
            m.objects.extend(objs);
        }
        // Helm charts: values per chart, then every template, in parallel.
        let selected_charts: Vec<&String> = charts
            .iter()
            .filter(|chart| {
                let chart_file = if chart.is_empty() {
                    "Chart.yaml".to_string()
                } else {
                    format!("{chart}/Chart.yaml")
                };
                selected(&chart_file) || configured.iter().any(|c| under(c, chart) || c == *chart)
            })
            .collect();
        let contexts = crate::parallel::map(&selected_charts, |chart| {
            let mut errors = Vec::new();
            let cx = chart_context(index, chart, &mut errors);
            (cx, errors)
        });
        m.charts = selected_charts.iter().map(|c| (*c).clone()).collect();
        // A template belongs to the chart whose `templates/` directory holds it: found by the
        // file's ancestors, not by testing every file against every chart (helm/charts has
        // hundreds of charts and thousands of files).
        let chart_of: HashMap<&str, usize> = selected_charts
            .iter()
            .enumerate()
            .map(|(i, c)| (c.as_str(), i))
            .collect();
        let mut jobs: Vec<(&str, usize)> = index
            .files
            .iter()
            .filter(|f| is_yaml_name(&f.rel))
            .filter_map(|f| {
                let chart = helm_template_chart(&f.rel, |c| chart_of.contains_key(c))?;
                chart_of.get(chart).map(|&i| (f.rel.as_str(), i))
            })
            .collect();
        jobs.sort_by_key(|&(_, i)| i);
        let rendered = crate::parallel::map(&jobs, |&(rel, i)| {
            let Some((cx, _)) = contexts.get(i) else {
                return Err(ManifestError {
                    file: rel.to_string(),
                    line: None,
                    message: "internal: no chart context".into(),
                    helm: true,
                });
            };
            let origin = Origin::Helm {
                chart: selected_charts
                    .get(i)
                    .map(|c| c.to_string())
                    .unwrap_or_default(),
            };
            let text = index.read_text(rel).map_err(|e| ManifestError {
                file: rel.to_string(),
                line: None,
                message: e.message,
                helm: false,
            })?;
            let r = helm::render(&text, cx);
            match parse_documents(&r.text) {
                Ok(docs) => Ok(objects_of(rel, docs, &origin, r.unresolved)),
                Err(e) => Err(ManifestError {
                    file: rel.to_string(),
                    line: e.line,
                    message: format!("{} (Helm template read without rendering)", e.message),
                    helm: true,
                }),
            }
        });
        for (_, errors) in contexts {
            m.errors.extend(errors);
        }
        for r in rendered {
            match r {
                Ok(objs) => m.objects.extend(objs),
                Err(e) => m.errors.push(e),
            }
        }
        m
    }

    pub fn workloads(&self) -> impl Iterator<Item = &K8sObject> {
        self.objects.iter().filter(|o| o.is_workload())
    }

    pub fn of_kind<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a K8sObject> {
        let (len, by_kind) = self.by_kind.get_or_init(|| {
            let mut by_kind: HashMap<String, Vec<usize>> = HashMap::new();
            for (i, o) in self.objects.iter().enumerate() {
                by_kind.entry(o.kind.clone()).or_default().push(i);
            }
            (self.objects.len(), by_kind)
        });
        // Objects added after the index was built (only tests build a fact by hand) are
        // found by a scan.
        let indexed = (*len == self.objects.len()).then(|| by_kind.get(kind));
        let (listed, scanned) = match indexed {
            Some(list) => (list.map_or(&[][..], Vec::as_slice), None),
            None => (
                &[][..],
                Some(self.objects.iter().filter(move |o| o.kind == kind)),
            ),
        };
        listed
            .iter()
            .filter_map(|&i| self.objects.get(i))
            .chain(scanned.into_iter().flatten())
    }

    /// Whether any object came from a Helm chart (results say the chart was not rendered).
    pub fn has_helm(&self) -> bool {
        self.objects.iter().any(|o| o.is_helm())
    }
}

/// Whether a label selector (`matchLabels` and `matchExpressions` with `In`/`Exists`) selects
/// pods with `labels`. `None` when the selector cannot be evaluated.
pub fn selector_matches(selector: &Node, labels: &[(String, String)]) -> Option<bool> {
    if selector.is_null() || (selector.is_map() && selector.entries().is_empty()) {
        return Some(true);
    }
    let get = |k: &str| {
        labels
            .iter()
            .find(|(lk, _)| lk == k)
            .map(|(_, v)| v.as_str())
    };
    // A bare map (Service-style selector) or matchLabels.
    let match_labels =
        if selector.get("matchLabels").is_some() || selector.get("matchExpressions").is_some() {
            selector.at("matchLabels")
        } else {
            selector
        };
    for e in match_labels.entries() {
        let want = e.node.scalar_text()?;
        if is_unresolved_text(&want) {
            return None;
        }
        if get(&e.key) != Some(want.as_str()) {
            return Some(false);
        }
    }
    for expr in selector.at("matchExpressions").as_seq() {
        let key = expr.at("key").scalar_text()?;
        let op = expr.at("operator").scalar_text()?;
        let vals: Vec<String> = expr
            .at("values")
            .as_seq()
            .iter()
            .filter_map(|v| v.scalar_text())
            .collect();
        let have = get(&key);
        let ok = match op.as_str() {
            "In" => have.is_some_and(|h| vals.iter().any(|v| v == h)),
            "NotIn" => !have.is_some_and(|h| vals.iter().any(|v| v == h)),
            "Exists" => have.is_some(),
            "DoesNotExist" => have.is_none(),
            _ => return None,
        };
        if !ok {
            return Some(false);
        }
    }
    Some(true)
}

#[async_trait::async_trait]
impl Fact for Manifests {
    async fn collect(facts: &Facts) -> Result<Self, FactError> {
        let index = facts.get::<RepoIndex>().await?;
        let configured = facts.env().manifests.clone();
        tokio::task::spawn_blocking(move || Manifests::discover(&index, &configured))
            .await
            .map_err(|e| FactError::new(format!("reading Kubernetes manifests failed: {e}")))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn ancestors_run_from_the_nearest_directory_to_the_root() {
        let a: Vec<&str> = crate::repo_index::ancestors("a/b/c.yaml").collect();
        assert_eq!(a, vec!["a/b", "a", ""]);
        assert_eq!(
            crate::repo_index::ancestors("c.yaml").collect::<Vec<_>>(),
            vec![""]
        );
    }

    use super::*;

    fn repo(files: &[(&str, &str)]) -> (tempfile::TempDir, RepoIndex) {
        let dir = tempfile::tempdir().unwrap();
        for (rel, content) in files {
            let p = dir.path().join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, content).unwrap();
        }
        let idx = RepoIndex::build(dir.path()).unwrap();
        (dir, idx)
    }

    const DEPLOY: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.25\n";

    #[test]
    fn finds_manifests_by_content_and_reports_bad_yaml() {
        let (_d, idx) = repo(&[
            ("k8s/deploy.yaml", DEPLOY),
            (
                "k8s/broken.yaml",
                "apiVersion: v1\nkind: ConfigMap\ndata: [1, 2\n",
            ),
            ("config/app.yaml", "debug: false\n"),
            ("tests/k8s.yaml", DEPLOY),
        ]);
        let m = Manifests::discover(&idx, &[]);
        assert_eq!(m.objects.len(), 1);
        let d = &m.objects[0];
        assert_eq!(
            (d.file.as_str(), d.line, d.display()),
            ("k8s/deploy.yaml", 2, "Deployment/web".to_string())
        );
        assert_eq!(d.replicas(), Some(3));
        assert_eq!(d.containers().len(), 1);
        assert_eq!(d.pod_labels(), vec![("app".to_string(), "web".to_string())]);
        assert_eq!(m.errors.len(), 1);
        assert_eq!(m.errors[0].file, "k8s/broken.yaml");
        assert!(m.errors[0].line.is_some());
    }

    #[test]
    fn kustomize_patches_are_not_objects() {
        let patch =
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 5\n";
        let delete =
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: loadgen\n$patch: delete\n";
        let (_d, idx) = repo(&[
            ("k8s/base/deploy.yaml", DEPLOY),
            (
                "k8s/overlays/prod/kustomization.yaml",
                "resources:\n- ../../base\npatches:\n- path: replicas.yaml\n- patch: |-\n    - op: remove\npatchesStrategicMerge:\n- ../../patches/more.yaml\n",
            ),
            ("k8s/overlays/prod/replicas.yaml", patch),
            ("k8s/patches/more.yaml", patch),
            ("k8s/components/no-loadgen/delete.yaml", delete),
        ]);
        let m = Manifests::discover(&idx, &[]);
        let files: Vec<&str> = m.objects.iter().map(|o| o.file.as_str()).collect();
        assert_eq!(files, ["k8s/base/deploy.yaml"]);
    }

    #[test]
    fn images_a_deploy_tool_tags() {
        let (_d, idx) = repo(&[
            ("k8s/deploy.yaml", DEPLOY),
            (
                "k8s/overlays/prod/kustomization.yaml",
                "resources:\n- ../..\nimages:\n- name: api\n  newTag: 1.4.2\n- name: web\n  newName: ghcr.io/acme/web\n",
            ),
            (
                "skaffold.yaml",
                "apiVersion: skaffold/v4beta6\nkind: Config\nbuild:\n  artifacts:\n  - image: worker\n    context: src/worker\nprofiles:\n- name: gcb\n  build:\n    artifacts:\n    - image: cron\n",
            ),
        ]);
        let m = Manifests::discover(&idx, &[]);
        let tagged: Vec<(&str, &str, u32)> = m
            .retagged
            .iter()
            .map(|r| (r.image.as_str(), r.file.as_str(), r.line))
            .collect();
        // `web` gets a new name, not a tag.
        assert_eq!(
            tagged,
            [
                ("api", "k8s/overlays/prod/kustomization.yaml", 4),
                ("worker", "skaffold.yaml", 5),
                ("cron", "skaffold.yaml", 11),
            ]
        );
        assert!(m.retag_of("web").is_none());
    }

    #[test]
    fn configured_dirs_limit_the_search() {
        let (_d, idx) = repo(&[
            ("deploy/prod/a.yaml", DEPLOY),
            ("deploy/dev/b.yaml", DEPLOY),
        ]);
        let m = Manifests::discover(&idx, &["deploy/prod".into(), "nope".into()]);
        assert_eq!(m.objects.len(), 1);
        assert_eq!(m.missing_configured, vec!["nope".to_string()]);
    }

    #[test]
    fn helm_chart_templates_are_read_with_values() {
        let (_d, idx) = repo(&[
            (
                "chart/Chart.yaml",
                "apiVersion: v2\nname: web\nversion: 0.1.0\nappVersion: \"2.0.1\"\n",
            ),
            (
                "chart/values.yaml",
                "replicaCount: 1\nimage:\n  repository: web\n  tag: \"\"\npdb:\n  enabled: false\n",
            ),
            ("chart/values-production.yaml", "replicaCount: 4\n"),
            (
                "chart/templates/deployment.yaml",
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ include \"web.fullname\" . }}\nspec:\n  replicas: {{ .Values.replicaCount }}\n  template:\n    spec:\n      containers:\n        - name: web\n          image: \"{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}\"\n",
            ),
            (
                "chart/templates/pdb.yaml",
                "{{- if .Values.pdb.enabled }}\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: web\n{{- end }}\n",
            ),
            (
                "chart/templates/_helpers.tpl",
                "{{- define \"web.fullname\" -}}x{{- end }}",
            ),
        ]);
        let m = Manifests::discover(&idx, &[]);
        assert!(m.errors.is_empty(), "{:?}", m.errors);
        assert_eq!(m.charts, vec!["chart".to_string()]);
        assert_eq!(
            m.objects.len(),
            1,
            "{:?}",
            m.objects.iter().map(|o| o.display()).collect::<Vec<_>>()
        );
        let d = &m.objects[0];
        assert_eq!(d.replicas(), Some(4));
        assert_eq!(d.containers()[0].at("image").as_str(), Some("web:2.0.1"));
        assert!(d.is_helm());
        assert_eq!(d.line, 2);
    }

    #[test]
    fn selectors() {
        let labels = vec![
            ("app".to_string(), "web".to_string()),
            ("tier".to_string(), "fe".to_string()),
        ];
        let sel = |y: &str| parse_documents(y).unwrap().remove(0);
        assert_eq!(
            selector_matches(&sel("matchLabels: {app: web}"), &labels),
            Some(true)
        );
        assert_eq!(
            selector_matches(&sel("matchLabels: {app: api}"), &labels),
            Some(false)
        );
        assert_eq!(
            selector_matches(
                &sel("matchExpressions: [{key: tier, operator: In, values: [fe]}]"),
                &labels
            ),
            Some(true)
        );
        assert_eq!(selector_matches(&sel("{}"), &labels), Some(true));
    }
}
