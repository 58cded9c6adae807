//! rustls client configurations for the infrastructure collectors (PostgreSQL, Redis, HTTP
//! APIs): the system trust store plus the environment's `ca_file`, on the ring provider.

use golive_core::FactError;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use std::path::Path;
use std::sync::Arc;

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Installs ring as the process-wide rustls provider when none is (libraries that build their
/// own `ClientConfig`, such as the redis crate, need one). Harmless when already installed.
pub fn ensure_default_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// The PEM certificates of `ca_file`.
pub fn read_ca_file(path: &Path) -> Result<Vec<CertificateDer<'static>>, FactError> {
    let certs: Result<Vec<_>, _> = CertificateDer::pem_file_iter(path)
        .map_err(|e| FactError::new(format!("ca_file {}: {e}", path.display())))?
        .collect();
    let certs = certs.map_err(|e| FactError::new(format!("ca_file {}: {e}", path.display())))?;
    if certs.is_empty() {
        return Err(FactError::new(format!(
            "ca_file {}: no PEM certificate in it",
            path.display()
        )));
    }
    Ok(certs)
}

/// The system trust store, read once per process (parsing it costs more than a TLS
/// handshake, and every collector needs it).
pub fn native_roots() -> &'static [CertificateDer<'static>] {
    static ROOTS: std::sync::OnceLock<Vec<CertificateDer<'static>>> = std::sync::OnceLock::new();
    ROOTS.get_or_init(|| rustls_native_certs::load_native_certs().certs)
}

/// Roots: the system store plus `ca_file` when given.
pub fn root_store(ca_file: Option<&Path>) -> Result<RootCertStore, FactError> {
    let mut roots = RootCertStore::empty();
    for cert in native_roots() {
        let _ = roots.add(cert.clone());
    }
    if let Some(p) = ca_file {
        for cert in read_ca_file(p)? {
            roots
                .add(cert)
                .map_err(|e| FactError::new(format!("ca_file {}: {e}", p.display())))?;
        }
    }
    Ok(roots)
}

/// A verifying client configuration.
pub fn verifying_config(ca_file: Option<&Path>) -> Result<ClientConfig, FactError> {
    let roots = root_store(ca_file)?;
    ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| FactError::new(format!("TLS setup: {e}")))
        .map(|b| b.with_root_certificates(roots).with_no_client_auth())
}

/// A configuration that encrypts but does not verify the server certificate: what libpq's
/// `sslmode=require` and `prefer` do. Used only when the DSN itself asks for that mode.
pub fn encrypting_only_config() -> Result<ClientConfig, FactError> {
    let p = provider();
    ClientConfig::builder_with_provider(p.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| FactError::new(format!("TLS setup: {e}")))
        .map(|b| {
            b.dangerous()
                .with_custom_certificate_verifier(Arc::new(NoVerify(p)))
                .with_no_client_auth()
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

/// The `ca_file` of the run's environment, resolved against the repository root.
pub fn ca_file_path(env: &golive_core::RunEnv) -> Option<std::path::PathBuf> {
    env.ca_file.as_ref().map(|f| {
        let p = Path::new(f);
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            env.root.join(p)
        }
    })
}

/// Redacts credentials from an error or server message before it becomes a fact.
pub fn clean(msg: impl std::fmt::Display) -> String {
    let s = msg.to_string();
    golive_core::redact::mask_url_password(&s).unwrap_or(s)
}
