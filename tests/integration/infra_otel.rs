//! OpenTelemetry endpoint checks against listening and closed loopback ports, and the command
//! checks against real commands (a timeout, redaction of secrets in output).

use crate::infra_support::{check, check_env};
use crate::servers::free_port;
use std::net::TcpListener;
use std::time::{Duration, Instant};

#[test]
fn otel_endpoints_accept_connections_or_fail() {
    let grpc = TcpListener::bind("127.0.0.1:0").unwrap();
    let http = TcpListener::bind("127.0.0.1:0").unwrap();
    let (gp, hp) = (
        grpc.local_addr().unwrap().port(),
        http.local_addr().unwrap().port(),
    );
    let repo = tempfile::tempdir().unwrap();
    let toml = |endpoint: &str, gp: u16, hp: u16| {
        format!(
            "[environments.test]\notel_endpoint = \"{endpoint}\"\n[checks.OTEL001]\ngrpc_port = {gp}\nhttp_port = {hp}\n[checks.OTEL002]\ngrpc_port = {gp}\nhttp_port = {hp}\n"
        )
    };
    let run = check(
        repo.path(),
        &toml(&format!("http://127.0.0.1:{gp}"), gp, hp),
        "OTEL",
        &[],
    );
    run.expect("OTEL001", "pass");
    run.expect("OTEL002", "pass");
    // The endpoint names the HTTP port: gRPC falls back to grpc_port.
    let run = check(
        repo.path(),
        &toml(&format!("http://127.0.0.1:{hp}"), gp, hp),
        "OTEL",
        &[],
    );
    run.expect("OTEL001", "pass");
    run.mentions("OTEL001", &format!("127.0.0.1:{gp}"));
    drop(http);
    let dead = free_port();
    let run = check(repo.path(), &toml("127.0.0.1", gp, dead), "OTEL", &[]);
    run.expect("OTEL001", "pass");
    run.expect("OTEL002", "fail");
    run.mentions("OTEL002", "refuses connections");
}

#[test]
fn commands_run_bounded_and_redacted() {
    let repo = tempfile::tempdir().unwrap();
    let secret = "cmd-Secret-Value-never-shown-42";
    let toml = "[checks.CMD001]\ncommand = \"echo connecting with $APP_PASSWORD; echo postgres://u:$APP_PASSWORD@db/x; exit 1\"\n\n[checks.CMD002]\ncommand = \"sleep 30\"\ntimeout_secs = 1\n";
    let t = Instant::now();
    let run = check_env(repo.path(), toml, "CMD", &[], &[("APP_PASSWORD", secret)]);
    assert!(t.elapsed() < Duration::from_secs(10), "{:?}", t.elapsed());
    run.expect("CMD001", "fail");
    run.mentions("CMD001", "connecting with [redacted");
    run.assert_no_secret(secret);
    run.expect("CMD002", "fail");
    run.mentions("CMD002", "did not finish within 1s");
    // Output without a recognisable summary is an error, never a pass.
    let run = check(
        repo.path(),
        "[checks.CMD002]\ncommand = \"echo all good\"\n",
        "CMD002",
        &[],
    );
    run.expect("CMD002", "error");
}
