//! libFuzzer's entry point for [`switchboard_fuzz::sms_webhook`] (scripts/fuzz).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| switchboard_fuzz::sms_webhook(data));
