//! Containers, compose and the configuration contract, end to end through the binary: the demo
//! project's defects are found at their lines, a clean project of the same shape passes, and
//! hostile files neither crash nor hang the run.

use crate::support::{fixtures, golive, repo_root, stdout};
use serde_json::Value;
use std::collections::BTreeMap;

fn run_json(dir: &std::path::Path) -> (i32, Value) {
    let out = golive(
        dir,
        &[
            "check",
            ".",
            "--format",
            "json",
            "--only",
            "DOCKER,COMPOSE,CONTRACT",
        ],
    );
    let code = out.status.code().unwrap_or(-1);
    let v: Value = serde_json::from_str(&stdout(&out))
        .unwrap_or_else(|e| panic!("json: {e}\n{}", stdout(&out)));
    (code, v)
}

fn by_code(v: &Value) -> BTreeMap<String, (String, Vec<String>)> {
    let mut m = BTreeMap::new();
    for r in v["results"].as_array().unwrap() {
        let code = r["check"].as_str().unwrap_or("").to_string();
        let status = r["status"].as_str().unwrap_or("").to_string();
        let locs = r["locations"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|l| {
                        format!(
                            "{}:{}",
                            l["path"].as_str().unwrap_or(""),
                            l["line"].as_u64().unwrap_or(0)
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        m.insert(code, (status, locs));
    }
    m
}

#[test]
fn webshop_container_defects_are_found_at_their_lines() {
    let (code, v) = run_json(&repo_root().join("examples/webshop"));
    assert_eq!(code, 1);
    let r = by_code(&v);
    let want: &[(&str, &str)] = &[
        ("DOCKER001", "Dockerfile:2"),
        ("DOCKER004", "Dockerfile:4"),
        ("DOCKER005", "Dockerfile:11"),
        ("DOCKER006", "Dockerfile:12"),
        ("COMPOSE001", "docker-compose.yml:10"),
        ("COMPOSE002", "docker-compose.yml:31"),
        ("COMPOSE003", "docker-compose.yml:25"),
        ("COMPOSE004", "docker-compose.yml:28"),
        ("COMPOSE007", "docker-compose.yml:30"),
        ("COMPOSE008", "docker-compose.yml:14"),
        // environment wins over env_file: the base file's URL with the dev password reaches production.
        ("COMPOSE009", "docker-compose.yml:11"),
        ("CONTRACT002", "docker-compose.prod.yml:7"),
    ];
    for (c, loc) in want {
        let (status, locs) = r.get(*c).unwrap_or_else(|| panic!("{c} missing"));
        assert_eq!(status, "fail", "{c}");
        assert!(locs.iter().any(|l| l == loc), "{c}: {loc} not in {locs:?}");
    }
    // The production overlay's healthcheck covers the image.
    assert_eq!(r["DOCKER003"].0, "pass");
    // Secrets are never shown.
    assert!(!v.to_string().contains("dev-secret-change-me"));
}

#[test]
fn a_clean_project_of_the_same_shape_passes() {
    let (code, v) = run_json(&fixtures().join("projects/fastapi-clean"));
    let r = by_code(&v);
    assert!(r.len() >= 19, "{r:?}");
    for (c, (status, locs)) in &r {
        assert_eq!(status, "pass", "{c}: {locs:?}");
    }
    assert_eq!(code, 0);
}

#[test]
fn hostile_files_are_reported_not_fatal() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let deep = format!("services:\n  a: {}{}\n", "[".repeat(5000), "]".repeat(5000));
    std::fs::write(
        root.join("docker-compose.yml"),
        "services:\n  api:\n    image: [unclosed\n",
    )
    .unwrap();
    std::fs::write(root.join("docker-compose.prod.yml"), deep).unwrap();
    let bomb = "a: &a [\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e]\n";
    std::fs::write(root.join("compose.prod.yaml"), bomb).unwrap();
    std::fs::write(
        root.join("Dockerfile"),
        "FROM \\\n\\\nRUN <<EOF\n\u{0}\u{1}garbage ${ ${\n",
    )
    .unwrap();
    std::fs::write(
        root.join("settings.py"),
        "class S(BaseSettings:\n  x: = Field(\nos.getenv(\n",
    )
    .unwrap();
    let start = std::time::Instant::now();
    let out = golive(
        root,
        &[
            "check",
            ".",
            "--format",
            "json",
            "--only",
            "DOCKER,COMPOSE,CONTRACT",
        ],
    );
    assert!(
        start.elapsed().as_secs() < 120,
        "took {:?}",
        start.elapsed()
    );
    let code = out.status.code().unwrap_or(-1);
    assert!(
        code == 0 || code == 1,
        "exit {code}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let text = v.to_string();
    assert!(
        text.contains("docker-compose.yml:3")
            || text.contains("\"path\":\"docker-compose.yml\",\"line\":3"),
        "{text}"
    );
}
