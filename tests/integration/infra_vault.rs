//! Vault checks against a small HTTP server in the test that answers with the responses
//! documented in Vault's API reference (no Vault or OpenBao server can be installed here):
//! `sys/health`, `sys/mounts/<mount>`, `<mount>/metadata/<path>`, `auth/token/lookup-self`
//! and `sys/audit`, for a well-configured and a misconfigured server, plus a dead port.

use crate::infra_support::check_env;
use crate::servers::free_port;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

pub(crate) const TOKEN: &str = "hvs.GoliveTestTokenNeverShown0123456789";

type Handler = dyn Fn(&str, Option<&str>) -> (u16, String) + Send + Sync;

/// A one-thread HTTP/1.1 server: each connection gets one answer from `handler(path, token)`.
pub(crate) struct FakeVault {
    pub(crate) port: u16,
    stop: Arc<AtomicBool>,
}

impl FakeVault {
    pub(crate) fn start(handler: Box<Handler>) -> FakeVault {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let stop2 = stop.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                if stop2.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(mut conn) = conn else { continue };
                let mut reader = BufReader::new(conn.try_clone().unwrap());
                let mut line = String::new();
                if reader.read_line(&mut line).is_err() {
                    continue;
                }
                let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
                let mut token = None;
                loop {
                    let mut h = String::new();
                    if reader.read_line(&mut h).is_err() || h.trim().is_empty() {
                        break;
                    }
                    if let Some((k, v)) = h.split_once(':')
                        && k.eq_ignore_ascii_case("x-vault-token")
                    {
                        token = Some(v.trim().to_string());
                    }
                }
                let (status, body) = handler(&path, token.as_deref());
                let _ = write!(
                    conn,
                    "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        FakeVault { port, stop }
    }
}

impl Drop for FakeVault {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = std::net::TcpStream::connect(("127.0.0.1", self.port));
    }
}

const HEALTH_OK: &str = r#"{"initialized":true,"sealed":false,"standby":false,"performance_standby":false,"replication_performance_mode":"disabled","replication_dr_mode":"disabled","server_time_utc":1516639589,"version":"1.16.1","cluster_name":"vault-cluster-3bd69ca2","cluster_id":"3e8b3fec-3749-e056-ba41-b62a63b997e8"}"#;
const HEALTH_SEALED: &str = r#"{"initialized":true,"sealed":true,"standby":true,"performance_standby":false,"replication_performance_mode":"disabled","replication_dr_mode":"disabled","server_time_utc":1516639589,"version":"1.16.1"}"#;
const MOUNT_KV2: &str = r#"{"accessor":"kv_2a9d3b4e","config":{"default_lease_ttl":0,"force_no_cache":false,"max_lease_ttl":0},"description":"key/value secret storage","external_entropy_access":false,"local":false,"options":{"version":"2"},"plugin_version":"","running_plugin_version":"v0.17.0+builtin","seal_wrap":false,"type":"kv","uuid":"5f6e3a0b","request_id":"8e2b","lease_id":"","renewable":false,"lease_duration":0,"data":{"accessor":"kv_2a9d3b4e","description":"key/value secret storage","options":{"version":"2"},"type":"kv"},"wrap_info":null,"warnings":null,"auth":null}"#;
const MOUNT_KV1: &str = r#"{"type":"kv","options":{"version":"1"},"description":"","data":{"type":"kv","options":{"version":"1"}}}"#;
const METADATA: &str = r#"{"request_id":"x","lease_id":"","renewable":false,"lease_duration":0,"data":{"cas_required":false,"created_time":"2018-03-22T02:24:06.945319214Z","current_version":3,"delete_version_after":"3h25m19s","max_versions":0,"oldest_version":0,"updated_time":"2018-03-22T02:36:43.986212308Z","custom_metadata":{"owner":"platform"},"versions":{"1":{"created_time":"2018-03-22T02:24:06.945319214Z","deletion_time":"","destroyed":false},"2":{"created_time":"2018-03-22T02:36:33.954880664Z","deletion_time":"","destroyed":true},"3":{"created_time":"2018-03-22T02:36:43.986212308Z","deletion_time":"","destroyed":false}}},"wrap_info":null,"warnings":null,"auth":null}"#;
const METADATA_DELETED: &str = r#"{"data":{"current_version":1,"versions":{"1":{"created_time":"2018-03-22T02:24:06.945319214Z","deletion_time":"2018-03-23T02:24:06.945319214Z","destroyed":false}}}}"#;
const AUDIT: &str = r#"{"file/":{"type":"file","description":"Store logs in a file","options":{"file_path":"/var/log/vault.log"},"local":false},"request_id":"r","lease_id":"","renewable":false,"lease_duration":0,"data":{"file/":{"type":"file","description":"Store logs in a file","options":{"file_path":"/var/log/vault.log"},"local":false}},"wrap_info":null,"warnings":null,"auth":null}"#;

fn lookup_self(policies: &str, ttl: i64) -> String {
    format!(
        r#"{{"data":{{"accessor":"8609694a-cdbc-db9b-d345-e782dbb562ed","creation_time":1523979354,"creation_ttl":2764800,"display_name":"approle","entity_id":"","expire_time":"2018-05-19T11:35:54.466476215-04:00","explicit_max_ttl":0,"id":"{TOKEN}","identity_policies":[],"issue_time":"2018-04-17T11:35:54.466476078-04:00","meta":null,"num_uses":0,"orphan":false,"path":"auth/approle/login","policies":[{policies}],"renewable":true,"ttl":{ttl},"type":"service"}}}}"#
    )
}

pub(crate) fn good(path: &str, token: Option<&str>) -> (u16, String) {
    if path.starts_with("/v1/sys/health") {
        return (200, HEALTH_OK.into());
    }
    if token != Some(TOKEN) {
        return (403, r#"{"errors":["permission denied"]}"#.into());
    }
    match path {
        "/v1/sys/mounts/secret" => (200, MOUNT_KV2.into()),
        "/v1/secret/metadata/app/database" | "/v1/secret/metadata/app/stripe" => {
            (200, METADATA.into())
        }
        "/v1/auth/token/lookup-self" => (200, lookup_self(r#""app","default""#, 2764790)),
        "/v1/sys/audit" => (200, AUDIT.into()),
        p if p.contains("/data/") => panic!("golive read a secret value: {p}"),
        _ => (404, r#"{"errors":[]}"#.into()),
    }
}

fn bad(path: &str, token: Option<&str>) -> (u16, String) {
    if path.starts_with("/v1/sys/health") {
        return (503, HEALTH_SEALED.into());
    }
    if token != Some(TOKEN) {
        return (403, r#"{"errors":["permission denied"]}"#.into());
    }
    match path {
        "/v1/sys/mounts/secret" => (200, MOUNT_KV1.into()),
        "/v1/secret/metadata/app/database" => (200, METADATA_DELETED.into()),
        "/v1/auth/token/lookup-self" => (200, lookup_self(r#""root""#, 0)),
        "/v1/sys/audit" => (200, r#"{"request_id":"r","data":{}}"#.into()),
        p if p.contains("/data/") => panic!("golive read a secret value: {p}"),
        _ => (404, r#"{"errors":[]}"#.into()),
    }
}

fn toml(port: u16) -> String {
    format!(
        "[environments.test]\nvault_url = \"http://127.0.0.1:{port}\"\n\n[checks.VAULT003]\npaths = [\"app/database\", \"app/stripe\"]\n"
    )
}

#[test]
fn vault_checks_against_documented_api_responses() {
    let started = Instant::now();
    let good_server = FakeVault::start(Box::new(good));
    let bad_server = FakeVault::start(Box::new(bad));
    let repo = tempfile::tempdir().unwrap();
    let token = [("VAULT_TOKEN", TOKEN)];

    let run = check_env(repo.path(), &toml(good_server.port), "VAULT", &[], &token);
    for code in ["VAULT001", "VAULT002", "VAULT003", "VAULT004", "VAULT005"] {
        run.expect(code, "pass");
    }
    run.mentions("VAULT003", "current_version 3");
    run.assert_no_secret(TOKEN);

    let run = check_env(repo.path(), &toml(bad_server.port), "VAULT", &[], &token);
    run.expect("VAULT001", "fail");
    run.mentions("VAULT001", "sealed=true");
    run.expect("VAULT002", "fail");
    run.mentions("VAULT002", "KV version 1");
    run.expect("VAULT003", "fail");
    run.mentions("VAULT003", "app/stripe does not exist");
    run.mentions("VAULT003", "app/database's current version is deleted");
    run.expect("VAULT004", "fail");
    run.mentions("VAULT004", "policies=[root]");
    run.expect("VAULT005", "fail");
    run.assert_no_secret(TOKEN);

    // No token: health still decides, the rest cannot.
    let run = check_env(
        repo.path(),
        &toml(good_server.port),
        "VAULT",
        &[],
        &[("VAULT_TOKEN", "")],
    );
    run.expect("VAULT001", "pass");
    for code in ["VAULT002", "VAULT003", "VAULT004", "VAULT005"] {
        run.expect(code, "error");
    }
    run.mentions("VAULT004", "VAULT_TOKEN is not set");

    // A token without rights: errors, never passes.
    let run = check_env(
        repo.path(),
        &toml(good_server.port),
        "VAULT",
        &[],
        &[("VAULT_TOKEN", "hvs.other")],
    );
    for code in ["VAULT002", "VAULT003", "VAULT004", "VAULT005"] {
        run.expect(code, "error");
    }

    let t = Instant::now();
    let run = check_env(repo.path(), &toml(free_port()), "VAULT", &[], &token);
    assert!(t.elapsed() < Duration::from_secs(10), "{:?}", t.elapsed());
    run.expect("VAULT001", "fail");
    for code in ["VAULT002", "VAULT003", "VAULT004", "VAULT005"] {
        run.expect(code, "error");
    }
    eprintln!("vault tests took {:?}", started.elapsed());
}
