use crate::support::{NO_TARGET_ENV, env_files, parse_bool};
use golive_core::redact::display_var;
use golive_core::{
    Category, Check, CheckCx, CheckDoc, CheckMeta, Findings, Location, Outcome, ParamKind,
    ParamSpec, Severity,
};

pub struct VariableHasValue;

static META: CheckMeta = CheckMeta {
    code: "VARS001",
    slug: "vars-variable-has-value",
    category: Category::Configuration,
    severity: Severity::Medium,
    summary: "A variable a checklist names has the stated value in production env files",
    doc: CheckDoc {
        what: "The generic check behind checklist items such as `ENFORCE_TENANT_ISOLATION=true` or \
`REQUIRE_REDIS_SESSIONS=true` that no dedicated check is about. In each production env file, the \
variable `name` must be set and, when `value` is given, equal it (booleans compare as booleans: \
`true`, `1`, `yes`, `on`). With `absent = true` the variable must not be set; with `not` it must \
differ from that value. A variable missing from a production env file fails.",
        why: "Feature switches and safety flags (tenant isolation, Redis-backed sessions, Vault \
enabled) are written down in the checklist and then forgotten in the env file; the application \
starts with its default, which is usually the unsafe one.",
        fix: "Set the variable to the value the checklist states in the production env file, or bind \
the item to a dedicated check.",
        example: "```\n# checklist\n- [ ] `ENFORCE_TENANT_ISOLATION=true` for multi-tenant deployments\n# fails\nENFORCE_TENANT_ISOLATION=false\n# passes\nENFORCE_TENANT_ISOLATION=true\n```",
    },
    params: &[
        ParamSpec {
            name: "name",
            kind: ParamKind::Str,
            default: "",
            help: "the variable; the check is skipped when empty",
        },
        ParamSpec {
            name: "value",
            kind: ParamKind::Str,
            default: "",
            help: "the value it must have; empty means any non-empty value",
        },
        ParamSpec {
            name: "absent",
            kind: ParamKind::Bool,
            default: "false",
            help: "the variable must not be set",
        },
        ParamSpec {
            name: "not",
            kind: ParamKind::Str,
            default: "",
            help: "a value it must not have",
        },
    ],
    requires: &[],
    // The binder uses this check as its fallback; it claims no words of its own.
    keywords: &[],
};

fn same_value(actual: &str, wanted: &str) -> bool {
    let a = actual.trim().trim_matches(['"', '\'']);
    let w = wanted.trim().trim_matches(['"', '\'']);
    if a == w || a.eq_ignore_ascii_case(w) {
        return true;
    }
    matches!((parse_bool(a), parse_bool(w)), (Some(x), Some(y)) if x == y && !a.is_empty() && !w.is_empty())
}

#[async_trait::async_trait]
impl Check for VariableHasValue {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let name = cx.params.str("name").trim().to_string();
        if name.is_empty() {
            return Outcome::skipped(
                "no variable named: VARS001 runs for the variables a checklist item names",
            );
        }
        let wanted = cx.params.str("value").to_string();
        let absent = cx.params.bool("absent");
        let not = cx.params.str("not").to_string();
        let files = match env_files(cx).await {
            Ok(f) => f,
            Err(o) => return o,
        };
        let shown = |v: &str| display_var(&name, v);
        // "Must not be X" says nothing about an unset variable: the application's default
        // applies, which golive cannot see.
        if !not.is_empty()
            && wanted.is_empty()
            && files.targets().next().is_some()
            && files
                .targets()
                .all(|f| !f.parsed.effective().into_iter().any(|e| e.key == name))
        {
            return Outcome::skipped(format!(
                "{name} is not set in any production env file; the application's default applies"
            ));
        }
        let mut findings = Findings::new();
        for file in files.targets() {
            findings.inspected();
            let entry = file.parsed.effective().into_iter().find(|e| e.key == name);
            let at = |line: u32| Location::line(file.rel.clone(), line);
            match entry {
                None if absent || (!not.is_empty() && wanted.is_empty()) => {}
                None => findings.fail(
                    format!("{name} is not set in {}", file.rel),
                    Location::file(file.rel.clone()),
                ),
                Some(e) if absent => {
                    if !e.value.trim().is_empty() {
                        findings.fail(
                            format!("{name} is set (\"{}\") but must not be", shown(&e.value)),
                            at(e.line),
                        );
                    }
                }
                Some(e) if e.value.trim().is_empty() => {
                    findings.fail(format!("{name} is empty"), at(e.line))
                }
                Some(e) => {
                    if !wanted.is_empty() && !same_value(&e.value, &wanted) {
                        findings.fail(
                            format!(
                                "{name} is \"{}\", expected \"{}\"",
                                shown(&e.value),
                                shown(&wanted)
                            ),
                            at(e.line),
                        );
                    } else if !not.is_empty() && same_value(&e.value, &not) {
                        findings.fail(
                            format!("{name} is \"{}\", which it must not be", shown(&e.value)),
                            at(e.line),
                        );
                    }
                }
            }
        }
        let what = if absent {
            format!("{name} is not set")
        } else if !wanted.is_empty() {
            format!("{name} is \"{}\"", shown(&wanted))
        } else if !not.is_empty() {
            format!("{name} is set and not \"{}\"", shown(&not))
        } else {
            format!("{name} is set")
        };
        let fix = if absent {
            format!("remove {name} from the production env file")
        } else if !wanted.is_empty() {
            format!("set {name}={} in the production env file", shown(&wanted))
        } else {
            format!("set {name} in the production env file")
        };
        findings.into_outcome(
            format!("{what} in every production env file"),
            NO_TARGET_ENV,
            &fix,
        )
    }
}
