//! Real servers for the infrastructure tests, started on free loopback ports in temporary
//! directories and stopped on drop: PostgreSQL, Redis, Prometheus, Alertmanager.
//!
//! With `CI=true` a missing server binary is a test failure; elsewhere the test prints why
//! and returns early (see [`require`]).

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A binary the test needs: found, or (outside CI) `None` after printing why the test is
/// skipped. Under `CI=true` a missing binary panics: CI must never skip silently.
pub fn require(name: &str, found: Option<PathBuf>) -> Option<PathBuf> {
    require_in(std::env::var("CI").is_ok_and(|v| v == "true"), name, found)
}

fn require_in(ci: bool, name: &str, found: Option<PathBuf>) -> Option<PathBuf> {
    if found.is_some() {
        return found;
    }
    let msg = format!(
        "{name} is not installed; run scripts/install-test-deps.sh (the infrastructure tests need it)"
    );
    if ci {
        panic!("CI=true: {msg}");
    }
    eprintln!("SKIPPED: {msg}");
    None
}

#[test]
#[should_panic(expected = "CI=true: no-such-server is not installed")]
fn a_missing_server_fails_under_ci() {
    require_in(true, "no-such-server", None);
}

#[test]
fn a_missing_server_skips_outside_ci() {
    assert_eq!(require_in(false, "no-such-server", None), None);
    assert!(require_in(true, "x", Some(PathBuf::from("/bin/sh"))).is_some());
}

/// `name` on PATH or in the usual system directories.
pub fn which(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/sbin", "/usr/bin", "/usr/local/bin"].map(PathBuf::from))
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// Debian installs PostgreSQL under /usr/lib/postgresql/<major>/bin; the newest wins.
pub fn postgres_bindir() -> Option<PathBuf> {
    let mut dirs: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let major: u32 = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("postgres").is_file().then_some((major, bin))
        })
        .collect();
    dirs.sort();
    if let Some((_, d)) = dirs.pop() {
        return Some(d);
    }
    // Elsewhere: pg_ctl on PATH.
    which("pg_ctl").and_then(|p| {
        std::fs::canonicalize(p)
            .ok()?
            .parent()
            .map(Path::to_path_buf)
    })
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

pub fn wait_for_port(port: u16, timeout: Duration) -> bool {
    let start = Instant::now();
    while start.elapsed() < timeout {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

/// Runs `cmd`, failing the test with its output when it fails; its stdout.
pub fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A CA and a server certificate for localhost / 127.0.0.1, made with openssl.
pub struct Certs {
    pub ca: PathBuf,
    pub cert: PathBuf,
    pub key: PathBuf,
}

pub fn make_certs(dir: &Path) -> Certs {
    let p = |n: &str| dir.join(n);
    let ossl = || Command::new("openssl");
    run(ossl()
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=golive test CA",
        ])
        .arg("-keyout")
        .arg(p("ca.key"))
        .arg("-out")
        .arg(p("ca.crt")));
    run(ossl()
        .args([
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=localhost",
        ])
        .arg("-keyout")
        .arg(p("server.key"))
        .arg("-out")
        .arg(p("server.csr")));
    std::fs::write(
        p("ext.cnf"),
        "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
    )
    .expect("write ext.cnf");
    run(ossl()
        .args(["x509", "-req", "-days", "2", "-CAcreateserial"])
        .arg("-in")
        .arg(p("server.csr"))
        .arg("-CA")
        .arg(p("ca.crt"))
        .arg("-CAkey")
        .arg(p("ca.key"))
        .arg("-extfile")
        .arg(p("ext.cnf"))
        .arg("-out")
        .arg(p("server.crt")));
    Certs {
        ca: p("ca.crt"),
        cert: p("server.crt"),
        key: p("server.key"),
    }
}

fn is_root() -> bool {
    run(Command::new("id").arg("-u")).trim() == "0"
}

/// Runs `cmd` as the postgres user when we are root (initdb and postgres refuse root).
fn as_postgres(program: &Path) -> Command {
    if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    }
}

fn chown_postgres(path: &Path) {
    if is_root() {
        run(Command::new("chown")
            .args(["-R", "postgres:postgres"])
            .arg(path));
    }
}

/// How a test PostgreSQL is configured.
pub struct PgOptions {
    pub ssl: bool,
    pub archive: bool,
    pub max_connections: u32,
}

/// A running PostgreSQL cluster. The superuser `postgres` has password `SUPERPW` over TCP.
pub struct Postgres {
    pub port: u16,
    pub dir: tempfile::TempDir,
    pub bindir: PathBuf,
    pub certs: Option<Certs>,
}

pub const PG_SUPER_PASSWORD: &str = "Sup3r-secret-pg-pass";

impl Postgres {
    pub fn start(opts: PgOptions) -> Option<Postgres> {
        let bindir = require("PostgreSQL (initdb, pg_ctl)", postgres_bindir())?;
        let dir = tempfile::Builder::new()
            .prefix("golive-pg")
            .tempdir()
            .expect("tempdir");
        // runuser needs to traverse into the directory.
        run(Command::new("chmod").arg("755").arg(dir.path()));
        let data = dir.path().join("data");
        let pwfile = dir.path().join("pw");
        std::fs::write(&pwfile, PG_SUPER_PASSWORD).expect("pwfile");
        let archive = dir.path().join("archive");
        std::fs::create_dir_all(&archive).expect("archive dir");
        let certs = opts.ssl.then(|| make_certs(dir.path()));
        chown_postgres(dir.path());
        run(as_postgres(&bindir.join("initdb"))
            .args([
                "-U",
                "postgres",
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
                "-E",
                "UTF8",
            ])
            .arg("--pwfile")
            .arg(&pwfile)
            .arg("-D")
            .arg(&data));
        let port = free_port();
        let mut conf = format!(
            "listen_addresses = '127.0.0.1'\nport = {port}\nunix_socket_directories = '{}'\nmax_connections = {}\nfsync = off\nshared_buffers = 16MB\n",
            dir.path().display(),
            opts.max_connections
        );
        if let Some(c) = &certs {
            let key = dir.path().join("pg.key");
            std::fs::copy(&c.key, &key).expect("copy key");
            run(Command::new("chmod").arg("600").arg(&key));
            chown_postgres(&key);
            conf.push_str(&format!(
                "ssl = on\nssl_cert_file = '{}'\nssl_key_file = '{}'\n",
                c.cert.display(),
                key.display()
            ));
        } else {
            conf.push_str("ssl = off\n");
        }
        if opts.archive {
            conf.push_str(&format!(
                "archive_mode = on\narchive_command = 'cp %p {}/%f'\nwal_level = replica\n",
                archive.display()
            ));
        } else {
            conf.push_str("archive_mode = off\n");
        }
        std::fs::write(data.join("postgresql.auto.conf"), conf).expect("write conf");
        chown_postgres(&data);
        run(as_postgres(&bindir.join("pg_ctl"))
            .args(["-w", "-t", "30", "-l"])
            .arg(dir.path().join("log"))
            .arg("-D")
            .arg(&data)
            .arg("start"));
        Some(Postgres {
            port,
            dir,
            bindir,
            certs,
        })
    }

    /// Runs SQL as the superuser over the Unix socket.
    pub fn psql(&self, db: &str, sql: &str) -> String {
        run(as_postgres(&self.bindir.join("psql"))
            .args(["-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-h"])
            .arg(self.dir.path())
            .args([
                "-p",
                &self.port.to_string(),
                "-U",
                "postgres",
                "-d",
                db,
                "-c",
                sql,
            ]))
    }

    pub fn url(&self, user: &str, password: &str, db: &str, query: &str) -> String {
        format!(
            "postgresql://{user}:{password}@127.0.0.1:{}/{db}{query}",
            self.port
        )
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let _ = as_postgres(&self.bindir.join("pg_ctl"))
            .args(["-m", "immediate", "-D"])
            .arg(self.dir.path().join("data"))
            .arg("stop")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

/// A child process killed on drop.
pub struct Proc {
    pub child: Child,
    pub port: u16,
    pub dir: tempfile::TempDir,
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn(mut cmd: Command, port: u16, dir: tempfile::TempDir, what: &str) -> Proc {
    let log = std::fs::File::create(dir.path().join("server.log")).expect("log file");
    let log2 = log.try_clone().expect("log file");
    let child = cmd
        .stdin(Stdio::null())
        .stdout(log)
        .stderr(log2)
        .spawn()
        .unwrap_or_else(|e| panic!("{what}: {e}"));
    let mut p = Proc { child, port, dir };
    if !wait_for_port(port, Duration::from_secs(20)) {
        let _ = p.child.kill();
        let log = std::fs::read_to_string(p.dir.path().join("server.log")).unwrap_or_default();
        panic!("{what} did not listen on {port}: {log}");
    }
    p
}

/// Starts redis-server with `config` appended to a loopback base configuration. Returns the
/// process; `tls` adds a TLS port (the returned port) with a CA in `Proc.dir/ca.crt`.
pub fn redis(config: &str, tls: bool) -> Option<Proc> {
    let bin = require("redis-server", which("redis-server"))?;
    let dir = tempfile::Builder::new()
        .prefix("golive-redis")
        .tempdir()
        .expect("tempdir");
    let port = free_port();
    let mut conf = format!(
        "bind 127.0.0.1\nprotected-mode no\ndir {}\nsave \"\"\nloglevel warning\n",
        dir.path().display()
    );
    if tls {
        let c = make_certs(dir.path());
        conf.push_str(&format!(
            "port 0\ntls-port {port}\ntls-cert-file {}\ntls-key-file {}\ntls-ca-cert-file {}\ntls-auth-clients no\n",
            c.cert.display(),
            c.key.display(),
            c.ca.display()
        ));
    } else {
        conf.push_str(&format!("port {port}\n"));
    }
    conf.push_str(config);
    let path = dir.path().join("redis.conf");
    std::fs::write(&path, conf).expect("redis.conf");
    let mut cmd = Command::new(bin);
    cmd.arg(&path);
    Some(spawn(cmd, port, dir, "redis-server"))
}

/// Starts Prometheus with `config` (prometheus.yml) and `rules` (rules.yml, referenced by
/// the config as `rules.yml`).
pub fn prometheus(config: &str, rules: &str) -> Option<Proc> {
    let bin = require("prometheus", which("prometheus"))?;
    let dir = tempfile::Builder::new()
        .prefix("golive-prom")
        .tempdir()
        .expect("tempdir");
    let port = free_port();
    let config = config.replace("{PORT}", &port.to_string());
    std::fs::write(dir.path().join("prometheus.yml"), config).expect("prometheus.yml");
    std::fs::write(dir.path().join("rules.yml"), rules).expect("rules.yml");
    let mut cmd = Command::new(bin);
    cmd.arg(format!(
        "--config.file={}",
        dir.path().join("prometheus.yml").display()
    ))
    .arg(format!(
        "--storage.tsdb.path={}",
        dir.path().join("data").display()
    ))
    .arg(format!("--web.listen-address=127.0.0.1:{port}"))
    .arg("--log.level=warn");
    Some(spawn(cmd, port, dir, "prometheus"))
}

/// Starts Alertmanager with `config` (alertmanager.yml), clustering off.
pub fn alertmanager(config: &str) -> Option<Proc> {
    let bin = require(
        "alertmanager",
        which("prometheus-alertmanager").or_else(|| which("alertmanager")),
    )?;
    let dir = tempfile::Builder::new()
        .prefix("golive-am")
        .tempdir()
        .expect("tempdir");
    let port = free_port();
    std::fs::write(dir.path().join("alertmanager.yml"), config).expect("alertmanager.yml");
    let mut cmd = Command::new(bin);
    cmd.arg(format!(
        "--config.file={}",
        dir.path().join("alertmanager.yml").display()
    ))
    .arg(format!(
        "--storage.path={}",
        dir.path().join("data").display()
    ))
    .arg(format!("--web.listen-address=127.0.0.1:{port}"))
    .arg("--cluster.listen-address=")
    .arg("--log.level=warn");
    Some(spawn(cmd, port, dir, "alertmanager"))
}

/// Polls `f` until it returns true or `timeout` passes.
pub fn eventually(timeout: Duration, mut f: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < timeout {
        if f() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    false
}

/// Starts moto_server (an S3 API, from PyPI `moto[server]`).
pub fn moto() -> Option<Proc> {
    let bin = require(
        "moto_server (pip install 'moto[server]')",
        which("moto_server"),
    )?;
    let dir = tempfile::Builder::new()
        .prefix("golive-moto")
        .tempdir()
        .expect("tempdir");
    let port = free_port();
    let mut cmd = Command::new(bin);
    cmd.args(["-H", "127.0.0.1", "-p", &port.to_string()]);
    Some(spawn(cmd, port, dir, "moto_server"))
}
