#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| webgrad_fuzz::csv(data));
