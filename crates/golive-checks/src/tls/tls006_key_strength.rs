use super::{chain_evidence, probe};
use golive_core::{
    Category, Check, CheckCx, CheckDoc, CheckMeta, Input, Outcome, ParamKind, ParamSpec, Severity,
};

pub struct KeyStrength;

static META: CheckMeta = CheckMeta {
    code: "TLS006",
    slug: "tls-key-strength",
    category: Category::Network,
    severity: Severity::High,
    summary: "The certificate key is strong enough and not signed with SHA-1",
    doc: CheckDoc {
        what: "Reads the leaf certificate's public key and signature algorithm. RSA keys need at \
least `min_rsa_bits` (default 2048), EC keys at least `min_ec_bits` (default 256); Ed25519 and \
Ed448 pass; DSA fails. A SHA-1 or MD5 signature fails. An unknown key type is a warning.",
        why: "RSA-1024 is within reach of well-funded attackers and refused by browsers; SHA-1 \
signatures can be forged (SHAttered). Either makes the certificate worth less than it looks.",
        fix: "Issue a new certificate with an ECDSA P-256 key (or RSA 2048+) and a SHA-256 signature.",
        example: "```\n$ openssl s_client -connect api.example.com:443 </dev/null 2>/dev/null | openssl x509 -noout -text | grep -E 'Public-Key|Signature Algorithm'\n    Public-Key: (256 bit)\n    Signature Algorithm: ecdsa-with-SHA256\n```",
    },
    params: &[
        ParamSpec {
            name: "min_rsa_bits",
            kind: ParamKind::Int,
            default: "2048",
            help: "smallest acceptable RSA modulus",
        },
        ParamSpec {
            name: "min_ec_bits",
            kind: ParamKind::Int,
            default: "256",
            help: "smallest acceptable EC key",
        },
    ],
    requires: &[Input::ApiUrl],
    keywords: &["key size", "RSA 2048", "ECDSA", "certificate key", "SHA-1"],
};

#[async_trait::async_trait]
impl Check for KeyStrength {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let p = match probe(cx).await {
            Ok(p) => p,
            Err(o) => return o,
        };
        let Some(leaf) = p.chain.first() else {
            return Outcome::error("no certificate was presented");
        };
        let mut ev = chain_evidence(&p);
        ev.push(format!("signature: {}", leaf.signature_algorithm));
        ev.push(format!(
            "reproduce: {} 2>/dev/null | openssl x509 -noout -text | grep -E 'Public-Key|Signature Algorithm'",
            p.target.openssl()
        ));
        let fix =
            "issue a certificate with an ECDSA P-256 or RSA 2048+ key and a SHA-256 signature";
        let sig = leaf.signature_algorithm.to_ascii_lowercase();
        if sig.contains("sha1") || sig.contains("md5") {
            return Outcome::fail(format!(
                "the certificate is signed with {}",
                leaf.signature_algorithm
            ))
            .with_evidence(ev)
            .fix(fix);
        }
        let bits = leaf.key_bits as i64;
        let desc = format!("{} {} bits", leaf.key_type, leaf.key_bits);
        match leaf.key_type.as_str() {
            "RSA" if bits >= cx.params.int("min_rsa_bits") => {
                Outcome::pass(format!("key is {desc}")).with_evidence(ev)
            }
            "EC" if bits >= cx.params.int("min_ec_bits") => {
                Outcome::pass(format!("key is {desc}")).with_evidence(ev)
            }
            "Ed25519" | "Ed448" => {
                Outcome::pass(format!("key is {}", leaf.key_type)).with_evidence(ev)
            }
            "RSA" | "EC" | "DSA" => Outcome::fail(format!("key is {desc}, too weak"))
                .with_evidence(ev)
                .fix(fix),
            _ => Outcome::warn(format!("key type {} is not recognised", leaf.key_type))
                .with_evidence(ev),
        }
    }
}
