//! nginx from Debian as a real TLS endpoint: TLS 1.0/1.1 enabled (which no Rust server
//! speaks), RSA-1024, `server_tokens`. Started as a non-daemon child on a free loopback port
//! in a temporary directory with its own configuration.

use super::server::Pki;
use super::{in_ci, statuses};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Nginx {
    child: Child,
    pub port: u16,
    pub dir: tempfile::TempDir,
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn find_nginx() -> Option<PathBuf> {
    ["/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

/// nginx, or `None` with a printed reason outside CI; in CI a missing nginx fails the test.
pub fn nginx_or_skip(test: &str) -> Option<PathBuf> {
    match find_nginx() {
        Some(p) => Some(p),
        None if in_ci() => panic!(
            "{test}: nginx is not installed (run scripts/install-test-deps.sh); CI=true makes this a failure"
        ),
        None => {
            eprintln!("{test}: SKIPPED: nginx is not installed (run scripts/install-test-deps.sh)");
            None
        }
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts nginx serving TLS on a free port with `cert.pem`/`key.pem` (written into its
/// directory by `files`) and `directives` inside the server block.
pub fn start(bin: &Path, files: &[(&str, &str)], directives: &str) -> Nginx {
    let dir = tempfile::tempdir().unwrap();
    for (name, content) in files {
        std::fs::write(dir.path().join(name), content).unwrap();
    }
    std::fs::create_dir_all(dir.path().join("tmp")).unwrap();
    let d = dir.path().display();
    let port = free_port();
    let conf = format!(
        r#"daemon off;
master_process off;
worker_processes 1;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {d}/tmp/body;
    proxy_temp_path {d}/tmp/proxy;
    fastcgi_temp_path {d}/tmp/fastcgi;
    uwsgi_temp_path {d}/tmp/uwsgi;
    scgi_temp_path {d}/tmp/scgi;
    server {{
        listen 127.0.0.1:{port} ssl;
        server_name localhost;
        ssl_certificate {d}/cert.pem;
        ssl_certificate_key {d}/key.pem;
        {directives}
        location / {{ return 200 "ok\n"; }}
    }}
}}
"#
    );
    let conf_path = dir.path().join("nginx.conf");
    std::fs::write(&conf_path, conf).unwrap();
    let child = Command::new(bin)
        .arg("-c")
        .arg(&conf_path)
        .arg("-p")
        .arg(dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("nginx starts");
    let mut n = Nginx { child, port, dir };
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if let Ok(Some(st)) = n.child.try_wait() {
            let log = std::fs::read_to_string(n.dir.path().join("error.log")).unwrap_or_default();
            panic!("nginx exited ({st}): {log}");
        }
        assert!(Instant::now() < deadline, "nginx did not listen on {port}");
        std::thread::sleep(Duration::from_millis(50));
    }
    n
}

fn write_config(n: &Nginx) {
    let toml = format!(
        "[environments.test]\napi_url = \"https://localhost:{}\"\nca_file = \"ca.pem\"\n",
        n.port
    );
    std::fs::write(n.dir.path().join("golive.toml"), toml).unwrap();
}

fn pki_files(pki: &Pki) -> (String, String, String) {
    let leaf = pki.leaf(&["localhost"], None, false);
    let dir = tempfile::tempdir().unwrap();
    pki.write_ca(&dir.path().join("ca.pem"));
    let ca = std::fs::read_to_string(dir.path().join("ca.pem")).unwrap();
    (leaf.cert_pem, leaf.key_pem, ca)
}

#[test]
fn nginx_with_tls10_and_tls11_fails_only_tls002_and_leaks_its_version() {
    let Some(bin) = nginx_or_skip("nginx_with_tls10_and_tls11") else {
        return;
    };
    let pki = Pki::new();
    let (cert, key, ca) = pki_files(&pki);
    let n = start(
        &bin,
        &[("cert.pem", &cert), ("key.pem", &key), ("ca.pem", &ca)],
        "ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3;\n        ssl_ciphers DEFAULT:@SECLEVEL=0;\n        server_tokens on;",
    );
    write_config(&n);
    let report = super::run_check(n.dir.path(), "TLS,HTTP009");
    let s = statuses(&report);
    assert_eq!(s["TLS002"].0, "fail", "{s:#?}");
    assert!(
        s["TLS002"].1.contains("TLSv1.0") && s["TLS002"].1.contains("TLSv1.1"),
        "{s:?}"
    );
    assert_eq!(s["HTTP009"].0, "fail", "server_tokens on: {s:#?}");
    for code in ["TLS001", "TLS003", "TLS004", "TLS005", "TLS006"] {
        assert_eq!(s[code].0, "pass", "{code}: {s:#?}");
    }
}

#[test]
fn nginx_modern_passes_every_tls_check() {
    let Some(bin) = nginx_or_skip("nginx_modern") else {
        return;
    };
    let pki = Pki::new();
    let (cert, key, ca) = pki_files(&pki);
    let n = start(
        &bin,
        &[("cert.pem", &cert), ("key.pem", &key), ("ca.pem", &ca)],
        "ssl_protocols TLSv1.2 TLSv1.3;\n        server_tokens off;",
    );
    write_config(&n);
    let report = super::run_check(n.dir.path(), "TLS,HTTP009");
    let s = statuses(&report);
    let not_pass: Vec<_> = s.iter().filter(|(_, (st, _))| st != "pass").collect();
    assert!(not_pass.is_empty(), "{not_pass:#?}");
}

#[test]
fn nginx_with_rsa1024_fails_tls006_and_near_expiry_warns_tls005() {
    let Some(bin) = nginx_or_skip("nginx_with_rsa1024") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let st = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:1024",
            "-nodes",
            "-days",
            "20",
            "-subj",
            "/CN=localhost",
        ])
        .args(["-addext", "subjectAltName=DNS:localhost", "-keyout"])
        .arg(dir.path().join("key.pem"))
        .arg("-out")
        .arg(dir.path().join("cert.pem"))
        .output()
        .expect("openssl runs");
    assert!(
        st.status.success(),
        "{}",
        String::from_utf8_lossy(&st.stderr)
    );
    let cert = std::fs::read_to_string(dir.path().join("cert.pem")).unwrap();
    let key = std::fs::read_to_string(dir.path().join("key.pem")).unwrap();
    let n = start(
        &bin,
        &[("cert.pem", &cert), ("key.pem", &key), ("ca.pem", &cert)],
        "ssl_protocols TLSv1.2 TLSv1.3;\n        ssl_ciphers DEFAULT:@SECLEVEL=0;",
    );
    write_config(&n);
    let report = super::run_check(n.dir.path(), "TLS006,TLS004,TLS005");
    let s = statuses(&report);
    assert_eq!(s["TLS006"].0, "fail", "{s:#?}");
    assert!(s["TLS006"].1.contains("RSA 1024"), "{s:?}");
    assert_eq!(s["TLS004"].0, "pass", "{s:#?}");
    // Valid for 20 days: under the 30-day warning threshold, above the 7-day failure one.
    assert_eq!(s["TLS005"].0, "warn", "{s:#?}");
    assert!(s["TLS005"].1.contains("warn below 30"), "{s:?}");
}
