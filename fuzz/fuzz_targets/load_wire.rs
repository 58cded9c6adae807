#![no_main]
//! The load generator's response framing takes any bytes from a server without panicking: a
//! head never claims more bytes than it was given, and the chunked decoder never consumes more
//! than it is fed, whatever the split.

use golive_facts::load::wire::{BodyLen, Chunked, parse_head};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&step, data)) = data.split_first() else {
        return;
    };
    let body = match parse_head(data) {
        Ok(Some(h)) => {
            assert!(h.len <= data.len());
            if h.body == BodyLen::UntilClose {
                assert!(h.close);
            }
            &data[h.len..]
        }
        _ => data,
    };
    let mut c = Chunked::default();
    let mut pending = Vec::new();
    for piece in body.chunks(usize::from(step).max(1)) {
        pending.extend_from_slice(piece);
        match c.advance(&pending) {
            Ok(n) => {
                assert!(n <= pending.len());
                pending.drain(..n);
            }
            Err(_) => return,
        }
        if c.done() {
            return;
        }
    }
});
