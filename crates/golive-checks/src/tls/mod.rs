//! Live TLS checks against the `https://` endpoint of `api_url`: protocol versions, the
//! certificate chain, hostname, expiry and key strength. The probe accepts any certificate
//! so that an invalid one is still inspected; verification is reported by TLS003.

mod tls001_modern_protocol;
mod tls002_legacy_protocols_refused;
mod tls003_chain_valid;
mod tls004_hostname_match;
mod tls005_certificate_expiry;
mod tls006_key_strength;

use golive_core::{Check, CheckCx, Input, Outcome};
use golive_facts::tls::{TlsProbe, TlsTarget};
use std::sync::Arc;

pub const CHECKS: &[&dyn Check] = &[
    &tls001_modern_protocol::ModernProtocol,
    &tls002_legacy_protocols_refused::LegacyProtocolsRefused,
    &tls003_chain_valid::ChainValid,
    &tls004_hostname_match::HostnameMatch,
    &tls005_certificate_expiry::CertificateExpiry,
    &tls006_key_strength::KeyStrength,
];

/// The TLS endpoint of `api_url`, or `skipped` when it is plain HTTP (TLS001 fails that).
pub(crate) fn target(cx: &CheckCx<'_>) -> Result<TlsTarget, Outcome> {
    let url = golive_facts::http::strip_userinfo(cx.facts.env().input(Input::ApiUrl).unwrap_or(""));
    TlsTarget::from_url(&url).ok_or_else(|| {
        Outcome::skipped(format!(
            "api_url {url} is not https:// (TLS001 reports that)"
        ))
    })
}

/// The shared handshake with the target.
pub(crate) async fn probe(cx: &CheckCx<'_>) -> Result<Arc<TlsProbe>, Outcome> {
    let t = target(cx)?;
    cx.facts
        .get_keyed::<TlsProbe>(&t)
        .await
        .map_err(|e| e.outcome().evidence(format!("reproduce: {}", t.openssl())))
}

/// Evidence lines describing the presented chain.
pub(crate) fn chain_evidence(p: &TlsProbe) -> Vec<String> {
    p.chain
        .iter()
        .enumerate()
        .map(|(i, c)| {
            format!(
                "cert {i}: subject {}; issuer {}; SAN {}; {} {} bits",
                c.subject,
                c.issuer,
                c.dns_names
                    .iter()
                    .chain(&c.ip_names)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", "),
                c.key_type,
                c.key_bits
            )
        })
        .collect()
}
