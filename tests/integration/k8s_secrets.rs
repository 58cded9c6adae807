//! Kubernetes, Helm and secrets-in-code checks end to end: the binary on the example project and
//! on small repositories, with every secret redacted in the JSON report.

use crate::support::{golive, json, repo_root, result, stderr, stdout, temp_repo};

#[test]
fn webshop_reports_k8s_defects_and_the_planted_key_redacted() {
    let root = repo_root().join("examples/webshop");
    let o = golive(
        &root,
        &["check", "--format", "json", "--only", "K8S,SECRET"],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let text = stdout(&o);
    // The planted values never appear in clear.
    for secret in ["AKIAZ7Q4HX2LMN5PR3TW", "8d2f0c6b1e9a4f7d3c5b2a1e0f9d8c7b"] {
        assert!(!text.contains(secret), "{secret} leaked into the report");
    }
    let r = json(&o);
    let loc = |code: &str| -> Vec<String> {
        result(&r, code)["locations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| format!("{}:{}", l["path"].as_str().unwrap(), l["line"]))
            .collect()
    };
    assert_eq!(result(&r, "K8S007")["status"], "fail");
    assert!(
        loc("K8S007").contains(&"k8s/deployment.yaml:17".to_string()),
        "{:?}",
        loc("K8S007")
    );
    assert!(
        loc("K8S011").contains(&"k8s/deployment.yaml:45".to_string()),
        "{:?}",
        loc("K8S011")
    );
    assert!(
        loc("SECRET001").contains(&"app/storage.py:6".to_string()),
        "{:?}",
        loc("SECRET001")
    );
    assert_eq!(result(&r, "K8S008")["status"], "fail");
}

const CHART: &[(&str, &str)] = &[
    (
        "chart/Chart.yaml",
        "apiVersion: v2\nname: api\nversion: 0.1.0\nappVersion: \"3.2.1\"\n",
    ),
    (
        "chart/values.yaml",
        "replicaCount: 1\nimage:\n  repository: ghcr.io/acme/api\n  tag: \"\"\nresources:\n  requests: {cpu: 100m, memory: 128Mi}\n  limits: {memory: 256Mi}\n",
    ),
    (
        "chart/templates/deployment.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ include \"api.fullname\" . }}\n  labels:\n    {{- include \"api.labels\" . | nindent 4 }}\nspec:\n  replicas: {{ .Values.replicaCount }}\n  template:\n    spec:\n      containers:\n        - name: api\n          image: \"{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}\"\n          resources:\n            {{- toYaml .Values.resources | nindent 12 }}\n",
    ),
    (
        "chart/templates/_helpers.tpl",
        "{{- define \"api.fullname\" -}}{{ .Chart.Name }}{{- end }}\n",
    ),
];

#[test]
fn helm_chart_is_read_from_values_without_rendering() {
    let repo = temp_repo(CHART);
    let o = golive(
        repo.path(),
        &["check", "--format", "json", "--only", "K8S002,K8S007"],
    );
    let r = json(&o);
    for code in ["K8S002", "K8S007"] {
        assert_eq!(
            result(&r, code)["status"],
            "pass",
            "{code}: {}",
            result(&r, code)
        );
        assert!(
            result(&r, code)["message"]
                .as_str()
                .unwrap()
                .contains("without rendering")
        );
    }
    // The same chart with a latest tag in the production values fails at the template line.
    let mut files = CHART.to_vec();
    files.push(("chart/values-production.yaml", "image:\n  tag: latest\n"));
    let repo = temp_repo(&files);
    let r = json(&golive(
        repo.path(),
        &["check", "--format", "json", "--only", "K8S007"],
    ));
    assert_eq!(result(&r, "K8S007")["status"], "fail");
    assert_eq!(
        result(&r, "K8S007")["locations"][0]["path"],
        "chart/templates/deployment.yaml"
    );
    assert_eq!(result(&r, "K8S007")["locations"][0]["line"], 13);
}

#[test]
fn invalid_yaml_is_an_error_with_file_and_line_and_the_run_goes_on() {
    let repo = temp_repo(&[
        (
            "k8s/bad.yaml",
            "apiVersion: v1\nkind: ConfigMap\ndata:\n  a: [1, 2\n",
        ),
        (
            "k8s/ok.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers:\n        - {name: web, image: nginx}\n",
        ),
    ]);
    let o = golive(
        repo.path(),
        &["check", "--format", "json", "--only", "K8S001,K8S007"],
    );
    assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
    let r = json(&o);
    assert_eq!(result(&r, "K8S001")["status"], "fail");
    assert_eq!(result(&r, "K8S001")["locations"][0]["path"], "k8s/bad.yaml");
    assert!(
        result(&r, "K8S001")["locations"][0]["line"]
            .as_u64()
            .is_some()
    );
    assert_eq!(result(&r, "K8S007")["status"], "fail");
}
