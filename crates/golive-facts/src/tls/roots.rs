//! Trust: the system store plus the environment's `ca_file`, and a verifier that lets a
//! handshake with an invalid certificate finish so the certificate can still be inspected.

use golive_core::FactError;
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::{DigitallySignedStruct, RootCertStore, SignatureScheme};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, ServerName, UnixTime};
use std::path::Path;
use std::sync::Arc;

pub fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The system trust store, read once per process (parsing it costs more than a TLS
/// handshake, and the TLS probe, the HTTP clients and the database collectors all need it).
pub fn native_roots() -> &'static [CertificateDer<'static>] {
    static ROOTS: std::sync::OnceLock<Vec<CertificateDer<'static>>> = std::sync::OnceLock::new();
    ROOTS.get_or_init(|| rustls_native_certs::load_native_certs().certs)
}

/// The PEM certificates of a CA file (`ca_file`, `sslrootcert`). An unreadable file or one
/// without a certificate is an error.
pub fn read_ca_file(path: &Path) -> Result<Vec<CertificateDer<'static>>, FactError> {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(path)
        .map_err(|e| FactError::new(format!("ca_file {}: {e}", path.display())))?
        .collect::<Result<_, _>>()
        .map_err(|e| FactError::new(format!("ca_file {}: {e}", path.display())))?;
    if certs.is_empty() {
        return Err(FactError::new(format!(
            "ca_file {}: no PEM certificate in it",
            path.display()
        )));
    }
    Ok(certs)
}

/// The system roots plus every certificate of `ca_file`, and a note saying how many of each.
/// The one trust-store builder of golive: the TLS probe, both HTTP clients and the PostgreSQL
/// and Redis collectors all trust the same roots. A `ca_file` that cannot be read or holds no
/// usable certificate is an error: checks must not silently verify against less.
pub fn root_store(ca_file: Option<&Path>) -> Result<(RootCertStore, String), FactError> {
    let mut store = RootCertStore::empty();
    let (added, _) = store.add_parsable_certificates(native_roots().iter().cloned());
    let mut note = format!("{added} system roots");
    if let Some(path) = ca_file {
        let certs = read_ca_file(path)?;
        let (ok, bad) = store.add_parsable_certificates(certs);
        if ok == 0 {
            return Err(FactError::new(format!(
                "ca_file {}: none of its {bad} certificates is a usable root",
                path.display()
            )));
        }
        note.push_str(&format!(" + {ok} from {}", path.display()));
    }
    Ok((store, note))
}

/// The `ca_file` of the run's environment, resolved against the repository root.
pub fn ca_file_path(env: &golive_core::RunEnv) -> Option<std::path::PathBuf> {
    env.ca_file.as_ref().map(|f| env.root.join(f))
}

/// The run's trust store (system roots plus the environment's `ca_file`), loaded once and
/// shared by the HTTP client and the TLS probe.
pub struct TrustStore {
    pub store: RootCertStore,
    pub note: String,
}

#[async_trait::async_trait]
impl golive_core::Fact for TrustStore {
    async fn collect(facts: &golive_core::Facts) -> Result<Self, FactError> {
        let env = facts.env();
        let ca = ca_file_path(env);
        let (store, note) = tokio::task::spawn_blocking(move || root_store(ca.as_deref()))
            .await
            .map_err(|e| FactError::new(format!("loading the trust store: {e}")))??;
        Ok(Self { store, note })
    }
}

/// A verifying client configuration (HTTP requests).
pub fn client_config(
    ca_file: Option<&Path>,
) -> Result<(Arc<rustls::ClientConfig>, String), FactError> {
    let (store, note) = root_store(ca_file)?;
    Ok((config_with_roots(store)?, note))
}

/// A verifying client configuration trusting `store`.
pub fn config_with_roots(store: RootCertStore) -> Result<Arc<rustls::ClientConfig>, FactError> {
    let config = rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| FactError::new(format!("TLS setup: {e}")))?
        .with_root_certificates(store)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// Accepts any certificate, so the probe can inspect what an invalid endpoint presents;
/// verification is done afterwards, separately. Handshake signatures are verified, and one
/// that does not verify (a key too weak for the provider, a forgery) is recorded instead of
/// aborting, so the certificate can still be judged. Nothing is ever sent over the connection.
#[derive(Debug)]
pub struct InspectOnly {
    provider: Arc<CryptoProvider>,
    pub signature_error: std::sync::Mutex<Option<String>>,
}

impl InspectOnly {
    fn record(
        &self,
        r: Result<HandshakeSignatureValid, rustls::Error>,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        if let Err(e) = r {
            let mut s = self
                .signature_error
                .lock()
                .unwrap_or_else(|p| p.into_inner());
            *s = Some(e.to_string());
        }
        Ok(HandshakeSignatureValid::assertion())
    }
}

impl ServerCertVerifier for InspectOnly {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
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
        self.record(rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        ))
    }
    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.record(rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        ))
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// An inspecting client configuration (the TLS probe), with its verifier to read back.
pub fn inspect_config() -> Result<(Arc<rustls::ClientConfig>, Arc<InspectOnly>), FactError> {
    let p = provider();
    let verifier = Arc::new(InspectOnly {
        provider: p.clone(),
        signature_error: std::sync::Mutex::new(None),
    });
    let config = rustls::ClientConfig::builder_with_provider(p)
        .with_safe_default_protocol_versions()
        .map_err(|e| FactError::new(format!("TLS setup: {e}")))?
        .dangerous()
        .with_custom_certificate_verifier(verifier.clone())
        .with_no_client_auth();
    Ok((Arc::new(config), verifier))
}

/// A verifier against `store`.
pub fn webpki_verifier(store: RootCertStore) -> Result<Arc<WebPkiServerVerifier>, FactError> {
    WebPkiServerVerifier::builder_with_provider(Arc::new(store), provider())
        .build()
        .map_err(|e| FactError::new(format!("TLS verifier: {e}")))
}
