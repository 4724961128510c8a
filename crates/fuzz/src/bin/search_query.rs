//! libFuzzer's entry point for [`switchboard_fuzz::search_query`] (scripts/fuzz).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| switchboard_fuzz::search_query(data));
