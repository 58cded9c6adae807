//! Starts a real PostgreSQL for a test: Debian's binaries (found under
//! /usr/lib/postgresql/<version>/bin, newest first, never a hard-coded version), a fresh cluster
//! in a temporary directory, trust authentication, loopback only, a free port. initdb and
//! postgres refuse to run as root, so as root they run as the `postgres` user (`runuser`) in
//! a directory that user owns. The server is stopped when the value is dropped.
//!
//! When the binaries are missing the tests skip with a message, except under `CI=true`, where
//! that is a failure (scripts/install-test-deps.sh installs them).

#![allow(dead_code)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

pub struct PgServer {
    bin: PathBuf,
    data: PathBuf,
    pub port: u16,
    as_postgres: bool,
    _dir: tempfile::TempDir,
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// The newest `/usr/lib/postgresql/*/bin` with initdb in it.
pub fn find_bin() -> Option<PathBuf> {
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let v: u32 = e.file_name().to_str()?.split('.').next()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").is_file().then_some((v, bin))
        })
        .collect();
    found.sort();
    found.pop().map(|(_, b)| b)
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

impl PgServer {
    fn cmd(&self, program: &str) -> Command {
        let exe = self.bin.join(program);
        if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(exe);
            c
        } else {
            Command::new(exe)
        }
    }

    /// Starts a server, or `None` (with a message) when PostgreSQL is not installed outside CI.
    pub fn start() -> Option<PgServer> {
        Self::start_with(false)
    }

    /// With `ssl`, the server has a fresh certificate for 127.0.0.1 from a private CA (see
    /// [`PgServer::ca_file`]) and accepts TCP connections over TLS only.
    pub fn start_with(ssl: bool) -> Option<PgServer> {
        let Some(bin) = find_bin() else {
            assert!(
                !in_ci(),
                "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): run scripts/install-test-deps.sh"
            );
            eprintln!(
                "SKIPPED: PostgreSQL not installed (scripts/install-test-deps.sh installs it)"
            );
            return None;
        };
        let dir = tempfile::Builder::new()
            .prefix("golive-pg-")
            .tempdir()
            .expect("a temporary directory");
        let as_postgres = is_root();
        if as_postgres {
            let st = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(dir.path())
                .status()
                .expect("chown runs");
            assert!(st.success(), "chown of the PostgreSQL directory failed");
        }
        let data = dir.path().join("data");
        let mut server = PgServer {
            bin,
            data: data.clone(),
            port: 0,
            as_postgres,
            _dir: dir,
        };
        let out = server
            .cmd("initdb")
            .arg("-D")
            .arg(&data)
            .args([
                "-U",
                "golive",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
                "--locale=C",
            ])
            .output()
            .expect("initdb runs");
        assert!(
            out.status.success(),
            "initdb failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mut ssl_opts = String::new();
        if ssl {
            let dir = server._dir.path();
            // A private CA, and a server certificate for 127.0.0.1 that it signed.
            std::fs::write(
                dir.join("server.ext"),
                "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n",
            )
            .expect("extensions file");
            let openssl = |args: &[&str]| {
                let out = Command::new("openssl")
                    .args(args)
                    .current_dir(dir)
                    .output()
                    .expect("openssl runs");
                assert!(
                    out.status.success(),
                    "openssl {args:?}: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
            };
            openssl(&[
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "2",
                "-subj",
                "/CN=golive test CA",
                "-keyout",
                "ca.key",
                "-out",
                "ca.crt",
            ]);
            openssl(&[
                "req",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-subj",
                "/CN=127.0.0.1",
                "-keyout",
                "server.key",
                "-out",
                "server.csr",
            ]);
            openssl(&[
                "x509",
                "-req",
                "-in",
                "server.csr",
                "-CA",
                "ca.crt",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-days",
                "2",
                "-extfile",
                "server.ext",
                "-out",
                "server.crt",
            ]);
            if as_postgres {
                for f in ["server.key", "server.crt"] {
                    let st = Command::new("chown")
                        .args(["postgres:postgres"])
                        .arg(dir.join(f))
                        .status()
                        .expect("chown runs");
                    assert!(st.success());
                }
            }
            let st = Command::new("chmod")
                .arg("600")
                .arg(dir.join("server.key"))
                .status()
                .expect("chmod runs");
            assert!(st.success());
            std::fs::write(
                data.join("pg_hba.conf"),
                "local all all trust\nhostssl all all 127.0.0.1/32 trust\nhost all all 127.0.0.1/32 reject\n",
            )
            .expect("pg_hba.conf");
            ssl_opts = format!(
                " -c ssl=on -c ssl_cert_file={} -c ssl_key_file={}",
                dir.join("server.crt").display(),
                dir.join("server.key").display()
            );
        }
        let sock = server._dir.path().to_path_buf();
        let log = server._dir.path().join("postgres.log");
        for _attempt in 0..5 {
            let port = free_port();
            let opts = format!(
                "-p {port} -k {} -c listen_addresses=127.0.0.1 -c max_connections=50{ssl_opts}",
                sock.display()
            );
            let st = server
                .cmd("pg_ctl")
                .arg("-D")
                .arg(&data)
                .arg("-l")
                .arg(&log)
                .args(["-o", &opts, "-w", "-t", "60", "start"])
                .output()
                .expect("pg_ctl runs");
            if st.status.success() {
                server.port = port;
                return Some(server);
            }
        }
        let log_text = std::fs::read_to_string(&log).unwrap_or_default();
        panic!("PostgreSQL did not start: {log_text}");
    }

    /// A URL to a fresh database of this server.
    pub fn fresh_database(&self, name: &str) -> String {
        let out = self
            .cmd("psql")
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-U",
                "golive",
                "-d",
                "postgres",
                "-qAt",
                "-c",
            ])
            .arg(format!("CREATE DATABASE {name}"))
            .output()
            .expect("psql runs");
        assert!(
            out.status.success(),
            "CREATE DATABASE {name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        self.url(name)
    }

    pub fn url(&self, db: &str) -> String {
        format!("postgres://golive@127.0.0.1:{}/{db}", self.port)
    }

    /// The CA that signed the certificate of a server started with `ssl`.
    pub fn ca_file(&self) -> PathBuf {
        self._dir.path().join("ca.crt")
    }

    pub fn data_dir(&self) -> &Path {
        &self.data
    }
}

impl Drop for PgServer {
    fn drop(&mut self) {
        if self.port != 0 {
            let _ = self
                .cmd("pg_ctl")
                .arg("-D")
                .arg(&self.data)
                .args(["-m", "immediate", "-w", "stop"])
                .output();
        }
    }
}
