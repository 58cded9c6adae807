//! `golive init` writes a config that names what the repository holds and that `check` accepts.

use crate::support::{golive, stderr, temp_repo};

#[test]
fn init_names_what_it_found_and_check_accepts_it() {
    let repo = temp_repo(&[
        (".env.production", "DEBUG=false\n"),
        (".env.example", "DEBUG=\n"),
        ("docker-compose.yml", "services: {}\n"),
        ("docker-compose.prod.yml", "services: {}\n"),
        (
            "deploy/k8s/api.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n",
        ),
        ("alembic.ini", "[alembic]\n"),
        (
            "monitoring/alerts.yml",
            "groups:\n  - name: api\n    rules:\n      - alert: Down\n        expr: up == 0\n",
        ),
        (".github/workflows/ci.yml", "jobs: {}\n"),
        ("tests/fixtures/docker-compose.yml", "services: {}\n"),
    ]);
    let out = golive(repo.path(), &["init"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let toml = std::fs::read_to_string(repo.path().join("golive.toml")).unwrap();
    assert!(toml.contains("env_files = [\".env.production\"]"), "{toml}");
    assert!(
        toml.contains("compose_files = [\"docker-compose.prod.yml\", \"docker-compose.yml\"]"),
        "{toml}"
    );
    assert!(toml.contains("manifests = [\"deploy/k8s\"]"), "{toml}");
    assert!(toml.contains("alembic.ini"), "{toml}");
    assert!(
        toml.contains("# Prometheus rule files: monitoring/alerts.yml"),
        "{toml}"
    );
    assert!(toml.contains(".github/workflows/ci.yml"), "{toml}");
    assert!(
        !toml.contains("tests/fixtures"),
        "test fixtures are not deploy inputs: {toml}"
    );
    let list = std::fs::read_to_string(repo.path().join("PRODUCTION_CHECKLIST.md")).unwrap();
    assert!(list.contains("<!-- golive: ENV003 -->"));
    assert!(list.contains("| Security |"));
    assert!(list.contains("## Sign-off"));

    // The written config is valid: check runs and decides (0 or 1), it does not reject it (2).
    let out = golive(repo.path(), &["check", "--only", "ENV003"]);
    assert!(
        matches!(out.status.code(), Some(0) | Some(1)),
        "{}",
        stderr(&out)
    );

    let again = golive(repo.path(), &["init"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("--force"));
    assert_eq!(
        std::fs::read_to_string(repo.path().join("golive.toml")).unwrap(),
        toml
    );
}
