//! rustls client configurations for the infrastructure collectors (PostgreSQL, Redis, HTTP
//! APIs) on the ring provider. The trust store itself (system roots plus the environment's
//! `ca_file`) is the TLS probe's, `tls::roots`, so every part of golive trusts the same roots.

use crate::tls::roots::provider;
pub use crate::tls::roots::{ca_file_path, read_ca_file, root_store};
use golive_core::FactError;
use rustls::client::WantsClientCert;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, ConfigBuilder, DigitallySignedStruct, SignatureScheme};
use std::path::Path;
use std::sync::Arc;

/// Installs ring as the process-wide rustls provider when none is (libraries that build their
/// own `ClientConfig`, such as the redis crate, need one). Harmless when already installed.
pub fn ensure_default_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// A client configuration, before the client certificate, that verifies the server against
/// the system store plus `ca_file` (and `extra` roots, e.g. libpq's `sslrootcert`).
pub fn verifying_builder(
    ca_file: Option<&Path>,
    extra: &[CertificateDer<'static>],
) -> Result<ConfigBuilder<ClientConfig, WantsClientCert>, FactError> {
    let (mut roots, _) = root_store(ca_file)?;
    for c in extra {
        roots
            .add(c.clone())
            .map_err(|e| FactError::new(format!("sslrootcert: {e}")))?;
    }
    ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| FactError::new(format!("TLS setup: {e}")))
        .map(|b| b.with_root_certificates(roots))
}

/// A verifying client configuration without a client certificate.
pub fn verifying_config(ca_file: Option<&Path>) -> Result<ClientConfig, FactError> {
    verifying_builder(ca_file, &[]).map(|b| b.with_no_client_auth())
}

/// A configuration, before the client certificate, that encrypts but does not verify the
/// server certificate: what libpq's `sslmode=require` and `prefer` do. Used only when the DSN
/// itself asks for that mode.
pub fn encrypting_only_builder() -> Result<ConfigBuilder<ClientConfig, WantsClientCert>, FactError>
{
    let p = provider();
    ClientConfig::builder_with_provider(p.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| FactError::new(format!("TLS setup: {e}")))
        .map(|b| {
            b.dangerous()
                .with_custom_certificate_verifier(Arc::new(NoVerify(p)))
        })
}

#[derive(Debug)]
struct NoVerify(Arc<rustls::crypto::CryptoProvider>);

impl ServerCertVerifier for NoVerify {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// Redacts credentials from an error or server message before it becomes a fact.
pub fn clean(msg: impl std::fmt::Display) -> String {
    let s = msg.to_string();
    golive_core::redact::mask_url_password(&s).unwrap_or(s)
}
