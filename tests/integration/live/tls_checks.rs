//! TLS checks against certificates made in the test: an invalid certificate is still
//! inspected, and exactly the check for the broken property fails.

use super::{Cert, Target, statuses, with_status};

fn exactly_fails(cert: Cert, code: &str, message_contains: &str) {
    let t = Target::start("good", cert);
    let report = t.check("TLS");
    let s = statuses(&report);
    assert_eq!(
        with_status(&report, "fail"),
        vec![code.to_string()],
        "{s:#?}"
    );
    assert!(with_status(&report, "error").is_empty(), "{s:#?}");
    assert!(
        s[code].1.contains(message_contains),
        "{code}: {:?}",
        s[code]
    );
    // HTTP checks cannot trust the endpoint: they say so instead of passing.
    let http = t.check("HTTP004");
    assert_eq!(
        statuses(&http)["HTTP004"].0,
        "error",
        "{:?}",
        statuses(&http)
    );
}

#[test]
fn self_signed_fails_only_tls003() {
    exactly_fails(Cert::SelfSigned, "TLS003", "self-signed");
}

#[test]
fn wrong_host_fails_only_tls004() {
    exactly_fails(Cert::WrongHost, "TLS004", "other.example.test");
}

#[test]
fn expired_fails_only_tls005() {
    exactly_fails(Cert::Expired, "TLS005", "expired");
}

#[test]
fn tls12_only_warns_tls001() {
    let t = Target::start("good", Cert::Tls12Only);
    let report = t.check("TLS");
    let s = statuses(&report);
    assert_eq!(s["TLS001"].0, "warn", "{s:#?}");
    assert!(s["TLS001"].1.contains("TLSv1.2"), "{s:?}");
    assert!(with_status(&report, "fail").is_empty(), "{s:#?}");
}
