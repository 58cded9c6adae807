pub fn run(_a: super::args::InitArgs, _s: super::style::Style) -> i32 {
    0
}
