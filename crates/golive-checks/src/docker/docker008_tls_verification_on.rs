use super::{NO_DOCKERFILE, at, deployable, dockerfiles, usable};
use golive_core::{Category, Check, CheckCx, CheckDoc, CheckMeta, Findings, Outcome, Severity};
use golive_facts::dockerfile::key_values;

pub struct TlsVerificationOn;

static META: CheckMeta = CheckMeta {
    code: "DOCKER008",
    slug: "docker-tls-verification-on",
    category: Category::Security,
    severity: Severity::High,
    summary: "The image does not turn off TLS certificate verification through ENV",
    doc: CheckDoc {
        what: "In the stages that end up in the image (the final stage and the stages it builds \
on), no `ENV` turns off certificate verification for the running process: \
`NODE_TLS_REJECT_UNAUTHORIZED=0`, `PYTHONHTTPSVERIFY=0`, `GIT_SSL_NO_VERIFY` set, or an empty \
`REQUESTS_CA_BUNDLE`/`CURL_CA_BUNDLE` (which makes Python requests skip verification).",
        why: "These variables are inherited by every outbound connection the service makes: to \
the payment provider, the identity provider, the object store. With verification off, anyone on \
the network path can impersonate them and read or alter the traffic, and nothing logs it.",
        fix: "Remove the variable; if a private CA is the reason, add it to the image's trust \
store (`COPY ca.crt /usr/local/share/ca-certificates/` + `update-ca-certificates`) or point \
`NODE_EXTRA_CA_CERTS`/`REQUESTS_CA_BUNDLE` at it.",
        example: "```dockerfile\n# fails\nENV NODE_TLS_REJECT_UNAUTHORIZED=0\n# passes\nCOPY corp-ca.crt /usr/local/share/ca-certificates/corp-ca.crt\nRUN update-ca-certificates\nENV NODE_EXTRA_CA_CERTS=/usr/local/share/ca-certificates/corp-ca.crt\n```",
    },
    params: &[],
    requires: &[],
    keywords: &[
        "TLS",
        "certificate verification",
        "NODE_TLS_REJECT_UNAUTHORIZED",
        "PYTHONHTTPSVERIFY",
        "insecure",
    ],
};

fn disables_tls(key: &str, value: &str) -> bool {
    let v = value.trim().trim_matches(['"', '\'']);
    match key.to_ascii_uppercase().as_str() {
        "NODE_TLS_REJECT_UNAUTHORIZED" | "PYTHONHTTPSVERIFY" => v == "0",
        "GIT_SSL_NO_VERIFY" => !v.is_empty() && v != "0" && !v.eq_ignore_ascii_case("false"),
        "REQUESTS_CA_BUNDLE" | "CURL_CA_BUNDLE" => v.is_empty(),
        _ => false,
    }
}

#[async_trait::async_trait]
impl Check for TlsVerificationOn {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let files = match dockerfiles(cx).await {
            Ok(f) => f,
            Err(o) => return o,
        };
        let mut findings = Findings::new();
        for f in deployable(&files) {
            findings.inspected();
            if !usable(f, &mut findings) {
                continue;
            }
            let df = &f.parsed;
            let Some(last) = df.final_stage() else {
                continue;
            };
            let chain = df.stage_chain(last.index);
            for ins in df
                .instructions
                .iter()
                .filter(|i| i.keyword == "ENV" && i.stage.is_some_and(|s| chain.contains(&s)))
            {
                for (k, v) in key_values(&ins.args) {
                    if disables_tls(&k, &v) {
                        findings.fail(
                            format!(
                                "ENV {k}={v} turns off TLS certificate verification at run time"
                            ),
                            at(f, ins.line),
                        );
                    }
                }
            }
        }
        findings.into_outcome(
            "no image turns off TLS verification",
            NO_DOCKERFILE,
            "remove the variable and trust the private CA instead",
        )
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn variables() {
        assert!(super::disables_tls("NODE_TLS_REJECT_UNAUTHORIZED", "0"));
        assert!(super::disables_tls("PYTHONHTTPSVERIFY", "\"0\""));
        assert!(super::disables_tls("REQUESTS_CA_BUNDLE", ""));
        assert!(super::disables_tls("GIT_SSL_NO_VERIFY", "true"));
        assert!(!super::disables_tls("NODE_TLS_REJECT_UNAUTHORIZED", "1"));
        assert!(!super::disables_tls(
            "REQUESTS_CA_BUNDLE",
            "/etc/ssl/certs/ca.pem"
        ));
        assert!(!super::disables_tls("GIT_SSL_NO_VERIFY", "false"));
    }
}
