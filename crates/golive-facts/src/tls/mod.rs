//! TLS collectors: the trust store, a full handshake with certificate inspection, and a
//! hand-built ClientHello for the legacy protocols rustls cannot speak.

pub mod legacy;
pub mod probe;
pub mod roots;

pub use legacy::{LegacyProbe, LegacyVerdict, LegacyVersion};
pub use probe::{CertInfo, TlsProbe, TlsTarget};
