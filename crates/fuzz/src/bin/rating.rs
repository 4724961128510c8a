//! libFuzzer's entry point for [`switchboard_fuzz::rating`] (scripts/fuzz).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| switchboard_fuzz::rating(data));
