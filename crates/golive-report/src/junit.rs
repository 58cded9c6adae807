//! JUnit XML: one test suite per category, one test case per result; fail and error are
//! failures (with message and evidence), manual, skipped and waived are skipped (with why),
//! pass and warn pass (a warning's message goes to system-out). A "Sign-off" suite has one
//! case per required role, failing while that role has not signed for the current commit.

use golive_core::report::{RunReport, SignoffState};
use golive_core::{CheckResult, Status};
use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};
use std::time::Duration;

fn case_name(r: &CheckResult) -> String {
    match (&r.check, &r.item) {
        (Some(code), _) => format!("{code} {}", r.slug.as_deref().unwrap_or(""))
            .trim()
            .to_string(),
        (None, Some(item)) => item.text.clone(),
        (None, None) => r.message.clone(),
    }
}

fn details(r: &CheckResult) -> String {
    let mut lines = Vec::new();
    for l in &r.locations {
        lines.push(format!("at {l}"));
    }
    for e in &r.evidence {
        lines.push(e.clone());
    }
    if let Some(fix) = &r.fix {
        lines.push(format!("fix: {fix}"));
    }
    if let Some(item) = &r.item {
        lines.push(format!(
            "item: {} ({}:{})",
            item.text, item.source, item.line
        ));
    }
    lines.join("\n")
}

pub fn render(report: &RunReport) -> String {
    let name = match &report.environment {
        Some(e) => format!("golive {e}"),
        None => "golive".to_string(),
    };
    let mut out = Report::new(name);
    out.set_time(Duration::from_millis(report.duration_ms));
    for (cat, _) in report.categories() {
        let mut suite = TestSuite::new(cat.as_str());
        for r in report.results.iter().filter(|r| r.category == cat) {
            let status = match r.status {
                Status::Pass => TestCaseStatus::success(),
                Status::Warn => TestCaseStatus::success(),
                Status::Fail | Status::Error => {
                    let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
                    s.set_message(r.message.as_str());
                    s.set_type(format!("{} ({})", r.status, r.severity));
                    s.set_description(details(r));
                    s
                }
                Status::Skipped | Status::Manual | Status::Waived => {
                    let mut s = TestCaseStatus::skipped();
                    s.set_message(format!("{}: {}", r.status, r.message));
                    s.set_description(details(r));
                    s
                }
            };
            let mut case = TestCase::new(case_name(r), status);
            case.set_classname(format!("golive.{}", cat.as_str()));
            case.set_time(Duration::from_millis(r.duration_ms));
            if r.status == Status::Warn {
                case.set_system_out(format!("warning: {}\n{}", r.message, details(r)));
            }
            suite.add_test_case(case);
        }
        out.add_test_suite(suite);
    }
    let required: Vec<_> = report.signoffs.iter().filter(|s| s.required).collect();
    if !required.is_empty() {
        let mut suite = TestSuite::new("Sign-off");
        for s in required {
            let status = if s.state == SignoffState::Signed {
                TestCaseStatus::success()
            } else {
                let mut st = TestCaseStatus::non_success(NonSuccessKind::Failure);
                st.set_message(format!("sign-off by {} is {}", s.role, s.state.as_str()));
                st.set_type("signoff");
                if let Some(n) = &s.note {
                    st.set_description(n.as_str());
                }
                st
            };
            let mut case = TestCase::new(format!("signoff {}", s.role), status);
            case.set_classname("golive.Sign-off");
            suite.add_test_case(case);
        }
        out.add_test_suite(suite);
    }
    match out.to_string() {
        Ok(s) => s,
        Err(e) => format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- cannot serialise: {} -->\n<testsuites/>\n",
            e.to_string().replace("--", "- -")
        ),
    }
}
