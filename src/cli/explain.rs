use super::args::ExplainArgs;

pub fn run(a: ExplainArgs) -> i32 {
    let registry = golive_checks::registry();
    let found = registry.iter().find(|c| {
        c.meta().code.eq_ignore_ascii_case(a.code.trim())
            || c.meta().slug.eq_ignore_ascii_case(a.code.trim())
    });
    match found {
        Some(c) => match super::emit(&golive_core::check::render_doc(c.meta()), None) {
            Ok(()) => super::EXIT_READY,
            Err(e) => super::fail_usage(e),
        },
        None => {
            let codes: Vec<&str> = registry.iter().map(|c| c.meta().code).collect();
            super::fail_usage(golive_core::config::unknown_name_message(
                "check", &a.code, &codes,
            ))
        }
    }
}
