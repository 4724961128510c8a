//! libFuzzer's entry point for [`switchboard_fuzz::stream_frame`] (scripts/fuzz).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| switchboard_fuzz::stream_frame(data));
