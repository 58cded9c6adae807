use super::{report, scan};
use golive_core::{Category, Check, CheckCx, CheckDoc, CheckMeta, Outcome, Severity};
use golive_facts::secrets_scan::SecretKind;

pub struct PrivateKeys;

static META: CheckMeta = CheckMeta {
    code: "SECRET002",
    slug: "secret-private-keys",
    category: Category::Secrets,
    severity: Severity::Critical,
    summary: "No private key (PEM, OpenSSH, PGP, PuTTY) is committed",
    doc: CheckDoc {
        what: "Finds the armour of private keys: `-----BEGIN … PRIVATE KEY-----` for RSA, EC, DSA, OpenSSH, PKCS#8 and encrypted keys, PGP private key blocks and PuTTY key files. A header must be followed by key material (base64, after encrypted-PEM headers, in a file or a string with `\\n` escapes): a header alone, as documentation shows it, is not a key. Every text file of the repository index (honouring .gitignore; binary files, lockfiles and files over 2 MiB skipped) is scanned once. Values are shown redacted: length, at most two characters and a fingerprint. A hit in a test, fixture or example file (or documentation) is a warning. `golive:allow <reason>` on the line or the line above allows a hit.",
        why: "A committed TLS or SSH private key lets anyone who reads the repository impersonate the server or log in as the deploy user; the certificate stays valid until it is revoked.",
        fix: "Revoke and reissue the certificate or key pair, delete the file, and mount keys from a secret store (Kubernetes Secret from External Secrets, Vault) at deploy time.",
        example: "```\n# fails: certs/server.key contains\n-----BEGIN RSA PRIVATE KEY-----\n# passes: the key is mounted at run time from a secret store\n```",
    },
    params: &[],
    requires: &[],
    keywords: &[
        "private key",
        "TLS key",
        "SSH key",
        "certificate",
        "PEM",
        "id_rsa",
    ],
};

#[async_trait::async_trait]
impl Check for PrivateKeys {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let s = match scan(cx).await {
            Ok(s) => s,
            Err(o) => return o,
        };
        report(
            &s,
            &[SecretKind::PrivateKey],
            "private key",
            "revoke and reissue the key, delete the file and mount keys from a secret store",
        )
    }
}
