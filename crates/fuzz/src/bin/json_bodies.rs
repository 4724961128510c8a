//! libFuzzer's entry point for [`switchboard_fuzz::json_bodies`] (scripts/fuzz).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| switchboard_fuzz::json_bodies(data));
